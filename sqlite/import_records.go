package sqlite

import (
	"context"
	"database/sql"
	"iter"

	"github.com/zootour/zootour"
)

// recordBatch is how many zoos or animals one statement of an import adds,
// and how many records' words the next. The text index (FTS5) writes out
// what it holds at every statement: with a statement a record, the 10^5
// animals of an import of 10^6 visits took a third of its time (10.3 s of
// 29.3 s), in batches 2.8 s.
const recordBatch = 200

// importRecords inserts the zoos or animals of an import with their IDs,
// keys and words. kindName names the file ("zoos") in a RecordError; bulk
// false inserts them one by one, for tests to compare with.
func importRecords[T any](ctx context.Context, tx *txn, k kind[T], kindName string, seq iter.Seq2[T, error], bulk bool) (int64, error) {
	if seq == nil {
		return 0, nil
	}
	w, err := newRecordWriter(ctx, tx, k, kindName, bulk)
	if err != nil {
		return 0, err
	}
	defer w.close()
	n := 0
	for r, err := range seq {
		if err != nil {
			return 0, w.fail(err)
		}
		n++
		if n%1024 == 0 && ctx.Err() != nil {
			return 0, ctx.Err()
		}
		if err := zootour.CheckID("id", k.id(r)); err != nil {
			return 0, w.fail(w.recordError(n, err))
		}
		if err := k.validate(&r); err != nil {
			return 0, w.fail(w.recordError(n, err))
		}
		if err := w.add(n, r); err != nil {
			return 0, err
		}
	}
	return int64(n), w.finish()
}

// A recordWriter adds the zoos or the animals of an import, recordBatch at
// a time. Into an empty table it drops the table's indexes first and
// builds them at the end, each from all rows at once, where inserting
// would put every row on a page at random (none of them is unique, so
// nothing they would refuse goes unseen: the primary key stays).
type recordWriter[T any] struct {
	ctx      context.Context
	rowCtx   context.Context // ctx without its cancellation, for the rows
	tx       *txn
	k        kind[T]
	kindName string

	one, oneWords   *sql.Stmt // a record; its words
	many, manyWords *sql.Stmt // recordBatch of them; prepared when first needed

	size    int // how many records a statement inserts: recordBatch, or 1
	batch   []T // the records waiting for the next statement
	first   int // the record number of batch[0]
	creates []string
}

func newRecordWriter[T any](ctx context.Context, tx *txn, k kind[T], kindName string, bulk bool) (*recordWriter[T], error) {
	w := &recordWriter[T]{ctx: ctx, rowCtx: context.WithoutCancel(ctx), tx: tx, k: k, kindName: kindName, size: 1}
	empty, err := exists(ctx, tx, `SELECT NOT EXISTS (SELECT 1 FROM `+k.table.Name+`)`)
	if err != nil {
		return nil, err
	}
	if bulk {
		w.size = recordBatch
	}
	if empty && bulk {
		if w.creates, err = dropIndexes(ctx, tx, k.table.Name); err != nil {
			return nil, err
		}
	}
	if w.one, err = tx.PrepareContext(ctx, k.insert(1)); err != nil {
		return nil, internal(err)
	}
	if w.oneWords, err = tx.PrepareContext(ctx, k.insertWords(1)); err != nil {
		w.one.Close()
		return nil, internal(err)
	}
	return w, nil
}

func (w *recordWriter[T]) recordError(n int, err error) error {
	return &zootour.RecordError{Kind: w.kindName, Record: n, Err: err}
}

// add adds r, the record numbered n, checked already.
func (w *recordWriter[T]) add(n int, r T) error {
	if len(w.batch) == 0 {
		w.first = n
	}
	w.batch = append(w.batch, r)
	if len(w.batch) == w.size {
		return w.flush()
	}
	return nil
}

// flush inserts the waiting records (see flushBatch).
func (w *recordWriter[T]) flush() error {
	batch := w.batch
	w.batch = w.batch[:0]
	return flushBatch(batch, w.first, recordBatch, w.insertBatch, w.insert)
}

// flushBatch inserts the records of batch, the first numbered first: a
// full batch (of size) with many, a short one (the last) record by record
// with one. A statement that breaks a constraint changes nothing, so on
// such a failure the records go in again one at a time, to name the one
// at fault. Any other failure ends the import: SQLite may have rolled back
// the whole transaction.
func flushBatch[T any](batch []T, first, size int, many func([]T) error, one func(int, T) error) error {
	if len(batch) == size {
		err := many(batch)
		if err == nil {
			return nil
		}
		if sqliteCode(err)&0xff != codeConstraint {
			return internal(err)
		}
	}
	for i, r := range batch {
		if err := one(first+i, r); err != nil {
			return err
		}
	}
	return nil
}

func (w *recordWriter[T]) insertBatch(batch []T) error {
	if w.many == nil {
		var err error
		if w.many, err = w.tx.PrepareContext(w.ctx, w.k.insert(recordBatch)); err != nil {
			return err
		}
		if w.manyWords, err = w.tx.PrepareContext(w.ctx, w.k.insertWords(recordBatch)); err != nil {
			return err
		}
	}
	args := make([]any, 0, len(batch)*w.k.width())
	words := make([]any, 0, 2*len(batch))
	for _, r := range batch {
		id := w.k.id(r)
		args = append(append(args, id), w.k.values(r)...)
		words = append(words, id, w.k.words(r))
	}
	if _, err := w.many.ExecContext(w.rowCtx, args...); err != nil {
		return err
	}
	_, err := w.manyWords.ExecContext(w.rowCtx, words...)
	return internal(err)
}

// insert inserts r, the record numbered n, by itself.
func (w *recordWriter[T]) insert(n int, r T) error {
	id := w.k.id(r)
	if _, err := w.one.ExecContext(w.rowCtx, append([]any{id}, w.k.values(r)...)...); err != nil {
		if sqliteCode(err) == codePrimaryKey {
			return w.recordError(n, zootour.IDTaken(w.k.name, id))
		}
		return w.recordError(n, constraintError(err))
	}
	_, err := w.oneWords.ExecContext(w.rowCtx, id, w.k.words(r))
	return internal(err)
}

// fail returns the error that stops the import at err: a waiting record,
// before the one that failed, may be refused, and then that is the error.
func (w *recordWriter[T]) fail(err error) error {
	if ferr := w.flush(); ferr != nil {
		return ferr
	}
	return err
}

// finish adds the waiting records and builds the indexes that were dropped.
func (w *recordWriter[T]) finish() error {
	if err := w.flush(); err != nil {
		return err
	}
	for _, create := range w.creates {
		if _, err := w.tx.ExecContext(w.ctx, create); err != nil {
			return internal(err)
		}
	}
	return nil
}

func (w *recordWriter[T]) close() {
	for _, s := range []*sql.Stmt{w.one, w.oneWords, w.many, w.manyWords} {
		if s != nil {
			s.Close()
		}
	}
}
