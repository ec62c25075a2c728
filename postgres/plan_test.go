package postgres

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/generate"
	"github.com/zootour/zootour/internal/findsql"
	"github.com/zootour/zootour/internal/staysql"
	"github.com/zootour/zootour/postgres/pgtest"
)

// TestQueryPlans checks that every relationship listing reads visits
// through an index in its own order: no sequential scan of visits and no
// sort, with the statistics of a filled table, both for the plan made for
// the first calls (with the values known) and for the generic plan the
// server switches to for a prepared statement used often.
// go test -v prints the plans.
func TestQueryPlans(t *testing.T) {
	s := planStore(t)

	all := zootour.Query{}
	page := zootour.Query{
		From:  zootour.MustDate("2000-01-20"),
		To:    zootour.MustDate("2000-03-01"),
		After: zootour.Position{Date: zootour.MustDate("2000-01-25"), ID: 24500},
		Limit: 100,
	}
	queries := []struct {
		name string
		sql  string
		id   int64
	}{
		{"ZooVisits", zooVisitsSQL, 7},
		{"ZooAnimals", zooAnimalsSQL + zooOrderSQL, 7},
		{"ZooAnimals distinct", zooAnimalsSQL + firstVisitSQL + zooOrderSQL, 7},
		{"AnimalVisits", animalVisitsSQL, 7},
		{"AnimalZoos", animalZoosSQL + animalOrderSQL, 7},
		{"AnimalZoos distinct", animalZoosSQL + firstVisitSQL + animalOrderSQL, 7},
	}
	for _, q := range queries {
		for _, query := range []struct {
			name string
			q    zootour.Query
		}{{"all", all}, {"window page", page}} {
			args := append([]any{q.id}, listArgs(query.q)...)
			name := q.name + ", " + query.name
			t.Run(name+", custom", func(t *testing.T) {
				checkPlan(t, s.pool, q.sql, listTypes, args, false)
			})
			t.Run(name+", generic", func(t *testing.T) {
				checkPlan(t, s.pool, q.sql, listTypes, args, true)
			})
		}
	}
}

