package postgres

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"maps"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/logsql"
	"github.com/zootour/zootour/internal/staysql"
)

// Import adds the records of src in one transaction. Each kind streams
// through COPY into a temporary staging table that numbers the records,
// then moves into its table with one INSERT ... SELECT (zoos and animals
// with their keys and lexemes: see importSpec). Only when that
// INSERT fails does the store look for the first record at fault, in the
// staging table, so a good import pays for no checks beyond the
// constraints themselves.
//
// Writers wait while an import runs (and it waits for them); readers do
// not, except during the first large import of visits (see insert), which
// holds the stays too.
//
// The change log gets one entry for the import, with the counts of the
// records it added.
func (s *Store) Import(ctx context.Context, src zootour.Source) error {
	err := s.inTx(ctx, func(pgTx pgx.Tx) error {
		tx := txn{pgTx, logsql.NewBatch(ctx, logDialect)}
		// Writers wait for the import, at their first lock, and it for
		// those under way, before it takes anything of theirs: EXCLUSIVE on
		// zoos and animals conflicts with the row locks every write of
		// records and visits takes first (and reads go on), so no writer
		// can hold a zoo the import's visits refer to while it waits for
		// the import's visits (a deadlock, 40P01).
		if _, err := tx.Exec(ctx, "LOCK TABLE zoos, animals IN EXCLUSIVE MODE"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "LOCK TABLE visits IN SHARE ROW EXCLUSIVE MODE"); err != nil {
			return err
		}
		var added zootour.Counts
		var err error
		if added.Zoos, err = importKind(ctx, tx, zoos.importSpec(), src.Zoos, zoos.row); err != nil {
			return err
		}
		if added.Animals, err = importKind(ctx, tx, animals.importSpec(), src.Animals, animals.row); err != nil {
			return err
		}
		if added.Visits, err = importVisits(ctx, tx, src.Visits); err != nil {
			return err
		}
		if err := tx.logged(ctx, zootour.Imported(added)); err != nil {
			return err
		}
		if src.DryRun {
			// Before setval, which no rollback undoes.
			return errDryRun
		}
		// New records get IDs above the imported ones. A sequence only
		// moves forward, so IDs handed out before are never given again.
		_, err = tx.Exec(ctx, `SELECT setval(seq, m)
FROM (VALUES ('zoos_id_seq', (SELECT max(id) FROM zoos)),
             ('animals_id_seq', (SELECT max(id) FROM animals)),
             ('visits_id_seq', (SELECT max(id) FROM visits))) AS t(seq, m),
     pg_sequences p
WHERE p.schemaname = current_schema() AND p.sequencename = t.seq AND m > coalesce(p.last_value, 0)`)
		return err
	})
	if errors.Is(err, errDryRun) {
		return nil
	}
	var se sourceError
	if errors.As(err, &se) {
		return se.err
	}
	return internal(ctx, "import", err)
}

// errDryRun rolls back the transaction of a dry run that succeeded.
var errDryRun = errors.New("dry run")

// sourceError marks an error of the Source, which Import returns as it is.
type sourceError struct{ err error }

func (e sourceError) Error() string { return e.err.Error() }

// A kind of record as imported: its staging table (whose first column n
// numbers the records from 1), how to move it into place, and how to find
// the first record that could not move.
type importSpec struct {
	kind    string // "zoos": RecordError.Kind
	staging string // CREATE TEMP TABLE
	columns []string
	insert  string
	// find returns the record number n of the first record at fault, a
	// reason (1, 2, ...) and the record, which finish turns into an error.
	find   string
	finish func(reason int, f fault) error
}

