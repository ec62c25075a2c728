package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/sqlite"
)

// TestImportRecordsInBatches imports 300 zoos and 1,000 animals into empty
// tables, the fast way (many records a statement, their indexes built at
// the end), with faults placed around and across the statements'
// boundaries, and checks that the import fails exactly as one that
// inserts the records one by one does: at the same record, with the same
// words, leaving no trace. A good import is found by name, species and
// text afterwards.
func TestImportRecordsInBatches(t *testing.T) {
	const nZoos, nAnimals = 300, 1000
	good := func() ([]zootour.Zoo, []zootour.Animal) {
		var zs []zootour.Zoo
		for i := range nZoos {
			zs = append(zs, zootour.Zoo{ID: int64(3*i + 1), Name: fmt.Sprintf("Zoo %d", nZoos-i), Location: "Lyon"})
		}
		var as []zootour.Animal
		for i := range nAnimals {
			as = append(as, zootour.Animal{ID: int64(2*i + 1), Name: fmt.Sprintf("Ada %d", i%97), Species: fmt.Sprintf("Species %d", i%7)})
		}
		return zs, as
	}
	boom := errors.New("animals.csv line 131: bad quoting")
	cases := []struct {
		name    string
		change  func(zs []zootour.Zoo, as []zootour.Animal)
		failsAt int // the index of an animal the source fails at instead, or -1
	}{
		{"all good", func([]zootour.Zoo, []zootour.Animal) {}, -1},
		{"an ID taken in the same statement", func(_ []zootour.Zoo, as []zootour.Animal) { as[50].ID = as[30].ID }, -1},
		{"an ID taken across statements", func(_ []zootour.Zoo, as []zootour.Animal) { as[650].ID = as[10].ID }, -1},
		{"an ID taken in the last, short statement", func(_ []zootour.Zoo, as []zootour.Animal) { as[980].ID = as[900].ID }, -1},
		{"a zoo's ID taken across statements", func(zs []zootour.Zoo, _ []zootour.Animal) { zs[250].ID = zs[20].ID }, -1},
		{"invalid after an ID taken, both waiting", func(_ []zootour.Zoo, as []zootour.Animal) {
			as[410].ID = as[390].ID
			as[420].Name = ""
		}, -1},
		{"invalid before an ID taken", func(_ []zootour.Zoo, as []zootour.Animal) {
			as[250].Name = ""
			as[300].ID = as[280].ID
		}, -1},
		{"a bad ID after an ID taken, both waiting", func(_ []zootour.Zoo, as []zootour.Animal) {
			as[120].ID = as[110].ID
			as[150].ID = 0
		}, -1},
		{"source error", func([]zootour.Zoo, []zootour.Animal) {}, 130},
		{"source error after an ID taken, both waiting", func(_ []zootour.Zoo, as []zootour.Animal) { as[121].ID = as[110].ID }, 130},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			zs, as := good()
			tc.change(zs, as)
			src := zootour.Source{Zoos: seq(zs...),
				Animals: failingAt(as, tc.failsAt, boom)}
			want := oneByOne(t).Import(ctx, src)
			path := filepath.Join(t.TempDir(), "zootour.db")
			s := open(t, path)
			got := s.Import(ctx, src)
			if tc.name == "all good" {
				if got != nil || want != nil {
					t.Fatalf("Import = %v, one by one %v; want both to succeed", got, want)
				}
				checkFound(t, s, oneByOne(t), src)
				return
			}
			var re *zootour.RecordError
			if !errors.As(want, &re) && !errors.Is(want, boom) {
				t.Fatalf("the import one by one failed with %v, not a *RecordError", want)
			}
			if got == nil || got.Error() != want.Error() || zootour.ErrorCode(got) != zootour.ErrorCode(want) {
				t.Fatalf("Import = %v (%s), want %v (%s)", got, zootour.ErrorCode(got), want, zootour.ErrorCode(want))
			}
			if c, err := s.Counts(ctx); err != nil || c != (zootour.Counts{}) {
				t.Errorf("after a failed import counts are %+v (%v), want none", c, err)
			}
			for table, want := range map[string]int{"zoos": 1, "animals": 2} {
				var n int
				if err := rawDB(t, path).QueryRow(`SELECT count(*) FROM sqlite_schema
					WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`, table).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != want {
					t.Errorf("after a failed import %s has %d indexes, want %d", table, n, want)
				}
			}
		})
	}
}

// checkFound compares what s and the store imported one by one, m, hold
// and find after importing src: the export, and listings by name, by
// species and by words, which read the indexes and the text index the
// fast way builds.
func checkFound(t *testing.T, s, m *sqlite.Store, src zootour.Source) {
	t.Helper()
	ctx := context.Background()
	if err := m.Import(ctx, src); err != nil {
		t.Fatal(err)
	}
	var w, g recorder
	if err := m.Export(ctx, &w); err != nil {
		t.Fatal(err)
	}
	if err := s.Export(ctx, &g); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w, g, cmp.AllowUnexported(recorder{})); diff != "" {
		t.Fatalf("export after the import (-one by one +fast):\n%s", diff)
	}
	ada, err := zootour.ParseSearch("ada 5")
	if err != nil {
		t.Fatal(err)
	}
	lyon, err := zootour.ParseSearch("LYON")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []zootour.AnimalFilter{
		{Sort: zootour.SortName, Limit: 50},
		{Species: "species 3", Sort: zootour.SortName},
		{Search: ada},
	} {
		want, err := m.FindAnimals(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.FindAnimals(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 || !cmp.Equal(got, want) {
			t.Errorf("FindAnimals(%+v) = %d animals, one by one %d:\n%s", f, len(got), len(want), cmp.Diff(want, got))
		}
	}
	for _, f := range []zootour.ZooFilter{{Sort: zootour.SortName, Limit: 20}, {Search: lyon, Limit: 500}} {
		want, err := m.FindZoos(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.FindZoos(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 || !cmp.Equal(got, want) {
			t.Errorf("FindZoos(%+v) = %d zoos, one by one %d", f, len(got), len(want))
		}
	}
}
