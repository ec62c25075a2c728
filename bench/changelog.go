package bench

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/dbtx"
	"github.com/zootour/zootour/internal/logsql"
)

// The change log. Every write logs its entries in its own transaction
// (docs/accounts.md), and the issue holds a write with its entry to 1.5x
// the write alone, an import to 1.1x. The store cannot write without its
// log, so the log's share is replayed beside it: the plain insert and
// delete of the visit, replayRounds times in one transaction that is
// rolled back, with and without the entry that the store logs for each,
// written by the store's own statement (package logsql). The difference
// is what an entry adds to a write, free of the commits' noise (a commit
// per sample varied by more than the entry costs); the write alone is the
// store's time less it.

// Targets of the change log.
const (
	logWriteTarget  = 1.5
	logImportTarget = 1.1
	// logGrowthWrites is how many writes measure the log's growth.
	logGrowthWrites = 2000
)

// replayActor marks the entries the replay writes (rolled back; any
// left are deleted after).
const replayActor = "bench:replay"

// replayRounds is how many inserts and deletes one replay's transaction
// holds.
const replayRounds = 20

// errReplayed rolls a replay's transaction back.
var errReplayed = errors.New("replayed")

// logShare is what one entry adds to a write, from a timing's replay.
func (t *WriteTiming) logShare() float64 {
	return max(float64(t.Logged-t.PlainTx), 0)
}

// withoutLog is the ratio of the store's write to the write without its
// entry.
func (t *WriteTiming) withoutLog() float64 {
	alone := float64(t.Time) - t.logShare()
	if alone <= 0 {
		return 0
	}
	return float64(t.Time) / alone
}

// insertDeleteTx is the plain insert and delete, replayRounds times in
// one transaction rolled back, with (logged) or without the entry the
// store writes for each.
func (w *plainWriter) insertDeleteTx(ctx context.Context, v zootour.Visit, logged bool) error {
	return w.inTx(ctx, func(db logsql.DB, mark string) error {
		ins, del := plainInsertSQLite, plainDeleteSQLite
		if mark == "$" {
			ins, del = plainInsertPostgres, plainDeletePostgres
		}
		for range replayRounds {
			var id int64
			if err := db.Query(ctx, ins, []any{v.Date, v.ZooID, v.AnimalID}, func(scan func(...any) error) error { return scan(&id) }); err != nil {
				return err
			}
			v.ID = id
			if err := w.entry(ctx, db, mark, logged, zootour.Created(zootour.KindVisit, id, v)); err != nil {
				return err
			}
			if err := db.Exec(ctx, del, id); err != nil {
				return err
			}
			if err := w.entry(ctx, db, mark, logged, zootour.Deleted(zootour.KindVisit, id, v)); err != nil {
				return err
			}
		}
		return errReplayed
	})
}

func (w *plainWriter) entry(ctx context.Context, db logsql.DB, mark string, logged bool, e zootour.Entry) error {
	if !logged {
		return nil
	}
	return logsql.NewBatch(zootour.WithActor(ctx, replayActor), logsql.Dialect{Mark: mark}).Add(ctx, db, e)
}

// inTx runs each step in a transaction of its own.
func (w *plainWriter) inTx(ctx context.Context, steps ...func(db logsql.DB, mark string) error) error {
	for _, step := range steps {
		var err error
		if w.pool != nil {
			err = pgx.BeginFunc(ctx, w.pool, func(tx pgx.Tx) error { return step(dbtx.PGX{Q: tx}, "$") })
		} else {
			err = sqliteTx(ctx, w.db, func(tx *sql.Tx) error { return step(dbtx.SQL{Q: tx}, "?") })
		}
		if err != nil && !errors.Is(err, errReplayed) {
			return fmt.Errorf("plain write in a transaction: %w", err)
		}
	}
	return nil
}

// forgetReplay deletes the entries the replay wrote: the store's log is
// its own again.
func (w *plainWriter) forgetReplay(ctx context.Context) error {
	if w.pool != nil {
		_, err := w.pool.Exec(ctx, `DELETE FROM changes WHERE actor = $1`, replayActor)
		return err
	}
	_, err := w.db.ExecContext(ctx, `DELETE FROM changes WHERE actor = ?`, replayActor)
	return err
}

func sqliteTx(ctx context.Context, db *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// logBytes returns the bytes of the change log's table and indexes.
func (l *limitDB) logBytes(ctx context.Context) (int64, error) {
	var n int64
	var err error
	if l.db != nil {
		err = l.db.QueryRowContext(ctx, `SELECT coalesce(sum(pgsize), 0) FROM dbstat
WHERE name IN (SELECT name FROM sqlite_schema WHERE tbl_name = 'changes')`).Scan(&n)
	} else {
		err = l.pool.QueryRow(ctx, `SELECT pg_total_relation_size('changes')`).Scan(&n)
	}
	return n, err
}

// logGrowth writes logGrowthWrites visits through the store (the visit
// of row, created and deleted again, which leaves the records as they
// were) and returns the bytes the log grew by per entry.
func logGrowth(ctx context.Context, s zootour.Store, l *limitDB, row *WriteRow) (float64, error) {
	before, err := l.logBytes(ctx)
	if err != nil {
		return 0, err
	}
	for range logGrowthWrites / 2 {
		v, err := s.CreateVisit(ctx, row.Visit)
		if err != nil {
			return 0, err
		}
		if err := s.DeleteVisit(ctx, v.ID); err != nil {
			return 0, err
		}
	}
	after, err := l.logBytes(ctx)
	if err != nil {
		return 0, err
	}
	return float64(after-before) / logGrowthWrites, nil
}
