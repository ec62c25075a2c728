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

// TestPartitionsFlag checks --db-partitions: refused, naming it, for a
// store it cannot apply to or a count out of range; on a new PostgreSQL
// database it makes the visits partitioned, which a later command with
// another count is told, changing nothing.
func TestPartitionsFlag(t *testing.T) {
	db := filepath.Join(t.TempDir(), "z.db")
	refused(t, zt(t, db, "--db-partitions", "4", "zoo", "add", "--name", "A", "--location", "B"), 2, "--db must then be a postgres:// URL", "--db-partitions", "4")
	refused(t, zt(t, "postgres://127.0.0.1/x", "--db-partitions", "1", "zoo", "list"), 2, "must be a whole number from 2 to 256, not \"1\"", "--db-partitions", "1")

	pg := pgtest.URL(t)
	ok(t, pg, "--db-partitions", "4", "zoo", "add", "--name", "Artis", "--location", "Amsterdam")
	ok(t, pg, "animal", "add", "--name", "Ruby", "--species", "red panda")
	ok(t, pg, "visit", "add", "--date", "2024-05-01", "--zoo", "1", "--animal", "1")
	if out := ok(t, pg, "animal", "visits", "1"); !strings.Contains(out, "2024-05-01") {
		t.Errorf("animal visits on a partitioned database: %q", out)
	}
	refused(t, zt(t, pg, "--db-partitions", "8", "zoo", "list"), 2, "is partitioned into 4 tables, not 8", "--db-partitions", "8")
}
