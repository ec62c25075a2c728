package postgres

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/zootour/zootour"
)

// The choices of route and the lag of the samples, without servers: the
// tests with a real replica are in replica_test.go.

func newTestReplica() *replica {
	return &replica{healthy: true, replayed: 100, maxLag: 10 * time.Second, client: zootour.ActorOf, writes: map[string]write{}}
}

func TestRoute(t *testing.T) {
	bg := context.Background()
	ann, bob := zootour.WithActor(bg, "ann"), zootour.WithActor(bg, "bob")
	now := time.Now()
	for _, tc := range []struct {
		name string
		set  func(r *replica)
		// where the reads of ann, bob and a context without an actor go
		ann, bob, none via
	}{
		{"no writes", func(*replica) {}, viaReplica, viaReplica, viaReplica},
		{"ann's write pending", func(r *replica) { r.note("ann", write{200, now}) }, viaOwnWrites, viaReplica, viaOwnWrites},
		{"ann's write replayed", func(r *replica) { r.note("ann", write{200, now}); r.replayed = 200 }, viaReplica, viaReplica, viaReplica},
		{"ann's write past the bound", func(r *replica) { r.note("ann", write{200, now.Add(-r.maxLag - pendingGrace)}) }, viaReplica, viaReplica, viaReplica},
		{"ann's write just within it", func(r *replica) { r.note("ann", write{200, now.Add(-r.maxLag)}) }, viaOwnWrites, viaReplica, viaOwnWrites},
		{"ann's position unknown", func(r *replica) { r.note("ann", write{math.MaxInt64, now}); r.replayed = 1 << 40 }, viaOwnWrites, viaReplica, viaOwnWrites},
		{"an older, higher write kept", func(r *replica) {
			r.note("ann", write{300, now.Add(-time.Second)})
			r.note("ann", write{150, now})
			r.replayed = 200
		}, viaOwnWrites, viaReplica, viaOwnWrites},
		{"a write without an actor", func(r *replica) { r.note(zootour.NoActor, write{200, now}) }, viaReplica, viaReplica, viaOwnWrites},
		{"the floor pending", func(r *replica) { r.floor = write{200, now} }, viaOwnWrites, viaOwnWrites, viaOwnWrites},
		{"the floor replayed", func(r *replica) { r.floor = write{100, now} }, viaReplica, viaReplica, viaReplica},
		{"unhealthy", func(r *replica) { r.note("ann", write{200, now}); r.healthy = false }, viaFallback, viaFallback, viaFallback},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newTestReplica()
			tc.set(r)
			for _, c := range []struct {
				who  string
				ctx  context.Context
				want via
			}{{"ann", ann, tc.ann}, {"bob", bob, tc.bob}, {"no one", bg, tc.none}} {
				if got := r.route(c.ctx); got != c.want {
					t.Errorf("%s's read goes %d, want %d", c.who, got, c.want)
				}
			}
		})
	}
}

// TestClientsBound fills the writes remembered: a client that finds no room
// holds everyone's reads on the primary until the replica replays its
// write, and room is made of the writes that no longer hold any.
func TestClientsBound(t *testing.T) {
	r := newTestReplica()
	now := time.Now()
	for i := range maxClients {
		r.note(fmt.Sprint("user", i), write{200, now})
	}
	r.note("user0", write{250, now}) // a client known: no room needed
	if r.floor.pos != 0 {
		t.Fatalf("floor %+v after a known client's write", r.floor)
	}
	r.note("ann", write{300, now})
	if got, want := len(r.writes), maxClients; got != want {
		t.Errorf("%d writes remembered, want %d", got, want)
	}
	if _, ok := r.writes["ann"]; ok {
		t.Error("ann's write remembered past the bound")
	}
	bob := zootour.WithActor(context.Background(), "bob")
	if got := r.route(bob); got != viaOwnWrites {
		t.Errorf("bob's read with ann's write in the floor goes %d, want to the primary", got)
	}
	r.replayed = 240 // past every write but user0's and ann's (the floor)
	r.note("cat", write{400, now})
	if got, want := len(r.writes), 2; got != want {
		t.Errorf("%d writes remembered, want %d (user0's and cat's)", got, want)
	}
	if r.floor.pos != 300 {
		t.Errorf("floor %+v, want ann's write at 300", r.floor)
	}
	r.replayed = 300
	if got := r.route(bob); got != viaReplica {
		t.Errorf("bob's read with the floor replayed goes %d, want to the replica", got)
	}
}

func TestLag(t *testing.T) {
	t0 := time.Now()
	ms := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Millisecond) }
	r := &replica{maxLag: time.Second}
	r.sample(ms(0), 100)
	r.sample(ms(250), 100) // the primary idle: no sample
	r.sample(ms(500), 200)
	if got, want := len(r.samples), 2; got != want || !r.samples[0].first || r.samples[1].first {
		t.Fatalf("samples %+v, want 2, the first marked so", r.samples)
	}
	for _, tc := range []struct {
		replayed int64
		at       time.Time
		want     time.Duration
	}{
		{50, ms(1000), time.Second}, // behind the first sample
		{150, ms(1000), 500 * time.Millisecond},
		{200, ms(1000), 0}, // caught up
	} {
		r.replayed = tc.replayed
		if got := r.lagAt(tc.at); got != tc.want {
			t.Errorf("replayed %d: lag %s, want %s", tc.replayed, got, tc.want)
		}
	}
	if len(r.samples) != 0 {
		t.Errorf("samples %+v left once caught up", r.samples)
	}

	// A replica stuck at 0 while the primary writes for 10 s: the samples
	// stay few, the lag exact from the oldest, and beyond two bounds once
	// the replica passes the oldest.
	r = &replica{maxLag: time.Second}
	for i := range 40 {
		r.sample(ms(250*i), int64(100*(i+1)))
	}
	if n := len(r.samples); n > 2+2*4+1 {
		t.Errorf("%d samples kept, want at most %d", n, 2+2*4+1)
	}
	r.replayed = 0
	if got, want := r.lagAt(ms(10000)), 10*time.Second; got != want {
		t.Errorf("lag behind the oldest sample %s, want %s", got, want)
	}
	r.replayed = 150
	if got := r.lagAt(ms(10000)); got <= 2*time.Second {
		t.Errorf("lag just past the oldest sample %s, want beyond two bounds", got)
	}
	r.replayed = 100 * 37
	if got, want := r.lagAt(ms(10000)), 750*time.Millisecond; got != want {
		t.Errorf("lag in the last bound %s, want %s", got, want)
	}
}
