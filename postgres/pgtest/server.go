package pgtest

import (
	"context"
	"errors"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/zootour/zootour/internal/pgserver"
)

// ReplicaEnv is the environment variable that makes Replicated fail, not
// skip, where it cannot start its servers: CI sets it to "required".
const ReplicaEnv = "ZOOTOUR_TEST_REPLICA"

// A Server is a PostgreSQL server of a test's own, in a temporary folder,
// run as the postgres user when the test runs as root (the server refuses
// to run as root). It listens on 127.0.0.1 only, with trust
// authentication, and is stopped and removed when the test ends.
type Server struct {
	// URL is that of the server's database postgres, as user postgres.
	URL  string
	Port int

	srv *pgserver.Server
}

// NewServer starts a server of the test's own (initdb into a temporary
// folder) with the settings given ("name=value", as postgres -c takes
// them), so that a test can stop and start it without disturbing the
// server that other tests share. It skips the test where the machine has
// no PostgreSQL binaries or no postgres user.
func NewServer(tb testing.TB, settings ...string) *Server {
	tb.Helper()
	srv, err := pgserver.New(settings...)
	if err != nil {
		skipOrFail(tb, tb.Skipf, err)
		return nil
	}
	tb.Cleanup(func() { removed(tb, srv.Remove()) })
	return wrap(srv)
}

func wrap(srv *pgserver.Server) *Server {
	return &Server{URL: srv.URL, Port: srv.Port, srv: srv}
}

// skipOrFail ends the test on err from package pgserver: by skip where
// the machine cannot run a server of its own, by a failure otherwise.
func skipOrFail(tb testing.TB, skip func(string, ...any), err error) {
	tb.Helper()
	if errors.Is(err, pgserver.ErrUnavailable) {
		skip("%v", err)
		return
	}
	tb.Fatal(err)
}

// removed reports the error of removing servers at the test's end.
func removed(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Errorf("pgtest: removing a server of the test's own: %v", err)
	}
}

// Start starts the server, stopped before, and waits until it takes
// connections.
func (s *Server) Start(tb testing.TB) {
	tb.Helper()
	if err := s.srv.Start(); err != nil {
		tb.Fatal(err)
	}
}

// Stop stops the server (a fast shutdown: sessions are ended).
func (s *Server) Stop(tb testing.TB) {
	tb.Helper()
	if err := s.srv.Stop(); err != nil {
		tb.Fatal(err)
	}
}

// A Replication is a primary and a streaming replica of it, servers of
// the test's own.
type Replication struct {
	Primary, Replica *Server

	r *pgserver.Replication
}

// Replicated starts a primary (wal_level=replica, replication connections
// trusted from 127.0.0.1) and a hot standby of it on another port, made by
// pg_basebackup -R, which streams from the primary until stopped. Both go
// when the test ends, the replica first.
//
// It skips the test unless ZOOTOUR_TEST_POSTGRES is set (the switch for
// every PostgreSQL test, though these servers are the test's own) and the
// machine has PostgreSQL's binaries; with ZOOTOUR_TEST_REPLICA=required it
// fails instead.
func Replicated(tb testing.TB) *Replication {
	tb.Helper()
	skip := tb.Skipf
	if os.Getenv(ReplicaEnv) == "required" {
		skip = tb.Fatalf
	}
	if os.Getenv(Env) == "" {
		skip("replica tests start a PostgreSQL primary and a streaming replica of their own, from PostgreSQL's binaries: %s=postgres://postgres@127.0.0.1:5432/test?sslmode=disable go test ./...", Env)
		return nil
	}
	r, err := pgserver.NewReplication()
	if err != nil {
		skipOrFail(tb, skip, err)
		return nil
	}
	tb.Cleanup(func() { removed(tb, r.Remove()) })
	return &Replication{Primary: wrap(r.Primary), Replica: wrap(r.Replica), r: r}
}

// URLs creates a fresh schema on the primary, dropped when the test ends,
// and returns the URLs of the primary and of the replica with that schema
// selected (search_path), as URL does. The replica has the schema once it
// has replayed its creation.
func (r *Replication) URLs(tb testing.TB) (primary, replica string) {
	tb.Helper()
	schema := newSchema(tb, r.Primary.URL)
	return withSchema(tb, r.Primary.URL, schema), withSchema(tb, r.Replica.URL, schema)
}

func withSchema(tb testing.TB, base, schema string) string {
	tb.Helper()
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// PauseReplay pauses the replica's replay of the primary's WAL until
// ResumeReplay or the test's end: the replica goes on answering, from
// where it stopped.
func (r *Replication) PauseReplay(tb testing.TB) {
	tb.Helper()
	tb.Cleanup(func() {
		if r.Replica.srv.Running() {
			r.ResumeReplay(tb)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.r.PauseReplay(ctx); err != nil {
		tb.Fatal(err)
	}
}

// ResumeReplay resumes the replica's replay after PauseReplay.
func (r *Replication) ResumeReplay(tb testing.TB) {
	tb.Helper()
	// Not the test's context: PauseReplay's cleanup resumes after it is
	// canceled.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.r.ResumeReplay(ctx); err != nil {
		tb.Fatal(err)
	}
}
