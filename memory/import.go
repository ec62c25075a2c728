package memory

import (
	"cmp"
	"context"
	"iter"
	"slices"

	"github.com/zootour/zootour"
)

// batch holds the records of an import, in the order of their source.
type batch struct {
	zoos    []zootour.Zoo
	animals []zootour.Animal
	visits  []zootour.Visit
}

// Import adds the records of src with the IDs they carry, all or nothing.
// It fails at the first record, in src's order, that is bad, refers to a
// record that does not exist or conflicts, as if the records were written
// one by one; nothing is changed until every record has passed.
func (s *Store) Import(ctx context.Context, src zootour.Source) error {
	// Reading src may be slow (it may parse files), so it happens before the
	// lock is taken, with the checks a record passes on its own. readErr is
	// at the first record that failed them; every record before it is in b.
	b, readErr := read(src)
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// A record before readErr may still fail against the store or the
	// records before it, and then it is the one to report.
	if err := s.check(b); err != nil {
		return err
	}
	if readErr != nil {
		return readErr
	}
	s.apply(b)
	return nil
}

func read(src zootour.Source) (b batch, err error) {
	b.zoos, err = readKind(src.Zoos, "zoos", func(z zootour.Zoo) (zootour.Zoo, error) {
		if err := zootour.CheckID("id", z.ID); err != nil {
			return z, err
		}
		return z, z.Validate()
	})
	if err != nil {
		return b, err
	}
	b.animals, err = readKind(src.Animals, "animals", func(a zootour.Animal) (zootour.Animal, error) {
		if err := zootour.CheckID("id", a.ID); err != nil {
			return a, err
		}
		return a, a.Validate()
	})
	if err != nil {
		return b, err
	}
	b.visits, err = readKind(src.Visits, "visits", func(v zootour.Visit) (zootour.Visit, error) {
		if err := zootour.CheckID("id", v.ID); err != nil {
			return v, err
		}
		return v, v.Validate()
	})
	return b, err
}

// readKind collects the records of seq (nil counts as empty) up to the
// first that yields an error or fails check, which returns the record
// cleaned.
func readKind[T any](seq iter.Seq2[T, error], kind string, check func(T) (T, error)) ([]T, error) {
	if seq == nil {
		return nil, nil
	}
	var out []T
	n := 0
	for r, err := range seq {
		if err != nil {
			return out, err // the source's own error, which knows where it is
		}
		n++
		if r, err = check(r); err != nil {
			return out, recordError(kind, n, err)
		}
		out = append(out, r)
	}
	return out, nil
}

func recordError(kind string, n int, err error) error {
	return &zootour.RecordError{Kind: kind, Record: n, Err: err}
}

