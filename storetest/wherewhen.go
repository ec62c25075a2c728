package storetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/teaching"
)

// RunWhereWhen runs the conformance tests of the questions derived from
// visits (docs/stays.md) against stores made by open, which
// must return a new empty store that implements zootour.WhereWhen.
func RunWhereWhen(t *testing.T, open func(t *testing.T) zootour.Store) {
	whereWhen(t, open(t))
	tests := []struct {
		name string
		fn   func(t *testing.T, open func(t *testing.T) zootour.Store)
	}{
		{"Stays", testStays},
		{"Where", testWhere},
		{"Present", testPresent},
		{"Contacts", testContacts},
		{"ContactWindows", testContactWindows},
		{"Census", testCensus},
		{"Paging", testWherePaging},
		{"NotFound", testWhereNotFound},
		{"Invalid", testWhereInvalid},
		{"Writes", testWhereWrites},
		{"Random", testWhereRandom},
		{"Concurrent", testWhereConcurrent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open) })
	}
}

// whereWhen returns s as a WhereWhen, or fails the test.
func whereWhen(t testing.TB, s zootour.Store) zootour.WhereWhen {
	t.Helper()
	ww, ok := s.(zootour.WhereWhen)
	if !ok {
		t.Fatalf("%T does not implement zootour.WhereWhen", s)
	}
	return ww
}

// A tour is a small world whose answers are worked out by hand in the
// tests below (and checked against the model too). Dates are in 2024:
//
//	emu  (ant)     X 01-01
//	alma (Zebra)   X 01-10, X 01-15, Y 02-01, X 03-01
//	bela (zebra)   X 01-31, Y 02-01, Y 02-10, Z 02-20
//	cleo (Äffchen) Y 01-05, Z 02-01
//	dodo (Äffchen) X 02-15
//	gus  (zebra)   X 02-15
//	hal  (ant)     X 02-20
//	finn (ant)     no visits; zoo E has none either
//
// The visits are created out of date order, and where two animals arrive
// at a zoo on the same day the one with the higher ID comes first, so that
// ordering by visit ID instead of date or animal ID shows.
type tour struct {
	*world
	ww                                          zootour.WhereWhen
	x, y, z, e                                  zootour.Zoo
	emu, alma, bela, cleo, dodo, gus, hal, finn zootour.Animal
	visits                                      map[string]zootour.Visit // by "name date", e.g. "alma 2024-03-01"
}

func newTour(t *testing.T, open func(t *testing.T) zootour.Store) *tour {
	w := newWorld(t, open(t))
	tr := &tour{world: w, ww: whereWhen(t, w.s), visits: map[string]zootour.Visit{}}
	tr.x, tr.y, tr.z, tr.e = w.zoo("X", "Xville"), w.zoo("Y", "Yton"), w.zoo("Z", "Zburg"), w.zoo("E", "Empty")
	tr.emu, tr.alma, tr.bela = w.animal("emu", "ant"), w.animal("alma", "Zebra"), w.animal("bela", "zebra")
	tr.cleo, tr.dodo, tr.gus = w.animal("cleo", "Äffchen"), w.animal("dodo", "Äffchen"), w.animal("gus", "zebra")
	tr.hal, tr.finn = w.animal("hal", "ant"), w.animal("finn", "ant")
	for _, v := range []struct {
		a    zootour.Animal
		zoo  zootour.Zoo
		date string
	}{
		{tr.emu, tr.x, "01-01"},
		{tr.alma, tr.x, "03-01"}, {tr.alma, tr.x, "01-15"}, {tr.alma, tr.x, "01-10"},
		{tr.bela, tr.y, "02-01"}, {tr.alma, tr.y, "02-01"},
		{tr.bela, tr.x, "01-31"}, {tr.bela, tr.y, "02-10"}, {tr.bela, tr.z, "02-20"},
		{tr.cleo, tr.y, "01-05"}, {tr.cleo, tr.z, "02-01"},
		{tr.gus, tr.x, "02-15"}, {tr.dodo, tr.x, "02-15"},
		{tr.hal, tr.x, "02-20"},
	} {
		tr.visits[v.a.Name+" 2024-"+v.date], _ = w.visit(d("2024-"+v.date), v.zoo.ID, v.a.ID)
	}
	return tr
}

// day returns a date of 2024 written MM-DD.
func day(md string) zootour.Date { return d("2024-" + md) }

// dayPtr is day for an end that may be open: "" is nil.
func dayPtr(md string) *zootour.Date {
	if md == "" {
		return nil
	}
	return ptr(day(md))
}

func stay(z zootour.Zoo, from, to string, visits int) zootour.Stay {
	return zootour.Stay{ZooID: z.ID, From: day(from), To: dayPtr(to), Visits: visits}
}

func presence(a zootour.Animal, from, to string) zootour.Presence {
	return zootour.Presence{Animal: a, From: day(from), To: dayPtr(to)}
}

func overlap(z zootour.Zoo, from, to string) zootour.Overlap {
	return zootour.Overlap{ZooID: z.ID, From: day(from), To: dayPtr(to)}
}

func contact(a zootour.Animal, os ...zootour.Overlap) zootour.Contact {
	return zootour.Contact{Animal: a, Overlaps: os}
}

func censusRow(z zootour.Zoo, species string, n int) zootour.CensusRow {
	return zootour.CensusRow{ZooID: z.ID, Species: species, Count: n}
}

// dates returns the dates around every visit of the model (the day
// before, of and after each) and the ends of the calendar: where answers
// change.
func (w *world) dates() []zootour.Date {
	ds := []zootour.Date{zootour.MinDate, zootour.MaxDate}
	for _, v := range w.m.Visits {
		ds = append(ds, v.Date.AddDays(-1), v.Date, v.Date.AddDays(1))
	}
	slices.SortFunc(ds, zootour.Date.Compare)
	return slices.Compact(ds)
}

// checkAllWhereWhen compares every question, for every animal and zoo and
// each of the dates, with the model.
func (w *world) checkAllWhereWhen(dates []zootour.Date) {
	w.t.Helper()
	for _, a := range w.animalIDs() {
		w.checkStays(a, zootour.Date{}, 0)
		w.checkContacts(a, zootour.ContactQuery{})
		for _, on := range dates {
			w.checkWhere(a, on)
			w.checkContacts(a, zootour.ContactQuery{From: on, To: on})
		}
	}
	for _, z := range w.zooIDs() {
		for _, on := range dates {
			w.checkPresent(z, on, zootour.Position{}, 0)
		}
	}
	for _, on := range dates {
		w.checkCensus(on, zootour.Cursor{}, 0)
	}
}

