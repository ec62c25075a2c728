package sqlite_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/sqlite"
	"github.com/zootour/zootour/teaching"
)

var dateOpt = cmp.AllowUnexported(zootour.Date{})

// touringStore imports the same random tours into a store and a teaching
// model: each animal's visits in date order, a visit staying at the last
// zoo often enough to make stays of several visits, visit IDs shuffled so
// that ID order is not date order. Species differ in case and accents, to
// test code point order. One animal tours the first and last dates there
// are, and one never tours.
func touringStore(t *testing.T, seed uint64, zoos, animals, visits int) (*sqlite.Store, *teaching.Model) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	m := teaching.New()
	species := []string{"Zebra", "zebra", "Élan", "Elan", "ant", "Ant", "émeu", "okapi"}
	for i := 1; i <= zoos; i++ {
		m.Zoos[int64(i)] = zootour.Zoo{ID: int64(i), Name: fmt.Sprintf("Zoo %d", i), Location: "L"}
	}
	for i := 1; i <= animals; i++ {
		m.Animals[int64(i)] = zootour.Animal{ID: int64(i), Name: fmt.Sprintf("Animal %d", i), Species: species[r.IntN(len(species))]}
	}
	start := zootour.MustDate("2020-01-01")
	var vs []zootour.Visit
	perAnimal := visits / (animals - 1)
	for a := int64(1); a < int64(animals); a++ { // the last animal never tours
		if a == 1 {
			vs = append(vs,
				zootour.Visit{Date: zootour.MinDate, ZooID: 1, AnimalID: a},
				zootour.Visit{Date: start, ZooID: 2, AnimalID: a},
				zootour.Visit{Date: zootour.MaxDate, ZooID: 1, AnimalID: a})
			continue
		}
		days := map[int]bool{}
		for range perAnimal {
			days[r.IntN(1000)] = true
		}
		sorted := slices.Sorted(func(yield func(int) bool) {
			for d := range days {
				if !yield(d) {
					return
				}
			}
		})
		zoo := int64(r.IntN(zoos) + 1)
		for _, d := range sorted {
			if r.IntN(100) >= 40 {
				zoo = int64(r.IntN(zoos) + 1)
			}
			vs = append(vs, zootour.Visit{Date: start.AddDays(d), ZooID: zoo, AnimalID: a})
		}
	}
	ids := r.Perm(len(vs))
	for i := range vs {
		vs[i].ID = int64(ids[i] + 1)
		m.AddVisit(vs[i])
	}
	slices.SortFunc(vs, func(a, b zootour.Visit) int { return int(a.ID - b.ID) })

	s := newStore(t)
	src := zootour.Source{
		Zoos:    seq(sortedValues(m.Zoos)...),
		Animals: seq(sortedValues(m.Animals)...),
		Visits:  seq(vs...),
	}
	if err := s.Import(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	return s, m
}

func sortedValues[T any](m map[int64]T) []T {
	var out []T
	for _, k := range slices.Sorted(func(yield func(int64) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}) {
		out = append(out, m[k])
	}
	return out
}

// edgeDates returns the dates worth asking about: every visit date (the day
// of an arrival or a move), the days either side of it, and the first and
// last dates there are.
func edgeDates(vs []zootour.Visit) []zootour.Date {
	set := map[zootour.Date]bool{zootour.MinDate: true, zootour.MaxDate: true}
	for _, v := range vs {
		set[v.Date] = true
		set[v.Date.AddDays(-1)] = true
		set[v.Date.AddDays(1)] = true
	}
	out := make([]zootour.Date, 0, len(set))
	for d := range set {
		out = append(out, d)
	}
	slices.SortFunc(out, zootour.Date.Compare)
	return out
}

// sample returns n of ds, spread evenly, always with the first and last.
func sample(ds []zootour.Date, n int) []zootour.Date {
	if len(ds) <= n {
		return ds
	}
	out := make([]zootour.Date, 0, n)
	for i := range n {
		out = append(out, ds[i*(len(ds)-1)/(n-1)])
	}
	return out
}

