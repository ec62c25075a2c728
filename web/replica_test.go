package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/postgres"
	"github.com/zootour/zootour/postgres/pgtest"
	"github.com/zootour/zootour/web/internal/webtest"
)

// replicatedStore says it reads from a replica in the state st.
type replicatedStore struct {
	zootour.Store
	st zootour.ReplicaStatus
}

func (r replicatedStore) ReplicaStatus() (zootour.ReplicaStatus, bool) { return r.st, true }

// TestReplicaOperations: /readyz adds a line on the read replica, whose
// state leaves the status to the primary, and /metrics its counters.
func TestReplicaOperations(t *testing.T) {
	healthy := zootour.ReplicaStatus{Healthy: true, Lag: 12345 * time.Microsecond, MaxLag: 10 * time.Second,
		ReplicaReads: 5, OwnWriteReads: 3, FallbackReads: 2}
	down := zootour.ReplicaStatus{Reason: "the replica does not answer: connection refused", Lag: time.Second, MaxLag: 10 * time.Second}
	for _, tc := range []struct {
		name   string
		store  zootour.Store
		status int
		body   string
	}{
		{"healthy", replicatedStore{webtest.MemoryStore(t), healthy}, 200, "ok\nreplica: ok, 12ms behind (at most 10s)\n"},
		{"down", replicatedStore{webtest.MemoryStore(t), down}, 200,
			"ok\nreplica: not in use, reads go to the primary: the replica does not answer: connection refused\n"},
		{"primary failing", replicatedStore{failingStore{webtest.MemoryStore(t)}, healthy}, 503,
			"not ready: internal error\nreplica: ok, 12ms behind (at most 10s)\n"},
		{"no replica", webtest.MemoryStore(t), 200, "ok\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newEnv(t, tc.store, Config{}).Do("GET", "/readyz", "")
			if r.Status != tc.status || string(r.Body) != tc.body {
				t.Errorf("readyz: %d %q, want %d %q", r.Status, r.Body, tc.status, tc.body)
			}
		})
	}

	metricsOf := func(s zootour.Store) string {
		t.Helper()
		r := newEnv(t, s, Config{}).As(webtest.User(t, s, "vic", zootour.Viewer)).Do("GET", "/metrics", "")
		if r.Status != 200 {
			t.Fatalf("metrics: %d %s", r.Status, r.Body)
		}
		return string(r.Body)
	}
	m := metricsOf(replicatedStore{webtest.MemoryStore(t), healthy})
	for _, want := range []string{
		`zootour_replica_reads_total{to="replica"} 5`,
		`zootour_replica_reads_total{to="primary_own_writes"} 3`,
		`zootour_replica_reads_total{to="primary_fallback"} 2`,
		`zootour_replica_healthy 1`,
		`zootour_replica_lag_seconds 0.012345`,
		`zootour_replica_max_lag_seconds 10`,
	} {
		if !strings.Contains(m, want+"\n") {
			t.Errorf("metrics lack %s", want)
		}
	}
	if m := metricsOf(replicatedStore{webtest.MemoryStore(t), down}); !strings.Contains(m, "zootour_replica_healthy 0\n") {
		t.Errorf("metrics of a replica down lack zootour_replica_healthy 0")
	}
	if m := metricsOf(webtest.MemoryStore(t)); strings.Contains(m, "zootour_replica") {
		t.Errorf("metrics of a store without a replica speak of one")
	}
}

// TestReplicaEndToEnd serves a PostgreSQL store that reads from a replica
// (pgtest.Replicated), over the API: with the replica's replay paused, the
// user who wrote reads the write (the primary), another user does not yet
// (the replica); /readyz and /metrics tell of the replica, down and up.
func TestReplicaEndToEnd(t *testing.T) {
	r := pgtest.Replicated(t)
	primary, replica := r.URLs(t)
	ps, err := postgres.Open(context.Background(), primary, postgres.WithReadReplica(replica))
	s := webtest.Closing(t, ps, err)
	e := newEnv(t, s, Config{})
	ed := e.As(webtest.User(t, s, "eddie", zootour.Editor))
	vic := e.As(webtest.User(t, s, "vic", zootour.Viewer))
	eventually := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("still not so after 30s: %s", what)
			}
		}
	}
	ready := func(want string) {
		t.Helper()
		eventually("/readyz says "+want, func() bool {
			r := e.Do("GET", "/readyz", "")
			return r.Status == 200 && strings.HasPrefix(string(r.Body), want)
		})
	}
	ready("ok\nreplica: ok, ")
	replicaReads := func() uint64 { st, _ := ps.ReplicaStatus(); return st.ReplicaReads }
	eventually("vic's reads go to the replica", func() bool {
		before := replicaReads()
		webtest.Must(t, vic.Do("GET", "/api/zoos", ""), 200)
		return replicaReads() > before
	})

	r.PauseReplay(t)
	z := webtest.Decode[zootour.Zoo](t, webtest.Must(t, ed.Do("POST", "/api/zoos", `{"name":"Artis","location":"Amsterdam"}`), 201))
	path := fmt.Sprintf("/api/zoos/%d", z.ID)
	webtest.Must(t, ed.Do("GET", path, ""), 200)
	webtest.Must(t, vic.Do("GET", path, ""), 404)
	r.ResumeReplay(t)
	eventually("vic reads the zoo from the replica", func() bool { return vic.Do("GET", path, "").Status == 200 })

	r.Replica.Stop(t)
	ready("ok\nreplica: not in use, reads go to the primary: ")
	webtest.Must(t, vic.Do("GET", path, ""), 200)
	m := vic.Do("GET", "/metrics", "")
	for _, want := range []string{"zootour_replica_healthy 0\n", `zootour_replica_reads_total{to="replica"} `, `zootour_replica_reads_total{to="primary_fallback"} `} {
		if !strings.Contains(string(m.Body), want) {
			t.Errorf("metrics with the replica down lack %s", want)
		}
	}
	r.Replica.Start(t)
	ready("ok\nreplica: ok, ")
}
