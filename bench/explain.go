package bench

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zootour/zootour"
)

// A Plan is what the database does for one question: the store's query and
// the limit query, each with its plan and the problems found in it.
type Plan struct {
	Question string
	Record   string
	Query    string // the SQL explained
	Text     string // the plan as the database prints it
	Generic  string // PostgreSQL: the generic plan of the prepared statement
	// Problems lists what breaks the rule "no full scan, no sort over the
	// whole table"; empty when the plan keeps it.
	Problems []string
	// Sorts lists the sorts the plan does over part of the table (the
	// record's visits), which the rule allows.
	Sorts []string
}

// sqliteScan matches a plan line that reads a whole table (visits, zoos or
// animals, by any of the names the queries give them), through the table
// or through an index.
var sqliteScan = regexp.MustCompile(`^SCAN (visits|zoos|animals|v|w|a|z|e)\b`)

// explainSQLite returns the query plan of text with args.
func explainSQLite(ctx context.Context, db *sql.DB, text string, args []any) (Plan, error) {
	rows, err := db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+text, args...)
	if err != nil {
		return Plan{}, fmt.Errorf("explain %s: %w", text, err)
	}
	defer rows.Close()
	depth := map[int]int{0: -1}
	p := Plan{Query: text}
	var b strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return Plan{}, err
		}
		depth[id] = depth[parent] + 1
		fmt.Fprintf(&b, "%s%s\n", strings.Repeat("  ", max(0, depth[id])), detail)
		switch {
		case sqliteScan.MatchString(detail):
			p.Problems = append(p.Problems, detail)
		case strings.Contains(detail, "TEMP B-TREE"):
			p.Sorts = append(p.Sorts, detail)
		}
	}
	p.Text = strings.TrimRight(b.String(), "\n")
	return p, rows.Err()
}

// pgPlanNode is the part of EXPLAIN (FORMAT JSON) that the checks read.
type pgPlanNode struct {
	NodeType     string       `json:"Node Type"`
	RelationName string       `json:"Relation Name"`
	IndexName    string       `json:"Index Name"`
	IndexCond    string       `json:"Index Cond"`
	ActualRows   float64      `json:"Actual Rows"`
	ActualLoops  float64      `json:"Actual Loops"`
	Removed      float64      `json:"Rows Removed by Filter"`
	Plans        []pgPlanNode `json:"Plans"`
}

// explainPostgres explains text with args twice: the plan made for these
// values (the first calls of a prepared statement), and the generic plan
// PostgreSQL may switch to after five calls. Both run (ANALYZE), so the
// row counts are real.
//
// types are the parameters' SQL types, for the PREPARE of the generic
// plan, and check finds the problems of each plan node (which is "custom"
// or "generic").
func explainPostgres(ctx context.Context, pool *pgxpool.Pool, text string, args []any, types []string,
	check func(p *Plan, n pgPlanNode, which string)) (Plan, error) {
	p := Plan{Query: text}
	const opts = "ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF"
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		var err error
		if p.Text, err = pgLines(ctx, tx, "EXPLAIN ("+opts+") "+text, args...); err != nil {
			return err
		}
		js, err := pgLines(ctx, tx, "EXPLAIN ("+opts+", FORMAT JSON) "+text, args...)
		if err != nil {
			return err
		}
		var plans []struct{ Plan pgPlanNode }
		if err := json.Unmarshal([]byte(js), &plans); err != nil {
			return err
		}
		check(&p, plans[0].Plan, "custom")

		for _, s := range []string{
			"SET LOCAL plan_cache_mode = force_generic_plan",
			"PREPARE bench_plan (" + strings.Join(types, ", ") + ") AS " + text,
		} {
			if _, err := tx.Exec(ctx, s); err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
		}
		exec := "EXECUTE bench_plan(" + literals(args) + ")"
		if p.Generic, err = pgLines(ctx, tx, "EXPLAIN ("+opts+") "+exec); err != nil {
			return err
		}
		if js, err = pgLines(ctx, tx, "EXPLAIN ("+opts+", FORMAT JSON) "+exec); err != nil {
			return err
		}
		plans = nil
		if err := json.Unmarshal([]byte(js), &plans); err != nil {
			return err
		}
		check(&p, plans[0].Plan, "generic")
		_, err = tx.Exec(ctx, "DEALLOCATE bench_plan")
		return err
	})
	return p, err
}

