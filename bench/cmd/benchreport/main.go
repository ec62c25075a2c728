// Command benchreport measures zootour's stores and writes BENCHMARKS.md
// and the latency chart beside it (issue 7). From the repository root:
//
//	ZOOTOUR_TEST_POSTGRES='postgres://postgres@127.0.0.1:5432/test?sslmode=disable' \
//		go run ./bench/cmd/benchreport -sizes 10000,1000000
//
// -visits-per-animal 10 makes ten times the animals (100,000 at 10^6
// visits), the size at which the pages and searches are judged.
//
// Without ZOOTOUR_TEST_POSTGRES (or -postgres) PostgreSQL is skipped. The
// run prints its progress on standard error.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/zootour/zootour/bench"
)

func main() {
	bench.RunChildIfAsked() // peak memory is measured in child processes of this program
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg := bench.DefaultConfig()
	cfg.Log = os.Stderr
	sizes := flag.String("sizes", "10000,1000000", "numbers of visits to measure, comma-separated (1e6 works too)")
	stores := flag.String("stores", strings.Join(bench.StoreNames, ","), "stores to measure")
	out := flag.String("out", "BENCHMARKS.md", "the report to write")
	svg := flag.String("svg", "bench/latency.svg", "the chart to write")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the run (not of its child processes) to this file")
	save := flag.String("save", "", "also save the results as JSON in this file")
	load := flag.String("load", "", "write the report from results saved by -save instead of measuring")
	var analysis files
	flag.Var(&analysis, "analysis", "a Markdown file to include after the targets (bench/analysis.md, bench/soak.md, bench/scaling.md); repeat it for more, included in order")
	flag.StringVar(&cfg.Postgres, "postgres", cfg.Postgres, "PostgreSQL URL for a schema of the run's own (default $ZOOTOUR_TEST_POSTGRES)")
	flag.StringVar(&cfg.Dir, "dir", "", "folder for the SQLite files (default: a temporary one)")
	flag.IntVar(&cfg.Timer.Reps, "reps", cfg.Timer.Reps, "timing samples per figure (the median counts)")
	flag.IntVar(&cfg.ImportReps, "import-reps", cfg.ImportReps, "imports and exports per store up to 10^6 visits")
	flag.IntVar(&cfg.HTTPRequests, "requests", cfg.HTTPRequests, "HTTP requests per load run")
	flag.IntVar(&cfg.HTTPClients, "clients", cfg.HTTPClients, "concurrent HTTP clients")
	flag.IntVar(&cfg.VisitsPerAnimal, "visits-per-animal", bench.DefaultVisitsPerAnimal, "visits per animal: animals = visits / this, at every size (10 gives 100,000 animals at 10^6 visits)")
	flag.DurationVar(&cfg.TeachingBudget, "teaching-budget", cfg.TeachingBudget, "longest expected teaching-model call to run; longer ones are estimated")
	flag.Parse()

	cfg.Sizes = nil
	for _, s := range strings.Split(*sizes, ",") {
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || f < 1 {
			return fmt.Errorf("-sizes: %q is not a number of visits", s)
		}
		cfg.Sizes = append(cfg.Sizes, int(f))
	}
	cfg.Stores = strings.Split(*stores, ",")
	if cfg.VisitsPerAnimal < 1 {
		return fmt.Errorf("-visits-per-animal: %d is not a positive number", cfg.VisitsPerAnimal)
	}

	var parts []string
	for _, path := range analysis {
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("-analysis: %w", err)
		}
		parts = append(parts, strings.TrimSpace(string(b)))
	}
	notes := strings.Join(parts, "\n\n")

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	var rep *bench.Report
	if *load != "" {
		b, err := os.ReadFile(*load)
		if err != nil {
			return err
		}
		rep = &bench.Report{}
		if err := json.Unmarshal(b, rep); err != nil {
			return fmt.Errorf("%s: %w", *load, err)
		}
	} else {
		var err error
		if rep, err = bench.Run(ctx, cfg); err != nil {
			return err
		}
	}
	if *save != "" {
		b, err := json.MarshalIndent(rep, "", "\t")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*save, b, 0o644); err != nil {
			return err
		}
	}
	chart, err := filepath.Rel(filepath.Dir(*out), *svg)
	if err != nil {
		chart = *svg
	}
	var ran []string
	for _, n := range rep.Config.Sizes {
		ran = append(ran, strconv.Itoa(n))
	}
	command := strings.Replace(bench.Command, "-sizes 10000,1000000", "-sizes "+strings.Join(ran, ","), 1)
	if n := rep.Config.VisitsPerAnimal; n != 0 && n != bench.DefaultVisitsPerAnimal {
		command += " -visits-per-animal " + strconv.Itoa(n)
	}
	if err := write(*out, func(f *os.File) error { return rep.WriteMarkdown(f, command, filepath.ToSlash(chart), notes) }); err != nil {
		return err
	}
	if err := write(*svg, func(f *os.File) error { return rep.WriteSVG(f) }); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "benchreport: wrote %s and %s in %v\n", *out, *svg, rep.Took.Round(time.Second))
	return nil
}

// files is a flag that may be given more than once: each names a file.
type files []string

func (f *files) String() string { return strings.Join(*f, ",") }

func (f *files) Set(path string) error {
	*f = append(*f, path)
	return nil
}

func write(path string, fill func(*os.File) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fill(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