func TestWhereWhenMatchesTeaching(t *testing.T) {
	ctx := context.Background()
	s, m := touringStore(t, 1, 12, 100, 3000)
	animals := slices.Sorted(func(yield func(int64) bool) {
		for id := range m.Animals {
			if !yield(id) {
				return
			}
		}
	})

	t.Run("stays and where", func(t *testing.T) {
		for _, id := range animals {
			want := m.Stays(id)
			got := pagedStays(t, s, id)
			if diff := cmp.Diff(want, got, dateOpt); diff != "" {
				t.Fatalf("AnimalStays(%d) (-want +got):\n%s", id, diff)
			}
			for _, d := range edgeDates(m.AnimalVisits(id, zootour.Query{})) {
				got, err := s.AnimalWhere(ctx, id, d)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(m.Where(id, d), got); diff != "" {
					t.Fatalf("AnimalWhere(%d, %s) (-want +got):\n%s", id, d, diff)
				}
			}
		}
	})

	t.Run("present", func(t *testing.T) {
		for zoo := int64(1); zoo <= 12; zoo++ {
			for _, d := range sample(edgeDates(m.ZooVisits(zoo, zootour.Query{})), 25) {
				want := m.Present(zoo, d)
				got := pagedPresent(t, s, zoo, d)
				if diff := cmp.Diff(want, got, dateOpt); diff != "" {
					t.Fatalf("ZooPresent(%d, %s) (-want +got):\n%s", zoo, d, diff)
				}
			}
		}
	})

	t.Run("census", func(t *testing.T) {
		for _, d := range sample(edgeDates(m.Visits), 30) {
			want := m.Census(d)
			got := pagedCensus(t, s, d)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("Census(%s) (-want +got):\n%s", d, diff)
			}
		}
	})

	t.Run("contacts", func(t *testing.T) {
		d := zootour.MustDate
		for i, id := range animals {
			if i%12 != 0 && id != 1 && id != 2 {
				continue // the model compares every pair of stays: keep it quick
			}
			vs := m.AnimalVisits(id, zootour.Query{})
			windows := []zootour.ContactQuery{{}, {From: d("2020-06-01")}, {To: d("2020-03-31")}, {From: d("2021-01-01"), To: d("2021-01-31")}}
			if len(vs) > 2 {
				move := vs[len(vs)/2].Date // a one-day window on the day of a visit, and the day before
				windows = append(windows, zootour.ContactQuery{From: move, To: move},
					zootour.ContactQuery{From: move.AddDays(-1), To: move.AddDays(-1)})
			}
			for _, q := range windows {
				want := m.Contacts(id, q)
				got := pagedContacts(t, s, id, q)
				if diff := cmp.Diff(want, got, dateOpt); diff != "" {
					t.Fatalf("AnimalContacts(%d, %+v) (-want +got):\n%s", id, q, diff)
				}
			}
		}
	})
}

// pagedStays lists an animal's stays whole, then in pages of 2, checks
// that both agree and returns them.
func pagedStays(t *testing.T, s *sqlite.Store, id int64) []zootour.Stay {
	t.Helper()
	return paged(t, 2,
		func(after zootour.Cursor, limit int) ([]zootour.Stay, error) {
			return s.AnimalStays(context.Background(), id, zootour.StayQuery{After: after, Limit: limit})
		},
		zootour.Stay.Cursor)
}

func pagedPresent(t *testing.T, s *sqlite.Store, zoo int64, on zootour.Date) []zootour.Presence {
	t.Helper()
	return paged(t, 3,
		func(after zootour.Cursor, limit int) ([]zootour.Presence, error) {
			return s.ZooPresent(context.Background(), zoo, zootour.PresentQuery{On: on, After: after, Limit: limit})
		},
		zootour.Presence.Position)
}

func pagedCensus(t *testing.T, s *sqlite.Store, on zootour.Date) []zootour.CensusRow {
	t.Helper()
	return paged(t, 3,
		func(after zootour.Cursor, limit int) ([]zootour.CensusRow, error) {
			return s.Census(context.Background(), zootour.CensusQuery{On: on, After: after, Limit: limit})
		},
		zootour.CensusRow.Cursor)
}

