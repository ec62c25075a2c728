package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/zootour/zootour"
)

// Listing sizes: ?limit= defaults to DefaultLimit and may not exceed MaxLimit.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// MaxBodyBytes is the largest request body the API reads (413 beyond).
const MaxBodyBytes = 1 << 20

func invalid(format string, args ...any) error {
	return zootour.Errorf(zootour.EINVALID, format, args...)
}

// pathID reads the {id} of the route: a positive decimal int64 written
// plainly (no sign, no leading zeros), so each record has one URL.
func pathID(r *http.Request) (int64, error) {
	s := r.PathValue("id")
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != s {
		return 0, invalid("id %q in the path is not a positive integer below 2^63", s)
	}
	return id, nil
}

// limitParam reads ?limit=, 1 to MaxLimit, DefaultLimit if absent.
func limitParam(r *http.Request) (int, error) {
	s := r.URL.Query().Get("limit")
	if s == "" && !r.URL.Query().Has("limit") {
		return DefaultLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxLimit {
		return 0, invalid("limit %q is not a whole number from 1 to %d", s, MaxLimit)
	}
	return n, nil
}

// boolParam reads ?name=true or false, false if absent.
func boolParam(r *http.Request, name string) (bool, error) {
	q := r.URL.Query()
	if !q.Has(name) {
		return false, nil
	}
	switch s := q.Get(name); s {
	case "true":
		return true, nil
	case "false":
		return false, nil
	default:
		return false, invalid("%s %q must be true or false", name, s)
	}
}

// dateParam reads ?name=YYYY-MM-DD, the zero Date if absent or empty.
func dateParam(r *http.Request, name string) (zootour.Date, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return zootour.Date{}, nil
	}
	d, err := zootour.ParseDate(s)
	if err != nil {
		return d, invalid("%s: %v", name, err)
	}
	return d, nil
}

// Cursors are opaque to clients: the text form of a zootour.Cursor, the
// key of the last entry of the page (never an offset), so a cursor stays
// valid while records are added.

var errCursor = invalid("cursor is not one this API gave out; start again without it")

// cursorParam reads ?cursor=, the start of the listing if absent.
func cursorParam(r *http.Request) (zootour.Cursor, error) {
	c, err := zootour.ParseCursor(r.URL.Query().Get("cursor"))
	if err != nil {
		return c, errCursor
	}
	return c, nil
}

// pageParams reads ?limit= and ?cursor= of a listing. The limit it
// returns is the one asked for; ask the store for one more, which tells
// whether there is a next page.
func pageParams(r *http.Request) (zootour.Cursor, int, error) {
	limit, err := limitParam(r)
	if err != nil {
		return zootour.Cursor{}, 0, err
	}
	after, err := cursorParam(r)
	return after, limit, err
}

// queryParams reads ?from=, ?to=, ?limit=, ?cursor= and, where the
// listing has it, ?distinct= of a relationship listing.
func queryParams(r *http.Request, distinct bool) (zootour.Query, int, error) {
	var q zootour.Query
	var err error
	if q.From, err = dateParam(r, "from"); err != nil {
		return q, 0, err
	}
	if q.To, err = dateParam(r, "to"); err != nil {
		return q, 0, err
	}
	if distinct {
		if q.Distinct, err = boolParam(r, "distinct"); err != nil {
			return q, 0, err
		}
	}
	after, limit, err := pageParams(r)
	if err != nil {
		return q, 0, err
	}
	q.After, q.Limit = after, limit+1
	return q, limit, q.Validate()
}

// searchParam reads ?q=: absent is no search, present and blank is bad
// input (a client that asks to search must say for what).
func searchParam(r *http.Request) (zootour.Search, error) {
	if !r.URL.Query().Has("q") {
		return zootour.Search{}, nil
	}
	return zootour.ParseSearch(r.URL.Query().Get("q"))
}

// sortParam reads ?sort= for a listing of kind.
func sortParam(r *http.Request, kind string) (zootour.Sort, error) {
	return zootour.ParseSort(r.URL.Query().Get("sort"), zootour.Sorts(kind))
}

// idParam reads an optional ?name= that names a record by ID.
func idParam(r *http.Request, name string) (int64, error) {
	q := r.URL.Query()
	if !q.Has(name) {
		return 0, nil
	}
	s := q.Get(name)
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != s {
		return 0, invalid("%s %.40q is not a positive integer below 2^63", name, s)
	}
	return id, nil
}

// readJSON decodes the request body, one JSON object of at most
// MaxBodyBytes with no unknown fields, into v.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return &httpError{http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Type %q is not application/json", ct)}
	}
	body := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var raw json.RawMessage
	if err := body.Decode(&raw); err != nil {
		return bodyError(err)
	}
	// One value only: trailing data means the client and server disagree
	// about what was sent.
	if err := body.Decode(&json.RawMessage{}); !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return bodyError(err)
		}
		return invalid("the request body holds more than one JSON value")
	}
	if raw[0] != '{' {
		return invalid("the request body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return bodyError(err)
	}
	return nil
}

// bodyError says in the API's terms what is wrong with a request body.
func bodyError(err error) error {
	var (
		tooBig *http.MaxBytesError
		syntax *json.SyntaxError
		typ    *json.UnmarshalTypeError
		domain *zootour.Error
	)
	switch {
	case errors.As(err, &tooBig):
		return &httpError{http.StatusRequestEntityTooLarge, fmt.Sprintf("the request body is larger than %d bytes", MaxBodyBytes)}
	case errors.Is(err, io.EOF):
		return invalid("the request body is empty: send a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("the request body is not valid JSON: it ends too soon")
	case errors.As(err, &syntax):
		return invalid("the request body is not valid JSON at byte %d: %v", syntax.Offset, syntax)
	case errors.As(err, &typ):
		return invalid("field %q must be %s (got a JSON %s)", typ.Field, describe(typ.Type), typ.Value)
	case errors.As(err, &domain):
		return domain
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return invalid("unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return invalid("the request body is not valid JSON: %v", err)
}

// describe names a field's type for a person.
func describe(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == reflect.TypeFor[zootour.Date]():
		return "a date written YYYY-MM-DD"
	case t.Kind() == reflect.Int64:
		return "an integer from 1 to 2^63-1"
	case t.Kind() == reflect.String:
		return "a string"
	}
	return "a " + t.String()
}
