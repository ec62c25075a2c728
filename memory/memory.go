// Package memory is an in-memory zootour.Store: the teaching model done
// right.
//
// The visits, held in ID order, are the single source of truth. Each zoo
// and each animal keeps an index of its own visits sorted by (date, ID),
// derived from the visits and kept exact by every write under the same
// lock, so a relationship question costs a binary search to find where its
// window or cursor starts plus one step per visit it walks.
package memory

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"sync"

	"github.com/zootour/zootour"
)

// Store is an in-memory zootour.Store, safe for concurrent use. Its data is
// gone when the process ends.
type Store struct {
	mu sync.RWMutex

	zoos      map[int64]*zooRec
	zooIDs    []*zooRec // by ID
	animals   map[int64]*animalRec
	animalIDs []*animalRec // by ID
	visits    []*visit     // by ID: the truth the indexes are derived from

	// The highest IDs ever used, so that IDs are never reused after a delete.
	lastZoo, lastAnimal, lastVisit int64
}

var _ zootour.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{zoos: map[int64]*zooRec{}, animals: map[int64]*animalRec{}}
}

type zooRec struct {
	zootour.Zoo
	visits []*visit // by (date, ID)
}

type animalRec struct {
	zootour.Animal
	visits []*visit // by date: an animal has at most one visit per date
}

// A visit's record fields are never changed once indexed (an update
// replaces the visit), only its links (prevPair, prev, next), which Export
// does not read. That lets Export read a snapshot of the pointers without
// holding the lock.
type visit struct {
	id, zoo, animal int64
	date            zootour.Date
	// prev and next are the animal's visits just before and after this one
	// (nil at either end). A stay is a run of visits linked this way at one
	// zoo, and a visit is its animal's latest on a date d exactly when next
	// is nil or after d, so the where-and-when questions need no search.
	prev, next *visit
	// prevPair is the date of the previous visit of the same animal to the
	// same zoo, zero if there is none. The visit is its pair's first in a
	// window exactly when prevPair falls before the window, which is what a
	// distinct listing needs to know, in either direction, without walking
	// from the start of the window.
	prevPair zootour.Date
	// zr and ar are the visit's zoo and animal, so that a listing reads
	// them without a map lookup per entry. They stay right because a
	// record is changed in place and outlives its visits.
	zr *zooRec
	ar *animalRec
}

func (v *visit) public() zootour.Visit {
	return zootour.Visit{ID: v.id, Date: v.date, ZooID: v.zoo, AnimalID: v.animal}
}

func (v *visit) pos() zootour.Position { return zootour.Position{Date: v.date, ID: v.id} }

// firstIn reports whether v is the first visit of its (zoo, animal) pair in
// a window starting at from (zero for an open start); v itself is assumed
// to be in the window.
func (v *visit) firstIn(from zootour.Date) bool {
	return v.prevPair.IsZero() || v.prevPair.Before(from)
}

type keyed interface{ key() int64 }

func (r *zooRec) key() int64    { return r.ID }
func (r *animalRec) key() int64 { return r.ID }
func (v *visit) key() int64     { return v.id }

// search finds id in rows sorted by key: its position, or where it would go.
func search[R keyed](rows []R, id int64) (int, bool) {
	return slices.BinarySearchFunc(rows, id, func(r R, id int64) int { return cmp.Compare(r.key(), id) })
}

// page returns the rows after p.After, at most p.Limit of them.
func page[R keyed, T any](rows []R, p zootour.Page, conv func(R) T) ([]T, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	i, found := search(rows, p.After)
	if found {
		i++
	}
	rows = rows[i:]
	if p.Limit > 0 && len(rows) > p.Limit {
		rows = rows[:p.Limit]
	}
	out := make([]T, len(rows))
	for k, r := range rows {
		out[k] = conv(r)
	}
	return out, nil
}

// insertSorted adds r to rows sorted by key; r's key is new.
func insertSorted[R keyed](rows []R, r R) []R {
	if n := len(rows); n == 0 || rows[n-1].key() < r.key() {
		return append(rows, r) // the usual case: a new ID is the highest
	}
	i, _ := search(rows, r.key())
	return slices.Insert(rows, i, r)
}