func pagedContacts(t *testing.T, s *sqlite.Store, id int64, q zootour.ContactQuery) []zootour.Contact {
	t.Helper()
	return paged(t, 2,
		func(after zootour.Cursor, limit int) ([]zootour.Contact, error) {
			q := q
			q.After, q.Limit = after, limit
			return s.AnimalContacts(context.Background(), id, q)
		},
		zootour.Contact.Cursor)
}

// paged fetches a listing whole (limit 0), then in pages of n, checks that
// both agree and returns the whole.
func paged[T any](t *testing.T, n int, fetch func(after zootour.Cursor, limit int) ([]T, error), key func(T) zootour.Cursor) []T {
	t.Helper()
	whole, err := fetch(zootour.Cursor{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var all []T
	for after := (zootour.Cursor{}); ; {
		page, err := fetch(after, n)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, page...)
		if len(page) < n {
			break
		}
		after = key(page[len(page)-1])
	}
	if diff := cmp.Diff(whole, all, dateOpt); diff != "" {
		t.Fatalf("paged listing differs from the whole (-whole +paged):\n%s", diff)
	}
	return whole
}

// TestWhereWhenErrors checks the error contract of every question.
func TestWhereWhenErrors(t *testing.T) {
	ctx := context.Background()
	s, _ := touringStore(t, 2, 3, 5, 40)
	on := zootour.MustDate("2020-06-01")
	var err error
	check := func(name, code string) {
		t.Helper()
		if got := zootour.ErrorCode(err); got != code {
			t.Errorf("%s: error %v has code %q, want %q", name, err, got, code)
		}
	}
	_, err = s.AnimalStays(ctx, 0, zootour.StayQuery{Limit: 0})
	check("AnimalStays(0)", zootour.EINVALID)
	_, err = s.AnimalStays(ctx, 99, zootour.StayQuery{Limit: 0})
	check("AnimalStays(missing)", zootour.ENOTFOUND)
	_, err = s.AnimalStays(ctx, 1, zootour.StayQuery{Limit: -1})
	check("AnimalStays(limit -1)", zootour.EINVALID)

	_, err = s.AnimalWhere(ctx, -3, on)
	check("AnimalWhere(-3)", zootour.EINVALID)
	_, err = s.AnimalWhere(ctx, 99, on)
	check("AnimalWhere(missing)", zootour.ENOTFOUND)
	_, err = s.AnimalWhere(ctx, 1, zootour.Date{})
	check("AnimalWhere(no date)", zootour.EINVALID)

	_, err = s.ZooPresent(ctx, 0, zootour.PresentQuery{On: on, Limit: 0})
	check("ZooPresent(0)", zootour.EINVALID)
	_, err = s.ZooPresent(ctx, 99, zootour.PresentQuery{On: on, Limit: 0})
	check("ZooPresent(missing)", zootour.ENOTFOUND)
	_, err = s.ZooPresent(ctx, 1, zootour.PresentQuery{On: zootour.Date{}, Limit: 0})
	check("ZooPresent(no date)", zootour.EINVALID)
	_, err = s.ZooPresent(ctx, 1, zootour.PresentQuery{On: on, Limit: -1})
	check("ZooPresent(limit -1)", zootour.EINVALID)

	_, err = s.AnimalContacts(ctx, 0, zootour.ContactQuery{})
	check("AnimalContacts(0)", zootour.EINVALID)
	_, err = s.AnimalContacts(ctx, 99, zootour.ContactQuery{})
	check("AnimalContacts(missing)", zootour.ENOTFOUND)
	_, err = s.AnimalContacts(ctx, 1, zootour.ContactQuery{From: on, To: on.AddDays(-1)})
	check("AnimalContacts(from after to)", zootour.EINVALID)
	_, err = s.AnimalContacts(ctx, 1, zootour.ContactQuery{Limit: -1})
	check("AnimalContacts(limit -1)", zootour.EINVALID)

	_, err = s.Census(ctx, zootour.CensusQuery{On: zootour.Date{}, Limit: 0})
	check("Census(no date)", zootour.EINVALID)
	_, err = s.Census(ctx, zootour.CensusQuery{On: on, Limit: -1})
	check("Census(limit -1)", zootour.EINVALID)

	// An animal that never toured is nowhere and has no stays or contacts.
	where, err := s.AnimalWhere(ctx, 5, on)
	if err != nil || where != nil {
		t.Errorf("AnimalWhere(never toured) = %v, %v; want nil, nil", where, err)
	}
	stays, err := s.AnimalStays(ctx, 5, zootour.StayQuery{Limit: 0})
	if err != nil || len(stays) != 0 {
		t.Errorf("AnimalStays(never toured) = %v, %v; want none", stays, err)
	}
	contacts, err := s.AnimalContacts(ctx, 5, zootour.ContactQuery{})
	if err != nil || len(contacts) != 0 {
		t.Errorf("AnimalContacts(never toured) = %v, %v; want none", contacts, err)
	}
}

// TestStaysExample checks the stays of one small itinerary by hand: two
// visits to zoo 1 merge, a move to zoo 2 ends that stay, a return to zoo 1
// opens a new one that is still going.
func TestStaysExample(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	d := zootour.MustDate
	src := zootour.Source{
		Zoos:    seq(zootour.Zoo{ID: 1, Name: "A", Location: "L"}, zootour.Zoo{ID: 2, Name: "B", Location: "L"}),
		Animals: seq(zootour.Animal{ID: 1, Name: "Ada", Species: "S"}, zootour.Animal{ID: 2, Name: "Bo", Species: "S"}),
		Visits: seq(
			zootour.Visit{ID: 4, Date: d("2024-01-01"), ZooID: 1, AnimalID: 1},
			zootour.Visit{ID: 3, Date: d("2024-01-05"), ZooID: 1, AnimalID: 1},
			zootour.Visit{ID: 2, Date: d("2024-02-01"), ZooID: 2, AnimalID: 1},
			zootour.Visit{ID: 1, Date: d("2024-03-01"), ZooID: 1, AnimalID: 1},
			zootour.Visit{ID: 5, Date: d("2024-01-03"), ZooID: 1, AnimalID: 2},
			zootour.Visit{ID: 6, Date: d("2024-02-01"), ZooID: 1, AnimalID: 2},
		),
	}
	if err := s.Import(ctx, src); err != nil {
		t.Fatal(err)
	}
	ptr := func(s string) *zootour.Date { x := d(s); return &x }
	stays, err := s.AnimalStays(ctx, 1, zootour.StayQuery{Limit: 0})
	if err != nil {
		t.Fatal(err)
	}
	want := []zootour.Stay{
		{ZooID: 1, From: d("2024-01-01"), To: ptr("2024-02-01"), Visits: 2},
		{ZooID: 2, From: d("2024-02-01"), To: ptr("2024-03-01"), Visits: 1},
		{ZooID: 1, From: d("2024-03-01"), Visits: 1},
	}
	if diff := cmp.Diff(want, stays, dateOpt); diff != "" {
		t.Fatalf("stays (-want +got):\n%s", diff)
	}
	// Bo arrived on 01-03 and stays on (its second visit is to the same
	// zoo): it overlaps Ada's first stay and her return.
	contacts, err := s.AnimalContacts(ctx, 1, zootour.ContactQuery{})
	if err != nil {
		t.Fatal(err)
	}
	wantC := []zootour.Contact{{
		Animal: zootour.Animal{ID: 2, Name: "Bo", Species: "S"},
		Overlaps: []zootour.Overlap{
			{ZooID: 1, From: d("2024-01-03"), To: ptr("2024-02-01")},
			{ZooID: 1, From: d("2024-03-01")},
		},
	}}
	if diff := cmp.Diff(wantC, contacts, dateOpt); diff != "" {
		t.Fatalf("contacts (-want +got):\n%s", diff)
	}
	present, err := s.ZooPresent(ctx, 1, zootour.PresentQuery{On: d("2024-02-01"), Limit: 0})
	if err != nil {
		t.Fatal(err)
	}
	wantP := []zootour.Presence{{Animal: zootour.Animal{ID: 2, Name: "Bo", Species: "S"}, From: d("2024-01-03")}}
	if diff := cmp.Diff(wantP, present, dateOpt); diff != "" {
		t.Fatalf("present on the day Ada left (-want +got):\n%s", diff)
	}
}