func testStays(t *testing.T, open func(t *testing.T) zootour.Store) {
	tr := newTour(t, open)
	ctx := t.Context()
	for _, tt := range []struct {
		a    zootour.Animal
		want []zootour.Stay
	}{
		{tr.emu, []zootour.Stay{stay(tr.x, "01-01", "", 1)}},
		// Two visits to X merged; a return to X is a stay of its own.
		{tr.alma, []zootour.Stay{stay(tr.x, "01-10", "02-01", 2), stay(tr.y, "02-01", "03-01", 1), stay(tr.x, "03-01", "", 1)}},
		{tr.bela, []zootour.Stay{stay(tr.x, "01-31", "02-01", 1), stay(tr.y, "02-01", "02-20", 2), stay(tr.z, "02-20", "", 1)}},
		{tr.cleo, []zootour.Stay{stay(tr.y, "01-05", "02-01", 1), stay(tr.z, "02-01", "", 1)}},
		{tr.finn, nil},
	} {
		got, err := tr.ww.AnimalStays(ctx, tt.a.ID, zootour.StayQuery{Limit: 0})
		if err != nil {
			t.Fatalf("AnimalStays(%s): %v", tt.a.Name, err)
		}
		if d := diff(tt.want, got); d != "" {
			t.Errorf("AnimalStays(%s) (-want +got):\n%s", tt.a.Name, d)
		}
		tr.checkStays(tt.a.ID, zootour.Date{}, 0)
	}
	// after: the stays that start after a date, not those covering it.
	for _, tt := range []struct {
		after string
		want  []zootour.Stay
	}{
		{"01-09", []zootour.Stay{stay(tr.x, "01-10", "02-01", 2), stay(tr.y, "02-01", "03-01", 1), stay(tr.x, "03-01", "", 1)}},
		{"01-10", []zootour.Stay{stay(tr.y, "02-01", "03-01", 1), stay(tr.x, "03-01", "", 1)}},
		{"01-15", []zootour.Stay{stay(tr.y, "02-01", "03-01", 1), stay(tr.x, "03-01", "", 1)}},
		{"01-31", []zootour.Stay{stay(tr.y, "02-01", "03-01", 1), stay(tr.x, "03-01", "", 1)}},
		{"02-01", []zootour.Stay{stay(tr.x, "03-01", "", 1)}},
		{"03-01", nil},
	} {
		got := must(tr.ww.AnimalStays(ctx, tr.alma.ID, zootour.StayQuery{After: zootour.Cursor{Date: day(tt.after)}}))(t)
		if d := diff(tt.want, got); d != "" {
			t.Errorf("AnimalStays(alma, after %s) (-want +got):\n%s", tt.after, d)
		}
		tr.checkStays(tr.alma.ID, day(tt.after), 0)
		tr.checkStays(tr.alma.ID, day(tt.after), 1)
	}
	got := must(tr.ww.AnimalStays(ctx, tr.alma.ID, zootour.StayQuery{Limit: 2}))(t)
	if d := diff([]zootour.Stay{stay(tr.x, "01-10", "02-01", 2), stay(tr.y, "02-01", "03-01", 1)}, got); d != "" {
		t.Errorf("AnimalStays(alma, limit 2) (-want +got):\n%s", d)
	}
}

func testWhere(t *testing.T, open func(t *testing.T) zootour.Store) {
	tr := newTour(t, open)
	for _, tt := range []struct {
		a    zootour.Animal
		on   zootour.Date
		want *zootour.Zoo
	}{
		{tr.alma, zootour.MinDate, nil},
		{tr.alma, day("01-09"), nil}, // the day before the first visit
		{tr.alma, day("01-10"), &tr.x},
		{tr.alma, day("01-15"), &tr.x},
		{tr.alma, day("01-31"), &tr.x}, // the day before the move
		{tr.alma, day("02-01"), &tr.y}, // the day of the move
		{tr.alma, day("02-29"), &tr.y},
		{tr.alma, day("03-01"), &tr.x}, // back at X
		{tr.alma, zootour.MaxDate, &tr.x},
		{tr.emu, d("2023-12-31"), nil},
		{tr.emu, day("01-01"), &tr.x},
		{tr.emu, zootour.MaxDate, &tr.x},
		{tr.finn, zootour.MaxDate, nil},
	} {
		got, err := tr.ww.AnimalWhere(t.Context(), tt.a.ID, tt.on)
		if err != nil {
			t.Fatalf("AnimalWhere(%s, %s): %v", tt.a.Name, tt.on, err)
		}
		if d := diff(tt.want, got); d != "" {
			t.Errorf("AnimalWhere(%s, %s) (-want +got):\n%s", tt.a.Name, tt.on, d)
		}
	}
	for _, a := range tr.animalIDs() {
		for _, on := range tr.dates() {
			tr.checkWhere(a, on)
		}
	}
}

func testPresent(t *testing.T, open func(t *testing.T) zootour.Store) {
	tr := newTour(t, open)
	for _, tt := range []struct {
		zoo  zootour.Zoo
		on   string
		want []zootour.Presence
	}{
		{tr.x, "2023-12-31", nil},
		{tr.x, "01-01", []zootour.Presence{presence(tr.emu, "01-01", "")}},
		// alma's stay began at her first of two visits.
		{tr.x, "01-20", []zootour.Presence{presence(tr.emu, "01-01", ""), presence(tr.alma, "01-10", "02-01")}},
		{tr.x, "01-31", []zootour.Presence{presence(tr.emu, "01-01", ""), presence(tr.alma, "01-10", "02-01"), presence(tr.bela, "01-31", "02-01")}},
		{tr.x, "02-01", []zootour.Presence{presence(tr.emu, "01-01", "")}},
		// dodo before gus: the same From, then by animal ID.
		{tr.x, "02-15", []zootour.Presence{presence(tr.emu, "01-01", ""), presence(tr.dodo, "02-15", ""), presence(tr.gus, "02-15", "")}},
		// By From, not by animal ID: alma came back last.
		{tr.x, "03-01", []zootour.Presence{presence(tr.emu, "01-01", ""), presence(tr.dodo, "02-15", ""), presence(tr.gus, "02-15", ""),
			presence(tr.hal, "02-20", ""), presence(tr.alma, "03-01", "")}},
		{tr.y, "01-04", nil},
		{tr.y, "01-05", []zootour.Presence{presence(tr.cleo, "01-05", "02-01")}},
		{tr.y, "01-31", []zootour.Presence{presence(tr.cleo, "01-05", "02-01")}},
		{tr.y, "02-01", []zootour.Presence{presence(tr.alma, "02-01", "03-01"), presence(tr.bela, "02-01", "02-20")}},
		{tr.y, "02-19", []zootour.Presence{presence(tr.alma, "02-01", "03-01"), presence(tr.bela, "02-01", "02-20")}},
		{tr.y, "02-20", []zootour.Presence{presence(tr.alma, "02-01", "03-01")}},
		{tr.y, "03-01", nil},
		{tr.z, "02-20", []zootour.Presence{presence(tr.cleo, "02-01", ""), presence(tr.bela, "02-20", "")}},
		{tr.e, "02-20", nil},
	} {
		on := d("2023-12-31")
		if len(tt.on) == 5 {
			on = day(tt.on)
		}
		got, err := tr.ww.ZooPresent(t.Context(), tt.zoo.ID, zootour.PresentQuery{On: on, Limit: 0})
		if err != nil {
			t.Fatalf("ZooPresent(%s, %s): %v", tt.zoo.Name, on, err)
		}
		if d := diff(tt.want, got); d != "" {
			t.Errorf("ZooPresent(%s, %s) (-want +got):\n%s", tt.zoo.Name, on, d)
		}
	}
	for _, z := range tr.zooIDs() {
		for _, on := range tr.dates() {
			tr.checkPresent(z, on, zootour.Position{}, 0)
		}
	}
}

