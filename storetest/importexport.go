package storetest

import (
	"context"
	"errors"
	"iter"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/zootour/zootour"
)

// big is an ID above 2^53, which a float64 (JSON numbers in JavaScript,
// some drivers) cannot hold exactly.
const big = int64(1) << 62

func testImport(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	src := dump{
		Zoos: []zootour.Zoo{
			{ID: 3, Name: "  Padded  ", Location: "\tL "},
			{ID: big, Name: "Big", Location: "L"},
			{ID: 2, Name: "Two", Location: "L"},
		},
		Animals: []zootour.Animal{
			{ID: big + 1, Name: "Big", Species: "S"},
			{ID: 5, Name: "Five", Species: " S"},
		},
		Visits: []zootour.Visit{
			{ID: big + 7, Date: d("2024-01-02"), ZooID: big, AnimalID: 5},
			{ID: 10, Date: d("2024-01-01"), ZooID: 3, AnimalID: 5},
			{ID: 11, Date: d("2024-01-01"), ZooID: big, AnimalID: big + 1},
		},
	}
	noErr(t, s.Import(ctx, src.source()))

	want := dump{
		Zoos: []zootour.Zoo{{ID: 2, Name: "Two", Location: "L"}, {ID: 3, Name: "Padded", Location: "L"}, {ID: big, Name: "Big", Location: "L"}},
		Animals: []zootour.Animal{
			{ID: 5, Name: "Five", Species: "S"}, {ID: big + 1, Name: "Big", Species: "S"}},
		Visits: []zootour.Visit{src.Visits[1], src.Visits[2], src.Visits[0]},
	}
	got := exportOf(t, s)
	if d := diff(want, got); d != "" {
		t.Fatalf("export after import (-want +got):\n%s", d)
	}
	if got := must(s.Zoo(ctx, big))(t); got != want.Zoos[2] {
		t.Errorf("Zoo(1<<62) = %+v, want %+v", got, want.Zoos[2])
	}
	if got := must(s.Visit(ctx, big+7))(t); got != src.Visits[0] {
		t.Errorf("Visit(1<<62+7) = %+v, want %+v", got, src.Visits[0])
	}
	wantZA := []zootour.ZooAnimal{za(want.Animals[1], src.Visits[2]), za(want.Animals[0], src.Visits[0])}
	if d := diff(wantZA, must(s.ZooAnimals(ctx, big, zootour.Query{}))(t)); d != "" {
		t.Errorf("ZooAnimals(1<<62) (-want +got):\n%s", d)
	}
	wantAZ := []zootour.AnimalZoo{az(want.Zoos[1], src.Visits[1]), az(want.Zoos[2], src.Visits[0])}
	if d := diff(wantAZ, must(s.AnimalZoos(ctx, 5, zootour.Query{Distinct: true}))(t)); d != "" {
		t.Errorf("AnimalZoos(5) (-want +got):\n%s", d)
	}
	if got, want := must(s.Counts(ctx))(t), (zootour.Counts{Zoos: 3, Animals: 2, Visits: 3}); got != want {
		t.Errorf("Counts = %+v, want %+v", got, want)
	}
	// The imported visits hold their dates: a conflict is still a conflict.
	_, err := s.CreateVisit(ctx, zootour.Visit{Date: d("2024-01-01"), ZooID: 2, AnimalID: 5})
	code(t, "visit on an imported visit's date", err, zootour.ECONFLICT)

	// New IDs come after the imported ones.
	if z := addZoo(t, s, "New", "L"); z.ID <= big {
		t.Errorf("a zoo created after the import got ID %d, not above %d", z.ID, big)
	}
	a := addAnimal(t, s, "New", "S")
	if a.ID <= big+1 {
		t.Errorf("an animal created after the import got ID %d, not above %d", a.ID, big+1)
	}
	if v := addVisit(t, s, "2024-01-01", 2, a.ID); v.ID <= big+7 {
		t.Errorf("a visit created after the import got ID %d, not above %d", v.ID, big+7)
	}
}

