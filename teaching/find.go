package teaching

import (
	"bytes"
	"slices"
	"strconv"
	"strings"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/textkey"
)

// Finding records, straight from the rules (docs/finding.md): every record
// is tested against every word, then sorted. Cursors are not applied here;
// the conformance suite pages through a store and compares the whole.

// matches reports whether every word of q is a prefix of a word of texts
// or id written out.
func matches(q zootour.Search, id int64, texts ...string) bool {
	words := textkey.QueryWords(strings.Join(texts, " "))
	for _, w := range textkey.QueryWords(q.String()) {
		ok := w == strconv.FormatInt(id, 10)
		for _, t := range words {
			ok = ok || strings.HasPrefix(t, w)
		}
		if !ok {
			return false
		}
	}
	return true
}

// byName compares records in name order, then ID.
func byName(aName string, aID int64, bName string, bID int64) int {
	if c := bytes.Compare(textkey.Name(aName), textkey.Name(bName)); c != 0 {
		return c
	}
	return cmpID(aID, bID)
}

func sortRecords[T any](out []T, order zootour.Sort, name func(T) string, id func(T) int64) {
	slices.SortFunc(out, func(a, b T) int {
		switch order {
		case zootour.SortName:
			return byName(name(a), id(a), name(b), id(b))
		case zootour.SortNameDesc:
			return byName(name(b), id(b), name(a), id(a))
		}
		return cmpID(id(a), id(b))
	})
}

// FindZoos returns every zoo that f selects, in its order (f's cursor and
// limit are not applied).
func (m *Model) FindZoos(f zootour.ZooFilter) []zootour.Zoo {
	var out []zootour.Zoo
	for _, z := range m.Zoos {
		if matches(f.Search, z.ID, z.Name, z.Location) {
			out = append(out, z)
		}
	}
	sortRecords(out, f.Order(), func(z zootour.Zoo) string { return z.Name }, func(z zootour.Zoo) int64 { return z.ID })
	return out
}

// FindAnimals returns every animal that f selects, in its order.
func (m *Model) FindAnimals(f zootour.AnimalFilter) []zootour.Animal {
	var out []zootour.Animal
	for _, a := range m.Animals {
		if matches(f.Search, a.ID, a.Name, a.Species) &&
			(f.Species == "" || textkey.Species(strings.TrimSpace(f.Species)) == textkey.Species(a.Species)) {
			out = append(out, a)
		}
	}
	sortRecords(out, f.Order(), func(a zootour.Animal) string { return a.Name }, func(a zootour.Animal) int64 { return a.ID })
	return out
}

// FindVisits returns every visit that f selects, in its order.
func (m *Model) FindVisits(f zootour.VisitFilter) []zootour.Visit {
	var out []zootour.Visit
	window := zootour.Query{From: f.From, To: f.To}
	for _, v := range m.Visits {
		if (f.ZooID == 0 || v.ZooID == f.ZooID) && (f.AnimalID == 0 || v.AnimalID == f.AnimalID) && window.Contains(v.Date) {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b zootour.Visit) int {
		byDate := a.Date.Compare(b.Date)
		if byDate == 0 {
			byDate = cmpID(a.ID, b.ID)
		}
		switch f.Order() {
		case zootour.SortDate:
			return byDate
		case zootour.SortDateDesc:
			return -byDate
		}
		return cmpID(a.ID, b.ID)
	})
	return out
}