// importSpec returns how zoos or animals are imported. The staging table
// has the record's columns, keys included (computed in Go as the records
// stream in, like every write of a record computes them), and an array of
// the record's lexemes, which the INSERT ... SELECT makes into its search
// column: so one COPY carries everything.
func (k kind[T]) importSpec() importSpec {
	staged := "import_" + k.plural
	cols := strings.Join(k.columns, ", ")
	return importSpec{
		kind: k.plural,
		// The table's own columns, so that the types follow the schema.
		staging: `CREATE TEMP TABLE ` + staged + ` ON COMMIT DROP AS
SELECT 0::bigint AS n, id, ` + cols + `, NULL::text[] AS lexemes FROM ` + k.table.Name + ` WITH NO DATA`,
		columns: append(append([]string{"n", "id"}, k.columns...), "lexemes"),
		insert: `INSERT INTO ` + k.table.Name + ` (id, ` + cols + `, search) SELECT id, ` + cols + `, array_to_tsvector(lexemes) FROM ` +
			staged + ` ORDER BY n`,
		find: `SELECT f.n, f.reason, s.id, '', 0, 0 FROM (
	SELECT n, 1 AS reason FROM (SELECT n, row_number() OVER (PARTITION BY id ORDER BY n) AS k FROM ` + staged + `) d WHERE k > 1
	UNION ALL SELECT s.n, 1 FROM ` + staged + ` s JOIN ` + k.table.Name + ` r ON r.id = s.id
) f JOIN ` + staged + ` s ON s.n = f.n ORDER BY f.n, f.reason LIMIT 1`,
		finish: func(_ int, f fault) error {
			return zootour.IDTaken(k.name, f.id)
		},
	}
}

// row checks an imported record and returns its staged row after n.
func (k kind[T]) row(r T) ([]any, error) {
	id := *k.id(&r)
	if err := zootour.CheckID("id", id); err != nil {
		return nil, err
	}
	if err := k.validate(&r); err != nil {
		return nil, err
	}
	return append(append([]any{id}, k.values(r)...), k.lexemes(r)), nil
}

// Reasons a visit fails, in the order a record is checked.
const (
	visitIDTaken = 1 + iota
	visitNoZoo
	visitNoAnimal
	visitDateTaken
)

var visitImport = importSpec{
	kind:    "visits",
	staging: `CREATE TEMP TABLE import_visits (n bigint, id bigint, date date, zoo_id bigint, animal_id bigint) ON COMMIT DROP`,
	columns: []string{"n", "id", "date", "zoo_id", "animal_id"},
	insert: `INSERT INTO visits (id, date, zoo_id, animal_id)
SELECT id, date, zoo_id, animal_id FROM import_visits ORDER BY n`,
	find: `SELECT f.n, f.reason, s.id, to_char(s.date, 'YYYY-MM-DD'), s.zoo_id, s.animal_id FROM (
	SELECT n, 1 AS reason FROM (SELECT n, row_number() OVER (PARTITION BY id ORDER BY n) AS k FROM import_visits) d WHERE k > 1
	UNION ALL SELECT s.n, 1 FROM import_visits s JOIN visits v ON v.id = s.id
	UNION ALL SELECT s.n, 2 FROM import_visits s WHERE NOT EXISTS (SELECT 1 FROM zoos z WHERE z.id = s.zoo_id)
	UNION ALL SELECT s.n, 3 FROM import_visits s WHERE NOT EXISTS (SELECT 1 FROM animals a WHERE a.id = s.animal_id)
	UNION ALL SELECT n, 4 FROM (SELECT n, row_number() OVER (PARTITION BY animal_id, date ORDER BY n) AS k FROM import_visits) d WHERE k > 1
	UNION ALL SELECT s.n, 4 FROM import_visits s JOIN visits v ON v.animal_id = s.animal_id AND v.date = s.date
) f JOIN import_visits s ON s.n = f.n ORDER BY f.n, f.reason LIMIT 1`,
	finish: func(reason int, f fault) error {
		switch reason {
		case visitIDTaken:
			return zootour.IDTaken("visit", f.id)
		case visitNoZoo:
			return zootour.Missing("zoo", f.zooID)
		case visitNoAnimal:
			return zootour.Missing("animal", f.animalID)
		}
		// f.date is to_char of a date column: always well formed.
		d, _ := zootour.ParseDate(f.date)
		return zootour.DateTaken(f.animalID, d)
	},
}

