package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zootour/zootour"
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

// TestPlansWhereWhen checks the where-and-when questions as TestPlans
// checks the listings: every read of visits is a SEARCH of an index, never a
// SCAN of the table, with and without a window or a page position, before
// and after ANALYZE. A SCAN of a CTE is
// fine (it holds one animal's visits or stays, or what the seeks found), and
// so is a temporary B-tree: the listings are ordered by values computed from
// visits (a stay's start, an overlap's start), which no index holds. The
// census scans animals, on purpose: it is one seek per animal for its last
// visit on or before the date, O(animals log visits). The plans, as logged:
//
//	AnimalStays (the animal's visits, LAG and LEAD over them):
//	  SEARCH visits USING INDEX visits_animal_date (animal_id=? AND date>?)
//	  SCALAR SUBQUERY: SEARCH visits USING COVERING INDEX visits_animal_date (animal_id=? AND date<?)
//	  CORRELATED SCALAR SUBQUERY: SEARCH visits USING COVERING INDEX visits_animal_date (animal_id=? AND date>?)
//	  USE TEMP B-TREE FOR ORDER BY (twice: the window, then the stays)
//	AnimalWhere:
//	  SEARCH z USING INTEGER PRIMARY KEY (rowid=?)
//	  SCALAR SUBQUERY: SEARCH visits USING INDEX visits_animal_date (animal_id=? AND date<?)
//	ZooPresent:
//	  SEARCH x USING COVERING INDEX visits_zoo_date (zoo_id=? AND date<?)
//	  CORRELATED SCALAR SUBQUERY: SEARCH y USING COVERING INDEX visits_animal_date (animal_id=? AND date>? AND date<?)
//	  CORRELATED SCALAR SUBQUERY: SEARCH y USING COVERING INDEX visits_animal_zoo (animal_id=? AND zoo_id=? AND date>?)
//	    CORRELATED SCALAR SUBQUERY: SEARCH w USING INDEX visits_animal_date (animal_id=? AND date<?)
//	  SEARCH a USING INTEGER PRIMARY KEY (rowid=?)
//	  CORRELATED SCALAR SUBQUERY: SEARCH w USING INDEX visits_animal_date (animal_id=? AND date>?)
//	  USE TEMP B-TREE FOR ORDER BY
//	AnimalContacts:
//	  MATERIALIZE ob: the animal's stays (as AnimalStays), grouped by zoo, then
//	    SCAN g; SEARCH x USING COVERING INDEX visits_zoo_date (zoo_id=? AND date<?)
//	      with the seeks of ZooPresent, and
//	    SCAN g; SEARCH x USING COVERING INDEX visits_zoo_date (zoo_id=? AND date>? AND date<?)
//	      CORRELATED SCALAR SUBQUERY: SEARCH y USING INDEX visits_animal_date (animal_id=? AND date<?)
//	  SCAN ob; SEARCH a USING INTEGER PRIMARY KEY (rowid=?)
//	  SEARCH e USING AUTOMATIC COVERING INDEX (zoo=?)
//	  USE TEMP B-TREE FOR ORDER BY
//	Census:
//	  MATERIALIZE c: SCAN a
//	    CORRELATED SCALAR SUBQUERY: SEARCH y USING INDEX visits_animal_date (animal_id=? AND date<?)
//	  SCAN c; USE TEMP B-TREE FOR GROUP BY
func TestPlansWhereWhen(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fill(t, s, 20, 50, 3000)

	// Every SCAN must be of one of these: CTEs, a constant row, and (for the
	// census only) animals. No alias of visits is among them.
	ctes := []string{"av", "s", "e", "g", "ob", "o", "p", "k", "c", "CONSTANT ROW", "(subquery-"}
	on, mid := "2000-02-01", "2000-01-20"
	queries := []struct {
		name  string
		sql   string
		args  [][]any
		scans []string
	}{
		{"AnimalStays", staysSQL, [][]any{{3, "", -1}, {3, mid, 2}}, nil},
		{"AnimalWhere", whereSQL, [][]any{{3, on}}, nil},
		{"ZooPresent", presentSQL, [][]any{{3, on, on, "", 0, -1}, {3, on, on, mid, 7, 10}, {3, mid, on, "", 0, 10}}, nil},
		{"AnimalContacts", contactsSQL, [][]any{
			{3, zootour.MinDate.String(), zootour.MaxDate.String(), 0},
			{3, mid, on, 7},
		}, nil},
		{"Census", censusSQL, [][]any{{on, 0, "", -1}, {on, 5, "Species", 10}}, []string{"a"}},
	}
	for _, analyzed := range []bool{false, true} {
		if analyzed {
			if _, err := s.writer.ExecContext(ctx, `ANALYZE`); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range queries {
			for _, args := range q.args {
				plan := explain(t, s.reader, q.sql, args...)
				t.Logf("%s %v, analyzed=%v:\n%s", q.name, args, analyzed, plan)
				if !strings.Contains(plan, "visits_") {
					t.Errorf("%s (analyzed=%v): plan uses no index of visits:\n%s", q.name, analyzed, plan)
				}
				for _, line := range strings.Split(plan, "\n") {
					target, ok := strings.CutPrefix(strings.TrimSpace(line), "SCAN ")
					if !ok {
						continue
					}
					allowed := slices.ContainsFunc(append(ctes, q.scans...), func(name string) bool {
						return target == name || strings.HasPrefix(name, "(") && strings.HasPrefix(target, name)
					})
					if !allowed {
						t.Errorf("%s %v (analyzed=%v): plan has %q:\n%s", q.name, args, analyzed, line, plan)
					}
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
