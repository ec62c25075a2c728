package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/zootour/zootour"
)

// CreateZoo validates z, stores it with a new ID and returns it.
func (s *Store) CreateZoo(ctx context.Context, z zootour.Zoo) (zootour.Zoo, error) {
	if err := z.Validate(); err != nil {
		return zootour.Zoo{}, err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx,
			`INSERT INTO zoos (name, location) VALUES (?, ?) RETURNING id`,
			z.Name, z.Location).Scan(&z.ID)
		return constraintError(err)
	})
	if err != nil {
		return zootour.Zoo{}, err
	}
	return z, nil
}

// Zoo returns the zoo with the given ID.
func (s *Store) Zoo(ctx context.Context, id int64) (zootour.Zoo, error) {
	var z zootour.Zoo
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		z, err = findZoo(ctx, tx, id)
		return err
	})
	return z, err
}

// UpdateZoo changes the fields set in u and returns the zoo.
func (s *Store) UpdateZoo(ctx context.Context, id int64, u zootour.ZooUpdate) (zootour.Zoo, error) {
	var z zootour.Zoo
	err := s.write(ctx, func(tx *sql.Tx) error {
		old, err := findZoo(ctx, tx, id)
		if err != nil {
			return err
		}
		if z, err = u.Apply(old); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE zoos SET name = ?, location = ? WHERE id = ?`,
			z.Name, z.Location, id)
		return constraintError(err)
	})
	if err != nil {
		return zootour.Zoo{}, err
	}
	return z, nil
}

// DeleteZoo removes a zoo, and with cascade its visits.
func (s *Store) DeleteZoo(ctx context.Context, id int64, cascade bool) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := findZoo(ctx, tx, id); err != nil {
			return err
		}
		has, err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM visits WHERE zoo_id = ?)`, id)
		if err != nil {
			return err
		}
		if has && !cascade {
			return zootour.HasVisits("zoo", id)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM visits WHERE zoo_id = ?`, id); err != nil {
			return internal(err)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM zoos WHERE id = ?`, id)
		return deleteError(err)
	})
}

// Zoos lists zoos by ID.
func (s *Store) Zoos(ctx context.Context, p zootour.Page) ([]zootour.Zoo, error) {
	n, err := pageLimit(p)
	if err != nil {
		return nil, err
	}
	var zoos []zootour.Zoo
	err = s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx,
			`SELECT id, name, location FROM zoos WHERE id > ? ORDER BY id LIMIT ?`, p.After, n)
		if err != nil {
			return internal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var z zootour.Zoo
			if err := rows.Scan(&z.ID, &z.Name, &z.Location); err != nil {
				return internal(err)
			}
			zoos = append(zoos, z)
		}
		return internal(rows.Err())
	})
	return zoos, err
}

// findZoo returns the zoo with the given ID: an invalid error for an ID
// that cannot be one, a not-found error if there is none.
func findZoo(ctx context.Context, tx *sql.Tx, id int64) (zootour.Zoo, error) {
	if err := zootour.CheckID("zoo ID", id); err != nil {
		return zootour.Zoo{}, err
	}
	z := zootour.Zoo{ID: id}
	err := tx.QueryRowContext(ctx, `SELECT name, location FROM zoos WHERE id = ?`, id).
		Scan(&z.Name, &z.Location)
	if errors.Is(err, sql.ErrNoRows) {
		return zootour.Zoo{}, zootour.NotFound("zoo", id)
	}
	return z, internal(err)
}

// exists runs a SELECT EXISTS query.
func exists(ctx context.Context, tx *sql.Tx, query string, args ...any) (bool, error) {
	var ok bool
	err := tx.QueryRowContext(ctx, query, args...).Scan(&ok)
	return ok, internal(err)
}

// pageLimit returns the LIMIT for a page: -1, no limit, for a zero Limit.
func pageLimit(p zootour.Page) (int, error) {
	switch {
	case p.Limit < 0:
		return 0, zootour.Errorf(zootour.EINVALID, "limit must not be negative")
	case p.Limit == 0:
		return -1, nil
	}
	return p.Limit, nil
}

// deleteError maps a failed DELETE of a zoo or animal: a foreign key still
// pointing at it means visits remain, a conflict. The store checks for
// visits first; this catches what that check could miss.
func deleteError(err error) error {
	if sqliteCode(err) == codeForeignKey {
		return zootour.Errorf(zootour.ECONFLICT, "the record still has visits")
	}
	return internal(err)
}
