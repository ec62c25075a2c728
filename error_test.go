package zootour_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/zootour/zootour"
)

func TestErrorCode(t *testing.T) {
	notFound := zootour.Errorf(zootour.ENOTFOUND, "zoo %d not found", 7)
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"nil", nil, ""},
		{"plain error", errors.New("disk on fire"), zootour.EINTERNAL},
		{"context error", context.Canceled, zootour.EINTERNAL},
		{"invalid", zootour.Errorf(zootour.EINVALID, "bad"), zootour.EINVALID},
		{"not found", notFound, zootour.ENOTFOUND},
		{"conflict", zootour.Errorf(zootour.ECONFLICT, "taken"), zootour.ECONFLICT},
		{"internal", zootour.Errorf(zootour.EINTERNAL, "oops"), zootour.EINTERNAL},
		{"wrapped", fmt.Errorf("opening: %w", notFound), zootour.ENOTFOUND},
		{"in a RecordError", &zootour.RecordError{Kind: "visits", Record: 3, Err: notFound}, zootour.ENOTFOUND},
		{"joined, first wins", errors.Join(errors.New("x"), zootour.Errorf(zootour.ECONFLICT, "c"), notFound), zootour.ECONFLICT},
		{"sentinel", zootour.ErrInvalid, zootour.EINVALID},
	}
	for _, tc := range tests {
		if got := zootour.ErrorCode(tc.err); got != tc.want {
			t.Errorf("%s: ErrorCode = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestErrorIs(t *testing.T) {
	sentinels := map[string]error{
		zootour.EINVALID:  zootour.ErrInvalid,
		zootour.ENOTFOUND: zootour.ErrNotFound,
		zootour.ECONFLICT: zootour.ErrConflict,
	}
	for code := range sentinels {
		err := zootour.Errorf(code, "something about %s", code)
		for other, sentinel := range sentinels {
			if got := errors.Is(err, sentinel); got != (code == other) {
				t.Errorf("errors.Is(%s error, %s sentinel) = %v", code, other, got)
			}
			wrapped := fmt.Errorf("layer: %w", &zootour.RecordError{Kind: "zoos", Record: 1, Err: err})
			if got := errors.Is(wrapped, sentinel); got != (code == other) {
				t.Errorf("errors.Is(wrapped %s error, %s sentinel) = %v", code, other, got)
			}
		}
	}
	// Only the message-less sentinels match by code; two errors with
	// messages are only equal if they are the same error.
	a, b := zootour.Errorf(zootour.ENOTFOUND, "a"), zootour.Errorf(zootour.ENOTFOUND, "b")
	if errors.Is(a, b) {
		t.Error("errors.Is matched two different not-found errors")
	}
	if !errors.Is(a, a) {
		t.Error("errors.Is(a, a) is false")
	}
	if errors.Is(errors.New("not_found"), zootour.ErrNotFound) {
		t.Error("a plain error matched ErrNotFound")
	}
	var e *zootour.Error
	if !errors.As(fmt.Errorf("x: %w", a), &e) || e.Code != zootour.ENOTFOUND || e.Message != "a" {
		t.Errorf("errors.As = %+v", e)
	}
}

func TestErrorMessage(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{zootour.Errorf(zootour.EINVALID, "name is required"), "name is required"},
		{zootour.Errorf(zootour.ENOTFOUND, "zoo 3 not found"), "zoo 3 not found"},
		{fmt.Errorf("creating: %w", zootour.Errorf(zootour.ECONFLICT, "taken")), "creating: taken"},
		{errors.New("pq: password authentication failed for user x"), "internal error"},
		{zootour.Errorf(zootour.EINTERNAL, "secret detail"), "internal error"},
		{&zootour.RecordError{Kind: "animals", Record: 2, Err: zootour.Errorf(zootour.EINVALID, "species is required")},
			"animals record 2: species is required"},
	}
	for _, tc := range tests {
		if got := zootour.ErrorMessage(tc.err); got != tc.want {
			t.Errorf("ErrorMessage(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
	if got := zootour.Errorf(zootour.EINVALID, "%d is %s", 3, "odd").Error(); got != "3 is odd" {
		t.Errorf("Errorf formats %q", got)
	}
}

func TestRecordError(t *testing.T) {
	inner := zootour.Errorf(zootour.ECONFLICT, "zoo ID 5 is already taken")
	err := fmt.Errorf("import: %w", &zootour.RecordError{Kind: "zoos", Record: 12, Err: inner})
	var re *zootour.RecordError
	if !errors.As(err, &re) || re.Kind != "zoos" || re.Record != 12 {
		t.Fatalf("errors.As = %+v", re)
	}
	if got, want := re.Error(), "zoos record 12: zoo ID 5 is already taken"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if !errors.Is(err, inner) || !errors.Is(err, zootour.ErrConflict) || re.Unwrap() != inner {
		t.Error("RecordError does not unwrap to its error")
	}
}

// TestMissingIsNotNotFound checks that a visit naming a zoo that does not
// exist (bad input) is never worded as the zoo itself not being found.
func TestMissingIsNotNotFound(t *testing.T) {
	missing, notFound := zootour.Missing("zoo", 999), zootour.NotFound("zoo", 999)
	if got, want := missing.Error(), "zoo 999 does not exist: a visit needs an existing zoo"; got != want {
		t.Errorf("Missing = %q, want %q", got, want)
	}
	if missing.Error() == notFound.Error() {
		t.Errorf("Missing and NotFound both say %q", missing)
	}
	if missing.Code != zootour.EINVALID || notFound.Code != zootour.ENOTFOUND {
		t.Errorf("codes %q and %q, want %q and %q", missing.Code, notFound.Code, zootour.EINVALID, zootour.ENOTFOUND)
	}
}
