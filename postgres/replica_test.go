package postgres_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/postgres"
	"github.com/zootour/zootour/postgres/pgtest"
	"github.com/zootour/zootour/storetest"
)

// The read replica (docs/replicas.md), on a primary and a streaming
// replica of the tests' own (pgtest.Replicated).

// openReplicated opens a store on a fresh schema of r's primary that reads
// from r's replica.
func openReplicated(t testing.TB, r *pgtest.Replication, opts ...postgres.Option) *postgres.Store {
	t.Helper()
	primary, replica := r.URLs(t)
	s, err := postgres.Open(context.Background(), primary, append([]postgres.Option{postgres.WithReadReplica(replica)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func replicaStatus(t testing.TB, s *postgres.Store) zootour.ReplicaStatus {
	t.Helper()
	st, ok := s.ReplicaStatus()
	if !ok {
		t.Fatal("ReplicaStatus: the store says it has no replica")
	}
	return st
}

// eventually polls cond until it holds, failing the test after 30 s.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("still not so after 30s: %s", what)
		}
	}
}

// where is how many reads went where during a call.
type where struct{ replica, own, fallback uint64 }

// went runs call and returns where its reads went.
func went(t testing.TB, s *postgres.Store, call func()) where {
	t.Helper()
	before := replicaStatus(t, s)
	call()
	after := replicaStatus(t, s)
	return where{after.ReplicaReads - before.ReplicaReads, after.OwnWriteReads - before.OwnWriteReads, after.FallbackReads - before.FallbackReads}
}

// onReplica waits until a read by a client that has written nothing goes
// to the replica: it is healthy and has replayed what the store found at
// its opening.
func onReplica(t testing.TB, s *postgres.Store) {
	t.Helper()
	ctx := zootour.WithActor(context.Background(), "probe")
	eventually(t, "a read goes to the replica", func() bool {
		return went(t, s, func() { s.Counts(ctx) }) == where{replica: 1}
	})
}

func second[T any](_ T, err error) error { return err }

// count returns the length of a listing, with its error.
func count[T any](l []T, err error) (int, error) { return len(l), err }

// TestReplicaConformance runs the conformance suite on stores that read
// from a replica: every read a test makes right after its writes must see
// them, from the primary or from a replica that has replayed them; the
// others go to the replica, checked often here so that many do. The suite
// reads one actor's writes as another (a revert by bob, then alice's read),
// which only one client is sure to see: each store here takes every
// context for one (postgres.OneClient).
func TestReplicaConformance(t *testing.T) {
	r := pgtest.Replicated(t)
	var mu sync.Mutex
	var total zootour.ReplicaStatus
	storetest.Run(t, func(t *testing.T) zootour.Store {
		s := openReplicated(t, r, postgres.CheckReplicaEvery(5*time.Millisecond), postgres.OneClient())
		t.Cleanup(func() {
			st := replicaStatus(t, s)
			mu.Lock()
			defer mu.Unlock()
			total.ReplicaReads += st.ReplicaReads
			total.OwnWriteReads += st.OwnWriteReads
			total.FallbackReads += st.FallbackReads
		})
		return s
	})
	t.Logf("reads: %d on the replica, %d on the primary after their writes, %d on the primary for the replica's health",
		total.ReplicaReads, total.OwnWriteReads, total.FallbackReads)
	if total.ReplicaReads == 0 || total.OwnWriteReads == 0 {
		t.Errorf("reads went to the replica %d times and to the primary after writes %d times: want both",
			total.ReplicaReads, total.OwnWriteReads)
	}
}

// TestReplicaReadYourWrites pauses the replica's replay: a client that
// wrote sees its write in every read (from the primary), as does a context
// without an actor (every client), another client does not (its reads go
// to the replica); once the replica has replayed the write, both read it
// there.
func TestReplicaReadYourWrites(t *testing.T) {
	r := pgtest.Replicated(t)
	s := openReplicated(t, r, postgres.WithMaxReplicaLag(time.Minute), postgres.CheckReplicaEvery(20*time.Millisecond))
	bg := context.Background()
	setup := zootour.WithActor(bg, "setup")
	z := must(s.CreateZoo(setup, zootour.Zoo{Name: "Artis", Location: "Amsterdam"}))(t)
	a := must(s.CreateAnimal(setup, zootour.Animal{Name: "Ruby", Species: "red panda"}))(t)
	b := must(s.CreateAnimal(setup, zootour.Animal{Name: "Suki", Species: "red panda"}))(t)
	must(s.CreateVisit(setup, zootour.Visit{Date: zootour.MustDate("2024-01-01"), ZooID: z.ID, AnimalID: b.ID}))(t)
	onReplica(t, s)
	eventually(t, "the setup's reads go to the replica", func() bool {
		return went(t, s, func() { s.Counts(setup) }) == where{replica: 1}
	})

	r.PauseReplay(t)
	ann, bob := zootour.WithActor(bg, "ann"), zootour.WithActor(bg, "bob")
	z2 := must(s.CreateZoo(ann, zootour.Zoo{Name: "Blijdorp", Location: "Rotterdam"}))(t)
	c := must(s.CreateAnimal(ann, zootour.Animal{Name: "Ash", Species: "axolotl"}))(t)
	v := must(s.CreateVisit(ann, zootour.Visit{Date: zootour.MustDate("2024-02-01"), ZooID: z.ID, AnimalID: a.ID}))(t)
	logged := must(s.Changes(ann, zootour.ChangeFilter{Kind: zootour.KindVisit, RecordID: v.ID}))(t)
	if len(logged) != 1 {
		t.Fatalf("ann's visit is logged %d times", len(logged))
	}

	// Each read, with what bob sees (the replica, before ann's writes) and
	// ann (the primary, after): how many records, entries or rows.
	march := zootour.MustDate("2024-03-01")
	found := func(err error) (int, error) {
		if zootour.ErrorCode(err) == zootour.ENOTFOUND {
			return 0, nil
		}
		return 1, err
	}
	reads := []struct {
		name        string
		read        func(context.Context) (int, error)
		bob, annSee int
	}{
		{"Zoo", func(ctx context.Context) (int, error) { return found(second(s.Zoo(ctx, z2.ID))) }, 0, 1},
		{"FindZoos", func(ctx context.Context) (int, error) { return count(s.FindZoos(ctx, zootour.ZooFilter{})) }, 1, 2},
		{"Animal", func(ctx context.Context) (int, error) { return found(second(s.Animal(ctx, c.ID))) }, 0, 1},
		{"FindAnimals", func(ctx context.Context) (int, error) { return count(s.FindAnimals(ctx, zootour.AnimalFilter{})) }, 2, 3},
		{"Visit", func(ctx context.Context) (int, error) { return found(second(s.Visit(ctx, v.ID))) }, 0, 1},
		{"FindVisits", func(ctx context.Context) (int, error) { return count(s.FindVisits(ctx, zootour.VisitFilter{})) }, 1, 2},
		{"ZooVisits", func(ctx context.Context) (int, error) { return count(s.ZooVisits(ctx, z.ID, zootour.Query{})) }, 1, 2},
		{"ZooAnimals", func(ctx context.Context) (int, error) { return count(s.ZooAnimals(ctx, z.ID, zootour.Query{})) }, 1, 2},
		{"AnimalVisits", func(ctx context.Context) (int, error) { return count(s.AnimalVisits(ctx, a.ID, zootour.Query{})) }, 0, 1},
		{"AnimalZoos", func(ctx context.Context) (int, error) { return count(s.AnimalZoos(ctx, a.ID, zootour.Query{})) }, 0, 1},
		{"AnimalStays", func(ctx context.Context) (int, error) { return count(s.AnimalStays(ctx, a.ID, zootour.StayQuery{})) }, 0, 1},
		{"AnimalWhere", func(ctx context.Context) (int, error) {
			at, err := s.AnimalWhere(ctx, a.ID, march)
			if at == nil {
				return 0, err
			}
			return 1, err
		}, 0, 1},
		{"ZooPresent", func(ctx context.Context) (int, error) {
			return count(s.ZooPresent(ctx, z.ID, zootour.PresentQuery{On: march}))
		}, 1, 2},
		{"AnimalContacts", func(ctx context.Context) (int, error) {
			return count(s.AnimalContacts(ctx, a.ID, zootour.ContactQuery{}))
		}, 0, 1},
		{"Census", func(ctx context.Context) (int, error) {
			rows, err := s.Census(ctx, zootour.CensusQuery{On: march})
			sum := 0
			for _, r := range rows {
				sum += r.Count
			}
			return sum, err
		}, 1, 2},
		{"Counts", func(ctx context.Context) (int, error) { c, err := s.Counts(ctx); return int(c.Visits), err }, 1, 2},
		{"Changes", func(ctx context.Context) (int, error) {
			return count(s.Changes(ctx, zootour.ChangeFilter{Kind: zootour.KindVisit}))
		}, 1, 2},
		{"Change", func(ctx context.Context) (int, error) { return found(second(s.Change(ctx, logged[0].ID))) }, 0, 1},
		{"Export", func(ctx context.Context) (int, error) {
			var d dump
			err := s.Export(ctx, &d)
			return len(d.visits), err
		}, 1, 2},
		{"Check", func(ctx context.Context) (int, error) { return count(s.Check(ctx, 0)) }, 0, 0},
	}
	for _, rd := range reads {
		for _, who := range []struct {
			name string
			ctx  context.Context
			sees int
			went where
		}{{"bob", bob, rd.bob, where{replica: 1}}, {"ann", ann, rd.annSee, where{own: 1}}, {"no one", bg, rd.annSee, where{own: 1}}} {
			var got int
			var err error
			w := went(t, s, func() { got, err = rd.read(who.ctx) })
			if err != nil {
				t.Errorf("%s as %s: %v", rd.name, who.name, err)
			}
			if got != who.sees || w != who.went {
				t.Errorf("%s as %s saw %d and went %+v, want %d and %+v", rd.name, who.name, got, w, who.sees, who.went)
			}
		}
	}

	r.ResumeReplay(t)
	for _, who := range []context.Context{ann, bob} {
		eventually(t, "the visits are read from the replica, ann's among them", func() bool {
			var l []zootour.Visit
			w := went(t, s, func() { l, _ = s.FindVisits(who, zootour.VisitFilter{}) })
			return w == where{replica: 1} && len(l) == 2
		})
	}
	if st := replicaStatus(t, s); !st.Healthy || st.Reason != "" || st.MaxLag != time.Minute {
		t.Errorf("status %+v, want healthy with a bound of a minute", st)
	}
}

// dump is a zootour.Sink that keeps the visits.
type dump struct{ visits []zootour.Visit }

func (*dump) Zoo(zootour.Zoo) error       { return nil }
func (*dump) Animal(zootour.Animal) error { return nil }
func (d *dump) Visit(v zootour.Visit) error {
	d.visits = append(d.visits, v)
	return nil
}

// TestReplicaLags pauses the replica's replay past the lag bound: every
// read goes to the primary and the status says why, until the replica has
// caught up.
func TestReplicaLags(t *testing.T) {
	r := pgtest.Replicated(t)
	s := openReplicated(t, r, postgres.WithMaxReplicaLag(time.Second), postgres.CheckReplicaEvery(20*time.Millisecond))
	onReplica(t, s)
	r.PauseReplay(t)
	ann, bob := zootour.WithActor(context.Background(), "ann"), zootour.WithActor(context.Background(), "bob")
	z := must(s.CreateZoo(ann, zootour.Zoo{Name: "Artis", Location: "Amsterdam"}))(t)
	if _, err := s.Zoo(bob, z.ID); zootour.ErrorCode(err) != zootour.ENOTFOUND {
		t.Fatalf("bob reads ann's zoo from a paused replica within the bound: %v, want not found", err)
	}
	eventually(t, "the replica counts as lagging", func() bool { return !replicaStatus(t, s).Healthy })
	if st := replicaStatus(t, s); !strings.Contains(st.Reason, "behind the primary, more than 1s") || st.Lag < time.Second {
		t.Errorf("status of a lagging replica: %+v", st)
	}
	var err error
	if w := went(t, s, func() { _, err = s.Zoo(bob, z.ID) }); err != nil || w != (where{fallback: 1}) {
		t.Errorf("bob's read past the bound: %v, went %+v, want found on the primary", err, w)
	}

	r.ResumeReplay(t)
	eventually(t, "the replica is healthy again", func() bool { return replicaStatus(t, s).Healthy })
	if w := went(t, s, func() { _, err = s.Zoo(bob, z.ID) }); err != nil || w != (where{replica: 1}) {
		t.Errorf("bob's read once caught up: %v, went %+v, want found on the replica", err, w)
	}
	if st := replicaStatus(t, s); st.Lag >= time.Second || st.Reason != "" {
		t.Errorf("status once caught up: %+v", st)
	}
}

// TestReplicaDown stops the replica: a read that meets it gone runs again
// on the primary, later reads go straight there and the status says why;
// once it is back, reads go to it again.
func TestReplicaDown(t *testing.T) {
	r := pgtest.Replicated(t)
	primaryURL, replicaURL := r.URLs(t)
	open := func(every time.Duration) *postgres.Store {
		s, err := postgres.Open(context.Background(), primaryURL, postgres.WithReadReplica(replicaURL), postgres.CheckReplicaEvery(every))
		check(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	}
	bob := zootour.WithActor(context.Background(), "bob")
	often := open(20 * time.Millisecond)
	z := must(often.CreateZoo(bob, zootour.Zoo{Name: "Artis", Location: "Amsterdam"}))(t)
	eventually(t, "bob's reads go to the replica", func() bool {
		return went(t, often, func() { often.Counts(bob) }) == where{replica: 1}
	})
	// rarely checks only as it opens, with the replica up to date, so that
	// its reads meet the replica gone before it knows.
	rarely := open(time.Hour)
	eventually(t, "the rare checker's reads go to the replica", func() bool {
		return went(t, rarely, func() { rarely.Counts(bob) }) == where{replica: 1}
	})

	r.Replica.Stop(t)
	var got zootour.Zoo
	var err error
	if w := went(t, rarely, func() { got, err = rarely.Zoo(bob, z.ID) }); err != nil || got != z || w != (where{fallback: 1}) {
		t.Errorf("a read that meets the replica gone: %+v %v, went %+v, want the zoo from the primary", got, err, w)
	}
	if st := replicaStatus(t, rarely); st.Healthy || !strings.Contains(st.Reason, "unreachable") && !strings.Contains(st.Reason, "restarting") {
		t.Errorf("status after a read met the replica gone: %+v, want unhealthy, unreachable", st)
	}
	eventually(t, "the store sees the replica down", func() bool {
		return strings.Contains(replicaStatus(t, often).Reason, "does not answer")
	})
	for range 3 {
		if w := went(t, often, func() { got, err = often.Zoo(bob, z.ID) }); err != nil || got != z || w != (where{fallback: 1}) {
			t.Errorf("a read with the replica down: %+v %v, went %+v, want the zoo from the primary", got, err, w)
		}
	}
	// A write meanwhile: the replica replays it when back, before reads go
	// to it.
	z2 := must(often.CreateZoo(bob, zootour.Zoo{Name: "Blijdorp", Location: "Rotterdam"}))(t)

	r.Replica.Start(t)
	eventually(t, "the replica is back in use", func() bool { return replicaStatus(t, often).Healthy })
	onReplica(t, often)
	if w := went(t, often, func() { got, err = often.Zoo(bob, z2.ID) }); err != nil || got != z2 || w != (where{replica: 1}) {
		t.Errorf("a read with the replica back: %+v %v, went %+v, want the zoo from the replica", got, err, w)
	}
	// It is the replica indeed: paused, it misses a new write.
	r.PauseReplay(t)
	z3 := must(often.CreateZoo(zootour.WithActor(context.Background(), "ann"), zootour.Zoo{Name: "Burgers'", Location: "Arnhem"}))(t)
	if _, err := often.Zoo(bob, z3.ID); zootour.ErrorCode(err) != zootour.ENOTFOUND {
		t.Errorf("bob reads a zoo the paused replica lacks: %v, want not found", err)
	}
}

// TestReplicaNotOne gives as the replica a server that is none (the
// primary itself) and a replica of another schema: reads stay on the
// primary, and the status says why.
func TestReplicaNotOne(t *testing.T) {
	t.Run("primary", func(t *testing.T) {
		url := pgtest.URL(t)
		s, err := postgres.Open(context.Background(), url, postgres.WithReadReplica(url), postgres.WithMaxReplicaLag(0))
		check(t, err)
		defer s.Close()
		st := replicaStatus(t, s)
		if st.Healthy || !strings.Contains(st.Reason, "not in recovery") || st.MaxLag != postgres.DefaultMaxReplicaLag {
			t.Errorf("status with the primary as replica: %+v", st)
		}
		if w := went(t, s, func() { check(t, second(s.Counts(t.Context()))) }); w != (where{fallback: 1}) {
			t.Errorf("a read went %+v, want to the primary", w)
		}
	})
	t.Run("other schema", func(t *testing.T) {
		r := pgtest.Replicated(t)
		primary, _ := r.URLs(t)
		_, other := r.URLs(t) // an empty schema
		s, err := postgres.Open(context.Background(), primary, postgres.WithReadReplica(other), postgres.CheckReplicaEvery(20*time.Millisecond))
		check(t, err)
		defer s.Close()
		eventually(t, "the store has checked past its opening", func() bool {
			return strings.Contains(replicaStatus(t, s).Reason, "no zootour schema")
		})
		if w := went(t, s, func() { check(t, second(s.Counts(t.Context()))) }); w != (where{fallback: 1}) {
			t.Errorf("a read went %+v, want to the primary", w)
		}
	})
}

// TestNoReplica: a store without one says so, and reads from the primary.
func TestNoReplica(t *testing.T) {
	s := open(t)
	if st, ok := s.ReplicaStatus(); ok {
		t.Errorf("ReplicaStatus of a store without a replica: %+v, true", st)
	}
	s, err := postgres.Open(t.Context(), pgtest.URL(t), postgres.WithReadReplica("postgres://[::1"))
	if err == nil {
		s.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "read replica") {
		t.Errorf("Open with a replica URL that is none: %v, want an error naming the read replica", err)
	}
}