func testImportIntoFilledStore(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	z := addZoo(t, s, "Z", "L")
	a := addAnimal(t, s, "A", "S")
	v := addVisit(t, s, "2024-01-01", z.ID, a.ID)
	before := exportOf(t, s)
	// IDs far above the store's, visits joining stored and imported records.
	src := dump{
		Zoos:    []zootour.Zoo{{ID: 1000, Name: "Imported", Location: "L"}},
		Animals: []zootour.Animal{{ID: 2000, Name: "Imported", Species: "S"}},
		Visits: []zootour.Visit{
			{ID: 3000, Date: d("2024-01-02"), ZooID: 1000, AnimalID: a.ID},
			{ID: 3001, Date: d("2024-01-01"), ZooID: z.ID, AnimalID: 2000},
			{ID: 3002, Date: d("2023-12-31"), ZooID: z.ID, AnimalID: a.ID},
		},
	}
	noErr(t, s.Import(ctx, src.source()))
	want := dump{
		Zoos:    append(before.Zoos, src.Zoos...),
		Animals: append(before.Animals, src.Animals...),
		Visits:  append(before.Visits, src.Visits...),
	}
	got := exportOf(t, s)
	if d := diff(want, got); d != "" {
		t.Fatalf("export after import (-want +got):\n%s", d)
	}
	wantVisits := []zootour.Visit{src.Visits[2], v, src.Visits[1]}
	if d := diff(wantVisits, must(s.ZooVisits(ctx, z.ID, zootour.Query{}))(t)); d != "" {
		t.Errorf("ZooVisits (-want +got):\n%s", d)
	}
	wantZoos := []zootour.AnimalZoo{az(z, src.Visits[2]), az(src.Zoos[0], src.Visits[0])}
	if d := diff(wantZoos, must(s.AnimalZoos(ctx, a.ID, zootour.Query{Distinct: true}))(t)); d != "" {
		t.Errorf("AnimalZoos distinct (-want +got):\n%s", d)
	}
	if nz := addZoo(t, s, "New", "L"); nz.ID <= 1000 {
		t.Errorf("zoo ID %d after importing 1000", nz.ID)
	}
	if nv := addVisit(t, s, "2025-01-01", z.ID, a.ID); nv.ID <= 3002 {
		t.Errorf("visit ID %d after importing 3002", nv.ID)
	}
}

func testImportEmpty(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	z := addZoo(t, s, "Z", "L")
	addVisit(t, s, "2024-01-01", z.ID, addAnimal(t, s, "A", "S").ID)
	before := exportOf(t, s)
	// The zero Source is an import of nothing (a folder with no files).
	noErr(t, s.Import(ctx, zootour.Source{}))
	noErr(t, s.Import(ctx, source(nil, nil, nil)))
	if d := diff(before, exportOf(t, s)); d != "" {
		t.Errorf("an empty import changed the store (-before +after):\n%s", d)
	}
	// Only visits, of stored records.
	noErr(t, s.Import(ctx, zootour.Source{Visits: seq([]zootour.Visit{{ID: 99, Date: d("2024-01-02"), ZooID: z.ID, AnimalID: before.Animals[0].ID}})}))
	if got := must(s.Counts(ctx))(t); got.Visits != 2 {
		t.Errorf("Counts after importing one visit = %+v", got)
	}
}

// errSource is what a failing source yields.
var errSource = errors.New("storetest: the source failed")

// failing returns recs, then an error in place of the next record.
func failing[T any](recs []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
		var zero T
		yield(zero, errSource)
	}
}

