// Package webtest holds what the tests of the web packages share: every
// store to run a test on, a small one to seed it with, users and their
// tokens, a client of a handler served on loopback, and the check that a
// route table and the OpenAPI document agree. It is for tests only, which is why it may open
// the concrete stores.
package webtest

import (
	"context"
	"encoding/json"
	"io"
	"iter"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/accounts"
	"github.com/zootour/zootour/postgres"
	"github.com/zootour/zootour/postgres/pgtest"
	"github.com/zootour/zootour/sqlite"
)

// An Opener returns a new, empty store that the test closes when it ends.
type Opener func(t *testing.T) zootour.Store

// ForEachStore runs test once per store: memory, SQLite, and PostgreSQL
// when ZOOTOUR_TEST_POSTGRES names a database.
func ForEachStore(t *testing.T, test func(t *testing.T, open Opener)) {
	stores := []struct {
		name string
		open Opener
	}{
		{"memory", func(t *testing.T) zootour.Store { return MemoryStore(t) }},
		{"sqlite", func(t *testing.T) zootour.Store {
			s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "zootour.db"))
			return Closing(t, s, err)
		}},
		{"postgres", func(t *testing.T) zootour.Store {
			s, err := postgres.Open(t.Context(), pgtest.URL(t))
			return Closing(t, s, err)
		}},
	}
	for _, s := range stores {
		t.Run(s.name, func(t *testing.T) { test(t, s.open) })
	}
}

