package main_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/zootour/zootour/postgres/pgtest"
)

// TestReadReplicaFlag checks that --db-read is refused, in one sentence
// naming it, where it cannot be a replica of --db, and that a command
// given a real streaming replica reads what the command before it wrote
// to the primary (postgres' own tests check which server answers).
func TestReadReplicaFlag(t *testing.T) {
	db := filepath.Join(t.TempDir(), "z.db")
	for _, tc := range []struct {
		db, read, want string
	}{
		{db, "postgres://127.0.0.1/x", "--db must then be a postgres:// URL"},
		{"postgres://127.0.0.1/x", "mysql://x", "--db-read (or ZOOTOUR_DB_READ) must be a postgres:// or postgresql:// URL"},
		{"postgres://127.0.0.1/x", "postgres://127.0.0.1:99999/x", "--db-read (or ZOOTOUR_DB_READ) is not a PostgreSQL URL that can be read"},
	} {
		args := []string{"--db-read", tc.read, "zoo", "add", "--name", "Artis", "--location", "Amsterdam"}
		refused(t, zt(t, tc.db, args...), 2, tc.want, args...)
	}

	r := pgtest.Replicated(t)
	primary, replica := r.URLs(t)
	ok(t, primary, "--db-read", replica, "zoo", "add", "--name", "Artis", "--location", "Amsterdam")
	if out := ok(t, primary, "--db-read", replica, "zoo", "list"); !strings.Contains(out, "Artis") {
		t.Errorf("zoo list through the replica, after zoo add: %q", out)
	}
}
