package bench

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/teaching"
)

// Where and when, first pages. The stays table is meant to make a page of
// a where-and-when question cost about what a page of visits costs,
// however long the history behind it: the first page of the busy
// animal's contacts at most ten times the first page of its visits, and
// the first page of the census, and of who was at the busy zoo on a date
// or during a year, at most ten times the first page of that zoo's visits.
// So each question is timed beside its unit, all their samples alternating
// (Timer.TimeEach, as the pages are), and the report gives each as a
// multiple of its unit.

// firstPageTarget is how many times its unit a first page may cost.
const firstPageTarget = 10.0

// The units: the first pages of the busy animal's and zoo's visits.
const (
	unitAnimalVisits = "animal visits"
	unitZooVisits    = "zoo visits"
)

// A FirstPageRow is one first-page question at one size, or a unit.
type FirstPageRow struct {
	Question string // "animal contacts", "zoo present on a date"
	Record   Record
	Asked    string // the call, with its arguments
	// Unit is the Question of the row this one is measured against; empty
	// for a unit.
	Unit   string `json:",omitempty"`
	Rows   int
	Store  map[string]*Timing
	ask    askFunc
	answer any // the teaching model's whole answer, cut to the page
}

// firstPageRows builds the first-page questions of the fixture and their
// units, with the teaching model's answers.
func (f *Fixture) firstPageRows() []*FirstPageRow {
	m := f.Model
	idx := newAnimalIndex(m)
	animal, zoo, census := f.Animals[0], f.Zoos[0], f.Census
	page := zootour.Query{Limit: pageSize}
	var rows []*FirstPageRow
	add := func(r *FirstPageRow) { r.Store = map[string]*Timing{}; r.Rows = size(r.answer); rows = append(rows, r) }

	add(&FirstPageRow{
		Question: unitAnimalVisits, Record: animal,
		Asked:  fmt.Sprintf("AnimalVisits(#%d, limit %d)", animal.ID, pageSize),
		answer: firstPage(m.AnimalVisits(animal.ID, zootour.Query{})),
		ask: func(ctx context.Context, s zootour.Store) (any, error) {
			return s.AnimalVisits(ctx, animal.ID, page)
		},
	})
	add(&FirstPageRow{
		Question: "animal contacts", Record: animal, Unit: unitAnimalVisits,
		Asked:  fmt.Sprintf("AnimalContacts(#%d, limit %d)", animal.ID, pageSize),
		answer: firstContacts(m, idx, animal.ID, pageSize),
		ask: func(ctx context.Context, s zootour.Store) (any, error) {
			return s.AnimalContacts(ctx, animal.ID, zootour.ContactQuery{Limit: pageSize})
		},
	})
	add(&FirstPageRow{
		Question: unitZooVisits, Record: zoo,
		Asked:  fmt.Sprintf("ZooVisits(#%d, limit %d)", zoo.ID, pageSize),
		answer: firstPage(m.ZooVisits(zoo.ID, zootour.Query{})),
		ask: func(ctx context.Context, s zootour.Store) (any, error) {
			return s.ZooVisits(ctx, zoo.ID, page)
		},
	})
	add(&FirstPageRow{
		Question: "census", Record: census, Unit: unitZooVisits,
		Asked:  fmt.Sprintf("Census(on %s, limit %d)", census.On, pageSize),
		answer: firstPage(censusOf(m, idx, census.On)),
		ask: func(ctx context.Context, s zootour.Store) (any, error) {
			return s.Census(ctx, zootour.CensusQuery{On: census.On, Limit: pageSize})
		},
	})
	add(&FirstPageRow{
		Question: "zoo present on a date", Record: zoo, Unit: unitZooVisits,
		Asked:  fmt.Sprintf("ZooPresent(#%d, on %s, limit %d)", zoo.ID, zoo.On, pageSize),
		answer: firstPage(presentDuring(m, zoo.ID, zoo.On, zoo.On)),
		ask: func(ctx context.Context, s zootour.Store) (any, error) {
			return s.ZooPresent(ctx, zoo.ID, zootour.PresentQuery{On: zoo.On, Limit: pageSize})
		},
	})
	year := zootour.PresentQuery{From: zoo.On, To: zoo.On.AddDays(364), Limit: pageSize}
	add(&FirstPageRow{
		Question: "zoo present during a year", Record: zoo, Unit: unitZooVisits,
		Asked:  fmt.Sprintf("ZooPresent(#%d, %s to %s, limit %d)", zoo.ID, year.From, year.To, pageSize),
		answer: firstPage(presentDuring(m, zoo.ID, year.From, year.To)),
		ask: func(ctx context.Context, s zootour.Store) (any, error) {
			return s.ZooPresent(ctx, zoo.ID, year)
		},
	})
	return rows
}

// parts is what timeAlternating needs of a row.
func (r *FirstPageRow) parts() (string, map[string]*Timing, askFunc, any) {
	return r.Asked, r.Store, r.ask, r.answer
}

