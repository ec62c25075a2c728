package storetest

import (
	"errors"
	"strings"
	"testing"

	"github.com/zootour/zootour"
)

func testDeleteZoo(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	z, keep := addZoo(t, s, "Z", "L"), addZoo(t, s, "Keep", "L")
	a, b := addAnimal(t, s, "A", "S"), addAnimal(t, s, "B", "S")
	v1 := addVisit(t, s, "2024-01-01", z.ID, a.ID)
	v2 := addVisit(t, s, "2024-01-02", keep.ID, a.ID)
	v3 := addVisit(t, s, "2024-01-03", z.ID, a.ID)
	v4 := addVisit(t, s, "2024-01-01", z.ID, b.ID)
	before := exportOf(t, s)

	err := s.DeleteZoo(ctx, z.ID, false)
	if code(t, "DeleteZoo of a zoo with visits", err, zootour.ECONFLICT) && !errors.Is(err, zootour.ErrConflict) {
		t.Errorf("errors.Is(err, ErrConflict) is false for %v", err)
	}
	if d := diff(before, exportOf(t, s)); d != "" {
		t.Fatalf("a refused delete changed the store (-before +after):\n%s", d)
	}

	noErr(t, s.DeleteZoo(ctx, z.ID, true))
	_, err = s.Zoo(ctx, z.ID)
	code(t, "Zoo after cascade", err, zootour.ENOTFOUND)
	for _, v := range []zootour.Visit{v1, v3, v4} {
		_, err := s.Visit(ctx, v.ID)
		code(t, "Visit of a deleted zoo", err, zootour.ENOTFOUND)
	}
	if d := diff([]zootour.Visit{v2}, must(s.FindVisits(ctx, zootour.VisitFilter{}))(t)); d != "" {
		t.Errorf("Visits after cascade (-want +got):\n%s", d)
	}
	if d := diff([]zootour.Visit{v2}, must(s.AnimalVisits(ctx, a.ID, zootour.Query{}))(t)); d != "" {
		t.Errorf("AnimalVisits after cascade (-want +got):\n%s", d)
	}
	if d := diff([]zootour.AnimalZoo{az(keep, v2)}, must(s.AnimalZoos(ctx, a.ID, zootour.Query{Distinct: true}))(t)); d != "" {
		t.Errorf("AnimalZoos after cascade (-want +got):\n%s", d)
	}
	if got := must(s.AnimalVisits(ctx, b.ID, zootour.Query{}))(t); len(got) != 0 {
		t.Errorf("AnimalVisits of B after cascade = %+v, want none", got)
	}
	if got, want := must(s.Counts(ctx))(t), (zootour.Counts{Zoos: 1, Animals: 2, Visits: 1}); got != want {
		t.Errorf("Counts after cascade = %+v, want %+v", got, want)
	}
	// The dates the cascade freed can be taken again.
	addVisit(t, s, "2024-01-01", keep.ID, a.ID)
	addVisit(t, s, "2024-01-01", keep.ID, b.ID)
	// A zoo without visits goes without cascade, and with it.
	noErr(t, s.DeleteZoo(ctx, addZoo(t, s, "empty", "L").ID, false))
	noErr(t, s.DeleteZoo(ctx, addZoo(t, s, "empty", "L").ID, true))
}

func testDeleteAnimal(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	x, y := addZoo(t, s, "X", "L"), addZoo(t, s, "Y", "L")
	a, keep := addAnimal(t, s, "A", "S"), addAnimal(t, s, "Keep", "S")
	v1 := addVisit(t, s, "2024-01-01", x.ID, a.ID)
	v2 := addVisit(t, s, "2024-01-01", x.ID, keep.ID)
	v3 := addVisit(t, s, "2024-01-03", y.ID, a.ID)
	v4 := addVisit(t, s, "2024-01-04", x.ID, a.ID)
	before := exportOf(t, s)

	err := s.DeleteAnimal(ctx, a.ID, false)
	code(t, "DeleteAnimal of an animal with visits", err, zootour.ECONFLICT)
	if d := diff(before, exportOf(t, s)); d != "" {
		t.Fatalf("a refused delete changed the store (-before +after):\n%s", d)
	}

	noErr(t, s.DeleteAnimal(ctx, a.ID, true))
	_, err = s.Animal(ctx, a.ID)
	code(t, "Animal after cascade", err, zootour.ENOTFOUND)
	for _, v := range []zootour.Visit{v1, v3, v4} {
		_, err := s.Visit(ctx, v.ID)
		code(t, "Visit of a deleted animal", err, zootour.ENOTFOUND)
	}
	if d := diff([]zootour.Visit{v2}, must(s.ZooVisits(ctx, x.ID, zootour.Query{}))(t)); d != "" {
		t.Errorf("ZooVisits after cascade (-want +got):\n%s", d)
	}
	if d := diff([]zootour.ZooAnimal{za(keep, v2)}, must(s.ZooAnimals(ctx, x.ID, zootour.Query{}))(t)); d != "" {
		t.Errorf("ZooAnimals after cascade (-want +got):\n%s", d)
	}
	if got := must(s.ZooAnimals(ctx, y.ID, zootour.Query{Distinct: true}))(t); len(got) != 0 {
		t.Errorf("ZooAnimals of Y after cascade = %+v, want none", got)
	}
	if got, want := must(s.Counts(ctx))(t), (zootour.Counts{Zoos: 2, Animals: 1, Visits: 1}); got != want {
		t.Errorf("Counts after cascade = %+v, want %+v", got, want)
	}
	noErr(t, s.DeleteAnimal(ctx, addAnimal(t, s, "empty", "S").ID, false))
	noErr(t, s.DeleteAnimal(ctx, addAnimal(t, s, "empty", "S").ID, true))
	// Deleting a visit is never a conflict.
	noErr(t, s.DeleteVisit(ctx, v2.ID))
	noErr(t, s.DeleteAnimal(ctx, keep.ID, false))
}

