// Command soak runs the soak of README's "Serving safely" against a real
// zootour server on loopback, for each store, and writes its section of
// BENCHMARKS.md (bench/soak.md, which benchreport -analysis includes). It
// exits 1 if any acknowledged write is missing or any write is there
// twice.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/zootour/zootour/bench"
)

func main() {
	clients := flag.Int("clients", 64, "concurrent clients")
	duration := flag.Duration("duration", time.Minute, "how long the clients run")
	visits := flag.Int("import-visits", 200000, "visits of the import beside them")
	out := flag.String("out", "bench/soak.md", "the Markdown section to write")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *clients, *duration, *visits, *out); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, clients int, duration time.Duration, visits int, out string) error {
	dir, err := os.MkdirTemp("", "zootour-soak-bin")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	binary := filepath.Join(dir, "zootour")
	if b, err := exec.CommandContext(ctx, "go", "build", "-o", binary, "./cmd/zootour").CombinedOutput(); err != nil {
		return fmt.Errorf("build zootour: %v: %s", err, b)
	}
	dbs := []string{filepath.Join(dir, "soak.db")}
	if pg := os.Getenv("ZOOTOUR_TEST_POSTGRES"); pg != "" {
		url, drop, err := bench.NewSchema(ctx, pg)
		if err != nil {
			return err
		}
		defer drop()
		dbs = append(dbs, url)
	}
	var rs []*bench.SoakResult
	bad := false
	for _, db := range dbs {
		r, err := bench.Soak(ctx, bench.SoakConfig{Binary: binary, DB: db, Clients: clients,
			Duration: duration, ImportVisits: visits, Log: os.Stderr})
		if err != nil {
			return err
		}
		fmt.Printf("%s: %d requests, %d writes acknowledged (%d retried, %d replayed), failures %v; %d found, %d missing, %d twice\n",
			r.Store, r.Requests, r.Acknowledged, r.Retried, r.Replayed, r.Failures, r.Found, r.Missing, r.Duplicated)
		bad = bad || r.Missing > 0 || r.Duplicated > 0
		rs = append(rs, r)
	}
	if err := os.WriteFile(out, []byte(bench.SoakMarkdown(rs)), 0o644); err != nil {
		return err
	}
	if bad {
		return fmt.Errorf("acknowledged writes missing or writes applied twice: see %s", out)
	}
	return nil
}
