package sqlite

import (
	"context"
	"database/sql"
	"iter"
	"path/filepath"
	"testing"

	"github.com/zootour/zootour"
)

// TestPragmasOnEveryConnection holds several connections of each pool at
// once, so each is a different connection, and checks the settings of each:
// foreign_keys in particular is per connection and off by default.
func TestPragmasOnEveryConnection(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "pragmas.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	want := map[string]string{
		"foreign_keys": "1",
		"journal_mode": "wal",
		"busy_timeout": "5000",
		"synchronous":  "1",
		"cache_size":   "-8192",
	}
	check := func(pool string, c *sql.Conn) {
		t.Helper()
		for name, value := range want {
			var got string
			if err := c.QueryRowContext(ctx, "PRAGMA "+name).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != value {
				t.Errorf("%s connection: PRAGMA %s = %s, want %s", pool, name, got, value)
			}
		}
	}
	var conns []*sql.Conn
	for range 4 {
		c, err := s.reader.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		check("reader", c)
		var queryOnly string
		if err := c.QueryRowContext(ctx, "PRAGMA query_only").Scan(&queryOnly); err != nil || queryOnly != "1" {
			t.Errorf("reader connection: PRAGMA query_only = %q (%v), want 1", queryOnly, err)
		}
	}
	c, err := s.writer.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	check("writer", c)
	c.Close()
	for _, c := range conns {
		c.Close()
	}
}

// TestImportRestoresChecks imports with the schema's CHECKs off, and checks
// that the writer has them on again after an import that succeeds, one that
// fails and one that is cancelled halfway.
func TestImportRestoresChecks(t *testing.T) {
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "checks.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	zoos := func(yield func(zootour.Zoo, error) bool) {
		yield(zootour.Zoo{ID: 1, Name: "Z", Location: "L"}, nil)
	}
	animals := func(yield func(zootour.Animal, error) bool) {
		yield(zootour.Animal{ID: 1, Name: "A", Species: "S"}, nil)
	}
	visits := func(n int, cancel func()) iter.Seq2[zootour.Visit, error] {
		return func(yield func(zootour.Visit, error) bool) {
			d := zootour.MustDate("2024-01-01")
			for i := range n {
				if i == n/2 && cancel != nil {
					cancel()
				}
				if !yield(zootour.Visit{ID: int64(i + 1), Date: d.AddDays(i), ZooID: 1, AnimalID: 1}, nil) {
					return
				}
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	imports := []struct {
		name string
		ctx  context.Context
		src  zootour.Source
		ok   bool
	}{
		{"succeeds", context.Background(), zootour.Source{Zoos: zoos, Animals: animals, Visits: visits(500, nil)}, true},
		{"fails", context.Background(), zootour.Source{Zoos: zoos, Animals: animals}, false}, // the IDs are taken
		{"is cancelled", ctx, zootour.Source{Visits: visits(5000, cancel)}, false},
	}
	for _, im := range imports {
		if err := s.Import(im.ctx, im.src); (err == nil) != im.ok {
			t.Fatalf("the import that %s returned %v", im.name, err)
		}
		var ignored int
		if err := s.writer.QueryRow("PRAGMA ignore_check_constraints").Scan(&ignored); err != nil {
			t.Fatal(err)
		}
		if ignored != 0 {
			t.Errorf("after an import that %s, the writer ignores CHECK constraints", im.name)
		}
	}
}
