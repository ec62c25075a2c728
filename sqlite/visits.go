package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/findsql"
	"github.com/zootour/zootour/internal/staysql"
)

// CreateVisit validates v, checks that its zoo and animal exist and that
// the animal has no other visit that day, and stores it with a new ID.
func (s *Store) CreateVisit(ctx context.Context, v zootour.Visit) (zootour.Visit, error) {
	if err := v.Validate(); err != nil {
		return zootour.Visit{}, err
	}
	v.ID = 0
	err := s.write(ctx, func(tx *txn) error {
		if err := checkVisit(ctx, tx, v); err != nil {
			return err
		}
		if err := insertVisit(ctx, tx, &v); err != nil {
			return err
		}
		return tx.logged(ctx, zootour.Created(zootour.KindVisit, v.ID, v))
	})
	if err != nil {
		return zootour.Visit{}, err
	}
	return v, nil
}

// Visit returns the visit with the given ID.
func (s *Store) Visit(ctx context.Context, id int64) (zootour.Visit, error) {
	var v zootour.Visit
	err := s.read(ctx, func(tx *txn) (err error) {
		v, err = findVisit(ctx, tx, id)
		return err
	})
	return v, err
}

// UpdateVisit changes the fields set in u and returns the visit.
func (s *Store) UpdateVisit(ctx context.Context, id int64, u zootour.VisitUpdate) (zootour.Visit, error) {
	var v zootour.Visit
	err := s.write(ctx, func(tx *txn) error {
		old, err := findVisit(ctx, tx, id)
		if err != nil {
			return err
		}
		if v, err = u.Apply(old); err != nil {
			return err
		}
		if err := checkVisit(ctx, tx, v); err != nil {
			return err
		}
		if err := setVisit(ctx, tx, old, v); err != nil {
			return err
		}
		return tx.logged(ctx, zootour.Updated(zootour.KindVisit, id, old, v))
	})
	if err != nil {
		return zootour.Visit{}, err
	}
	return v, nil
}

// DeleteVisit removes a visit.
func (s *Store) DeleteVisit(ctx context.Context, id int64) error {
	if err := zootour.CheckID("visit ID", id); err != nil {
		return err
	}
	return s.write(ctx, func(tx *txn) error {
		v, err := findVisit(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := dropVisit(ctx, tx, v); err != nil {
			return err
		}
		return tx.logged(ctx, zootour.Deleted(zootour.KindVisit, id, v))
	})
}

// insertVisit stores v, checked, with its ID if it has one (a revert's
// restore) or a new one, and its stays.
func insertVisit(ctx context.Context, tx *txn, v *zootour.Visit) error {
	var id any
	if v.ID != 0 {
		id = v.ID
	}
	err := tx.QueryRowContext(ctx,
		`INSERT INTO visits (id, date, zoo_id, animal_id) VALUES (?, ?, ?, ?) RETURNING id`,
		id, v.Date, v.ZooID, v.AnimalID).Scan(&v.ID)
	if err != nil {
		if id == nil && usedUp(ctx, tx, "visits", err) {
			return zootour.IDsUsedUp("visit")
		}
		return constraintError(err)
	}
	return restay(ctx, tx, *v)
}

// setVisit writes v, checked, over old, and the stays of both.
func setVisit(ctx context.Context, tx *txn, old, v zootour.Visit) error {
	_, err := tx.ExecContext(ctx,
		`UPDATE visits SET date = ?, zoo_id = ?, animal_id = ? WHERE id = ?`,
		v.Date, v.ZooID, v.AnimalID, v.ID)
	if err != nil {
		return constraintError(err)
	}
	if err := restay(ctx, tx, old); err != nil {
		return err
	}
	return restay(ctx, tx, v)
}

// dropVisit deletes v and brings its animal's stays up to date.
func dropVisit(ctx context.Context, tx *txn, v zootour.Visit) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM visits WHERE id = ?`, v.ID); err != nil {
		return internal(err)
	}
	return restay(ctx, tx, v)
}

// FindVisits lists the visits that f selects.
func (s *Store) FindVisits(ctx context.Context, f zootour.VisitFilter) ([]zootour.Visit, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	q := findsql.Visits(finding, visitCols, f)
	var visits []zootour.Visit
	err := s.read(ctx, func(tx *txn) (err error) {
		visits, err = scanAll(ctx, tx, q, visitFields)
		return err
	})
	return visits, err
}

// visitCols and visitFields are how every listing of whole visits reads
// them.
const visitCols = "v.id, v.date, v.zoo_id, v.animal_id"

func visitFields(v *zootour.Visit) []any { return []any{&v.ID, &v.Date, &v.ZooID, &v.AnimalID} }

// Counts returns how many zoos, animals and visits there are.
func (s *Store) Counts(ctx context.Context) (zootour.Counts, error) {
	var c zootour.Counts
	err := s.read(ctx, func(tx *txn) error {
		return internal(tx.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM zoos), (SELECT count(*) FROM animals), (SELECT count(*) FROM visits)`,
		).Scan(&c.Zoos, &c.Animals, &c.Visits))
	})
	return c, err
}

// checkVisit checks what the schema would also refuse, to give the better
// message: the zoo and animal exist, and the animal has no other visit on
// that date.
func checkVisit(ctx context.Context, tx *txn, v zootour.Visit) error {
	ok, err := exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM zoos WHERE id = ?)`, v.ZooID)
	if err != nil {
		return err
	}
	if !ok {
		return zootour.Missing("zoo", v.ZooID)
	}
	ok, err = exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM animals WHERE id = ?)`, v.AnimalID)
	if err != nil {
		return err
	}
	if !ok {
		return zootour.Missing("animal", v.AnimalID)
	}
	var other int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM visits WHERE animal_id = ? AND date = ? AND id <> ?`,
		v.AnimalID, v.Date, v.ID).Scan(&other)
	switch {
	case err == nil:
		return zootour.DateTaken(v.AnimalID, v.Date)
	case errors.Is(err, sql.ErrNoRows):
		return nil
	}
	return internal(err)
}

// findVisit returns the visit with the given ID: an invalid error for an ID
// that cannot be one, a not-found error if there is none.
func findVisit(ctx context.Context, tx *txn, id int64) (zootour.Visit, error) {
	if err := zootour.CheckID("visit ID", id); err != nil {
		return zootour.Visit{}, err
	}
	v := zootour.Visit{ID: id}
	err := tx.QueryRowContext(ctx, `SELECT date, zoo_id, animal_id FROM visits WHERE id = ?`, id).
		Scan(&v.Date, &v.ZooID, &v.AnimalID)
	if errors.Is(err, sql.ErrNoRows) {
		return zootour.Visit{}, zootour.NotFound("visit", id)
	}
	return v, internal(err)
}

// restay brings the stays of v's animal up to date after a change of its
// visits on v's date, in the same transaction (docs/stays.md).
func restay(ctx context.Context, tx *txn, v zootour.Visit) error {
	return internal(staysql.Restay(ctx, txDB{Q: tx}, dialect, v.AnimalID, v.Date))
}