func testImportFailures(t *testing.T, open func(t *testing.T) zootour.Store) {
	// Each import adds good records of every kind before the bad one, so
	// that a store which wrote them would show it.
	zoo := func(id int64) zootour.Zoo { return zootour.Zoo{ID: big + id, Name: "Zoo", Location: "L"} }
	animal := func(id int64) zootour.Animal { return zootour.Animal{ID: big + id, Name: "Animal", Species: "S"} }
	visit := func(id int64, date string, zoo, animal int64) zootour.Visit {
		return zootour.Visit{ID: big + id, Date: d(date), ZooID: zoo, AnimalID: animal}
	}
	goodZoos := []zootour.Zoo{zoo(1), zoo(2)}
	goodAnimals := []zootour.Animal{animal(1), animal(2)}
	// base is what the store holds before the import.
	type base struct{ zoo, animal, visit int64 }
	cases := []struct {
		name   string
		src    func(b base) zootour.Source
		kind   string
		record int
		code   string
	}{
		{"zoo blank name", func(b base) zootour.Source {
			return source([]zootour.Zoo{zoo(1), {ID: big + 2, Name: " ", Location: "L"}, zoo(3)}, goodAnimals, nil)
		}, "zoos", 2, zootour.EINVALID},
		{"zoo location of 201 code points", func(b base) zootour.Source {
			return source([]zootour.Zoo{zoo(1), {ID: big + 2, Name: "N", Location: strings.Repeat("ö", 201)}}, nil, nil)
		}, "zoos", 2, zootour.EINVALID},
		{"zoo ID 0", func(b base) zootour.Source {
			return source([]zootour.Zoo{zoo(1), {Name: "N", Location: "L"}}, nil, nil)
		}, "zoos", 2, zootour.EINVALID},
		{"zoo ID negative", func(b base) zootour.Source {
			return source([]zootour.Zoo{{ID: -3, Name: "N", Location: "L"}}, nil, nil)
		}, "zoos", 1, zootour.EINVALID},
		{"zoo ID stored", func(b base) zootour.Source {
			return source([]zootour.Zoo{zoo(1), {ID: b.zoo, Name: "N", Location: "L"}}, nil, nil)
		}, "zoos", 2, zootour.ECONFLICT},
		{"zoo ID twice", func(b base) zootour.Source {
			return source([]zootour.Zoo{zoo(1), zoo(2), zoo(3), zoo(2)}, nil, nil)
		}, "zoos", 4, zootour.ECONFLICT},
		{"conflict before an invalid record", func(b base) zootour.Source {
			return source([]zootour.Zoo{zoo(1), zoo(1), {ID: big + 2, Name: "", Location: "L"}}, nil, nil)
		}, "zoos", 2, zootour.ECONFLICT},
		{"animal species of 201 code points", func(b base) zootour.Source {
			return source(goodZoos, []zootour.Animal{animal(1), {ID: big + 2, Name: "N", Species: strings.Repeat("ß", 201)}}, nil)
		}, "animals", 2, zootour.EINVALID},
		{"animal name invalid UTF-8", func(b base) zootour.Source {
			return source(goodZoos, []zootour.Animal{{ID: big + 2, Name: "N\xff", Species: "S"}}, nil)
		}, "animals", 1, zootour.EINVALID},
		{"animal name control character", func(b base) zootour.Source {
			return source(goodZoos, []zootour.Animal{animal(1), animal(2), {ID: big + 3, Name: "a\x01b", Species: "S"}}, nil)
		}, "animals", 3, zootour.EINVALID},
		{"animal ID stored", func(b base) zootour.Source {
			return source(goodZoos, []zootour.Animal{{ID: b.animal, Name: "N", Species: "S"}}, nil)
		}, "animals", 1, zootour.ECONFLICT},
		{"animal ID twice", func(b base) zootour.Source {
			return source(goodZoos, []zootour.Animal{animal(1), animal(1)}, nil)
		}, "animals", 2, zootour.ECONFLICT},
		{"visit to a missing zoo", func(b base) zootour.Source {
			return source(goodZoos, goodAnimals, []zootour.Visit{
				visit(1, "2024-01-01", big+1, big+1), visit(2, "2024-01-02", big+9, big+1), visit(3, "2024-01-03", big+1, big+1)})
		}, "visits", 2, zootour.EINVALID},
		{"visit to a missing zoo on a date the animal is taken", func(b base) zootour.Source {
			// A record's own faults are reported in one order everywhere:
			// ID, zoo, animal, then date.
			return source(goodZoos, goodAnimals, []zootour.Visit{
				visit(1, "2024-01-01", big+1, big+1), visit(2, "2024-01-01", big+9, big+1)})
		}, "visits", 2, zootour.EINVALID},
		{"visit of a missing animal", func(b base) zootour.Source {
			return source(goodZoos, goodAnimals, []zootour.Visit{
				visit(1, "2024-01-01", big+1, big+1), visit(2, "2024-01-02", b.zoo, big+9)})
		}, "visits", 2, zootour.EINVALID},
		{"visit with no date", func(b base) zootour.Source {
			return source(goodZoos, goodAnimals, []zootour.Visit{
				visit(1, "2024-01-01", big+1, big+1), {ID: big + 2, ZooID: big + 1, AnimalID: big + 1}})
		}, "visits", 2, zootour.EINVALID},
		{"visit ID 0", func(b base) zootour.Source {
			return source(goodZoos, goodAnimals, []zootour.Visit{{Date: d("2024-01-01"), ZooID: b.zoo, AnimalID: b.animal}})
		}, "visits", 1, zootour.EINVALID},
		{"visit zoo ID 0", func(b base) zootour.Source {
			return source(goodZoos, goodAnimals, []zootour.Visit{visit(1, "2024-01-01", big+1, big+1), visit(2, "2024-01-05", 0, big+1)})
		}, "visits", 2, zootour.EINVALID},
		{"visit ID stored", func(b base) zootour.Source {
			return source(goodZoos, goodAnimals, []zootour.Visit{
				visit(1, "2024-01-01", big+1, big+1), {ID: b.visit, Date: d("2024-01-02"), ZooID: big + 1, AnimalID: big + 1}})
		}, "visits", 2, zootour.ECONFLICT},
		{"visit ID twice", func(b base) zootour.Source {
			return source(goodZoos, goodAnimals, []zootour.Visit{
				visit(1, "2024-01-01", big+1, big+1), visit(2, "2024-01-02", big+1, big+1), visit(1, "2024-01-03", big+1, big+1)})
		}, "visits", 3, zootour.ECONFLICT},
		{"animal twice on a date at one zoo", func(b base) zootour.Source {
			return source(goodZoos, goodAnimals, []zootour.Visit{
				visit(1, "2024-01-01", big+1, big+1), visit(2, "2024-01-01", big+1, big+2), visit(3, "2024-01-01", big+1, big+1)})
		}, "visits", 3, zootour.ECONFLICT},
		{"animal twice on a date at two zoos", func(b base) zootour.Source {
			return source(goodZoos, goodAnimals, []zootour.Visit{
				visit(1, "2024-01-01", big+1, big+1), visit(2, "2024-01-01", big+2, big+1)})
		}, "visits", 2, zootour.ECONFLICT},
		{"animal on the date of a stored visit", func(b base) zootour.Source {
			return source(goodZoos, goodAnimals, []zootour.Visit{
				visit(1, "2024-01-01", big+1, big+1), visit(2, "2024-01-01", big+1, b.animal)})
		}, "visits", 2, zootour.ECONFLICT},
		{"an earlier conflict wins over a later repeat", func(b base) zootour.Source {
			return source(goodZoos, goodAnimals, []zootour.Visit{
				visit(1, "2024-01-01", big+1, big+1), visit(2, "2024-01-01", big+1, b.animal), visit(1, "2024-01-02", big+1, big+2)})
		}, "visits", 2, zootour.ECONFLICT},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, ctx := open(t), t.Context()
			z, a := addZoo(t, s, "Base", "L"), addAnimal(t, s, "Base", "S")
			v := addVisit(t, s, "2024-01-01", z.ID, a.ID)
			before := exportOf(t, s)

			err := s.Import(ctx, tc.src(base{z.ID, a.ID, v.ID}))
			var re *zootour.RecordError
			if !errors.As(err, &re) {
				t.Fatalf("Import = %v, want a *zootour.RecordError", err)
			}
			if re.Kind != tc.kind || re.Record != tc.record {
				t.Errorf("Import failed at %s record %d (%v), want %s record %d", re.Kind, re.Record, err, tc.kind, tc.record)
			}
			code(t, "Import", err, tc.code)
			checkNoTrace(t, s, before)
		})
	}
	t.Run("source error", func(t *testing.T) {
		s, ctx := open(t), t.Context()
		z := addZoo(t, s, "Base", "L")
		before := exportOf(t, s)
		for _, src := range []zootour.Source{
			{Zoos: failing(goodZoos)},
			{Zoos: seq(goodZoos), Animals: failing(goodAnimals)},
			{Zoos: seq(goodZoos), Animals: seq(goodAnimals), Visits: failing([]zootour.Visit{visit(1, "2024-01-01", z.ID, big+1)})},
		} {
			// The source knows where it failed (a file and a line): its error comes back as it is.
			if err := s.Import(ctx, src); err != errSource {
				t.Errorf("Import = %v, want the source's error as it is", err)
			}
		}
		checkNoTrace(t, s, before)
	})
}

