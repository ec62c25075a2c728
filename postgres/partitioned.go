package postgres

import (
	"context"
	_ "embed"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/zootour/zootour"
)

// Partitioned visits (docs/partitioning.md): a database created with
// WithPartitionedVisits keeps its visits and stays in tables partitioned
// by hash of animal_id. The choice is made once, when the migrations
// create the database, and read from the catalog ever after.

// Bounds of WithPartitionedVisits, and the count docs/partitioning.md
// suggests.
const (
	MinPartitions     = 2
	MaxPartitions     = 256
	DefaultPartitions = 8
)

// WithPartitionedVisits makes a new database keep its visits and stays
// in n tables each (MinPartitions to MaxPartitions), by hash of animal_id
// (docs/partitioning.md). It decides only when Open or New creates the
// database; on one that exists, Open and New fail (EINVALID) unless its
// visits are partitioned so, and change nothing. Without the option they
// open either layout as it is.
func WithPartitionedVisits(n int) Option {
	return func(o *options) { o.partitions = n; o.partitionsSet = true }
}

//go:embed partitioned.sql
var partitionedSQL string

// checkPartitions returns the error of an option n outside its bounds.
func checkPartitions(n int) error {
	if n < MinPartitions || n > MaxPartitions {
		return zootour.Errorf(zootour.EINVALID, "partitions must be between %d and %d, not %d", MinPartitions, MaxPartitions, n)
	}
	return nil
}

// partition makes the visits and stays of a database that the migrations
// have just created, still empty, partitioned into n tables each.
func partition(ctx context.Context, tx pgx.Tx, n int) error {
	if _, err := tx.Exec(ctx, partitionedSQL); err != nil {
		return fmt.Errorf("partitioned visits: %w", err)
	}
	for _, table := range []string{"visits", "stays"} {
		for i := range n {
			// Names and bounds are the program's: no value from outside.
			sql := fmt.Sprintf("CREATE TABLE %s_%d PARTITION OF %s FOR VALUES WITH (MODULUS %d, REMAINDER %d)", table, i, table, n, i)
			if _, err := tx.Exec(ctx, sql); err != nil {
				return fmt.Errorf("partitioned visits: %w", err)
			}
		}
	}
	return nil
}

// visitByIDSQL is the statement that reads a visit by its ID ($1). In
// partitioned visits the ID alone would probe every partition's primary
// key; visit_ids names the animal, and the executor probes that animal's
// partition alone (TestPartitionedVisitByID).
func visitByIDSQL(partitioned bool) string {
	q := `SELECT date, zoo_id, animal_id FROM visits WHERE id = $1`
	if partitioned {
		q += ` AND animal_id = (SELECT animal_id FROM visit_ids WHERE id = $1)`
	}
	return q
}

// partitions returns how many partitions the visits table has: 0 if it
// is a plain table.
func partitions(ctx context.Context, q querier) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT CASE WHEN c.relkind = 'p'
	THEN (SELECT count(*) FROM pg_inherits WHERE inhparent = c.oid) ELSE 0 END
FROM pg_class c WHERE c.oid = 'visits'::regclass`).Scan(&n)
	return n, err
}

// agreePartitions checks that the visits of an existing database are
// partitioned into want tables, as the option asks.
func agreePartitions(ctx context.Context, q querier, want int) error {
	have, err := partitions(ctx, q)
	if err != nil {
		return err
	}
	switch {
	case have == want:
		return nil
	case have == 0:
		return zootour.Errorf(zootour.EINVALID, "the visits table of this database is not partitioned; partitioning is chosen when the database is created (docs/partitioning.md)")
	}
	return zootour.Errorf(zootour.EINVALID, "the visits table of this database is partitioned into %d tables, not %d; partitioning is chosen when the database is created (docs/partitioning.md)", have, want)
}

// keyOf returns the name of the key of the partitioned table whose
// partition's key is constraint, or constraint itself if it is no
// partition's. A partition's keys have names of their own (those of its
// indexes, made by the server), and the store maps errors by the names of
// the migrations. Asked only once a write has failed.
func keyOf(ctx context.Context, q querier, constraint string) (string, error) {
	err := q.QueryRow(ctx, `SELECT coalesce((SELECT p.conname FROM pg_constraint c JOIN pg_constraint p ON p.oid = c.conparentid
WHERE c.conname = $1 AND c.connamespace = current_schema()::regnamespace), $1)`, constraint).Scan(&constraint)
	return constraint, err
}
