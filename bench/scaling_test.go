package bench

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/zootour/zootour/internal/pgserver"
	"github.com/zootour/zootour/postgres/pgtest"
)

// TestScaling runs the scaling measurement small: 2,000 visits, 8 clients
// for 2 s on each load layout, one sample a question. Every request must
// be answered 200, the replica must serve reads, and both table layouts
// must give the teaching model's answers.
func TestScaling(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL primary and replica and runs a real server")
	}
	if os.Getenv(pgtest.Env) == "" {
		t.Skipf("starts a PostgreSQL primary and a streaming replica of its own, from PostgreSQL's binaries: %s=postgres://postgres@127.0.0.1:5432/test?sslmode=disable go test ./bench/ -run TestScaling", pgtest.Env)
	}
	cfg := DefaultScalingConfig()
	cfg.Visits, cfg.Clients = 2000, []int{8}
	cfg.Warmup, cfg.PerPoint = 500*time.Millisecond, 2*time.Second
	cfg.Timer = Timer{Reps: 1, MinSample: time.Millisecond}
	cfg.Log = os.Stderr
	r, err := Scaling(t.Context(), cfg)
	if errors.Is(err, pgserver.ErrUnavailable) && os.Getenv(pgtest.ReplicaEnv) != "required" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, layout := range loadLayouts {
		p := loadAt(r, layout, 8)
		switch {
		case p == nil:
			t.Errorf("%s: no load run", layout)
		case p.Requests == 0 || p.Failed > 0:
			t.Errorf("%s: %d requests answered 200, %d not (the first: %s)", layout, p.Requests, p.Failed, p.Failure)
		case layout == loadReplica && p.ReplicaReads == 0:
			t.Errorf("%s: no read went to the replica (%d to the primary after own writes, %d as fallback)", layout, p.OwnWriteReads, p.FallbackReads)
		case layout == loadPrimary && p.ReplicaReads+p.OwnWriteReads+p.FallbackReads > 0:
			t.Errorf("%s: the store counted replica routing: %+v", layout, p)
		}
	}
	for _, w := range r.Wrong() {
		t.Error(w)
	}
	for _, layout := range tableLayouts {
		for _, row := range r.Rels {
			if row.Store[layout] == nil {
				t.Fatalf("%s: %s about the %s was not timed", layout, row.Question.Name(), row.Record.Label())
			}
		}
		for _, row := range r.FirstPages {
			if row.Store[layout] == nil {
				t.Fatalf("%s: %s was not timed", layout, row.Asked)
			}
		}
	}
	md := ScalingMarkdown(r)
	for _, want := range []string{"## PostgreSQL past one machine: a read replica and partitioned visits", "the replica adds no CPU here", "**What grows and what stays flat**", "Every answer of both layouts is the teaching model's"} {
		if !strings.Contains(md, want) {
			t.Errorf("the section lacks %q:\n%s", want, md)
		}
	}
}
