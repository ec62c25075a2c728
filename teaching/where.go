package teaching

import (
	"slices"

	"github.com/zootour/zootour"
)

// Stays merges the animal's visits, in order, into stays: a run of
// consecutive visits to one zoo is one stay, lasting until the next visit
// elsewhere.
func (m *Model) Stays(animalID int64) []zootour.Stay {
	var stays []zootour.Stay
	for _, v := range m.AnimalVisits(animalID, zootour.Query{}) {
		if n := len(stays); n > 0 && stays[n-1].ZooID == v.ZooID {
			stays[n-1].Visits++
			continue
		}
		if n := len(stays); n > 0 {
			d := v.Date
			stays[n-1].To = &d
		}
		stays = append(stays, zootour.Stay{ZooID: v.ZooID, From: v.Date, Visits: 1})
	}
	return stays
}

// Where returns the zoo whose stay covers the date on, or nil.
func (m *Model) Where(animalID int64, on zootour.Date) *zootour.Zoo {
	for _, s := range m.Stays(animalID) {
		if s.Covers(on) {
			z := m.Zoos[s.ZooID]
			return &z
		}
	}
	return nil
}

// Present scans every animal for a stay at the zoo covering the date on.
func (m *Model) Present(zooID int64, on zootour.Date) []zootour.Presence {
	return m.PresentDuring(zooID, on, on)
}

// PresentDuring scans every animal for stays at the zoo that overlap the
// days from..to by at least one day: one entry per stay.
func (m *Model) PresentDuring(zooID int64, from, to zootour.Date) []zootour.Presence {
	var out []zootour.Presence
	for _, a := range m.Animals {
		for _, s := range m.Stays(a.ID) {
			if s.ZooID == zooID && !s.From.After(to) && (s.To == nil || s.To.After(from)) {
				out = append(out, zootour.Presence{Animal: a, From: s.From, To: s.To})
			}
		}
	}
	slices.SortFunc(out, func(a, b zootour.Presence) int {
		if c := a.From.Compare(b.From); c != 0 {
			return c
		}
		return cmpID(a.ID, b.ID)
	})
	return out
}

// Contacts compares every stay of the animal with every stay of every
// other animal: the same zoo, and at least one day in common (inside the
// window of q, if it has one).
func (m *Model) Contacts(animalID int64, q zootour.ContactQuery) []zootour.Contact {
	mine := m.Stays(animalID)
	var out []zootour.Contact
	for _, other := range m.Animals {
		if other.ID == animalID {
			continue
		}
		c := zootour.Contact{Animal: other}
		theirs := m.Stays(other.ID)
		for _, s := range mine {
			for _, t := range theirs {
				if s.ZooID != t.ZooID {
					continue
				}
				o := zootour.Overlap{ZooID: s.ZooID, From: later(s.From, t.From), To: earlier(s.To, t.To)}
				if o.To != nil && !o.From.Before(*o.To) {
					continue // no day in common
				}
				if !overlapsWindow(o, q.From, q.To) {
					continue
				}
				c.Overlaps = append(c.Overlaps, o)
			}
		}
		if len(c.Overlaps) > 0 {
			slices.SortFunc(c.Overlaps, func(a, b zootour.Overlap) int {
				if c := a.From.Compare(b.From); c != 0 {
					return c
				}
				return cmpID(a.ZooID, b.ZooID)
			})
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b zootour.Contact) int { return cmpID(a.ID, b.ID) })
	return out
}

// overlapsWindow reports whether the overlap has a day inside from..to
// (inclusive; a zero date is an open end).
func overlapsWindow(o zootour.Overlap, from, to zootour.Date) bool {
	first := o.From
	if !from.IsZero() && first.Before(from) {
		first = from
	}
	if o.To != nil && !first.Before(*o.To) {
		return false
	}
	return to.IsZero() || !first.After(to)
}

func later(a, b zootour.Date) zootour.Date {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b *zootour.Date) *zootour.Date {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case a.Before(*b):
		return a
	}
	return b
}

// Census counts the animals present on the date on, by zoo and species.
func (m *Model) Census(on zootour.Date) []zootour.CensusRow {
	counts := map[zootour.Cursor]int{}
	for _, a := range m.Animals {
		if z := m.Where(a.ID, on); z != nil {
			counts[zootour.Cursor{ID: z.ID, Text: a.Species}]++
		}
	}
	var out []zootour.CensusRow
	for k, n := range counts {
		out = append(out, zootour.CensusRow{ZooID: k.ID, Species: k.Text, Count: n})
	}
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
