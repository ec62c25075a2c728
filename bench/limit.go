package bench

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zootour/zootour"
	_ "modernc.org/sqlite" // the driver the SQLite store uses, as "sqlite"
)

// The limits: the least work that gives the same answer, run in the same
// process, so that each store's time is a multiple of what its technology
// allows. For SQLite and PostgreSQL it is the fastest of a few single SQL
// queries for the same answer (LimitQueries), prepared once and run
// through the same driver (database/sql and modernc.org/sqlite; pgx),
// scanning into the same types, with no zootour code around it: no
// transaction, no existence check, no validation.

// A LimitQuery is one SQL text for a question, in one dialect.
type LimitQuery struct {
	Name string // how it finds the answer: "index walk", "NOT EXISTS", ...
	SQL  string
}

// The parts of the limit queries. {id} is the zoo or animal parameter,
// {from} and {to} the window's; entity columns come after the visit's ID
// and date, in the order of the zootour types.
const (
	limitVisits = `SELECT v.id, v.date, v.zoo_id, v.animal_id FROM visits v WHERE v.%[1]s = {id}{window} ORDER BY %[2]s`
	limitJoin   = `SELECT v.id, v.date, e.id, e.name, e.%[3]s FROM visits v JOIN %[4]s e ON e.id = v.%[5]s WHERE v.%[1]s = {id}{window}`
	// Keep a visit if the pair has no earlier visit in the window.
	limitNotExists = limitJoin + ` AND NOT EXISTS (SELECT 1 FROM visits w WHERE w.%[1]s = {id} AND w.%[5]s = v.%[5]s{wfrom} AND w.date < v.date) ORDER BY %[2]s`
	// The first visit of each pair by row number.
	limitRowNumber = `SELECT f.id, f.date, e.id, e.name, e.%[3]s FROM (SELECT v.id, v.date, v.%[5]s, row_number() OVER (PARTITION BY v.%[5]s ORDER BY v.date) AS k FROM visits v WHERE v.%[1]s = {id}{window}) f JOIN %[4]s e ON e.id = f.%[5]s WHERE f.k = 1 ORDER BY f.date, f.id`
	// SQLite: with min(), the bare columns come from the row holding the
	// minimum; an animal has one visit per date, so that row is unique.
	limitMinGroup = `SELECT f.id, f.date, e.id, e.name, e.%[3]s FROM (SELECT v.id AS id, min(v.date) AS date, v.%[5]s AS %[5]s FROM visits v WHERE v.%[1]s = {id}{window} GROUP BY v.%[5]s) f JOIN %[4]s e ON e.id = f.%[5]s ORDER BY f.date, f.id`
	// PostgreSQL: one primary-key lookup per visit, in index order; OFFSET 0
	// keeps the planner from turning the lookups into a hash join, which
	// reads the whole entity table.
	limitLateral = `SELECT v.id, v.date, e.id, e.name, e.%[3]s FROM visits v CROSS JOIN LATERAL (SELECT x.id, x.name, x.%[3]s FROM %[4]s x WHERE x.id = v.%[5]s OFFSET 0) e WHERE v.%[1]s = {id}{window} ORDER BY %[2]s`
	// PostgreSQL: DISTINCT ON keeps the first row of each pair.
	limitDistinctOn = `SELECT f.id, f.date, e.id, e.name, e.%[3]s FROM (SELECT DISTINCT ON (v.%[5]s) v.id, v.date, v.%[5]s FROM visits v WHERE v.%[1]s = {id}{window} ORDER BY v.%[5]s, v.date) f JOIN %[4]s e ON e.id = f.%[5]s ORDER BY f.date, f.id`
)

// LimitQueries returns the candidate limit queries of q in a dialect
// ("sqlite" or "postgres"); the fastest is the limit.
func LimitQueries(dialect string, q Question) []LimitQuery {
	// owner column, order, entity column, entity table, other column
	args := []any{"zoo_id", "v.date, v.id", "species", "animals", "animal_id"}
	if q.Owner() == "animal" {
		// An animal has one visit per date: the date alone orders them.
		args = []any{"animal_id", "v.date", "location", "zoos", "zoo_id"}
	}
	var qs []LimitQuery
	add := func(name, format string) {
		qs = append(qs, LimitQuery{Name: name, SQL: fmt.Sprintf(format, args...)})
	}
	switch {
	case q.rel == zooVisits || q.rel == animalVisits:
		add("index walk", limitVisits)
	case !q.Distinct:
		add("index walk + join", limitJoin+" ORDER BY %[2]s")
		if dialect == Postgres {
			add("index walk + lookups", limitLateral)
		}
	default:
		add("NOT EXISTS probe", limitNotExists)
		add("row_number()", limitRowNumber)
		if dialect == "sqlite" {
			add("min() GROUP BY", limitMinGroup)
		} else {
			add("DISTINCT ON", limitDistinctOn)
		}
	}
	for i := range qs {
		qs[i].SQL = placeholders(dialect, qs[i].SQL, q.Windowed)
	}
	return qs
}

