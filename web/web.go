// Package web serves zootour over HTTP. It assembles one server from parts
// that each stand alone: the JSON API under /api (package api), the pages
// for people at / (package pages) and its own operational endpoints
// (/healthz, /readyz, /metrics). The API and the pages share
// one rule of who may do what and one bound on requests in flight
// (package httpx), so that the server behaves as one whatever a client
// talks to.
//
// It sees only the zootour.Store interface.
//
// Every request is a user's, by a session from the sign-in page or a
// bearer token, or anonymous (docs/accounts.md). No address is
// trusted, loopback included: behind a reverse proxy on the same machine
// every client would look local. Anonymous requests read only with
// Config.PublicRead and never write. A store with no users gets a one-time
// setup link, printed on start, to the page that makes the first admin.
package web

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/accounts"
	"github.com/zootour/zootour/web/api"
	"github.com/zootour/zootour/web/httpx"
	"github.com/zootour/zootour/web/pages"
)

// DefaultAddr is where Run listens when Config.Addr is empty.
const DefaultAddr = "127.0.0.1:8080"

// Config configures a Server. The zero value of every field but the store
// has a sensible default.
type Config struct {
	// Addr is the HOST:PORT to listen on (DefaultAddr if empty; ":0" picks
	// a free port).
	Addr string
	// PublicRead lets anonymous people read (never write, nor read the
	// change log).
	PublicRead bool
	// Logger receives one line per request and the details of internal
	// errors (slog.Default() if nil).
	Logger *slog.Logger
	// Stdout receives the one line that says where the server listens
	// (os.Stdout if nil).
	Stdout io.Writer
	// Stderr receives the one-time setup link of a store with no users
	// (os.Stderr if nil).
	Stderr io.Writer
	// MaxInFlight bounds the API requests served at once (64 if zero);
	// others are answered 503 with Retry-After.
	MaxInFlight int
	// ShutdownTimeout bounds how long Run waits for in-flight requests
	// after its context is cancelled (10s if zero).
	ShutdownTimeout time.Duration
	// BaseURL is the address people use, behind a proxy say
	// ("https://zoo.example.org"): Location headers and the printed links
	// use it, the Host check lets it in, and with https the session
	// cookie is Secure. Empty for none. A path in it
	// ("https://example.org/zoo") is the server's BasePath.
	BaseURL string
	// BasePath is the path the server is mounted under, such as "/zoo"
	// ("" for the root): it answers only paths under it, and every link,
	// form, cookie and Location header it gives starts with it, as behind
	// a proxy that forwards https://example.org/zoo/ whole, or in another
	// server's mux at "/zoo/". Set by BaseURL's path when that has one.
	BasePath string
	// TLSCert and TLSKey, both set, are the PEM files of the certificate
	// and key to serve HTTPS with.
	TLSCert, TLSKey string
	// MaxUpload bounds an import uploaded on the pages, in bytes
	// (httpx.DefaultMaxUpload, 64 MiB, if zero).
	MaxUpload int64
}

// Bounds of the work a request may make the server do before it holds a
// slot (README, "Serving safely").
const (
	// MaxBody is the most of a body that is read before a handler sees
	// it; the API's bound (1 MiB) answers 413 beyond.
	MaxBody = 1<<20 + 1
	// BodyWithin is how long a client has to send its body.
	BodyWithin = 10 * time.Second
	// WriteWithin bounds a write that goes on after its client left.
	WriteWithin = time.Minute
)

// Server serves a store over HTTP. Make one with New.
type Server struct {
	store   zootour.Store
	cfg     Config
	log     *slog.Logger
	mux     *http.ServeMux
	handler http.Handler
	metrics *metrics
	auth    *httpx.Auth
	// setup is the first admin's one-time code, nil if the store had
	// users when the server was made.
	setup *accounts.Setup
	base  *url.URL
	// pages holds the imports uploaded on the pages, until Serve ends.
	pages io.Closer
	// cfgErr is what is wrong with the configuration, for Listen to say.
	cfgErr error

	// onShutdown, when set, is called as graceful shutdown begins (tests).
	onShutdown func()
}

