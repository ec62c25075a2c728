package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMissingDatabase checks that a command that only reads or changes
// what is there refuses a SQLite file that does not exist (a mistyped
// --db) and creates nothing, while import, serve and the add commands
// create it; and that a listing that fails at once prints nothing on
// standard output, not a lone "[".
func TestMissingDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "zootuor.db")
	for _, args := range [][]string{{"zoo", "list"}, {"animal", "show", "1"}, {"visit", "list", "--json"}, {"census"}, {"zoo", "rm", "1"}, {"export", filepath.Join(dir, "out")}, {"check"}} {
		r := zt(t, db, args...)
		if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, "there is no database at "+db) {
			t.Errorf("zootour %s on a missing database: exit %d, stdout %q, stderr %q", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
		if _, err := os.Stat(db); !os.IsNotExist(err) {
			t.Fatalf("zootour %s created %s", strings.Join(args, " "), db)
		}
	}
	ok(t, db, "zoo", "add", "--name", "Artis", "--location", "Amsterdam")
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("zoo add did not create the database: %v", err)
	}
	if out := ok(t, db, "zoo", "list"); !strings.Contains(out, "Artis") {
		t.Fatalf("zoo list = %q", out)
	}
	for _, args := range [][]string{{"zoo", "visits", "999", "--json"}, {"zoo", "animals", "999"}, {"animal", "contacts", "999", "--json"}} {
		r := zt(t, db, args...)
		if r.code != 3 || r.stdout != "" {
			t.Errorf("zootour %s: exit %d, stdout %q; want exit 3 and nothing on stdout", strings.Join(args, " "), r.code, r.stdout)
		}
	}
}
