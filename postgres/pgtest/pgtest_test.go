package pgtest_test

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/zootour/zootour/postgres/pgtest"
)

func TestURL(t *testing.T) {
	ctx := context.Background()
	var schema string
	t.Run("fresh", func(t *testing.T) {
		url := pgtest.URL(t)
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		if err := conn.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = $1", schema).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("schema %s holds %d relations, want 0", schema, n)
		}
		if _, err := conn.Exec(ctx, "CREATE TABLE t (x int)"); err != nil {
			t.Fatal(err)
		}
		if other := pgtest.URL(t); other == url {
			t.Errorf("two calls returned the same URL %s", url)
		}
	})
	if schema == "" {
		t.Skip("no schema was created")
	}

	conn, err := pgx.Connect(ctx, os.Getenv(pgtest.Env))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Errorf("schema %s still exists after the test", schema)
	}
}

// TestPgtestServer: a server of the test's own takes its settings, stops
// and starts again, and is gone (process and folder) once the test ends.
func TestPgtestServer(t *testing.T) {
	if os.Getenv(pgtest.Env) == "" {
		t.Skipf("starts a PostgreSQL server of its own, from PostgreSQL's binaries: %s=postgres://postgres@127.0.0.1:5432/test?sslmode=disable go test ./postgres/pgtest/", pgtest.Env)
	}
	ctx := context.Background()
	setting := func(url string) (string, error) {
		conn, err := pgx.Connect(ctx, url)
		if err != nil {
			return "", err
		}
		defer conn.Close(ctx)
		var v string
		err = conn.QueryRow(ctx, "SHOW max_connections").Scan(&v)
		return v, err
	}
	var url string
	t.Run("own", func(t *testing.T) {
		srv := pgtest.NewServer(t, "max_connections=20")
		url = srv.URL
		if v, err := setting(url); err != nil || v != "20" {
			t.Fatalf("max_connections = %q, %v; want 20", v, err)
		}
		srv.Stop(t)
		if _, err := setting(url); err == nil {
			t.Error("the server answers after Stop")
		}
		srv.Start(t)
		if v, err := setting(url); err != nil || v != "20" {
			t.Errorf("after Start: max_connections = %q, %v; want 20", v, err)
		}
	})
	if url == "" {
		t.Skip("no server was started")
	}
	if _, err := setting(url); err == nil {
		t.Errorf("the server at %s still answers after the test", url)
	}
}
