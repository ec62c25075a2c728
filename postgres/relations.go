package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zootour/zootour"
)

// The relationship listings. Each walks one index in (date, ID) order and
// stops at the limit, so a page costs the same wherever it starts:
//
//	a zoo's visits     visits_zoo_date_id_idx (zoo_id, date, id)
//	an animal's visits visits_animal_date_key (animal_id, date); an animal
//	                   has one visit per date, so the date alone orders them
//	distinct entries   keep a visit only if the pair (animal, zoo) has no
//	                   earlier one in the window: one probe of
//	                   visits_animal_zoo_date_idx (animal_id, zoo_id, date)
//	                   per visit, from either side
//
// Parameters: $1 the zoo or animal, $2 and $3 the window (inclusive), $4
// and $5 the position to start after, $6 the limit (NULL for none).
const (
	zooVisitsSQL = `SELECT v.id, v.date, v.zoo_id, v.animal_id FROM visits v
WHERE v.zoo_id = $1 AND v.date BETWEEN $2 AND $3 AND (v.date, v.id) > ($4, $5)
ORDER BY v.date, v.id LIMIT $6`

	zooAnimalsSQL = `SELECT a.id, a.name, a.species, v.id, v.date FROM visits v JOIN animals a ON a.id = v.animal_id
WHERE v.zoo_id = $1 AND v.date BETWEEN $2 AND $3 AND (v.date, v.id) > ($4, $5)`

	zooOrderSQL = ` ORDER BY v.date, v.id LIMIT $6`

	animalVisitsSQL = `SELECT v.id, v.date, v.zoo_id, v.animal_id FROM visits v
WHERE v.animal_id = $1 AND v.date BETWEEN $2 AND $3 AND (v.date, v.id) > ($4, $5)
ORDER BY v.date LIMIT $6`

	animalZoosSQL = `SELECT z.id, z.name, z.location, v.id, v.date FROM visits v JOIN zoos z ON z.id = v.zoo_id
WHERE v.animal_id = $1 AND v.date BETWEEN $2 AND $3 AND (v.date, v.id) > ($4, $5)`

	animalOrderSQL = ` ORDER BY v.date LIMIT $6`

	// An animal visits a zoo at most once a date, so "earlier" needs the
	// date only. The window's start bounds the probe; its end need not,
	// as w comes before v.
	firstVisitSQL = `
AND NOT EXISTS (SELECT 1 FROM visits w WHERE w.animal_id = v.animal_id AND w.zoo_id = v.zoo_id AND w.date >= $2 AND w.date < v.date)`

	zooExistsSQL    = `SELECT EXISTS (SELECT 1 FROM zoos WHERE id = $1)`
	animalExistsSQL = `SELECT EXISTS (SELECT 1 FROM animals WHERE id = $1)`
)

// ZooVisits lists a zoo's visits by date, then ID.
func (s *Store) ZooVisits(ctx context.Context, zooID int64, q zootour.Query) ([]zootour.Visit, error) {
	return list(ctx, s, "zoo", zooID, q, zooVisitsSQL, scanVisit)
}

// ZooAnimals lists the animals of a zoo's visits.
func (s *Store) ZooAnimals(ctx context.Context, zooID int64, q zootour.Query) ([]zootour.ZooAnimal, error) {
	sql := zooAnimalsSQL
	if q.Distinct {
		sql += firstVisitSQL
	}
	return list(ctx, s, "zoo", zooID, q, sql+zooOrderSQL, scanZooAnimal)
}

// AnimalVisits lists an animal's visits by date.
func (s *Store) AnimalVisits(ctx context.Context, animalID int64, q zootour.Query) ([]zootour.Visit, error) {
	return list(ctx, s, "animal", animalID, q, animalVisitsSQL, scanVisit)
}

// AnimalZoos lists the zoos of an animal's visits.
func (s *Store) AnimalZoos(ctx context.Context, animalID int64, q zootour.Query) ([]zootour.AnimalZoo, error) {
	sql := animalZoosSQL
	if q.Distinct {
		sql += firstVisitSQL
	}
	return list(ctx, s, "animal", animalID, q, sql+animalOrderSQL, scanAnimalZoo)
}

// listArgs returns the parameters $2 to $6 of a listing for q, open ends
// filled in so that every query has the same plan.
func listArgs(q zootour.Query) []any {
	from, to, after := q.From, q.To, q.After
	if from.IsZero() {
		from = zootour.MinDate
	}
	if to.IsZero() {
		to = zootour.MaxDate
	}
	if after.Date.IsZero() {
		after.Date = zootour.MinDate
	}
	return []any{from, to, after.Date, after.ID, pageLimit(q.Limit)}
}

// list runs a relationship listing of the zoo or animal ownerID. It sends
// the listing and the question whether the owner exists in one round trip,
// in one implicit transaction. Only an empty listing needs the answer, and
// asked after the listing it is always consistent with it: if the owner
// exists now, it had no visits in the window at some moment during the
// call (when the listing ran, or when the owner was created).
func list[T any](ctx context.Context, s *Store, owner string, ownerID int64, q zootour.Query, sql string, scan pgx.RowToFunc[T]) ([]T, error) {
	if err := zootour.CheckID(owner+" ID", ownerID); err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	exists := zooExistsSQL
	if owner == "animal" {
		exists = animalExistsSQL
	}
	var out []T
	err := s.read(ctx, func(db *pgxpool.Pool) (err error) {
		b := &pgx.Batch{}
		b.Queue(sql, append([]any{ownerID}, listArgs(q)...)...)
		b.Queue(exists, ownerID)
		br := db.SendBatch(ctx, b)
		defer br.Close()

		rows, _ := br.Query()
		if out, err = pgx.CollectRows(rows, scan); err != nil {
			return err
		}
		if len(out) == 0 {
			var ok bool
			if err := br.QueryRow().Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return zootour.NotFound(owner, ownerID)
			}
		}
		return br.Close()
	})
	if err != nil {
		return nil, internal(ctx, "list "+owner, err)
	}
	return out, nil
}

func scanZooAnimal(row pgx.CollectableRow) (zootour.ZooAnimal, error) {
	var e zootour.ZooAnimal
	err := row.Scan(&e.ID, &e.Name, &e.Species, &e.VisitID, &e.Date)
	return e, err
}

func scanAnimalZoo(row pgx.CollectableRow) (zootour.AnimalZoo, error) {
	var e zootour.AnimalZoo
	err := row.Scan(&e.ID, &e.Name, &e.Location, &e.VisitID, &e.Date)
	return e, err
}
