package csvio

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/zootour/zootour"
)

func entries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// TestExportRemovesStaleTemps checks that an export removes the temporary
// files an export that was killed left behind, and nothing else.
func TestExportRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		".zoos.csv.123456.tmp":    "stale",
		".animals.csv.7.tmp":      "stale",
		".visits.csv.4294967.tmp": "stale",
		// not of the pattern: someone else's
		".zoos.csv.backup.tmp": "mine",
		".visits.csv..tmp":     "mine",
		"visits.csv.1.tmp":     "mine",
		"notes.txt":            "mine",
	})
	if err := os.Mkdir(filepath.Join(dir, ".zoos.csv.1.tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Export(context.Background(), newFake(), dir); err != nil {
		t.Fatal(err)
	}
	want := []string{".visits.csv..tmp", ".zoos.csv.1.tmp", ".zoos.csv.backup.tmp", AnimalsFile, "notes.txt", VisitsFile, "visits.csv.1.tmp", ZoosFile}
	if got := entries(t, dir); !slices.Equal(got, want) {
		t.Errorf("the folder holds %q, want %q", got, want)
	}
}

// exportStore is a store whose Export is a function.
type exportStore struct {
	zootour.Store
	export func(zootour.Sink) error
}

func (s exportStore) Export(_ context.Context, dst zootour.Sink) error { return s.export(dst) }

// TestExportFailsMidway checks that an export that fails after it has
// written much leaves the folder as it was, with no temporary file.
func TestExportFailsMidway(t *testing.T) {
	dir := t.TempDir()
	old := map[string]string{ZoosFile: "old zoos", AnimalsFile: "old animals", VisitsFile: "old visits"}
	writeFiles(t, dir, old)
	sinkErr := errors.New("the sink is full")
	s := exportStore{export: func(dst zootour.Sink) error {
		if err := dst.Zoo(zootour.Zoo{ID: 1, Name: "a", Location: "b"}); err != nil {
			return err
		}
		for i := int64(1); i <= 200_000; i++ {
			if err := dst.Visit(zootour.Visit{ID: i, Date: zootour.MustDate("2020-01-01"), ZooID: 1, AnimalID: 1}); err != nil {
				return err
			}
		}
		return sinkErr
	}}
	if err := Export(context.Background(), s, dir); !errors.Is(err, sinkErr) {
		t.Fatalf("Export: %v, want %v", err, sinkErr)
	}
	if got, want := entries(t, dir), []string{AnimalsFile, VisitsFile, ZoosFile}; !slices.Equal(got, want) {
		t.Errorf("the folder holds %q, want %q", got, want)
	}
	for name, want := range old {
		if got := readFile(t, filepath.Join(dir, name)); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

// TestRemoveStaleUnlocked checks that where the folder cannot be locked only
// old temporary files count as stale: a fresh one may be another export's.
func TestRemoveStaleUnlocked(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{".zoos.csv.1.tmp": "old", ".zoos.csv.2.tmp": "fresh"})
	old := time.Now().Add(-staleAge - time.Hour)
	if err := os.Chtimes(filepath.Join(dir, ".zoos.csv.1.tmp"), old, old); err != nil {
		t.Fatal(err)
	}
	removeStale(dir, false)
	if got, want := entries(t, dir), []string{".zoos.csv.2.tmp"}; !slices.Equal(got, want) {
		t.Errorf("the folder holds %q, want %q", got, want)
	}
}

// TestWriteDirWhileAnotherWrites checks that a second write into a folder
// refuses while the first is under way, and leaves its files alone.
func TestWriteDirWhileAnotherWrites(t *testing.T) {
	dir := t.TempDir()
	if unlock, locked, err := lockDir(dir); err != nil || !locked {
		t.Skipf("the folder cannot be locked here (%v)", err)
	} else {
		unlock()
	}
	err := WriteDir(dir, func(s zootour.Sink) error {
		if err := s.Zoo(zootour.Zoo{ID: 1, Name: "a", Location: "b"}); err != nil {
			return err
		}
		err := WriteDir(dir, func(zootour.Sink) error { return nil })
		if got := zootour.ErrorCode(err); got != zootour.ECONFLICT {
			t.Errorf("the second WriteDir: %v (code %q), want a conflict", err, got)
		}
		if got := len(entries(t, dir)); got != 3 {
			t.Errorf("the folder holds %d entries under way, want the first write's 3 temporary files", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := entries(t, dir), []string{AnimalsFile, VisitsFile, ZoosFile}; !slices.Equal(got, want) {
		t.Errorf("the folder holds %q, want %q", got, want)
	}
	if got := readFile(t, filepath.Join(dir, ZoosFile)); got != zooHead+"1,a,b\n" {
		t.Errorf("zoos.csv = %q", got)
	}
	// The lock went with the first write.
	if err := WriteDir(dir, func(zootour.Sink) error { return nil }); err != nil {
		t.Errorf("a write after the first: %v", err)
	}
}
