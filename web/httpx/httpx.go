// Package httpx is what the JSON API (package api) and the pages (package
// pages) share, so that the two answer alike without knowing each other:
// the statuses of the domain's errors, the readers of query parameters,
// the rule of who may write, the bound on requests in flight and the
// request log.
package httpx

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/accounts"
)

// ReadWriter is what the API and the pages ask of a store: they read and
// write one record a call, read the change log and revert, keep the
// accounts, and never import, export or close it.
type ReadWriter interface {
	zootour.Reader
	zootour.Writer
	zootour.ChangeLog
	zootour.Accounts
}

// Options configures the API and the pages alike. One value given to both
// makes them share the rule of who may do what and the bound on requests
// in flight, as the parts of one server.
type Options struct {
	// Auth says who is asking (required).
	Auth *Auth
	// Setup, while the store has no users, is the one-time code of the
	// page that makes the first admin (nil: no such page).
	Setup *accounts.Setup
	// Limiter bounds the requests served at once (no bound if nil).
	Limiter *Limiter
	// Logger receives the details of internal errors (slog.Default() if nil).
	Logger *slog.Logger
	// MaxUpload bounds the whole upload of an import on the pages, in
	// bytes (DefaultMaxUpload if zero).
	MaxUpload int64
	// BasePath is the path the API and the pages are mounted under, such
	// as "/zoo" ("" at the root): every link, form and Location they give
	// starts with it. They are handed requests with it stripped, as
	// http.StripPrefix does.
	BasePath string
}

// DefaultMaxUpload is the bound of an import's upload when Options leaves
// it out: 64 MiB.
const DefaultMaxUpload = 64 << 20

// WithDefaults returns o with what it leaves out filled in.
func (o Options) WithDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxUpload <= 0 {
		o.MaxUpload = DefaultMaxUpload
	}
	return o
}

// statusOf maps the domain's error codes to HTTP statuses, once for the
// API and the pages. Any other error is internal: 500.
var statusOf = map[string]int{
	zootour.EINVALID:     http.StatusBadRequest,
	zootour.ENOTFOUND:    http.StatusNotFound,
	zootour.ECONFLICT:    http.StatusConflict,
	zootour.EUNAVAILABLE: http.StatusServiceUnavailable,
}

// An Error is a failure that only HTTP has words for: 401, 403, 405, 413,
// 415, 503, or a page's own 404. Handlers set any header it needs (Allow,
// Retry-After) before returning it.
type Error struct {
	Status int
	Detail string
	// RetryAfter, when set, is sent as Retry-After (429, 503).
	RetryAfter time.Duration
}

func (e *Error) Error() string { return e.Detail }

// SetRetryAfter sets the Retry-After header that err asks for, if any.
func SetRetryAfter(w http.ResponseWriter, err error) {
	var he *Error
	switch {
	case errors.As(err, &he) && he.RetryAfter > 0:
		w.Header().Set("Retry-After", strconv.Itoa(retrySeconds(he.RetryAfter)))
	case zootour.ErrorCode(err) == zootour.EUNAVAILABLE:
		w.Header().Set("Retry-After", "5")
	}
}

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

// WriteProblem answers status and detail as application/problem+json (RFC
// 9457), the API's form of every failure; a 401 also names the scheme
// that would do (RFC 9110).
func WriteProblem(w http.ResponseWriter, status int, detail string) {
	// about:blank: the status says what kind of problem it is.
	body, _ := json.Marshal(struct {
		Type   string `json:"type"`
		Title  string `json:"title"`
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}{"about:blank", http.StatusText(status), status, detail})
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="zootour"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)+1))
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}
