// Package pgtest gives each test its own empty PostgreSQL schema: for
// zootour's tests, and for those of a program that embeds its PostgreSQL
// store.
//
// A test that needs PostgreSQL calls URL, which returns the URL of a fresh
// schema, dropped when the test ends:
//
//	func TestZoo(t *testing.T) {
//		s, err := postgres.Open(t.Context(), pgtest.URL(t))
//		if err != nil {
//			t.Fatal(err)
//		}
//		defer s.Close()
//		...
//	}
//
// URL skips the test unless the environment variable ZOOTOUR_TEST_POSTGRES
// names a database in which the tests may create schemas; the skip message
// says how to run them:
//
//	PostgreSQL tests need a database: ZOOTOUR_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable go test ./...
//
// A test that stops and starts its server runs one of its own (NewServer);
// a test of a read replica runs a primary and a streaming replica of it
// (Replicated), and takes a fresh schema on them from URLs:
//
//	r := pgtest.Replicated(t)
//	primary, replica := r.URLs(t)
//	s, err := postgres.Open(ctx, primary, postgres.WithReadReplica(replica))
//	...
//	r.Replica.Stop(t) // reads go to the primary
//	r.Replica.Start(t)
//
// These start servers from PostgreSQL's binaries (pg_config --bindir, or
// the newest /usr/lib/postgresql/VERSION/bin), as the postgres user when
// the tests run as root (docs/replicas.md).
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Env is the environment variable that names the test database.
const Env = "ZOOTOUR_TEST_POSTGRES"

// URL creates a fresh, empty schema with a unique name in the database named
// by ZOOTOUR_TEST_POSTGRES and returns that URL with the schema selected
// (search_path=<schema>, a runtime parameter that pgx sends on connect, so
// the URL also works as `zootour --db URL`). The schema is dropped when the
// test ends. Without ZOOTOUR_TEST_POSTGRES the test is skipped.
func URL(tb testing.TB) string {
	tb.Helper()
	base := lookup(tb)
	if u, err := url.Parse(base); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		tb.Fatalf("%s=%q is not a postgres:// URL", Env, base)
	}
	return withSchema(tb, base, newSchema(tb, base))
}

// newSchema creates a schema with a unique name in the database of base,
// dropped when the test ends, and returns its name.
func newSchema(tb testing.TB, base string) string {
	tb.Helper()
	// Random, so that packages tested in parallel never share a schema.
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatal(err)
	}
	schema := "zootour_test_" + hex.EncodeToString(b[:])

	execSQL(tb, base, "CREATE SCHEMA "+schema)
	tb.Cleanup(func() { execSQL(tb, base, "DROP SCHEMA "+schema+" CASCADE") })
	return schema
}

func lookup(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(Env)
	if base == "" {
		tb.Skipf("PostgreSQL tests need a database: %s=postgres://postgres@127.0.0.1:5432/test?sslmode=disable go test ./...", Env)
	}
	return base
}

// execSQL runs one statement on its own connection. It does not use the
// test's context: cleanups run after that context is canceled.
func execSQL(tb testing.TB, url, sql string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		tb.Fatalf("pgtest: connect to %s: %v", url, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		tb.Fatalf("pgtest: %s: %v", sql, err)
	}
}
