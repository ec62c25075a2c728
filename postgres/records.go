package postgres

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/zootour/zootour"
)

// A public method is one transaction: a single statement is one by itself;
// methods of several statements use pgx.BeginFunc.

// CreateZoo validates z and inserts it with the next ID of its sequence.
func (s *Store) CreateZoo(ctx context.Context, z zootour.Zoo) (zootour.Zoo, error) {
	if err := z.Validate(); err != nil {
		return zootour.Zoo{}, err
	}
	err := s.pool.QueryRow(ctx, "INSERT INTO zoos (name, location) VALUES ($1, $2) RETURNING id",
		z.Name, z.Location).Scan(&z.ID)
	if err != nil {
		return zootour.Zoo{}, internal(ctx, "create zoo", err)
	}
	return z, nil
}

// Zoo returns the zoo with the given ID.
func (s *Store) Zoo(ctx context.Context, id int64) (zootour.Zoo, error) {
	return getZoo(ctx, s.pool, id, "")
}

// getZoo reads a zoo; lock, if not empty, is a locking clause (FOR UPDATE).
func getZoo(ctx context.Context, q querier, id int64, lock string) (zootour.Zoo, error) {
	if err := zootour.CheckID("zoo ID", id); err != nil {
		return zootour.Zoo{}, err
	}
	z := zootour.Zoo{ID: id}
	err := q.QueryRow(ctx, "SELECT name, location FROM zoos WHERE id = $1 "+lock, id).Scan(&z.Name, &z.Location)
	if errors.Is(err, pgx.ErrNoRows) {
		return zootour.Zoo{}, zooNotFound(id)
	}
	if err != nil {
		return zootour.Zoo{}, internal(ctx, "read zoo", err)
	}
	return z, nil
}

// UpdateZoo reads the zoo under a row lock, applies u and writes it back.
func (s *Store) UpdateZoo(ctx context.Context, id int64, u zootour.ZooUpdate) (zootour.Zoo, error) {
	var z zootour.Zoo
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		old, err := getZoo(ctx, tx, id, "FOR UPDATE")
		if err != nil {
			return err
		}
		if z, err = u.Apply(old); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE zoos SET name = $2, location = $3 WHERE id = $1", id, z.Name, z.Location)
		return err
	})
	if err != nil {
		return zootour.Zoo{}, internal(ctx, "update zoo", err)
	}
	return z, nil
}

// DeleteZoo deletes a zoo; with cascade, its visits first, the zoo locked
// so that no new visit can refer to it meanwhile.
func (s *Store) DeleteZoo(ctx context.Context, id int64, cascade bool) error {
	if err := zootour.CheckID("zoo ID", id); err != nil {
		return err
	}
	if !cascade {
		tag, err := s.pool.Exec(ctx, "DELETE FROM zoos WHERE id = $1", id)
		if code, _ := pgError(err); code == foreignKeyViolation {
			return zootour.HasVisits("zoo", id)
		}
		if err == nil && tag.RowsAffected() == 0 {
			return zooNotFound(id)
		}
		return internal(ctx, "delete zoo", err)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// The row lock keeps new visits of the zoo out until we are done.
		if _, err := getZoo(ctx, tx, id, "FOR UPDATE"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM visits WHERE zoo_id = $1", id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "DELETE FROM zoos WHERE id = $1", id)
		return err
	})
	return internal(ctx, "delete zoo", err)
}

// Zoos lists zoos by ID from p.After.
func (s *Store) Zoos(ctx context.Context, p zootour.Page) ([]zootour.Zoo, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	limit := pageLimit(p.Limit)
	rows, _ := s.pool.Query(ctx, "SELECT id, name, location FROM zoos WHERE id > $1 ORDER BY id LIMIT $2", p.After, limit)
	zoos, err := pgx.CollectRows(rows, scanZoo)
	if err != nil {
		return nil, internal(ctx, "list zoos", err)
	}
	return zoos, nil
}

// CreateAnimal validates a and inserts it with the next ID of its sequence.
func (s *Store) CreateAnimal(ctx context.Context, a zootour.Animal) (zootour.Animal, error) {
	if err := a.Validate(); err != nil {
		return zootour.Animal{}, err
	}
	err := s.pool.QueryRow(ctx, "INSERT INTO animals (name, species) VALUES ($1, $2) RETURNING id",
		a.Name, a.Species).Scan(&a.ID)
	if err != nil {
		return zootour.Animal{}, internal(ctx, "create animal", err)
	}
	return a, nil
}

