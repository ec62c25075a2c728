package web

import (
	"crypto/subtle"
	"net"
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

// observe logs one line per request and counts it in the metrics, by route
// pattern rather than raw path so that label values stay few.
func (srv *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		w.Header().Set("X-Content-Type-Options", "nosniff")
		rec := &recorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		took := time.Since(start)
		// The mux sets r.Pattern on this very request when it routes it.
		route := r.Pattern
		if _, path, ok := strings.Cut(route, " "); ok {
			route = path
		}
		if route == "" {
			route = "unmatched" // a redirect to the cleaned path
		}
		srv.metrics.observe(route, r.Method, rec.status, took)
		srv.log.Info("request", "method", r.Method, "route", route, "path", r.URL.Path,
			"status", rec.status, "duration", took, "bytes", rec.bytes)
	})
}

// limit answers 503 with Retry-After when MaxInFlight requests are already
// being served, so that a burst queues in clients, not in the store.
func (srv *Server) limit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case srv.sem <- struct{}{}:
			defer func() { <-srv.sem }()
			next.ServeHTTP(w, r)
		default:
			w.Header().Set("Retry-After", "1")
			srv.problem(w, r, &httpError{http.StatusServiceUnavailable, "the server is busy: try again in a moment"})
		}
	})
}

// authorized lets h run only if the client may write:
//
//   - a browser's cross-origin request (Sec-Fetch-Site, Origin) never;
//   - a request with "Authorization: Bearer T" if the server has a token
//     and T is it (403 if not, wherever the client is);
//   - otherwise a loopback client, if it addresses the server by a
//     loopback name (so a web page that rebinds its DNS name to 127.0.0.1
//     cannot write);
//   - anyone else: 401 if the server has a token, 403 if it has none.
func (srv *Server) authorized(h apiFunc) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := srv.csrf.Check(r); err != nil {
			return &httpError{http.StatusForbidden, "cross-origin writes are not allowed"}
		}
		if auth := r.Header.Get("Authorization"); auth != "" && srv.cfg.Token != "" {
			scheme, token, _ := strings.Cut(auth, " ")
			if !strings.EqualFold(scheme, "Bearer") {
				w.Header().Set("WWW-Authenticate", `Bearer realm="zootour"`)
				return &httpError{http.StatusUnauthorized, "Authorization must be Bearer TOKEN"}
			}
			if subtle.ConstantTimeCompare([]byte(strings.TrimSpace(token)), []byte(srv.cfg.Token)) != 1 {
				return &httpError{http.StatusForbidden, "the token is not this server's"}
			}
			return h(w, r)
		}
		if loopbackClient(r) {
			if !loopbackHost(hostOnly(r.Host)) {
				return &httpError{http.StatusForbidden, "writes without a token must address the server as localhost or a loopback IP, not " + r.Host}
			}
			return h(w, r)
		}
		if srv.cfg.Token == "" {
			return &httpError{http.StatusForbidden, "this server takes writes only from its own machine: it has no token"}
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="zootour"`)
		return &httpError{http.StatusUnauthorized, "writes from other machines need Authorization: Bearer TOKEN"}
	}
}

// loopbackClient reports whether the request came over loopback. It looks
// at the connection's address only: headers are the client's to forge.
func loopbackClient(r *http.Request) bool {
	return loopbackHost(hostOnly(r.RemoteAddr))
}

// hostOnly strips any port from a host[:port] string.
func hostOnly(hostport string) string {
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		return host
	}
	return strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")
}

// probeMethods are the methods tried when a path exists for some other method.
var probeMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}

// allowed returns the methods with a route for r's path other than the
// catch-alls, joined for an Allow header ("" if none): the mux itself is
// asked, so the answer cannot drift from the route table.
func (srv *Server) allowed(r *http.Request) string {
	var methods []string
	for _, m := range probeMethods {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := srv.mux.Handler(probe); strings.Contains(pattern, " ") {
			methods = append(methods, m)
		}
	}
	slices.Sort(methods)
	return strings.Join(methods, ", ")
}
