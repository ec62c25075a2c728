package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/postgres"
	"github.com/zootour/zootour/sqlite"
)

// The stores, by the names used in results and benchmark names. The
// hand-built memory store was retired: memory: is SQLite in memory now,
// the same code as the SQLite file, so it is not measured apart. Saved
// results that hold it load; its figures are ignored.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// StoreNames lists the stores in the order of every table.
var StoreNames = []string{SQLite, Postgres}

// openStore opens the store of a kind at where (a file path for SQLite, a
// URL for PostgreSQL).
func openStore(ctx context.Context, kind, where string) (zootour.Store, error) {
	switch kind {
	case SQLite:
		return sqlite.Open(ctx, where)
	case Postgres:
		return postgres.Open(ctx, where)
	}
	return nil, fmt.Errorf("bench: no store %q", kind)
}

// NewSchema creates an empty schema with a unique name in the database at
// base and returns base with that schema selected (search_path, which
// pgx sends on connect and the postgres store passes on), as
// postgres/pgtest does for tests, and a function that drops it.
func NewSchema(ctx context.Context, base string) (string, func() error, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", nil, fmt.Errorf("bench: %q is not a postgres:// URL", base)
	}
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", nil, err
	}
	schema := "zootour_bench_" + hex.EncodeToString(b[:])
	if err := pgExec(ctx, base, "CREATE SCHEMA "+schema); err != nil {
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	drop := func() error {
		// Not the run's context: a drop must happen after a cancel too.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		return pgExec(ctx, base, "DROP SCHEMA "+schema+" CASCADE")
	}
	return u.String(), drop, nil
}

// pgExec runs statements on a connection of their own.
func pgExec(ctx context.Context, dsn string, stmts ...string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("bench: connect to PostgreSQL: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			return fmt.Errorf("bench: %s: %w", s, err)
		}
	}
	return nil
}
