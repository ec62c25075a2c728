package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/csvio"
	"github.com/zootour/zootour/generate"
)

// Peak memory is measured in a child process: the running program (the
// report program, or the test binary) starts itself again with a job in
// the environment variable childEnv, and the child reports its own peak
// resident set size when its job is done. So each figure is one import or
// export alone, from a fresh process: the Go runtime, the driver and
// whatever the store keeps, but not the parent's teaching model. For
// PostgreSQL it is the client's memory only; the server's is not counted.
//
// The child reads VmHWM from /proc/self/status rather than getrusage's
// ru_maxrss, which on Linux carries over the peak of the memory the child
// shared with its parent until it called execve: every child would report
// at least the parent's size. The parent falls back to ru_maxrss where
// /proc is missing.
const childEnv = "ZOOTOUR_BENCH_CHILD"

// A childJob is what a child process does.
type childJob struct {
	Op    string // "import", "import-csv", "export", "download", "export-csv", or "open" (open and close: the baseline)
	Store string
	Where string // the SQLite file or the PostgreSQL URL
	Gen   generate.Config
	Dir   string // the data files of "import-csv"
}

type childResult struct {
	Seconds float64 // how long the import or export took
	Visits  int64
	Peak    int64 // bytes: the child's peak resident set size (VmHWM)
	Err     string
}

// RunChildIfAsked runs the job of a child process and exits, if this
// process is one; otherwise it returns at once. Call it first in main, and
// in TestMain of tests that run the report.
func RunChildIfAsked() {
	s := os.Getenv(childEnv)
	if s == "" {
		return
	}
	var job childJob
	res := childResult{}
	if err := json.Unmarshal([]byte(s), &job); err != nil {
		res.Err = err.Error()
	} else if res, err = job.run(context.Background()); err != nil {
		res.Err = err.Error()
	}
	json.NewEncoder(os.Stdout).Encode(res)
	if res.Err != "" {
		os.Exit(1)
	}
	os.Exit(0)
}

func (job childJob) run(ctx context.Context) (childResult, error) {
	s, err := openStore(ctx, job.Store, job.Where)
	if err != nil {
		return childResult{}, err
	}
	var res childResult
	began := time.Now()
	switch job.Op {
	case "import":
		err = s.Import(ctx, generate.Source(job.Gen))
		res.Visits = int64(job.Gen.Visits)
	case "export":
		var c counter
		err = s.Export(ctx, &c)
		res.Visits = c.visits
	case "import-csv":
		var n zootour.Counts
		n, err = csvio.Import(ctx, s, job.Dir, nil)
		res.Visits = n.Visits
	case "download":
		res.Visits, err = download(ctx, s)
	case "export-csv":
		res.Visits, err = exportCSV(ctx, s)
	case "open":
	default:
		err = fmt.Errorf("bench: no child job %q", job.Op)
	}
	// Closing is part of the job: SQLite checkpoints its log on close.
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	res.Seconds = time.Since(began).Seconds()
	res.Peak = peakRSS()
	return res, err
}

// counter is an export sink that counts and drops the records.
type counter struct{ zoos, animals, visits int64 }

func (c *counter) Zoo(zootour.Zoo) error       { c.zoos++; return nil }
func (c *counter) Animal(zootour.Animal) error { c.animals++; return nil }
func (c *counter) Visit(zootour.Visit) error   { c.visits++; return nil }

// inChild runs job in a child process and returns its result and peak
// resident set size in bytes (0 where getrusage does not say).
func inChild(ctx context.Context, job childJob) (childResult, int64, error) {
	exe, err := os.Executable()
	if err != nil {
		return childResult{}, 0, err
	}
	b, err := json.Marshal(job)
	if err != nil {
		return childResult{}, 0, err
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), childEnv+"="+string(b))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var res childResult
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		return childResult{}, 0, fmt.Errorf("bench: child %s %s: %v: %w; stderr: %s", job.Op, job.Store, runErr, err, stderr.Bytes())
	}
	if res.Err != "" {
		return childResult{}, 0, fmt.Errorf("bench: child %s %s: %s", job.Op, job.Store, res.Err)
	}
	if runErr != nil {
		return childResult{}, 0, errors.Join(runErr, errors.New(stderr.String()))
	}
	peak := res.Peak
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && peak == 0 {
		peak = int64(ru.Maxrss) * 1024 // kilobytes on Linux
	}
	return res, peak, nil
}

// peakRSS returns this process's peak resident set size in bytes, from
// the VmHWM line of /proc/self/status, or 0.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}
