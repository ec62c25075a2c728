package memory

import (
	"cmp"
	"context"
	"slices"
	"sort"

	"github.com/zootour/zootour"
)

// The where-and-when questions are answered from the same derived indexes
// as the listings (each zoo's and each animal's visits by date) and from
// each visit's links to its animal's previous and next visits; nothing
// else is kept, so there is nothing to go stale. With n the visits of the
// animal or zoo asked about:
//
//   - AnimalStays: a binary search, then one step per visit of the stays
//     returned.
//   - AnimalWhere: a binary search in the animal's visits.
//   - ZooPresent: a binary search, then one step per visit of the zoo up to
//     the date, plus one per visit of the stays of the animals present.
//   - AnimalContacts: for each of the animal's stays (inside the window),
//     one step per visit of its zoo up to the stay's end.
//   - Census: a binary search per animal, O(animals log visits), then a
//     sort of the rows; every page costs the same.

var _ zootour.WhereWhen = (*Store)(nil)

// stayOf returns the stay that holds the visit v: the run of the animal's
// visits at v's zoo around v, until its next visit elsewhere.
func stayOf(v *visit) zootour.Stay {
	first, last, n := v, v, 1
	for first.prev != nil && first.prev.zoo == v.zoo {
		first, n = first.prev, n+1
	}
	for last.next != nil && last.next.zoo == v.zoo {
		last, n = last.next, n+1
	}
	st := zootour.Stay{ZooID: v.zoo, From: first.date, Visits: n}
	if last.next != nil {
		to := last.next.date
		st.To = &to
	}
	return st
}

// startsStay reports whether v is the first visit of its stay.
func (v *visit) startsStay() bool { return v.prev == nil || v.prev.zoo != v.zoo }

// latestOn reports whether v, dated on or before d, is its animal's latest
// visit on or before d: then the stay that holds v covers d.
func (v *visit) latestOn(d zootour.Date) bool { return v.next == nil || v.next.date.After(d) }

// upTo returns how many of vs, sorted by date, are dated on or before d.
func upTo(vs []*visit, d zootour.Date) int {
	return sort.Search(len(vs), func(k int) bool { return vs[k].date.After(d) })
}

func checkLimit(limit int) error { return zootour.Page{Limit: limit}.Validate() }

// AnimalStays lists the animal's stays by From: those starting after the
// date after (all if it is zero), at most limit (0 for all).
func (s *Store) AnimalStays(ctx context.Context, animalID int64, after zootour.Date, limit int) ([]zootour.Stay, error) {
	if err := checkLimit(limit); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, err := s.animal(animalID)
	if err != nil {
		return nil, err
	}
	out := []zootour.Stay{}
	for i := upTo(a.visits, after); i < len(a.visits) && (limit == 0 || len(out) < limit); {
		v := a.visits[i]
		if !v.startsStay() {
			i++ // the rest of a stay that started on or before after
			continue
		}
		st := stayOf(v)
		out = append(out, st)
		i += st.Visits
	}
	return out, nil
}

// AnimalWhere returns the zoo of the animal's stay that covers the date on:
// the zoo of its latest visit on or before that date, nil if there is none.
func (s *Store) AnimalWhere(ctx context.Context, animalID int64, on zootour.Date) (*zootour.Zoo, error) {
	if err := zootour.CheckOn(on); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, err := s.animal(animalID)
	if err != nil {
		return nil, err
	}
	i := upTo(a.visits, on)
	if i == 0 {
		return nil, nil
	}
	z := a.visits[i-1].zr.Zoo
	return &z, nil
}

