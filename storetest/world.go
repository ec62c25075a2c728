package storetest

import (
	"context"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/teaching"
)

// A world is a store and the teaching model holding the same records: every
// write goes to both, and the model, which scans every visit, says what the
// store must answer.
type world struct {
	t *testing.T
	s zootour.Store
	m *teaching.Model
}

func newWorld(t *testing.T, s zootour.Store) *world {
	return &world{t: t, s: s, m: teaching.New()}
}

func (w *world) zoo(name, location string) zootour.Zoo {
	w.t.Helper()
	z := addZoo(w.t, w.s, name, location)
	w.m.Zoos[z.ID] = z
	return z
}

func (w *world) animal(name, species string) zootour.Animal {
	w.t.Helper()
	a := addAnimal(w.t, w.s, name, species)
	w.m.Animals[a.ID] = a
	return a
}

// taken returns the model's visit of the animal on the date, other than
// the visit self.
func (w *world) taken(animalID int64, date zootour.Date, self int64) bool {
	for _, v := range w.m.Visits {
		if v.AnimalID == animalID && v.Date == date && v.ID != self {
			return true
		}
	}
	return false
}

// visit creates a visit in both, or checks that the store refuses it as a
// conflict when the model says the animal is elsewhere that day. It
// returns false if there was a conflict.
func (w *world) visit(date zootour.Date, zooID, animalID int64) (zootour.Visit, bool) {
	w.t.Helper()
	v, err := w.s.CreateVisit(w.t.Context(), zootour.Visit{Date: date, ZooID: zooID, AnimalID: animalID})
	if w.taken(animalID, date, 0) {
		code(w.t, "CreateVisit of an animal with a visit that day", err, zootour.ECONFLICT)
		return v, false
	}
	if err != nil {
		w.t.Fatalf("CreateVisit(%s, zoo %d, animal %d): %v", date, zooID, animalID, err)
	}
	if want := (zootour.Visit{ID: v.ID, Date: date, ZooID: zooID, AnimalID: animalID}); v != want {
		w.t.Fatalf("CreateVisit = %+v, want %+v", v, want)
	}
	w.m.AddVisit(v)
	return v, true
}

// updateVisit applies u in both, or checks that the store refuses it.
func (w *world) updateVisit(id int64, u zootour.VisitUpdate) {
	w.t.Helper()
	got, err := w.s.UpdateVisit(w.t.Context(), id, u)
	i := slices.IndexFunc(w.m.Visits, func(v zootour.Visit) bool { return v.ID == id })
	want, _ := u.Apply(w.m.Visits[i])
	if w.taken(want.AnimalID, want.Date, id) {
		code(w.t, "UpdateVisit onto a taken date", err, zootour.ECONFLICT)
		return
	}
	if err != nil || got != want {
		w.t.Fatalf("UpdateVisit(%d, %+v) = %+v, %v; want %+v", id, u, got, err, want)
	}
	w.m.Visits[i] = want
}

func (w *world) deleteVisit(id int64) {
	w.t.Helper()
	noErr(w.t, w.s.DeleteVisit(w.t.Context(), id))
	w.m.DeleteVisit(id)
}

func (w *world) zooIDs() []int64    { return slices.Sorted(maps.Keys(w.m.Zoos)) }
func (w *world) animalIDs() []int64 { return slices.Sorted(maps.Keys(w.m.Animals)) }

