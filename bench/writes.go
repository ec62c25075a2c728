package bench

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/staysql"
)

// Writes. Every write of visits keeps the stays exact in its own
// transaction (docs/stays.md), so a write costs more than its INSERT or
// DELETE alone. The issue holds a write of one visit to 1.5x, and an import
// of 10^6 visits to 1.3x, what they cost before the stays existed; that
// code cannot run here. What can run in the same process is less than
// it did: the plain single-row INSERT and DELETE of a visit through the
// store's own driver, with no stays (and none of the store's checks of
// the zoo, the animal and the date, nor its explicit transaction). So
// "×plain" overstates what the stays add; it is the honest stand-in. For
// the import, the stays' share is the time of the import's last step,
// which writes every stay from the visits, replayed (timeStaysFill).

// Targets of the writes (issue's target 5).
const (
	writeTarget  = 1.5 // a write, against the plain insert and delete
	importTarget = 1.3 // an import, against itself without the stays
)

// A WriteRow is the write of one visit for one animal, at one size.
type WriteRow struct {
	Record Record
	// Visit is the visit created and deleted again (ID 0): on a date the
	// animal has no visit, at another zoo than the one it is at.
	Visit zootour.Visit
	Store map[string]*WriteTiming
}

// A WriteTiming is a store's time for a write and the plain one's.
type WriteTiming struct {
	Time  time.Duration // per write: CreateVisit then DeleteVisit, halved
	Plain time.Duration // per write: the plain INSERT then DELETE, halved
	// PlainTx and Logged are the plain INSERT then DELETE, replayed in a
	// transaction rolled back, without and with the change log's entry
	// for each, per write (changelog.go).
	PlainTx time.Duration `json:",omitempty"`
	Logged  time.Duration `json:",omitempty"`
}

// writeRows picks the visit to write for the typical and the busy animal:
// the first date from its middle visit on which it has none, at a zoo
// other than the one it is at that day, so that the write splits a stay
// (where there is another zoo).
func (f *Fixture) writeRows() []*WriteRow {
	var rows []*WriteRow
	for _, r := range []Record{f.Animals[1], f.Animals[0]} {
		visits := f.Model.AnimalVisits(r.ID, zootour.Query{})
		taken := map[zootour.Date]bool{}
		for _, v := range visits {
			taken[v.Date] = true
		}
		day := r.On
		for taken[day] {
			day = day.AddDays(1)
		}
		var at int64
		for _, v := range visits {
			if !v.Date.After(day) {
				at = v.ZooID
			}
		}
		zoo := f.Zoos[1].ID
		if zoo == at {
			zoo = f.Zoos[0].ID
		}
		rows = append(rows, &WriteRow{Record: r, Visit: zootour.Visit{Date: day, ZooID: zoo, AnimalID: r.ID},
			Store: map[string]*WriteTiming{}})
	}
	return rows
}

// timeWrites times each row's write on a store beside the plain one, all
// samples alternating, and then checks that the animals' stays are the
// teaching model's still: every write is undone by the next, the store's
// through the store, the plain one's (which leaves the stays behind the
// visits meanwhile) by its own delete.
func timeWrites(ctx context.Context, cfg *Config, f *Fixture, s zootour.Store, kind string, plain *plainWriter, rows []*WriteRow) error {
	var fs []func() error
	for _, row := range rows {
		v := row.Visit
		fs = append(fs, func() error {
			got, err := s.CreateVisit(ctx, v)
			if err != nil {
				return fmt.Errorf("CreateVisit(%+v): %w", v, err)
			}
			return s.DeleteVisit(ctx, got.ID)
		}, func() error { return plain.insertDelete(ctx, v) },
			func() error { return plain.insertDeleteTx(ctx, v, false) },
			func() error { return plain.insertDeleteTx(ctx, v, true) })
	}
	ts, err := cfg.Timer.TimeEach(fs...)
	if err != nil {
		return err
	}
	if err := plain.forgetReplay(ctx); err != nil {
		return err
	}
	for i, row := range rows {
		row.Store[kind] = &WriteTiming{Time: ts[4*i] / 2, Plain: ts[4*i+1] / 2, PlainTx: ts[4*i+2] / (2 * replayRounds), Logged: ts[4*i+3] / (2 * replayRounds)}
		got, err := s.AnimalStays(ctx, row.Record.ID, zootour.StayQuery{})
		if err != nil {
			return err
		}
		if d := sameAnswer(f.Model.Stays(row.Record.ID), got); d != "" {
			return fmt.Errorf("the writes of %s changed its stays: %s", row.Record.Label(), d)
		}
	}
	return nil
}

// A plainWriter inserts and deletes a visit with nothing around it: one
// prepared statement each, each its own transaction, on a connection of
// its own (SQLite: database/sql on the store's file with the store's
// pragmas; PostgreSQL: pgx on the store's schema).
type plainWriter struct {
	db       *sql.DB
	ins, del *sql.Stmt
	pool     *pgxpool.Pool // PostgreSQL; not closed here
}

const (
	plainInsertSQLite   = `INSERT INTO visits (date, zoo_id, animal_id) VALUES (?, ?, ?) RETURNING id`
	plainDeleteSQLite   = `DELETE FROM visits WHERE id = ?`
	plainInsertPostgres = `INSERT INTO visits (date, zoo_id, animal_id) VALUES ($1, $2, $3) RETURNING id`
	plainDeletePostgres = `DELETE FROM visits WHERE id = $1`
)

