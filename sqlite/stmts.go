package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// A txn is a transaction of this store whose statements of fixed shape
// are prepared once per pool and reused: the where-and-when statements
// are long (a dozen ranges merged), and SQLite spends longer preparing
// them than running them for a page.
type txn struct {
	*sql.Tx
	stmts *stmtCache // nil: prepare every time (migrations)
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

// maxStmts bounds a cache.
const maxStmts = 128

// stmtCache holds the statements prepared on one pool.
type stmtCache struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: map[string]*sql.Stmt{}} }

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
// caller runs it unprepared.
func (c *stmtCache) get(_ context.Context, query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[query]
}

func (c *stmtCache) close() error {
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
