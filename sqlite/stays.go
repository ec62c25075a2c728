package sqlite

import (
	"context"
	"fmt"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/dbtx"
	"github.com/zootour/zootour/internal/findsql"
	"github.com/zootour/zootour/internal/staysql"
)

// dialect is SQLite's SQL for package staysql: dates are text, so a day
// later is date(x, '+1 days'), and max and min of two are scalar.
var dialect = staysql.Dialect{
	Mark:     "?",
	AddDays:  func(expr string, n int) string { return fmt.Sprintf("date(%s, '%+d days')", expr, n) },
	Greatest: "max",
	Least:    "min",
	DaysBetween: func(a, b string) string {
		return fmt.Sprintf("CAST(julianday(%s) - julianday(%s) AS INTEGER)", b, a)
	},
	AllVisits: "visits NOT INDEXED",
}

// txDB runs the statements of packages staysql and logsql in a
// transaction of this store.
type txDB = dbtx.SQL

var _ zootour.Checker = (*Store)(nil)

// Check rebuilds the stays from the visits and describes every stay that
// differs, at most max (0 for all), from one read transaction.
func (s *Store) Check(ctx context.Context, max int) ([]string, error) {
	var out []string
	err := s.read(ctx, func(tx *txn) error {
		diffs, err := staysql.Check(ctx, txDB{Q: tx}, dialect, max)
		for _, d := range diffs {
			out = append(out, d.String())
		}
		return internal(err)
	})
	return out, err
}

// Rebuild writes every stay again from the visits, in one transaction.
func (s *Store) Rebuild(ctx context.Context) error {
	return s.write(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM stays`); err != nil {
			return internal(err)
		}
		return fillStays(ctx, tx)
	})
}

// finding is SQLite's SQL of the find listings: numbered ? marks, and
// search through the records' FTS5 tables.
var finding = findsql.Dialect{Mark: "?", Text: findsql.FTS5}