// placeholders fills in the parameters of a limit query.
func placeholders(dialect, s string, windowed bool) string {
	p := func(n int) string {
		if dialect == "sqlite" {
			return fmt.Sprintf("?%d", n)
		}
		return fmt.Sprintf("$%d", n)
	}
	window, wfrom := "", ""
	if windowed {
		window = " AND v.date BETWEEN " + p(2) + " AND " + p(3)
		wfrom = " AND w.date >= " + p(2)
	}
	return strings.NewReplacer("{id}", p(1), "{window}", window, "{wfrom}", wfrom).Replace(s)
}

// limitArgs returns the parameters of a limit query of q about r.
func limitArgs(q Question, r Record) []any {
	if q.Windowed {
		return []any{r.ID, r.From, r.To}
	}
	return []any{r.ID}
}

// rowScanner is what both drivers' rows offer.
type rowScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// scanAnswer reads the rows of a limit query into the answer's type.
func scanAnswer(q Question, rows rowScanner) (any, error) {
	switch q.rel {
	case zooVisits, animalVisits:
		out := []zootour.Visit{}
		for rows.Next() {
			var v zootour.Visit
			if err := rows.Scan(&v.ID, &v.Date, &v.ZooID, &v.AnimalID); err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, rows.Err()
	case zooAnimals:
		out := []zootour.ZooAnimal{}
		for rows.Next() {
			var e zootour.ZooAnimal
			if err := rows.Scan(&e.VisitID, &e.Date, &e.ID, &e.Name, &e.Species); err != nil {
				return nil, err
			}
			out = append(out, e)
		}
		return out, rows.Err()
	default:
		out := []zootour.AnimalZoo{}
		for rows.Next() {
			var e zootour.AnimalZoo
			if err := rows.Scan(&e.VisitID, &e.Date, &e.ID, &e.Name, &e.Location); err != nil {
				return nil, err
			}
			out = append(out, e)
		}
		return out, rows.Err()
	}
}

// A limitRunner runs a limit query and returns its answer.
type limitRunner func(ctx context.Context, args []any) (any, error)

// sqliteLimit prepares a limit query on db.
func sqliteLimit(ctx context.Context, db *sql.DB, q Question, text string) (limitRunner, func(), error) {
	stmt, err := db.PrepareContext(ctx, text)
	if err != nil {
		return nil, nil, fmt.Errorf("prepare %s: %w", text, err)
	}
	run := func(ctx context.Context, args []any) (any, error) {
		rows, err := stmt.QueryContext(ctx, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		return scanAnswer(q, rows)
	}
	return run, func() { stmt.Close() }, nil
}

// postgresLimit runs a limit query on pool; pgx prepares it on first use
// on each connection and keeps it, as it does for the store's queries.
func postgresLimit(pool *pgxpool.Pool, q Question, text string) limitRunner {
	return func(ctx context.Context, args []any) (any, error) {
		rows, err := pool.Query(ctx, text, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		return scanAnswer(q, rows)
	}
}

// sqlitePragmas copies the settings the SQLite store gives every
// connection (pragmas in sqlite/sqlite.go), so that the limit's connection
// has the same page cache; TestStoreSQLCopies holds the copy to the
// store's list.
var sqlitePragmas = []string{
	"foreign_keys(1)",
	"journal_mode(WAL)",
	"busy_timeout(5000)",
	"synchronous(NORMAL)",
	"cache_size(-8192)", "journal_size_limit(4194304)",
}

// openSQLiteLimit opens the SQLite file at path read-only with the
// store's settings.
func openSQLiteLimit(ctx context.Context, path string) (*limitDB, error) {
	db, err := openSQLite(ctx, path, "query_only(1)")
	if err != nil {
		return nil, err
	}
	return &limitDB{dialect: SQLite, db: db}, nil
}

// openSQLite opens the SQLite file at path with the store's settings and
// more pragmas.
func openSQLite(ctx context.Context, path string, more ...string) (*sql.DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	q := url.Values{"_pragma": append(slices.Clone(sqlitePragmas), more...)}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: abs}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openPostgresLimit connects a pool of its own to the store's schema.
func openPostgresLimit(ctx context.Context, dsn string) (*limitDB, error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, err
	}
	return &limitDB{dialect: Postgres, pool: pool}, nil
}

// diskPerVisit returns the bytes per visit of the visits table with its
// indexes, and of the whole database.
func (l *limitDB) diskPerVisit(ctx context.Context, where string, n int) (visits, all float64, err error) {
	var v, a int64
	if l.db != nil {
		err = l.db.QueryRowContext(ctx, `SELECT sum(pgsize) FROM dbstat
WHERE name IN (SELECT name FROM sqlite_schema WHERE tbl_name = 'visits')`).Scan(&v)
		if err != nil {
			return 0, 0, fmt.Errorf("dbstat: %w", err)
		}
		for _, suffix := range []string{"", "-wal"} {
			if fi, err := os.Stat(where + suffix); err == nil {
				a += fi.Size()
			}
		}
	} else {
		err = l.pool.QueryRow(ctx, `SELECT pg_total_relation_size('visits'),
	(SELECT sum(pg_total_relation_size(c.oid))::bigint FROM pg_class c
	 WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r')`).Scan(&v, &a)
		if err != nil {
			return 0, 0, err
		}
	}
	return float64(v) / float64(n), float64(a) / float64(n), nil
}
