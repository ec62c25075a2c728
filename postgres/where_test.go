package postgres_test

import (
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/postgres/pgtest"
)

// TestCensusCodePointOrder gives the species column a locale's collation,
// under which the database itself orders the species differently, and
// checks that the census still orders them, and pages through them, by
// code point.
func TestCensusCodePointOrder(t *testing.T) {
	url := pgtest.URL(t)
	s, conn, ctx := openURL(t, url), connect(t, url), t.Context()
	if _, err := conn.Exec(ctx, `ALTER TABLE animals ALTER COLUMN species TYPE text COLLATE "und-x-icu"`); err != nil {
		t.Skipf("no ICU collation to test with: %v", err)
	}
	species := []string{"zebra", "Zebra", "Äffchen", "ant", "Ant", "Œuf", "象", "Kea 🦜", "kea"}
	z := must(s.CreateZoo(ctx, zootour.Zoo{Name: "Z", Location: "L"}))(t)
	on := zootour.MustDate("2024-01-01")
	for _, sp := range species {
		a := must(s.CreateAnimal(ctx, zootour.Animal{Name: "A", Species: sp}))(t)
		must(s.CreateVisit(ctx, zootour.Visit{Date: on, ZooID: z.ID, AnimalID: a.ID}))(t)
	}
	want := slices.Sorted(slices.Values(species)) // Go compares strings byte by byte: code point order for UTF-8

	rows, _ := conn.Query(ctx, `SELECT species FROM animals ORDER BY species`)
	byLocale := must(pgx.CollectRows(rows, pgx.RowTo[string]))(t)
	if slices.Equal(byLocale, want) {
		t.Fatalf("the collation orders the species by code point too (%q): the test shows nothing", byLocale)
	}

	speciesOf := func(rows []zootour.CensusRow) []string {
		var out []string
		for _, r := range rows {
			out = append(out, r.Species)
		}
		return out
	}
	whole := must(s.Census(ctx, zootour.CensusQuery{On: on}))(t)
	if got := speciesOf(whole); !slices.Equal(got, want) {
		t.Errorf("Census species = %q, want %q", got, want)
	}
	// zootour.All asks for pages of its own size, more than there are
	// rows here: walk pages of 2 by hand.
	var paged []zootour.CensusRow
	for after := (zootour.Cursor{}); ; {
		page := must(s.Census(ctx, zootour.CensusQuery{On: on, After: after, Limit: 2}))(t)
		paged = append(paged, page...)
		if len(page) < 2 {
			break
		}
		after = page[len(page)-1].Cursor()
	}
	if got := speciesOf(paged); !slices.Equal(got, want) {
		t.Errorf("Census in pages of 2: species = %q, want %q", got, want)
	}
	// A key between species, that the locale would place elsewhere.
	after := zootour.Cursor{ID: z.ID, Text: "b"}
	got := speciesOf(must(s.Census(ctx, zootour.CensusQuery{On: on, After: after}))(t))
	if i := slices.IndexFunc(want, func(sp string) bool { return sp > "b" }); !slices.Equal(got, want[i:]) {
		t.Errorf("Census after %q = %q, want %q", after.Text, got, want[i:])
	}
}
