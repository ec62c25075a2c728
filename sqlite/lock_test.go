package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zootour/zootour"
)

// TestOpenWhileAnotherWrites opens and reads a store while another
// connection holds the file's write lock, as a running import does: an
// up-to-date store is opened without one, so this neither waits for the
// writer nor fails with SQLITE_BUSY.
func TestOpenWhileAnotherWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "z.db")
	s := open(t, path)
	z, err := s.CreateZoo(context.Background(), zootour.Zoo{Name: "Z", Location: "L"})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	raw := rawDB(t, path)
	conn, err := raw.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(context.Background(), "ROLLBACK")
	if _, err := conn.ExecContext(t.Context(), "INSERT INTO zoos (name, location, name_key) VALUES ('w', 'l', x'00')"); err != nil {
		t.Fatal(err)
	}

	// Well inside the store's 5 s busy timeout, which a write lock on open
	// would wait out and then fail.
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	again := open(t, path)
	got, err := again.Zoo(ctx, z.ID)
	if err != nil || got != z {
		t.Fatalf("Zoo while another connection writes = %+v, %v; want %+v", got, err, z)
	}
	if _, err := again.FindZoos(ctx, zootour.ZooFilter{}); err != nil {
		t.Fatalf("FindZoos while another connection writes: %v", err)
	}
}

// TestLogShrinksAfterLongReader: while another process holds a read
// transaction open, SQLite cannot checkpoint past it and the write-ahead
// log grows with every write; once the reader is gone, the log is cut
// back (journal_size_limit) instead of keeping its largest size.
func TestLogShrinksAfterLongReader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "z.db")
	s := open(t, path)
	ctx := t.Context()
	z, err := s.CreateZoo(ctx, zootour.Zoo{Name: "Z", Location: "L"})
	if err != nil {
		t.Fatal(err)
	}
	raw := rawDB(t, path)
	conn, err := raw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM zoos").Scan(&n); err != nil {
		t.Fatal(err)
	}
	name := strings.Repeat("long name ", 15)
	for i := range 3000 {
		if _, err := s.UpdateZoo(ctx, z.ID, zootour.ZooUpdate{Name: ptrTo(fmt.Sprintf("%s%d", name, i))}); err != nil {
			t.Fatal(err)
		}
	}
	grown := walSize(t, path)
	conn.ExecContext(ctx, "ROLLBACK")
	conn.Close()
	for i := range 2000 {
		if _, err := s.UpdateZoo(ctx, z.ID, zootour.ZooUpdate{Name: ptrTo(fmt.Sprintf("after %d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	if after := walSize(t, path); grown <= 4<<20 || after > 5<<20 {
		t.Errorf("the log grew to %d bytes beside the reader and is %d bytes after it: want it over 4 MiB beside, cut back to about 4 MiB after", grown, after)
	}
}

func walSize(t *testing.T, path string) int64 {
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func ptrTo[T any](v T) *T { return &v }