func testContacts(t *testing.T, open func(t *testing.T) zootour.Store) {
	tr := newTour(t, open)
	for _, tt := range []struct {
		a    zootour.Animal
		want []zootour.Contact
	}{
		// Once each, by animal ID, with every overlap: bela shares a single
		// day at X (01-31) and then a stay at Y; cleo only touches alma at Y
		// (she leaves on the day alma arrives), so she is no contact.
		{tr.alma, []zootour.Contact{
			contact(tr.emu, overlap(tr.x, "01-10", "02-01"), overlap(tr.x, "03-01", "")),
			contact(tr.bela, overlap(tr.x, "01-31", "02-01"), overlap(tr.y, "02-01", "02-20")),
			contact(tr.dodo, overlap(tr.x, "03-01", "")),
			contact(tr.gus, overlap(tr.x, "03-01", "")),
			contact(tr.hal, overlap(tr.x, "03-01", "")),
		}},
		{tr.bela, []zootour.Contact{
			contact(tr.emu, overlap(tr.x, "01-31", "02-01")),
			contact(tr.alma, overlap(tr.x, "01-31", "02-01"), overlap(tr.y, "02-01", "02-20")),
			contact(tr.cleo, overlap(tr.z, "02-20", "")),
		}},
		{tr.cleo, []zootour.Contact{contact(tr.bela, overlap(tr.z, "02-20", ""))}},
		{tr.emu, []zootour.Contact{
			contact(tr.alma, overlap(tr.x, "01-10", "02-01"), overlap(tr.x, "03-01", "")),
			contact(tr.bela, overlap(tr.x, "01-31", "02-01")),
			contact(tr.dodo, overlap(tr.x, "02-15", "")),
			contact(tr.gus, overlap(tr.x, "02-15", "")),
			contact(tr.hal, overlap(tr.x, "02-20", "")),
		}},
		{tr.finn, nil},
	} {
		got, err := tr.ww.AnimalContacts(t.Context(), tt.a.ID, zootour.ContactQuery{})
		if err != nil {
			t.Fatalf("AnimalContacts(%s): %v", tt.a.Name, err)
		}
		if d := diff(tt.want, got); d != "" {
			t.Errorf("AnimalContacts(%s) (-want +got):\n%s", tt.a.Name, d)
		}
		tr.checkContacts(tt.a.ID, zootour.ContactQuery{})
	}
}

func testContactWindows(t *testing.T, open func(t *testing.T) zootour.Store) {
	tr := newTour(t, open)
	atX0301 := overlap(tr.x, "03-01", "")
	for _, tt := range []struct {
		from, to string // MM-DD of 2024, or a full date, or "" for none
		want     []zootour.Contact
	}{
		{"", "", nil}, // see testContacts
		{"", "01-09", []zootour.Contact{}},
		// A window whose last day is an overlap's first.
		{"", "01-10", []zootour.Contact{contact(tr.emu, overlap(tr.x, "01-10", "02-01"))}},
		{"", "01-30", []zootour.Contact{contact(tr.emu, overlap(tr.x, "01-10", "02-01"))}},
		// A one-day window on a one-day overlap: only the overlaps in the
		// window are listed.
		{"01-31", "01-31", []zootour.Contact{
			contact(tr.emu, overlap(tr.x, "01-10", "02-01")),
			contact(tr.bela, overlap(tr.x, "01-31", "02-01")),
		}},
		// A window that starts on the day an overlap ends has none of it.
		{"02-01", "02-01", []zootour.Contact{contact(tr.bela, overlap(tr.y, "02-01", "02-20"))}},
		// A window whose first day is an overlap's last.
		{"02-19", "02-19", []zootour.Contact{contact(tr.bela, overlap(tr.y, "02-01", "02-20"))}},
		{"02-20", "02-29", []zootour.Contact{}},
		{"02-28", "03-01", []zootour.Contact{contact(tr.emu, atX0301), contact(tr.dodo, atX0301), contact(tr.gus, atX0301), contact(tr.hal, atX0301)}},
		{"02-01", "", []zootour.Contact{
			contact(tr.emu, atX0301),
			contact(tr.bela, overlap(tr.y, "02-01", "02-20")),
			contact(tr.dodo, atX0301), contact(tr.gus, atX0301), contact(tr.hal, atX0301),
		}},
		{"2030-01-01", "", []zootour.Contact{contact(tr.emu, atX0301), contact(tr.dodo, atX0301), contact(tr.gus, atX0301), contact(tr.hal, atX0301)}},
		{"0001-01-01", "9999-12-31", nil},
	} {
		date := func(s string) zootour.Date {
			switch len(s) {
			case 0:
				return zootour.Date{}
			case 5:
				return day(s)
			}
			return d(s)
		}
		q := zootour.ContactQuery{From: date(tt.from), To: date(tt.to)}
		got, err := tr.ww.AnimalContacts(t.Context(), tr.alma.ID, q)
		if err != nil {
			t.Fatalf("AnimalContacts(alma, %s..%s): %v", tt.from, tt.to, err)
		}
		if tt.want != nil {
			if d := diff(tt.want, got); d != "" {
				t.Errorf("AnimalContacts(alma, %s..%s) (-want +got):\n%s", tt.from, tt.to, d)
			}
		}
		tr.checkContacts(tr.alma.ID, q)
	}
	// Every animal, with windows that start, end or lie around every date
	// where answers change.
	dates := tr.dates()
	for _, a := range tr.animalIDs() {
		for i, on := range dates {
			tr.checkContacts(a, zootour.ContactQuery{From: on, To: on})
			tr.checkContacts(a, zootour.ContactQuery{From: on})
			tr.checkContacts(a, zootour.ContactQuery{To: on})
			if i+2 < len(dates) {
				tr.checkContacts(a, zootour.ContactQuery{From: on, To: dates[i+2]})
			}
		}
	}
}

