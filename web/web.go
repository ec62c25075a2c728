// Package web serves zootour over HTTP. It assembles one server from parts
// that each stand alone: the JSON API under /api (package api), the pages
// for people at / (package pages) and its own operational endpoints
// (/healthz, /readyz, /metrics, in ops.go). The API and the pages share
// one rule of who may write and one bound on requests in flight (package
// httpx), so that the server behaves as one whatever a client talks to.
//
// It sees only the zootour.Store interface.
//
// Writes (POST, PATCH, DELETE) are trusted from loopback clients, which
// can reach the database file anyway; writes from any other client need
// the server's token as "Authorization: Bearer TOKEN". A loopback client
// that sends a token has it checked too. Behind a reverse proxy on the
// same machine every client looks like loopback: give such a server a
// token and have the proxy require it, or do not proxy writes.
package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/zootour/zootour"
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
	// a free port). A non-loopback address needs a Token.
	Addr string
	// Token, when set, lets clients that are not on loopback write by
	// sending "Authorization: Bearer <Token>".
	Token string
	// Logger receives one line per request and the details of internal
	// errors (slog.Default() if nil).
	Logger *slog.Logger
	// Stdout receives the one line that says where the server listens
	// (os.Stdout if nil).
	Stdout io.Writer
	// MaxInFlight bounds the API requests served at once (64 if zero);
	// others are answered 503 with Retry-After.
	MaxInFlight int
	// ShutdownTimeout bounds how long Run waits for in-flight requests
	// after its context is cancelled (10s if zero).
	ShutdownTimeout time.Duration
}

// Server serves a store over HTTP. Make one with New.
type Server struct {
	store   zootour.Store
	cfg     Config
	log     *slog.Logger
	mux     *http.ServeMux
	handler http.Handler
	metrics *metrics

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
	}
	for _, rt := range srv.routes() {
		srv.mux.Handle(rt.method+" "+rt.path, rt.handler)
	}
	// One mux for all, so that every request routes, redirects and names
	// its route (in the log and the metrics) as if one table had it all.
	shared := httpx.Options{Guard: httpx.NewGuard(cfg.Token), Limiter: httpx.NewLimiter(cfg.MaxInFlight), Logger: cfg.Logger}
	api.Register(srv.mux, s, shared)
	pages.Register(srv.mux, s, shared)
	srv.handler = httpx.Observe(srv.log, srv.metrics.observe, srv.mux)
	return srv
}

// Handler returns the server's HTTP handler, for tests and for embedding
// in another server.
func (srv *Server) Handler() http.Handler { return srv.handler }

// Run listens on the configured address and serves until ctx is
// cancelled, then shuts down gracefully. It refuses, with EINVALID and
// before listening, a non-loopback address without a token.
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
	if err := srv.checkAddr(srv.cfg.Addr); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", srv.cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", srv.cfg.Addr, err)
	}
	return ln, nil
}

// checkAddr refuses an address that is malformed, or reachable from other
// machines while the server has no token.
func (srv *Server) checkAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return zootour.Errorf(zootour.EINVALID, "address %q is not HOST:PORT", addr)
	}
	if srv.cfg.Token == "" && !httpx.LoopbackHost(host) {
		return zootour.Errorf(zootour.EINVALID,
			"address %q is reachable from other machines: serve it with a token, or listen on 127.0.0.1", addr)
	}
	return nil
}

// Serve serves on ln, which it closes, until ctx is cancelled. It prints
// where to point a browser to the configured Stdout, then waits at most
// ShutdownTimeout for in-flight requests once ctx is done.
func (srv *Server) Serve(ctx context.Context, ln net.Listener) error {
	if err := srv.checkAddr(ln.Addr().String()); err != nil {
		ln.Close()
		return err
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
	fmt.Fprintf(srv.cfg.Stdout, "zootour: serving on %s (JSON API under /api, described at /api/openapi.json)\n", browseURL(ln.Addr()))

	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
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

// browseURL returns a URL for addr that a browser on this machine can open.
func browseURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String() + "/"
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
