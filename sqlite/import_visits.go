package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/staysql"
)

// visitBatch is how many visits one INSERT statement adds on the fast path.
// A statement per row costs about as much again as the row itself; past a
// few dozen rows a statement, a bigger one gains little.
const visitBatch = 200

// insertVisits is the statement that adds n visits.
func insertVisits(n int) string {
	return insertRows(`INSERT INTO visits (id, date, zoo_id, animal_id)`, 4, n)
}

// importVisits adds the visits of src, then the stays they make: into an
// empty table, every animal's at once from the visits; otherwise those of
// the animals that had visits imported, each rebuilt.
func importVisits(ctx context.Context, tx *txn, src zootour.Source, bulk bool) (int64, error) {
	if src.Visits == nil {
		return 0, nil
	}
	w, err := newVisitWriter(ctx, tx, bulk)
	if err != nil {
		return 0, err
	}
	defer w.close()
	if err := w.addAll(ctx, src); err != nil {
		return 0, err
	}
	if w.empty {
		return w.count, fillStays(ctx, tx)
	}
	for a := range w.animals {
		if err := staysql.Rebuild(ctx, txDB{Q: tx}, dialect, a); err != nil {
			return 0, internal(err)
		}
	}
	return w.count, nil
}

// fillStays writes every animal's stays into the empty stays table. The
// rows come in primary key order, so only the other indexes would be
// written out of order, each row a random page: they are built after the
// rows instead, from all of them at once, as the visits' are.
func fillStays(ctx context.Context, tx *txn) error {
	creates, err := dropIndexes(ctx, tx, "stays")
	if err != nil {
		return err
	}
	if err := streamStays(ctx, tx); err != nil {
		return internal(err)
	}
	for _, create := range creates {
		if _, err := tx.ExecContext(ctx, create); err != nil {
			return internal(err)
		}
	}
	return nil
}