// fill adds zoos, animals and visits at random, the visits on dates from
// start to start+days-1, so that dates repeat and some visits conflict.
func (w *world) fill(r *rand.Rand, zoos, animals, visits, days int, start zootour.Date) {
	w.t.Helper()
	for i := range zoos {
		w.zoo("Zoo "+string(rune('A'+i%26)), "Town")
	}
	for i := range animals {
		w.animal("Animal "+string(rune('a'+i%26)), "Species")
	}
	zs, as := w.zooIDs(), w.animalIDs()
	for range visits {
		w.visit(start.AddDays(r.IntN(days)), pick(r, zs), pick(r, as))
	}
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// A row is one entry of any relationship listing, so that the four
// listings can be checked by the same code.
type row struct {
	Pos    zootour.Position
	Visit  zootour.Visit
	Zoo    zootour.Zoo
	Animal zootour.Animal
}

func visitRows(vs []zootour.Visit) []row {
	rows := make([]row, len(vs))
	for i, v := range vs {
		rows[i] = row{Pos: v.Position(), Visit: v}
	}
	return rows
}

func zooAnimalRows(es []zootour.ZooAnimal) []row {
	rows := make([]row, len(es))
	for i, e := range es {
		rows[i] = row{Pos: e.Position(), Animal: e.Animal}
	}
	return rows
}

func animalZooRows(es []zootour.AnimalZoo) []row {
	rows := make([]row, len(es))
	for i, e := range es {
		rows[i] = row{Pos: e.Position(), Zoo: e.Zoo}
	}
	return rows
}

// A lister is one of the four relationship listings, in the store and in
// the model.
type lister struct {
	name     string
	ofZoo    bool // a zoo's listing, else an animal's
	distinct bool // Query.Distinct matters
	get      func(ctx context.Context, s zootour.Store, id int64, q zootour.Query) ([]row, error)
	model    func(m *teaching.Model, id int64, q zootour.Query) []row
}

var listers = []lister{
	{"ZooVisits", true, false,
		func(ctx context.Context, s zootour.Store, id int64, q zootour.Query) ([]row, error) {
			vs, err := s.ZooVisits(ctx, id, q)
			return visitRows(vs), err
		},
		func(m *teaching.Model, id int64, q zootour.Query) []row { return visitRows(m.ZooVisits(id, q)) }},
	{"ZooAnimals", true, true,
		func(ctx context.Context, s zootour.Store, id int64, q zootour.Query) ([]row, error) {
			es, err := s.ZooAnimals(ctx, id, q)
			return zooAnimalRows(es), err
		},
		func(m *teaching.Model, id int64, q zootour.Query) []row { return zooAnimalRows(m.ZooAnimals(id, q)) }},
	{"AnimalVisits", false, false,
		func(ctx context.Context, s zootour.Store, id int64, q zootour.Query) ([]row, error) {
			vs, err := s.AnimalVisits(ctx, id, q)
			return visitRows(vs), err
		},
		func(m *teaching.Model, id int64, q zootour.Query) []row { return visitRows(m.AnimalVisits(id, q)) }},
	{"AnimalZoos", false, true,
		func(ctx context.Context, s zootour.Store, id int64, q zootour.Query) ([]row, error) {
			es, err := s.AnimalZoos(ctx, id, q)
			return animalZooRows(es), err
		},
		func(m *teaching.Model, id int64, q zootour.Query) []row { return animalZooRows(m.AnimalZoos(id, q)) }},
}

// owners returns the IDs whose listings l lists: zoos or animals.
func (w *world) owners(l lister) []int64 {
	if l.ofZoo {
		return w.zooIDs()
	}
	return w.animalIDs()
}

// want returns what the store must answer for l(id, q): the model's full
// listing, then q's cursor and limit applied to it.
func (w *world) want(l lister, id int64, q zootour.Query) []row {
	after, limit := q.After, q.Limit
	q.After, q.Limit = zootour.Position{}, 0
	all := l.model(w.m, id, q)
	if !after.IsZero() {
		i := 0
		for i < len(all) && !after.Less(all[i].Pos) {
			i++
		}
		all = all[i:]
	}
	if limit > 0 && len(all) > limit {
		all = all[:limit]
	}
	return all
}

// check compares the store's answer to l(id, q) with the model's.
func (w *world) check(l lister, id int64, q zootour.Query) bool {
	w.t.Helper()
	got, err := l.get(w.t.Context(), w.s, id, q)
	if err != nil {
		w.t.Errorf("%s(%d, %+v): %v", l.name, id, q, err)
		return false
	}
	if d := diff(w.want(l, id, q), got); d != "" {
		w.t.Errorf("%s(%d, %+v) (-want +got):\n%s", l.name, id, q, d)
		return false
	}
	return true
}

// walk pages through l(id, q) limit entries at a time, following the
// position of each page's last entry, and returns the entries of all pages.
func (w *world) walk(l lister, id int64, q zootour.Query, limit int) []row {
	w.t.Helper()
	var all []row
	q.Limit = limit
	for pages := 0; ; pages++ {
		page, err := l.get(w.t.Context(), w.s, id, q)
		if err != nil {
			w.t.Fatalf("%s(%d, %+v): %v", l.name, id, q, err)
		}
		if len(page) > limit {
			w.t.Fatalf("%s(%d, %+v) gave %d entries, more than the limit", l.name, id, q, len(page))
		}
		all = append(all, page...)
		if len(page) < limit {
			return all
		}
		if pages > 100000 {
			w.t.Fatalf("%s(%d, %+v): paging does not end", l.name, id, q)
		}
		q.After = page[len(page)-1].Pos
	}
}