func testCensus(t *testing.T, open func(t *testing.T) zootour.Store) {
	tr := newTour(t, open)
	for _, tt := range []struct {
		on   string
		want []zootour.CensusRow
	}{
		{"2023-12-31", nil},
		{"2024-01-01", []zootour.CensusRow{censusRow(tr.x, "ant", 1)}},
		{"2024-01-31", []zootour.CensusRow{censusRow(tr.x, "Zebra", 1), censusRow(tr.x, "ant", 1), censusRow(tr.x, "zebra", 1), censusRow(tr.y, "Äffchen", 1)}},
		// No row for alma's Zebra at X, now that she has left.
		{"2024-02-15", []zootour.CensusRow{censusRow(tr.x, "ant", 1), censusRow(tr.x, "zebra", 1), censusRow(tr.x, "Äffchen", 1),
			censusRow(tr.y, "Zebra", 1), censusRow(tr.y, "zebra", 1), censusRow(tr.z, "Äffchen", 1)}},
		// Species in code point order, not a locale's: "Zebra" < "ant" <
		// "zebra" < "Äffchen". No rows for Y, which is empty by then.
		{"2024-03-01", []zootour.CensusRow{censusRow(tr.x, "Zebra", 1), censusRow(tr.x, "ant", 2), censusRow(tr.x, "zebra", 1), censusRow(tr.x, "Äffchen", 1),
			censusRow(tr.z, "zebra", 1), censusRow(tr.z, "Äffchen", 1)}},
		{"9999-12-31", []zootour.CensusRow{censusRow(tr.x, "Zebra", 1), censusRow(tr.x, "ant", 2), censusRow(tr.x, "zebra", 1), censusRow(tr.x, "Äffchen", 1),
			censusRow(tr.z, "zebra", 1), censusRow(tr.z, "Äffchen", 1)}},
	} {
		got, err := tr.ww.Census(t.Context(), zootour.CensusQuery{On: d(tt.on), Limit: 0})
		if err != nil {
			t.Fatalf("Census(%s): %v", tt.on, err)
		}
		if d := diff(tt.want, got); d != "" {
			t.Errorf("Census(%s) (-want +got):\n%s", tt.on, d)
		}
	}
	// after, between keys and on them.
	got := must(tr.ww.Census(t.Context(), zootour.CensusQuery{On: day("03-01"), After: zootour.Cursor{ID: tr.x.ID, Text: "Zz"}, Limit: 0}))(t)
	want := []zootour.CensusRow{censusRow(tr.x, "ant", 2), censusRow(tr.x, "zebra", 1), censusRow(tr.x, "Äffchen", 1), censusRow(tr.z, "zebra", 1), censusRow(tr.z, "Äffchen", 1)}
	if d := diff(want, got); d != "" {
		t.Errorf("Census(03-01, after X Zz) (-want +got):\n%s", d)
	}
	got = must(tr.ww.Census(t.Context(), zootour.CensusQuery{On: day("03-01"), After: zootour.Cursor{ID: tr.x.ID, Text: "Äffchen"}, Limit: 1}))(t)
	if d := diff(want[3:4], got); d != "" {
		t.Errorf("Census(03-01, after X Äffchen, limit 1) (-want +got):\n%s", d)
	}
	for _, on := range tr.dates() {
		tr.checkCensus(on, zootour.Cursor{}, 0)
	}
}

// testWherePaging walks every listing in pages of several sizes, each page
// starting after the last entry of the one before, and checks that the
// pages put together are the listing.
func testWherePaging(t *testing.T, open func(t *testing.T) zootour.Store) {
	tr := newTour(t, open)
	for _, limit := range []int{1, 2, 3} {
		for _, a := range tr.animalIDs() {
			tr.walkStays(a, limit)
			tr.walkContacts(a, zootour.ContactQuery{}, limit)
			tr.walkContacts(a, zootour.ContactQuery{From: day("02-01")}, limit)
		}
		for _, z := range tr.zooIDs() {
			for _, on := range []string{"01-31", "02-15", "03-01"} {
				tr.walkPresent(z, day(on), limit)
			}
		}
		for _, on := range []string{"01-31", "02-15", "03-01"} {
			tr.walkCensus(day(on), limit)
		}
	}
	// Cursors that fall between entries.
	for _, after := range []zootour.Position{{Date: day("02-15"), ID: 0}, {Date: day("02-15"), ID: tr.dodo.ID}, {Date: day("02-16"), ID: 0}, {Date: zootour.MaxDate, ID: 1}} {
		tr.checkPresent(tr.x.ID, day("03-01"), after, 0)
		tr.checkPresent(tr.x.ID, day("03-01"), after, 1)
	}
	for _, after := range []int64{0, tr.emu.ID, tr.cleo.ID, tr.finn.ID} {
		tr.checkContacts(tr.alma.ID, zootour.ContactQuery{After: zootour.Cursor{ID: after}})
		tr.checkContacts(tr.alma.ID, zootour.ContactQuery{After: zootour.Cursor{ID: after}, Limit: 2})
	}
}

func testWhereNotFound(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	ww := whereWhen(t, s)
	z, a := addZoo(t, s, "Z", "L"), addAnimal(t, s, "A", "S")
	addVisit(t, s, "2024-01-01", z.ID, a.ID)
	dz, da := addZoo(t, s, "gone", "L"), addAnimal(t, s, "gone", "S")
	noErr(t, s.DeleteZoo(ctx, dz.ID, false))
	noErr(t, s.DeleteAnimal(ctx, da.ID, false))
	on := d("2024-01-01")
	for _, id := range []int64{da.ID, da.ID + 100, 1<<63 - 1} {
		code(t, fmt.Sprint("AnimalStays of missing animal ", id), second(ww.AnimalStays(ctx, id, zootour.StayQuery{Limit: 0})), zootour.ENOTFOUND)
		code(t, fmt.Sprint("AnimalWhere of missing animal ", id), second(ww.AnimalWhere(ctx, id, on)), zootour.ENOTFOUND)
		code(t, fmt.Sprint("AnimalContacts of missing animal ", id), second(ww.AnimalContacts(ctx, id, zootour.ContactQuery{})), zootour.ENOTFOUND)
	}
	for _, id := range []int64{dz.ID, dz.ID + 100, 1<<63 - 1} {
		code(t, fmt.Sprint("ZooPresent of missing zoo ", id), second(ww.ZooPresent(ctx, id, zootour.PresentQuery{On: on, Limit: 0})), zootour.ENOTFOUND)
	}
	// Existing records with nothing to show are not missing.
	noErr(t, second(ww.AnimalWhere(ctx, a.ID, d("2023-01-01"))))
	noErr(t, second(ww.ZooPresent(ctx, z.ID, zootour.PresentQuery{On: d("2023-01-01"), Limit: 0})))
	if got := must(ww.Census(ctx, zootour.CensusQuery{On: d("2023-01-01"), Limit: 0}))(t); len(got) != 0 {
		t.Errorf("Census before any visit = %+v, want none", got)
	}
}

