package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	"github.com/zootour/zootour"
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
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return internal(err)
	}
	defer tx.Rollback()
	if err := importZoos(ctx, tx, src); err != nil {
		return err
	}
	if err := importAnimals(ctx, tx, src); err != nil {
		return err
	}
	if err := importVisits(ctx, tx, src); err != nil {
		return err
	}
	return internal(tx.Commit())
}

func importZoos(ctx context.Context, tx *sql.Tx, src zootour.Source) error {
	if src.Zoos == nil {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO zoos (id, name, location) VALUES (?, ?, ?)`)
	if err != nil {
		return internal(err)
	}
	defer stmt.Close()
	rowCtx := context.WithoutCancel(ctx)
	n := 0
	for z, err := range src.Zoos {
		if err != nil {
			return err
		}
		n++
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		fail := func(err error) error { return &zootour.RecordError{Kind: "zoos", Record: n, Err: err} }
		if err := zootour.CheckID("id", z.ID); err != nil {
			return fail(err)
		}
		if err := z.Validate(); err != nil {
			return fail(err)
		}
		if _, err := stmt.ExecContext(rowCtx, z.ID, z.Name, z.Location); err != nil {
			if sqliteCode(err) == codePrimaryKey {
				return fail(zootour.IDTaken("zoo", z.ID))
			}
			return fail(constraintError(err))
		}
	}
	return nil
}

func importAnimals(ctx context.Context, tx *sql.Tx, src zootour.Source) error {
	if src.Animals == nil {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO animals (id, name, species) VALUES (?, ?, ?)`)
	if err != nil {
		return internal(err)
	}
	defer stmt.Close()
	rowCtx := context.WithoutCancel(ctx)
	n := 0
	for a, err := range src.Animals {
		if err != nil {
			return err
		}
		n++
		if n%1024 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		fail := func(err error) error { return &zootour.RecordError{Kind: "animals", Record: n, Err: err} }
		if err := zootour.CheckID("id", a.ID); err != nil {
			return fail(err)
		}
		if err := a.Validate(); err != nil {
			return fail(err)
		}
		if _, err := stmt.ExecContext(rowCtx, a.ID, a.Name, a.Species); err != nil {
			if sqliteCode(err) == codePrimaryKey {
				return fail(zootour.IDTaken("animal", a.ID))
			}
			return fail(constraintError(err))
		}
	}
	return nil
}

// Export writes every record to dst, each kind in ID order, from one read
// transaction, so the records form one consistent snapshot. Rows go to dst
// as they are read.
func (s *Store) Export(ctx context.Context, dst zootour.Sink) error {
	return s.read(ctx, func(tx *sql.Tx) error {
		err := each(ctx, tx, `SELECT id, name, location FROM zoos ORDER BY id`, func(rows *sql.Rows) error {
			var z zootour.Zoo
			if err := rows.Scan(&z.ID, &z.Name, &z.Location); err != nil {
				return internal(err)
			}
			return dst.Zoo(z)
		})
		if err != nil {
			return err
		}
		err = each(ctx, tx, `SELECT id, name, species FROM animals ORDER BY id`, func(rows *sql.Rows) error {
			var a zootour.Animal
			if err := rows.Scan(&a.ID, &a.Name, &a.Species); err != nil {
				return internal(err)
			}
			return dst.Animal(a)
		})
		if err != nil {
			return err
		}
		return each(ctx, tx, `SELECT id, date, zoo_id, animal_id FROM visits ORDER BY id`, func(rows *sql.Rows) error {
			var v zootour.Visit
			if err := rows.Scan(&v.ID, &v.Date, &v.ZooID, &v.AnimalID); err != nil {
				return internal(err)
			}
			return dst.Visit(v)
		})
	})
}

// each runs query and calls fn on each row.
func each(ctx context.Context, tx *sql.Tx, query string, fn func(*sql.Rows) error) error {
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