// Closing fails the test if opening s failed, and closes s when it ends.
func Closing[S zootour.Store](t *testing.T, s S, err error) zootour.Store {
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

// MemoryStore is an in-memory SQLite store, closed when the test ends.
func MemoryStore(t testing.TB) zootour.Store {
	s, err := sqlite.Open(context.Background(), sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// Logger sends a server's log to the test's log.
func Logger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(b []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(b)))
	return len(b), nil
}

// An Env is a store served by a handler on loopback.
type Env struct {
	T       *testing.T
	Store   zootour.Store
	Handler http.Handler
	URL     string
	// Token, if set, goes with every request as "Authorization: Bearer
	// Token", unless the request names an Authorization of its own.
	Token string
}

// As returns a copy of e whose requests carry the bearer token (from
// User), or none if token is "".
func (e *Env) As(token string) *Env {
	c := *e
	c.Token = token
	return &c
}

// User makes a user of that name and role, without a password, and
// returns a fresh bearer token of it.
func User(t testing.TB, s zootour.Store, name string, role zootour.Role) string {
	t.Helper()
	svc := accounts.New(s)
	ctx := context.Background()
	if _, err := svc.AddUser(ctx, name, role, ""); err != nil {
		t.Fatalf("user %s: %v", name, err)
	}
	return Token(t, s, name)
}

// Token returns a new bearer token of an existing user.
func Token(t testing.TB, s zootour.Store, user string) string {
	t.Helper()
	secret, _, err := accounts.New(s).AddToken(context.Background(), user, "test")
	if err != nil {
		t.Fatalf("token of %s: %v", user, err)
	}
	return secret
}

// Bearer returns the header pair that sends token, for Do's headers.
func Bearer(token string) []string { return []string{"Authorization", "Bearer " + token} }

// NewEnv serves h, a handler over s, until the test ends.
func NewEnv(t *testing.T, s zootour.Store, h http.Handler) *Env {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return &Env{T: t, Store: s, Handler: h, URL: ts.URL}
}

// A Reply is a response with its body read.
type Reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// Do sends a request to the server; body, if not empty, goes as
// application/json unless a Content-Type is among the headers (name,
// value pairs).
func (e *Env) Do(method, path, body string, headers ...string) Reply {
	e.T.Helper()
	r, err := e.Send(method, path, body, headers...)
	if err != nil {
		e.T.Fatal(err)
	}
	return r
}

// Send is Do without the test: safe to call from other goroutines.
func (e *Env) Send(method, path, body string, headers ...string) (Reply, error) {
	req, err := http.NewRequestWithContext(e.T.Context(), method, e.URL+path, strings.NewReader(body))
	if err != nil {
		return Reply{}, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if e.Token != "" {
		req.Header.Set("Authorization", "Bearer "+e.Token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return Reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return Reply{}, err
	}
	return Reply{resp.StatusCode, resp.Header, b}, nil
}

// Decode unmarshals a reply's body into a new T, failing the test if it
// cannot.
func Decode[T any](t *testing.T, r Reply) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("decode %T from %q: %v", v, r.Body, err)
	}
	return v
}

// Must checks that a reply has the status and, unless it is 204, the
// content type wanted; problems must be well formed.
func Must(t *testing.T, r Reply, status int) Reply {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body %s", r.Status, status, r.Body)
	}
	ct := r.Header.Get("Content-Type")
	switch {
	case status == http.StatusNoContent:
		if len(r.Body) != 0 {
			t.Fatalf("204 with a body: %q", r.Body)
		}
	case status >= 400:
		if ct != "application/problem+json" {
			t.Fatalf("Content-Type %q, want application/problem+json", ct)
		}
		p := Decode[map[string]any](t, r)
		for _, k := range []string{"type", "title", "status", "detail"} {
			if _, ok := p[k]; !ok {
				t.Fatalf("problem without %q: %s", k, r.Body)
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

// A Snapshot is every record of a store, to show that a request changed
// nothing.
type Snapshot struct {
	Counts  zootour.Counts
	Zoos    []zootour.Zoo
	Animals []zootour.Animal
	Visits  []zootour.Visit
}

// Snap takes a Snapshot of s.
func Snap(t *testing.T, s zootour.Store) Snapshot {
	t.Helper()
	ctx := t.Context()
	var sn Snapshot
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

// Log returns every entry of s's change log, newest first.
func Log(t *testing.T, s zootour.Store) []zootour.Change {
	t.Helper()
	cs, err := s.Changes(t.Context(), zootour.ChangeFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// Equal reports whether two snapshots hold the same records.
func (a Snapshot) Equal(b Snapshot) bool { return reflect.DeepEqual(a, b) }

// Seed stores two zoos, two animals and three visits:
// zoo 1: animal 1 on 2024-01-01, animal 2 on 2024-01-02; zoo 2: animal 1 on 2024-02-01.
func Seed(t *testing.T, s zootour.Store) {
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

// SeqOf yields vs without error, for Import.
func SeqOf[T any](vs ...T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, v := range vs {
			if !yield(v, nil) {
				return
			}
		}
	}
}

// MatchOpenAPI holds a route table to the OpenAPI document doc: every
// pattern ("METHOD /path") is registered on mux under exactly that
// pattern, and the patterns are the operations of doc whose paths keep
// selects. The API and the server that mounts it each check their own.
func MatchOpenAPI(t *testing.T, doc []byte, mux *http.ServeMux, patterns []string, keep func(path string) bool) {
	t.Helper()
	var d struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if !strings.HasPrefix(d.OpenAPI, "3.1.") {
		t.Errorf("openapi %q, want 3.1.x", d.OpenAPI)
	}
	var inDoc []string
	for path, item := range d.Paths {
		if !keep(path) {
			continue
		}
		for method := range item {
			if method != "parameters" {
				inDoc = append(inDoc, strings.ToUpper(method)+" "+path)
			}
		}
	}
	for _, pattern := range patterns {
		method, path, _ := strings.Cut(pattern, " ")
		req, err := http.NewRequest(method, strings.ReplaceAll(path, "{id}", "1"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, got := mux.Handler(req); got != pattern {
			t.Errorf("%s routes to %q", pattern, got)
		}
	}
	inTable := slices.Clone(patterns)
	slices.Sort(inDoc)
	slices.Sort(inTable)
	if !slices.Equal(inDoc, inTable) {
		t.Errorf("routes and openapi.json differ:\ntable %q\ndoc   %q", inTable, inDoc)
	}
}

// LockedBuffer collects what a server writes from its goroutines (its
// log, its printed links) for a test to read.
type LockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *LockedBuffer) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(b)
}

func (l *LockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