// importVisits imports the visits of seq, then writes the stays they
// make (docs/stays.md): into an empty visits table, every animal's from
// the visits, in one statement (for many visits with the stays' keys and
// indexes built afterwards, as the visits' are: see insert); otherwise
// those of each animal that had visits imported, rebuilt. The import's
// locks keep the writers of visits out meanwhile. It returns how many
// visits it added.
func importVisits(ctx context.Context, tx pgx.Tx, seq iter.Seq2[zootour.Visit, error]) (int64, error) {
	if seq == nil {
		return 0, nil
	}
	var empty bool
	if err := tx.QueryRow(ctx, "SELECT NOT EXISTS (SELECT 1 FROM visits)").Scan(&empty); err != nil {
		return 0, err
	}
	n := 0
	touched := map[int64]bool{}
	row := func(v zootour.Visit) ([]any, error) {
		n++
		if !empty {
			touched[v.AnimalID] = true
		}
		return visitRow(v)
	}
	added, err := importKind(ctx, tx, visitImport, seq, row)
	if err != nil {
		return 0, err
	}
	switch {
	case empty && n >= bulkVisits:
		return added, insertRebuilding(ctx, tx, "stays", staysql.FillSQL(dialect))
	case empty:
		return added, staysql.Fill(ctx, txDB{Q: tx}, dialect)
	}
	for _, a := range slices.Sorted(maps.Keys(touched)) {
		if err := staysql.Rebuild(ctx, txDB{Q: tx}, dialect, a); err != nil {
			return 0, err
		}
	}
	return added, nil
}

func visitRow(v zootour.Visit) ([]any, error) {
	if err := zootour.CheckID("id", v.ID); err != nil {
		return nil, err
	}
	if err := v.Validate(); err != nil {
		return nil, err
	}
	// A time.Time, which pgx encodes into a date directly: through Date's
	// driver.Valuer it first fails to find a plan and builds an error for
	// every row, 62% of an import's client CPU (BENCHMARKS.md).
	return []any{v.ID, v.Date.Time(), v.ZooID, v.AnimalID}, nil
}

// importKind streams the records of seq into place, and returns how many
// it added. It stops at the first record that is bad in itself (or an
// error of seq), but reports a fault of an earlier record first, as a
// reader checking one record after the other would.
func importKind[T any](ctx context.Context, tx pgx.Tx, spec importSpec, seq iter.Seq2[T, error], row func(T) ([]any, error)) (int64, error) {
	if seq == nil {
		return 0, nil
	}
	if _, err := tx.Exec(ctx, spec.staging); err != nil {
		return 0, err
	}

	next, stop := iter.Pull2(seq)
	defer stop()
	var n int64       // records read
	var stopped error // why the stream stopped early
	copied, err := tx.CopyFrom(ctx, pgx.Identifier{"import_" + spec.kind}, spec.columns, pgx.CopyFromFunc(func() ([]any, error) {
		rec, err, ok := next()
		if !ok {
			return nil, nil
		}
		n++
		if err != nil {
			stopped = sourceError{err}
			return nil, nil
		}
		vals, err := row(rec)
		if err != nil {
			stopped = &zootour.RecordError{Kind: spec.kind, Record: int(n), Err: err}
			return nil, nil
		}
		return append([]any{n}, vals...), nil
	}))
	if err != nil {
		return 0, err
	}
	if copied > 0 {
		if err := insertStaged(ctx, tx, spec, copied); err != nil {
			return 0, err
		}
	}
	return copied, stopped
}

// insertStaged moves the staged records of spec into place. If a
// constraint stops it, it returns a *RecordError for the first record at
// fault.
func insertStaged(ctx context.Context, tx pgx.Tx, spec importSpec, copied int64) error {
	if _, err := tx.Exec(ctx, "SAVEPOINT import"); err != nil {
		return err
	}
	insertErr := insert(ctx, tx, spec, copied)
	if insertErr == nil {
		return nil
	}
	if code, _ := pgError(insertErr); code != uniqueViolation && code != foreignKeyViolation {
		return insertErr
	}
	if _, err := tx.Exec(ctx, "ROLLBACK TO SAVEPOINT import"); err != nil {
		return err
	}
	var n int64
	var reason int
	var f fault
	err := tx.QueryRow(ctx, spec.find).Scan(&n, &reason, &f.id, &f.date, &f.zooID, &f.animalID)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("no %s record explains %w", spec.kind, insertErr)
	}
	if err != nil {
		return err
	}
	return &zootour.RecordError{Kind: spec.kind, Record: int(n), Err: spec.finish(reason, f)}
}

// bulkVisits is how many visits make an import into an empty visits table
// take the path of insertRebuilding.
const bulkVisits = 10000

