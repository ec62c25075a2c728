// Package storetest is the conformance suite that every zootour.Store runs:
// the rules of the records (the README's "Rules" and docs/), checked through the Store interface.
//
// A store's own test calls Run with a function that opens a fresh, empty
// store (and registers its cleanup with t.Cleanup):
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) zootour.Store { return memory.New() })
//	}
package storetest

import (
	"errors"
	"fmt"
	"iter"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/zootour/zootour"
)

// Run runs every conformance test against stores made by open, which must
// return a new empty store on each call.
func Run(t *testing.T, open func(t *testing.T) zootour.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open func(t *testing.T) zootour.Store)
	}{
		{"ZooCRUD", testZooCRUD},
		{"AnimalCRUD", testAnimalCRUD},
		{"VisitCRUD", testVisitCRUD},
		{"TextFields", testTextFields},
		{"VisitFields", testVisitFields},
		{"NotFound", testNotFound},
		{"NonPositiveIDs", testNonPositiveIDs},
		{"OneZooPerAnimalPerDate", testOneZooPerAnimalPerDate},
		{"Order", testOrder},
		{"ZooAnimals", testZooAnimals},
		{"AnimalZoos", testAnimalZoos},
		{"Windows", testWindows},
		{"PageByID", testPageByID},
		{"PageRelationships", testPageRelationships},
		{"CursorAfterWrites", testCursorAfterWrites},
		{"DeleteZoo", testDeleteZoo},
		{"DeleteAnimal", testDeleteAnimal},
		{"IDSpaceEnd", testIDSpaceEnd},
		{"IDs", testIDs},
		{"Counts", testCounts},
		{"Import", testImport},
		{"ImportIntoFilledStore", testImportIntoFilledStore},
		{"ImportEmpty", testImportEmpty},
		{"ImportFailures", testImportFailures},
		{"ImportCancelled", testImportCancelled},
		{"ImportDryRun", testImportDryRun},
		{"Export", testExport},
		{"ExportRoundTrip", testExportRoundTrip},
		{"Random", testRandom},
		{"Concurrent", testConcurrent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open) })
	}
	t.Run("WhereWhen", func(t *testing.T) { RunWhereWhen(t, open) })
	t.Run("Find", func(t *testing.T) { RunFind(t, open) })
	t.Run("ChangeLog", func(t *testing.T) { RunChangeLog(t, open) })
}

// cmpOpts compare records: Date has an unexported field, and an empty
// listing may be nil or empty.
var cmpOpts = cmp.Options{
	cmp.Comparer(func(a, b zootour.Date) bool { return a == b }),
	cmpopts.EquateEmpty(),
	cmpopts.IgnoreUnexported(dump{}),
}

func diff(want, got any) string { return cmp.Diff(want, got, cmpOpts) }

var d = zootour.MustDate

// code reports, with t.Errorf, an error whose code is not want.
func code(t testing.TB, what string, err error, want string) bool {
	t.Helper()
	if got := zootour.ErrorCode(err); got != want {
		t.Errorf("%s: error code %q (%v), want %q", what, got, err, want)
		return false
	}
	return true
}