func testWhereInvalid(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	ww := whereWhen(t, s)
	z, a := addZoo(t, s, "Z", "L"), addAnimal(t, s, "A", "S")
	addVisit(t, s, "2024-01-01", z.ID, a.ID)
	on, none := d("2024-01-01"), zootour.Date{}
	for _, id := range []int64{0, -1, -1 << 63} {
		code(t, fmt.Sprint("AnimalStays ", id), second(ww.AnimalStays(ctx, id, zootour.StayQuery{})), zootour.EINVALID)
		code(t, fmt.Sprint("AnimalWhere ", id), second(ww.AnimalWhere(ctx, id, on)), zootour.EINVALID)
		code(t, fmt.Sprint("ZooPresent ", id), second(ww.ZooPresent(ctx, id, zootour.PresentQuery{On: on, Limit: 0})), zootour.EINVALID)
		code(t, fmt.Sprint("AnimalContacts ", id), second(ww.AnimalContacts(ctx, id, zootour.ContactQuery{})), zootour.EINVALID)
	}
	code(t, "AnimalWhere without a date", second(ww.AnimalWhere(ctx, a.ID, none)), zootour.EINVALID)
	code(t, "ZooPresent without a date", second(ww.ZooPresent(ctx, z.ID, zootour.PresentQuery{On: none, Limit: 0})), zootour.EINVALID)
	code(t, "Census without a date", second(ww.Census(ctx, zootour.CensusQuery{On: none, Limit: 0})), zootour.EINVALID)
	code(t, "AnimalStays with a negative limit", second(ww.AnimalStays(ctx, a.ID, zootour.StayQuery{Limit: -1})), zootour.EINVALID)
	code(t, "ZooPresent with a negative limit", second(ww.ZooPresent(ctx, z.ID, zootour.PresentQuery{On: on, Limit: -1})), zootour.EINVALID)
	code(t, "AnimalContacts with a negative limit", second(ww.AnimalContacts(ctx, a.ID, zootour.ContactQuery{Limit: -1})), zootour.EINVALID)
	code(t, "Census with a negative limit", second(ww.Census(ctx, zootour.CensusQuery{On: on, Limit: -1})), zootour.EINVALID)
	code(t, "AnimalContacts with from after to",
		second(ww.AnimalContacts(ctx, a.ID, zootour.ContactQuery{From: d("2024-01-02"), To: d("2024-01-01")})), zootour.EINVALID)
	// A one-day window is not inverted.
	noErr(t, second(ww.AnimalContacts(ctx, a.ID, zootour.ContactQuery{From: on, To: on})))
}

// testWhereWrites changes visits, animals and zoos after every question
// has been asked once, and checks that the answers follow: nothing derived
// from visits may be kept stale.
func testWhereWrites(t *testing.T, open func(t *testing.T) zootour.Store) {
	tr := newTour(t, open)
	ctx := t.Context()
	tr.checkAllWhereWhen(tr.dates())
	stays := func(a zootour.Animal, want ...zootour.Stay) {
		t.Helper()
		if d := diff(want, must(tr.ww.AnimalStays(ctx, a.ID, zootour.StayQuery{Limit: 0}))(t)); d != "" {
			t.Errorf("AnimalStays(%s) (-want +got):\n%s", a.Name, d)
		}
	}
	where := func(a zootour.Animal, on string, want *zootour.Zoo) {
		t.Helper()
		if d := diff(want, must(tr.ww.AnimalWhere(ctx, a.ID, day(on)))(t)); d != "" {
			t.Errorf("AnimalWhere(%s, %s) (-want +got):\n%s", a.Name, on, d)
		}
	}

	// Without her visit to Y, alma's visits to X are one stay.
	yv := tr.visits["alma 2024-02-01"]
	tr.deleteVisit(yv.ID)
	stays(tr.alma, stay(tr.x, "01-10", "", 3))
	where(tr.alma, "02-01", &tr.x)
	if d := diff([]zootour.Presence{presence(tr.bela, "02-01", "02-20")}, must(tr.ww.ZooPresent(ctx, tr.y.ID, zootour.PresentQuery{On: day("02-01"), Limit: 0}))(t)); d != "" {
		t.Errorf("ZooPresent(Y, 02-01) after a delete (-want +got):\n%s", d)
	}
	tr.checkAllWhereWhen(tr.dates())

	// And back again.
	tr.visits["alma 2024-02-01"], _ = tr.visit(yv.Date, yv.ZooID, yv.AnimalID)
	stays(tr.alma, stay(tr.x, "01-10", "02-01", 2), stay(tr.y, "02-01", "03-01", 1), stay(tr.x, "03-01", "", 1))
	tr.checkAllWhereWhen(tr.dates())

	// Moving a visit to another zoo, and to another date.
	tr.updateVisit(tr.visits["alma 2024-03-01"].ID, zootour.VisitUpdate{ZooID: &tr.z.ID})
	stays(tr.alma, stay(tr.x, "01-10", "02-01", 2), stay(tr.y, "02-01", "03-01", 1), stay(tr.z, "03-01", "", 1))
	where(tr.alma, "03-01", &tr.z)
	tr.checkAllWhereWhen(tr.dates())
	tr.updateVisit(tr.visits["alma 2024-02-01"].ID, zootour.VisitUpdate{Date: ptr(day("02-05"))})
	where(tr.alma, "02-01", &tr.x)
	where(tr.alma, "02-05", &tr.y)
	tr.checkAllWhereWhen(tr.dates())

	// Moving a visit to another animal.
	tr.updateVisit(tr.visits["hal 2024-02-20"].ID, zootour.VisitUpdate{AnimalID: &tr.finn.ID})
	stays(tr.hal)
	stays(tr.finn, stay(tr.x, "02-20", "", 1))
	tr.checkAllWhereWhen(tr.dates())

	// A new species and a new zoo name show at once.
	a := must(tr.s.UpdateAnimal(ctx, tr.emu.ID, zootour.AnimalUpdate{Species: ptr("Zebra")}))(t)
	tr.m.Animals[a.ID] = a
	z := must(tr.s.UpdateZoo(ctx, tr.x.ID, zootour.ZooUpdate{Name: ptr("X renamed")}))(t)
	tr.m.Zoos[z.ID] = z
	where(tr.emu, "01-01", &z)
	if d := diff([]zootour.CensusRow{censusRow(tr.x, "Zebra", 1)}, must(tr.ww.Census(ctx, zootour.CensusQuery{On: day("01-01"), Limit: 0}))(t)); d != "" {
		t.Errorf("Census(01-01) after a new species (-want +got):\n%s", d)
	}
	tr.checkAllWhereWhen(tr.dates())

	// Cascades: bela stays at Y once Z is gone; nobody meets emu once she is.
	noErr(t, tr.s.DeleteZoo(ctx, tr.z.ID, true))
	tr.m.DeleteZoo(tr.z.ID)
	stays(tr.bela, stay(tr.x, "01-31", "02-01", 1), stay(tr.y, "02-01", "", 2))
	tr.checkAllWhereWhen(tr.dates())
	noErr(t, tr.s.DeleteAnimal(ctx, tr.emu.ID, true))
	tr.m.DeleteAnimal(tr.emu.ID)
	tr.checkAllWhereWhen(tr.dates())
	code(t, "AnimalWhere of a deleted animal", second(tr.ww.AnimalWhere(ctx, tr.emu.ID, day("01-01"))), zootour.ENOTFOUND)
	code(t, "ZooPresent of a deleted zoo", second(tr.ww.ZooPresent(ctx, tr.z.ID, zootour.PresentQuery{On: day("01-01"), Limit: 0})), zootour.ENOTFOUND)
}

