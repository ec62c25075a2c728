package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/dbtx"
	"github.com/zootour/zootour/internal/logsql"
	"github.com/zootour/zootour/internal/staysql"
)

// The stays table is kept by every write of visits, in its transaction,
// with the SQL of package staysql (docs/stays.md).

// dialect is PostgreSQL's SQL for package staysql. A date plus an integer
// is a date, and a date minus a date the days between; the cast types a
// parameter there, which PostgreSQL could not infer from the addition
// alone.
var dialect = staysql.Dialect{
	Mark:        "$",
	AddDays:     func(expr string, n int) string { return fmt.Sprintf("(%s::date + %d)", expr, n) },
	Greatest:    "GREATEST",
	Least:       "LEAST",
	Bytes:       ` COLLATE "C"`,
	DaysBetween: func(a, b string) string { return fmt.Sprintf("(%s - %s)", b, a) },
	AllVisits:   "visits",
	OrderArms:   true,
}

// txDB runs the statements of packages staysql and logsql in a
// transaction, or on the pool.
type txDB = dbtx.PGX

// restay brings the stays of the animal up to date after a change of its
// visits on the date at. The caller holds the animal's lock (lockAnimals).
func restay(ctx context.Context, tx pgx.Tx, animalID int64, at zootour.Date) error {
	return staysql.Restay(ctx, txDB{Q: tx}, dialect, animalID, at)
}

// lockAnimals locks the rows of the animals ids, in ID order, and reports
// whether every one exists. Every write of an animal's visits takes this
// lock first: the restays of two transactions would otherwise read the
// same stays and write them over each other. FOR NO KEY UPDATE, as the
// lock conflicts with itself and with a delete of the animal but not with
// the key share that a foreign key check takes.
//
// An animal that does not exist is no error here: the write that follows
// fails on its foreign key, and the store reports that as it always has.
// Should the write succeed all the same (the animal came into being
// meanwhile), the transaction starts again, to lock it (errRetry).
func lockAnimals(ctx context.Context, tx pgx.Tx, ids ...int64) (bool, error) {
	return lockRows(ctx, tx, "animals", "FOR NO KEY UPDATE", ids...)
}

// lockRows locks the rows of table with the IDs, in ID order, in the mode
// (a locking clause), and reports whether every one exists.
func lockRows(ctx context.Context, tx pgx.Tx, table, mode string, ids ...int64) (bool, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return true, nil
	}
	rows, _ := tx.Query(ctx, `SELECT id FROM `+table+` WHERE id = ANY($1) ORDER BY id `+mode, ids)
	locked, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	return len(locked) == len(ids), err
}

// errRetry ends a write transaction that found, after taking its locks,
// that they are not those it needs (what it read before locking has
// changed): writeTx runs it again from the start, with no lock held.
var errRetry = errors.New("postgres: retry the transaction")

// maxAttempts bounds the attempts of writeTx: each retry means that
// another writer changed the same records in the meantime.
const maxAttempts = 100

// A txn is a write transaction and the batch of change-log entries it
// writes, as the actor of its context.
type txn struct {
	pgx.Tx
	batch *logsql.Batch
}

// logged appends e to the change log, in the transaction: after the
// statement that wrote the record, whose lock orders the entries of each
// record as their transactions commit.
func (t txn) logged(ctx context.Context, e zootour.Entry) error {
	return t.batch.Add(ctx, txDB{Q: t.Tx}, e)
}

// logDialect is this store's SQL for package logsql.
var logDialect = logsql.Dialect{Mark: "$"}

// writeTx runs fn in a transaction, again while it returns errRetry. Each
// attempt has a batch of its own: a rolled back attempt's entries are gone.
func (s *Store) writeTx(ctx context.Context, fn func(txn) error) error {
	for range maxAttempts {
		err := s.inTx(ctx, func(tx pgx.Tx) error {
			return fn(txn{tx, logsql.NewBatch(ctx, logDialect)})
		})
		if !errors.Is(err, errRetry) {
			return err
		}
	}
	return fmt.Errorf("postgres: gave up after %d attempts: other writers kept changing the same records", maxAttempts)
}

// commitWithin bounds a commit (or a rollback) that its caller's context
// no longer bounds, from when it starts: a transaction itself may take
// longer (an import of 10^7 visits takes minutes).
var commitWithin = 30 * time.Second

// inTx runs fn in a transaction and commits it. Once fn is done, the
// commit is not cancelled with ctx: cancelled in flight, it could have
// committed and still report ctx's error, and a write reported as failed
// must be one that did not commit (README, "Serving safely"). A ctx that
// ended before the commit rolls back. With a read replica, the client's
// reads go to the primary until the replica has replayed the commit.
func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) (err error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	detached := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.WithoutCancel(ctx), commitWithin)
	}
	defer func() {
		if err != nil {
			rctx, cancel := detached()
			defer cancel()
			tx.Rollback(rctx)
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	cctx, cancel := detached()
	defer cancel()
	if err := tx.Commit(cctx); err != nil {
		return err
	}
	s.replica.wrote(cctx)
	return nil
}

var _ zootour.Checker = (*Store)(nil)

// Check rebuilds the stays from the visits and describes every stay that
// differs, at most max (0 for all), from one snapshot.
func (s *Store) Check(ctx context.Context, max int) ([]string, error) {
	var out []string
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		out = nil
		diffs, err := staysql.Check(ctx, txDB{Q: tx}, dialect, max)
		for _, d := range diffs {
			out = append(out, d.String())
		}
		return err
	})
	if err != nil {
		return nil, internal(ctx, "check", err)
	}
	return out, nil
}

// Rebuild writes every stay again from the visits, in one transaction.
// Writers of visits wait meanwhile (readers do not): the lock on visits
// waits for those under way, and is taken before the one on stays, in the
// order they take theirs.
func (s *Store) Rebuild(ctx context.Context) error {
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "LOCK TABLE visits, stays IN SHARE ROW EXCLUSIVE MODE"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM stays"); err != nil {
			return err
		}
		return staysql.Fill(ctx, txDB{Q: tx}, dialect)
	})
	return internal(ctx, "rebuild the stays", err)
}
