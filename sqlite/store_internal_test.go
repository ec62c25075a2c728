package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
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