// insert runs spec.insert.
//
// Many visits into an empty table, as in the first import into a new store,
// go in faster with the table's keys, foreign keys and indexes dropped and
// built again afterwards, in one pass each, than kept up to date row by row
// (measured: a million visits in 3.7 s instead of 18 s). The drop holds
// exclusive locks on visits, zoos and animals until the import commits;
// the stays made from those visits then go in the same way (importVisits).
func insert(ctx context.Context, tx pgx.Tx, spec importSpec, copied int64) error {
	if spec.kind == "visits" && copied >= bulkVisits {
		var empty bool
		if err := tx.QueryRow(ctx, "SELECT NOT EXISTS (SELECT 1 FROM visits)").Scan(&empty); err != nil {
			return err
		}
		if empty {
			return insertRebuilding(ctx, tx, "visits", spec.insert)
		}
	}
	_, err := tx.Exec(ctx, spec.insert)
	return err
}

// insertRebuilding runs insert with the keys, foreign keys and indexes of
// table dropped, then restores them from their own definitions in the
// catalog, so the schema stays exactly what the migrations made it. A key
// or foreign key that the new rows break fails as the insert would have.
// The index of a partitioned table is defined ON ONLY the table, which
// would leave its partitions without: restored without ONLY, it is built
// on each (docs/partitioning.md).
func insertRebuilding(ctx context.Context, tx pgx.Tx, table, insert string) error {
	rows, _ := tx.Query(ctx, `
SELECT format('ALTER TABLE %I DROP CONSTRAINT %I', $1::text, conname),
       format('ALTER TABLE %I ADD CONSTRAINT %I ', $1::text, conname) || pg_get_constraintdef(oid)
FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'f')
UNION ALL
SELECT format('DROP INDEX %s', i.indexrelid::regclass), replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON ')
FROM pg_index i WHERE i.indrelid = $1::regclass
AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = i.indrelid AND c.conindid = i.indexrelid)`, table)
	type ddl struct{ Drop, Restore string }
	steps, err := pgx.CollectRows(rows, pgx.RowToStructByPos[ddl])
	if err != nil {
		return err
	}
	for _, st := range steps {
		if _, err := tx.Exec(ctx, st.Drop); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, insert); err != nil {
		return err
	}
	for _, st := range steps {
		if _, err := tx.Exec(ctx, st.Restore); err != nil {
			return err
		}
	}
	return nil
}

// fault is the record find returns; a zoo or an animal fills in only id.
type fault struct {
	id, zooID, animalID int64
	date                string
}

// Export writes every record to dst, each kind in ID order, from one
// snapshot: a REPEATABLE READ, read-only transaction. Rows stream from the
// server as dst takes them. A replica that fails the export before dst
// has had a record leaves it to the primary (read); after, it fails.
func (s *Store) Export(ctx context.Context, dst zootour.Sink) error {
	sent := &sentSink{Sink: dst}
	var failed error
	err := s.read(ctx, func(db *pgxpool.Pool) error {
		if failed != nil {
			return failed // dst has records of the attempt that failed
		}
		err := snapshot(ctx, db, func(tx pgx.Tx) error {
			if err := export(ctx, tx, "SELECT "+zoos.table.Cols+" FROM zoos AS r ORDER BY r.id", zoos.scan, sent.Zoo); err != nil {
				return err
			}
			if err := export(ctx, tx, "SELECT "+animals.table.Cols+" FROM animals AS r ORDER BY r.id", animals.scan, sent.Animal); err != nil {
				return err
			}
			return export(ctx, tx, "SELECT id, date, zoo_id, animal_id FROM visits ORDER BY id", scanVisit, sent.Visit)
		})
		if sent.any {
			failed = err
		}
		return err
	})
	return internal(ctx, "export", err)
}

// sentSink is a Sink that notes whether it has had a record.
type sentSink struct {
	zootour.Sink
	any bool
}

func (s *sentSink) Zoo(z zootour.Zoo) error       { s.any = true; return s.Sink.Zoo(z) }
func (s *sentSink) Animal(a zootour.Animal) error { s.any = true; return s.Sink.Animal(a) }
func (s *sentSink) Visit(v zootour.Visit) error   { s.any = true; return s.Sink.Visit(v) }

func export[T any](ctx context.Context, tx pgx.Tx, sql string, scan pgx.RowToFunc[T], put func(T) error) error {
	rows, err := tx.Query(ctx, sql)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		rec, err := scan(rows)
		if err != nil {
			return err
		}
		if err := put(rec); err != nil {
			return err
		}
	}
	return rows.Err()
}