// testImportCancelled cancels the context of an import while the source is
// being read: the import either fails and leaves no trace, or succeeds
// whole.
func testImportCancelled(t *testing.T, open func(t *testing.T) zootour.Store) {
	s := open(t)
	z := addZoo(t, s, "Base", "L")
	before := exportOf(t, s)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	const n = 3000
	visits := func(yield func(zootour.Visit, error) bool) {
		for i := range int64(n) {
			if i == n/2 {
				cancel()
			}
			if !yield(zootour.Visit{ID: big + i, Date: zootour.MinDate.AddDays(int(i)), ZooID: z.ID, AnimalID: big}, nil) {
				return
			}
		}
	}
	animals := []zootour.Animal{{ID: big, Name: "A", Species: "S"}}
	err := s.Import(ctx, zootour.Source{Animals: seq(animals), Visits: visits})
	if err == nil {
		if got := must(s.Counts(t.Context()))(t); got.Visits != n {
			t.Errorf("an import that succeeded holds %d visits of %d", got.Visits, n)
		}
		return
	}
	checkNoTrace(t, s, before)
}

// testImportDryRun imports with DryRun: a source the import would take
// comes back nil, one it would refuse with the error the import gives, and
// either way the store is as before, its change log and the IDs it gives
// next included; the same source then imports for real.
func testImportDryRun(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	z, a := addZoo(t, s, "Base", "L"), addAnimal(t, s, "Base", "S")
	addVisit(t, s, "2024-01-01", z.ID, a.ID)
	before := exportOf(t, s)
	logged := len(changesOf(t, s, zootour.ChangeFilter{}))
	unchanged := func(t *testing.T) {
		t.Helper()
		if d := diff(before, exportOf(t, s)); d != "" {
			t.Fatalf("a dry run changed the store (-before +after):\n%s", d)
		}
		if got := len(changesOf(t, s, zootour.ChangeFilter{})); got != logged {
			t.Errorf("a dry run left %d entries in the change log, want %d", got, logged)
		}
	}
	good := dump{
		Zoos:    []zootour.Zoo{{ID: big + 1, Name: "Z", Location: "L"}},
		Animals: []zootour.Animal{{ID: big + 2, Name: "A", Species: "S"}},
		Visits: []zootour.Visit{
			{ID: big + 3, Date: d("2024-01-01"), ZooID: big + 1, AnimalID: big + 2},
			{ID: big + 4, Date: d("2024-01-02"), ZooID: z.ID, AnimalID: a.ID},
		},
	}
	dry := func(src zootour.Source) zootour.Source { src.DryRun = true; return src }
	noErr(t, s.Import(ctx, dry(good.source())))
	unchanged(t)

	for _, tc := range []struct {
		name   string
		src    zootour.Source
		kind   string
		record int
		code   string
	}{
		{"zoo ID stored", source([]zootour.Zoo{good.Zoos[0], {ID: z.ID, Name: "N", Location: "L"}}, nil, nil), "zoos", 2, zootour.ECONFLICT},
		{"visit to a missing zoo", source(good.Zoos, good.Animals, []zootour.Visit{good.Visits[0],
			{ID: big + 5, Date: d("2024-01-03"), ZooID: big + 9, AnimalID: big + 2}}), "visits", 2, zootour.EINVALID},
		{"animal on the date of a stored visit", source(good.Zoos, good.Animals, []zootour.Visit{good.Visits[0],
			{ID: big + 5, Date: d("2024-01-01"), ZooID: big + 1, AnimalID: a.ID}}), "visits", 2, zootour.ECONFLICT},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Import(ctx, dry(tc.src))
			var re *zootour.RecordError
			if !errors.As(err, &re) || re.Kind != tc.kind || re.Record != tc.record {
				t.Fatalf("dry run = %v, want a *zootour.RecordError for %s record %d", err, tc.kind, tc.record)
			}
			code(t, "Import", err, tc.code)
			unchanged(t)
		})
	}
	if err := s.Import(ctx, dry(zootour.Source{Zoos: failing(good.Zoos)})); err != errSource {
		t.Errorf("dry run of a failing source = %v, want the source's error as it is", err)
	}
	unchanged(t)
	checkNoTrace(t, s, before) // the IDs it gives next too: a dry run of IDs from 1<<62 moves no sequence

	before = exportOf(t, s)
	noErr(t, s.Import(ctx, good.source()))
	want := dump{
		Zoos:    append(before.Zoos, good.Zoos...),
		Animals: append(before.Animals, good.Animals...),
		Visits:  append(before.Visits, good.Visits...),
	}
	if d := diff(want, exportOf(t, s)); d != "" {
		t.Fatalf("the import after the dry runs (-want +got):\n%s", d)
	}
}

