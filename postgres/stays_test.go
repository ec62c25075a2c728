package postgres_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/postgres/pgtest"
	"github.com/zootour/zootour/teaching"
)

// TestStaysMigrationAndCheck opens a database made before the stays table
// (the table dropped, its migration forgotten): the migration builds the
// stays from the visits, which answer as the teaching model does. Then
// the table is damaged behind the store's back, and Check names each
// difference; Rebuild repairs them.
func TestStaysMigrationAndCheck(t *testing.T) {
	url := pgtest.URL(t)
	s, ctx := openURL(t, url), t.Context()
	m := teaching.New()
	var zs []zootour.Zoo
	for _, name := range []string{"A", "B", "C"} {
		z := must(s.CreateZoo(ctx, zootour.Zoo{Name: name, Location: "L"}))(t)
		zs = append(zs, z)
		m.Zoos[z.ID] = z
	}
	var as []zootour.Animal
	for _, name := range []string{"x", "y"} {
		a := must(s.CreateAnimal(ctx, zootour.Animal{Name: name, Species: "S"}))(t)
		as = append(as, a)
		m.Animals[a.ID] = a
	}
	day := zootour.MustDate("2020-01-01")
	for i := range 40 {
		m.AddVisit(must(s.CreateVisit(ctx, zootour.Visit{Date: day.AddDays(i * 3), ZooID: zs[i*i%3].ID, AnimalID: as[i%2].ID}))(t))
	}
	s.Close()
	conn := connect(t, url)
	// Back to schema version 3: no stays, no accounts and change log, and
	// the words tables instead of the search columns (their words from
	// those columns).
	if _, err := conn.Exec(ctx, `DROP TABLE stays, changes, sessions, tokens, users, secrets, idempotency;
CREATE TABLE zoo_words AS SELECT convert_to(w, 'UTF8') AS word, id AS zoo_id FROM zoos, unnest(tsvector_to_array(search)) AS w;
CREATE TABLE animal_words AS SELECT convert_to(w, 'UTF8') AS word, id AS animal_id FROM animals, unnest(tsvector_to_array(search)) AS w;
ALTER TABLE zoos DROP COLUMN search;
ALTER TABLE animals DROP COLUMN search;
DELETE FROM zootour_schema_migrations WHERE version >= 4`); err != nil {
		t.Fatal(err)
	}

	s = openURL(t, url)
	if got := must(s.FindAnimals(ctx, zootour.AnimalFilter{Search: zootour.MustSearch("s y")}))(t); !cmp.Equal(got, as[1:]) {
		t.Errorf("after the migrations the search \"s y\" finds %v, want %v", got, as[1:])
	}
	for _, a := range as {
		got := must(s.AnimalStays(ctx, a.ID, zootour.StayQuery{}))(t)
		if want := m.Stays(a.ID); len(want) == 0 || !cmp.Equal(got, want) {
			t.Errorf("after the migration animal %d has the stays %v, want %v", a.ID, got, want)
		}
	}
	if diffs, err := s.Check(ctx, 0); err != nil || len(diffs) != 0 {
		t.Fatalf("Check after the migration = %q, %v; want no differences", diffs, err)
	}

	for _, damage := range []string{
		fmt.Sprintf(`UPDATE stays SET visits = visits + 1 WHERE animal_id = %d AND since = (SELECT min(since) FROM stays WHERE animal_id = %[1]d)`, as[0].ID),
		fmt.Sprintf(`DELETE FROM stays WHERE animal_id = %d AND since = (SELECT max(since) FROM stays WHERE animal_id = %[1]d)`, as[1].ID),
		fmt.Sprintf(`INSERT INTO stays (animal_id, since, until, zoo_id, visits, lvl) VALUES (%d, '1999-01-01', '2000-01-01', %d, 1, 4)`, as[1].ID, zs[0].ID),
	} {
		if _, err := conn.Exec(ctx, damage); err != nil {
			t.Fatalf("%s: %v", damage, err)
		}
	}
	diffs := must(s.Check(ctx, 0))(t)
	if len(diffs) != 3 {
		t.Fatalf("Check found %d differences, want 3: %q", len(diffs), diffs)
	}
	for i, want := range []string{"the stays table holds zoo", "the stays table holds none", "the visits give none"} {
		found := false
		for _, d := range diffs {
			found = found || strings.Contains(d, want)
		}
		if !found {
			t.Errorf("difference %d (%q) not reported: %q", i, want, diffs)
		}
	}
	if diffs := must(s.Check(ctx, 2))(t); len(diffs) != 2 {
		t.Errorf("Check(max 2) gave %d differences", len(diffs))
	}
	check(t, s.Rebuild(ctx))
	if diffs, err := s.Check(ctx, 0); err != nil || len(diffs) != 0 {
		t.Errorf("Check after Rebuild = %q, %v; want no differences", diffs, err)
	}
}

