package sqlite

import (
	"context"
	"database/sql"
	"sync"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/logsql"
)

// A txn is a transaction of this store whose statements are prepared
// once per pool and reused: preparing a statement costs about as much as
// running a small one, and the where-and-when statements are long (a
// dozen ranges merged), longer to prepare than to run for a page.
type txn struct {
	*sql.Tx
	stmts *stmtCache // nil: prepare every time (migrations)
	// batch logs the transaction's changes; nil in a read.
	batch *logsql.Batch
}

// logged appends e to the change log, in the transaction.
func (t *txn) logged(ctx context.Context, e zootour.Entry) error {
	return internal(t.batch.Add(ctx, txDB{Q: t}, e))
}

func (t *txn) stmt(ctx context.Context, query string) *sql.Stmt {
	if t.stmts == nil {
		return nil
	}
	if st := t.stmts.get(ctx, query); st != nil {
		return t.Tx.StmtContext(ctx, st)
	}
	return nil
}

// QueryContext runs query on a statement from the cache.
func (t *txn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs query on a statement from the cache.
func (t *txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, query, args...)
}

// ExecContext runs query on a statement from the cache.
func (t *txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, query, args...)
}

// maxStmts bounds a cache: most statements have a fixed text, but a
// search's grows with its words and an insert's with its rows.
const maxStmts = 256

// stmtCache holds the statements prepared on one pool.
type stmtCache struct {
	db      *sql.DB
	mu      sync.Mutex
	m       map[string]*sql.Stmt
	pending map[string]bool
	ctx     context.Context // cancelled by close
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

func newStmtCache(db *sql.DB) *stmtCache {
	ctx, cancel := context.WithCancel(context.Background())
	return &stmtCache{db: db, m: map[string]*sql.Stmt{}, pending: map[string]bool{}, ctx: ctx, cancel: cancel}
}

// prepare prepares the queries on the pool. It runs when the store
// opens, while no transaction holds the pool's connections (preparing
// waits for a free one, which the writer's single connection would never
// be from inside a transaction).
func (c *stmtCache) prepare(ctx context.Context, queries ...string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, q := range queries {
		if _, ok := c.m[q]; ok || len(c.m) >= maxStmts {
			continue
		}
		st, err := c.db.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		c.m[q] = st
	}
	return nil
}

// get returns the statement of query if it was prepared, else nil: the
// caller runs it unprepared this time, and the statement is prepared in
// the background for the next. (Preparing waits for a free connection of
// the pool, which the caller's transaction holds: the writer's only one.)
func (c *stmtCache) get(_ context.Context, query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok || c.m == nil {
		return st
	}
	if c.pending[query] || len(c.m)+len(c.pending) >= maxStmts {
		return nil
	}
	c.pending[query] = true
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		st, err := c.db.PrepareContext(c.ctx, query)
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.pending, query)
		switch {
		case err != nil:
		case c.m == nil: // closed meanwhile
			st.Close()
		default:
			c.m[query] = st
		}
	}()
	return nil
}

func (c *stmtCache) close() error {
	c.cancel()
	c.wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	var first error
	for _, st := range c.m {
		if err := st.Close(); err != nil && first == nil {
			first = err
		}
	}
	c.m = nil
	return first
}