// checkNoTrace checks that a failed import left s as before, down to the
// IDs it gives next.
func checkNoTrace(t *testing.T, s zootour.Store, before dump) {
	t.Helper()
	if d := diff(before, exportOf(t, s)); d != "" {
		t.Fatalf("a failed import changed the store (-before +after):\n%s", d)
	}
	z, a := addZoo(t, s, "After", "L"), addAnimal(t, s, "After", "S")
	v := addVisit(t, s, "2030-01-01", z.ID, a.ID)
	if z.ID >= big || a.ID >= big || v.ID >= big {
		t.Errorf("after a failed import of IDs from 1<<62 the store gave IDs %d, %d, %d", z.ID, a.ID, v.ID)
	}
}

func testExport(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	var ids []int64
	z1, z2 := addZoo(t, s, "Z1", "L"), addZoo(t, s, "Z2", "L")
	a1, a2 := addAnimal(t, s, "A1", "S"), addAnimal(t, s, "A2", "S")
	// Visits created out of date order, one updated, one deleted.
	for i, date := range []string{"2024-05-01", "2024-01-01", "2024-03-01", "2023-01-01"} {
		ids = append(ids, addVisit(t, s, date, []int64{z1.ID, z2.ID}[i%2], []int64{a1.ID, a2.ID}[i/2]).ID)
	}
	must(s.UpdateVisit(ctx, ids[0], zootour.VisitUpdate{Date: ptr(d("2020-01-01"))}))(t)
	noErr(t, s.DeleteVisit(ctx, ids[2]))
	z1 = must(s.UpdateZoo(ctx, z1.ID, zootour.ZooUpdate{Name: ptr("Z1 renamed")}))(t)

	got := exportOf(t, s)
	if want := "zzaavvv"; string(got.kinds) != want {
		t.Errorf("Export sent records in the order %q, want %q (zoos, animals, visits)", got.kinds, want)
	}
	want := dump{
		Zoos:    []zootour.Zoo{z1, z2},
		Animals: []zootour.Animal{a1, a2},
		Visits:  must(s.FindVisits(ctx, zootour.VisitFilter{}))(t),
	}
	if d := diff(want, got); d != "" {
		t.Errorf("Export (-want +got):\n%s", d)
	}
	for i := 1; i < len(got.Visits); i++ {
		if got.Visits[i-1].ID >= got.Visits[i].ID {
			t.Errorf("Export sent visit %d before %d", got.Visits[i-1].ID, got.Visits[i].ID)
		}
	}
	// A sink's error ends the export and comes back.
	sinkErr := errors.New("storetest: sink full")
	if err := s.Export(ctx, &failingSink{left: 5, err: sinkErr}); !errors.Is(err, sinkErr) {
		t.Errorf("Export to a failing sink = %v, want its error", err)
	}
}

