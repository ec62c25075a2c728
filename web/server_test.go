package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/zootour/zootour"
)

// startRun runs srv.Run in the background on 127.0.0.1:0 and returns the
// base URL it printed and a channel with Run's result.
func startRun(t *testing.T, s zootour.Store, cfg Config) (string, *Server, context.CancelFunc, <-chan error) {
	t.Helper()
	lines := make(lineWriter, 1)
	cfg.Addr, cfg.Stdout, cfg.Logger = "127.0.0.1:0", lines, testLogger(t)
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

func httpGet(t *testing.T, url string) reply {
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
	return reply{resp.StatusCode, resp.Header, b}
}

func TestRunServesAndStops(t *testing.T) {
	url, _, cancel, done := startRun(t, memoryStore(t), Config{})
	if r := httpGet(t, url+"/healthz"); r.status != 200 || string(r.body) != "ok\n" {
		t.Fatalf("healthz: %d %q", r.status, r.body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after cancel: %v", err)
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Fatal("the server still answers after Run returned")
	}
}

func TestRunRefusesOpenAddressWithoutToken(t *testing.T) {
	for _, addr := range []string{":0", "0.0.0.0:0", "[::]:0", "192.0.2.1:0", "example.com:0", "no-port"} {
		t.Run(addr, func(t *testing.T) {
			srv := New(memoryStore(t), Config{Addr: addr, Stdout: io.Discard, Logger: testLogger(t)})
			err := srv.Run(t.Context())
			if zootour.ErrorCode(err) != zootour.EINVALID {
				t.Fatalf("Run(%q) = %v, want an invalid error", addr, err)
			}
		})
	}
	// With a token an open address is allowed; localhost never needs one.
	for _, cfg := range []Config{{Addr: "0.0.0.0:0", Token: "t"}, {Addr: "localhost:0"}, {Addr: "[::1]:0"}} {
		srv := New(memoryStore(t), Config{Addr: cfg.Addr, Token: cfg.Token, Stdout: io.Discard, Logger: testLogger(t)})
		ln, err := srv.Listen()
		if err != nil {
			if cfg.Addr == "[::1]:0" && !errors.Is(err, zootour.ErrInvalid) {
				continue // no IPv6 loopback on this machine
			}
			t.Fatalf("Listen(%q, token %q) = %v", cfg.Addr, cfg.Token, err)
		}
		ln.Close()
	}
}

// TestGracefulShutdown keeps a request in flight while Run's context is
// cancelled: the request still gets its whole answer, and then Run returns.
func TestGracefulShutdown(t *testing.T) {
	bs := newBlockingStore(memoryStore(t))
	lines := make(lineWriter, 1)
	srv := New(bs, Config{Addr: "127.0.0.1:0", Stdout: lines, Logger: testLogger(t)})
	shutdown := make(chan struct{})
	srv.onShutdown = func() { close(shutdown) }
	url, _, cancel, done := runServer(t, srv, lines)

	got := make(chan reply, 1)
	go func() {
		resp, err := http.Get(url + "/api/zoos")
		if err != nil {
			got <- reply{status: -1, body: []byte(err.Error())}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		got <- reply{resp.StatusCode, resp.Header, b}
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
	if r.status != 200 || string(r.body) != `{"items":[],"next":null}`+"\n" {
		t.Fatalf("in-flight request: %d %s", r.status, r.body)
	}
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}

// TestBusy fills the in-flight limit and checks that one more request is
// answered 503 with Retry-After, while health checks still answer.
func TestBusy(t *testing.T) {
	bs := newBlockingStore(memoryStore(t))
	e := newEnv(t, bs, Config{MaxInFlight: 1})
	first := make(chan reply, 1)
	go func() {
		resp, err := http.Get(e.url + "/api/zoos")
		if err != nil {
			first <- reply{status: -1}
			return
		}
		resp.Body.Close()
		first <- reply{status: resp.StatusCode}
	}()
	<-bs.entered
	r := must(t, e.do("GET", "/api/animals", ""), 503)
	if r.header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	if r := e.do("GET", "/healthz", ""); r.status != 200 {
		t.Errorf("healthz while busy: %d", r.status)
	}
	close(bs.release)
	if r := <-first; r.status != 200 {
		t.Fatalf("the request in flight: %d", r.status)
	}
	must(t, e.do("GET", "/api/animals", ""), 200)
}

func TestOperations(t *testing.T) {
	e := newEnv(t, memoryStore(t), Config{})
	if r := e.do("GET", "/healthz", ""); r.status != 200 || string(r.body) != "ok\n" {
		t.Errorf("healthz: %d %q", r.status, r.body)
	}
	if r := e.do("GET", "/readyz", ""); r.status != 200 || string(r.body) != "ok\n" {
		t.Errorf("readyz: %d %q", r.status, r.body)
	}
	sick := newEnv(t, failingStore{memoryStore(t)}, Config{})
	if r := sick.do("GET", "/readyz", ""); r.status != 503 {
		t.Errorf("readyz on a failing store: %d %q", r.status, r.body)
	}
	if r := sick.do("GET", "/healthz", ""); r.status != 200 {
		t.Errorf("healthz on a failing store: %d %q", r.status, r.body)
	}

	r := e.do("GET", "/", "")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.body), `href="/api/openapi.json"`) {
		t.Errorf("home: %d %q %s", r.status, r.header.Get("Content-Type"), r.body)
	}

	must(t, e.do("GET", "/api/zoos/1", ""), 404)
	must(t, e.do("GET", "/api/zoos/2", ""), 404)
	must(t, e.do("POST", "/api/zoos", `{"name":"A","location":"B"}`), 201)
	e.do("GET", "/api/zoos/1/x/y/z", "")
	r = e.do("GET", "/metrics", "")
	if r.status != 200 {
		t.Fatalf("metrics: %d", r.status)
	}
	metrics := string(r.body)
	for _, want := range []string{
		`zootour_http_requests_total{method="GET",route="/api/zoos/{id}",status="404"} 2`,
		`zootour_http_requests_total{method="POST",route="/api/zoos",status="201"} 1`,
		`zootour_http_requests_total{method="GET",route="/api/",status="404"} 1`,
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

// TestInternalErrorHidden checks that a store failure is answered 500
// "internal error" and its detail goes only to the log.
func TestInternalErrorHidden(t *testing.T) {
	var log lockedBuffer
	s := brokenStore{memoryStore(t)}
	srv := New(s, Config{Logger: slog.New(slog.NewTextHandler(&log, nil))})
	e := &env{t: t, store: s, srv: srv, url: serveHandler(t, srv.Handler())}
	r := must(t, e.do("GET", "/api/visits", ""), 500)
	if p := decode[problem](t, r); p.Detail != "internal error" || strings.Contains(string(r.body), "disk on fire") {
		t.Errorf("problem %s", r.body)
	}
	if !strings.Contains(log.String(), "disk on fire") {
		t.Errorf("the log lacks the detail: %s", log.String())
	}
}

// TestRoutesMatchOpenAPI holds the route table, the mux and the OpenAPI
// document to the same set of (method, path) pairs.
func TestRoutesMatchOpenAPI(t *testing.T) {
	srv := New(memoryStore(t), Config{Logger: testLogger(t)})
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		t.Errorf("openapi %q, want 3.1.x", doc.OpenAPI)
	}
	var inDoc, inTable []string
	for path, item := range doc.Paths {
		for method := range item {
			if method != "parameters" {
				inDoc = append(inDoc, strings.ToUpper(method)+" "+path)
			}
		}
	}
	for _, rt := range srv.routes() {
		pattern := rt.method + " " + rt.path
		inTable = append(inTable, pattern)
		// Registered on the mux under exactly that pattern.
		req, err := http.NewRequest(rt.method, strings.ReplaceAll(rt.path, "{id}", "1"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, got := srv.mux.Handler(req); got != pattern {
			t.Errorf("%s routes to %q", pattern, got)
		}
	}
	slices.Sort(inDoc)
	slices.Sort(inTable)
	if !slices.Equal(inDoc, inTable) {
		t.Errorf("routes and openapi.json differ:\ntable %q\ndoc   %q", inTable, inDoc)
	}

	// Every $ref points at something, and the document is what is served.
	var whole any
	if err := json.Unmarshal(openAPI, &whole); err != nil {
		t.Fatal(err)
	}
	for _, ref := range regexp.MustCompile(`"\$ref": "#/([^"]+)"`).FindAllStringSubmatch(string(openAPI), -1) {
		node := whole
		for _, part := range strings.Split(ref[1], "/") {
			m, ok := node.(map[string]any)
			if !ok || m[part] == nil {
				t.Errorf("$ref #/%s does not resolve", ref[1])
				break
			}
			node = m[part]
		}
	}
	e := newEnv(t, memoryStore(t), Config{})
	if r := must(t, e.do("GET", "/api/openapi.json", ""), 200); string(r.body) != string(openAPI) {
		t.Error("/api/openapi.json is not the embedded document")
	}
}
