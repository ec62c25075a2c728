package main_test

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/cli"
)

// TestImportInterrupted interrupts real imports (SIGINT and SIGTERM) at
// times spread over their run, their commit included, and holds each to
// its word: exit 0 and every record there, or a failure and none, after
// which the same import succeeds. An import that committed must never
// report a failure, and one that failed must leave nothing behind.
func TestImportInterrupted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	ok(t, "memory:", "generate", dir, "--zoos", "50", "--animals", "500", "--visits", "40000", "--seed", "5")
	full := zootour.Counts{Zoos: 50, Animals: 500, Visits: 40000}
	for name, newDB := range stores(t) {
		t.Run(name, func(t *testing.T) {
			// How long one import takes here, to spread the signals over.
			began := time.Now()
			ok(t, newDB(t), "import", dir)
			took := time.Since(began)
			const trials = 6
			committed := 0
			for i := range trials {
				db := newDB(t)
				sig := []syscall.Signal{syscall.SIGINT, syscall.SIGTERM}[i%2]
				after := took * time.Duration(i+2) / (trials + 2)
				cmd := exec.Command(binary, "--db", db, "import", dir)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				time.Sleep(after)
				cmd.Process.Signal(sig)
				err := cmd.Wait()
				got := counts(t, db)
				var exit *exec.ExitError
				switch {
				case err == nil:
					committed++
					if got != full {
						t.Errorf("trial %d (%v after %v): exit 0 but the store holds %+v, want %+v", i, sig, after, got, full)
					}
				case errors.As(err, &exit):
					if got != (zootour.Counts{}) {
						t.Errorf("trial %d (%v after %v): exit %d (%q) but the store holds %+v, want nothing", i, sig, after, exit.ExitCode(), stderr.String(), got)
					}
					if msg := stderr.String(); !strings.HasPrefix(msg, "zootour: ") || strings.Count(msg, "\n") != 1 {
						t.Errorf("trial %d: a failed import said %q, want one sentence", i, msg)
					}
					ok(t, db, "import", dir)
				default:
					t.Fatal(err)
				}
			}
			t.Logf("%d of %d interrupted imports had committed", committed, trials)
		})
	}
}

// counts opens the store db and counts its records.
func counts(t *testing.T, db string) zootour.Counts {
	t.Helper()
	s, err := cli.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}
