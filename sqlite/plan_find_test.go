package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/findsql"
)

// TestPlansFind checks that the listings that find records read no whole
// table: a search starts from the text index (FTS5), a page in name order walks
// the name index from its cursor, a page of visits by date walks
// visits_date (or the zoo's or animal's index), and none sorts a table.
// They hold before and after ANALYZE. The plans, as logged with -v:
//
//	search ("suki axo": the text index's matches, then the records by ID,
//	sorted; the temporary B-tree holds the matches only):
//	  SCAN animal_text VIRTUAL TABLE INDEX 0:M1
//	  SEARCH r USING INTEGER PRIMARY KEY (rowid=?)
//	  USE TEMP B-TREE FOR ORDER BY
//	by name, from a cursor:
//	  SEARCH r USING INDEX animals_name (name_key>?)
//	visits newest first, from a cursor:
//	  SEARCH v USING INDEX visits_date (date<?)
func TestPlansFind(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	words := []string{"Ada", "Bao", "Suki", "Knut", "Zoë", "Mo", "Kea", "Ásta"}
	species := []string{"Axolotl", "Red panda", "Green anaconda", "Hippopotamus"}
	const nZoos, nAnimals, nVisits = 50, 5000, 20000
	src := zootour.Source{
		Zoos: func(yield func(zootour.Zoo, error) bool) {
			for i := 1; i <= nZoos; i++ {
				if !yield(zootour.Zoo{ID: int64(i), Name: fmt.Sprintf("%s Park %d", words[i%len(words)], i), Location: "City"}, nil) {
					return
				}
			}
		},
		Animals: func(yield func(zootour.Animal, error) bool) {
			for i := 1; i <= nAnimals; i++ {
				a := zootour.Animal{ID: int64(i), Name: fmt.Sprintf("%s %d", words[i%len(words)], i), Species: species[i%len(species)]}
				if !yield(a, nil) {
					return
				}
			}
		},
		Visits: func(yield func(zootour.Visit, error) bool) {
			start := zootour.MustDate("2000-01-01")
			for i := 0; i < nVisits; i++ {
				v := zootour.Visit{ID: int64(i + 1), Date: start.AddDays(i / nAnimals), ZooID: int64(i*7%nZoos + 1), AnimalID: int64(i%nAnimals + 1)}
				if !yield(v, nil) {
					return
				}
			}
		},
	}
	if err := s.Import(ctx, src); err != nil {
		t.Fatal(err)
	}
	last := zootour.Cursor{ID: 4990, Text: "Zoë 4990"}
	queries := []struct {
		name   string
		q      findsql.Query
		sorted bool // may sort: the matches of a search, not a table
	}{
		{"search", findsql.Records(finding, animals.table, findsql.RecordFilter{Search: zootour.MustSearch("suki axo"), Sort: zootour.SortName, Limit: 101}), true},
		{"search by ID", findsql.Records(finding, animals.table, findsql.RecordFilter{Search: zootour.MustSearch("42"), Sort: zootour.SortName, Limit: 101}), true},
		{"zoo search", findsql.Records(finding, zoos.table, findsql.RecordFilter{Search: zootour.MustSearch("park"), Sort: zootour.SortNameDesc, Limit: 101}), true},
		{"by name", findsql.Records(finding, animals.table, findsql.RecordFilter{Sort: zootour.SortName, Limit: 101}), false},
		{"by name, last page", findsql.Records(finding, animals.table, findsql.RecordFilter{Sort: zootour.SortName, After: last, Limit: 101}), false},
		{"by name, Z to A, last page", findsql.Records(finding, animals.table, findsql.RecordFilter{Sort: zootour.SortNameDesc, After: last, Limit: 101}), false},
		{"species by name", findsql.Records(finding, animals.table, findsql.RecordFilter{Species: "red panda", Sort: zootour.SortName, After: last, Limit: 101}), false},
		{"visits newest first", findsql.Visits(finding, visitCols, zootour.VisitFilter{Sort: zootour.SortDateDesc, Limit: 101}), false},
		{"visits newest first, last page", findsql.Visits(finding, visitCols, zootour.VisitFilter{Sort: zootour.SortDateDesc, After: zootour.Cursor{Date: zootour.MustDate("2000-01-02"), ID: 7000}, Limit: 101}), false},
		{"a zoo's visits by date", findsql.Visits(finding, visitCols, zootour.VisitFilter{ZooID: 3, Sort: zootour.SortDate, Limit: 101}), false},
		{"an animal's visits newest first", findsql.Visits(finding, visitCols, zootour.VisitFilter{AnimalID: 3, Sort: zootour.SortDateDesc, Limit: 101}), false},
	}
	wholeScan := regexp.MustCompile(`^SCAN (r|v|w|zoos|animals|visits|zoo_words|animal_words)$`)
	for _, analyzed := range []bool{false, true} {
		if analyzed {
			if _, err := s.writer.ExecContext(ctx, `ANALYZE`); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range queries {
			plan := explain(t, s.reader, q.q.SQL, q.q.Args...)
			t.Logf("%s (analyzed=%v):\n%s", q.name, analyzed, plan)
			for _, line := range strings.Split(plan, "\n") {
				line = strings.TrimSpace(line)
				if wholeScan.MatchString(line) || (!q.sorted && strings.HasPrefix(line, "USE TEMP B-TREE")) {
					t.Errorf("%s (analyzed=%v): plan has %q:\n%s", q.name, analyzed, line, plan)
				}
			}
		}
	}
}
