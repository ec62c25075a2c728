package sqlite_test

import (
	"context"
	"path/filepath"
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
