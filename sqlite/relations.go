package sqlite

import (
	"context"
	"database/sql"

	"github.com/zootour/zootour"
)

// The relationship listings walk an index in (date, id) order from the
// listing's start, so a page costs the same wherever it starts and nothing
// is sorted: visits_zoo_date for a zoo, visits_animal_date for an animal.
// Each takes the same parameters:
//
//	?1 the zoo or animal
//	?2, ?3 the (date, id) position the listing starts after
//	?4 the last date of the window
//	?5 the most rows, -1 for all
//	?6 the first date of the window (distinct listings only)
//
// A distinct listing keeps a visit only if the same animal has no earlier
// visit to the same zoo in the window: an animal has at most one visit per
// date, so that visit is the first. visits_animal_zoo answers it in one seek.
const (
	zooVisitsSQL = `SELECT id, date, zoo_id, animal_id FROM visits
WHERE zoo_id = ?1 AND (date, id) > (?2, ?3) AND date <= ?4
ORDER BY date, id LIMIT ?5`

	animalVisitsSQL = `SELECT id, date, zoo_id, animal_id FROM visits
WHERE animal_id = ?1 AND (date, id) > (?2, ?3) AND date <= ?4
ORDER BY date, id LIMIT ?5`

	zooAnimalsSQL = `SELECT v.id, v.date, a.id, a.name, a.species
FROM visits AS v JOIN animals AS a ON a.id = v.animal_id
WHERE v.zoo_id = ?1 AND (v.date, v.id) > (?2, ?3) AND v.date <= ?4`

	animalZoosSQL = `SELECT v.id, v.date, z.id, z.name, z.location
FROM visits AS v JOIN zoos AS z ON z.id = v.zoo_id
WHERE v.animal_id = ?1 AND (v.date, v.id) > (?2, ?3) AND v.date <= ?4`

	firstVisitSQL = `
AND NOT EXISTS (SELECT 1 FROM visits AS w
	WHERE w.animal_id = v.animal_id AND w.zoo_id = v.zoo_id AND w.date >= ?6 AND w.date < v.date)`

	inOrderSQL = `
ORDER BY v.date, v.id LIMIT ?5`
)

// window holds the parameters of a relationship listing.
type window struct {
	afterDate string // the listing starts after (afterDate, afterID)
	afterID   int64
	from, to  string // the window's first and last dates
	limit     int    // -1 for no limit
	distinct  bool
}

// windowOf checks q and turns it into listing parameters. Open ends of the
// window become the first and last dates there are, so one SQL text serves.
func windowOf(q zootour.Query) (window, error) {
	if err := q.Validate(); err != nil {
		return window{}, err
	}
	from, to := zootour.MinDate, zootour.MaxDate
	if !q.From.IsZero() {
		from = q.From
	}
	if !q.To.IsZero() {
		to = q.To
	}
	// (from, 0) comes just before the window's first visit, since IDs are
	// positive; start after whichever of it and q.After comes later, so the
	// index is entered where the page begins.
	start := zootour.Position{Date: from}
	if start.Less(q.After) {
		start = q.After
	}
	w := window{
		afterDate: start.Date.String(), afterID: start.ID,
		from: from.String(), to: to.String(),
		limit: -1, distinct: q.Distinct,
	}
	if q.Limit > 0 {
		w.limit = q.Limit
	}
	return w, nil
}

// args returns the parameters ?1 to ?5, and ?6 for a distinct listing.
func (w window) args(id int64, distinct bool) []any {
	args := []any{id, w.afterDate, w.afterID, w.to, w.limit}
	if distinct {
		args = append(args, w.from)
	}
	return args
}

// relationSQL returns the text of a zoo's animals or an animal's zoos.
func relationSQL(base string, distinct bool) string {
	if distinct {
		return base + firstVisitSQL + inOrderSQL
	}
	return base + inOrderSQL
}

// ZooVisits lists a zoo's visits by date, then ID.
func (s *Store) ZooVisits(ctx context.Context, zooID int64, q zootour.Query) ([]zootour.Visit, error) {
	w, err := windowOf(q)
	if err != nil {
		return nil, err
	}
	var visits []zootour.Visit
	err = s.read(ctx, func(tx *sql.Tx) error {
		if _, err := findZoo(ctx, tx, zooID); err != nil {
			return err
		}
		visits, err = queryVisits(ctx, tx, zooVisitsSQL, w.args(zooID, false)...)
		return err
	})
	return visits, err
}

// AnimalVisits lists an animal's visits by date, then ID.
func (s *Store) AnimalVisits(ctx context.Context, animalID int64, q zootour.Query) ([]zootour.Visit, error) {
	w, err := windowOf(q)
	if err != nil {
		return nil, err
	}
	var visits []zootour.Visit
	err = s.read(ctx, func(tx *sql.Tx) error {
		if _, err := findAnimal(ctx, tx, animalID); err != nil {
			return err
		}
		visits, err = queryVisits(ctx, tx, animalVisitsSQL, w.args(animalID, false)...)
		return err
	})
	return visits, err
}

// ZooAnimals lists the animals of a zoo's visits, one per visit, or with
// q.Distinct one per animal at its first visit in the window.
func (s *Store) ZooAnimals(ctx context.Context, zooID int64, q zootour.Query) ([]zootour.ZooAnimal, error) {
	w, err := windowOf(q)
	if err != nil {
		return nil, err
	}
	var out []zootour.ZooAnimal
	err = s.read(ctx, func(tx *sql.Tx) error {
		if _, err := findZoo(ctx, tx, zooID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, relationSQL(zooAnimalsSQL, w.distinct), w.args(zooID, w.distinct)...)
		if err != nil {
			return internal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var e zootour.ZooAnimal
			if err := rows.Scan(&e.VisitID, &e.Date, &e.ID, &e.Name, &e.Species); err != nil {
				return internal(err)
			}
			out = append(out, e)
		}
		return internal(rows.Err())
	})
	return out, err
}

// AnimalZoos lists the zoos of an animal's visits, like ZooAnimals.
func (s *Store) AnimalZoos(ctx context.Context, animalID int64, q zootour.Query) ([]zootour.AnimalZoo, error) {
	w, err := windowOf(q)
	if err != nil {
		return nil, err
	}
	var out []zootour.AnimalZoo
	err = s.read(ctx, func(tx *sql.Tx) error {
		if _, err := findAnimal(ctx, tx, animalID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, relationSQL(animalZoosSQL, w.distinct), w.args(animalID, w.distinct)...)
		if err != nil {
			return internal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var e zootour.AnimalZoo
			if err := rows.Scan(&e.VisitID, &e.Date, &e.ID, &e.Name, &e.Location); err != nil {
				return internal(err)
			}
			out = append(out, e)
		}
		return internal(rows.Err())
	})
	return out, err
}