// openPlainWriter readies the plain writes of a store at where; PostgreSQL
// uses the limit's pool, which pgx keeps the statements prepared on.
func openPlainWriter(ctx context.Context, kind, where string, limits *limitDB) (*plainWriter, error) {
	if kind == Postgres {
		return &plainWriter{pool: limits.pool}, nil
	}
	db, err := openSQLite(ctx, where)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // as the store's writer
	w := &plainWriter{db: db}
	if w.ins, err = db.PrepareContext(ctx, plainInsertSQLite); err == nil {
		w.del, err = db.PrepareContext(ctx, plainDeleteSQLite)
	}
	if err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

func (w *plainWriter) insertDelete(ctx context.Context, v zootour.Visit) error {
	var id int64
	if w.pool != nil {
		if err := w.pool.QueryRow(ctx, plainInsertPostgres, v.Date, v.ZooID, v.AnimalID).Scan(&id); err != nil {
			return fmt.Errorf("plain insert: %w", err)
		}
		_, err := w.pool.Exec(ctx, plainDeletePostgres, id)
		return err
	}
	if err := w.ins.QueryRowContext(ctx, v.Date, v.ZooID, v.AnimalID).Scan(&id); err != nil {
		return fmt.Errorf("plain insert: %w", err)
	}
	_, err := w.del.ExecContext(ctx, id)
	return err
}

func (w *plainWriter) close() {
	for _, st := range []*sql.Stmt{w.ins, w.del} {
		if st != nil {
			st.Close()
		}
	}
	if w.db != nil {
		w.db.Close()
	}
}

// timeStaysFill returns the median of reps times of the import's last
// step, writing every stay from the visits into the empty table, replayed
// on the imported store; 0 if the store keeps no stays.
//
// SQLite: the store's Rebuild, which deletes every stay and then runs
// exactly the import's step (sqlite/stays.go), less the time of that
// DELETE alone, taken in a transaction rolled back on a connection of its
// own. PostgreSQL: Rebuild fills the table with its keys in place, a
// foreign-key check per row, where the import drops the keys and indexes
// and builds them after; so the import's statements are run instead, in a
// transaction that empties the table first and is rolled back, which
// leaves the stays as they were.
func timeStaysFill(ctx context.Context, s zootour.Store, kind, where string, limits *limitDB, visits, reps int) (time.Duration, error) {
	c, ok := s.(zootour.Checker)
	if !ok {
		return 0, nil
	}
	var db *sql.DB
	if kind == SQLite {
		var err error
		if db, err = openSQLite(ctx, where); err != nil {
			return 0, err
		}
		defer db.Close()
		db.SetMaxOpenConns(1)
	}
	var ts []time.Duration
	for range max(reps, 1) {
		var took time.Duration
		var err error
		if kind == SQLite {
			took, err = timeSQLiteStaysFill(ctx, c, db)
		} else {
			took, err = timePostgresStaysFill(ctx, limits.pool, visits)
		}
		if err != nil {
			return 0, fmt.Errorf("the stays' fill: %w", err)
		}
		ts = append(ts, took)
	}
	return medianOf(ts), nil
}

func timeSQLiteStaysFill(ctx context.Context, c zootour.Checker, db *sql.DB) (time.Duration, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	began := time.Now()
	_, err = tx.ExecContext(ctx, "DELETE FROM stays")
	del := time.Since(began)
	if rerr := tx.Rollback(); err == nil {
		err = rerr
	}
	if err != nil {
		return 0, err
	}
	began = time.Now()
	if err := c.Rebuild(ctx); err != nil {
		return 0, err
	}
	return max(time.Since(began)-del, 0), nil
}

// The PostgreSQL store's import writes the stays of an empty store as
// importVisits and insertRebuilding do (postgres/transfer.go): at
// pgBulkVisits visits or more with the table's keys and indexes dropped
// (pgRebuildingSQL lists them), the rows of staysql.FillSQL, and the keys
// and indexes made again; below, the rows alone. pgStaysDialect is the
// part of the store's staysql dialect that FillSQL reads. TestStoreSQLCopies
// holds these copies to the store's.
const (
	pgBulkVisits    = 10000
	pgRebuildingSQL = `
SELECT format('ALTER TABLE %I DROP CONSTRAINT %I', $1::text, conname),
       format('ALTER TABLE %I ADD CONSTRAINT %I ', $1::text, conname) || pg_get_constraintdef(oid)
FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'f')
UNION ALL
SELECT format('DROP INDEX %s', i.indexrelid::regclass), replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON ')
FROM pg_index i WHERE i.indrelid = $1::regclass
AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid)`
)

var pgStaysDialect = staysql.Dialect{
	Mark:        "$",
	DaysBetween: func(a, b string) string { return fmt.Sprintf("(%s - %s)", b, a) },
	AllVisits:   "visits",
}

func timePostgresStaysFill(ctx context.Context, pool *pgxpool.Pool, visits int) (time.Duration, error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, "TRUNCATE stays"); err != nil {
		return 0, err
	}
	began := time.Now()
	var restore []string
	if visits >= pgBulkVisits {
		rows, _ := tx.Query(ctx, pgRebuildingSQL, "stays")
		type ddl struct{ Drop, Restore string }
		steps, err := pgx.CollectRows(rows, pgx.RowToStructByPos[ddl])
		if err != nil {
			return 0, err
		}
		for _, st := range steps {
			if _, err := tx.Exec(ctx, st.Drop); err != nil {
				return 0, err
			}
			restore = append(restore, st.Restore)
		}
	}
	for _, q := range append([]string{staysql.FillSQL(pgStaysDialect)}, restore...) {
		if _, err := tx.Exec(ctx, q); err != nil {
			return 0, err
		}
	}
	return time.Since(began), nil
}

// importTime returns the time of a store's median import at sr.
func (sr *SizeResult) importTime(store string) time.Duration {
	res := sr.Stores[store]
	if res == nil || res.ImportRate <= 0 {
		return 0
	}
	return time.Duration(float64(sr.Visits) / res.ImportRate * float64(time.Second))
}