// New returns a server for s configured by cfg. The caller keeps owning s
// and closes it after Run returns.
func New(s zootour.Store, cfg Config) *Server {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Stdout == nil {
		cfg.Stdout = os.Stdout
	}
	if cfg.Stderr == nil {
		cfg.Stderr = os.Stderr
	}
	if cfg.MaxInFlight <= 0 {
		cfg.MaxInFlight = 64
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	srv := &Server{
		store:   s,
		cfg:     cfg,
		log:     cfg.Logger,
		mux:     http.NewServeMux(),
		metrics: newMetrics(),
		auth:    httpx.NewAuth(accounts.New(s), cfg.PublicRead),
	}
	if users, err := s.Users(context.Background()); err != nil {
		// The store is unwell; /readyz will say so. No setup link
		// rather than one to a store that may have users.
		srv.log.Warn("cannot tell whether the store has users", "err", err)
	} else if len(users) == 0 {
		srv.setup = accounts.NewSetup()
	}
	srv.base, srv.cfgErr = parseBaseURL(cfg.BaseURL)
	if srv.cfgErr == nil {
		srv.cfgErr = srv.setBasePath()
	}
	if srv.cfgErr == nil && (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		srv.cfgErr = zootour.Errorf(zootour.EINVALID, "--tls-cert and --tls-key go together: give both or neither")
	}
	srv.auth.SecureCookies = srv.base != nil && srv.base.Scheme == "https"
	for _, rt := range srv.routes() {
		srv.mux.Handle(rt.method+" "+rt.path, rt.handler)
	}
	// One mux for all, so that every request routes, redirects and names
	// its route (in the log and the metrics) as if one table had it all.
	shared := httpx.Options{Auth: srv.auth, Setup: srv.setup, Limiter: httpx.NewLimiter(cfg.MaxInFlight), Logger: cfg.Logger,
		MaxUpload: cfg.MaxUpload, BasePath: srv.cfg.BasePath}
	api.Register(srv.mux, s, shared)
	srv.pages = pages.Register(srv.mux, s, shared)
	listenHost, _, _ := net.SplitHostPort(cfg.Addr)
	machine, _ := os.Hostname() // "" if unknown: then only the others
	hosts := httpx.NewHosts(listenHost, srv.base, machine)
	var h http.Handler = httpx.Routed(srv.mux)
	h = httpx.AbsoluteLocation(srv.base, h)
	h = httpx.Detach(WriteWithin, h)
	h = readBody(h)
	h = underPath(srv.cfg.BasePath, h)
	h = httpx.CheckHost(hosts, h)
	srv.handler = httpx.Observe(srv.log, srv.metrics.observe, h)
	return srv
}

// readBody reads a body before the request goes on (httpx.ReadBody), but
// for an import's upload, which the pages stream to disk under bounds of
// their own rather than hold in memory.
func readBody(next http.Handler) http.Handler {
	read := httpx.ReadBody(MaxBody, BodyWithin, next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if pages.Streams(r) {
			next.ServeHTTP(w, r)
			return
		}
		read.ServeHTTP(w, r)
	})
}

// underPath hands next the requests under basePath, with it stripped; a
// request for basePath itself is sent on to basePath/, and one outside it
// is not zootour's to answer.
func underPath(basePath string, next http.Handler) http.Handler {
	if basePath == "" {
		return next
	}
	strip := http.StripPrefix(basePath, next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == basePath:
			to := basePath + "/"
			if r.URL.RawQuery != "" {
				to += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, to, http.StatusPermanentRedirect)
		case strings.HasPrefix(r.URL.Path, basePath+"/"):
			// The mux would send an unclean path to its clean form, from
			// the root; this sends it there under the base path.
			if rest := r.URL.Path[len(basePath):]; path.Clean(rest) != rest && rest != "/" && path.Clean(rest)+"/" != rest {
				to := basePath + path.Clean(rest)
				if r.URL.RawQuery != "" {
					to += "?" + r.URL.RawQuery
				}
				http.Redirect(w, r, to, http.StatusPermanentRedirect)
				return
			}
			strip.ServeHTTP(w, r)
		default:
			http.Error(w, "Not found: zootour is served under "+basePath+"/ here.", http.StatusNotFound)
		}
	})
}

// setBasePath checks Config.BasePath, or takes it from the base URL's
// path, and puts the base URL's path in line with it.
func (srv *Server) setBasePath() error {
	p := strings.TrimSuffix(srv.cfg.BasePath, "/")
	if srv.base != nil && srv.base.Path != "/" {
		fromURL := strings.TrimSuffix(srv.base.Path, "/")
		if p != "" && p != fromURL {
			return zootour.Errorf(zootour.EINVALID, "the base path %q and the path of --base-url %q differ: give one", p, srv.cfg.BaseURL)
		}
		p = fromURL
	}
	if p != "" && (!strings.HasPrefix(p, "/") || path.Clean(p) != p || strings.Trim(p, pathChars) != "") {
		return zootour.Errorf(zootour.EINVALID, "the base path %q is not a clean path like /zoo: letters, digits, '-', '.', '_', '~' and '/' only", p)
	}
	srv.cfg.BasePath = p
	if srv.base != nil {
		srv.base.Path = p + "/"
	}
	return nil
}