// Animal returns the animal with the given ID.
func (s *Store) Animal(ctx context.Context, id int64) (zootour.Animal, error) {
	return getAnimal(ctx, s.pool, id, "")
}

func getAnimal(ctx context.Context, q querier, id int64, lock string) (zootour.Animal, error) {
	if err := zootour.CheckID("animal ID", id); err != nil {
		return zootour.Animal{}, err
	}
	a := zootour.Animal{ID: id}
	err := q.QueryRow(ctx, "SELECT name, species FROM animals WHERE id = $1 "+lock, id).Scan(&a.Name, &a.Species)
	if errors.Is(err, pgx.ErrNoRows) {
		return zootour.Animal{}, animalNotFound(id)
	}
	if err != nil {
		return zootour.Animal{}, internal(ctx, "read animal", err)
	}
	return a, nil
}

// UpdateAnimal reads the animal under a row lock, applies u and writes it back.
func (s *Store) UpdateAnimal(ctx context.Context, id int64, u zootour.AnimalUpdate) (zootour.Animal, error) {
	var a zootour.Animal
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		old, err := getAnimal(ctx, tx, id, "FOR UPDATE")
		if err != nil {
			return err
		}
		if a, err = u.Apply(old); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE animals SET name = $2, species = $3 WHERE id = $1", id, a.Name, a.Species)
		return err
	})
	if err != nil {
		return zootour.Animal{}, internal(ctx, "update animal", err)
	}
	return a, nil
}

// DeleteAnimal deletes an animal, like DeleteZoo.
func (s *Store) DeleteAnimal(ctx context.Context, id int64, cascade bool) error {
	if err := zootour.CheckID("animal ID", id); err != nil {
		return err
	}
	if !cascade {
		tag, err := s.pool.Exec(ctx, "DELETE FROM animals WHERE id = $1", id)
		if code, _ := pgError(err); code == foreignKeyViolation {
			return zootour.HasVisits("animal", id)
		}
		if err == nil && tag.RowsAffected() == 0 {
			return animalNotFound(id)
		}
		return internal(ctx, "delete animal", err)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := getAnimal(ctx, tx, id, "FOR UPDATE"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM visits WHERE animal_id = $1", id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "DELETE FROM animals WHERE id = $1", id)
		return err
	})
	return internal(ctx, "delete animal", err)
}

// Animals lists animals by ID from p.After.
func (s *Store) Animals(ctx context.Context, p zootour.Page) ([]zootour.Animal, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	limit := pageLimit(p.Limit)
	rows, _ := s.pool.Query(ctx, "SELECT id, name, species FROM animals WHERE id > $1 ORDER BY id LIMIT $2", p.After, limit)
	animals, err := pgx.CollectRows(rows, scanAnimal)
	if err != nil {
		return nil, internal(ctx, "list animals", err)
	}
	return animals, nil
}

// CreateVisit validates v and inserts it; the constraints of the table
// decide whether its zoo and animal exist and its date is free.
func (s *Store) CreateVisit(ctx context.Context, v zootour.Visit) (zootour.Visit, error) {
	if err := v.Validate(); err != nil {
		return zootour.Visit{}, err
	}
	err := s.pool.QueryRow(ctx, "INSERT INTO visits (date, zoo_id, animal_id) VALUES ($1, $2, $3) RETURNING id",
		v.Date, v.ZooID, v.AnimalID).Scan(&v.ID)
	if err != nil {
		return zootour.Visit{}, s.visitError(ctx, "create visit", v, err)
	}
	return v, nil
}

// visitError translates the constraint a write of v broke into the error
// the Store contract gives for it.
func (s *Store) visitError(ctx context.Context, op string, v zootour.Visit, err error) error {
	switch code, constraint := pgError(err); {
	case code == foreignKeyViolation && constraint == "visits_zoo_fkey":
		return zootour.Missing("zoo", v.ZooID)
	case code == foreignKeyViolation && constraint == "visits_animal_fkey":
		return zootour.Missing("animal", v.AnimalID)
	case code == uniqueViolation && constraint == "visits_animal_date_key":
		// The server checks the unique index before the foreign keys; a
		// missing zoo is the first fault, as the other stores report it.
		// (The animal exists: it has the other visit.)
		var zooExists bool
		if err := s.pool.QueryRow(ctx, zooExistsSQL, v.ZooID).Scan(&zooExists); err != nil {
			return internal(ctx, op, err)
		}
		if !zooExists {
			return zootour.Missing("zoo", v.ZooID)
		}
		return zootour.DateTaken(v.AnimalID, v.Date)
	}
	return internal(ctx, op, err)
}

