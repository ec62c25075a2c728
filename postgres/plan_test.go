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
	s, err := Open(t.Context(), pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := t.Context()

	// 200 zoos, 1,000 animals, 100,000 visits: each animal visits 100
	// times, one day apart, a zoo chosen at random-looking.
	for _, sql := range []string{
		`INSERT INTO zoos (name, location) SELECT 'Zoo ' || i, 'Town ' || i FROM generate_series(1, 200) i`,
		`INSERT INTO animals (name, species) SELECT 'Animal ' || i, 'species ' || (i % 37) FROM generate_series(1, 1000) i`,
		`INSERT INTO visits (date, zoo_id, animal_id)
		 SELECT date '2000-01-01' + i / 1000, 1 + (i * 7919) % 200, 1 + i % 1000 FROM generate_series(0, 99999) i`,
		`ANALYZE zoos, animals, visits`,
	} {
		if _, err := s.pool.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}

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
				checkPlan(t, s.pool, q.sql, args, false)
			})
			t.Run(name+", generic", func(t *testing.T) {
				checkPlan(t, s.pool, q.sql, args, true)
			})
		}
	}
}

// checkPlan explains sql with args, logs the plan and checks it.
func checkPlan(t *testing.T, pool *pgxpool.Pool, sql string, args []any, generic bool) {
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
			"PREPARE listing (bigint, date, date, date, bigint, bigint) AS " + sql,
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
}

type planNode struct {
	NodeType     string     `json:"Node Type"`
	RelationName string     `json:"Relation Name"`
	IndexName    string     `json:"Index Name"`
	IndexCond    string     `json:"Index Cond"`
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
		default:
			fmt.Fprintf(&b, "%v", a)
		}
	}
	return b.String()
}
