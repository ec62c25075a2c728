package cli

import (
	"context"
	"strings"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/postgres"
	"github.com/zootour/zootour/sqlite"
)

// isFile reports whether dsn names a SQLite file.
func isFile(dsn string) bool {
	return dsn != "memory:" && dsn != "" && !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://")
}

// Open returns the store that dsn names: "memory:" for an in-memory SQLite database,
// a postgres:// or postgresql:// URL for PostgreSQL, and anything else is
// the path of a SQLite database file, created if it does not exist.
func Open(ctx context.Context, dsn string) (zootour.Store, error) {
	switch {
	case dsn == "memory:":
		return sqlite.Open(ctx, sqlite.Memory)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return postgres.Open(ctx, dsn)
	case dsn == "":
		return nil, zootour.Errorf(zootour.EINVALID, "--db must not be empty")
	}
	return sqlite.Open(ctx, dsn)
}
