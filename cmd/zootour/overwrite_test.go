package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNothingOverwrittenBySurprise: export and generate refuse a folder
// that holds any of the data files (exit 4, the files as they were)
// unless --force.
func TestNothingOverwrittenBySurprise(t *testing.T) {
	db := filepath.Join(t.TempDir(), "z.db")
	ok(t, db, "zoo", "add", "--name", "Artis", "--location", "Amsterdam")
	backup := filepath.Join(t.TempDir(), "backup")
	ok(t, db, "export", backup)
	before, err := os.ReadFile(filepath.Join(backup, "zoos.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"export", backup},
		{"generate", backup, "--zoos", "3", "--animals", "3", "--visits", "3"},
	} {
		r := zt(t, db, args...)
		if r.code != 4 || !strings.Contains(r.stderr, "--force") || !strings.Contains(r.stderr, "zoos.csv") {
			t.Errorf("%v into a folder with an export: exit %d, %q; want 4 naming the file and --force", args, r.code, r.stderr)
		}
		after, _ := os.ReadFile(filepath.Join(backup, "zoos.csv"))
		if string(after) != string(before) {
			t.Fatalf("%v replaced the export without --force", args)
		}
	}
	// One file is enough to refuse.
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "visits.csv"), []byte("id,date,zoo_id,animal_id\n"), 0o644)
	if r := zt(t, db, "export", other); r.code != 4 {
		t.Errorf("export into a folder with a visits.csv: exit %d, want 4", r.code)
	}
	// A bad flag is still a usage error first.
	if r := zt(t, db, "generate", backup, "--visits", "-5"); r.code != 2 {
		t.Errorf("generate --visits -5 into a full folder: exit %d, want 2", r.code)
	}
	// --force replaces them.
	ok(t, db, "generate", backup, "--zoos", "3", "--animals", "3", "--visits", "3", "--force")
	after, _ := os.ReadFile(filepath.Join(backup, "zoos.csv"))
	if string(after) == string(before) {
		t.Error("generate --force left the old zoos.csv")
	}
	ok(t, db, "export", backup, "--force")
	after, _ = os.ReadFile(filepath.Join(backup, "zoos.csv"))
	if string(after) != string(before) {
		t.Errorf("export --force wrote %q, want the export again %q", after, before)
	}
}
