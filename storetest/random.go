package storetest

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/zootour/zootour"
)

var names = []string{"Knut", "Fritz", "Zoë", "Bao Bao", "Ásta", "Łucja", "Тигр", "象", "Kea 🦜", "Mo"}

// testRandom makes the same random writes on the store and on the teaching
// model, then asks both every relationship question with random windows,
// cursors and limits.
func testRandom(t *testing.T, open func(t *testing.T) zootour.Store) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 2024))
			w := newWorld(t, open(t))
			start := d("2024-01-01")
			const days = 150
			for range 120 {
				w.zoo(pick(r, names), pick(r, names))
			}
			for range 250 {
				w.animal(pick(r, names), pick(r, names))
			}
			var deletedZoos, deletedAnimals []int64
			for range 2400 {
				w.randomWrite(r, start, days, &deletedZoos, &deletedAnimals)
			}
			w.checkAll(r, start, days)
			w.checkDerived()
			for _, id := range deletedZoos {
				_, err := w.s.ZooAnimals(t.Context(), id, zootour.Query{})
				code(t, fmt.Sprintf("ZooAnimals of deleted zoo %d", id), err, zootour.ENOTFOUND)
			}
			for _, id := range deletedAnimals {
				_, err := w.s.AnimalZoos(t.Context(), id, zootour.Query{})
				code(t, fmt.Sprintf("AnimalZoos of deleted animal %d", id), err, zootour.ENOTFOUND)
			}
		})
	}
}

// randomWrite makes one random write, mostly new visits, in both.
func (w *world) randomWrite(r *rand.Rand, start zootour.Date, days int, deletedZoos, deletedAnimals *[]int64) {
	t, ctx := w.t, w.t.Context()
	date := func() zootour.Date { return start.AddDays(r.IntN(days)) }
	switch n := r.IntN(100); {
	case n < 76 || len(w.m.Visits) == 0:
		w.visit(date(), pick(r, w.zooIDs()), pick(r, w.animalIDs()))
	case n < 84:
		v := pick(r, w.m.Visits)
		var u zootour.VisitUpdate
		switch r.IntN(4) {
		case 0:
			u.Date = ptr(date())
		case 1:
			u.ZooID = ptr(pick(r, w.zooIDs()))
		case 2:
			u.AnimalID = ptr(pick(r, w.animalIDs()))
		case 3:
			u = zootour.VisitUpdate{Date: ptr(v.Date.AddDays(r.IntN(5) - 2)), ZooID: ptr(pick(r, w.zooIDs())), AnimalID: ptr(pick(r, w.animalIDs()))}
		}
		w.updateVisit(v.ID, u)
	case n < 92:
		w.deleteVisit(pick(r, w.m.Visits).ID)
	case n < 94:
		id := pick(r, w.zooIDs())
		z := must(w.s.UpdateZoo(ctx, id, zootour.ZooUpdate{Name: ptr(pick(r, names) + " " + pick(r, names))}))(t)
		w.m.Zoos[id] = z
	case n < 96:
		id := pick(r, w.animalIDs())
		a := must(w.s.UpdateAnimal(ctx, id, zootour.AnimalUpdate{Species: ptr(pick(r, names))}))(t)
		w.m.Animals[id] = a
	case n < 97 && len(w.m.Zoos) > 20:
		id, cascade := pick(r, w.zooIDs()), r.IntN(2) == 0
		err := w.s.DeleteZoo(ctx, id, cascade)
		if !cascade && len(w.m.ZooVisits(id, zootour.Query{})) > 0 {
			code(t, "DeleteZoo of a zoo with visits", err, zootour.ECONFLICT)
			return
		}
		noErr(t, err)
		w.m.DeleteZoo(id)
		*deletedZoos = append(*deletedZoos, id)
	case n < 98 && len(w.m.Animals) > 20:
		id, cascade := pick(r, w.animalIDs()), r.IntN(2) == 0
		err := w.s.DeleteAnimal(ctx, id, cascade)
		if !cascade && len(w.m.AnimalVisits(id, zootour.Query{})) > 0 {
			code(t, "DeleteAnimal of an animal with visits", err, zootour.ECONFLICT)
			return
		}
		noErr(t, err)
		w.m.DeleteAnimal(id)
		*deletedAnimals = append(*deletedAnimals, id)
	case n < 99:
		w.zoo(pick(r, names), pick(r, names))
		w.animal(pick(r, names), pick(r, names))
	default:
		// A visit to a deleted zoo or of a deleted animal is refused.
		if len(*deletedZoos) > 0 {
			_, err := w.s.CreateVisit(ctx, zootour.Visit{Date: date(), ZooID: pick(r, *deletedZoos), AnimalID: pick(r, w.animalIDs())})
			code(t, "CreateVisit to a deleted zoo", err, zootour.EINVALID)
		}
		if len(*deletedAnimals) > 0 && len(w.m.Visits) > 0 {
			_, err := w.s.UpdateVisit(ctx, pick(r, w.m.Visits).ID, zootour.VisitUpdate{AnimalID: ptr(pick(r, *deletedAnimals))})
			code(t, "UpdateVisit to a deleted animal", err, zootour.EINVALID)
		}
	}
}