// Visit returns the visit with the given ID.
func (s *Store) Visit(ctx context.Context, id int64) (zootour.Visit, error) {
	return getVisit(ctx, s.pool, id, "")
}

func getVisit(ctx context.Context, q querier, id int64, lock string) (zootour.Visit, error) {
	if err := zootour.CheckID("visit ID", id); err != nil {
		return zootour.Visit{}, err
	}
	v := zootour.Visit{ID: id}
	err := q.QueryRow(ctx, "SELECT date, zoo_id, animal_id FROM visits WHERE id = $1 "+lock, id).Scan(&v.Date, &v.ZooID, &v.AnimalID)
	if errors.Is(err, pgx.ErrNoRows) {
		return zootour.Visit{}, zootour.NotFound("visit", id)
	}
	if err != nil {
		return zootour.Visit{}, internal(ctx, "read visit", err)
	}
	return v, nil
}

// UpdateVisit reads the visit under a row lock, applies u and writes it back.
func (s *Store) UpdateVisit(ctx context.Context, id int64, u zootour.VisitUpdate) (zootour.Visit, error) {
	var v zootour.Visit
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		old, err := getVisit(ctx, tx, id, "FOR UPDATE")
		if err != nil {
			return err
		}
		if v, err = u.Apply(old); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE visits SET date = $2, zoo_id = $3, animal_id = $4 WHERE id = $1",
			id, v.Date, v.ZooID, v.AnimalID)
		return err
	})
	if err != nil {
		return zootour.Visit{}, s.visitError(ctx, "update visit", v, err)
	}
	return v, nil
}

// DeleteVisit deletes the visit with the given ID.
func (s *Store) DeleteVisit(ctx context.Context, id int64) error {
	if err := zootour.CheckID("visit ID", id); err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, "DELETE FROM visits WHERE id = $1", id)
	if err == nil && tag.RowsAffected() == 0 {
		return zootour.NotFound("visit", id)
	}
	return internal(ctx, "delete visit", err)
}

// Visits lists visits by ID from p.After.
func (s *Store) Visits(ctx context.Context, p zootour.Page) ([]zootour.Visit, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	limit := pageLimit(p.Limit)
	rows, _ := s.pool.Query(ctx, "SELECT id, date, zoo_id, animal_id FROM visits WHERE id > $1 ORDER BY id LIMIT $2", p.After, limit)
	visits, err := pgx.CollectRows(rows, scanVisit)
	if err != nil {
		return nil, internal(ctx, "list visits", err)
	}
	return visits, nil
}

// Counts counts the records of each kind.
func (s *Store) Counts(ctx context.Context) (zootour.Counts, error) {
	var c zootour.Counts
	// One statement, so the three counts come from one snapshot.
	err := s.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM zoos), (SELECT count(*) FROM animals), (SELECT count(*) FROM visits)`).
		Scan(&c.Zoos, &c.Animals, &c.Visits)
	if err != nil {
		return zootour.Counts{}, internal(ctx, "count", err)
	}
	return c, nil
}

// querier is what the pool and a transaction have in common.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func zooNotFound(id int64) error {
	return zootour.NotFound("zoo", id)
}

func animalNotFound(id int64) error {
	return zootour.NotFound("animal", id)
}

// pageLimit returns the LIMIT for a listing: NULL, which is no limit, for 0.
func pageLimit(n int) any {
	if n <= 0 {
		return nil
	}
	return n
}

func scanZoo(row pgx.CollectableRow) (zootour.Zoo, error) {
	var z zootour.Zoo
	err := row.Scan(&z.ID, &z.Name, &z.Location)
	return z, err
}

func scanAnimal(row pgx.CollectableRow) (zootour.Animal, error) {
	var a zootour.Animal
	err := row.Scan(&a.ID, &a.Name, &a.Species)
	return a, err
}

func scanVisit(row pgx.CollectableRow) (zootour.Visit, error) {
	var v zootour.Visit
	err := row.Scan(&v.ID, &v.Date, &v.ZooID, &v.AnimalID)
	return v, err
}
