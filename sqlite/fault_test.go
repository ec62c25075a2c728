package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/sqlite"
)

// smallDisk mounts a tmpfs of size bytes for the test, or skips where the
// machine does not allow it (mounting needs root).
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("a full-disk test needs a small tmpfs, which this machine does not allow (%v: %s); it runs as root", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

// TestDiskFull fills a real small filesystem with writes and an import:
// each failure is EUNAVAILABLE (503 over HTTP), not an internal error;
// nothing partial is left; Ready says so; and once room is made, the
// store writes again.
func TestDiskFull(t *testing.T) {
	dir := smallDisk(t, "16m")
	ctx := context.Background()
	path := filepath.Join(dir, "z.db")
	s := open(t, path)
	z, err := s.CreateZoo(ctx, zootour.Zoo{Name: "Z", Location: "L"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.CreateAnimal(ctx, zootour.Animal{Name: "A", Species: "S"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Ready(ctx); err != nil {
		t.Fatalf("Ready on an empty disk: %v", err)
	}
	// Something else fills the disk, as other files on a disk do.
	filler := filepath.Join(dir, "filler")
	f, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64<<10)
	for {
		if _, err := f.Write(buf); err != nil {
			break
		}
	}
	f.Close()
	if err := s.Ready(ctx); zootour.ErrorCode(err) != zootour.EUNAVAILABLE {
		t.Errorf("Ready on a full disk: %v, want unavailable", err)
	}
	var werr error
	for i := 0; i < 2000 && werr == nil; i++ {
		_, werr = s.CreateZoo(ctx, zootour.Zoo{Name: fmt.Sprintf("zoo %d %s", i, strings.Repeat("x", 150)), Location: "L"})
	}
	if zootour.ErrorCode(werr) != zootour.EUNAVAILABLE {
		t.Fatalf("a write on a full disk: %v (code %s), want unavailable", werr, zootour.ErrorCode(werr))
	}
	if msg := zootour.ErrorMessage(werr); !strings.Contains(msg, "disk") {
		t.Errorf("a write on a full disk says %q", msg)
	}
	before, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// An import on the full disk fails whole, as unavailable.
	var zs []zootour.Zoo
	for i := range 3000 {
		zs = append(zs, zootour.Zoo{ID: int64(100000 + i), Name: strings.Repeat("n", 150), Location: "l"})
	}
	ierr := s.Import(ctx, zootour.Source{Zoos: seq(zs...)})
	if ierr == nil || zootour.ErrorCode(ierr) == zootour.EINTERNAL {
		t.Errorf("an import on a full disk: %v (code %s), want a domain error", ierr, zootour.ErrorCode(ierr))
	}
	// And the fast import of visits into an empty table, which drops the
	// indexes and builds them after.
	var vs []zootour.Visit
	day := zootour.MustDate("1900-01-01")
	for i := range 50000 {
		vs = append(vs, zootour.Visit{ID: int64(i + 1), Date: day.AddDays(i), ZooID: z.ID, AnimalID: a.ID})
	}
	verr := s.Import(ctx, zootour.Source{Visits: seq(vs...)})
	if verr == nil || zootour.ErrorCode(verr) == zootour.EINTERNAL {
		t.Errorf("an import of visits on a full disk: %v (code %s), want a domain error", verr, zootour.ErrorCode(verr))
	}
	t.Logf("imports on a full disk: %v; %v", ierr, verr)
	if after, err := s.Counts(ctx); err != nil || after != before {
		t.Errorf("after the failed imports: %+v %v, want %+v", after, err, before)
	}
	// Room again: the store writes, and what it had is intact.
	os.Remove(filler)
	if _, err := s.CreateZoo(ctx, zootour.Zoo{Name: "after", Location: "L"}); err != nil {
		t.Fatalf("a write once the disk has room: %v", err)
	}
	if got, err := s.Zoo(ctx, z.ID); err != nil || got != z {
		t.Errorf("the first zoo after the disk filled: %+v %v", got, err)
	}
	if err := s.Ready(ctx); err != nil {
		t.Errorf("Ready once the disk has room: %v", err)
	}
	if _, err := s.Check(ctx, 10); err != nil {
		t.Errorf("Check after the disk filled: %v", err)
	}
	s.Close()
	if _, err := sqlite.Open(ctx, path); err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Errorf("reopening after the disk filled: %v", err)
	}
}

// TestDiskFillsDuringImport lets an import fill a real small filesystem
// as it goes: it fails whole, as unavailable, and the store takes small
// writes again afterwards. (The write-ahead log keeps the space the
// import took, which SQLite will not give back while the disk is full,
// and writes reuse it; Ready says the disk is full, as it is.)
func TestDiskFillsDuringImport(t *testing.T) {
	dir := smallDisk(t, "12m")
	ctx := context.Background()
	s := open(t, filepath.Join(dir, "z.db"))
	zs := []zootour.Zoo{{ID: 1, Name: "Z", Location: "L"}}
	as := []zootour.Animal{{ID: 1, Name: "A", Species: "S"}, {ID: 2, Name: "B", Species: "S"}}
	var vs []zootour.Visit
	day := zootour.MustDate("1000-01-01")
	for i := range 600000 {
		vs = append(vs, zootour.Visit{ID: int64(i + 1), Date: day.AddDays(i / 2), ZooID: 1, AnimalID: int64(i%2 + 1)})
	}
	err := s.Import(ctx, zootour.Source{Zoos: seq(zs...), Animals: seq(as...), Visits: seq(vs...)})
	if zootour.ErrorCode(err) != zootour.EUNAVAILABLE {
		t.Fatalf("an import that fills the disk: %v (code %s), want unavailable", err, zootour.ErrorCode(err))
	}
	if c, err := s.Counts(ctx); err != nil || c != (zootour.Counts{}) {
		t.Errorf("after the import that filled the disk: %+v %v, want nothing", c, err)
	}
	if _, err := s.CreateZoo(ctx, zootour.Zoo{Name: "small", Location: "write"}); err != nil {
		t.Errorf("a small write after the import that filled the disk: %v", err)
	}
}

// TestImportLeavesSmallLog: an import's pages pass through the
// write-ahead log, which is cut back once the import is done, so that a
// store does not keep the disk space of its largest import.
func TestImportLeavesSmallLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "z.db")
	s := open(t, path)
	var vs []zootour.Visit
	day := zootour.MustDate("1000-01-01")
	for i := range 200000 {
		vs = append(vs, zootour.Visit{ID: int64(i + 1), Date: day.AddDays(i / 2), ZooID: 1, AnimalID: int64(i%2 + 1)})
	}
	err := s.Import(context.Background(), zootour.Source{
		Zoos:    seq(zootour.Zoo{ID: 1, Name: "Z", Location: "L"}),
		Animals: seq(zootour.Animal{ID: 1, Name: "A", Species: "S"}, zootour.Animal{ID: 2, Name: "B", Species: "S"}),
		Visits:  seq(vs...)})
	if err != nil {
		t.Fatal(err)
	}
	db, _ := os.Stat(path)
	wal, err := os.Stat(path + "-wal")
	if err == nil && wal.Size() > 4<<20 {
		t.Errorf("after an import of a %d-byte database the log holds %d bytes, want at most 4 MiB", db.Size(), wal.Size())
	}
}

// TestDamagedFile damages a store's file in the middle: Verify finds it,
// and from then on the store answers every call with that, not with what
// the damaged pages hold.
func TestDamagedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "z.db")
	s := open(t, path)
	ctx := context.Background()
	var vs []zootour.Visit
	day := zootour.MustDate("1000-01-01")
	for i := range 20000 {
		vs = append(vs, zootour.Visit{ID: int64(i + 1), Date: day.AddDays(i), ZooID: 1, AnimalID: 1})
	}
	if err := s.Import(ctx, zootour.Source{Zoos: seq(zootour.Zoo{ID: 1, Name: "Z", Location: "L"}),
		Animals: seq(zootour.Animal{ID: 1, Name: "A", Species: "S"}), Visits: seq(vs...)}); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(ctx); err != nil {
		t.Fatalf("Verify of a sound file: %v", err)
	}
	s.Close()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	junk := make([]byte, 3*4096)
	for i := range junk {
		junk[i] = byte(i*7 + 3)
	}
	f.WriteAt(junk, fi.Size()/2/4096*4096)
	f.Close()

	s = open(t, path)
	err = s.Verify(ctx)
	if zootour.ErrorCode(err) != zootour.EUNAVAILABLE || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("Verify of a damaged file: %v, want unavailable, damaged", err)
	}
	if _, err := s.AnimalVisits(ctx, 1, zootour.Query{}); zootour.ErrorCode(err) != zootour.EUNAVAILABLE {
		t.Errorf("a read after damage was found: %v, want the damage", err)
	}
	if _, err := s.CreateZoo(ctx, zootour.Zoo{Name: "n", Location: "l"}); zootour.ErrorCode(err) != zootour.EUNAVAILABLE {
		t.Errorf("a write after damage was found: %v, want the damage", err)
	}
}
