package postgres

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/pgtest"
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
// visiting 100 times, one day apart, a zoo chosen at random-looking.
func planStore(t *testing.T) *Store {
	s, err := Open(t.Context(), pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for _, sql := range []string{
		`INSERT INTO zoos (name, location) SELECT 'Zoo ' || i, 'Town ' || i FROM generate_series(1, 200) i`,
		`INSERT INTO animals (name, species) SELECT 'Animal ' || i, 'species ' || (i % 37) FROM generate_series(1, 1000) i`,
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

// checkPlan explains sql with args, logs the plan and checks it. types
// are the parameter types, for the generic plan of a prepared statement.
func checkPlan(t *testing.T, pool *pgxpool.Pool, sql, types string, args []any, generic bool) planNode {
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

	// Every read of visits goes through an index, for one zoo or one
	// animal; so a sort, where the planner finds one cheaper than reading
	// in index order, sorts that zoo's or animal's visits, never the table.
	plans[0].Plan.walk(func(n planNode) {
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
	return plans[0].Plan
}

type planNode struct {
	NodeType     string     `json:"Node Type"`
	RelationName string     `json:"Relation Name"`
	IndexName    string     `json:"Index Name"`
	IndexCond    string     `json:"Index Cond"`
	Direction    string     `json:"Scan Direction"`
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
		case string:
			b.WriteString("'" + strings.ReplaceAll(a, "'", "''") + "'")
		default:
			fmt.Fprintf(&b, "%v", a)
		}
	}
	return b.String()
}

// TestQueryPlansWhereWhen checks the where-and-when questions as
// TestQueryPlans checks the listings: every read of visits is an index scan
// for one zoo or one animal, never a sequential scan, for the custom and
// the generic plan, with and without a window or a page position. Sorts
// are expected: the answers are ordered by values derived from visits (a
// stay's start, an overlap's start), which no index holds, and they sort
// one animal's visits or what the seeks found. The census scans animals,
// on purpose: one backward seek per animal for its last visit on or before
// the date, O(animals log visits). Zoos and animals, looked up by primary
// key, are left to the planner: on these small tables it may hash a scan
// of them rather than probe the key for each of many rows. go test -v
// prints the plans.
func TestQueryPlansWhereWhen(t *testing.T) {
	s := planStore(t)
	on, mid := zootour.MustDate("2000-02-01"), zootour.MustDate("2000-01-20")
	queries := []struct {
		name  string
		sql   string
		types string
		args  [][]any
		seek  bool // visits are read once per animal, by one backward seek (under a LIMIT 1)
	}{
		{"AnimalStays", staysSQL, "bigint, date, bigint", [][]any{{7, nil, nil}, {7, mid, 2}}, false},
		{"AnimalWhere", whereSQL, "bigint, date", [][]any{{7, on}}, true},
		{"ZooPresent", presentSQL, "bigint, date, date, bigint, bigint", [][]any{{7, on, nil, 0, nil}, {7, on, mid, 24500, 10}}, false},
		{"AnimalContacts", contactsSQL, "bigint, date, date, bigint, bigint", [][]any{
			{7, zootour.MinDate, zootour.MaxDate, 0, nil},
			{7, mid, on, 500, 10},
		}, false},
		{"Census", censusSQL, "date, bigint, text, bigint", [][]any{{on, 0, "", nil}, {on, 5, "species 1", 10}}, true},
	}
	for _, q := range queries {
		for i, args := range q.args {
			for _, generic := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s %d, generic=%v", q.name, i, generic), func(t *testing.T) {
					plan := checkPlan(t, s.pool, q.sql, q.types, args, generic)
					if !q.seek {
						return
					}
					var reads []planNode
					limited := false
					plan.walk(func(n planNode) {
						limited = limited || n.NodeType == "Limit"
						if n.RelationName == "visits" || strings.HasPrefix(n.IndexName, "visits_") {
							reads = append(reads, n)
						}
					})
					if len(reads) != 1 || !limited || reads[0].IndexName != "visits_animal_date_key" || reads[0].Direction != "Backward" {
						t.Errorf("visits are not read by one backward seek of visits_animal_date_key under a LIMIT: %+v", reads)
					}
				})
			}
		}
	}
}
