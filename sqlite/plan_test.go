package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/findsql"
	"github.com/zootour/zootour/internal/staysql"
)

// TestPlans checks that every relationship listing walks an index in the
// listing's order: no scan of visits, no temporary B-tree to sort. The plans,
// as this test logs them (go test -run TestPlans -v), are the same with and
// without a window or a page position, and before and after ANALYZE:
//
//	ZooVisits:
//	  SEARCH visits USING COVERING INDEX visits_zoo_date (zoo_id=? AND date>? AND date<?)
//	ZooAnimals:
//	  SEARCH v USING COVERING INDEX visits_zoo_date (zoo_id=? AND date>? AND date<?)
//	  SEARCH a USING INTEGER PRIMARY KEY (rowid=?)
//	ZooAnimals distinct:
//	  SEARCH v USING COVERING INDEX visits_zoo_date (zoo_id=? AND date>? AND date<?)
//	  CORRELATED SCALAR SUBQUERY 1
//	    SEARCH w USING COVERING INDEX visits_animal_zoo (animal_id=? AND zoo_id=? AND date>? AND date<?)
//	  SEARCH a USING INTEGER PRIMARY KEY (rowid=?)
//	AnimalVisits:
//	  SEARCH visits USING INDEX visits_animal_date (animal_id=? AND date>? AND date<?)
//	AnimalZoos:
//	  SEARCH v USING INDEX visits_animal_date (animal_id=? AND date>? AND date<?)
//	  SEARCH z USING INTEGER PRIMARY KEY (rowid=?)
//	AnimalZoos distinct:
//	  SEARCH v USING INDEX visits_animal_date (animal_id=? AND date>? AND date<?)
//	  CORRELATED SCALAR SUBQUERY 1
//	    SEARCH w USING COVERING INDEX visits_animal_zoo (animal_id=? AND zoo_id=? AND date>? AND date<?)
//	  SEARCH z USING INTEGER PRIMARY KEY (rowid=?)
//
// The distinct listings without a limit group the window instead, so they
// sort what the seek found, no more rows than the zoo or animal has visits,
// and scan only their grouped subquery:
//
//	ZooAnimals grouped (AnimalZoos grouped alike, on visits_animal_date):
//	  CO-ROUTINE f
//	    SEARCH visits USING COVERING INDEX visits_zoo_date (zoo_id=? AND date>? AND date<?)
//	    USE TEMP B-TREE FOR GROUP BY
//	  SCAN f
//	  SEARCH a USING INTEGER PRIMARY KEY (rowid=?)
//	  USE TEMP B-TREE FOR ORDER BY
//
// The seek uses the date of the (date, id) start position; visits on that
// date with a smaller ID are skipped by the row-value test, a handful at most.
func TestPlans(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fill(t, s, 20, 50, 3000)

	queries := []struct {
		name     string
		sql      string
		distinct bool
	}{
		{"ZooVisits", zooVisitsSQL, false},
		{"AnimalVisits", animalVisitsSQL, false},
		{"ZooAnimals", relationSQL(zooAnimalsSQL, false), false},
		{"ZooAnimals distinct", relationSQL(zooAnimalsSQL, true), true},
		{"AnimalZoos", relationSQL(animalZoosSQL, false), false},
		{"AnimalZoos distinct", relationSQL(animalZoosSQL, true), true},
		{"ZooAnimals grouped", zooAnimalsGroupedSQL, true},
		{"AnimalZoos grouped", animalZoosGroupedSQL, true},
	}
	windows := map[string]zootour.Query{
		"no window": {},
		"window":    {From: zootour.MustDate("2001-03-01"), To: zootour.MustDate("2002-06-30"), Limit: 10},
		"page":      {From: zootour.MustDate("2001-03-01"), After: zootour.Position{Date: zootour.MustDate("2001-05-01"), ID: 7}},
	}
	for _, analyzed := range []bool{false, true} {
		if analyzed {
			if _, err := s.writer.ExecContext(ctx, `ANALYZE`); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range queries {
			for wname, query := range windows {
				w, err := windowOf(query)
				if err != nil {
					t.Fatal(err)
				}
				plan := explain(t, s.reader, q.sql, w.args(3, q.distinct)...)
				t.Logf("%s, %s, analyzed=%v:\n%s", q.name, wname, analyzed, plan)
				checked := plan
				if strings.HasSuffix(q.name, " grouped") {
					checked = strings.ReplaceAll(checked, "SCAN f\n", "")
					checked = strings.ReplaceAll(checked, "USE TEMP B-TREE FOR GROUP BY", "")
					checked = strings.ReplaceAll(checked, "USE TEMP B-TREE FOR ORDER BY", "")
				}
				for _, bad := range []string{"SCAN", "TEMP B-TREE"} {
					if strings.Contains(checked, bad) {
						t.Errorf("%s (%s, analyzed=%v): plan has %q:\n%s", q.name, wname, analyzed, bad, plan)
					}
				}
			}
		}
	}
}

// TestPlansWhereWhen checks that the where-and-when questions read the
// stays table by its indexes only, never a SCAN of stays or visits, before
// and after ANALYZE (not even a whole index); and that present on a date, during a window and a
// census zoo are ranges of stays_zoo_level merged in order, with no
// temporary B-tree but for the page itself. The plans, as logged with -v:
//
//	AnimalStays:
//	  SEARCH stays USING PRIMARY KEY (animal_id=? AND since>?)
//	AnimalWhere:
//	  SEARCH z USING INTEGER PRIMARY KEY (rowid=?)
//	  SCALAR SUBQUERY 1: SEARCH stays USING PRIMARY KEY (animal_id=? AND since<?)
//	ZooPresent, on a day or during a window (one range a level):
//	  CO-ROUTINE s
//	    MERGE (UNION ALL)
//	      SEARCH b USING COVERING INDEX stays_zoo_level (zoo_id=? AND lvl=? AND since>? AND since<?)
//	      ... (a binary tree of merges of the twelve)
//	  SCAN s
//	  SEARCH a USING INTEGER PRIMARY KEY (rowid=?)
//	AnimalContacts: the animal's stays (MATERIALIZE a, by the primary key),
//	  then per stay the same ranges as ZooPresent, sorted by contact.
func TestPlansWhereWhen(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fill(t, s, 20, 50, 3000)
	on, mid := zootour.MustDate("2000-02-01"), zootour.MustDate("2000-01-20")
	stays := findsql.Query{SQL: staysql.StaysSQL(dialect), Args: []any{3, "", -1}}
	where := findsql.Query{SQL: staysql.WhereSQL(dialect), Args: []any{3, on}}
	queries := []struct {
		name    string
		q       findsql.Query
		ordered bool // its ranges must come merged in order, unsorted
	}{
		{"AnimalStays", stays, true},
		{"AnimalWhere", where, true},
		{"ZooPresent on", staysql.Present(dialect, 3, on, on, zootour.Cursor{}, 100), true},
		{"ZooPresent on, after", staysql.Present(dialect, 3, on, on, zootour.Cursor{Date: mid, ID: 7}, 10), true},
		{"ZooPresent during", staysql.Present(dialect, 3, mid, on, zootour.Cursor{}, 10), true},
		{"Census of a zoo", staysql.CensusZoo(dialect, 3, on, "S"), false},
		{"AnimalContacts", staysql.Contacts(dialect, 3, zootour.MinDate, zootour.MaxDate, 0), false},
		{"AnimalContacts in a window", staysql.Contacts(dialect, 3, mid, on, 7), false},
	}
	wholeScan := regexp.MustCompile(`^SCAN (b|stays|visits|v|x|y|w)( |$)`)
	for _, analyzed := range []bool{false, true} {
		if analyzed {
			if _, err := s.writer.ExecContext(ctx, `ANALYZE`); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range queries {
			plan := explain(t, s.reader, q.q.SQL, q.q.Args...)
			t.Logf("%s, analyzed=%v:\n%s", q.name, analyzed, plan)
			for _, line := range strings.Split(plan, "\n") {
				line = strings.TrimSpace(line)
				if wholeScan.MatchString(line) {
					t.Errorf("%s (analyzed=%v): plan has %q:\n%s", q.name, analyzed, line, plan)
				}
				if q.ordered && strings.HasPrefix(line, "USE TEMP B-TREE") && !strings.Contains(plan, "MERGE") {
					t.Errorf("%s (analyzed=%v): plan sorts: %q:\n%s", q.name, analyzed, line, plan)
				}
			}
		}
	}
}

// explain returns the query plan of query, one step per line.
func explain(t *testing.T, db *sql.DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	depth := map[int]int{}
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		depth[id] = depth[parent] + 1
		b.WriteString(strings.Repeat("  ", depth[id]) + detail + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// fill imports zoos, animals and visits with a fixed pattern: visit i is
// animal i%animals at zoo (i*7)%zoos, dated so no animal has two visits on
// one date.
func fill(t testing.TB, s *Store, zoos, animals, visits int) {
	t.Helper()
	start := zootour.MustDate("2000-01-01")
	src := zootour.Source{
		Zoos: func(yield func(zootour.Zoo, error) bool) {
			for i := 1; i <= zoos; i++ {
				if !yield(zootour.Zoo{ID: int64(i), Name: "Zoo", Location: "Somewhere"}, nil) {
					return
				}
			}
		},
		Animals: func(yield func(zootour.Animal, error) bool) {
			for i := 1; i <= animals; i++ {
				if !yield(zootour.Animal{ID: int64(i), Name: "Animal", Species: "Species"}, nil) {
					return
				}
			}
		},
		Visits: func(yield func(zootour.Visit, error) bool) {
			for i := 0; i < visits; i++ {
				v := zootour.Visit{
					ID:       int64(i + 1),
					Date:     start.AddDays(i / animals),
					ZooID:    int64(i*7%zoos + 1),
					AnimalID: int64(i%animals + 1),
				}
				if !yield(v, nil) {
					return
				}
			}
		},
	}
	if err := s.Import(context.Background(), src); err != nil {
		t.Fatal(err)
	}
}