// merge returns the union of two slices sorted by key with no key in both.
func merge[R keyed](a, b []R) []R {
	if len(a) == 0 || len(b) == 0 || a[len(a)-1].key() < b[0].key() {
		return append(a, b...)
	}
	out := make([]R, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0].key() < b[0].key() {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// without returns rows minus gone, both sorted by key, in one pass.
func without[R keyed](rows, gone []R) []R {
	if len(gone) == 0 {
		return rows
	}
	i, _ := search(rows, gone[0].key())
	out := rows[:i]
	for _, r := range rows[i:] {
		if len(gone) > 0 && r.key() == gone[0].key() {
			gone = gone[1:]
			continue
		}
		out = append(out, r)
	}
	clear(rows[len(out):]) // let the removed go
	return out
}

func nextID(last *int64, what string) (int64, error) {
	if *last == math.MaxInt64 {
		return 0, fmt.Errorf("memory: no %s IDs left", what)
	}
	*last++
	return *last, nil
}

// byPos orders visits by (date, ID), the order of every relationship listing.
func byPos(a, b *visit) int {
	if c := a.date.Compare(b.date); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

// insertVisit adds v to vs sorted by (date, ID) and returns its position.
func insertVisit(vs []*visit, v *visit) ([]*visit, int) {
	i := sort.Search(len(vs), func(k int) bool { return byPos(v, vs[k]) < 0 })
	return slices.Insert(vs, i, v), i
}

// indexOf returns the position of v in vs sorted by (date, ID).
func indexOf(vs []*visit, v *visit) int {
	i, found := slices.BinarySearchFunc(vs, v, byPos)
	if !found || vs[i] != v {
		panic("memory: index out of step with visits")
	}
	return i
}

// link sets the links of the visit at a.visits[i], just inserted, and of
// its neighbours: prev and next, and the prevPair of the visit and of the
// next visit of the same pair, which now follows it.
func (a *animalRec) link(i int) {
	v := a.visits[i]
	v.prev, v.next = nil, nil
	if i > 0 {
		v.prev = a.visits[i-1]
		v.prev.next = v
	}
	if i+1 < len(a.visits) {
		v.next = a.visits[i+1]
		v.next.prev = v
	}
	v.prevPair = zootour.Date{}
	for k := i - 1; k >= 0; k-- {
		if a.visits[k].zoo == v.zoo {
			v.prevPair = a.visits[k].date
			break
		}
	}
	for _, w := range a.visits[i+1:] {
		if w.zoo == v.zoo {
			w.prevPair = v.date
			break
		}
	}
}

// unlink joins the neighbours of a.visits[i], about to be removed, and
// hands its prevPair on to the next visit of the same pair.
func (a *animalRec) unlink(i int) {
	v := a.visits[i]
	if v.prev != nil {
		v.prev.next = v.next
	}
	if v.next != nil {
		v.next.prev = v.prev
	}
	v.prev, v.next = nil, nil
	for _, w := range a.visits[i+1:] {
		if w.zoo == v.zoo {
			w.prevPair = v.prevPair
			break
		}
	}
}

// chain sets prev and next along all of a.visits, after a change of many.
func (a *animalRec) chain() {
	var prev *visit
	for _, v := range a.visits {
		v.prev = prev
		if prev != nil {
			prev.next = v
		}
		prev = v
	}
	if prev != nil {
		prev.next = nil
	}
}

// on returns the animal's visit on date d, or nil.
func (a *animalRec) on(d zootour.Date) *visit {
	i := sort.Search(len(a.visits), func(k int) bool { return !a.visits[k].date.Before(d) })
	if i < len(a.visits) && a.visits[i].date == d {
		return a.visits[i]
	}
	return nil
}

// index adds v, already in s.visits, to the indexes of its zoo and animal.
func (s *Store) index(v *visit) {
	z, a := s.zoos[v.zoo], s.animals[v.animal]
	v.zr, v.ar = z, a
	z.visits, _ = insertVisit(z.visits, v)
	var i int
	a.visits, i = insertVisit(a.visits, v)
	a.link(i)
}

// unindex removes v from the indexes of its zoo and animal.
func (s *Store) unindex(v *visit) {
	z, a := s.zoos[v.zoo], s.animals[v.animal]
	i := indexOf(z.visits, v)
	z.visits = slices.Delete(z.visits, i, i+1)
	i = indexOf(a.visits, v)
	a.unlink(i)
	a.visits = slices.Delete(a.visits, i, i+1)
}

// CreateZoo validates z, stores it with a new ID and returns it.
func (s *Store) CreateZoo(ctx context.Context, z zootour.Zoo) (zootour.Zoo, error) {
	if err := z.Validate(); err != nil {
		return zootour.Zoo{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := nextID(&s.lastZoo, "zoo")
	if err != nil {
		return zootour.Zoo{}, err
	}
	z.ID = id
	r := &zooRec{Zoo: z}
	s.zoos[id] = r
	s.zooIDs = insertSorted(s.zooIDs, r)
	return z, nil
}

func (s *Store) zoo(id int64) (*zooRec, error) {
	if err := zootour.CheckID("zoo ID", id); err != nil {
		return nil, err
	}
	if r := s.zoos[id]; r != nil {
		return r, nil
	}
	return nil, zootour.NotFound("zoo", id)
}

// Zoo returns the zoo with the given ID.
func (s *Store) Zoo(ctx context.Context, id int64) (zootour.Zoo, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, err := s.zoo(id)
	if err != nil {
		return zootour.Zoo{}, err
	}
	return r.Zoo, nil
}

// UpdateZoo changes the fields set in u and returns the zoo.
func (s *Store) UpdateZoo(ctx context.Context, id int64, u zootour.ZooUpdate) (zootour.Zoo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.zoo(id)
	if err != nil {
		return zootour.Zoo{}, err
	}
	z, err := u.Apply(r.Zoo)
	if err != nil {
		return zootour.Zoo{}, err
	}
	r.Zoo = z
	return z, nil
}

// DeleteZoo removes a zoo, and its visits if cascade is set.
func (s *Store) DeleteZoo(ctx context.Context, id int64, cascade bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.zoo(id)
	if err != nil {
		return err
	}
	if len(r.visits) > 0 {
		if !cascade {
			return zootour.HasVisits("zoo", id)
		}
		// Every visit of each pair (this zoo, an animal) goes, so no other
		// visit's prevPair changes.
		done := map[int64]bool{}
		for _, v := range r.visits {
			if !done[v.animal] {
				done[v.animal] = true
				a := s.animals[v.animal]
				a.visits = slices.DeleteFunc(a.visits, func(w *visit) bool { return w.zoo == id })
				a.chain()
			}
		}
		s.visits = without(s.visits, sortedByID(r.visits))
	}
	delete(s.zoos, id)
	i, _ := search(s.zooIDs, id)
	s.zooIDs = slices.Delete(s.zooIDs, i, i+1)
	return nil
}

func sortedByID(vs []*visit) []*visit {
	vs = slices.Clone(vs)
	slices.SortFunc(vs, func(a, b *visit) int { return cmp.Compare(a.id, b.id) })
	return vs
}

// Zoos lists zoos by ID.
func (s *Store) Zoos(ctx context.Context, p zootour.Page) ([]zootour.Zoo, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return page(s.zooIDs, p, func(r *zooRec) zootour.Zoo { return r.Zoo })
}

// CreateAnimal validates a, stores it with a new ID and returns it.
func (s *Store) CreateAnimal(ctx context.Context, a zootour.Animal) (zootour.Animal, error) {
	if err := a.Validate(); err != nil {
		return zootour.Animal{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := nextID(&s.lastAnimal, "animal")
	if err != nil {
		return zootour.Animal{}, err
	}
	a.ID = id
	r := &animalRec{Animal: a}
	s.animals[id] = r
	s.animalIDs = insertSorted(s.animalIDs, r)
	return a, nil
}

func (s *Store) animal(id int64) (*animalRec, error) {
	if err := zootour.CheckID("animal ID", id); err != nil {
		return nil, err
	}
	if r := s.animals[id]; r != nil {
		return r, nil
	}
	return nil, zootour.NotFound("animal", id)
}

// Animal returns the animal with the given ID.
func (s *Store) Animal(ctx context.Context, id int64) (zootour.Animal, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, err := s.animal(id)
	if err != nil {
		return zootour.Animal{}, err
	}
	return r.Animal, nil
}

// UpdateAnimal changes the fields set in u and returns the animal.
func (s *Store) UpdateAnimal(ctx context.Context, id int64, u zootour.AnimalUpdate) (zootour.Animal, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.animal(id)
	if err != nil {
		return zootour.Animal{}, err
	}
	a, err := u.Apply(r.Animal)
	if err != nil {
		return zootour.Animal{}, err
	}
	r.Animal = a
	return a, nil
}

// DeleteAnimal removes an animal, and its visits if cascade is set.
func (s *Store) DeleteAnimal(ctx context.Context, id int64, cascade bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.animal(id)
	if err != nil {
		return err
	}
	if len(r.visits) > 0 {
		if !cascade {
			return zootour.HasVisits("animal", id)
		}
		done := map[int64]bool{}
		for _, v := range r.visits {
			if !done[v.zoo] {
				done[v.zoo] = true
				z := s.zoos[v.zoo]
				z.visits = slices.DeleteFunc(z.visits, func(w *visit) bool { return w.animal == id })
			}
		}
		s.visits = without(s.visits, sortedByID(r.visits))
	}
	delete(s.animals, id)
	i, _ := search(s.animalIDs, id)
	s.animalIDs = slices.Delete(s.animalIDs, i, i+1)
	return nil
}

// Animals lists animals by ID.
func (s *Store) Animals(ctx context.Context, p zootour.Page) ([]zootour.Animal, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return page(s.animalIDs, p, func(r *animalRec) zootour.Animal { return r.Animal })
}

// checkVisit checks v against the store: its zoo and animal exist, and its
// animal has no other visit (than the one with ID self) on its date.
func (s *Store) checkVisit(v zootour.Visit, self int64) error {
	if s.zoos[v.ZooID] == nil {
		return zootour.Missing("zoo", v.ZooID)
	}
	a := s.animals[v.AnimalID]
	if a == nil {
		return zootour.Missing("animal", v.AnimalID)
	}
	if w := a.on(v.Date); w != nil && w.id != self {
		return zootour.DateTaken(v.AnimalID, v.Date)
	}
	return nil
}

// CreateVisit validates v, stores it with a new ID and returns it.
func (s *Store) CreateVisit(ctx context.Context, v zootour.Visit) (zootour.Visit, error) {
	if err := v.Validate(); err != nil {
		return zootour.Visit{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkVisit(v, 0); err != nil {
		return zootour.Visit{}, err
	}
	id, err := nextID(&s.lastVisit, "visit")
	if err != nil {
		return zootour.Visit{}, err
	}
	v.ID = id
	w := &visit{id: id, zoo: v.ZooID, animal: v.AnimalID, date: v.Date}
	s.visits = insertSorted(s.visits, w)
	s.index(w)
	return v, nil
}

func (s *Store) visit(id int64) (int, error) {
	if err := zootour.CheckID("visit ID", id); err != nil {
		return 0, err
	}
	i, found := search(s.visits, id)
	if !found {
		return 0, zootour.NotFound("visit", id)
	}
	return i, nil
}

// Visit returns the visit with the given ID.
func (s *Store) Visit(ctx context.Context, id int64) (zootour.Visit, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	i, err := s.visit(id)
	if err != nil {
		return zootour.Visit{}, err
	}
	return s.visits[i].public(), nil
}

// UpdateVisit changes the fields set in u and returns the visit.
func (s *Store) UpdateVisit(ctx context.Context, id int64, u zootour.VisitUpdate) (zootour.Visit, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, err := s.visit(id)
	if err != nil {
		return zootour.Visit{}, err
	}
	old := s.visits[i]
	v, err := u.Apply(old.public())
	if err != nil {
		return zootour.Visit{}, err
	}
	if err := s.checkVisit(v, id); err != nil {
		return zootour.Visit{}, err
	}
	// A new visit in place of the old keeps visits immutable for Export.
	s.unindex(old)
	w := &visit{id: id, zoo: v.ZooID, animal: v.AnimalID, date: v.Date}
	s.visits[i] = w
	s.index(w)
	return v, nil
}

// DeleteVisit removes a visit.
func (s *Store) DeleteVisit(ctx context.Context, id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	i, err := s.visit(id)
	if err != nil {
		return err
	}
	s.unindex(s.visits[i])
	s.visits = slices.Delete(s.visits, i, i+1)
	return nil
}

// Visits lists every visit by ID.
func (s *Store) Visits(ctx context.Context, p zootour.Page) ([]zootour.Visit, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return page(s.visits, p, (*visit).public)
}

// window returns the visits of vs (sorted by (date, ID)) in q's window
// and after its cursor, each found by a binary search.
func window(vs []*visit, q zootour.Query) []*visit {
	i, j := 0, len(vs)
	if !q.From.IsZero() {
		i = sort.Search(len(vs), func(k int) bool { return !vs[k].date.Before(q.From) })
	}
	if !q.After.IsZero() {
		// A distinct listing's cursor is the position of its last entry's
		// first visit, so it resumes from the same place.
		i = max(i, sort.Search(len(vs), func(k int) bool { return q.After.Less(vs[k].pos()) }))
	}
	if !q.To.IsZero() {
		j = sort.Search(len(vs), func(k int) bool { return vs[k].date.After(q.To) })
	}
	return vs[i:max(i, j)]
}

// list converts the visits of vs (sorted by (date, ID)) that q selects: in
// its window, after its cursor, at most q.Limit of them, and with distinct
// only each pair's first visit in the window. The answer is allocated once,
// at its final size.
func list[T any](vs []*visit, q zootour.Query, distinct bool, conv func(*visit) T) []T {
	vs = window(vs, q)
	if !distinct {
		if q.Limit > 0 && len(vs) > q.Limit {
			vs = vs[:q.Limit]
		}
		out := make([]T, len(vs))
		for k, v := range vs {
			out[k] = conv(v)
		}
		return out
	}
	// Counting the pairs' first visits first costs a read of prevPair per
	// visit, far less than growing an answer of large entries by appending.
	n := 0
	for _, v := range vs {
		if v.firstIn(q.From) {
			if n++; n == q.Limit {
				break
			}
		}
	}
	out := make([]T, 0, n)
	for _, v := range vs {
		if len(out) == n {
			break
		}
		if v.firstIn(q.From) {
			out = append(out, conv(v))
		}
	}
	return out
}

// ZooVisits lists a zoo's visits by date, then ID.
func (s *Store) ZooVisits(ctx context.Context, zooID int64, q zootour.Query) ([]zootour.Visit, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	z, err := s.zoo(zooID)
	if err != nil {
		return nil, err
	}
	return list(z.visits, q, false, (*visit).public), nil
}

// ZooAnimals lists the animals of a zoo's visits.
func (s *Store) ZooAnimals(ctx context.Context, zooID int64, q zootour.Query) ([]zootour.ZooAnimal, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	z, err := s.zoo(zooID)
	if err != nil {
		return nil, err
	}
	return list(z.visits, q, q.Distinct, func(v *visit) zootour.ZooAnimal {
		return zootour.ZooAnimal{Animal: v.ar.Animal, VisitID: v.id, Date: v.date}
	}), nil
}

// AnimalVisits lists an animal's visits by date, then ID.
func (s *Store) AnimalVisits(ctx context.Context, animalID int64, q zootour.Query) ([]zootour.Visit, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, err := s.animal(animalID)
	if err != nil {
		return nil, err
	}
	return list(a.visits, q, false, (*visit).public), nil
}

// AnimalZoos lists the zoos of an animal's visits.
func (s *Store) AnimalZoos(ctx context.Context, animalID int64, q zootour.Query) ([]zootour.AnimalZoo, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, err := s.animal(animalID)
	if err != nil {
		return nil, err
	}
	return list(a.visits, q, q.Distinct, func(v *visit) zootour.AnimalZoo {
		return zootour.AnimalZoo{Zoo: v.zr.Zoo, VisitID: v.id, Date: v.date}
	}), nil
}

// Counts returns how many zoos, animals and visits there are.
func (s *Store) Counts(ctx context.Context) (zootour.Counts, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return zootour.Counts{Zoos: int64(len(s.zooIDs)), Animals: int64(len(s.animalIDs)), Visits: int64(len(s.visits))}, nil
}

// Export writes every record to dst, each kind in ID order, from a snapshot
// taken under the lock; dst is called without the lock held, so a slow or
// reentrant sink blocks no one.
func (s *Store) Export(ctx context.Context, dst zootour.Sink) error {
	s.mu.RLock()
	zoos := make([]zootour.Zoo, len(s.zooIDs))
	for i, r := range s.zooIDs {
		zoos[i] = r.Zoo
	}
	animals := make([]zootour.Animal, len(s.animalIDs))
	for i, r := range s.animalIDs {
		animals[i] = r.Animal
	}
	visits := slices.Clone(s.visits) // the visits themselves are immutable
	s.mu.RUnlock()

	for _, z := range zoos {
		if err := dst.Zoo(z); err != nil {
			return err
		}
	}
	for _, a := range animals {
		if err := dst.Animal(a); err != nil {
			return err
		}
	}
	for i, v := range visits {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if err := dst.Visit(v.public()); err != nil {
			return err
		}
	}
	return nil
}

// Close does nothing: there is nothing to release.
func (s *Store) Close() error { return nil }
