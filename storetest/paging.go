package storetest

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/zootour/zootour"
)

func testWindows(t *testing.T, open func(t *testing.T) zootour.Store) {
	w := newWorld(t, open(t))
	x, y := w.zoo("X", "L"), w.zoo("Y", "L")
	a, b, c := w.animal("A", "S"), w.animal("B", "S"), w.animal("C", "S")
	for _, v := range []struct {
		date   string
		zoo    zootour.Zoo
		animal zootour.Animal
	}{
		{"2024-01-03", x, a}, {"2024-01-01", x, b}, {"2024-01-01", x, a}, {"2024-01-02", y, a},
		{"2024-01-03", x, b}, {"2024-01-05", x, c}, {"2024-01-05", y, a}, {"2024-01-02", x, c},
		{"0001-01-01", y, b}, {"9999-12-31", y, b}, {"9999-12-31", x, c}, {"0001-01-01", x, a},
		{"2024-01-04", x, a}, {"2024-01-03", y, c},
	} {
		w.visit(d(v.date), v.zoo.ID, v.animal.ID)
	}
	// Window ends on the dates of visits, between them and beyond them.
	ends := []zootour.Date{{}, zootour.MinDate, d("0001-01-02"), d("2023-12-31"), d("2024-01-01"), d("2024-01-02"),
		d("2024-01-03"), d("2024-01-05"), d("2024-01-06"), d("9999-12-30"), zootour.MaxDate}
	ctx := t.Context()
	for _, l := range listers {
		for _, id := range w.owners(l) {
			for _, from := range ends {
				for _, to := range ends {
					q := zootour.Query{From: from, To: to}
					if !from.IsZero() && !to.IsZero() && to.Before(from) {
						_, err := l.get(ctx, w.s, id, q)
						code(t, fmt.Sprintf("%s(%d) from %s to %s", l.name, id, from, to), err, zootour.EINVALID)
						continue
					}
					w.check(l, id, q)
					q.Distinct = true // no effect on a listing of visits
					w.check(l, id, q)
				}
			}
		}
		_, err := l.get(ctx, w.s, x.ID, zootour.Query{Limit: -1})
		code(t, l.name+" with a negative limit", err, zootour.EINVALID)
	}
	// Spot checks of the model itself, so that the suite does not rest on it alone.
	got := must(w.s.ZooVisits(ctx, x.ID, zootour.Query{From: d("2024-01-03"), To: d("2024-01-03")}))(t)
	if len(got) != 2 || got[0].Date != d("2024-01-03") || got[0].ID > got[1].ID {
		t.Errorf("ZooVisits of X on 2024-01-03 = %+v, want the two visits of that day in ID order", got)
	}
	got = must(w.s.AnimalVisits(ctx, b.ID, zootour.Query{From: zootour.MinDate, To: zootour.MinDate}))(t)
	if len(got) != 1 || got[0].Date != zootour.MinDate {
		t.Errorf("AnimalVisits of B on 0001-01-01 = %+v, want one visit", got)
	}
}

func testPageByID(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	var zoos []zootour.Zoo
	var animals []zootour.Animal
	for i := range 9 {
		zoos = append(zoos, addZoo(t, s, fmt.Sprint("Z", i), "L"))
		animals = append(animals, addAnimal(t, s, fmt.Sprint("A", i), "S"))
	}
	var visits []zootour.Visit
	for i := range 9 {
		visits = append(visits, addVisit(t, s, "2024-01-01", zoos[0].ID, animals[i].ID))
	}
	// Gaps in the IDs: paging goes by key, not by count.
	for _, i := range []int{7, 3, 4} {
		noErr(t, s.DeleteZoo(ctx, zoos[i].ID, false))
		zoos = append(zoos[:i], zoos[i+1:]...)
		noErr(t, s.DeleteVisit(ctx, visits[i].ID))
		visits = append(visits[:i], visits[i+1:]...)
		noErr(t, s.DeleteAnimal(ctx, animals[i].ID, false))
		animals = append(animals[:i], animals[i+1:]...)
	}
	checkPaging(t, "Zoos", zoos, func(after zootour.Cursor, limit int) ([]zootour.Zoo, error) {
		return s.FindZoos(ctx, zootour.ZooFilter{After: after, Limit: limit})
	}, func(z zootour.Zoo) int64 { return z.ID }, func() zootour.Zoo { return addZoo(t, s, "new", "L") })
	checkPaging(t, "Animals", animals, func(after zootour.Cursor, limit int) ([]zootour.Animal, error) {
		return s.FindAnimals(ctx, zootour.AnimalFilter{After: after, Limit: limit})
	}, func(a zootour.Animal) int64 { return a.ID }, func() zootour.Animal { return addAnimal(t, s, "new", "S") })
	checkPaging(t, "Visits", visits, func(after zootour.Cursor, limit int) ([]zootour.Visit, error) {
		return s.FindVisits(ctx, zootour.VisitFilter{After: after, Limit: limit})
	}, func(v zootour.Visit) int64 { return v.ID }, func() zootour.Visit { return addVisit(t, s, "2023-01-01", zoos[1].ID, animals[0].ID) })
}