// firstPageUnit returns the unit of row among rows, or nil.
func firstPageUnit(rows []*FirstPageRow, row *FirstPageRow) *FirstPageRow {
	for _, u := range rows {
		if u.Unit == "" && u.Question == row.Unit {
			return u
		}
	}
	return nil
}

// The teaching model answers the census and an animal's contacts by
// working out every animal's stays from every visit, once per animal or
// once per animal per stay: about 10^13 visits read at 10^7 visits and
// 10^6 animals. But an animal's stays depend on its own visits only, so
// the same rule asked of a model holding only the animals that matter,
// with all their visits, gives the same answer: the whole model's, found
// in time at every size (storetest's near cuts the model down likewise).

// An animalIndex finds an animal's visits in the model without a scan of
// every visit: their positions grouped by animal (a counting sort), 4
// bytes a visit.
type animalIndex struct {
	m     *teaching.Model
	start []int32 // by animal ID: where its positions begin in pos
	pos   []int32 // positions in m.Visits
}

func newAnimalIndex(m *teaching.Model) *animalIndex {
	var top int64
	for _, v := range m.Visits {
		top = max(top, v.AnimalID)
	}
	start := make([]int32, top+2)
	for _, v := range m.Visits {
		start[v.AnimalID+1]++
	}
	for i := 1; i < len(start); i++ {
		start[i] += start[i-1]
	}
	next := slices.Clone(start[:top+1])
	pos := make([]int32, len(m.Visits))
	for i, v := range m.Visits {
		pos[next[v.AnimalID]] = int32(i)
		next[v.AnimalID]++
	}
	return &animalIndex{m: m, start: start, pos: pos}
}

// appendVisits appends the animal's visits to dst.
func (x *animalIndex) appendVisits(dst []zootour.Visit, id int64) []zootour.Visit {
	if id <= 0 || id+1 >= int64(len(x.start)) {
		return dst
	}
	for _, p := range x.pos[x.start[id]:x.start[id+1]] {
		dst = append(dst, x.m.Visits[p])
	}
	return dst
}

// censusOf is the teaching model's Census on a date, asked of one small
// model per animal (the animal and its visits) and summed.
func censusOf(m *teaching.Model, x *animalIndex, on zootour.Date) []zootour.CensusRow {
	one := teaching.New()
	one.Zoos = m.Zoos
	counts := map[zootour.Cursor]int{}
	var buf []zootour.Visit
	for id, a := range m.Animals {
		clear(one.Animals)
		one.Animals[id] = a
		buf = x.appendVisits(buf[:0], id)
		one.Visits = buf
		for _, r := range one.Census(on) {
			counts[r.Cursor()] += r.Count
		}
	}
	out := make([]zootour.CensusRow, 0, len(counts))
	for k, n := range counts {
		out = append(out, zootour.CensusRow{ZooID: k.ID, Species: k.Text, Count: n})
	}
	// The whole model's order, which the sum loses.
	slices.SortFunc(out, func(a, b zootour.CensusRow) int {
		switch {
		case zootour.CensusLess(a.Cursor(), b.Cursor()):
			return -1
		case zootour.CensusLess(b.Cursor(), a.Cursor()):
			return 1
		}
		return 0
	})
	return out
}

// contactBatch is how many other animals each small model of firstContacts
// holds: enough that sorting the animal's own visits, once per model, is
// shared by many, few enough that a model stops soon after the page fills.
const contactBatch = 64

// firstContacts is the first page (limit entries) of the teaching model's
// Contacts of an animal. Only an animal with a visit to one of its zoos can
// be a contact; those are asked in ID order, a batch at a time, each batch
// as a small model of the animal and them with all their visits, whose
// contacts are the whole model's among them. The page is full, and the
// rest need not be asked, once limit have been found.
func firstContacts(m *teaching.Model, x *animalIndex, id int64, limit int) []zootour.Contact {
	mine := x.appendVisits(nil, id)
	zoos := map[int64]bool{}
	for _, v := range mine {
		zoos[v.ZooID] = true
	}
	near := map[int64]bool{}
	for _, v := range m.Visits {
		if v.AnimalID != id && zoos[v.ZooID] {
			near[v.AnimalID] = true
		}
	}
	others := slices.Sorted(maps.Keys(near))
	one := teaching.New()
	one.Zoos = m.Zoos
	out := []zootour.Contact{}
	buf := slices.Clone(mine)
	for len(others) > 0 && len(out) < limit {
		batch := others[:min(contactBatch, len(others))]
		others = others[len(batch):]
		clear(one.Animals)
		one.Animals[id] = m.Animals[id]
		buf = buf[:len(mine)]
		for _, o := range batch {
			one.Animals[o] = m.Animals[o]
			buf = x.appendVisits(buf, o)
		}
		one.Visits = buf
		out = append(out, one.Contacts(id, zootour.ContactQuery{})...)
	}
	return out[:min(limit, len(out))]
}