// testWhereConcurrent asks questions while visits are written, checking
// that each answer is consistent in itself, then checks every answer
// against the model of what the store holds at the end.
func testWhereConcurrent(t *testing.T, open func(t *testing.T) zootour.Store) {
	w := newWorld(t, open(t))
	ww, ctx := whereWhen(t, w.s), t.Context()
	var zs, as []int64
	for range 4 {
		zs = append(zs, w.zoo("Z", "L").ID)
	}
	for i := range 8 {
		as = append(as, w.animal("A", whereSpecies[i%3]).ID)
	}
	start := d("2024-01-01")
	const workers, ops, days = 4, 60, 30
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(g), 78))
			var mine []int64
			for range ops {
				date := start.AddDays(r.IntN(days))
				switch n := r.IntN(10); {
				case n < 4:
					v, err := w.s.CreateVisit(ctx, zootour.Visit{Date: date, ZooID: pick(r, zs), AnimalID: pick(r, as)})
					if err == nil {
						mine = append(mine, v.ID)
					} else if zootour.ErrorCode(err) != zootour.ECONFLICT {
						t.Errorf("CreateVisit: %v", err)
					}
				case n < 5 && len(mine) > 0:
					i := r.IntN(len(mine))
					if err := w.s.DeleteVisit(ctx, mine[i]); err != nil {
						t.Errorf("DeleteVisit of my own visit: %v", err)
					}
					mine = slices.Delete(mine, i, i+1)
				case n < 6 && len(mine) > 0:
					_, err := w.s.UpdateVisit(ctx, pick(r, mine), zootour.VisitUpdate{Date: &date, ZooID: ptr(pick(r, zs))})
					if err != nil && zootour.ErrorCode(err) != zootour.ECONFLICT {
						t.Errorf("UpdateVisit: %v", err)
					}
				default:
					checkWhereAnswers(t, ww, pick(r, zs), pick(r, as), date)
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	final := exportOf(t, w.s)
	for _, v := range final.Visits {
		w.m.AddVisit(v)
	}
	w.checkAllWhereWhen(w.dates())
}

// checkWhereAnswers checks what can be checked of answers read while
// others write: each is in order and consistent in itself. It is safe to
// call from any goroutine.
func checkWhereAnswers(t *testing.T, ww zootour.WhereWhen, zooID, animalID int64, on zootour.Date) {
	ctx := t.Context()
	stays, err := ww.AnimalStays(ctx, animalID, zootour.StayQuery{Limit: 0})
	if err != nil {
		t.Errorf("AnimalStays: %v", err)
		return
	}
	for i, st := range stays {
		last := i == len(stays)-1
		if st.Visits < 1 || (st.To == nil) != last || (!last && (*st.To != stays[i+1].From || st.ZooID == stays[i+1].ZooID)) {
			t.Errorf("AnimalStays(%d) are not a chain of stays at changing zoos: %+v", animalID, stays)
			break
		}
	}
	ps, err := ww.ZooPresent(ctx, zooID, zootour.PresentQuery{On: on, Limit: 0})
	if err != nil {
		t.Errorf("ZooPresent: %v", err)
		return
	}
	for i, p := range ps {
		if !(zootour.Stay{From: p.From, To: p.To}).Covers(on) || (i > 0 && !ps[i-1].Position().Less(p.Position())) {
			t.Errorf("ZooPresent(%d, %s) out of order or not covering the date: %+v", zooID, on, ps)
			break
		}
	}
	cs, err := ww.AnimalContacts(ctx, animalID, zootour.ContactQuery{})
	if err != nil {
		t.Errorf("AnimalContacts: %v", err)
		return
	}
	for i, c := range cs {
		if c.ID == animalID || len(c.Overlaps) == 0 || (i > 0 && cs[i-1].ID >= c.ID) {
			t.Errorf("AnimalContacts(%d) not once each by ID, with overlaps: %+v", animalID, cs)
			break
		}
	}
	rows, err := ww.Census(ctx, zootour.CensusQuery{On: on, Limit: 0})
	if err != nil {
		t.Errorf("Census: %v", err)
		return
	}
	for i, r := range rows {
		if r.Count < 1 || (i > 0 && !zootour.CensusLess(rows[i-1].Cursor(), r.Cursor())) {
			t.Errorf("Census(%s) out of order or with an empty row: %+v", on, rows)
			break
		}
	}
}

// whereSpecies holds species whose code point order differs from any
// locale's: upper case before lower, letters with accents after both.
var whereSpecies = []string{"Zebra", "zebra", "Äffchen", "ant", "Ant", "Œuf", "象", "Kea 🦜"}

// testWhereRandom imports random zoos, animals and visits into the store
// and the model, asks both every question at random (dates, animals,
// zoos, windows, pages), then makes random writes and asks again.
func testWhereRandom(t *testing.T, open func(t *testing.T) zootour.Store) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 1955))
			w := newWorld(t, open(t))
			start := d("2023-01-01")
			const days = 730
			w.importRandom(r, 100, 300, 3000, days, start)
			w.checkRandomWhereWhen(r, start, days)
			var deletedZoos, deletedAnimals []int64
			for range 300 {
				w.randomWrite(r, start, days, &deletedZoos, &deletedAnimals)
			}
			w.checkRandomWhereWhen(r, start, days)
		})
	}
}

