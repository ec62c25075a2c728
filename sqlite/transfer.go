package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/logsql"
)

// Import adds the records of src with the IDs they carry, in one
// transaction: all of them or, on the first bad record, none. Records are
// inserted as they arrive (visits a batch at a time, see visitWriter), so
// an import of any size needs the same memory. The schema's keys do the
// checking; only a failure costs a query to explain it.
//
// The rows are executed with the caller's context stripped of its
// cancellation, which the driver would otherwise watch with a goroutine per
// statement; the loops look at the context every 1024 records instead, and
// database/sql rolls the transaction back as soon as it is cancelled.
func (s *Store) Import(ctx context.Context, src zootour.Source) error {
	if d := s.damaged.Load(); d != nil {
		return d
	}
	conn, err := s.writer.Conn(ctx)
	if err != nil {
		return internal(err)
	}
	defer conn.Close()
	// The schema's CHECKs repeat what Validate checks of every record before
	// it is inserted, and cost an eighth of a large import (date() of every
	// visit's date). They are off during the import, on its connection only;
	// should turning them on again fail, the pool closes that connection
	// rather than get it back without them.
	if _, err := conn.ExecContext(ctx, `PRAGMA ignore_check_constraints = ON`); err != nil {
		return internal(err)
	}
	defer func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA ignore_check_constraints = OFF`); err != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	// An import writes its every page to the write-ahead log, which
	// SQLite's automatic checkpoints copy back but never shrink: the log
	// would keep the size of the import, and, after one that failed for
	// want of space, keep the disk full. It is truncated after, as far as
	// readers let it, whether the import committed or not.
	defer conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA wal_checkpoint(TRUNCATE)`)
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return internal(err)
	}
	defer sqlTx.Rollback()
	tx := &txn{sqlTx, s.writeStmts, logsql.NewBatch(ctx, logDialect)}
	var added zootour.Counts
	if added.Zoos, err = importRecords(ctx, tx, zoos, "zoos", src.Zoos, !s.oneByOne); err != nil {
		return err
	}
	if added.Animals, err = importRecords(ctx, tx, animals, "animals", src.Animals, !s.oneByOne); err != nil {
		return err
	}
	if added.Visits, err = importVisits(ctx, tx, src, !s.oneByOne); err != nil {
		return err
	}
	if err := tx.logged(ctx, zootour.Imported(added)); err != nil {
		return err
	}
	if src.DryRun {
		return nil // the deferred Rollback undoes it all
	}
	return internal(tx.Commit())
}

// Export writes every record to dst, each kind in ID order, from one read
// transaction, so the records form one consistent snapshot. Rows go to dst
// as they are read.
func (s *Store) Export(ctx context.Context, dst zootour.Sink) error {
	return s.read(ctx, func(tx *txn) error {
		if err := exportAll(ctx, tx, `SELECT `+zoos.table.Cols+` FROM zoos AS r ORDER BY r.id`, zoos.fields, dst.Zoo); err != nil {
			return err
		}
		if err := exportAll(ctx, tx, `SELECT `+animals.table.Cols+` FROM animals AS r ORDER BY r.id`, animals.fields, dst.Animal); err != nil {
			return err
		}
		return exportAll(ctx, tx, `SELECT `+visitCols+` FROM visits AS v ORDER BY v.id`, visitFields, dst.Visit)
	})
}

// exportAll hands each row of query to put as it is read.
func exportAll[T any](ctx context.Context, tx *txn, query string, fields func(*T) []any, put func(T) error) error {
	return each(ctx, tx, query, func(rows *sql.Rows) error {
		var r T
		if err := rows.Scan(fields(&r)...); err != nil {
			return internal(err)
		}
		return put(r)
	})
}

// each runs query and calls fn on each row.
func each(ctx context.Context, tx *txn, query string, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query)
	if err != nil {
		return internal(err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return internal(fmt.Errorf("export: %w", err))
	}
	return nil
}
