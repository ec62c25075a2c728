package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/pgtest"
	"github.com/zootour/zootour/postgres"
	"github.com/zootour/zootour/sqlite"
)

// An opener returns a new, empty store that the test closes when it ends.
type opener func(t *testing.T) zootour.Store

// forEachStore runs test once per store: memory, SQLite, and PostgreSQL
// when ZOOTOUR_TEST_POSTGRES names a database.
func forEachStore(t *testing.T, test func(t *testing.T, open opener)) {
	stores := []struct {
		name string
		open opener
	}{
		{"memory", func(t *testing.T) zootour.Store { return memoryStore(t) }},
		{"sqlite", func(t *testing.T) zootour.Store {
			s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "zootour.db"))
			return closing(t, s, err)
		}},
		{"postgres", func(t *testing.T) zootour.Store {
			s, err := postgres.Open(t.Context(), pgtest.URL(t))
			return closing(t, s, err)
		}},
	}
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) { test(t, s.open) })
	}
}

func closing[S zootour.Store](t *testing.T, s S, err error) zootour.Store {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

// testLogger sends the server's log to the test's log.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// env is a store served by a real server on loopback.
type env struct {
	t     *testing.T
	store zootour.Store
	srv   *Server
	url   string
}

func newEnv(t *testing.T, s zootour.Store, cfg Config) *env {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = testLogger(t)
	}
	srv := New(s, cfg)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &env{t: t, store: s, srv: srv, url: ts.URL}
}

// A reply is a response with its body read.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request to the server; body, if not empty, goes as
// application/json unless a Content-Type is among the headers (name,
// value pairs).
func (e *env) do(method, path, body string, headers ...string) reply {
	e.t.Helper()
	r, err := send(e, method, path, body, headers...)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// send is do without the test: safe to call from other goroutines.
func send(e *env, method, path, body string, headers ...string) (reply, error) {
	req, err := http.NewRequestWithContext(e.t.Context(), method, e.url+path, strings.NewReader(body))
	if err != nil {
		return reply{}, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	return reply{resp.StatusCode, resp.Header, b}, nil
}

var jsonUnmarshal = json.Unmarshal

// decode unmarshals a reply's body into a new T, failing the test if it
// cannot.
func decode[T any](t *testing.T, r reply) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %T from %q: %v", v, r.body, err)
	}
	return v
}

// must checks that a reply has the status and, unless it is 204, the
// content type wanted; problems must be well formed.
func must(t *testing.T, r reply, status int) reply {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	ct := r.header.Get("Content-Type")
	switch {
	case status == http.StatusNoContent:
		if len(r.body) != 0 {
			t.Fatalf("204 with a body: %q", r.body)
		}
	case status >= 400:
		if ct != "application/problem+json" {
			t.Fatalf("Content-Type %q, want application/problem+json", ct)
		}
		p := decode[map[string]any](t, r)
		for _, k := range []string{"type", "title", "status", "detail"} {
			if _, ok := p[k]; !ok {
				t.Fatalf("problem without %q: %s", k, r.body)
			}
		}
		if got := p["status"]; got != float64(status) {
			t.Fatalf("problem status %v, want %d", got, status)
		}
	default:
		if ct != "application/json" {
			t.Fatalf("Content-Type %q, want application/json", ct)
		}
	}
	return r
}

// snapshot is every record of a store, to show that a request changed nothing.
type snapshot struct {
	Counts  zootour.Counts
	Zoos    []zootour.Zoo
	Animals []zootour.Animal
	Visits  []zootour.Visit
}

func snap(t *testing.T, s zootour.Store) snapshot {
	t.Helper()
	ctx := t.Context()
	var sn snapshot
	var err error
	if sn.Counts, err = s.Counts(ctx); err != nil {
		t.Fatal(err)
	}
	if sn.Zoos, err = s.FindZoos(ctx, zootour.ZooFilter{}); err != nil {
		t.Fatal(err)
	}
	if sn.Animals, err = s.FindAnimals(ctx, zootour.AnimalFilter{}); err != nil {
		t.Fatal(err)
	}
	if sn.Visits, err = s.FindVisits(ctx, zootour.VisitFilter{}); err != nil {
		t.Fatal(err)
	}
	return sn
}

func (a snapshot) equal(b snapshot) bool { return reflect.DeepEqual(a, b) }

// seed stores two zoos, two animals and three visits:
// zoo 1: animal 1 on 2024-01-01, animal 2 on 2024-01-02; zoo 2: animal 1 on 2024-02-01.
func seed(t *testing.T, s zootour.Store) {
	t.Helper()
	ctx := t.Context()
	for _, z := range []zootour.Zoo{{Name: "Artis", Location: "Amsterdam"}, {Name: "Blijdorp", Location: "Rotterdam"}} {
		if _, err := s.CreateZoo(ctx, z); err != nil {
			t.Fatal(err)
		}
	}
	for _, a := range []zootour.Animal{{Name: "Rosa", Species: "flamingo"}, {Name: "Bram", Species: "bear"}} {
		if _, err := s.CreateAnimal(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	for _, v := range []zootour.Visit{
		{Date: zootour.MustDate("2024-01-01"), ZooID: 1, AnimalID: 1},
		{Date: zootour.MustDate("2024-01-02"), ZooID: 1, AnimalID: 2},
		{Date: zootour.MustDate("2024-02-01"), ZooID: 2, AnimalID: 1},
	} {
		if _, err := s.CreateVisit(ctx, v); err != nil {
			t.Fatal(err)
		}
	}
}

// blockingStore holds Zoos calls until release is closed, telling entered
// when one arrives, so a test can keep a request in flight.
type blockingStore struct {
	zootour.Store
	entered chan struct{}
	release chan struct{}
}

func newBlockingStore(s zootour.Store) *blockingStore {
	return &blockingStore{Store: s, entered: make(chan struct{}, 16), release: make(chan struct{})}
}

func (b *blockingStore) FindZoos(ctx context.Context, f zootour.ZooFilter) ([]zootour.Zoo, error) {
	b.entered <- struct{}{}
	<-b.release
	return b.Store.FindZoos(ctx, f)
}

// failingStore fails Counts, as a store whose database is gone would.
type failingStore struct{ zootour.Store }

func (failingStore) Counts(context.Context) (zootour.Counts, error) {
	return zootour.Counts{}, io.ErrUnexpectedEOF
}

// lineWriter sends each write (one line from Serve) on a channel.
type lineWriter chan string

func (w lineWriter) Write(b []byte) (int, error) {
	w <- string(bytes.TrimSpace(b))
	return len(b), nil
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// jsonString marshals v as the server would.
func jsonString(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// seqOf yields vs without error, for Import.
func seqOf[T any](vs ...T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, v := range vs {
			if !yield(v, nil) {
				return
			}
		}
	}
}

// memoryStore is an in-memory SQLite store, closed when the test ends.
func memoryStore(t testing.TB) zootour.Store {
	s, err := sqlite.Open(context.Background(), sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// brokenStore fails every listing of visits with an internal error.
type brokenStore struct{ zootour.Store }

func (brokenStore) FindVisits(context.Context, zootour.VisitFilter) ([]zootour.Visit, error) {
	return nil, errors.New("disk on fire")
}

// lockedBuffer collects a server's log for a test to read.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(b)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serveHandler serves h on loopback for the test and returns its URL.
func serveHandler(t *testing.T, h http.Handler) string {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts.URL
}