// importRandom imports zoos, animals and visits into the store and the
// model. A tenth of the zoos draw a quarter of the visits, and another
// quarter go back to the animal's zoo of its visit before, so that stays
// merge and animals meet.
func (w *world) importRandom(r *rand.Rand, nZoos, nAnimals, nVisits, days int, start zootour.Date) {
	t := w.t
	var zoos []zootour.Zoo
	var animals []zootour.Animal
	var visits []zootour.Visit
	for i := range nZoos {
		zoos = append(zoos, zootour.Zoo{ID: int64(i + 1), Name: pick(r, names), Location: pick(r, names)})
	}
	for i := range nAnimals {
		animals = append(animals, zootour.Animal{ID: int64(i + 1), Name: pick(r, names), Species: pick(r, whereSpecies)})
	}
	type key struct {
		animal int64
		date   zootour.Date
	}
	taken := map[key]bool{}
	last := map[int64]int64{}
	for len(visits) < nVisits {
		a := pick(r, animals).ID
		k := key{a, start.AddDays(r.IntN(days))}
		if taken[k] {
			continue
		}
		taken[k] = true
		zoo := pick(r, zoos).ID
		switch n := r.IntN(4); {
		case n == 0 && last[a] != 0:
			zoo = last[a]
		case n == 1:
			zoo = pick(r, zoos[:nZoos/10]).ID
		}
		last[a] = zoo
		visits = append(visits, zootour.Visit{ID: int64(len(visits) + 1), Date: k.date, ZooID: zoo, AnimalID: a})
	}
	noErr(t, w.s.Import(t.Context(), source(zoos, animals, visits)))
	for _, z := range zoos {
		w.m.Zoos[z.ID] = z
	}
	for _, a := range animals {
		w.m.Animals[a.ID] = a
	}
	for _, v := range visits {
		w.m.AddVisit(v)
	}
}

// randomDate returns a date on which answers are likely to change: a
// visit's date, the day before one, or any day in or around the range.
func (w *world) randomDate(r *rand.Rand, start zootour.Date, days int) zootour.Date {
	switch n := r.IntN(3); {
	case n == 0 || len(w.m.Visits) == 0:
		return start.AddDays(r.IntN(days+20) - 10)
	case n == 1:
		return pick(r, w.m.Visits).Date
	}
	return pick(r, w.m.Visits).Date.AddDays(-1)
}

func (w *world) randomContactQuery(r *rand.Rand, start zootour.Date, days int) zootour.ContactQuery {
	var q zootour.ContactQuery
	from := w.randomDate(r, start, days)
	switch r.IntN(5) {
	case 1:
		q.From = from
	case 2:
		q.To = from
	case 3:
		q.From, q.To = from, from
	case 4:
		q.From, q.To = from, from.AddDays(r.IntN(60))
	}
	return q
}

// checkRandomWhereWhen asks the store and the model every question: every
// animal's stays and whereabouts, and a sample of the rest, some of them
// walked in pages.
func (w *world) checkRandomWhereWhen(r *rand.Rand, start zootour.Date, days int) {
	t := w.t
	failed := 0
	fail := func(ok bool) {
		if !ok {
			if failed++; failed > 10 {
				t.Fatal("too many differences")
			}
		}
	}
	as, zs := w.animalIDs(), w.zooIDs()
	for _, a := range as {
		fail(w.checkStays(a, zootour.Date{}, 0))
		fail(w.checkWhere(a, w.randomDate(r, start, days)))
		fail(w.checkWhere(a, w.randomDate(r, start, days)))
	}
	for range 20 {
		fail(w.checkPresent(pick(r, zs), w.randomDate(r, start, days), zootour.Position{}, 0))
	}
	// The model is slow to find contacts: a dozen will do.
	for range 12 {
		fail(w.checkContacts(pick(r, as), w.randomContactQuery(r, start, days)))
	}
	for range 6 {
		fail(w.checkCensus(w.randomDate(r, start, days), zootour.Cursor{}, 0))
	}
	for range 2 {
		w.walkStays(pick(r, as), 1+r.IntN(3))
		w.walkContacts(pick(r, as), w.randomContactQuery(r, start, days), 1+r.IntN(3))
		w.walkPresent(pick(r, zs[:max(1, len(zs)/10)]), w.randomDate(r, start, days), 1+r.IntN(3))
	}
	w.walkCensus(w.randomDate(r, start, days), 5+r.IntN(20))
	w.checkDerived()
}

// checkDerived asks a store that keeps derived data to rebuild it from the
// records and compare: after every write above, none may differ.
func (w *world) checkDerived() {
	w.t.Helper()
	c, ok := w.s.(zootour.Checker)
	if !ok {
		return
	}
	diffs, err := c.Check(w.t.Context(), 20)
	if err != nil {
		w.t.Fatalf("Check: %v", err)
	}
	for _, d := range diffs {
		w.t.Errorf("Check: %s", d)
	}
}

// pageOf returns the entries of all, a sorted listing, that keep selects
// (those after a cursor), at most limit of them (0 for all).
func pageOf[T any](all []T, keep func(T) bool, limit int) []T {
	var out []T
	for _, e := range all {
		if keep(e) {
			if out = append(out, e); len(out) == limit {
				break
			}
		}
	}
	return out
}

// The check methods compare one answer of the store with the model's, and
// report whether they agree.

func (w *world) checkStays(id int64, after zootour.Date, limit int) bool {
	w.t.Helper()
	got, err := whereWhen(w.t, w.s).AnimalStays(w.t.Context(), id, zootour.StayQuery{After: zootour.Cursor{Date: after}, Limit: limit})
	want := pageOf(w.m.Stays(id), func(s zootour.Stay) bool { return s.From.After(after) }, limit)
	return w.agree(fmt.Sprintf("AnimalStays(%d, %s, %d)", id, after, limit), want, got, err)
}