// ZooPresent lists the animals whose stay covering the date on is at the
// zoo, by the stay's From, then animal ID, after the position after. They
// are the animals of the zoo's visits up to that date whose visit there is
// their latest by then.
func (s *Store) ZooPresent(ctx context.Context, zooID int64, on zootour.Date, after zootour.Position, limit int) ([]zootour.Presence, error) {
	if err := zootour.CheckOn(on); err != nil {
		return nil, err
	}
	if err := checkLimit(limit); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	z, err := s.zoo(zooID)
	if err != nil {
		return nil, err
	}
	out := []zootour.Presence{}
	for _, v := range z.visits[:upTo(z.visits, on)] {
		if !v.latestOn(on) {
			continue
		}
		st := stayOf(v)
		p := zootour.Presence{Animal: v.ar.Animal, From: st.From, To: st.To}
		if after.Less(p.Position()) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(p, q zootour.Presence) int {
		return cmp.Or(p.From.Compare(q.From), cmp.Compare(p.ID, q.ID))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// AnimalContacts lists every other animal with a stay at the same zoo as
// one of the animal's stays, overlapping it by at least one day (inside
// the window of q, if it has one), once each by animal ID.
//
// Each of the animal's stays is cut to the window, to start..end. Another
// stay at its zoo overlaps that stretch exactly when it either covers
// start (its animal is present at the zoo on start) or begins after start
// and before end: so the zoo's visits up to end say it all.
func (s *Store) AnimalContacts(ctx context.Context, animalID int64, q zootour.ContactQuery) ([]zootour.Contact, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, err := s.animal(animalID)
	if err != nil {
		return nil, err
	}
	overlaps := map[int64][]zootour.Overlap{}
	add := func(mine zootour.Stay, w *visit) {
		theirs := stayOf(w)
		o := zootour.Overlap{ZooID: mine.ZooID, From: later(mine.From, theirs.From), To: earlier(mine.To, theirs.To)}
		overlaps[w.animal] = append(overlaps[w.animal], o)
	}
	// before reports whether the date d falls before the end of the stay
	// mine cut to the window.
	before := func(mine zootour.Stay, d zootour.Date) bool {
		return (mine.To == nil || d.Before(*mine.To)) && (q.To.IsZero() || !d.After(q.To))
	}
	for i := 0; i < len(a.visits); {
		mine := stayOf(a.visits[i])
		i += mine.Visits
		start := later(mine.From, q.From)
		if !before(mine, start) {
			if !q.To.IsZero() && start.After(q.To) {
				break // this stay and every later one start after the window
			}
			continue // this stay ends before the window
		}
		zv := s.zoos[mine.ZooID].visits
		n := upTo(zv, start)
		for _, w := range zv[:n] {
			if w.animal != a.ID && w.latestOn(start) {
				add(mine, w)
			}
		}
		for _, w := range zv[n:] {
			if !before(mine, w.date) {
				break
			}
			if w.animal != a.ID && w.startsStay() {
				add(mine, w)
			}
		}
	}
	out := []zootour.Contact{}
	for id, os := range overlaps {
		if id <= q.After {
			continue
		}
		slices.SortFunc(os, func(o, p zootour.Overlap) int {
			return cmp.Or(o.From.Compare(p.From), cmp.Compare(o.ZooID, p.ZooID))
		})
		out = append(out, zootour.Contact{Animal: s.animals[id].Animal, Overlaps: os})
	}
	slices.SortFunc(out, func(c, d zootour.Contact) int { return cmp.Compare(c.ID, d.ID) })
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

func later(a, b zootour.Date) zootour.Date {
	if a.After(b) {
		return a
	}
	return b
}

// earlier returns the earlier of two ends, nil standing for no end.
func earlier(a, b *zootour.Date) *zootour.Date {
	switch {
	case a == nil:
		return b
	case b == nil || a.Before(*b):
		return a
	}
	return b
}

// Census counts, for each zoo and species, the animals present on the date
// on: rows with a count above zero, by zoo ID, then species in code point
// order, after the key after. It finds each animal's latest visit on or
// before that date, a binary search per animal.
func (s *Store) Census(ctx context.Context, on zootour.Date, after zootour.CensusKey, limit int) ([]zootour.CensusRow, error) {
	if err := zootour.CheckOn(on); err != nil {
		return nil, err
	}
	if err := checkLimit(limit); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	counts := map[zootour.CensusKey]int{}
	for _, a := range s.animalIDs {
		if i := upTo(a.visits, on); i > 0 {
			k := zootour.CensusKey{ZooID: a.visits[i-1].zoo, Species: a.Species}
			if after.Less(k) {
				counts[k]++
			}
		}
	}
	out := make([]zootour.CensusRow, 0, len(counts))
	for k, n := range counts {
		out = append(out, zootour.CensusRow{ZooID: k.ZooID, Species: k.Species, Count: n})
	}
	// Go compares strings byte by byte, which for UTF-8 is code point order.
	slices.SortFunc(out, func(x, y zootour.CensusRow) int {
		return cmp.Or(cmp.Compare(x.ZooID, y.ZooID), cmp.Compare(x.Species, y.Species))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