// randomQuery returns a query with a random window (or none), distinct or
// not, and sometimes a cursor at a random position and a limit.
func randomQuery(r *rand.Rand, start zootour.Date, days int) zootour.Query {
	var q zootour.Query
	from, to := start.AddDays(r.IntN(days+10)-5), start.AddDays(r.IntN(days+10)-5)
	if to.Before(from) {
		from, to = to, from
	}
	switch r.IntN(4) {
	case 1:
		q.From = from
	case 2:
		q.To = to
	case 3:
		q.From, q.To = from, to
	}
	q.Distinct = r.IntN(2) == 0
	if r.IntN(4) == 0 {
		q.After = zootour.Position{Date: start.AddDays(r.IntN(days)), ID: int64(r.IntN(3000))}
	}
	if r.IntN(4) == 0 {
		q.Limit = 1 + r.IntN(5)
	}
	return q
}

// checkAll compares everything in the store with the model: the records,
// and every relationship listing with a random query, some walked in pages.
func (w *world) checkAll(r *rand.Rand, start zootour.Date, days int) {
	t := w.t
	got := exportOf(t, w.s)
	want := dump{
		Zoos:    make([]zootour.Zoo, 0, len(w.m.Zoos)),
		Animals: make([]zootour.Animal, 0, len(w.m.Animals)),
		Visits:  slices.SortedFunc(slices.Values(w.m.Visits), func(a, b zootour.Visit) int { return cmp.Compare(a.ID, b.ID) }),
	}
	for _, id := range w.zooIDs() {
		want.Zoos = append(want.Zoos, w.m.Zoos[id])
	}
	for _, id := range w.animalIDs() {
		want.Animals = append(want.Animals, w.m.Animals[id])
	}
	if d := diff(want, got); d != "" {
		t.Fatalf("the store's records differ from the model's (-want +got):\n%s", d)
	}
	if got, want := must(w.s.Counts(t.Context()))(t), want.counts(); got != want {
		t.Errorf("Counts = %+v, want %+v", got, want)
	}
	failed := 0
	for _, l := range listers {
		for _, id := range w.owners(l) {
			if !w.check(l, id, randomQuery(r, start, days)) {
				failed++
			}
			if r.IntN(10) == 0 {
				q := randomQuery(r, start, days)
				q.After, q.Limit = zootour.Position{}, 0
				if d := diff(w.want(l, id, q), w.walk(l, id, q, 1+r.IntN(4))); d != "" {
					t.Errorf("%s(%d, %+v) walked in pages (-want +got):\n%s", l.name, id, q, d)
					failed++
				}
			}
			if failed > 10 {
				t.Fatal("too many differences")
			}
		}
	}
}