// pathChars are the characters of a base path: the unreserved ones of RFC
// 3986 and '/', which need no escaping in a URL or in HTML.
const pathChars = "/-._~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// parseBaseURL reads --base-url: an http or https URL of a host, with
// perhaps a path, the server's base path.
func parseBaseURL(s string) (*url.URL, error) {
	if s == "" {
		return nil, nil
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return nil, zootour.Errorf(zootour.EINVALID, "--base-url %q is not a URL", s)
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, zootour.Errorf(zootour.EINVALID, "--base-url %q must start with http:// or https://", s)
	case u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "":
		return nil, zootour.Errorf(zootour.EINVALID, "--base-url %q must be a scheme and a host, like https://zoo.example.org", s)
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u, nil
}

// Handler returns the server's HTTP handler, for tests and for embedding
// in another server.
func (srv *Server) Handler() http.Handler { return srv.handler }

// Run listens on the configured address and serves until ctx is
// cancelled, then shuts down gracefully. It refuses, with EINVALID and
// before listening, an address that is not HOST:PORT.
func (srv *Server) Run(ctx context.Context) error {
	ln, err := srv.Listen()
	if err != nil {
		return err
	}
	return srv.Serve(ctx, ln)
}

// Listen checks the configured address and listens on it; tests use it
// with Addr "127.0.0.1:0" to learn the port before Serve.
func (srv *Server) Listen() (net.Listener, error) {
	if srv.cfgErr != nil {
		return nil, srv.cfgErr
	}
	if err := srv.checkAddr(srv.cfg.Addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", srv.cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", srv.cfg.Addr, err)
	}
	return ln, nil
}

// checkAddr refuses an address that is malformed. Any host will do: who
// may do what depends on accounts, not on where the client is.
func (srv *Server) checkAddr(addr string) error {
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return zootour.Errorf(zootour.EINVALID, "address %q is not HOST:PORT", addr)
	}
	return nil
}

// Serve serves on ln, which it closes, until ctx is cancelled. It prints
// where to point a browser to the configured Stdout and, while the store
// has no users, the setup link to Stderr, then waits at most
// ShutdownTimeout for in-flight requests once ctx is done.
func (srv *Server) Serve(ctx context.Context, ln net.Listener) error {
	if err := srv.checkAddr(ln.Addr().String()); err != nil {
		ln.Close()
		return err
	}
	if srv.cfgErr != nil {
		ln.Close()
		return srv.cfgErr
	}
	if srv.cfg.TLSCert != "" {
		// Loaded here too, so that a bad file is a clear error before
		// anything is served.
		if _, err := tls.LoadX509KeyPair(srv.cfg.TLSCert, srv.cfg.TLSKey); err != nil {
			ln.Close()
			return zootour.Errorf(zootour.EINVALID, "the TLS certificate and key: %v", err)
		}
	}
	hs := &http.Server{
		Handler:           srv.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(srv.log.Handler(), slog.LevelWarn),
	}
	if srv.onShutdown != nil {
		hs.RegisterOnShutdown(srv.onShutdown)
	}
	// A store whose storage can be damaged is checked while it serves:
	// once damage is found it answers 503, never from damaged pages.
	if v, ok := srv.store.(zootour.Verifier); ok {
		go func() {
			if err := v.Verify(ctx); err != nil && ctx.Err() == nil {
				srv.log.Error("the store failed its check", "err", err)
			}
		}()
	}
	// The setup link first: whoever waits for the line on Stdout then
	// has both.
	srv.printSetup(ctx, ln.Addr())
	also := ""
	if srv.base != nil {
		also = ", for people at " + srv.base.String()
	}
	fmt.Fprintf(srv.cfg.Stdout, "zootour: serving on %s%s (JSON API under /api, described at /api/openapi.json)\n", srv.listenURL(ln.Addr()), also)

	// Once nothing is served, the uploads waiting to be imported go.
	defer func() {
		if err := srv.pages.Close(); err != nil {
			srv.log.Warn("remove the uploaded imports", "err", err)
		}
	}()
	served := make(chan error, 1)
	go func() {
		if srv.cfg.TLSCert != "" {
			hs.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
			served <- hs.ServeTLS(ln, srv.cfg.TLSCert, srv.cfg.TLSKey)
			return
		}
		served <- hs.Serve(ln)
	}()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	// In-flight requests get their own time to finish: ctx is already done.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), srv.cfg.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", serr)
	}
	if err != nil {
		hs.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// printSetup prints the setup link, as Jupyter prints its token's, if the
// code is unused and the store still has no users (the command line may
// have made one since New).
func (srv *Server) printSetup(ctx context.Context, addr net.Addr) {
	if srv.setup == nil || srv.setup.Code() == "" {
		return
	}
	if users, err := srv.store.Users(ctx); err != nil || len(users) > 0 {
		return
	}
	fmt.Fprintf(srv.cfg.Stderr, "zootour: no users yet. To make the first admin, open this link (it works once):\n    %ssetup?code=%s\n",
		srv.browseURL(addr), url.QueryEscape(srv.setup.Code()))
}

// browseURL returns the base URL, or else a URL for addr that a browser
// on this machine can open.
func (srv *Server) browseURL(addr net.Addr) string {
	if srv.base != nil {
		return srv.base.String()
	}
	return srv.listenURL(addr)
}

// listenURL returns a URL for addr that a browser on this machine can
// open.
func (srv *Server) listenURL(addr net.Addr) string {
	scheme := "http"
	if srv.cfg.TLSCert != "" {
		scheme = "https"
	}
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return scheme + "://" + addr.String() + srv.cfg.BasePath + "/"
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return scheme + "://" + net.JoinHostPort(host, port) + srv.cfg.BasePath + "/"
}
