package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/internal/webtest"
)

// startRun runs srv.Run in the background on 127.0.0.1:0 and returns the
// base URL it printed and a channel with Run's result.
func startRun(t *testing.T, s zootour.Store, cfg Config) (string, *Server, context.CancelFunc, <-chan error) {
	t.Helper()
	lines := make(lineWriter, 1)
	cfg.Addr, cfg.Stdout, cfg.Logger = "127.0.0.1:0", lines, webtest.Logger(t)
	if cfg.Stderr == nil {
		cfg.Stderr = io.Discard
	}
	srv := New(s, cfg)
	return runServer(t, srv, lines)
}

func runServer(t *testing.T, srv *Server, lines lineWriter) (string, *Server, context.CancelFunc, <-chan error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- srv.Run(ctx)
		close(done) // so that the cleanup never waits for a result already taken
	}()
	var line string
	select {
	case line = <-lines:
	case err := <-done:
		t.Fatalf("Run returned early: %v", err)
	}
	m := regexp.MustCompile(`http://127\.0\.0\.1:([0-9]+)/`).FindStringSubmatch(line)
	if m == nil || m[1] == "0" {
		t.Fatalf("Run printed %q, not where it listens", line)
	}
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return strings.TrimSuffix(m[0], "/"), srv, cancel, done
}

