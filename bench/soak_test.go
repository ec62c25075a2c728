package bench

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/zootour/zootour/postgres/pgtest"
)

// TestSoak runs the soak small: a few clients for a few seconds, with the
// import and the kill, on each store; every acknowledged write must be
// there once.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a real server")
	}
	dir := t.TempDir()
	binary := filepath.Join(dir, "zootour")
	if out, err := exec.Command("go", "build", "-o", binary, "../cmd/zootour").CombinedOutput(); err != nil {
		t.Fatalf("build zootour: %v: %s", err, out)
	}
	dbs := map[string]func(t *testing.T) string{
		SQLite:   func(t *testing.T) string { return filepath.Join(t.TempDir(), "soak.db") },
		Postgres: func(t *testing.T) string { return pgtest.URL(t) },
	}
	for name, db := range dbs {
		t.Run(name, func(t *testing.T) {
			r, err := Soak(t.Context(), SoakConfig{Binary: binary, DB: db(t), Clients: 8, Duration: 3 * time.Second, ImportVisits: 5000, Log: os.Stderr})
			if err != nil {
				t.Fatal(err)
			}
			if r.Acknowledged == 0 || r.Reads == 0 || r.Downtime == 0 {
				t.Errorf("the soak did nothing: %+v", r)
			}
			if r.Missing > 0 || r.Duplicated > 0 || r.Found != int(r.Acknowledged) {
				t.Errorf("after the soak: %d acknowledged, %d found, %d missing, %d twice", r.Acknowledged, r.Found, r.Missing, r.Duplicated)
			}
		})
	}
}