// streamStays reads every visit once, animal by animal, and writes the
// stays they make as it goes: SQLite lets one connection write one table
// while it reads another, so nothing waits for the whole read. The visits
// come from the walk of visits_animal_zoo, which holds all three columns
// in (animal, zoo, date) order, and each animal's are put in date order
// here, a few at a time, where a sort of the whole table (NOT INDEXED)
// spilled through the page cache to temporary files (the import of 10^6
// visits took 13.4 to 14.2 s, against 15.2 to 16.4 s), and the walk of the
// (animal, date) index looked up every visit's zoo in the table, a page at
// random each (10.7 s against 6.4 s for the fill alone).
func streamStays(ctx context.Context, tx *txn) error {
	rows, err := tx.QueryContext(ctx, `SELECT animal_id, date, zoo_id FROM visits INDEXED BY visits_animal_zoo ORDER BY animal_id, zoo_id, date`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var animal int64
	var vs []staysql.DatedZoo
	var out []staysql.Row
	flush := func(all bool) error {
		slices.SortFunc(vs, func(a, b staysql.DatedZoo) int { return a.Date.Compare(b.Date) })
		out = append(out, staysql.Runs(animal, vs, nil)...)
		vs = vs[:0]
		if len(out) < 1000 && !all {
			return nil
		}
		err := staysql.Insert(ctx, txDB{Q: tx}, dialect, out)
		out = out[:0]
		return err
	}
	for rows.Next() {
		var a int64
		var v staysql.DatedZoo
		if err := rows.Scan(&a, &v.Date, &v.ZooID); err != nil {
			return err
		}
		if a != animal && len(vs) > 0 {
			if err := flush(false); err != nil {
				return err
			}
		}
		animal = a
		vs = append(vs, v)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return flush(true)
}

// dropIndexes drops the indexes of table that CREATE INDEX made (not its
// primary key) and returns the statements that make them again. Dropping
// is part of the transaction, so a failed import keeps them.
func dropIndexes(ctx context.Context, tx *txn, table string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema
		WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY name`, table)
	if err != nil {
		return nil, internal(err)
	}
	var names, creates []string
	for rows.Next() {
		var name, create string
		if err := rows.Scan(&name, &create); err != nil {
			rows.Close()
			return nil, internal(err)
		}
		names, creates = append(names, name), append(creates, create)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, internal(err)
	}
	for _, name := range names {
		if _, err := tx.ExecContext(ctx, `DROP INDEX "`+name+`"`); err != nil {
			return nil, internal(err)
		}
	}
	return creates, nil
}

// addAll adds every visit of src, failing at the first bad one.
func (w *visitWriter) addAll(ctx context.Context, src zootour.Source) error {
	n := 0
	for v, err := range src.Visits {
		if err != nil {
			return w.fail(err)
		}
		n++
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if err := zootour.CheckID("id", v.ID); err != nil {
			return w.fail(&zootour.RecordError{Kind: "visits", Record: n, Err: err})
		}
		if err := v.Validate(); err != nil {
			return w.fail(&zootour.RecordError{Kind: "visits", Record: n, Err: err})
		}
		if err := w.add(n, v); err != nil {
			return w.fail(err)
		}
		if !w.empty {
			w.animals[v.AnimalID] = true
		}
	}
	w.count = int64(n)
	return w.finish()
}

// A visitWriter adds the visits of an import, in one of two ways.
//
// Into a table that holds no visits yet, while the visits come in ascending
// ID order (as export and generate write them), it goes fast: it drops
// every index of the table, the unique one included, inserts the visits
// visitBatch at a time, and builds the indexes at the end, each from all
// rows at once. The visits that conflict (an animal twice on a date) then
// show only when the unique index is built, but in this order the first of
// them is still easy to name: the Nth visit in source order is the Nth
// smallest ID. So whenever the import stops, for a bad record, an error of
// the source or the end of the visits, the unique index is built first, and
// a conflict among the visits already inserted, which all come before the
// record that stopped the import, is the error to report.
//
// Otherwise, and from the first visit whose ID does not ascend, the unique
// index is live and each visit is inserted by itself, so the index names a
// conflict at once. (Many rows a statement would be slower there: SQLite
// keeps a copy of every index page a statement touches, to undo it.)
type visitWriter struct {
	ctx    context.Context
	rowCtx context.Context // ctx without its cancellation, for the rows
	tx     *txn
	one    *sql.Stmt // inserts one visit
	count  int64     // the visits added
	many   *sql.Stmt // inserts visitBatch visits; prepared when first needed
	bulk   bool      // the fast way: the table was empty and the IDs ascend
	lastID int64     // the ID of the last visit added in bulk

	empty   bool           // the table held no visits: every stay is new
	animals map[int64]bool // otherwise, the animals whose stays change

	batch []zootour.Visit // visits waiting for the next statement
	first int             // the record number of batch[0]
	args  []any

	unique, others []string // the indexes to build again
}

// newVisitWriter starts writing visits; bulk false keeps it off the fast
// way, which tests compare with the other.
func newVisitWriter(ctx context.Context, tx *txn, bulk bool) (*visitWriter, error) {
	w := &visitWriter{ctx: ctx, rowCtx: context.WithoutCancel(ctx), tx: tx}
	empty, err := exists(ctx, tx, `SELECT NOT EXISTS (SELECT 1 FROM visits)`)
	if err != nil {
		return nil, err
	}
	w.empty, w.animals = empty, map[int64]bool{}
	if empty && bulk {
		if err := w.dropIndexes(); err != nil {
			return nil, err
		}
		w.bulk = true
	}
	if w.one, err = tx.PrepareContext(ctx, insertVisits(1)); err != nil {
		return nil, internal(err)
	}
	return w, nil
}

// dropIndexes drops the indexes of the visits table and keeps the
// statements that create them again. Dropping is part of the import's
// transaction, so a failed import keeps them.
func (w *visitWriter) dropIndexes() error {
	creates, err := dropIndexes(w.ctx, w.tx, "visits")
	for _, create := range creates {
		if strings.HasPrefix(create, "CREATE UNIQUE") {
			w.unique = append(w.unique, create)
		} else {
			w.others = append(w.others, create)
		}
	}
	return err
}

// add adds v, the record numbered n. It returns a *zootour.RecordError if
// v, or a visit before it, is refused.
func (w *visitWriter) add(n int, v zootour.Visit) error {
	if w.bulk && v.ID <= w.lastID {
		if err := w.endBulk(); err != nil {
			return err
		}
	}
	if !w.bulk {
		return w.insert(n, v)
	}
	w.lastID = v.ID
	if len(w.batch) == 0 {
		w.first = n
	}
	w.batch = append(w.batch, v)
	if len(w.batch) == visitBatch {
		return w.flush()
	}
	return nil
}

// insert inserts v, the record numbered n, by itself.
func (w *visitWriter) insert(n int, v zootour.Visit) error {
	if _, err := w.one.ExecContext(w.rowCtx, v.ID, v.Date, v.ZooID, v.AnimalID); err != nil {
		return &zootour.RecordError{Kind: "visits", Record: n, Err: visitInsertError(w.ctx, w.tx, v, err)}
	}
	return nil
}

// flush inserts the visits of the batch (see flushBatch).
func (w *visitWriter) flush() error {
	batch := w.batch
	w.batch = w.batch[:0]
	return flushBatch(batch, w.first, visitBatch, w.insertBatch, w.insert)
}

func (w *visitWriter) insertBatch(batch []zootour.Visit) error {
	if w.many == nil {
		var err error
		if w.many, err = w.tx.PrepareContext(w.ctx, insertVisits(visitBatch)); err != nil {
			return err
		}
	}
	w.args = w.args[:0]
	for _, v := range batch {
		w.args = append(w.args, v.ID, v.Date, v.ZooID, v.AnimalID)
	}
	_, err := w.many.ExecContext(w.rowCtx, w.args...)
	return err
}

// endBulk inserts the waiting visits and builds the unique index, to go on
// one visit at a time. Its error is the first record refused: a conflict
// among the visits inserted so far, else one of the waiting visits.
func (w *visitWriter) endBulk() error {
	w.bulk = false
	err := w.flush()
	var re *zootour.RecordError
	if err != nil && !errors.As(err, &re) {
		return err
	}
	for _, create := range w.unique {
		if _, cerr := w.tx.ExecContext(w.ctx, create); cerr != nil {
			return w.firstConflict(cerr)
		}
	}
	return err
}

// firstConflict names the first visit in source order that the unique
// index refused, having failed to build with err: of each animal's visits
// on one date the second is the first to conflict. In bulk the visits came
// in ascending ID order into an empty table, so a visit's place in the
// source is the number of visits with an ID up to its own.
func (w *visitWriter) firstConflict(err error) error {
	if sqliteCode(err) != codeUnique {
		return internal(err)
	}
	var v zootour.Visit
	var record int
	qerr := w.tx.QueryRowContext(w.ctx, `SELECT id, date, animal_id, (SELECT count(*) FROM visits AS p WHERE p.id <= s.id)
		FROM (SELECT id, date, animal_id, row_number() OVER (PARTITION BY animal_id, date ORDER BY id) AS n FROM visits) AS s
		WHERE n = 2 ORDER BY id LIMIT 1`).Scan(&v.ID, &v.Date, &v.AnimalID, &record)
	if errors.Is(qerr, sql.ErrNoRows) {
		return constraintError(err) // a unique index on other columns
	}
	if qerr != nil {
		return internal(qerr)
	}
	return &zootour.RecordError{Kind: "visits", Record: record, Err: zootour.DateTaken(v.AnimalID, v.Date)}
}

// fail returns the error that stops the import at err: in bulk, a visit
// before the one that failed may conflict, and then that is the error.
func (w *visitWriter) fail(err error) error {
	if !w.bulk {
		return err
	}
	if berr := w.endBulk(); berr != nil {
		return berr
	}
	return err
}

// finish adds the waiting visits and builds the indexes that were dropped.
func (w *visitWriter) finish() error {
	if w.bulk {
		if err := w.endBulk(); err != nil {
			return err
		}
	}
	for _, create := range w.others {
		if _, err := w.tx.ExecContext(w.ctx, create); err != nil {
			return internal(err)
		}
	}
	return nil
}

func (w *visitWriter) close() {
	w.one.Close()
	if w.many != nil {
		w.many.Close()
	}
}

// visitInsertError explains why the schema refused to insert v.
func visitInsertError(ctx context.Context, tx *txn, v zootour.Visit, err error) error {
	switch sqliteCode(err) {
	case codePrimaryKey:
		return zootour.IDTaken("visit", v.ID)
	case codeForeignKey, codeUnique:
		if err := checkVisit(ctx, tx, v); err != nil {
			return err
		}
	}
	return constraintError(err)
}
