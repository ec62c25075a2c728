package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/zootour/zootour/internal/findsql"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// A migration is one schema step, read from migrations/NNNN_name.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the embedded migrations in version order.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		num, _, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: the name must start with a positive version number", base)
		}
		b, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: base, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s have the same version", ms[i-1].name, ms[i].name)
		}
	}
	return ms, nil
}

// migrate brings the schema of the database up to date in one transaction,
// so a failed step leaves it as it was. It refuses a database written by a
// newer zootour, and a SQLite database that zootour did not create.
func migrate(ctx context.Context, db *sql.DB, path string) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	known := ms[len(ms)-1].version

	// A database that is up to date is opened without a write lock, which
	// would wait for a running import and hold up every other writer: a
	// plain read of the version needs none.
	var current int
	err = db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current)
	if err == nil && current == known {
		return nil
	}

	sqlTx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer sqlTx.Rollback()
	tx := &txn{Tx: sqlTx}

	var hasTable bool
	if err := tx.QueryRowContext(ctx,
		`SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations')`,
	).Scan(&hasTable); err != nil {
		return err
	}
	if !hasTable {
		var objects int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema`).Scan(&objects); err != nil {
			return err
		}
		if objects > 0 {
			return fmt.Errorf("%s is a SQLite database but not a zootour database (it has no schema_migrations table)", path)
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE schema_migrations (
			version    INTEGER PRIMARY KEY,
			applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
		) STRICT`); err != nil {
			return err
		}
	}

	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
		return err
	}
	if current > known {
		return fmt.Errorf("%s has schema version %d, newer than version %d that this zootour knows: use a newer zootour", path, current, known)
	}
	for _, m := range ms {
		if m.version <= current {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if fill := backfills[m.version]; fill != nil {
			if err := fill(ctx, tx); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version) VALUES (?)`, m.version); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// backfills are the steps of a migration that SQL cannot take: after the
// migration of that version, they fill what it added for the rows there are.
var backfills = map[int]func(context.Context, *txn) error{
	2: func(ctx context.Context, tx *txn) error {
		if err := rekey(ctx, tx, zoos); err != nil {
			return err
		}
		return rekey(ctx, tx, animals)
	},
	3: fillStays,
	4: func(ctx context.Context, tx *txn) error {
		if err := reindex(ctx, tx, zoos); err != nil {
			return err
		}
		return reindex(ctx, tx, animals)
	},
}

// rekey writes the derived keys of every record of kind k again.
func rekey[T any](ctx context.Context, tx *txn, k kind[T]) error {
	rows, err := scanAll(ctx, tx, findsql.Query{SQL: `SELECT ` + k.table.Cols + ` FROM ` + k.table.Name + ` AS r ORDER BY r.id`}, k.fields)
	if err != nil {
		return err
	}
	for _, r := range rows {
		id := k.id(r)
		if _, err := tx.ExecContext(ctx, k.update, append(k.values(r), id)...); err != nil {
			return err
		}
	}
	return nil
}

// reindex writes the text index of every record of kind k.
func reindex[T any](ctx context.Context, tx *txn, k kind[T]) error {
	rows, err := scanAll(ctx, tx, findsql.Query{SQL: `SELECT ` + k.table.Cols + ` FROM ` + k.table.Name + ` AS r ORDER BY r.id`}, k.fields)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+k.table.Text+` (rowid, words) VALUES (?, ?)`, k.id(r), k.words(r)); err != nil {
			return err
		}
	}
	return nil
}