// failingSink accepts left records, then fails.
type failingSink struct {
	left int
	err  error
}

func (f *failingSink) take() error {
	if f.left == 0 {
		return f.err
	}
	f.left--
	return nil
}

func (f *failingSink) Zoo(zootour.Zoo) error       { return f.take() }
func (f *failingSink) Animal(zootour.Animal) error { return f.take() }
func (f *failingSink) Visit(zootour.Visit) error   { return f.take() }

func testExportRoundTrip(t *testing.T, open func(t *testing.T) zootour.Store) {
	w := newWorld(t, open(t))
	r := rand.New(rand.NewPCG(3, 4))
	w.fill(r, 6, 9, 80, 30, d("2024-01-01"))
	// Gaps in every kind of ID, and visits moved after they were made.
	ctx := t.Context()
	zs, as := w.zooIDs(), w.animalIDs()
	noErr(t, w.s.DeleteZoo(ctx, zs[2], true))
	w.m.DeleteZoo(zs[2])
	noErr(t, w.s.DeleteAnimal(ctx, as[4], true))
	w.m.DeleteAnimal(as[4])
	for i, v := range w.m.Visits[:10] {
		if i%2 == 0 {
			w.updateVisit(v.ID, zootour.VisitUpdate{Date: ptr(v.Date.AddDays(-40))})
		}
	}
	w.deleteVisit(w.m.Visits[len(w.m.Visits)-1].ID)

	first := exportOf(t, w.s)
	if got, want := first.counts(), must(w.s.Counts(ctx))(t); got != want {
		t.Errorf("Export sent %+v records, Counts says %+v", got, want)
	}
	s2 := open(t)
	noErr(t, s2.Import(ctx, first.source()))
	if d := diff(first, exportOf(t, s2)); d != "" {
		t.Fatalf("export of the import of an export (-first +second):\n%s", d)
	}
	// The copy answers every question as the original does.
	w2 := &world{t: t, s: s2, m: w.m}
	for _, l := range listers {
		for _, id := range w.owners(l) {
			w2.check(l, id, zootour.Query{})
			w2.check(l, id, zootour.Query{Distinct: true, From: d("2024-01-10")})
		}
	}
}
