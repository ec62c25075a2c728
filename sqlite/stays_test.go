package sqlite_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/sqlite"
	"github.com/zootour/zootour/teaching"
)

// TestStaysMigrationAndCheck opens a database made before the stays table
// and the text index (version 2): the migrations build the stays from the
// visits, which answer as the teaching model does, and index the text. Then
// the table is damaged behind the store's back, and Check names each
// difference.
func TestStaysMigrationAndCheck(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	m := teaching.New()
	var zs []zootour.Zoo
	for _, name := range []string{"A", "B", "C"} {
		z, err := s.CreateZoo(ctx, zootour.Zoo{Name: name, Location: "L"})
		if err != nil {
			t.Fatal(err)
		}
		zs = append(zs, z)
		m.Zoos[z.ID] = z
	}
	var as []zootour.Animal
	for _, name := range []string{"x", "y"} {
		a, err := s.CreateAnimal(ctx, zootour.Animal{Name: name, Species: "S"})
		if err != nil {
			t.Fatal(err)
		}
		as = append(as, a)
		m.Animals[a.ID] = a
	}
	day := zootour.MustDate("2020-01-01")
	for i := range 40 {
		v, err := s.CreateVisit(ctx, zootour.Visit{Date: day.AddDays(i * 3), ZooID: zs[i*i%3].ID, AnimalID: as[i%2].ID})
		if err != nil {
			t.Fatal(err)
		}
		m.AddVisit(v)
	}
	s.Close()
	raw := rawDB(t, path)
	// Back to version 2: no stays, and the words tables that the text
	// index of version 4 replaced.
	if _, err := raw.Exec(`DROP TABLE stays; DROP TABLE zoo_text; DROP TABLE animal_text;
		DROP TABLE changes; DROP TABLE sessions; DROP TABLE tokens; DROP TABLE users; DROP TABLE secrets; DROP TABLE idempotency;
		CREATE TABLE zoo_words (word BLOB NOT NULL, zoo_id INTEGER NOT NULL, PRIMARY KEY (word, zoo_id)) STRICT, WITHOUT ROWID;
		CREATE TABLE animal_words (word BLOB NOT NULL, animal_id INTEGER NOT NULL, PRIMARY KEY (word, animal_id)) STRICT, WITHOUT ROWID;
		DELETE FROM schema_migrations WHERE version >= 3`); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	s = open(t, path)
	for _, a := range as {
		got, err := s.AnimalStays(ctx, a.ID, zootour.StayQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if want := m.Stays(a.ID); len(got) != len(want) || len(got) == 0 {
			t.Fatalf("after the migration animal %d has %d stays, want %d", a.ID, len(got), len(want))
		}
	}
	if diffs, err := s.Check(ctx, 0); err != nil || len(diffs) != 0 {
		t.Fatalf("Check after the migration = %q, %v; want no differences", diffs, err)
	}
	// The text index of version 4 was filled too.
	if got, err := s.FindZoos(ctx, zootour.ZooFilter{Search: zootour.MustSearch("b")}); err != nil || len(got) != 1 {
		t.Fatalf("after the migration a search finds %v, %v", got, err)
	}

	raw = rawDB(t, path)
	if _, err := raw.Exec(`UPDATE stays SET visits = visits + 1 WHERE animal_id = ? AND since = (SELECT min(since) FROM stays WHERE animal_id = ?)`, as[0].ID, as[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`DELETE FROM stays WHERE animal_id = ? AND since = (SELECT max(since) FROM stays WHERE animal_id = ?)`, as[1].ID, as[1].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO stays (animal_id, since, until, zoo_id, visits, lvl) VALUES (?, '1999-01-01', '2000-01-01', ?, 1, 4)`, as[1].ID, zs[0].ID); err != nil {
		t.Fatal(err)
	}
	diffs, err := s.Check(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(diffs) != 3 {
		t.Fatalf("Check found %d differences, want 3: %q", len(diffs), diffs)
	}
	for i, want := range []string{"the stays table holds", "the stays table holds none", "the visits give none"} {
		found := false
		for _, d := range diffs {
			found = found || strings.Contains(d, want)
		}
		if !found {
			t.Errorf("difference %d (%q) not reported: %q", i, want, diffs)
		}
	}
	if diffs, _ := s.Check(ctx, 2); len(diffs) != 2 {
		t.Errorf("Check(max 2) gave %d differences", len(diffs))
	}
}
