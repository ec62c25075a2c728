package main_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/cli"
)

// TestImportCountsWhatItAdded holds the import's summary to what the files
// held while other writers add zoos before, during and after it: the
// store's counts after less before would count theirs too.
func TestImportCountsWhatItAdded(t *testing.T) {
	for name, newDB := range stores(t) {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			ok(t, "memory:", "generate", dir, "--zoos", "40", "--animals", "300", "--visits", "20000", "--seed", "3")
			// A zoo of a high ID first, so that the writer's new zoos take
			// IDs above it, clear of the generated ones.
			high := filepath.Join(t.TempDir(), "high")
			if err := os.MkdirAll(high, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(high, "zoos.csv"), []byte("id,name,location\n1000000,high,up\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			target := newDB(t)
			ok(t, target, "import", high)
			ctx := t.Context()
			s, err := cli.Open(ctx, target)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			wctx, stop := context.WithCancel(ctx)
			var wg sync.WaitGroup
			writes := 0
			wg.Go(func() {
				for wctx.Err() == nil {
					if _, err := s.CreateZoo(ctx, zootour.Zoo{Name: fmt.Sprintf("w%d", writes), Location: "l"}); err == nil {
						writes++
					}
				}
			})
			out := ok(t, target, "import", dir)
			stop()
			wg.Wait()
			if want := "imported 40 zoos, 300 animals, 20000 visits"; !strings.Contains(out, want) {
				t.Errorf("import with %d writes beside it said %q, want %q", writes, out, want)
			}
		})
	}
}