// testIDs checks that IDs are positive, increase, and are never given
// again after a delete, not even the highest.
func testIDs(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	var lastZoo, lastAnimal, lastVisit int64
	z := addZoo(t, s, "Z", "L")
	for i := range 6 {
		nz, na := addZoo(t, s, "Z", "L"), addAnimal(t, s, "A", "S")
		nv := addVisit(t, s, zootour.MinDate.AddDays(i).String(), z.ID, na.ID)
		if nz.ID <= lastZoo || na.ID <= lastAnimal || nv.ID <= lastVisit || na.ID <= 0 || nv.ID <= 0 {
			t.Fatalf("round %d: IDs zoo %d, animal %d, visit %d after %d, %d, %d: want higher positive IDs",
				i, nz.ID, na.ID, nv.ID, lastZoo, lastAnimal, lastVisit)
		}
		lastZoo, lastAnimal, lastVisit = nz.ID, na.ID, nv.ID
		if i%2 == 1 {
			// Delete the newest of each kind: a store that takes max(id)+1 would reuse them.
			noErr(t, s.DeleteVisit(ctx, nv.ID))
			noErr(t, s.DeleteAnimal(ctx, na.ID, false))
			noErr(t, s.DeleteZoo(ctx, nz.ID, false))
		}
	}
	// Nor after a cascade.
	a := addAnimal(t, s, "A", "S")
	v := addVisit(t, s, "2000-01-01", z.ID, a.ID)
	noErr(t, s.DeleteAnimal(ctx, a.ID, true))
	if nv := addVisit(t, s, "2000-01-01", z.ID, addAnimal(t, s, "B", "S").ID); nv.ID <= v.ID {
		t.Errorf("visit ID %d after the cascaded %d", nv.ID, v.ID)
	}
	if na := addAnimal(t, s, "C", "S"); na.ID <= a.ID {
		t.Errorf("animal ID %d after the deleted %d", na.ID, a.ID)
	}
}

func testCounts(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	if got := must(s.Counts(ctx))(t); got != (zootour.Counts{}) {
		t.Fatalf("Counts of an empty store = %+v", got)
	}
	z1, z2 := addZoo(t, s, "Z", "L"), addZoo(t, s, "Z", "L")
	a := addAnimal(t, s, "A", "S")
	v := addVisit(t, s, "2024-01-01", z1.ID, a.ID)
	addVisit(t, s, "2024-01-02", z1.ID, a.ID)
	addVisit(t, s, "2024-01-03", z2.ID, a.ID)
	if got, want := must(s.Counts(ctx))(t), (zootour.Counts{Zoos: 2, Animals: 1, Visits: 3}); got != want {
		t.Fatalf("Counts = %+v, want %+v", got, want)
	}
	noErr(t, s.DeleteVisit(ctx, v.ID))
	if got, want := must(s.Counts(ctx))(t), (zootour.Counts{Zoos: 2, Animals: 1, Visits: 2}); got != want {
		t.Fatalf("Counts after a delete = %+v, want %+v", got, want)
	}
	noErr(t, s.DeleteZoo(ctx, z1.ID, true))
	if got, want := must(s.Counts(ctx))(t), (zootour.Counts{Zoos: 1, Animals: 1, Visits: 1}); got != want {
		t.Fatalf("Counts after a cascade = %+v, want %+v", got, want)
	}
	// A failed write counts nothing.
	_, err := s.CreateVisit(ctx, zootour.Visit{Date: d("2024-01-03"), ZooID: z2.ID, AnimalID: a.ID})
	code(t, "duplicate visit", err, zootour.ECONFLICT)
	_, err = s.CreateZoo(ctx, zootour.Zoo{Name: " ", Location: "L"})
	code(t, "blank zoo", err, zootour.EINVALID)
	if got, want := must(s.Counts(ctx))(t), (zootour.Counts{Zoos: 1, Animals: 1, Visits: 1}); got != want {
		t.Fatalf("Counts after failed writes = %+v, want %+v", got, want)
	}
}

// testIDSpaceEnd: a record imported with the largest ID there is leaves
// no new ID of its kind, which is a clear conflict, not a full disk.
func testIDSpaceEnd(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	const largest = int64(1<<63 - 1)
	noErr(t, s.Import(ctx, source(
		[]zootour.Zoo{{ID: largest, Name: "Z", Location: "L"}},
		[]zootour.Animal{{ID: largest, Name: "A", Species: "S"}},
		[]zootour.Visit{{ID: largest, Date: d("2024-01-01"), ZooID: largest, AnimalID: largest}})))
	_, err := s.CreateZoo(ctx, zootour.Zoo{Name: "next", Location: "L"})
	if code(t, "CreateZoo after an import of the largest zoo ID", err, zootour.ECONFLICT) && !strings.Contains(err.Error(), "ID") {
		t.Errorf("the error says %q, not that the IDs are used up", err)
	}
	_, err = s.CreateAnimal(ctx, zootour.Animal{Name: "next", Species: "S"})
	code(t, "CreateAnimal after an import of the largest animal ID", err, zootour.ECONFLICT)
	_, err = s.CreateVisit(ctx, zootour.Visit{Date: d("2024-01-02"), ZooID: largest, AnimalID: largest})
	code(t, "CreateVisit after an import of the largest visit ID", err, zootour.ECONFLICT)
	// Everything else still works.
	if _, err := s.UpdateZoo(ctx, largest, zootour.ZooUpdate{Name: ptr("still")}); err != nil {
		t.Errorf("UpdateZoo of the largest ID: %v", err)
	}
}
