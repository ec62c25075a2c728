package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/zootour/zootour"
)

// CreateAnimal validates a, stores it with a new ID and returns it.
func (s *Store) CreateAnimal(ctx context.Context, a zootour.Animal) (zootour.Animal, error) {
	if err := a.Validate(); err != nil {
		return zootour.Animal{}, err
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx,
			`INSERT INTO animals (name, species) VALUES (?, ?) RETURNING id`,
			a.Name, a.Species).Scan(&a.ID)
		return constraintError(err)
	})
	if err != nil {
		return zootour.Animal{}, err
	}
	return a, nil
}

// Animal returns the animal with the given ID.
func (s *Store) Animal(ctx context.Context, id int64) (zootour.Animal, error) {
	var a zootour.Animal
	err := s.read(ctx, func(tx *sql.Tx) (err error) {
		a, err = findAnimal(ctx, tx, id)
		return err
	})
	return a, err
}

// UpdateAnimal changes the fields set in u and returns the animal.
func (s *Store) UpdateAnimal(ctx context.Context, id int64, u zootour.AnimalUpdate) (zootour.Animal, error) {
	var a zootour.Animal
	err := s.write(ctx, func(tx *sql.Tx) error {
		old, err := findAnimal(ctx, tx, id)
		if err != nil {
			return err
		}
		if a, err = u.Apply(old); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE animals SET name = ?, species = ? WHERE id = ?`,
			a.Name, a.Species, id)
		return constraintError(err)
	})
	if err != nil {
		return zootour.Animal{}, err
	}
	return a, nil
}

// DeleteAnimal removes an animal, and with cascade its visits.
func (s *Store) DeleteAnimal(ctx context.Context, id int64, cascade bool) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if _, err := findAnimal(ctx, tx, id); err != nil {
			return err
		}
		has, err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM visits WHERE animal_id = ?)`, id)
		if err != nil {
			return err
		}
		if has && !cascade {
			return zootour.HasVisits("animal", id)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM visits WHERE animal_id = ?`, id); err != nil {
			return internal(err)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM animals WHERE id = ?`, id)
		return deleteError(err)
	})
}

// Animals lists animals by ID.
func (s *Store) Animals(ctx context.Context, p zootour.Page) ([]zootour.Animal, error) {
	n, err := pageLimit(p)
	if err != nil {
		return nil, err
	}
	var animals []zootour.Animal
	err = s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx,
			`SELECT id, name, species FROM animals WHERE id > ? ORDER BY id LIMIT ?`, p.After, n)
		if err != nil {
			return internal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var a zootour.Animal
			if err := rows.Scan(&a.ID, &a.Name, &a.Species); err != nil {
				return internal(err)
			}
			animals = append(animals, a)
		}
		return internal(rows.Err())
	})
	return animals, err
}

// findAnimal returns the animal with the given ID: an invalid error for an ID
// that cannot be one, a not-found error if there is none.
func findAnimal(ctx context.Context, tx *sql.Tx, id int64) (zootour.Animal, error) {
	if err := zootour.CheckID("animal ID", id); err != nil {
		return zootour.Animal{}, err
	}
	a := zootour.Animal{ID: id}
	err := tx.QueryRowContext(ctx, `SELECT name, species FROM animals WHERE id = ?`, id).
		Scan(&a.Name, &a.Species)
	if errors.Is(err, sql.ErrNoRows) {
		return zootour.Animal{}, zootour.NotFound("animal", id)
	}
	return a, internal(err)
}