// relationTypes are the SQL types of the parameters of storeSQL's
// PostgreSQL queries.
var relationTypes = []string{"bigint", "date", "date", "date", "bigint", "bigint"}

// check records the problems and sorts of a PostgreSQL plan of a
// relationship listing; recordVisits is how many visits the record has,
// the most rows a sort may see without sorting more than the record.
func (p *Plan) check(n pgPlanNode, which string, recordVisits int) {
	if n.RelationName == "visits" || strings.HasPrefix(n.IndexName, "visits_") {
		// Work that grows faster than the answer: a probe that reads many
		// index entries per row, many times over.
		if read := int((n.ActualRows + n.Removed) * max(n.ActualLoops, 1)); read > 2*recordVisits+100 {
			p.Problems = append(p.Problems, fmt.Sprintf("%s: %s on %s reads %d rows of visits (%.0f per loop, %.0f loops) for a record of %d visits",
				which, n.NodeType, orDash(n.IndexName), read, n.ActualRows+n.Removed, n.ActualLoops, recordVisits))
		}
		switch n.NodeType {
		case "Seq Scan":
			p.Problems = append(p.Problems, which+": Seq Scan on visits")
		case "Index Scan", "Index Only Scan", "Bitmap Index Scan":
			if !strings.Contains(n.IndexCond, "zoo_id =") && !strings.Contains(n.IndexCond, "animal_id =") {
				p.Problems = append(p.Problems, fmt.Sprintf("%s: %s on %s reads every zoo's and animal's visits", which, n.NodeType, n.IndexName))
			}
		}
	}
	if n.NodeType == "Seq Scan" && (n.RelationName == "zoos" || n.RelationName == "animals") {
		// Every zoo or animal, for an answer about one: the time grows with
		// the table, not with the answer.
		p.Problems = append(p.Problems, fmt.Sprintf("%s: Seq Scan on %s (%.0f rows)", which, n.RelationName, n.ActualRows))
	}
	if n.NodeType == "Sort" || n.NodeType == "Incremental Sort" {
		// The rows that go in; a merge join may read the sorted rows out
		// more than once, which its own Actual Rows counts.
		var in float64
		for _, c := range n.Plans {
			in += c.ActualRows * max(c.ActualLoops, 1)
		}
		rows := int(in)
		s := fmt.Sprintf("%s: %s of %d rows", which, n.NodeType, rows)
		if rows > recordVisits {
			p.Problems = append(p.Problems, s+fmt.Sprintf(", more than the record's %d visits", recordVisits))
		} else {
			p.Sorts = append(p.Sorts, s)
		}
	}
	for _, c := range n.Plans {
		p.check(c, which, recordVisits)
	}
}

// pgLines runs an EXPLAIN and joins its lines.
func pgLines(ctx context.Context, tx pgx.Tx, text string, args ...any) (string, error) {
	rows, _ := tx.Query(ctx, text, args...)
	lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return "", fmt.Errorf("%s: %w", text, err)
	}
	return strings.Join(lines, "\n"), nil
}

// literals writes args as SQL literals for EXECUTE.
func literals(args []any) string {
	parts := make([]string, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case nil:
			parts[i] = "NULL"
		case zootour.Date:
			parts[i] = "'" + a.String() + "'"
		case []byte:
			parts[i] = `'\x` + hex.EncodeToString(a) + "'"
		case string:
			parts[i] = "'" + strings.ReplaceAll(a, "'", "''") + "'"
		default:
			parts[i] = fmt.Sprint(a)
		}
	}
	return strings.Join(parts, ", ")
}

