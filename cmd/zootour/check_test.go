package main_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"
)

// TestCheck runs zootour check on a database whose stays agree with its
// visits, then on one whose stays were damaged behind zootour's back, and
// repairs it.
func TestCheck(t *testing.T) {
	data := newDataset(5, 10, 40, 600)
	dir := t.TempDir()
	data.write(t, dir)
	db := filepath.Join(t.TempDir(), "z.db")
	ok(t, db, "import", dir)
	if out := ok(t, db, "check"); !strings.Contains(out, "the stays agree with the visits") {
		t.Fatalf("check said %q", out)
	}
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE stays SET visits = visits + 7 WHERE (animal_id, since) IN (SELECT animal_id, since FROM stays ORDER BY animal_id, since LIMIT 3)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	r := zt(t, db, "check", "--max", "2")
	if r.code != 1 || strings.Count(r.stdout, "\n") != 2 || !strings.Contains(r.stderr, "2 differences") || !strings.Contains(r.stderr, "--repair") {
		t.Fatalf("check of damaged stays: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	var report struct{ Differences []string }
	r = zt(t, db, "check", "--json", "--max", "0")
	if r.code != 1 || !strings.Contains(r.stdout, `"differences":[`) || strings.Count(r.stdout, "the visits give") != 3 {
		t.Fatalf("check --json: exit %d, stdout %q", r.code, r.stdout)
	}
	okJSON(t, &report, db, "check", "--repair")
	if len(report.Differences) != 0 {
		t.Fatalf("after --repair: %q", report.Differences)
	}
	if r := zt(t, db, "check", "--max", "-1"); r.code != 2 {
		t.Errorf("check --max -1: exit %d, want 2", r.code)
	}
}