// firstRepeat returns the position of the first of n records whose key, as
// compared by cmpKey, an earlier record already has; -1 if there is none.
// It sorts positions rather than filling a map, to keep a large import lean.
func firstRepeat(n int, cmpKey func(i, j int) int) int {
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int {
		if c := cmpKey(int(a), int(b)); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	first := -1
	for k := 1; k < n; k++ {
		if i := int(idx[k]); cmpKey(int(idx[k-1]), i) == 0 && (first < 0 || i < first) {
			first = i
		}
	}
	return first
}

// check returns a *RecordError for the first record of b, in order, that
// conflicts with the store or an earlier record of b or names a zoo or an
// animal that neither holds.
func (s *Store) check(b batch) error {
	newZoos := make(map[int64]bool, len(b.zoos))
	for i, z := range b.zoos {
		if s.zoos[z.ID] != nil || newZoos[z.ID] {
			return recordError("zoos", i+1, zootour.IDTaken("zoo", z.ID))
		}
		newZoos[z.ID] = true
	}
	newAnimals := make(map[int64]bool, len(b.animals))
	for i, a := range b.animals {
		if s.animals[a.ID] != nil || newAnimals[a.ID] {
			return recordError("animals", i+1, zootour.IDTaken("animal", a.ID))
		}
		newAnimals[a.ID] = true
	}

	vs := b.visits
	// Repeats among the visits themselves: an ID, or an animal and a date.
	end, repeat := len(vs), error(nil)
	if i := firstRepeat(len(vs), func(i, j int) int { return cmp.Compare(vs[i].ID, vs[j].ID) }); i >= 0 {
		end, repeat = i, zootour.IDTaken("visit", vs[i].ID)
	}
	if i := firstRepeat(len(vs), func(i, j int) int {
		return cmp.Or(cmp.Compare(vs[i].AnimalID, vs[j].AnimalID), vs[i].Date.Compare(vs[j].Date))
	}); i >= 0 && i < end {
		end, repeat = i, zootour.DateTaken(vs[i].AnimalID, vs[i].Date)
	}
	// Everything else, record by record, up to the first repeat.
	for i, v := range vs[:end] {
		if err := s.checkImported(v, newZoos, newAnimals); err != nil {
			return recordError("visits", i+1, err)
		}
	}
	if repeat != nil {
		// The repeated record's own faults come first, in the order a
		// single record is checked (ID, zoo, animal, date), as elsewhere.
		if err := s.checkImported(vs[end], newZoos, newAnimals); err != nil {
			repeat = err
		}
		return recordError("visits", end+1, repeat)
	}
	return nil
}

func (s *Store) checkImported(v zootour.Visit, newZoos, newAnimals map[int64]bool) error {
	if _, taken := search(s.visits, v.ID); taken {
		return zootour.IDTaken("visit", v.ID)
	}
	if s.zoos[v.ZooID] == nil && !newZoos[v.ZooID] {
		return zootour.Missing("zoo", v.ZooID)
	}
	a := s.animals[v.AnimalID]
	if a == nil && !newAnimals[v.AnimalID] {
		return zootour.Missing("animal", v.AnimalID)
	}
	if a != nil {
		if w := a.on(v.Date); w != nil {
			return zootour.DateTaken(v.AnimalID, v.Date)
		}
	}
	return nil
}

func byKey[R keyed](a, b R) int { return cmp.Compare(a.key(), b.key()) }

// apply adds the records of b, which passed check. Indexes get every new
// visit appended and are then sorted once, which for a large import is far
// cheaper than inserting visits one by one into sorted slices.
func (s *Store) apply(b batch) {
	if len(b.zoos) > 0 {
		recs := make([]*zooRec, len(b.zoos))
		for i, z := range b.zoos {
			recs[i] = &zooRec{Zoo: z}
			s.zoos[z.ID] = recs[i]
		}
		slices.SortFunc(recs, byKey)
		s.zooIDs = merge(s.zooIDs, recs)
		s.lastZoo = max(s.lastZoo, recs[len(recs)-1].ID)
	}
	if len(b.animals) > 0 {
		recs := make([]*animalRec, len(b.animals))
		for i, a := range b.animals {
			recs[i] = &animalRec{Animal: a}
			s.animals[a.ID] = recs[i]
		}
		slices.SortFunc(recs, byKey)
		s.animalIDs = merge(s.animalIDs, recs)
		s.lastAnimal = max(s.lastAnimal, recs[len(recs)-1].ID)
	}
	if len(b.visits) == 0 {
		return
	}
	// One block for all the new visits: one allocation instead of a million.
	block := make([]visit, len(b.visits))
	vs := make([]*visit, len(b.visits))
	zoos := map[*zooRec]bool{}
	animals := map[*animalRec]bool{}
	for i, v := range b.visits {
		w := &block[i]
		*w = visit{id: v.ID, zoo: v.ZooID, animal: v.AnimalID, date: v.Date}
		vs[i] = w
		z, a := s.zoos[v.ZooID], s.animals[v.AnimalID]
		w.zr, w.ar = z, a
		z.visits = append(z.visits, w)
		a.visits = append(a.visits, w)
		zoos[z], animals[a] = true, true
	}
	for z := range zoos {
		slices.SortFunc(z.visits, byPos)
	}
	last := map[int64]zootour.Date{} // per zoo, the date of the animal's latest visit so far
	for a := range animals {
		slices.SortFunc(a.visits, byPos)
		a.chain()
		clear(last)
		for _, v := range a.visits {
			v.prevPair = last[v.zoo]
			last[v.zoo] = v.date
		}
	}
	slices.SortFunc(vs, byKey)
	s.visits = merge(s.visits, vs)
	s.lastVisit = max(s.lastVisit, vs[len(vs)-1].id)
}
