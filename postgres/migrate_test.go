package postgres

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/generate"
	"github.com/zootour/zootour/postgres/pgtest"
	"github.com/zootour/zootour/textkey"
)

// TestBackfill opens a database that an older zootour left at schema
// version 2, with records in it: the migration to version 3 fills their
// keys and words, a page of records at a time, and the migration to
// version 5 makes their search columns from the words and drops the words
// tables, so that the records are found and ordered as records written
// since.
func TestBackfill(t *testing.T) {
	ctx := t.Context()
	url := pgtest.URL(t)
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := migrate(ctx, pool, ms[:2], 0); err != nil {
		t.Fatal(err)
	}
	src := generate.Source(generate.Config{Zoos: 130, Animals: 270, Seed: 5})
	var zooList []zootour.Zoo
	var animalList []zootour.Animal
	for z, err := range src.Zoos {
		if err != nil {
			t.Fatal(err)
		}
		zooList = append(zooList, z)
	}
	for a, err := range src.Animals {
		if err != nil {
			t.Fatal(err)
		}
		animalList = append(animalList, a)
	}
	// A word longer than a lexeme may be: 3,600 bytes folded, of which
	// search keeps 2,046 (682 whole characters).
	long := zootour.Zoo{ID: 1000, Name: strings.Repeat("㌖", 200), Location: "Ｔōkyō"}
	zooList = append(zooList, long)
	// Records as version 2 held them: no keys, no words.
	rows := func(n int, row func(i int) []any) pgx.CopyFromSource {
		return pgx.CopyFromSlice(n, func(i int) ([]any, error) { return row(i), nil })
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"zoos"}, []string{"id", "name", "location"}, rows(len(zooList), func(i int) []any {
		return []any{zooList[i].ID, zooList[i].Name, zooList[i].Location}
	})); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"animals"}, []string{"id", "name", "species"}, rows(len(animalList), func(i int) []any {
		return []any{animalList[i].ID, animalList[i].Name, animalList[i].Species}
	})); err != nil {
		t.Fatal(err)
	}

	defer func(n int) { rekeyPage = n }(rekeyPage)
	rekeyPage = 50
	s, err := Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	var words int
	for _, z := range zooList {
		words += len(textkey.Words(z.Name, z.Location))
	}
	for _, a := range animalList {
		words += len(textkey.Words(a.Name, a.Species))
	}
	var stored int
	var left bool
	if err := s.pool.QueryRow(ctx, `SELECT (SELECT sum(length(search)) FROM zoos) + (SELECT sum(length(search)) FROM animals),
		to_regclass('zoo_words') IS NOT NULL OR to_regclass('animal_words') IS NOT NULL`).Scan(&stored, &left); err != nil {
		t.Fatal(err)
	}
	if stored != words {
		t.Errorf("the search columns hold %d lexemes, want %d", stored, words)
	}
	if left {
		t.Errorf("a words table is left after the migration to version 5")
	}
	// Each record's lexemes, as the migration made them from the words,
	// are those every write makes.
	lexemes := func(table string) map[int64][]string {
		out := map[int64][]string{}
		rows, _ := s.pool.Query(ctx, "SELECT id, tsvector_to_array(search) FROM "+table)
		defer rows.Close()
		for rows.Next() {
			var id int64
			var ls []string
			if err := rows.Scan(&id, &ls); err != nil {
				t.Fatal(err)
			}
			out[id] = slices.Sorted(slices.Values(ls))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	gotLexemes := lexemes("zoos")
	for _, z := range zooList {
		if want := slices.Sorted(slices.Values(zoos.lexemes(z))); !slices.Equal(want, gotLexemes[z.ID]) {
			t.Errorf("zoo %d: lexemes %q, want %q", z.ID, gotLexemes[z.ID], want)
		}
	}
	gotLexemes = lexemes("animals")
	for _, a := range animalList {
		if want := slices.Sorted(slices.Values(animals.lexemes(a))); !slices.Equal(want, gotLexemes[a.ID]) {
			t.Errorf("animal %d: lexemes %q, want %q", a.ID, gotLexemes[a.ID], want)
		}
	}
	found, err := s.FindZoos(ctx, zootour.ZooFilter{Search: zootour.MustSearch(strings.Repeat("㌖", 100) + " tok")})
	if err != nil || len(found) != 1 || found[0].ID != long.ID {
		t.Errorf("the zoo of a long word: %v, %v", found, err)
	}

	byName := func(a, b string) int { return bytes.Compare(textkey.Name(a), textkey.Name(b)) }
	wantZoos := slices.SortedStableFunc(slices.Values(zooList), func(a, b zootour.Zoo) int { return byName(a.Name, b.Name) })
	gotZoos, err := s.FindZoos(ctx, zootour.ZooFilter{Sort: zootour.SortName})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(wantZoos, gotZoos); d != "" {
		t.Errorf("zoos by name after the backfill (-want +got):\n%s", d)
	}
	a := animalList[len(animalList)-1]
	var want []zootour.Animal
	for _, b := range animalList {
		if b.Name == a.Name && textkey.Species(b.Species) == textkey.Species(a.Species) {
			want = append(want, b)
		}
	}
	got, err := s.FindAnimals(ctx, zootour.AnimalFilter{Search: zootour.MustSearch(a.Name), Species: a.Species, Sort: zootour.SortID})
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("animals named %q of species %q after the backfill (-want +got):\n%s", a.Name, a.Species, d)
	}
	if _, err := s.pool.Exec(ctx, "SELECT setval('zoos_id_seq', (SELECT max(id) FROM zoos))"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateZoo(ctx, zootour.Zoo{Name: "New", Location: "Here"}); err != nil {
		t.Errorf("a zoo after the backfill: %v", err)
	}
}

func TestFirstSchema(t *testing.T) {
	tests := []struct{ path, want string }{
		{`"$user", public`, "$user"},
		{`Zoo, public`, "zoo"},
		{`  zoo ,public`, "zoo"},
		{`"Zoo ""Tour""", public`, `Zoo "Tour"`},
		{`"a,b"`, "a,b"},
		{`ÄB`, "Äb"},
		{``, ""},
	}
	for _, tt := range tests {
		if got := firstSchema(tt.path); got != tt.want {
			t.Errorf("firstSchema(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}