// planStore returns a store in a fresh schema with the statistics of a
// filled table: 200 zoos, 1,000 animals, 100,000 visits, each animal
// visiting 100 times, one day apart, a zoo chosen at random-looking. The
// zoos and animals go in through Import, which writes their keys and
// words.
func planStore(t *testing.T) *Store {
	s, err := Open(t.Context(), pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	err = s.Import(t.Context(), zootour.Source{
		Zoos: func(yield func(zootour.Zoo, error) bool) {
			for i := int64(1); i <= 200; i++ {
				if !yield(zootour.Zoo{ID: i, Name: fmt.Sprint("Zoo ", i), Location: fmt.Sprint("Town ", i)}, nil) {
					return
				}
			}
		},
		Animals: func(yield func(zootour.Animal, error) bool) {
			for i := int64(1); i <= 1000; i++ {
				if !yield(zootour.Animal{ID: i, Name: fmt.Sprint("Animal ", i), Species: fmt.Sprint("species ", i%37)}, nil) {
					return
				}
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{
		`INSERT INTO visits (date, zoo_id, animal_id)
		 SELECT date '2000-01-01' + i / 1000, 1 + (i * 7919) % 200, 1 + i % 1000 FROM generate_series(0, 99999) i`,
		`ANALYZE zoos, animals, visits`,
	} {
		if _, err := s.pool.Exec(t.Context(), sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	return s
}

// listTypes are the parameter types of a relationship listing.
const listTypes = "bigint, date, date, date, bigint, bigint"

// checkPlan explains sql with args, logs the plan and checks that every
// read of visits is for one zoo or one animal. types are the parameter
// types, for the generic plan of a prepared statement.
func checkPlan(t *testing.T, pool *pgxpool.Pool, sql, types string, args []any, generic bool) planNode {
	plan := explain(t, pool, sql, types, args, generic)
	// Every read of visits goes through an index, for one zoo or one
	// animal; so a sort, where the planner finds one cheaper than reading
	// in index order, sorts that zoo's or animal's visits, never the table.
	plan.walk(func(n planNode) {
		if n.RelationName != "visits" && !strings.HasPrefix(n.IndexName, "visits_") {
			return
		}
		switch n.NodeType {
		case "Index Scan", "Index Only Scan", "Bitmap Index Scan":
			if !strings.Contains(n.IndexCond, "zoo_id =") && !strings.Contains(n.IndexCond, "animal_id =") {
				t.Errorf("%s on %s reads visits of every zoo and animal: %s", n.NodeType, n.IndexName, n.IndexCond)
			}
		case "Bitmap Heap Scan":
			// checked at its Bitmap Index Scan
		default:
			t.Errorf("the plan reads visits with a %s", n.NodeType)
		}
	})
	return plan
}

// explain explains sql with args, as the store runs it (generic false) or
// as a prepared statement's generic plan, logs the plan and returns it.
func explain(t *testing.T, pool *pgxpool.Pool, sql, types string, args []any, generic bool) planNode {
	t.Helper()
	ctx := t.Context()
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)

	explain := func(format string) string {
		var rows pgx.Rows
		if generic {
			rows, _ = tx.Query(ctx, "EXPLAIN (FORMAT "+format+") EXECUTE listing("+literals(args)+")")
		} else {
			rows, _ = tx.Query(ctx, "EXPLAIN (FORMAT "+format+") "+sql, args...)
		}
		out, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(out, "\n")
	}
	if generic {
		for _, stmt := range []string{
			"SET LOCAL plan_cache_mode = force_generic_plan",
			"PREPARE listing (" + types + ") AS " + sql,
		} {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
	}
	t.Logf("%s\n%s", sql, explain("TEXT"))
	var plans []struct{ Plan planNode }
	if err := json.Unmarshal([]byte(explain("JSON")), &plans); err != nil {
		t.Fatal(err)
	}
	if generic {
		// A prepared statement outlives the transaction.
		if _, err := tx.Exec(ctx, "DEALLOCATE listing"); err != nil {
			t.Fatal(err)
		}
	}
	return plans[0].Plan
}

type planNode struct {
	NodeType     string     `json:"Node Type"`
	RelationName string     `json:"Relation Name"`
	IndexName    string     `json:"Index Name"`
	IndexCond    string     `json:"Index Cond"`
	Direction    string     `json:"Scan Direction"`
	Filter       string     `json:"Filter"`
	Plans        []planNode `json:"Plans"`
}

func (n planNode) walk(f func(planNode)) {
	f(n)
	for _, c := range n.Plans {
		c.walk(f)
	}
}

// literals writes args as SQL literals for EXECUTE.
func literals(args []any) string {
	var b strings.Builder
	for i, a := range args {
		if i > 0 {
			b.WriteString(", ")
		}
		switch a := a.(type) {
		case nil:
			b.WriteString("NULL")
		case zootour.Date:
			fmt.Fprintf(&b, "'%s'", a)
		case []byte:
			fmt.Fprintf(&b, "'\\x%x'", a)
		case string:
			b.WriteString("'" + strings.ReplaceAll(a, "'", "''") + "'")
		default:
			fmt.Fprintf(&b, "%v", a)
		}
	}
	return b.String()
}

// TestQueryPlansWhereWhen checks the where-and-when questions on generated
// data (300 zoos, 3,000 animals, 90,000 visits: about 68,000 stays, of
// levels 0 to 4 and open), at the zoo and the animal with the most stays:
// no plan reads stays with a sequential scan, or visits at all; every read
// of stays is an index range for one animal or one zoo; and present on a
// date, during a window and the census of a zoo read stays_zoo_level_idx
// by ranges of since, as docs/stays.md says. The ranges of a page of
// present come merged in order (Merge Append), never sorted: a page costs
// its rows, not all the animals there. The census counts all of them, and
// contacts sort their overlaps by contact. Both the custom plan (the
// store's) and the generic plan of a prepared statement are checked.
// go test -v prints the plans.
func TestQueryPlansWhereWhen(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Import(ctx, generate.Source(generate.Config{Zoos: 300, Animals: 3000, Visits: 90_000, Seed: 1})); err != nil {
		t.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, "VACUUM ANALYZE zoos, animals, visits, stays"); err != nil {
		t.Fatal(err)
	}
	// The busiest zoo and animal, by stays, and a day in the middle of the
	// tours.
	var zoo, animal int64
	var on zootour.Date
	if err := s.pool.QueryRow(ctx, `SELECT (SELECT zoo_id FROM stays GROUP BY zoo_id ORDER BY count(*) DESC, zoo_id LIMIT 1),
		(SELECT animal_id FROM stays GROUP BY animal_id ORDER BY count(*) DESC, animal_id LIMIT 1),
		(SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY since) FROM stays)`).Scan(&zoo, &animal, &on); err != nil {
		t.Fatal(err)
	}
	rows, _ := s.pool.Query(ctx, `SELECT lvl || ': ' || count(*) FROM stays GROUP BY lvl ORDER BY lvl`)
	levels, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("stays by level: %s; zoo %d, animal %d, on %s", strings.Join(levels, ", "), zoo, animal, on)
	later, before := on.AddDays(60), on.AddDays(-30)
	after := zootour.Cursor{Date: before, ID: 1500}
	queries := []struct {
		name string
		q    findsql.Query
		// ranged: every read of stays is a range of since on an index of
		// (zoo, ...), and there is one
		ranged bool
		// merged: the ranges are merged in order, not sorted
		merged bool
	}{
		{"AnimalStays", findsql.Query{SQL: staysql.StaysSQL(dialect), Args: []any{animal, zootour.MinDate, nil}}, false, false},
		{"AnimalStays page", findsql.Query{SQL: staysql.StaysSQL(dialect), Args: []any{animal, before, 5}}, false, false},
		{"AnimalWhere", findsql.Query{SQL: staysql.WhereSQL(dialect), Args: []any{animal, on}}, false, false},
		{"ZooPresent on", staysql.Present(dialect, zoo, on, on, zootour.Cursor{}, 100), true, true},
		{"ZooPresent on, all", staysql.Present(dialect, zoo, on, on, zootour.Cursor{}, 0), true, true},
		{"ZooPresent on, after", staysql.Present(dialect, zoo, on, on, after, 10), true, true},
		{"ZooPresent during", staysql.Present(dialect, zoo, on, later, zootour.Cursor{}, 10), true, true},
		{"ZooPresent during, after", staysql.Present(dialect, zoo, on, later, after, 10), true, true},
		{"Census of a zoo", staysql.CensusZoo(dialect, zoo, on, ""), true, false},
		{"Census of a zoo, after", staysql.CensusZoo(dialect, zoo, on, "L"), true, false},
		{"AnimalContacts", staysql.Contacts(dialect, animal, zootour.MinDate, zootour.MaxDate, 0), false, false},
		{"AnimalContacts in a window", staysql.Contacts(dialect, animal, before, later, 1500), false, false},
	}
	for _, q := range queries {
		for _, generic := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s, generic=%v", q.name, generic), func(t *testing.T) {
				plan := explain(t, s.pool, q.q.SQL, typesOf(q.q.Args), q.q.Args, generic)
				ranges := 0
				plan.walk(func(n planNode) {
					table := n.RelationName
					for _, name := range []string{"stays", "visits"} {
						if strings.HasPrefix(n.IndexName, name+"_") {
							table = name
						}
					}
					switch {
					case table == "visits":
						t.Errorf("the plan reads visits: %s %s", n.NodeType, n.IndexName)
					case table != "stays", n.NodeType == "Bitmap Heap Scan":
					case n.NodeType == "Seq Scan":
						t.Errorf("the plan reads all of stays with a Seq Scan")
					case !strings.Contains(n.IndexCond, "zoo_id =") && !strings.Contains(n.IndexCond, "animal_id ="):
						t.Errorf("%s on %s reads stays of every zoo and animal: %q", n.NodeType, n.IndexName, n.IndexCond)
					case q.ranged && (n.IndexName != "stays_zoo_level_idx" || !strings.Contains(n.IndexCond, "since")):
						t.Errorf("%s on %s is no range of since at the zoo: %q", n.NodeType, n.IndexName, n.IndexCond)
					default:
						ranges++
					}
				})
				if q.ranged && ranges == 0 {
					t.Errorf("the plan reads no range of stays")
				}
				if q.merged {
					checkMerged(t, plan)
				}
			})
		}
	}
}

// checkMerged checks that plan merges ranges of stays in order (Merge
// Append) and sorts none of them.
func checkMerged(t *testing.T, plan planNode) {
	t.Helper()
	merges := 0
	plan.walk(func(n planNode) {
		switch n.NodeType {
		case "Merge Append":
			merges++
		case "Sort":
			n.walk(func(c planNode) {
				if c.RelationName == "stays" || strings.HasPrefix(c.IndexName, "stays_") {
					t.Errorf("the plan sorts what it reads of stays (%s), instead of merging the ranges", c.IndexName)
				}
			})
		}
	})
	if merges == 0 {
		t.Errorf("the plan merges no ranges (no Merge Append)")
	}
}

// TestQueryPlansFind checks that the listings that find records read no
// whole table, on generated data of a realistic size (10,000 zoos, 50,000
// animals, 200,000 visits): searches, pages in name order at the start
// and near the end, and the newest visits. No plan reads the records or
// the visits with a sequential scan; an index is read without a condition
// only in the listing's order, under the page's LIMIT, and such a page
// without a search is not sorted. A search reads its tsquery either
// through the GIN index of the search column (a Bitmap Index Scan of
// *_search_idx), whose matches it then sorts, or as the filter of a walk
// of the order's index under the LIMIT, which the planner takes when it
// expects a page of matches early in the order. (That walk reads every
// record before the first matches: at 100,000 animals a search for "zar"
// in name order read 98,000 rows, 43 ms, where the GIN index and a sort
// take 0.9 ms.)
//
// The plans are those the store gets, made with the values (custom); the
// pages without a search are checked in the generic plan of a prepared
// statement too. A search's generic plan cannot know how rare its words
// are, and may walk the names in order until a page of them matches; the
// server would not choose it under plan_cache_mode=auto either, since it
// costs it well above the custom plans. go test -v prints the plans.
func TestQueryPlansFind(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Import(ctx, generate.Source(generate.Config{Zoos: 10_000, Animals: 50_000, Visits: 200_000, Seed: 1})); err != nil {
		t.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, "ANALYZE zoos, animals, visits"); err != nil {
		t.Fatal(err)
	}

	// The cursors of later pages: the 30th record from the end of name
	// order, the 1,000th newest visit.
	lastZoos, err := s.FindZoos(ctx, zootour.ZooFilter{Sort: zootour.SortNameDesc, Limit: 30})
	if err != nil || len(lastZoos) != 30 {
		t.Fatalf("FindZoos: %d zoos, %v", len(lastZoos), err)
	}
	lastAnimals, err := s.FindAnimals(ctx, zootour.AnimalFilter{Sort: zootour.SortNameDesc, Limit: 30})
	if err != nil || len(lastAnimals) != 30 {
		t.Fatalf("FindAnimals: %d animals, %v", len(lastAnimals), err)
	}
	newest, err := s.FindVisits(ctx, zootour.VisitFilter{Sort: zootour.SortDateDesc, Limit: 1000})
	if err != nil || len(newest) != 1000 {
		t.Fatalf("FindVisits: %d visits, %v", len(newest), err)
	}
	zooNearEnd := zootour.ZooCursor(lastZoos[29], zootour.SortName)
	animalNearEnd := zootour.AnimalCursor(lastAnimals[29], zootour.SortName)
	visitLater := zootour.VisitCursor(newest[999], zootour.SortDateDesc)

	zoo := func(f findsql.RecordFilter) findsql.Query { return findsql.Records(findDialect, zoos.table, f) }
	animal := func(f findsql.RecordFilter) findsql.Query { return findsql.Records(findDialect, animals.table, f) }
	visit := func(f zootour.VisitFilter) findsql.Query { return findsql.Visits(findDialect, visitCols, f) }
	search := zootour.MustSearch
	name := zootour.SortName
	queries := []struct {
		name    string
		q       findsql.Query
		ordered bool // the page walks the order's index, no search; else a search
	}{
		{"zoos, search", zoo(findsql.RecordFilter{Search: search("berl zoo"), Sort: name, Limit: 20}), false},
		{"zoos, search after a cursor", zoo(findsql.RecordFilter{Search: search("berl zoo"), Sort: name,
			After: zootour.Cursor{ID: 5000, Text: "Berlin Zoo 9"}, Limit: 20}), false},
		{"animals, search", animal(findsql.RecordFilter{Search: search("simba lion"), Sort: name, Limit: 20}), false},
		{"animals, search for an ID", animal(findsql.RecordFilter{Search: search("lion 12345"), Sort: name, Limit: 20}), false},
		{"animals, search by ID order", animal(findsql.RecordFilter{Search: search("simba"), Sort: zootour.SortID, Limit: 20}), false},
		{"zoos by name", zoo(findsql.RecordFilter{Sort: name, Limit: 20}), true},
		{"zoos by name near the end", zoo(findsql.RecordFilter{Sort: name, After: zooNearEnd, Limit: 20}), true},
		{"zoos by name descending", zoo(findsql.RecordFilter{Sort: zootour.SortNameDesc, Limit: 20}), true},
		{"animals by name", animal(findsql.RecordFilter{Sort: name, Limit: 20}), true},
		{"animals by name near the end", animal(findsql.RecordFilter{Sort: name, After: animalNearEnd, Limit: 20}), true},
		{"animals of a species by name", animal(findsql.RecordFilter{Species: "lion", Sort: name, Limit: 20}), true},
		{"visits newest first", visit(zootour.VisitFilter{Sort: zootour.SortDateDesc, Limit: 20}), true},
		{"visits newest first after a cursor", visit(zootour.VisitFilter{Sort: zootour.SortDateDesc, After: visitLater, Limit: 20}), true},
	}
	for _, q := range queries {
		for _, generic := range []bool{false, true} {
			if generic && !q.ordered {
				continue
			}
			t.Run(fmt.Sprintf("%s, generic=%v", q.name, generic), func(t *testing.T) {
				plan := explain(t, s.pool, q.q.SQL, typesOf(q.q.Args), q.q.Args, generic)
				checkFindPlan(t, plan, q.ordered, false)
				if !q.ordered {
					checkSearchPlan(t, plan, false)
				}
			})
		}
	}
}

// findTables are the tables a listing that finds records must not read
// whole.
var findTables = map[string]bool{"zoos": true, "animals": true, "visits": true}

// checkFindPlan checks the plan n of a listing that finds records, as
// TestQueryPlansFind says; limited tells whether a Limit node is above n.
func checkFindPlan(t *testing.T, n planNode, ordered, limited bool) {
	t.Helper()
	limited = limited || n.NodeType == "Limit"
	table := n.RelationName
	if table == "" {
		for name := range findTables {
			if strings.HasPrefix(n.IndexName, name+"_") {
				table = name
			}
		}
	}
	switch {
	case n.NodeType == "Sort" && ordered:
		t.Errorf("the page is sorted, not read in the order of an index")
	case !findTables[table]:
	case n.NodeType == "Seq Scan":
		t.Errorf("the plan reads all of %s with a Seq Scan", table)
	case strings.HasSuffix(n.NodeType, "Index Scan") && n.IndexCond == "" && !limited:
		t.Errorf("%s on %s reads the whole index", n.NodeType, n.IndexName)
	case strings.HasSuffix(n.NodeType, "Index Scan") && n.IndexCond == "" && !ordered && !strings.Contains(n.Filter, "@@"):
		t.Errorf("%s on %s walks the whole index without the search as its filter", n.NodeType, n.IndexName)
	}
	for _, c := range n.Plans {
		checkFindPlan(t, c, ordered, limited)
	}
}

// checkSearchPlan checks that the plan n of a search reads its tsquery
// through a GIN index of a search column, or as the filter of a walk of
// an index under a LIMIT; limited tells whether a Limit node is above n.
func checkSearchPlan(t *testing.T, n planNode, limited bool) {
	t.Helper()
	reads := 0
	var walk func(n planNode, limited bool)
	walk = func(n planNode, limited bool) {
		limited = limited || n.NodeType == "Limit"
		switch {
		case n.NodeType == "Bitmap Index Scan" && strings.HasSuffix(n.IndexName, "_search_idx") && strings.Contains(n.IndexCond, "@@"):
			reads++
		case strings.HasSuffix(n.NodeType, "Index Scan") && limited && strings.Contains(n.Filter, "@@"):
			reads++
		}
		for _, c := range n.Plans {
			walk(c, limited)
		}
	}
	walk(n, limited)
	if reads == 0 {
		t.Errorf("the plan reads the search neither through a search column's GIN index nor as the filter of a walk under the LIMIT")
	}
}

// typesOf returns the SQL types of args, for PREPARE.
func typesOf(args []any) string {
	types := make([]string, len(args))
	for i, a := range args {
		switch a.(type) {
		case []byte:
			types[i] = "bytea"
		case string:
			types[i] = "text"
		case zootour.Date:
			types[i] = "date"
		default:
			types[i] = "bigint"
		}
	}
	return strings.Join(types, ", ")
}
