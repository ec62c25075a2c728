// Command scaling measures PostgreSQL past one machine (issue 17, part 4;
// README, "How it scales past one machine"): the API's reads per second
// under 8 to 64 clients on a primary alone and with a streaming replica
// taking the reads, and the relationship questions and the where-and-when
// first pages on partitioned visits and plain ones. It starts a primary and
// a replica of its own from PostgreSQL's binaries (as the postgres user when
// run as root; docs/replicas.md, "Tests"), so it needs no database URL, and
// writes its section of BENCHMARKS.md (bench/scaling.md, which benchreport
// -analysis includes). From the repository root:
//
//	go run ./bench/cmd/scaling -visits 10000000
//
// It exits 1 if any request was not answered 200 or any answer differs from
// the teaching model's. The run prints its progress on standard error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/zootour/zootour/bench"
	"github.com/zootour/zootour/postgres"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "scaling:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg := bench.DefaultScalingConfig()
	cfg.Log = os.Stderr
	visits := flag.String("visits", strconv.Itoa(cfg.Visits), "visits of the data set (1e7 works too)")
	clients := flag.String("clients", "8,16,32,64", "numbers of concurrent API clients, comma-separated")
	out := flag.String("out", "bench/scaling.md", "the Markdown section to write")
	flag.IntVar(&cfg.VisitsPerAnimal, "visits-per-animal", bench.DefaultVisitsPerAnimal, "visits per animal: animals = visits / this")
	flag.DurationVar(&cfg.PerPoint, "duration", cfg.PerPoint, "how long each load run counts")
	flag.DurationVar(&cfg.Warmup, "warmup", cfg.Warmup, "how long each load run warms up, uncounted")
	flag.IntVar(&cfg.Partitions, "partitions", cfg.Partitions, fmt.Sprintf("tables of the partitioned layout (%d to %d)", postgres.MinPartitions, postgres.MaxPartitions))
	flag.IntVar(&cfg.Timer.Reps, "reps", cfg.Timer.Reps, "timing samples per question (the median counts)")
	flag.Parse()

	f, err := strconv.ParseFloat(*visits, 64)
	if err != nil || f < 1 {
		return fmt.Errorf("-visits: %q is not a number of visits", *visits)
	}
	cfg.Visits = int(f)
	cfg.Clients = nil
	for _, s := range strings.Split(*clients, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("-clients: %q is not a number of clients", s)
		}
		cfg.Clients = append(cfg.Clients, n)
	}
	if cfg.VisitsPerAnimal < 1 {
		return fmt.Errorf("-visits-per-animal: %d is not a positive number", cfg.VisitsPerAnimal)
	}
	if cfg.Partitions < postgres.MinPartitions || cfg.Partitions > postgres.MaxPartitions {
		return fmt.Errorf("-partitions: %d is not from %d to %d", cfg.Partitions, postgres.MinPartitions, postgres.MaxPartitions)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	r, err := bench.Scaling(ctx, cfg)
	if r == nil {
		return err
	}
	// Measured but for removing the servers: the figures are written
	// still, and the error said after.
	if werr := os.WriteFile(*out, []byte(bench.ScalingMarkdown(r)), 0o644); werr != nil {
		return errors.Join(err, fmt.Errorf("write %s: %w", *out, werr))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "scaling: wrote %s in %v\n", *out, r.Took.Round(time.Second))
	if n, wrong := r.Failed(), r.Wrong(); n > 0 || len(wrong) > 0 {
		return fmt.Errorf("%d requests not answered 200, %d wrong answers: see %s", n, len(wrong), *out)
	}
	return nil
}
