package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zootour/zootour"
)

// TestImportVisitsInBatches imports 1,000 visits into an empty table, the
// fast way (many visits a statement, the unique index built at the end),
// with faults placed around and across the statements' boundaries, and
// checks that the import fails exactly as one that inserts the visits one
// by one does: at the
// same record, with the same words. A failed import leaves no trace.
func TestImportVisitsInBatches(t *testing.T) {
	const nVisits, nZoos, nAnimals = 1000, 5, 20
	var zoos []zootour.Zoo
	for i := int64(1); i <= nZoos; i++ {
		zoos = append(zoos, zootour.Zoo{ID: i, Name: "Zoo", Location: "L"})
	}
	var animals []zootour.Animal
	for i := int64(1); i <= nAnimals; i++ {
		animals = append(animals, zootour.Animal{ID: i, Name: "Animal", Species: "S"})
	}
	start := zootour.MustDate("2024-01-01")
	// Visit i: ID 2i+1 (ascending, with gaps), every animal once a day.
	good := func() []zootour.Visit {
		var vs []zootour.Visit
		for i := range nVisits {
			vs = append(vs, zootour.Visit{ID: int64(2*i + 1), Date: start.AddDays(i / nAnimals),
				ZooID: int64(i%nZoos + 1), AnimalID: int64(i%nAnimals + 1)})
		}
		return vs
	}
	// sameDate gives visit j the date of visit i, of the same animal.
	sameDate := func(vs []zootour.Visit, i, j int) {
		if (j-i)%nAnimals != 0 {
			t.Fatalf("visits %d and %d are of different animals", i, j)
		}
		vs[j].Date = vs[i].Date
	}
	boom := errors.New("visits.csv line 501: bad quoting")
	cases := []struct {
		name    string
		change  func(vs []zootour.Visit)
		failsAt int   // the index of a visit the source fails at instead, or -1
		want    error // when not nil, the error expected instead of the memory store's
	}{
		{"all good", func([]zootour.Visit) {}, -1, nil},
		{"conflict in the first statement", func(vs []zootour.Visit) { sameDate(vs, 30, 50) }, -1, nil},
		{"conflict across statements", func(vs []zootour.Visit) { sameDate(vs, 10, 650) }, -1, nil},
		{"conflict in the last, short statement", func(vs []zootour.Visit) { sameDate(vs, 900, 980) }, -1, nil},
		{"of two conflicts, the one whose second visit comes first", func(vs []zootour.Visit) {
			sameDate(vs, 0, 900)
			sameDate(vs, 500, 520)
		}, -1, nil},
		{"a visit conflicting twice", func(vs []zootour.Visit) {
			sameDate(vs, 100, 120)
			sameDate(vs, 100, 140)
		}, -1, nil},
		{"missing zoo after a conflict", func(vs []zootour.Visit) {
			sameDate(vs, 280, 300)
			vs[450].ZooID = 99
		}, -1, nil},
		{"missing zoo before a conflict", func(vs []zootour.Visit) {
			vs[250].ZooID = 99
			sameDate(vs, 280, 300)
		}, -1, nil},
		{"missing animal after a conflict in the same statement", func(vs []zootour.Visit) {
			sameDate(vs, 390, 410)
			vs[420].AnimalID = 99
		}, -1, nil},
		{"missing animal in the last, short statement", func(vs []zootour.Visit) { vs[990].AnimalID = 99 }, -1, nil},
		// A visit at fault twice: SQLite names the missing zoo, as it did when
		// each visit went in by itself; the memory store names the date.
		{"missing zoo and a conflict in one visit", func(vs []zootour.Visit) {
			sameDate(vs, 580, 600)
			vs[600].ZooID = 99
		}, -1, &zootour.RecordError{Kind: "visits", Record: 601, Err: zootour.Missing("zoo", 99)}},
		{"invalid visit after a conflict", func(vs []zootour.Visit) {
			sameDate(vs, 0, 20)
			vs[700].ID = 0
		}, -1, nil},
		{"IDs stop ascending", func(vs []zootour.Visit) { vs[700].ID, vs[701].ID = vs[701].ID, vs[700].ID }, -1, nil},
		{"a conflict after the IDs stop ascending", func(vs []zootour.Visit) {
			vs[700].ID, vs[701].ID = vs[701].ID, vs[700].ID
			sameDate(vs, 780, 800)
		}, -1, nil},
		{"a conflict before the IDs stop ascending", func(vs []zootour.Visit) {
			sameDate(vs, 630, 650)
			vs[700].ID, vs[701].ID = vs[701].ID, vs[700].ID
		}, -1, nil},
		{"an ID taken again", func(vs []zootour.Visit) { vs[700].ID = vs[3].ID }, -1, nil},
		{"source error", func([]zootour.Visit) {}, 500, nil},
		{"source error after a conflict", func(vs []zootour.Visit) { sameDate(vs, 120, 140) }, 500, nil},
		{"source error after a missing zoo", func(vs []zootour.Visit) { vs[450].ZooID = 99 }, 500, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			visits := good()
			tc.change(visits)
			src := zootour.Source{Zoos: seq(zoos...), Animals: seq(animals...),
				Visits: failingAt(visits, tc.failsAt, boom)}

			want := oneByOne(t).Import(ctx, src)
			if tc.want != nil {
				want = tc.want
			}
			path := filepath.Join(t.TempDir(), "zootour.db")
			s := open(t, path)
			got := s.Import(ctx, src)
			switch {
			case want == nil && got == nil:
				var w, g recorder
				m := oneByOne(t)
				if err := m.Import(ctx, src); err != nil {
					t.Fatal(err)
				}
				if err := m.Export(ctx, &w); err != nil {
					t.Fatal(err)
				}
				if err := s.Export(ctx, &g); err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(w, g, cmp.AllowUnexported(recorder{})); diff != "" {
					t.Errorf("export after the import (-memory +sqlite):\n%s", diff)
				}
				return
			case errors.Is(want, boom):
				if got != boom {
					t.Fatalf("Import = %v, want the source's error as it is", got)
				}
			case got == nil || want == nil || got.Error() != want.Error():
				t.Fatalf("Import = %v, want %v", got, want)
			}
			var re *zootour.RecordError
			if !errors.As(want, &re) && !errors.Is(want, boom) {
				t.Fatalf("the memory store failed with %v, not a *RecordError", want)
			}
			if zootour.ErrorCode(got) != zootour.ErrorCode(want) {
				t.Errorf("code %s, want %s", zootour.ErrorCode(got), zootour.ErrorCode(want))
			}
			c, err := s.Counts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if c != (zootour.Counts{}) {
				t.Errorf("after a failed import counts are %+v, want none", c)
			}
			var indexes int
			if err := rawDB(t, path).QueryRow(`SELECT count(*) FROM sqlite_schema
				WHERE type = 'index' AND tbl_name = 'visits'`).Scan(&indexes); err != nil {
				t.Fatal(err)
			}
			if got, want := indexes, 4; got != want {
				t.Errorf("after a failed import visits has %d indexes, want %d", got, want)
			}
		})
	}
}
