package sqlite

import (
	"context"
	"database/sql"
	"errors"

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

	// A distinct listing without a limit reads its whole window anyway, and
	// one pass that groups it is about 3x faster than a probe per visit.
	// With min(), SQLite takes the bare columns from the row holding the
	// minimum, unique since an animal has one visit per date. The groups
	// cover the whole window, so the page position filters after them.
	zooAnimalsGroupedSQL = `SELECT f.id, f.date, a.id, a.name, a.species
FROM (SELECT id, min(date) AS date, animal_id FROM visits
	WHERE zoo_id = ?1 AND date >= ?6 AND date <= ?4 GROUP BY animal_id) AS f
JOIN animals AS a ON a.id = f.animal_id
WHERE (f.date, f.id) > (?2, ?3)
ORDER BY f.date, f.id LIMIT ?5`

	animalZoosGroupedSQL = `SELECT f.id, f.date, z.id, z.name, z.location
FROM (SELECT id, min(date) AS date, zoo_id FROM visits
	WHERE animal_id = ?1 AND date >= ?6 AND date <= ?4 GROUP BY zoo_id) AS f
JOIN zoos AS z ON z.id = f.zoo_id
WHERE (f.date, f.id) > (?2, ?3)
ORDER BY f.date, f.id LIMIT ?5`
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

// listings holds the relationship listings and the owners' existence
// questions, prepared once on the reader pool: database/sql prepares each
// on a connection the first time it runs there and keeps it.
type listings struct {
	zooVisits, animalVisits              *sql.Stmt
	zooAnimals, zooAnimalsDistinct       *sql.Stmt
	animalZoos, animalZoosDistinct       *sql.Stmt
	zooAnimalsGrouped, animalZoosGrouped *sql.Stmt
	zooExists, animalExists              *sql.Stmt
}

// prepareListings prepares the listings on db.
func prepareListings(ctx context.Context, db *sql.DB) (*listings, error) {
	l := &listings{}
	for _, p := range []struct {
		stmt **sql.Stmt
		sql  string
	}{
		{&l.zooVisits, zooVisitsSQL},
		{&l.animalVisits, animalVisitsSQL},
		{&l.zooAnimals, relationSQL(zooAnimalsSQL, false)},
		{&l.zooAnimalsDistinct, relationSQL(zooAnimalsSQL, true)},
		{&l.animalZoos, relationSQL(animalZoosSQL, false)},
		{&l.animalZoosDistinct, relationSQL(animalZoosSQL, true)},
		{&l.zooAnimalsGrouped, zooAnimalsGroupedSQL},
		{&l.animalZoosGrouped, animalZoosGroupedSQL},
		{&l.zooExists, `SELECT EXISTS (SELECT 1 FROM zoos WHERE id = ?)`},
		{&l.animalExists, `SELECT EXISTS (SELECT 1 FROM animals WHERE id = ?)`},
	} {
		stmt, err := db.PrepareContext(ctx, p.sql)
		if err != nil {
			l.close()
			return nil, err
		}
		*p.stmt = stmt
	}
	return l, nil
}

// close closes the statements prepared so far.
func (l *listings) close() error {
	var errs []error
	for _, stmt := range []*sql.Stmt{
		l.zooVisits, l.animalVisits, l.zooAnimals, l.zooAnimalsDistinct,
		l.animalZoos, l.animalZoosDistinct, l.zooAnimalsGrouped, l.animalZoosGrouped,
		l.zooExists, l.animalExists,
	} {
		if stmt != nil {
			errs = append(errs, stmt.Close())
		}
	}
	return errors.Join(errs...)
}

// list runs a relationship listing of the zoo or animal ownerID, with
// list, or when q asks for one per zoo or animal with distinct, or grouped
// if q has no limit.
//
// The listing runs alone, without BEGIN and COMMIT around it: one
// statement reads one snapshot. Only an empty listing needs to know whether
// the owner exists, and asked after the listing the answer is always
// consistent with it: if the owner exists now, it had no visits in the
// window at some moment during the call (when the listing ran, or when the
// owner was created).
func list[T any](ctx context.Context, owner string, ownerID int64, q zootour.Query,
	list, distinct, grouped, exists *sql.Stmt, scan func(*sql.Rows, *T) error) ([]T, error) {
	w, err := windowOf(q)
	if err != nil {
		return nil, err
	}
	if err := zootour.CheckID(owner+" ID", ownerID); err != nil {
		return nil, err
	}
	stmt, byPair := list, w.distinct && distinct != nil
	switch {
	case byPair && w.limit < 0:
		stmt = grouped
	case byPair:
		stmt = distinct
	}
	rows, err := stmt.QueryContext(ctx, w.args(ownerID, byPair)...)
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var e T
		if err := scan(rows, &e); err != nil {
			return nil, internal(err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(err)
	}
	if len(out) == 0 {
		var ok bool
		if err := exists.QueryRowContext(ctx, ownerID).Scan(&ok); err != nil {
			return nil, internal(err)
		}
		if !ok {
			return nil, zootour.NotFound(owner, ownerID)
		}
	}
	return out, nil
}

func scanVisit(rows *sql.Rows, v *zootour.Visit) error {
	return rows.Scan(&v.ID, &v.Date, &v.ZooID, &v.AnimalID)
}

func scanZooAnimal(rows *sql.Rows, e *zootour.ZooAnimal) error {
	return rows.Scan(&e.VisitID, &e.Date, &e.ID, &e.Name, &e.Species)
}

func scanAnimalZoo(rows *sql.Rows, e *zootour.AnimalZoo) error {
	return rows.Scan(&e.VisitID, &e.Date, &e.ID, &e.Name, &e.Location)
}

// ZooVisits lists a zoo's visits by date, then ID.
func (s *Store) ZooVisits(ctx context.Context, zooID int64, q zootour.Query) ([]zootour.Visit, error) {
	if d := s.damaged.Load(); d != nil {
		return nil, d
	}
	l := s.listings
	return list(ctx, "zoo", zooID, q, l.zooVisits, nil, nil, l.zooExists, scanVisit)
}

// AnimalVisits lists an animal's visits by date, then ID.
func (s *Store) AnimalVisits(ctx context.Context, animalID int64, q zootour.Query) ([]zootour.Visit, error) {
	if d := s.damaged.Load(); d != nil {
		return nil, d
	}
	l := s.listings
	return list(ctx, "animal", animalID, q, l.animalVisits, nil, nil, l.animalExists, scanVisit)
}

// ZooAnimals lists the animals of a zoo's visits, one per visit, or with
// q.Distinct one per animal at its first visit in the window.
func (s *Store) ZooAnimals(ctx context.Context, zooID int64, q zootour.Query) ([]zootour.ZooAnimal, error) {
	if d := s.damaged.Load(); d != nil {
		return nil, d
	}
	l := s.listings
	return list(ctx, "zoo", zooID, q, l.zooAnimals, l.zooAnimalsDistinct, l.zooAnimalsGrouped, l.zooExists, scanZooAnimal)
}

// AnimalZoos lists the zoos of an animal's visits, like ZooAnimals.
func (s *Store) AnimalZoos(ctx context.Context, animalID int64, q zootour.Query) ([]zootour.AnimalZoo, error) {
	if d := s.damaged.Load(); d != nil {
		return nil, d
	}
	l := s.listings
	return list(ctx, "animal", animalID, q, l.animalZoos, l.animalZoosDistinct, l.animalZoosGrouped, l.animalExists, scanAnimalZoo)
}