// testConcurrent runs writers and readers at once, then checks that the
// store holds exactly what the writers were told they wrote, and that
// every read and export saw a consistent state.
func testConcurrent(t *testing.T, open func(t *testing.T) zootour.Store) {
	w := newWorld(t, open(t))
	ctx := t.Context()
	var zs, as []int64
	for range 6 {
		zs = append(zs, w.zoo("Z", "L").ID)
	}
	for range 12 {
		as = append(as, w.animal("A", "S").ID)
	}
	start := d("2024-01-01")
	const workers, ops, days = 4, 60, 30
	kept := make([][]zootour.Visit, workers)
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 77))
			var mine []zootour.Visit
			for range ops {
				switch n := r.IntN(10); {
				case n < 5:
					v, err := w.s.CreateVisit(ctx, zootour.Visit{Date: start.AddDays(r.IntN(days)), ZooID: pick(r, zs), AnimalID: pick(r, as)})
					if err == nil {
						mine = append(mine, v)
					} else if zootour.ErrorCode(err) != zootour.ECONFLICT {
						t.Errorf("CreateVisit: %v", err)
					}
				case n < 6 && len(mine) > 0:
					i := r.IntN(len(mine))
					if err := w.s.DeleteVisit(ctx, mine[i].ID); err != nil {
						t.Errorf("DeleteVisit of my own visit: %v", err)
					}
					mine = slices.Delete(mine, i, i+1)
				case n < 7 && len(mine) > 0:
					i := r.IntN(len(mine))
					v, err := w.s.UpdateVisit(ctx, mine[i].ID, zootour.VisitUpdate{Date: ptr(start.AddDays(r.IntN(days))), ZooID: ptr(pick(r, zs))})
					if err == nil {
						mine[i] = v
					} else if zootour.ErrorCode(err) != zootour.ECONFLICT {
						t.Errorf("UpdateVisit: %v", err)
					}
				case n < 8 && g == 0:
					// A zoo that comes and goes with its visits, for the exporters to catch mid-way.
					z, err := w.s.CreateZoo(ctx, zootour.Zoo{Name: "Temporary", Location: "L"})
					if err != nil {
						t.Errorf("CreateZoo: %v", err)
						continue
					}
					for range 3 {
						_, err := w.s.CreateVisit(ctx, zootour.Visit{Date: start.AddDays(days + r.IntN(days)), ZooID: z.ID, AnimalID: pick(r, as)})
						if err != nil && zootour.ErrorCode(err) != zootour.ECONFLICT {
							t.Errorf("CreateVisit: %v", err)
						}
					}
					if err := w.s.DeleteZoo(ctx, z.ID, true); err != nil {
						t.Errorf("DeleteZoo with cascade: %v", err)
					}
				case n < 9:
					checkExport(t, w.s)
				default:
					checkListings(t, w.s, pick(r, zs), pick(r, as))
				}
			}
			kept[g] = mine
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	for _, vs := range kept {
		for _, v := range vs {
			w.m.AddVisit(v)
		}
	}
	w.checkAll(rand.New(rand.NewPCG(5, 5)), start, days)
	for _, l := range listers {
		for _, id := range w.owners(l) {
			w.check(l, id, zootour.Query{})
			w.check(l, id, zootour.Query{Distinct: true})
		}
	}
}

// checkExport checks that an export is one consistent state: every visit's
// zoo and animal are in it, and no animal is at two zoos on one date. It
// is safe to call from any goroutine.
func checkExport(t *testing.T, s zootour.Store) {
	var d dump
	if err := s.Export(t.Context(), &d); err != nil {
		t.Errorf("Export: %v", err)
		return
	}
	zoos, animals := map[int64]bool{}, map[int64]bool{}
	for _, z := range d.Zoos {
		zoos[z.ID] = true
	}
	for _, a := range d.Animals {
		animals[a.ID] = true
	}
	type key struct {
		animal int64
		date   zootour.Date
	}
	seen := map[key]bool{}
	for _, v := range d.Visits {
		if !zoos[v.ZooID] || !animals[v.AnimalID] {
			t.Errorf("Export has visit %+v without its zoo or animal", v)
		}
		if k := (key{v.AnimalID, v.Date}); seen[k] {
			t.Errorf("Export has animal %d twice on %s", v.AnimalID, v.Date)
		} else {
			seen[k] = true
		}
	}
}

// checkListings checks what can be checked of listings read while others
// write: their order, and that distinct lists each animal or zoo once.
// It is safe to call from any goroutine.
func checkListings(t *testing.T, s zootour.Store, zooID, animalID int64) {
	ctx := t.Context()
	zas, err := s.ZooAnimals(ctx, zooID, zootour.Query{Distinct: true})
	if err != nil {
		t.Errorf("ZooAnimals: %v", err)
		return
	}
	seen := map[int64]bool{}
	for i, e := range zas {
		if seen[e.ID] {
			t.Errorf("ZooAnimals distinct lists animal %d twice", e.ID)
		}
		seen[e.ID] = true
		if i > 0 && !zas[i-1].Position().Less(e.Position()) {
			t.Errorf("ZooAnimals out of order at %d: %+v", i, zas)
		}
	}
	vs, err := s.AnimalVisits(ctx, animalID, zootour.Query{})
	if err != nil {
		t.Errorf("AnimalVisits: %v", err)
		return
	}
	for i := 1; i < len(vs); i++ {
		if !vs[i-1].Date.Before(vs[i].Date) {
			t.Errorf("AnimalVisits not strictly by date: %+v", vs)
		}
	}
}
