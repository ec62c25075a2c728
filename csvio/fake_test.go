package csvio

import (
	"context"
	"maps"
	"slices"
	"sync"

	"github.com/zootour/zootour"
)

// fakeStore is a small store that implements only what csvio uses: Import
// (all or nothing, with the RecordErrors a real store returns), Export and
// Counts. It reports a visit's missing zoo or animal only after reading
// every visit, as a database checking foreign keys at commit would, so that
// csvio has to find the line of an earlier record. It honours DryRun.
type fakeStore struct {
	zootour.Store // nil: any other method panics

	mu      sync.Mutex
	zoos    map[int64]zootour.Zoo
	animals map[int64]zootour.Animal
	visits  map[int64]zootour.Visit
}

func newFake() *fakeStore {
	return &fakeStore{zoos: map[int64]zootour.Zoo{}, animals: map[int64]zootour.Animal{}, visits: map[int64]zootour.Visit{}}
}

func recordErr(kind string, n int, code, format string, args ...any) error {
	return &zootour.RecordError{Kind: kind, Record: n, Err: zootour.Errorf(code, format, args...)}
}

func (s *fakeStore) Import(ctx context.Context, src zootour.Source) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	zoos, animals, visits := maps.Clone(s.zoos), maps.Clone(s.animals), maps.Clone(s.visits)
	n := 0
	for z, err := range src.Zoos {
		if err != nil {
			return err
		}
		n++
		if err := z.Validate(); err != nil {
			return &zootour.RecordError{Kind: "zoos", Record: n, Err: err}
		}
		if _, ok := zoos[z.ID]; ok {
			return recordErr("zoos", n, zootour.ECONFLICT, "zoo ID %d is already taken", z.ID)
		}
		zoos[z.ID] = z
	}
	n = 0
	for a, err := range src.Animals {
		if err != nil {
			return err
		}
		n++
		if _, ok := animals[a.ID]; ok {
			return recordErr("animals", n, zootour.ECONFLICT, "animal ID %d is already taken", a.ID)
		}
		animals[a.ID] = a
	}
	type onDate struct {
		animal int64
		date   zootour.Date
	}
	busy := map[onDate]bool{}
	for _, v := range visits {
		busy[onDate{v.AnimalID, v.Date}] = true
	}
	var read []zootour.Visit
	for v, err := range src.Visits {
		if err != nil {
			return err
		}
		n := len(read) + 1
		if _, ok := visits[v.ID]; ok {
			return recordErr("visits", n, zootour.ECONFLICT, "visit ID %d is already taken", v.ID)
		}
		if busy[onDate{v.AnimalID, v.Date}] {
			return recordErr("visits", n, zootour.ECONFLICT, "animal %d already has a visit on %s", v.AnimalID, v.Date)
		}
		busy[onDate{v.AnimalID, v.Date}] = true
		visits[v.ID] = v
		read = append(read, v)
	}
	for i, v := range read {
		if _, ok := zoos[v.ZooID]; !ok {
			return recordErr("visits", i+1, zootour.EINVALID, "zoo %d does not exist", v.ZooID)
		}
		if _, ok := animals[v.AnimalID]; !ok {
			return recordErr("visits", i+1, zootour.EINVALID, "animal %d does not exist", v.AnimalID)
		}
	}
	if !src.DryRun {
		s.zoos, s.animals, s.visits = zoos, animals, visits
	}
	return nil
}

func (s *fakeStore) Export(ctx context.Context, dst zootour.Sink) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range slices.Sorted(maps.Keys(s.zoos)) {
		if err := dst.Zoo(s.zoos[id]); err != nil {
			return err
		}
	}
	for _, id := range slices.Sorted(maps.Keys(s.animals)) {
		if err := dst.Animal(s.animals[id]); err != nil {
			return err
		}
	}
	for _, id := range slices.Sorted(maps.Keys(s.visits)) {
		if err := dst.Visit(s.visits[id]); err != nil {
			return err
		}
	}
	return nil
}

func (s *fakeStore) Counts(ctx context.Context) (zootour.Counts, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return zootour.Counts{Zoos: int64(len(s.zoos)), Animals: int64(len(s.animals)), Visits: int64(len(s.visits))}, nil
}
