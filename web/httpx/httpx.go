// Package httpx is what the JSON API (package api) and the pages (package
// pages) share, so that the two answer alike without knowing each other:
// the statuses of the domain's errors, the readers of query parameters,
// the rule of who may write, the bound on requests in flight and the
// request log.
package httpx

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/zootour/zootour"
)

// ReadWriter is what the API and the pages ask of a store: they read and
// write one record a call, and never import, export or close it.
type ReadWriter interface {
	zootour.Reader
	zootour.Writer
}

// Options configures the API and the pages alike. One value given to both
// makes them share the rule of who may write and the bound on requests in
// flight, as the parts of one server. The zero value takes writes from
// loopback clients only, with no bound.
type Options struct {
	// Guard says who may write: loopback clients, or those that show its
	// token (loopback clients only if nil).
	Guard *Guard
	// Limiter bounds the requests served at once (no bound if nil).
	Limiter *Limiter
	// Logger receives the details of internal errors (slog.Default() if nil).
	Logger *slog.Logger
}

// WithDefaults returns o with what it leaves out filled in.
func (o Options) WithDefaults() Options {
	if o.Guard == nil {
		o.Guard = NewGuard("")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// statusOf maps the domain's error codes to HTTP statuses, once for the
// API and the pages. Any other error is internal: 500.
var statusOf = map[string]int{
	zootour.EINVALID:  http.StatusBadRequest,
	zootour.ENOTFOUND: http.StatusNotFound,
	zootour.ECONFLICT: http.StatusConflict,
}

// An Error is a failure that only HTTP has words for: 401, 403, 405, 413,
// 415, 503, or a page's own 404. Handlers set any header it needs (Allow,
// Retry-After) before returning it.
type Error struct {
	Status int
	Detail string
}

func (e *Error) Error() string { return e.Detail }

// Status returns the status that answers err and what to tell the client:
// an *Error's own, or the status of a domain error's code and its message.
// ok is false for any other error, which is internal: 500, with a detail
// that belongs in the log, never in the answer.
func Status(err error) (status int, detail string, ok bool) {
	var he *Error
	if errors.As(err, &he) {
		return he.Status, he.Detail, true
	}
	if s, ok := statusOf[zootour.ErrorCode(err)]; ok {
		return s, err.Error(), true
	}
	return http.StatusInternalServerError, err.Error(), false
}
