package sqlite_test

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"

	"github.com/zootour/zootour/generate"
)

// childVisits, when set, makes TestImportMemory the child that imports
// that many visits.
const childVisits = "ZOOTOUR_IMPORT_MEMORY_CHILD"

// TestImportMemory checks that an import streams: a process that imports
// 1,000,000 visits peaks at about the resident memory of one that imports
// 200,000. Each import runs in a child process (this test binary again), so
// that each peak is its own. It takes several seconds, so it runs only
// when asked:
//
//	ZOOTOUR_MEMORY_TEST=1 go test -count=1 -run ImportMemory -v ./sqlite/
//
// The same can be seen from the command line:
//
//	zootour generate DIR --zoos 1000 --animals 10000 --visits 1000000 --seed 1
//	/usr/bin/time -f "%e s, maxrss %M KB" zootour --db X.db import DIR
func TestImportMemory(t *testing.T) {
	if s := os.Getenv(childVisits); s != "" {
		importVisits(t, s)
		return
	}
	if os.Getenv("ZOOTOUR_MEMORY_TEST") == "" {
		t.Skip("set ZOOTOUR_MEMORY_TEST=1 to import 200,000 and 1,000,000 visits in child processes")
	}
	small, large := peakRSS(t, 200_000), peakRSS(t, 1_000_000)
	t.Logf("peak RSS: %d MiB at 200,000 visits, %d MiB at 1,000,000", small>>20, large>>20)
	// Before the page cache was bounded to 8 MiB the difference was 220 MiB.
	if growth, most := large-small, int64(32<<20); growth > most {
		t.Errorf("peak RSS grew by %d MiB from 200,000 to 1,000,000 visits, want at most %d MiB", growth>>20, most>>20)
	}
}

// importVisits is the child: it imports the generated visits, then counts
// them as the command line does after an import, on a reader connection.
func importVisits(t *testing.T, visits string) {
	n, err := strconv.Atoi(visits)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s := newStore(t)
	if err := s.Import(ctx, generate.Source(generate.Config{Zoos: 1000, Animals: 10_000, Visits: n, Seed: 1})); err != nil {
		t.Fatal(err)
	}
	c, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Visits, int64(n); got != want {
		t.Fatalf("visits=%d, want %d", got, want)
	}
}

// peakRSS imports n visits in a child process and returns its peak
// resident set in bytes.
func peakRSS(t *testing.T, n int) int64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestImportMemory$", "-test.count", "1")
	cmd.Env = append(os.Environ(), childVisits+"="+strconv.Itoa(n))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child importing %d visits: %v\n%s", n, err, out)
	}
	return cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10 // KiB on Linux
}
