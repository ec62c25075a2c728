package httpx

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// What the server does to every request before the API or the pages see
// it (README, "Serving safely").

// Hosts says which Host headers name this server: the host it listens on,
// the base URL's, localhost, and any IP literal. A DNS rebinding attack
// reaches the server under a name of the attacker's, never as an IP
// literal, so these are safe to answer and every other name is refused.
type Hosts struct {
	names map[string]bool
}

// NewHosts returns the hosts of a server listening on listenHost, with
// the base URL base (nil for none), and other names of the machine.
func NewHosts(listenHost string, base *url.URL, names ...string) *Hosts {
	h := &Hosts{names: map[string]bool{"localhost": true}}
	for _, n := range append(names, listenHost) {
		if n != "" {
			h.names[strings.ToLower(n)] = true
		}
	}
	if base != nil {
		h.names[strings.ToLower(base.Hostname())] = true
	}
	return h
}

// Allows reports whether a request's Host names this server.
func (h *Hosts) Allows(hostport string) bool {
	host := strings.ToLower(hostOnly(hostport))
	if net.ParseIP(host) != nil {
		return true
	}
	return h.names[strings.TrimSuffix(host, ".")]
}

// CheckHost answers 421 Misdirected Request, and serves nothing, when a
// request's Host is not one of h's: reads included, as a rebound page
// could read them.
func CheckHost(h *Hosts, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !h.Allows(r.Host) {
			WriteProblem(w, http.StatusMisdirectedRequest, "this server does not answer to the host "+quoteHost(r.Host)+": use the address it listens on, or its --base-url")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// quoteHost shows a client's Host in a message, bounded.
func quoteHost(h string) string {
	if len(h) > 100 {
		h = h[:100] + "..."
	}
	return `"` + strings.ToValidUTF8(h, "?") + `"`
}

// hostOnly strips any port from a host[:port] string.
func hostOnly(hostport string) string {
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		return host
	}
	return strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")
}

// ReadBody reads a request's body, at most limit+1 bytes, under its own
// deadline, before the request goes on to take a slot of the Limiter: a
// client that trickles its body a byte a second holds a connection, never
// a slot that others need. A body cut off by the deadline is answered
// 408; one over limit goes on as limit+1 bytes, for the handler's own
// bound to answer 413.
func ReadBody(limit int64, within time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		rc := http.NewResponseController(w)
		rc.SetReadDeadline(time.Now().Add(within))
		body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
		rc.SetReadDeadline(time.Time{})
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				w.Header().Set("Connection", "close")
				WriteProblem(w, http.StatusRequestTimeout, "the request's body took too long to arrive")
				return
			}
			WriteProblem(w, http.StatusBadRequest, "the request's body could not be read")
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		next.ServeHTTP(w, r)
	})
}

// Detach lets a write (any method but GET and HEAD) finish what it began
// when its client goes away: the store commits or not by itself, and a
// write reported as failed is one that did not commit. within bounds it.
func Detach(within time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), within)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// AbsoluteLocation makes the server's Location headers absolute URLs
// under base, the address people use (--base-url): behind a proxy, a
// relative one may not resolve to it.
func AbsoluteLocation(base *url.URL, next http.Handler) http.Handler {
	if base == nil {
		return next
	}
	return rewriteLocation(next, func(loc string) string {
		if u, err := base.Parse(loc); err == nil {
			return u.String()
		}
		return loc
	})
}

// UnderBase moves the Location headers of next, written as paths from
// the root ("/zoos/1"), under basePath, the path next is mounted under
// (httpx.Options.BasePath): the handlers write every path as if mounted
// at the root.
func UnderBase(basePath string, next http.Handler) http.Handler {
	if basePath == "" {
		return next
	}
	return rewriteLocation(next, func(loc string) string { return basePath + loc })
}

// rewriteLocation rewrites, with to, the Location header that next sets
// to a path from the root.
func rewriteLocation(next http.Handler, to func(string) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&locationWriter{ResponseWriter: w, to: to}, r)
	})
}

type locationWriter struct {
	http.ResponseWriter
	to    func(string) string
	wrote bool
}

func (lw *locationWriter) WriteHeader(status int) {
	if !lw.wrote {
		lw.wrote = true
		h := lw.ResponseWriter.Header()
		if loc := h.Get("Location"); strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//") {
			h.Set("Location", lw.to(loc))
		}
	}
	lw.ResponseWriter.WriteHeader(status)
}

func (lw *locationWriter) Write(b []byte) (int, error) {
	if !lw.wrote {
		lw.WriteHeader(http.StatusOK)
	}
	return lw.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (lw *locationWriter) Unwrap() http.ResponseWriter { return lw.ResponseWriter }
