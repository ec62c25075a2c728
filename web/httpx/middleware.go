package httpx

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"
)

// recorder remembers the status and size of a response.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (rec *recorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
	rec.ResponseWriter.WriteHeader(status)
}

func (rec *recorder) Write(b []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	n, err := rec.ResponseWriter.Write(b)
	rec.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (rec *recorder) Unwrap() http.ResponseWriter { return rec.ResponseWriter }

type patternKey struct{}

// Routed wraps the mux, so that Observe, which may sit outside other
// middleware that copies the request, learns the route pattern the mux
// set on the request it routed.
func Routed(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if p, ok := r.Context().Value(patternKey{}).(*string); ok {
			*p = r.Pattern
		}
	})
}

// Observe serves next, then logs one line for the request and hands it to
// count (if not nil), by route pattern rather than raw path so that label
// values stay few. The pattern is the one the mux set, on this request or,
// through Routed, on a copy of it.
func Observe(log *slog.Logger, count func(route, method string, status int, took time.Duration), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		w.Header().Set("X-Content-Type-Options", "nosniff")
		rec := &recorder{ResponseWriter: w}
		var pattern string
		r = r.WithContext(context.WithValue(r.Context(), patternKey{}, &pattern))
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		took := time.Since(start)
		route := pattern
		if route == "" {
			route = r.Pattern
		}
		if _, path, ok := strings.Cut(route, " "); ok {
			route = path
		}
		if route == "" {
			route = "unmatched" // a redirect to the cleaned path
		}
		if count != nil {
			count(route, r.Method, rec.status, took)
		}
		log.Info("request", "method", r.Method, "route", route, "path", r.URL.Path,
			"status", rec.status, "duration", took, "bytes", rec.bytes)
	})
}

// A Limiter bounds the requests served at once, so that a burst queues in
// clients, not in the store. The API and the pages of one server share
// one, so that the bound is on both together. Reads and writes have
// bounds of their own, so that writes waiting on the store (an import
// holds SQLite's writer) never starve reads. A request takes a slot
// only once it is known to be allowed, its body already read
// (ReadBody), so that slow or unauthenticated clients hold none.
type Limiter struct{ reads, writes, downloads chan struct{} }

// NewLimiter returns a Limiter of n reads at once, a quarter as many
// writes (at least one), and n downloads.
func NewLimiter(n int) *Limiter {
	return &Limiter{reads: make(chan struct{}, n), writes: make(chan struct{}, max(1, n/4)), downloads: make(chan struct{}, n)}
}

// ErrBusy answers a request beyond the Limiter's bound.
var ErrBusy = &Error{Status: http.StatusServiceUnavailable, Detail: "the server is busy: try again in a moment", RetryAfter: time.Second}

// Acquire takes a slot for r, by its method, and returns its release; it
// returns ErrBusy if there is none free. A nil Limiter always has one.
func (l *Limiter) Acquire(r *http.Request) (func(), error) {
	if l == nil {
		return func() {}, nil
	}
	sem := l.reads
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		sem = l.writes
	}
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	default:
		return nil, ErrBusy
	}
}

// Hold is Acquire for a request whose answer may give its slot back while
// it writes and take it again to read (Download): the slot travels in the
// returned request's context. release gives it back if it is held.
func (l *Limiter) Hold(r *http.Request) (*http.Request, func(), error) {
	release, err := l.Acquire(r)
	if err != nil {
		return r, nil, err
	}
	s := &slot{l: l, r: r, release: release}
	return r.WithContext(context.WithValue(r.Context(), slotKey{}, s)), s.give, nil
}

type slotKey struct{}

// A slot is a request's place in its Limiter, held or given back.
type slot struct {
	l       *Limiter
	r       *http.Request
	release func() // nil while given back
}

func (s *slot) give() {
	if s.release != nil {
		s.release()
		s.release = nil
	}
}

// giveSlot gives back the slot of ctx's request while it writes, so that
// a client that reads slowly holds no slot; takeSlot takes it again,
// waiting for one while ctx lasts. Both do nothing for a request that
// holds none (a nil Limiter's).
func giveSlot(ctx context.Context) {
	if s, ok := ctx.Value(slotKey{}).(*slot); ok {
		s.give()
	}
}

func takeSlot(ctx context.Context) error {
	s, ok := ctx.Value(slotKey{}).(*slot)
	if !ok || s.release != nil || s.l == nil {
		return nil
	}
	// A download under way waits for a slot rather than fail midway:
	// the bound is on the store's work at once, and it has begun.
	sem := s.l.reads
	select {
	case sem <- struct{}{}:
		s.release = func() { <-sem }
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// startDownload takes one of the downloads in flight for ctx's request,
// which bound the goroutines and pages that slow downloads hold once they
// have given their slot back; ErrBusy if none is free.
func startDownload(ctx context.Context) (func(), error) {
	s, ok := ctx.Value(slotKey{}).(*slot)
	if !ok || s.l == nil {
		return func() {}, nil
	}
	select {
	case s.l.downloads <- struct{}{}:
		return func() { <-s.l.downloads }, nil
	default:
		return nil, ErrBusy
	}
}

// Limit serves next while a slot is free; beyond it, it sets Retry-After
// and lets busy answer 503 in its own format.
func (l *Limiter) Limit(next http.Handler, busy http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		release, err := l.Acquire(r)
		if err != nil {
			SetRetryAfter(w, err)
			busy(w, r)
			return
		}
		defer release()
		next.ServeHTTP(w, r)
	})
}

// probeMethods are the methods tried when a path exists for some other method.
var probeMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}

// Allowed returns the methods with a route for r's path on mux other than
// the catch-alls, joined for an Allow header ("" if none): the mux itself
// is asked, so the answer cannot drift from the route tables.
func Allowed(r *http.Request, mux *http.ServeMux) string {
	var methods []string
	for _, m := range probeMethods {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := mux.Handler(probe); strings.Contains(pattern, " ") {
			methods = append(methods, m)
		}
	}
	slices.Sort(methods)
	return strings.Join(methods, ", ")
}
