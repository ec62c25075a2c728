// Package dbtx runs the statements of the shared SQL packages (staysql,
// logsql) on either driver: database/sql (SQLite) and pgx (PostgreSQL),
// in a transaction or anything else that queries.
package dbtx

import (
	"context"
	"database/sql"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// SQL runs statements through database/sql: a *sql.Tx, or a store's own
// transaction type.
type SQL struct{ Q SQLQuerier }

// SQLQuerier is what SQL needs of a database/sql transaction.
type SQLQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Query runs query and calls row once per row.
func (t SQL) Query(ctx context.Context, query string, args []any, row func(scan func(dest ...any) error) error) error {
	rows, err := t.Q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return each(rows, row)
}

// each calls row for every row of rows, of either driver.
func each(rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}, row func(scan func(dest ...any) error) error) error {
	for rows.Next() {
		if err := row(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Exec runs query.
func (t SQL) Exec(ctx context.Context, query string, args ...any) error {
	_, err := t.Q.ExecContext(ctx, query, args...)
	return err
}

// PGX runs statements through pgx: a transaction, or the pool, where each
// statement is a transaction of its own. Query reads every row before it
// returns, so that the next statement finds the connection free.
type PGX struct{ Q PGXQuerier }

// PGXQuerier is what a pgx transaction and pool have in common.
type PGXQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Query runs query and calls row once per row.
func (t PGX) Query(ctx context.Context, query string, args []any, row func(scan func(dest ...any) error) error) error {
	rows, err := t.Q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return each(rows, row)
}

// Exec runs query.
func (t PGX) Exec(ctx context.Context, query string, args ...any) error {
	_, err := t.Q.Exec(ctx, query, args...)
	return err
}