// must returns the result of a call that has to succeed:
// z := must(s.Zoo(ctx, id))(t).
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// noErr fails the test if err is not nil.
func noErr(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func addZoo(t testing.TB, s zootour.Store, name, location string) zootour.Zoo {
	t.Helper()
	return must(s.CreateZoo(t.Context(), zootour.Zoo{Name: name, Location: location}))(t)
}

func addAnimal(t testing.TB, s zootour.Store, name, species string) zootour.Animal {
	t.Helper()
	return must(s.CreateAnimal(t.Context(), zootour.Animal{Name: name, Species: species}))(t)
}

func addVisit(t testing.TB, s zootour.Store, date string, zooID, animalID int64) zootour.Visit {
	t.Helper()
	return must(s.CreateVisit(t.Context(), zootour.Visit{Date: d(date), ZooID: zooID, AnimalID: animalID}))(t)
}

func ptr[T any](v T) *T { return &v }

// dump holds a store's export; it is the Sink that collects it.
type dump struct {
	Zoos    []zootour.Zoo
	Animals []zootour.Animal
	Visits  []zootour.Visit
	kinds   []byte // one letter per record received, to check the order of kinds
}

func (d *dump) Zoo(z zootour.Zoo) error {
	d.Zoos, d.kinds = append(d.Zoos, z), append(d.kinds, 'z')
	return nil
}

func (d *dump) Animal(a zootour.Animal) error {
	d.Animals, d.kinds = append(d.Animals, a), append(d.kinds, 'a')
	return nil
}

func (d *dump) Visit(v zootour.Visit) error {
	d.Visits, d.kinds = append(d.Visits, v), append(d.kinds, 'v')
	return nil
}

func (d *dump) source() zootour.Source { return source(d.Zoos, d.Animals, d.Visits) }

func (d *dump) counts() zootour.Counts {
	return zootour.Counts{Zoos: int64(len(d.Zoos)), Animals: int64(len(d.Animals)), Visits: int64(len(d.Visits))}
}

// exportOf returns everything s holds. Comparing two exports is how the
// suite checks that a failed write changed nothing.
func exportOf(t testing.TB, s zootour.Store) dump {
	t.Helper()
	var d dump
	noErr(t, s.Export(t.Context(), &d))
	return d
}

func seq[T any](recs []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func source(zoos []zootour.Zoo, animals []zootour.Animal, visits []zootour.Visit) zootour.Source {
	return zootour.Source{Zoos: seq(zoos), Animals: seq(animals), Visits: seq(visits)}
}

func testZooCRUD(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	z := addZoo(t, s, "  Berliner Zoo \n", "\tBerlin ")
	if want := (zootour.Zoo{ID: z.ID, Name: "Berliner Zoo", Location: "Berlin"}); z != want {
		t.Fatalf("CreateZoo = %+v, want %+v (trimmed)", z, want)
	}
	if z.ID <= 0 {
		t.Fatalf("CreateZoo gave ID %d, want a positive ID", z.ID)
	}
	if got := must(s.Zoo(ctx, z.ID))(t); got != z {
		t.Fatalf("Zoo = %+v, want %+v", got, z)
	}
	z2 := addZoo(t, s, "Tierpark", "Berlin")

	got := must(s.UpdateZoo(ctx, z.ID, zootour.ZooUpdate{Name: ptr(" Zoo Berlin ")}))(t)
	if want := (zootour.Zoo{ID: z.ID, Name: "Zoo Berlin", Location: "Berlin"}); got != want {
		t.Fatalf("UpdateZoo(name) = %+v, want %+v", got, want)
	}
	got = must(s.UpdateZoo(ctx, z.ID, zootour.ZooUpdate{Location: ptr("Berlin-Tiergarten")}))(t)
	if want := (zootour.Zoo{ID: z.ID, Name: "Zoo Berlin", Location: "Berlin-Tiergarten"}); got != want {
		t.Fatalf("UpdateZoo(location) = %+v, want %+v", got, want)
	}
	got = must(s.UpdateZoo(ctx, z.ID, zootour.ZooUpdate{}))(t)
	if want := (zootour.Zoo{ID: z.ID, Name: "Zoo Berlin", Location: "Berlin-Tiergarten"}); got != want {
		t.Fatalf("UpdateZoo(nothing) = %+v, want %+v", got, want)
	}
	z = must(s.UpdateZoo(ctx, z.ID, zootour.ZooUpdate{Name: ptr("Zoo"), Location: ptr("Mitte")}))(t)
	if got := must(s.Zoo(ctx, z.ID))(t); got != z {
		t.Fatalf("Zoo after update = %+v, want %+v", got, z)
	}
	if got := must(s.Zoo(ctx, z2.ID))(t); got != z2 {
		t.Fatalf("the other zoo changed: %+v, want %+v", got, z2)
	}

	if d := diff([]zootour.Zoo{z, z2}, must(s.FindZoos(ctx, zootour.ZooFilter{}))(t)); d != "" {
		t.Fatalf("Zoos (-want +got):\n%s", d)
	}
	noErr(t, s.DeleteZoo(ctx, z.ID, false))
	_, err := s.Zoo(ctx, z.ID)
	code(t, "Zoo after delete", err, zootour.ENOTFOUND)
	if d := diff([]zootour.Zoo{z2}, must(s.FindZoos(ctx, zootour.ZooFilter{}))(t)); d != "" {
		t.Fatalf("Zoos after delete (-want +got):\n%s", d)
	}
	code(t, "second delete", s.DeleteZoo(ctx, z.ID, false), zootour.ENOTFOUND)
}

func testAnimalCRUD(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	a := addAnimal(t, s, " Knut ", " polar bear\t")
	if want := (zootour.Animal{ID: a.ID, Name: "Knut", Species: "polar bear"}); a != want {
		t.Fatalf("CreateAnimal = %+v, want %+v (trimmed)", a, want)
	}
	if a.ID <= 0 {
		t.Fatalf("CreateAnimal gave ID %d, want a positive ID", a.ID)
	}
	if got := must(s.Animal(ctx, a.ID))(t); got != a {
		t.Fatalf("Animal = %+v, want %+v", got, a)
	}
	a2 := addAnimal(t, s, "Fritz", "Okapi")

	got := must(s.UpdateAnimal(ctx, a.ID, zootour.AnimalUpdate{Name: ptr("Knut II")}))(t)
	if want := (zootour.Animal{ID: a.ID, Name: "Knut II", Species: "polar bear"}); got != want {
		t.Fatalf("UpdateAnimal(name) = %+v, want %+v", got, want)
	}
	got = must(s.UpdateAnimal(ctx, a.ID, zootour.AnimalUpdate{Species: ptr(" Ursus maritimus ")}))(t)
	if want := (zootour.Animal{ID: a.ID, Name: "Knut II", Species: "Ursus maritimus"}); got != want {
		t.Fatalf("UpdateAnimal(species) = %+v, want %+v", got, want)
	}
	got = must(s.UpdateAnimal(ctx, a.ID, zootour.AnimalUpdate{}))(t)
	if want := (zootour.Animal{ID: a.ID, Name: "Knut II", Species: "Ursus maritimus"}); got != want {
		t.Fatalf("UpdateAnimal(nothing) = %+v, want %+v", got, want)
	}
	a = must(s.UpdateAnimal(ctx, a.ID, zootour.AnimalUpdate{Name: ptr("K"), Species: ptr("bear")}))(t)
	if got := must(s.Animal(ctx, a.ID))(t); got != a {
		t.Fatalf("Animal after update = %+v, want %+v", got, a)
	}
	if got := must(s.Animal(ctx, a2.ID))(t); got != a2 {
		t.Fatalf("the other animal changed: %+v, want %+v", got, a2)
	}

	if d := diff([]zootour.Animal{a, a2}, must(s.FindAnimals(ctx, zootour.AnimalFilter{}))(t)); d != "" {
		t.Fatalf("Animals (-want +got):\n%s", d)
	}
	noErr(t, s.DeleteAnimal(ctx, a.ID, false))
	_, err := s.Animal(ctx, a.ID)
	code(t, "Animal after delete", err, zootour.ENOTFOUND)
	if d := diff([]zootour.Animal{a2}, must(s.FindAnimals(ctx, zootour.AnimalFilter{}))(t)); d != "" {
		t.Fatalf("Animals after delete (-want +got):\n%s", d)
	}
	code(t, "second delete", s.DeleteAnimal(ctx, a.ID, true), zootour.ENOTFOUND)
}

func testVisitCRUD(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	z1, z2 := addZoo(t, s, "Z1", "L"), addZoo(t, s, "Z2", "L")
	a1, a2 := addAnimal(t, s, "A1", "S"), addAnimal(t, s, "A2", "S")
	v := addVisit(t, s, "2024-02-29", z1.ID, a1.ID)
	if want := (zootour.Visit{ID: v.ID, Date: d("2024-02-29"), ZooID: z1.ID, AnimalID: a1.ID}); v != want {
		t.Fatalf("CreateVisit = %+v, want %+v", v, want)
	}
	if got := must(s.Visit(ctx, v.ID))(t); got != v {
		t.Fatalf("Visit = %+v, want %+v", got, v)
	}
	v2 := addVisit(t, s, "0001-01-01", z2.ID, a2.ID)
	v3 := addVisit(t, s, "9999-12-31", z2.ID, a1.ID)

	v = must(s.UpdateVisit(ctx, v.ID, zootour.VisitUpdate{Date: ptr(d("2024-03-01"))}))(t)
	if want := (zootour.Visit{ID: v.ID, Date: d("2024-03-01"), ZooID: z1.ID, AnimalID: a1.ID}); v != want {
		t.Fatalf("UpdateVisit(date) = %+v, want %+v", v, want)
	}
	v = must(s.UpdateVisit(ctx, v.ID, zootour.VisitUpdate{ZooID: ptr(z2.ID)}))(t)
	if want := (zootour.Visit{ID: v.ID, Date: d("2024-03-01"), ZooID: z2.ID, AnimalID: a1.ID}); v != want {
		t.Fatalf("UpdateVisit(zoo) = %+v, want %+v", v, want)
	}
	v = must(s.UpdateVisit(ctx, v.ID, zootour.VisitUpdate{AnimalID: ptr(a2.ID)}))(t)
	if want := (zootour.Visit{ID: v.ID, Date: d("2024-03-01"), ZooID: z2.ID, AnimalID: a2.ID}); v != want {
		t.Fatalf("UpdateVisit(animal) = %+v, want %+v", v, want)
	}
	v = must(s.UpdateVisit(ctx, v.ID, zootour.VisitUpdate{}))(t)
	v = must(s.UpdateVisit(ctx, v.ID, zootour.VisitUpdate{Date: ptr(d("2024-03-02")), ZooID: ptr(z1.ID), AnimalID: ptr(a1.ID)}))(t)
	if want := (zootour.Visit{ID: v.ID, Date: d("2024-03-02"), ZooID: z1.ID, AnimalID: a1.ID}); v != want {
		t.Fatalf("UpdateVisit(all) = %+v, want %+v", v, want)
	}
	if got := must(s.Visit(ctx, v.ID))(t); got != v {
		t.Fatalf("Visit after update = %+v, want %+v", got, v)
	}
	// The moved visit left z2's listings and joined z1's.
	if d := diff([]zootour.Visit{v}, must(s.ZooVisits(ctx, z1.ID, zootour.Query{}))(t)); d != "" {
		t.Errorf("ZooVisits(z1) (-want +got):\n%s", d)
	}
	if d := diff([]zootour.Visit{v2, v3}, must(s.ZooVisits(ctx, z2.ID, zootour.Query{}))(t)); d != "" {
		t.Errorf("ZooVisits(z2) (-want +got):\n%s", d)
	}
	if d := diff([]zootour.Visit{v, v3}, must(s.AnimalVisits(ctx, a1.ID, zootour.Query{}))(t)); d != "" {
		t.Errorf("AnimalVisits(a1) (-want +got):\n%s", d)
	}
	if d := diff([]zootour.Visit{v2}, must(s.AnimalVisits(ctx, a2.ID, zootour.Query{}))(t)); d != "" {
		t.Errorf("AnimalVisits(a2) (-want +got):\n%s", d)
	}

	if d := diff([]zootour.Visit{v, v2, v3}, must(s.FindVisits(ctx, zootour.VisitFilter{}))(t)); d != "" {
		t.Fatalf("Visits (-want +got):\n%s", d)
	}
	noErr(t, s.DeleteVisit(ctx, v.ID))
	_, err := s.Visit(ctx, v.ID)
	code(t, "Visit after delete", err, zootour.ENOTFOUND)
	code(t, "second delete", s.DeleteVisit(ctx, v.ID), zootour.ENOTFOUND)
	if d := diff([]zootour.Visit{v2, v3}, must(s.FindVisits(ctx, zootour.VisitFilter{}))(t)); d != "" {
		t.Fatalf("Visits after delete (-want +got):\n%s", d)
	}
	if d := diff([]zootour.Visit{}, must(s.ZooVisits(ctx, z1.ID, zootour.Query{}))(t)); d != "" {
		t.Errorf("ZooVisits(z1) after delete (-want +got):\n%s", d)
	}
	if d := diff([]zootour.Visit{v3}, must(s.AnimalVisits(ctx, a1.ID, zootour.Query{}))(t)); d != "" {
		t.Errorf("AnimalVisits(a1) after delete (-want +got):\n%s", d)
	}
}

// textCases are values of a text field: what is stored, or "" for invalid.
var textCases = []struct {
	name, in, want string
}{
	{"plain", "Leipzig", "Leipzig"},
	{"trimmed", " \t Leipzig \n\r", "Leipzig"},
	{"inner spaces kept", "Zoo  Leipzig", "Zoo  Leipzig"},
	{"one character", "x", "x"},
	{"200 non-ASCII code points", strings.Repeat("é", 200), strings.Repeat("é", 200)},
	{"200 code points of 4 bytes", strings.Repeat("🦒", 200), strings.Repeat("🦒", 200)},
	{"200 code points after trimming", "  " + strings.Repeat("ü", 200) + "  ", strings.Repeat("ü", 200)},
	{"trailing NEL trimmed", "Zoo\u0085", "Zoo"},
	{"zero-width space kept", "Zoo\u200b", "Zoo\u200b"},
	{"empty", "", ""},
	{"only spaces", " \t\n ", ""},
	{"201 non-ASCII code points", strings.Repeat("é", 201), ""},
	{"201 ASCII", strings.Repeat("a", 201), ""},
	{"invalid UTF-8", "Zoo \xff", ""},
	{"invalid UTF-8 after space", "Zoo \xc3", ""},
	{"NUL", "Zoo\x00Leipzig", ""},
	{"inner tab", "Zoo\tLeipzig", ""},
	{"inner newline", "Zoo\nLeipzig", ""},
	{"DEL", "Zoo\x7f", ""},
	{"C1 control", "Zoo\u0080x", ""},
}

func testTextFields(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	zoo := addZoo(t, s, "Zoo", "Place")
	animal := addAnimal(t, s, "Animal", "Species")
	fields := []struct {
		name   string
		create func(v string) (string, error)
		update func(v string) (string, error)
		get    func() string
	}{
		{"zoo name",
			func(v string) (string, error) {
				z, err := s.CreateZoo(ctx, zootour.Zoo{Name: v, Location: "L"})
				return z.Name, err
			},
			func(v string) (string, error) {
				z, err := s.UpdateZoo(ctx, zoo.ID, zootour.ZooUpdate{Name: &v})
				return z.Name, err
			},
			func() string { return must(s.Zoo(ctx, zoo.ID))(t).Name }},
		{"zoo location",
			func(v string) (string, error) {
				z, err := s.CreateZoo(ctx, zootour.Zoo{Name: "N", Location: v})
				return z.Location, err
			},
			func(v string) (string, error) {
				z, err := s.UpdateZoo(ctx, zoo.ID, zootour.ZooUpdate{Location: &v})
				return z.Location, err
			},
			func() string { return must(s.Zoo(ctx, zoo.ID))(t).Location }},
		{"animal name",
			func(v string) (string, error) {
				a, err := s.CreateAnimal(ctx, zootour.Animal{Name: v, Species: "S"})
				return a.Name, err
			},
			func(v string) (string, error) {
				a, err := s.UpdateAnimal(ctx, animal.ID, zootour.AnimalUpdate{Name: &v})
				return a.Name, err
			},
			func() string { return must(s.Animal(ctx, animal.ID))(t).Name }},
		{"animal species",
			func(v string) (string, error) {
				a, err := s.CreateAnimal(ctx, zootour.Animal{Name: "N", Species: v})
				return a.Species, err
			},
			func(v string) (string, error) {
				a, err := s.UpdateAnimal(ctx, animal.ID, zootour.AnimalUpdate{Species: &v})
				return a.Species, err
			},
			func() string { return must(s.Animal(ctx, animal.ID))(t).Species }},
	}
	for _, f := range fields {
		for _, tc := range textCases {
			what := f.name + " " + tc.name
			before := exportOf(t, s)
			got, err := f.create(tc.in)
			if tc.want == "" {
				code(t, what+": create", err, zootour.EINVALID)
				if d := diff(before, exportOf(t, s)); d != "" {
					t.Errorf("%s: a failed create changed the store (-before +after):\n%s", what, d)
				}
			} else if err != nil || got != tc.want {
				t.Errorf("%s: create stored %q, %v; want %q", what, got, err, tc.want)
			}

			old := f.get()
			before = exportOf(t, s)
			got, err = f.update(tc.in)
			if tc.want == "" {
				code(t, what+": update", err, zootour.EINVALID)
				if now := f.get(); now != old {
					t.Errorf("%s: a failed update changed the field from %q to %q", what, old, now)
				}
				if d := diff(before, exportOf(t, s)); d != "" {
					t.Errorf("%s: a failed update changed the store (-before +after):\n%s", what, d)
				}
			} else {
				if err != nil || got != tc.want {
					t.Errorf("%s: update returned %q, %v; want %q", what, got, err, tc.want)
				}
				if now := f.get(); now != tc.want {
					t.Errorf("%s: after update the field is %q, want %q", what, now, tc.want)
				}
			}
		}
	}
}

func testVisitFields(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	z := addZoo(t, s, "Z", "L")
	a := addAnimal(t, s, "A", "S")
	v := addVisit(t, s, "2024-01-01", z.ID, a.ID)
	gone := addZoo(t, s, "gone", "L")
	goneAnimal := addAnimal(t, s, "gone", "S")
	noErr(t, s.DeleteZoo(ctx, gone.ID, false))
	noErr(t, s.DeleteAnimal(ctx, goneAnimal.ID, false))
	missing := int64(1) << 40

	cases := []struct {
		name string
		v    zootour.Visit
	}{
		{"zero date", zootour.Visit{ZooID: z.ID, AnimalID: a.ID}},
		{"zoo_id 0", zootour.Visit{Date: d("2024-01-02"), AnimalID: a.ID}},
		{"zoo_id -1", zootour.Visit{Date: d("2024-01-02"), ZooID: -1, AnimalID: a.ID}},
		{"animal_id 0", zootour.Visit{Date: d("2024-01-02"), ZooID: z.ID}},
		{"animal_id -5", zootour.Visit{Date: d("2024-01-02"), ZooID: z.ID, AnimalID: -5}},
		{"missing zoo", zootour.Visit{Date: d("2024-01-02"), ZooID: missing, AnimalID: a.ID}},
		{"deleted zoo", zootour.Visit{Date: d("2024-01-02"), ZooID: gone.ID, AnimalID: a.ID}},
		{"missing animal", zootour.Visit{Date: d("2024-01-02"), ZooID: z.ID, AnimalID: missing}},
		{"deleted animal", zootour.Visit{Date: d("2024-01-02"), ZooID: z.ID, AnimalID: goneAnimal.ID}},
	}
	before := exportOf(t, s)
	for _, tc := range cases {
		_, err := s.CreateVisit(ctx, tc.v)
		code(t, "create with "+tc.name, err, zootour.EINVALID)
		u := zootour.VisitUpdate{ZooID: &tc.v.ZooID, AnimalID: &tc.v.AnimalID, Date: &tc.v.Date}
		_, err = s.UpdateVisit(ctx, v.ID, u)
		code(t, "update with "+tc.name, err, zootour.EINVALID)
	}
	if d := diff(before, exportOf(t, s)); d != "" {
		t.Errorf("failed writes changed the store (-before +after):\n%s", d)
	}
}

func testNotFound(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	z := addZoo(t, s, "Z", "L")
	a := addAnimal(t, s, "A", "S")
	v := addVisit(t, s, "2024-01-01", z.ID, a.ID)
	// IDs never used, and IDs used once and deleted.
	dz, da := addZoo(t, s, "Z", "L"), addAnimal(t, s, "A", "S")
	dv := addVisit(t, s, "2024-01-02", z.ID, a.ID)
	noErr(t, s.DeleteVisit(ctx, dv.ID))
	noErr(t, s.DeleteZoo(ctx, dz.ID, false))
	noErr(t, s.DeleteAnimal(ctx, da.ID, false))
	before := exportOf(t, s)

	for _, id := range []int64{dz.ID, da.ID, dv.ID, 1 << 40, 1<<63 - 1} {
		if id == z.ID || id == a.ID || id == v.ID {
			continue // a deleted ID of one kind may be a live ID of another
		}
		calls := []struct {
			name string
			err  error
		}{
			{"Zoo", second(s.Zoo(ctx, id))},
			{"UpdateZoo", second(s.UpdateZoo(ctx, id, zootour.ZooUpdate{Name: ptr("x")}))},
			{"DeleteZoo", s.DeleteZoo(ctx, id, false)},
			{"DeleteZoo cascade", s.DeleteZoo(ctx, id, true)},
			{"ZooVisits", second(s.ZooVisits(ctx, id, zootour.Query{}))},
			{"ZooAnimals", second(s.ZooAnimals(ctx, id, zootour.Query{}))},
			{"ZooAnimals distinct", second(s.ZooAnimals(ctx, id, zootour.Query{Distinct: true}))},
			{"Animal", second(s.Animal(ctx, id))},
			{"UpdateAnimal", second(s.UpdateAnimal(ctx, id, zootour.AnimalUpdate{Name: ptr("x")}))},
			{"DeleteAnimal", s.DeleteAnimal(ctx, id, false)},
			{"DeleteAnimal cascade", s.DeleteAnimal(ctx, id, true)},
			{"AnimalVisits", second(s.AnimalVisits(ctx, id, zootour.Query{}))},
			{"AnimalZoos", second(s.AnimalZoos(ctx, id, zootour.Query{}))},
			{"AnimalZoos distinct", second(s.AnimalZoos(ctx, id, zootour.Query{Distinct: true}))},
			{"Visit", second(s.Visit(ctx, id))},
			{"UpdateVisit", second(s.UpdateVisit(ctx, id, zootour.VisitUpdate{Date: ptr(d("2024-05-05"))}))},
			{"DeleteVisit", s.DeleteVisit(ctx, id)},
		}
		for _, c := range calls {
			what := fmt.Sprintf("%s(%d)", c.name, id)
			if code(t, what, c.err, zootour.ENOTFOUND) && !errors.Is(c.err, zootour.ErrNotFound) {
				t.Errorf("%s: errors.Is(err, ErrNotFound) is false for %v", what, c.err)
			}
		}
	}
	if d := diff(before, exportOf(t, s)); d != "" {
		t.Errorf("failed writes changed the store (-before +after):\n%s", d)
	}
}

func second[T any](_ T, err error) error { return err }

// testNonPositiveIDs pins that an ID of 0 or below, which no record can
// have, is bad input (EINVALID) for every method that takes one.
func testNonPositiveIDs(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	addZoo(t, s, "Z", "L")
	addAnimal(t, s, "A", "S")
	for _, id := range []int64{0, -1, -1 << 63} {
		calls := []struct {
			name string
			err  error
		}{
			{"Zoo", second(s.Zoo(ctx, id))},
			{"UpdateZoo", second(s.UpdateZoo(ctx, id, zootour.ZooUpdate{Name: ptr("x")}))},
			{"DeleteZoo", s.DeleteZoo(ctx, id, true)},
			{"ZooVisits", second(s.ZooVisits(ctx, id, zootour.Query{}))},
			{"ZooAnimals", second(s.ZooAnimals(ctx, id, zootour.Query{}))},
			{"Animal", second(s.Animal(ctx, id))},
			{"UpdateAnimal", second(s.UpdateAnimal(ctx, id, zootour.AnimalUpdate{Name: ptr("x")}))},
			{"DeleteAnimal", s.DeleteAnimal(ctx, id, true)},
			{"AnimalVisits", second(s.AnimalVisits(ctx, id, zootour.Query{}))},
			{"AnimalZoos", second(s.AnimalZoos(ctx, id, zootour.Query{}))},
			{"Visit", second(s.Visit(ctx, id))},
			{"UpdateVisit", second(s.UpdateVisit(ctx, id, zootour.VisitUpdate{}))},
			{"DeleteVisit", s.DeleteVisit(ctx, id)},
		}
		for _, c := range calls {
			code(t, fmt.Sprintf("%s(%d)", c.name, id), c.err, zootour.EINVALID)
		}
	}
}

func testOneZooPerAnimalPerDate(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	z1, z2 := addZoo(t, s, "Z1", "L"), addZoo(t, s, "Z2", "L")
	a, b := addAnimal(t, s, "A", "S"), addAnimal(t, s, "B", "S")
	va := addVisit(t, s, "2024-06-01", z1.ID, a.ID)
	vb := addVisit(t, s, "2024-06-01", z1.ID, b.ID) // another animal, same zoo and date: fine
	va2 := addVisit(t, s, "2024-06-02", z2.ID, a.ID)
	before := exportOf(t, s)

	_, err := s.CreateVisit(ctx, zootour.Visit{Date: d("2024-06-01"), ZooID: z1.ID, AnimalID: a.ID})
	code(t, "create exact duplicate", err, zootour.ECONFLICT)
	_, err = s.CreateVisit(ctx, zootour.Visit{Date: d("2024-06-01"), ZooID: z2.ID, AnimalID: a.ID})
	code(t, "create at another zoo", err, zootour.ECONFLICT)
	if !errors.Is(err, zootour.ErrConflict) {
		t.Errorf("errors.Is(err, ErrConflict) is false for %v", err)
	}
	_, err = s.UpdateVisit(ctx, va2.ID, zootour.VisitUpdate{Date: ptr(d("2024-06-01"))})
	code(t, "update date onto another visit's", err, zootour.ECONFLICT)
	_, err = s.UpdateVisit(ctx, va2.ID, zootour.VisitUpdate{Date: ptr(d("2024-06-01")), ZooID: ptr(z1.ID)})
	code(t, "update date and zoo onto a duplicate", err, zootour.ECONFLICT)
	_, err = s.UpdateVisit(ctx, vb.ID, zootour.VisitUpdate{AnimalID: ptr(a.ID)})
	code(t, "update animal onto another visit's date", err, zootour.ECONFLICT)
	if d := diff(before, exportOf(t, s)); d != "" {
		t.Fatalf("conflicts changed the store (-before +after):\n%s", d)
	}

	// A visit may keep its own date, move zoos on it, and take a date freed by a delete.
	if got := must(s.UpdateVisit(ctx, va.ID, zootour.VisitUpdate{Date: ptr(d("2024-06-01")), AnimalID: ptr(a.ID)}))(t); got != va {
		t.Errorf("no-op update = %+v, want %+v", got, va)
	}
	must(s.UpdateVisit(ctx, va.ID, zootour.VisitUpdate{ZooID: ptr(z2.ID)}))(t)
	noErr(t, s.DeleteVisit(ctx, va2.ID))
	addVisit(t, s, "2024-06-02", z1.ID, a.ID)
	noErr(t, s.DeleteVisit(ctx, va.ID))
	addVisit(t, s, "2024-06-01", z1.ID, a.ID)
}

func testOrder(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	z, z2 := addZoo(t, s, "Z", "L"), addZoo(t, s, "Z2", "L")
	a, b, c := addAnimal(t, s, "A", "S"), addAnimal(t, s, "B", "S"), addAnimal(t, s, "C", "S")
	// Created out of date order; three on one date, created C, A, B.
	v1 := addVisit(t, s, "2024-03-10", z.ID, a.ID)
	v2 := addVisit(t, s, "2023-12-31", z.ID, b.ID)
	v3 := addVisit(t, s, "2024-01-01", z.ID, c.ID)
	v4 := addVisit(t, s, "2024-01-01", z.ID, a.ID)
	v5 := addVisit(t, s, "2024-01-01", z.ID, b.ID)
	v6 := addVisit(t, s, "2023-01-01", z2.ID, a.ID)
	v7 := addVisit(t, s, "2025-01-01", z2.ID, a.ID)
	v8 := addVisit(t, s, "2024-02-01", z2.ID, a.ID)

	if d := diff([]zootour.Visit{v2, v3, v4, v5, v1}, must(s.ZooVisits(ctx, z.ID, zootour.Query{}))(t)); d != "" {
		t.Errorf("ZooVisits (-want +got):\n%s", d)
	}
	if d := diff([]zootour.Visit{v6, v4, v8, v1, v7}, must(s.AnimalVisits(ctx, a.ID, zootour.Query{}))(t)); d != "" {
		t.Errorf("AnimalVisits (-want +got):\n%s", d)
	}
	// A visit moved to another date moves in the order.
	v1 = must(s.UpdateVisit(ctx, v1.ID, zootour.VisitUpdate{Date: ptr(d("2022-01-01"))}))(t)
	if d := diff([]zootour.Visit{v1, v2, v3, v4, v5}, must(s.ZooVisits(ctx, z.ID, zootour.Query{}))(t)); d != "" {
		t.Errorf("ZooVisits after moving %d first (-want +got):\n%s", v1.ID, d)
	}
	if d := diff([]zootour.Visit{v1, v6, v4, v8, v7}, must(s.AnimalVisits(ctx, a.ID, zootour.Query{}))(t)); d != "" {
		t.Errorf("AnimalVisits after the move (-want +got):\n%s", d)
	}
	v2 = must(s.UpdateVisit(ctx, v2.ID, zootour.VisitUpdate{Date: ptr(d("2024-01-02"))}))(t)
	if d := diff([]zootour.Visit{v1, v3, v4, v5, v2}, must(s.ZooVisits(ctx, z.ID, zootour.Query{}))(t)); d != "" {
		t.Errorf("ZooVisits after moving %d to 2024-01-02 (-want +got):\n%s", v2.ID, d)
	}
	if d := diff([]zootour.Visit{v1, v2, v3, v4, v5, v6, v7, v8}, must(s.FindVisits(ctx, zootour.VisitFilter{}))(t)); d != "" {
		t.Errorf("Visits is by ID (-want +got):\n%s", d)
	}
}

func za(a zootour.Animal, v zootour.Visit) zootour.ZooAnimal {
	return zootour.ZooAnimal{Animal: a, VisitID: v.ID, Date: v.Date}
}

func az(z zootour.Zoo, v zootour.Visit) zootour.AnimalZoo {
	return zootour.AnimalZoo{Zoo: z, VisitID: v.ID, Date: v.Date}
}

func testZooAnimals(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	z, other := addZoo(t, s, "Z", "L"), addZoo(t, s, "Other", "L")
	a, b, c := addAnimal(t, s, "A", "S"), addAnimal(t, s, "B", "S"), addAnimal(t, s, "C", "S")
	a3 := addVisit(t, s, "2024-01-03", z.ID, a.ID)
	b2 := addVisit(t, s, "2024-01-02", z.ID, b.ID)
	a1 := addVisit(t, s, "2024-01-01", z.ID, a.ID)
	a5 := addVisit(t, s, "2024-01-05", z.ID, a.ID)
	c2 := addVisit(t, s, "2024-01-02", z.ID, c.ID)
	addVisit(t, s, "2024-01-04", other.ID, a.ID)
	addVisit(t, s, "2024-01-04", other.ID, c.ID)

	tests := []struct {
		name string
		q    zootour.Query
		want []zootour.ZooAnimal
	}{
		{"all", zootour.Query{}, []zootour.ZooAnimal{za(a, a1), za(b, b2), za(c, c2), za(a, a3), za(a, a5)}},
		{"distinct", zootour.Query{Distinct: true}, []zootour.ZooAnimal{za(a, a1), za(b, b2), za(c, c2)}},
		{"window", zootour.Query{From: d("2024-01-02"), To: d("2024-01-04")}, []zootour.ZooAnimal{za(b, b2), za(c, c2), za(a, a3)}},
		// A's first visit in the window is its third: it is placed there.
		{"distinct window", zootour.Query{From: d("2024-01-02"), Distinct: true}, []zootour.ZooAnimal{za(b, b2), za(c, c2), za(a, a3)}},
		{"distinct window to", zootour.Query{To: d("2024-01-02"), Distinct: true}, []zootour.ZooAnimal{za(a, a1), za(b, b2), za(c, c2)}},
		{"distinct one day", zootour.Query{From: d("2024-01-05"), To: d("2024-01-05"), Distinct: true}, []zootour.ZooAnimal{za(a, a5)}},
		{"empty window", zootour.Query{From: d("2024-01-06"), Distinct: true}, nil},
	}
	for _, tc := range tests {
		if d := diff(tc.want, must(s.ZooAnimals(ctx, z.ID, tc.q))(t)); d != "" {
			t.Errorf("ZooAnimals %s (-want +got):\n%s", tc.name, d)
		}
	}
	// Entries show the animal as it is now.
	a = must(s.UpdateAnimal(ctx, a.ID, zootour.AnimalUpdate{Name: ptr("A renamed")}))(t)
	want := []zootour.ZooAnimal{za(a, a1), za(b, b2), za(c, c2)}
	if d := diff(want, must(s.ZooAnimals(ctx, z.ID, zootour.Query{Distinct: true}))(t)); d != "" {
		t.Errorf("ZooAnimals after renaming (-want +got):\n%s", d)
	}
	// Deleting the first visit moves A to its next one.
	noErr(t, s.DeleteVisit(ctx, a1.ID))
	want = []zootour.ZooAnimal{za(b, b2), za(c, c2), za(a, a3)}
	if d := diff(want, must(s.ZooAnimals(ctx, z.ID, zootour.Query{Distinct: true}))(t)); d != "" {
		t.Errorf("ZooAnimals distinct after deleting the first visit (-want +got):\n%s", d)
	}
	// So does moving it away to another zoo.
	must(s.UpdateVisit(ctx, a3.ID, zootour.VisitUpdate{ZooID: ptr(other.ID)}))(t)
	want = []zootour.ZooAnimal{za(b, b2), za(c, c2), za(a, a5)}
	if d := diff(want, must(s.ZooAnimals(ctx, z.ID, zootour.Query{Distinct: true}))(t)); d != "" {
		t.Errorf("ZooAnimals distinct after moving a visit away (-want +got):\n%s", d)
	}
	// And a new earlier visit takes its place.
	a0 := addVisit(t, s, "2023-12-31", z.ID, a.ID)
	want = []zootour.ZooAnimal{za(a, a0), za(b, b2), za(c, c2)}
	if d := diff(want, must(s.ZooAnimals(ctx, z.ID, zootour.Query{Distinct: true}))(t)); d != "" {
		t.Errorf("ZooAnimals distinct after an earlier visit (-want +got):\n%s", d)
	}
}

func testAnimalZoos(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	x, y, w := addZoo(t, s, "X", "L"), addZoo(t, s, "Y", "L"), addZoo(t, s, "W", "L")
	a, other := addAnimal(t, s, "A", "S"), addAnimal(t, s, "Other", "S")
	x3 := addVisit(t, s, "2024-01-03", x.ID, a.ID)
	y2 := addVisit(t, s, "2024-01-02", y.ID, a.ID)
	x1 := addVisit(t, s, "2024-01-01", x.ID, a.ID)
	x5 := addVisit(t, s, "2024-01-05", x.ID, a.ID)
	w4 := addVisit(t, s, "2024-01-04", w.ID, a.ID)
	addVisit(t, s, "2024-01-02", x.ID, other.ID)

	tests := []struct {
		name string
		q    zootour.Query
		want []zootour.AnimalZoo
	}{
		{"all", zootour.Query{}, []zootour.AnimalZoo{az(x, x1), az(y, y2), az(x, x3), az(w, w4), az(x, x5)}},
		{"distinct", zootour.Query{Distinct: true}, []zootour.AnimalZoo{az(x, x1), az(y, y2), az(w, w4)}},
		{"window", zootour.Query{From: d("2024-01-02"), To: d("2024-01-04")}, []zootour.AnimalZoo{az(y, y2), az(x, x3), az(w, w4)}},
		{"distinct window", zootour.Query{From: d("2024-01-02"), Distinct: true}, []zootour.AnimalZoo{az(y, y2), az(x, x3), az(w, w4)}},
		{"distinct from 4th", zootour.Query{From: d("2024-01-04"), Distinct: true}, []zootour.AnimalZoo{az(w, w4), az(x, x5)}},
		{"empty window", zootour.Query{To: d("2023-12-31")}, nil},
	}
	for _, tc := range tests {
		if d := diff(tc.want, must(s.AnimalZoos(ctx, a.ID, tc.q))(t)); d != "" {
			t.Errorf("AnimalZoos %s (-want +got):\n%s", tc.name, d)
		}
	}
	x = must(s.UpdateZoo(ctx, x.ID, zootour.ZooUpdate{Location: ptr("elsewhere")}))(t)
	want := []zootour.AnimalZoo{az(x, x1), az(y, y2), az(w, w4)}
	if d := diff(want, must(s.AnimalZoos(ctx, a.ID, zootour.Query{Distinct: true}))(t)); d != "" {
		t.Errorf("AnimalZoos after updating a zoo (-want +got):\n%s", d)
	}
	must(s.UpdateVisit(ctx, x1.ID, zootour.VisitUpdate{Date: ptr(d("2024-01-06"))}))(t)
	x1.Date = d("2024-01-06")
	want = []zootour.AnimalZoo{az(y, y2), az(x, x3), az(w, w4)}
	if d := diff(want, must(s.AnimalZoos(ctx, a.ID, zootour.Query{Distinct: true}))(t)); d != "" {
		t.Errorf("AnimalZoos distinct after moving the first visit last (-want +got):\n%s", d)
	}
	want = []zootour.AnimalZoo{az(w, w4), az(x, x5)}
	if d := diff(want, must(s.AnimalZoos(ctx, a.ID, zootour.Query{Distinct: true, From: d("2024-01-04")}))(t)); d != "" {
		t.Errorf("AnimalZoos distinct from the 4th after the move (-want +got):\n%s", d)
	}
}