func httpGet(t *testing.T, url string) webtest.Reply {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return webtest.Reply{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

func TestRunServesAndStops(t *testing.T) {
	url, _, cancel, done := startRun(t, webtest.MemoryStore(t), Config{})
	if r := httpGet(t, url+"/healthz"); r.Status != 200 || string(r.Body) != "ok\n" {
		t.Fatalf("healthz: %d %q", r.Status, r.Body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after cancel: %v", err)
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Fatal("the server still answers after Run returned")
	}
}

// TestRunAddresses checks that any HOST:PORT is served, open ones
// included (who may do what is a matter of accounts, not of addresses),
// and that a malformed address is refused before listening.
func TestRunAddresses(t *testing.T) {
	for _, addr := range []string{"no-port", "127.0.0.1", ""} {
		srv := New(webtest.MemoryStore(t), Config{Stdout: io.Discard, Stderr: io.Discard, Logger: webtest.Logger(t)})
		if err := srv.checkAddr(addr); zootour.ErrorCode(err) != zootour.EINVALID {
			t.Errorf("checkAddr(%q) = %v, want an invalid error", addr, err)
		}
	}
	srv := New(webtest.MemoryStore(t), Config{Addr: "no-port", Stdout: io.Discard, Stderr: io.Discard, Logger: webtest.Logger(t)})
	if err := srv.Run(t.Context()); zootour.ErrorCode(err) != zootour.EINVALID {
		t.Errorf("Run(no-port) = %v, want an invalid error", err)
	}
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", "localhost:0", "[::1]:0"} {
		srv := New(webtest.MemoryStore(t), Config{Addr: addr, Stdout: io.Discard, Stderr: io.Discard, Logger: webtest.Logger(t)})
		ln, err := srv.Listen()
		if err != nil {
			if strings.Contains(addr, "::") && !errors.Is(err, zootour.ErrInvalid) {
				continue // no IPv6 on this machine
			}
			t.Fatalf("Listen(%q) = %v", addr, err)
		}
		ln.Close()
	}
}

// TestSetupLink checks that a store with no users gets the one-time
// setup link on standard error, with the port the server listens on and
// the server's own code, and that a store with users gets none.
func TestSetupLink(t *testing.T) {
	var stderr webtest.LockedBuffer
	s := webtest.MemoryStore(t)
	url, srv, cancel, done := startRun(t, s, Config{Stderr: &stderr})
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(http://\S+)/setup\?code=(\S+)\n`).FindStringSubmatch(stderr.String())
	if m == nil || m[1] != url {
		t.Fatalf("stderr %q has no setup link to %s", stderr.String(), url)
	}
	if srv.setup == nil || !srv.setup.Valid(m[2]) || len(m[2]) < 40 {
		t.Errorf("the link's code %q is not the server's setup code", m[2])
	}
	if n := strings.Count(stderr.String(), "/setup?code="); n != 1 {
		t.Errorf("the link is printed %d times", n)
	}

	// A store with users: no link, and no code to use.
	var quiet webtest.LockedBuffer
	s = webtest.MemoryStore(t)
	webtest.User(t, s, "ada", zootour.Admin)
	_, srv, cancel, done = startRun(t, s, Config{Stderr: &quiet})
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if strings.Contains(quiet.String(), "setup") || srv.setup != nil {
		t.Errorf("a store with users got a setup link: %q", quiet.String())
	}

	// A user made after New but before Serve (by the command line): no
	// link either, as it would not work.
	var late webtest.LockedBuffer
	s = webtest.MemoryStore(t)
	lines := make(lineWriter, 1)
	srv = New(s, Config{Addr: "127.0.0.1:0", Stdout: lines, Stderr: &late, Logger: webtest.Logger(t)})
	webtest.User(t, s, "ada", zootour.Admin)
	_, _, cancel, done = runServer(t, srv, lines)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if strings.Contains(late.String(), "setup") {
		t.Errorf("a store that has users by Serve got a setup link: %q", late.String())
	}
}

// TestGracefulShutdown keeps a request in flight while Run's context is
// cancelled: the request still gets its whole answer, and then Run returns.
func TestGracefulShutdown(t *testing.T) {
	bs := newBlockingStore(webtest.MemoryStore(t))
	lines := make(lineWriter, 1)
	srv := New(bs, Config{Addr: "127.0.0.1:0", PublicRead: true, Stdout: lines, Stderr: io.Discard, Logger: webtest.Logger(t)})
	shutdown := make(chan struct{})
	srv.onShutdown = func() { close(shutdown) }
	url, _, cancel, done := runServer(t, srv, lines)

	got := make(chan webtest.Reply, 1)
	go func() {
		resp, err := http.Get(url + "/api/zoos")
		if err != nil {
			got <- webtest.Reply{Status: -1, Body: []byte(err.Error())}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- webtest.Reply{Status: resp.StatusCode, Header: resp.Header, Body: b}
	}()
	<-bs.entered
	cancel()
	<-shutdown
	select {
	case err := <-done:
		t.Fatalf("Run returned with a request in flight: %v", err)
	default:
	}
	close(bs.release)
	r := <-got
	if r.Status != 200 || string(r.Body) != `{"items":[],"next":null}`+"\n" {
		t.Fatalf("in-flight request: %d %s", r.Status, r.Body)
	}
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// TestBusy fills the in-flight limit and checks that one more request is
// answered 503 with Retry-After, while health checks still answer.
func TestBusy(t *testing.T) {
	bs := newBlockingStore(webtest.MemoryStore(t))
	e := newEnv(t, bs, Config{MaxInFlight: 1, PublicRead: true})
	first := make(chan webtest.Reply, 1)
	go func() {
		resp, err := http.Get(e.URL + "/api/zoos")
		if err != nil {
			first <- webtest.Reply{Status: -1}
			return
		}
		resp.Body.Close()
		first <- webtest.Reply{Status: resp.StatusCode}
	}()
	<-bs.entered
	r := webtest.Must(t, e.Do("GET", "/api/animals", ""), 503)
	if r.Header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	// The pages share the bound with the API.
	if r := e.Do("GET", "/", ""); r.Status != 503 || r.Header.Get("Retry-After") == "" || r.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("a page while busy: %d %q, Retry-After %q", r.Status, r.Header.Get("Content-Type"), r.Header.Get("Retry-After"))
	}
	if r := e.Do("GET", "/healthz", ""); r.Status != 200 {
		t.Errorf("healthz while busy: %d", r.Status)
	}
	close(bs.release)
	if r := <-first; r.Status != 200 {
		t.Fatalf("the request in flight: %d", r.Status)
	}
	webtest.Must(t, e.Do("GET", "/api/animals", ""), 200)
}

func TestOperations(t *testing.T) {
	s := webtest.MemoryStore(t)
	e := newEnv(t, s, Config{})
	vic := e.As(webtest.User(t, s, "vic", zootour.Viewer))
	ed := e.As(webtest.User(t, s, "eddie", zootour.Editor))
	// The health checks are open to all, with or without credentials.
	for _, env := range []*webtest.Env{e, vic, e.As("zt_garbage")} {
		if r := env.Do("GET", "/healthz", ""); r.Status != 200 || string(r.Body) != "ok\n" {
			t.Errorf("healthz: %d %q", r.Status, r.Body)
		}
		if r := env.Do("GET", "/readyz", ""); r.Status != 200 || string(r.Body) != "ok\n" {
			t.Errorf("readyz: %d %q", r.Status, r.Body)
		}
	}
	sick := newEnv(t, failingStore{webtest.MemoryStore(t)}, Config{})
	if r := sick.Do("GET", "/readyz", ""); r.Status != 503 {
		t.Errorf("readyz on a failing store: %d %q", r.Status, r.Body)
	}
	if r := sick.Do("GET", "/healthz", ""); r.Status != 200 {
		t.Errorf("healthz on a failing store: %d %q", r.Status, r.Body)
	}

	r := e.Do("GET", "/", "")
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.Body), `href="/api/openapi.json"`) {
		t.Errorf("home: %d %q %s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}

	webtest.Must(t, vic.Do("GET", "/api/zoos/1", ""), 404)
	webtest.Must(t, vic.Do("GET", "/api/zoos/2", ""), 404)
	webtest.Must(t, ed.Do("POST", "/api/zoos", `{"name":"A","location":"B"}`), 201)
	e.Do("GET", "/api/zoos/1/x/y/z", "")

	// The metrics are for signed-in users only, even on a public server.
	for _, env := range []*webtest.Env{e, e.As("zt_garbage"), newEnv(t, s, Config{PublicRead: true})} {
		r := webtest.Must(t, env.Do("GET", "/metrics", ""), 401)
		if r.Header.Get("WWW-Authenticate") != `Bearer realm="zootour"` || strings.Contains(string(r.Body), "zootour_http") {
			t.Errorf("metrics refused with %q: %s", r.Header.Get("WWW-Authenticate"), r.Body)
		}
	}
	r = vic.Do("GET", "/metrics", "")
	if r.Status != 200 {
		t.Fatalf("metrics: %d", r.Status)
	}
	metrics := string(r.Body)
	for _, want := range []string{
		`zootour_http_requests_total{method="GET",route="/api/zoos/{id}",status="404"} 2`,
		`zootour_http_requests_total{method="POST",route="/api/zoos",status="201"} 1`,
		`zootour_http_requests_total{method="GET",route="/api/",status="404"} 1`,
		`zootour_http_requests_total{method="GET",route="/metrics",status="401"} 2`,
		`zootour_http_request_duration_seconds_count{method="POST",route="/api/zoos",status="201"} 1`,
		`go_goroutines `,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(metrics, "/api/zoos/1") {
		t.Error("metrics carry raw paths")
	}
}

// TestMounts checks that each path is answered by the part of the server
// that owns it: the API in problem+json under /api, the pages in HTML
// elsewhere, and the operational routes, whose other methods the pages
// answer 405 with the routes' Allow.
func TestMounts(t *testing.T) {
	const html, problem = "text/html; charset=utf-8", "application/problem+json"
	e := newEnv(t, webtest.MemoryStore(t), Config{PublicRead: true})
	webtest.Seed(t, e.Store)
	for _, tt := range []struct {
		method, path string
		status       int
		ctype, allow string
	}{
		{"GET", "/api/zoos/1", 200, "application/json", ""},
		{"GET", "/api", 404, problem, ""},
		{"GET", "/api/keepers", 404, problem, ""},
		{"POST", "/api/openapi.json", 405, problem, "GET, HEAD"},
		{"GET", "/zoos/1", 200, html, ""},
		{"DELETE", "/zoos/1", 405, html, "GET, HEAD"},
		{"GET", "/nothing/here", 404, html, ""},
		{"GET", "/healthz", 200, "text/plain; charset=utf-8", ""},
		{"POST", "/healthz", 405, html, "GET, HEAD"},
		{"DELETE", "/metrics", 405, html, "GET, HEAD"},
	} {
		r := e.Do(tt.method, tt.path, "")
		if r.Status != tt.status || r.Header.Get("Content-Type") != tt.ctype || r.Header.Get("Allow") != tt.allow {
			t.Errorf("%s %s: %d %q Allow %q, want %d %q Allow %q", tt.method, tt.path,
				r.Status, r.Header.Get("Content-Type"), r.Header.Get("Allow"), tt.status, tt.ctype, tt.allow)
		}
	}
}

// TestOpsMatchOpenAPI holds the operational routes, the mux and the
// OpenAPI document that the server serves, outside /api, to the same set
// of (method, path) pairs; the API checks the document's paths under /api.
func TestOpsMatchOpenAPI(t *testing.T) {
	s := webtest.MemoryStore(t)
	srv := New(s, Config{Logger: webtest.Logger(t)})
	doc := webtest.Must(t, webtest.NewEnv(t, s, srv.Handler()).Do("GET", "/api/openapi.json", ""), 200).Body
	var patterns []string
	for _, rt := range srv.routes() {
		patterns = append(patterns, rt.method+" "+rt.path)
	}
	webtest.MatchOpenAPI(t, doc, srv.mux, patterns, func(path string) bool { return !strings.HasPrefix(path, "/api/") })

	// The health checks are open; the metrics need someone (signedIn).
	var d struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{"/healthz": `[]`, "/readyz": `[]`, "/metrics": `[{"bearerAuth":[]},{"cookieAuth":[]}]`} {
		var op struct {
			Security []map[string][]string `json:"security"`
		}
		if err := json.Unmarshal(d.Paths[path]["get"], &op); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		if got, _ := json.Marshal(op.Security); op.Security == nil || string(got) != want {
			t.Errorf("GET %s: security %s, want %s", path, got, want)
		}
	}
}
