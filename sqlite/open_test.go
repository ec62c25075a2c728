package sqlite_test

import (
	"context"
	"os"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/sqlite"
)

// TestOpenMemory checks that ":memory:" and SQLite's URI for it,
// "file::memory:", open a database in memory, each store its own, and
// leave no file behind; and that another file: URI, which Open would take
// for the name of a file, is refused.
func TestOpenMemory(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	t.Chdir(dir)
	for _, path := range []string{sqlite.Memory, "file::memory:"} {
		a, b := open(t, path), open(t, path)
		if _, err := a.CreateZoo(ctx, zootour.Zoo{Name: "Artis", Location: "Amsterdam"}); err != nil {
			t.Fatal(err)
		}
		if n, err := b.Counts(ctx); err != nil || n.Zoos != 0 {
			t.Errorf("%s: a second store sees %+v (%v), want a database of its own", path, n, err)
		}
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
		t.Errorf("opening in memory left %v in the working directory (%v)", entries, err)
	}
	for _, path := range []string{"file:z.db", "file:///tmp/z.db?mode=ro"} {
		s, err := sqlite.Open(ctx, path)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded, want it refused", path)
			continue
		}
		if got, want := zootour.ErrorCode(err), zootour.EINVALID; got != want {
			t.Errorf("Open(%q): %v, code %q, want %q", path, err, got, want)
		}
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
		t.Errorf("refused URIs left %v in the working directory (%v)", entries, err)
	}
}