// TestStaysConcurrentWrites has 8 goroutines write the visits of the same
// 3 animals at once: create, move (to another date, zoo or animal) and
// delete, each also on the others' visits, while one more deletes zoos
// with their visits and another animals. Every write must succeed or fail
// with a domain error (no deadlock, no broken key), and the stays must
// then be exactly those the visits give.
func TestStaysConcurrentWrites(t *testing.T) {
	s, ctx := open(t), t.Context()
	var zs, as []int64
	for range 4 {
		zs = append(zs, must(s.CreateZoo(ctx, zootour.Zoo{Name: "Z", Location: "L"}))(t).ID)
	}
	for range 3 {
		as = append(as, must(s.CreateAnimal(ctx, zootour.Animal{Name: "A", Species: "S"}))(t).ID)
	}
	start := zootour.MustDate("2024-01-01")
	const writers, ops, days = 8, 80, 40

	// The visits written so far, shared, so that writers meet on them.
	var mu sync.Mutex
	var visits []int64
	pick := func(r *rand.Rand) (int64, bool) {
		mu.Lock()
		defer mu.Unlock()
		if len(visits) == 0 {
			return 0, false
		}
		return visits[r.IntN(len(visits))], true
	}
	// Zoos and an animal that come and go, with visits of their own.
	var tempZoos []int64
	var tempAnimal int64
	allowed := func(what string, err error, codes ...string) {
		if err == nil {
			return
		}
		for _, c := range codes {
			if zootour.ErrorCode(err) == c {
				return
			}
		}
		t.Errorf("%s: %v", what, err)
	}
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 4))
			for range ops {
				date := start.AddDays(r.IntN(days))
				zoo, animal := zs[r.IntN(len(zs))], as[r.IntN(len(as))]
				mu.Lock()
				if len(tempZoos) > 0 && r.IntN(4) == 0 {
					zoo = tempZoos[r.IntN(len(tempZoos))]
				}
				if tempAnimal != 0 && r.IntN(4) == 0 {
					animal = tempAnimal
				}
				mu.Unlock()
				switch n := r.IntN(10); {
				case n < 5:
					v, err := s.CreateVisit(ctx, zootour.Visit{Date: date, ZooID: zoo, AnimalID: animal})
					if err == nil {
						mu.Lock()
						visits = append(visits, v.ID)
						mu.Unlock()
					}
					// A visit's zoo or animal may be deleted meanwhile.
					allowed("CreateVisit", err, zootour.ECONFLICT, zootour.EINVALID)
				case n < 8:
					id, ok := pick(r)
					if !ok {
						continue
					}
					u := zootour.VisitUpdate{Date: &date}
					switch r.IntN(3) {
					case 0:
						u.ZooID = &zoo
					case 1:
						u.AnimalID = &animal
					}
					_, err := s.UpdateVisit(ctx, id, u)
					allowed("UpdateVisit", err, zootour.ECONFLICT, zootour.EINVALID, zootour.ENOTFOUND)
				default:
					id, ok := pick(r)
					if !ok {
						continue
					}
					allowed("DeleteVisit", s.DeleteVisit(ctx, id), zootour.ENOTFOUND)
				}
			}
		})
	}
	wg.Go(func() {
		for range 10 {
			z := must(s.CreateZoo(ctx, zootour.Zoo{Name: "Temporary", Location: "L"}))(t).ID
			mu.Lock()
			tempZoos = append(tempZoos, z)
			mu.Unlock()
			for i := range 4 {
				_, err := s.CreateVisit(ctx, zootour.Visit{Date: start.AddDays(i * 9), ZooID: z, AnimalID: as[i%len(as)]})
				allowed("CreateVisit", err, zootour.ECONFLICT)
			}
			time.Sleep(20 * time.Millisecond)
			allowed("DeleteZoo with cascade", s.DeleteZoo(ctx, z, true))
			mu.Lock()
			tempZoos = tempZoos[1:]
			mu.Unlock()
		}
	})
	wg.Go(func() {
		for range 10 {
			a := must(s.CreateAnimal(ctx, zootour.Animal{Name: "Temporary", Species: "S"}))(t).ID
			for i := range 4 {
				_, err := s.CreateVisit(ctx, zootour.Visit{Date: start.AddDays(i * 7), ZooID: zs[i], AnimalID: a})
				allowed("CreateVisit", err, zootour.ECONFLICT)
			}
			mu.Lock()
			tempAnimal = a
			mu.Unlock()
			time.Sleep(20 * time.Millisecond) // for the writers to take it up
			allowed("DeleteAnimal with cascade", s.DeleteAnimal(ctx, a, true))
		}
	})
	wg.Wait()

	if diffs, err := s.Check(ctx, 0); err != nil || len(diffs) != 0 {
		t.Errorf("Check after the concurrent writes = %q, %v; want no differences", diffs, err)
	}
	// And the answers are the teaching model's, from what is left.
	m := teaching.New()
	for _, id := range as {
		m.Animals[id] = must(s.Animal(ctx, id))(t)
	}
	for _, v := range must(s.FindVisits(ctx, zootour.VisitFilter{}))(t) {
		m.AddVisit(v)
	}
	stays := 0
	for _, id := range as {
		got, want := must(s.AnimalStays(ctx, id, zootour.StayQuery{}))(t), m.Stays(id)
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("stays of animal %d (-want +got):\n%s", id, d)
		}
		stays += len(got)
	}
	t.Logf("%d visits and %d stays of %d animals at the end", len(m.Visits), stays, len(as))
}