// checkPaging checks a listing by ID against all, its records in ID order,
// and that a cursor still works after add has created a record.
func checkPaging[T any](t *testing.T, name string, all []T, list func(after zootour.Cursor, limit int) ([]T, error), id func(T) int64, add func() T) {
	t.Helper()
	after := func(id int64) zootour.Cursor { return zootour.Cursor{ID: id} }
	_, err := list(zootour.Cursor{}, -1)
	code(t, name+" with a negative limit", err, zootour.EINVALID)
	if d := diff(all, must(list(zootour.Cursor{}, 0))(t)); d != "" {
		t.Fatalf("%s (-want +got):\n%s", name, d)
	}
	for limit := 1; limit <= len(all)+1; limit++ {
		var got []T
		var c zootour.Cursor
		for {
			page := must(list(c, limit))(t)
			if len(page) > limit {
				t.Fatalf("%s(after %+v, limit %d) gave %d records", name, c, limit, len(page))
			}
			got = append(got, page...)
			if len(page) < limit {
				break
			}
			c = after(id(page[len(page)-1]))
		}
		if d := diff(all, got); d != "" {
			t.Errorf("%s walked %d at a time (-want +got):\n%s", name, limit, d)
		}
	}
	for i, r := range all {
		// After the ID of a record, and after an ID in a gap before the next.
		if d := diff(all[i+1:], must(list(after(id(r)), 0))(t)); d != "" {
			t.Errorf("%s after %d (-want +got):\n%s", name, id(r), d)
		}
		if i+1 < len(all) && id(all[i+1]) > id(r)+1 {
			if d := diff(all[i+1:], must(list(after(id(r)+1), 0))(t)); d != "" {
				t.Errorf("%s after %d, a deleted ID (-want +got):\n%s", name, id(r)+1, d)
			}
		}
	}
	last := id(all[len(all)-1])
	if got := must(list(after(last), 0))(t); len(got) != 0 {
		t.Errorf("%s after the last ID = %v, want none", name, got)
	}
	if got := must(list(after(1<<63-1), 0))(t); len(got) != 0 {
		t.Errorf("%s after the largest ID = %v, want none", name, got)
	}
	// A cursor taken before a record is created still leads to the rest.
	first := must(list(zootour.Cursor{}, 2))(t)
	added := add()
	want := append(append([]T{}, all[2:]...), added)
	if d := diff(want, must(list(after(id(first[1])), 0))(t)); d != "" {
		t.Errorf("%s after a create (-want +got):\n%s", name, d)
	}
}

// relationshipWorld is a store with enough visits, on few enough dates,
// that every listing has repeated animals and zoos and shared dates.
func relationshipWorld(t *testing.T, open func(t *testing.T) zootour.Store) *world {
	w := newWorld(t, open(t))
	w.fill(rand.New(rand.NewPCG(7, 7)), 5, 7, 90, 20, d("2024-03-01"))
	return w
}

func testPageRelationships(t *testing.T, open func(t *testing.T) zootour.Store) {
	w := relationshipWorld(t, open)
	queries := []zootour.Query{{}, {From: d("2024-03-05"), To: d("2024-03-15")}, {From: d("2024-03-10")}}
	for _, l := range listers {
		for _, id := range w.owners(l) {
			for _, q := range queries {
				for _, distinct := range []bool{false, true} {
					if distinct && !l.distinct {
						continue
					}
					q.Distinct = distinct
					want := w.want(l, id, q)
					for _, limit := range []int{1, 2, 5, 100} {
						if d := diff(want, w.walk(l, id, q, limit)); d != "" {
							t.Errorf("%s(%d, %+v) walked %d at a time (-want +got):\n%s", l.name, id, q, limit, d)
						}
					}
					// A cursor at each entry.
					for _, e := range want {
						q := q
						q.After = e.Pos
						w.check(l, id, q)
						q.Limit = 2
						w.check(l, id, q)
					}
				}
			}
		}
	}
}

// testCursorAfterWrites takes a page, writes visits before, at and after
// its cursor, and checks that the cursor leads to the rest of the listing
// as it now is.
func testCursorAfterWrites(t *testing.T, open func(t *testing.T) zootour.Store) {
	w := relationshipWorld(t, open)
	r := rand.New(rand.NewPCG(8, 8))
	zs, as := w.zooIDs(), w.animalIDs()
	for _, l := range listers {
		for _, distinct := range []bool{false, true} {
			if distinct && !l.distinct {
				continue
			}
			id := w.owners(l)[0]
			q := zootour.Query{Distinct: distinct, Limit: 4}
			page := must(l.get(t.Context(), w.s, id, q))(t)
			if len(page) < 4 {
				t.Fatalf("%s(%d): only %d entries", l.name, id, len(page))
			}
			cursor := page[3].Pos
			for _, days := range []int{-3, 0, 0, 2, 9} {
				date := cursor.Date.AddDays(days)
				zoo, animal := pick(r, zs), pick(r, as)
				if l.ofZoo {
					zoo = id
				} else {
					animal = id
				}
				w.visit(date, zoo, animal)
			}
			q.After, q.Limit = cursor, 0
			w.check(l, id, q)
			q.Limit = 3
			if d := diff(w.want(l, id, zootour.Query{Distinct: distinct, After: cursor}), w.walk(l, id, q, 3)); d != "" {
				t.Errorf("%s(%d) walked from %+v after writes (-want +got):\n%s", l.name, id, cursor, d)
			}
		}
	}
}
