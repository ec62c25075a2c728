package httpx

import (
	"net/http"
	"strconv"

	"github.com/zootour/zootour"
)

// Listing sizes: ?limit= defaults to DefaultLimit and may not exceed MaxLimit.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

func invalid(format string, args ...any) error {
	return zootour.Errorf(zootour.EINVALID, format, args...)
}

// PathID reads the {id} of the route: a positive decimal int64 written
// plainly (no sign, no leading zeros), so each record has one URL.
func PathID(r *http.Request) (int64, error) {
	s := r.PathValue("id")
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != s {
		return 0, invalid("id %q in the path is not a positive integer below 2^63", s)
	}
	return id, nil
}

// LimitParam reads ?limit=, 1 to MaxLimit, DefaultLimit if absent.
func LimitParam(r *http.Request) (int, error) {
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

// BoolParam reads ?name=true or false, false if absent.
func BoolParam(r *http.Request, name string) (bool, error) {
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

// DateParam reads ?name=YYYY-MM-DD, the zero Date if absent or empty.
func DateParam(r *http.Request, name string) (zootour.Date, error) {
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

// CursorParam reads ?cursor=, the start of the listing if absent.
func CursorParam(r *http.Request) (zootour.Cursor, error) {
	c, err := zootour.ParseCursor(r.URL.Query().Get("cursor"))
	if err != nil {
		return c, errCursor
	}
	return c, nil
}

// PageParams reads ?limit= and ?cursor= of a listing. The limit it
// returns is the one asked for; ask the store for one more, which tells
// whether there is a next page.
func PageParams(r *http.Request) (zootour.Cursor, int, error) {
	limit, err := LimitParam(r)
	if err != nil {
		return zootour.Cursor{}, 0, err
	}
	after, err := CursorParam(r)
	return after, limit, err
}

// SearchParam reads ?q=: absent is no search, present and blank is bad
// input (a client that asks to search must say for what).
func SearchParam(r *http.Request) (zootour.Search, error) {
	if !r.URL.Query().Has("q") {
		return zootour.Search{}, nil
	}
	return zootour.ParseSearch(r.URL.Query().Get("q"))
}

// SortParam reads ?sort= for a listing of kind.
func SortParam(r *http.Request, kind string) (zootour.Sort, error) {
	return zootour.ParseSort(r.URL.Query().Get("sort"), zootour.Sorts(kind))
}

// IDParam reads an optional ?name= that names a record by ID.
func IDParam(r *http.Request, name string) (int64, error) {
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
