package httpx

import (
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

// Observe serves next, then logs one line for the request and hands it to
// count (if not nil), by route pattern rather than raw path so that label
// values stay few. It must wrap the mux and pass the request on as it is:
// the mux sets r.Pattern on this very request when it routes it.
func Observe(log *slog.Logger, count func(route, method string, status int, took time.Duration), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		w.Header().Set("X-Content-Type-Options", "nosniff")
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		took := time.Since(start)
		route := r.Pattern
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
// one, so that the bound is on both together.
type Limiter struct{ sem chan struct{} }

// NewLimiter returns a Limiter of n requests at once.
func NewLimiter(n int) *Limiter { return &Limiter{sem: make(chan struct{}, n)} }

// Limit serves next while fewer than the limiter's bound are being
// served; beyond it, it sets Retry-After and lets busy answer 503 in its
// own format. A nil Limiter serves every request.
func (l *Limiter) Limit(next http.Handler, busy http.HandlerFunc) http.Handler {
	if l == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case l.sem <- struct{}{}:
			defer func() { <-l.sem }()
			next.ServeHTTP(w, r)
		default:
			w.Header().Set("Retry-After", "1")
			busy(w, r)
		}
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