// pgTypes returns the SQL types of the parameters of a findsql query, by
// their Go types.
func pgTypes(args []any) []string {
	out := make([]string, len(args))
	for i, a := range args {
		switch a.(type) {
		case []byte:
			out[i] = "bytea"
		case string:
			out[i] = "text"
		case zootour.Date:
			out[i] = "date"
		default:
			out[i] = "bigint"
		}
	}
	return out
}

// A page's plan reads an index from the cursor and stops after the page,
// so it may read at most a few pages' worth of rows; a search reads its
// candidates from the words' index and sorts its matches, which is what a
// search costs, so only a whole-table scan is a problem there.
const pageReadMost = 2*pageSize + 100

// checkPagePostgres records the problems and sorts of a PostgreSQL plan
// of a page: a Seq Scan of more rows than a few pages; and for a listing
// without a search a node that reads more rows than a page needs (a sort
// of every record, or an index walked from its start instead of from the
// cursor).
func (p *Plan) checkPagePostgres(n pgPlanNode, which string, search bool) {
	read := int((n.ActualRows + n.Removed) * max(n.ActualLoops, 1))
	switch {
	case n.NodeType == "Seq Scan" && read > pageReadMost:
		p.Problems = append(p.Problems, fmt.Sprintf("%s: Seq Scan on %s (%d rows)", which, n.RelationName, read))
	case n.NodeType == "Seq Scan":
		// A table of a few pages' rows: reading it all is the cheapest
		// plan, and it stays cheap while the table stays small.
	case n.NodeType == "Sort" || n.NodeType == "Incremental Sort":
		var in float64
		for _, c := range n.Plans {
			in += c.ActualRows * max(c.ActualLoops, 1)
		}
		s := fmt.Sprintf("%s: %s of %d rows", which, n.NodeType, int(in))
		if !search && int(in) > pageReadMost {
			p.Problems = append(p.Problems, s+" for a page of "+fmt.Sprint(pageSize))
		} else {
			p.Sorts = append(p.Sorts, s)
		}
	case !search && (n.RelationName != "" || n.IndexName != "") && read > pageReadMost:
		p.Problems = append(p.Problems, fmt.Sprintf("%s: %s on %s reads %d rows for a page of %d",
			which, n.NodeType, cmp.Or(n.IndexName, n.RelationName), read, pageSize))
	}
	for _, c := range n.Plans {
		p.checkPagePostgres(c, which, search)
	}
}

// sqlitePageScan matches a plan line that reads a whole table of the
// listings, or walks one of its indexes from the start.
var sqlitePageScan = regexp.MustCompile(`^SCAN (r|v|w|zoos|animals|visits)\b`)

// checkPageSQLite records the problems and sorts of a SQLite plan of a
// page. A scan of a whole table is one. Walking an index from its start
// (SCAN ... USING INDEX) is not on a first page, which stops after the
// page, but is on a page after a cursor, which should start at the
// cursor (SEARCH). A temporary B-tree sorts what the query selected: the
// matches of a search, or every record of a listing without one.
func (p *Plan) checkPageSQLite(search, hasCursor bool) {
	p.Problems, p.Sorts = nil, nil
	for line := range strings.Lines(p.Text) {
		detail := strings.TrimSpace(line)
		switch {
		case sqlitePageScan.MatchString(detail) && !strings.Contains(detail, " USING "):
			p.Problems = append(p.Problems, detail)
		case sqlitePageScan.MatchString(detail) && hasCursor:
			p.Problems = append(p.Problems, detail+" (from the index's start, not the cursor)")
		case strings.Contains(detail, "TEMP B-TREE") && !search:
			p.Problems = append(p.Problems, detail+" (every record, for a page)")
		case strings.Contains(detail, "TEMP B-TREE"):
			p.Sorts = append(p.Sorts, detail)
		}
	}
}
