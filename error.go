package zootour

import (
	"errors"
	"fmt"
)

// Error codes. Every interface keeps the first three apart (an HTTP status,
// an exit code); anything else is internal and is shown as "internal error".
const (
	EINVALID  = "invalid"   // bad input
	ENOTFOUND = "not_found" // the record named does not exist
	ECONFLICT = "conflict"  // the write contradicts what is stored
	// EUNAVAILABLE: the store cannot answer now (busy, full, read-only,
	// unreachable) and nothing was changed; the same request may succeed
	// later. HTTP answers it 503 with Retry-After.
	EUNAVAILABLE = "unavailable"
	EINTERNAL    = "internal" // everything else: a bug
)

// Error is a domain error: a code and a sentence for the user, and, for
// the log, the failure behind it if there is one (Err, not shown).
type Error struct {
	Code    string
	Message string
	Err     error
}

// Unwrap returns the failure behind e, for the log.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error with the given code and a formatted message.
func Errorf(code string, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string { return e.Message }

// Is lets errors.Is(err, ErrNotFound) match any error of that code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Code == e.Code
}

// Sentinels for errors.Is; they match any Error of their code.
var (
	ErrInvalid  = &Error{Code: EINVALID}
	ErrNotFound = &Error{Code: ENOTFOUND}
	ErrConflict = &Error{Code: ECONFLICT}
)

// ErrorCode returns the code of the first Error in err's chain, EINTERNAL if
// there is none, and "" for a nil error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message to show a user: the error itself if it
// carries a domain code, and "internal error" otherwise, so that details of
// a failure reach the log, not the user.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return err.Error()
	}
	return "internal error"
}

// RecordError says which record of an import failed: the kind ("zoos",
// "animals" or "visits") and its 1-based position among the records of that
// kind. The reader that supplied the records turns it into a file and line.
type RecordError struct {
	Kind   string
	Record int
	Err    error
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("%s record %d: %v", e.Kind, e.Record, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// The domain's own refusals, worded once so that every store and every
// interface says the same thing in the same words.

// NotFound says that the record named does not exist (ENOTFOUND).
func NotFound(kind string, id int64) *Error {
	return Errorf(ENOTFOUND, "%s %d does not exist", kind, id)
}

// Missing says that a visit names a zoo or animal that does not exist:
// bad input (EINVALID), not a missing record of the request itself, and
// worded apart from NotFound so that the two never read alike.
func Missing(kind string, id int64) *Error {
	return Errorf(EINVALID, "%s %d does not exist: a visit needs an existing %s", kind, id, kind)
}

// IDTaken says that an imported record's ID is already in use (ECONFLICT).
func IDTaken(kind string, id int64) *Error {
	return Errorf(ECONFLICT, "%s ID %d is already taken", kind, id)
}

// DateTaken says that the animal already has a visit on that date: an
// animal is at one zoo per date (ECONFLICT).
func DateTaken(animalID int64, d Date) *Error {
	return Errorf(ECONFLICT, "animal %d already has a visit on %s", animalID, d)
}

// Unavailable says that the store cannot answer now, and why in a few
// words ("busy", "out of disk space", "read-only", "unreachable"); cause
// is the failure, for the log.
func Unavailable(why string, cause error) *Error {
	e := Errorf(EUNAVAILABLE, "the store is %s for now: try again shortly", why)
	e.Err = cause
	return e
}

// Damaged says that the store's storage is damaged (EUNAVAILABLE): what
// it would answer could be wrong, so it answers nothing until repaired.
func Damaged(what string) *Error {
	return Errorf(EUNAVAILABLE, "the store's file is damaged (%s): restore it from a backup", what)
}

// IDsUsedUp says that a new record of the kind cannot have an ID: the
// largest there is (2^63-1) is taken, by an import, and IDs are never
// handed out twice (ECONFLICT).
func IDsUsedUp(kind string) *Error {
	return Errorf(ECONFLICT, "no new %s ID is left: the largest there is, 9223372036854775807, is taken (IDs are never handed out twice); import the %ss again with smaller IDs", kind, kind)
}

// HasVisits refuses to delete a zoo or animal that has visits (ECONFLICT).
func HasVisits(kind string, id int64) *Error {
	return Errorf(ECONFLICT, "%s %d still has visits: delete them first, or cascade", kind, id)
}