func (w *world) checkWhere(id int64, on zootour.Date) bool {
	w.t.Helper()
	got, err := whereWhen(w.t, w.s).AnimalWhere(w.t.Context(), id, on)
	return w.agree(fmt.Sprintf("AnimalWhere(%d, %s)", id, on), w.m.Where(id, on), got, err)
}

func (w *world) checkPresent(zooID int64, on zootour.Date, after zootour.Position, limit int) bool {
	w.t.Helper()
	got, err := whereWhen(w.t, w.s).ZooPresent(w.t.Context(), zooID, zootour.PresentQuery{On: on, After: after, Limit: limit})
	want := pageOf(w.m.Present(zooID, on), func(p zootour.Presence) bool { return after.Less(p.Position()) }, limit)
	return w.agree(fmt.Sprintf("ZooPresent(%d, %s, %+v, %d)", zooID, on, after, limit), want, got, err)
}

func (w *world) wantContacts(id int64, q zootour.ContactQuery) []zootour.Contact {
	after, limit := q.After, q.Limit
	q.After, q.Limit = zootour.Cursor{}, 0
	return pageOf(w.near(id).Contacts(id, q), func(c zootour.Contact) bool { return c.ID > after.ID }, limit)
}

// near returns the model cut down to the animal and the animals with a
// visit to one of its zoos, each with all its visits: the only animals
// that can be its contacts, with everything that decides their stays.
// Model.Contacts, which works out every stay of every animal once per stay
// of the animal asked about, answers the same from it, sooner.
func (w *world) near(id int64) *teaching.Model {
	zoos := map[int64]bool{}
	for _, v := range w.m.Visits {
		if v.AnimalID == id {
			zoos[v.ZooID] = true
		}
	}
	n := teaching.New()
	n.Zoos = w.m.Zoos
	for _, v := range w.m.Visits {
		if zoos[v.ZooID] {
			n.Animals[v.AnimalID] = w.m.Animals[v.AnimalID]
		}
	}
	if a, ok := w.m.Animals[id]; ok {
		n.Animals[id] = a
	}
	for _, v := range w.m.Visits {
		if _, ok := n.Animals[v.AnimalID]; ok {
			n.AddVisit(v)
		}
	}
	return n
}

func (w *world) checkContacts(id int64, q zootour.ContactQuery) bool {
	w.t.Helper()
	got, err := whereWhen(w.t, w.s).AnimalContacts(w.t.Context(), id, q)
	return w.agree(fmt.Sprintf("AnimalContacts(%d, %+v)", id, q), w.wantContacts(id, q), got, err)
}

func (w *world) checkCensus(on zootour.Date, after zootour.Cursor, limit int) bool {
	w.t.Helper()
	got, err := whereWhen(w.t, w.s).Census(w.t.Context(), zootour.CensusQuery{On: on, After: after, Limit: limit})
	want := pageOf(w.m.Census(on), func(r zootour.CensusRow) bool { return zootour.CensusLess(after, r.Cursor()) }, limit)
	return w.agree(fmt.Sprintf("Census(%s, %+v, %d)", on, after, limit), want, got, err)
}

func (w *world) agree(what string, want, got any, err error) bool {
	w.t.Helper()
	if err != nil {
		w.t.Errorf("%s: %v", what, err)
		return false
	}
	if d := diff(want, got); d != "" {
		w.t.Errorf("%s (-want +got):\n%s", what, d)
		return false
	}
	return true
}

// The walk methods page through a listing and compare the pages, put
// together, with the model's whole listing.

func (w *world) walkStays(id int64, limit int) {
	w.t.Helper()
	got := walkPages(w.t, fmt.Sprint("AnimalStays of ", id), limit,
		func(after zootour.Cursor) ([]zootour.Stay, error) {
			return whereWhen(w.t, w.s).AnimalStays(w.t.Context(), id, zootour.StayQuery{After: after, Limit: limit})
		},
		zootour.Stay.Cursor)
	w.agree(fmt.Sprintf("AnimalStays(%d) walked %d at a time", id, limit), w.m.Stays(id), got, nil)
}

func (w *world) walkPresent(zooID int64, on zootour.Date, limit int) {
	w.t.Helper()
	got := walkPages(w.t, fmt.Sprintf("ZooPresent of %d on %s", zooID, on), limit,
		func(after zootour.Position) ([]zootour.Presence, error) {
			return whereWhen(w.t, w.s).ZooPresent(w.t.Context(), zooID, zootour.PresentQuery{On: on, After: after, Limit: limit})
		},
		zootour.Presence.Position)
	w.agree(fmt.Sprintf("ZooPresent(%d, %s) walked %d at a time", zooID, on, limit), w.m.Present(zooID, on), got, nil)
}

func (w *world) walkContacts(id int64, q zootour.ContactQuery, limit int) {
	w.t.Helper()
	got := walkPages(w.t, fmt.Sprintf("AnimalContacts of %d, %+v", id, q), limit,
		func(after zootour.Cursor) ([]zootour.Contact, error) {
			q := q
			q.After, q.Limit = after, limit
			return whereWhen(w.t, w.s).AnimalContacts(w.t.Context(), id, q)
		},
		zootour.Contact.Cursor)
	w.agree(fmt.Sprintf("AnimalContacts(%d, %+v) walked %d at a time", id, q, limit), w.wantContacts(id, q), got, nil)
}

func (w *world) walkCensus(on zootour.Date, limit int) {
	w.t.Helper()
	got := walkPages(w.t, fmt.Sprint("Census on ", on), limit,
		func(after zootour.Cursor) ([]zootour.CensusRow, error) {
			return whereWhen(w.t, w.s).Census(w.t.Context(), zootour.CensusQuery{On: on, After: after, Limit: limit})
		},
		zootour.CensusRow.Cursor)
	w.agree(fmt.Sprintf("Census(%s) walked %d at a time", on, limit), w.m.Census(on), got, nil)
}

// walkPages fetches a listing limit entries at a time, each page after the
// key of the last entry of the page before, until a page comes back short.
func walkPages[T, K any](t *testing.T, what string, limit int, fetch func(after K) ([]T, error), key func(T) K) []T {
	t.Helper()
	var all []T
	var after K
	for pages := 0; ; pages++ {
		page, err := fetch(after)
		if err != nil {
			t.Fatalf("%s after %+v: %v", what, after, err)
		}
		if len(page) > limit {
			t.Fatalf("%s after %+v gave %d entries, more than the limit %d", what, after, len(page), limit)
		}
		all = append(all, page...)
		if len(page) < limit {
			return all
		}
		if pages > 10000 {
			t.Fatalf("%s: paging does not end", what)
		}
		after = key(page[len(page)-1])
	}
}
