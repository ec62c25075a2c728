package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/zootour/zootour"
)

var _ zootour.WhereWhen = (*Store)(nil)

// Where and when: every answer is one statement (so one snapshot, one
// round trip) whose SQL derives stays from visits as it goes. An animal's
// stays come from its visits in date order (visits_animal_date_key; an
// animal has one visit per date, so date order is (date, ID) order):
// LAG(zoo_id) marks the visit that starts a stay (the first, or one at
// another zoo than the visit before), and LEAD over those starts gives each
// stay's end, the next start.
//
// A question about one animal or zoo (the owner) starts from the owner's
// row and LEFT JOINs the answer to it: no row means the owner does not
// exist, one row of NULLs that it exists and the answer is empty (see
// owned). A NULL date parameter is an open end: coalesce makes it
// -infinity, and a missing end of a stay is NULL, which least ignores.
//
// Two small seeks recur. The first visit of an animal b at zoo z after date
// d that is elsewhere ends b's stay at z (nextElsewhere); the first visit at
// z after b's latest visit elsewhere before d starts it (runStart). Each
// walks visits_animal_date_key over the visits of b's run at z, which is
// short, or seeks visits_animal_zoo_date_idx once.
const (
	// stays: $1 animal, $2 the stays start after this date (NULL for all),
	// $3 limit (NULL for none). Only the visits from the latest one on or
	// before $2 are read: that visit has no LAG here, so it looks like a
	// start, but it is not after $2 and is dropped; every later visit sees
	// its true predecessor. A stay's visits are the rows up to the next
	// start, or to the end for the last.
	staysSQL = `WITH me AS (SELECT id FROM animals WHERE id = $1),
av AS (
	SELECT date, zoo_id, LAG(zoo_id) OVER w AS prev, row_number() OVER w AS n, count(*) OVER () AS total
	FROM visits
	WHERE animal_id = $1 AND date >= coalesce(
		(SELECT max(date) FROM visits WHERE animal_id = $1 AND date <= $2::date), '-infinity')
	WINDOW w AS (ORDER BY date)
),
s AS (
	SELECT zoo_id, date AS f, LEAD(date) OVER w AS t, coalesce(LEAD(n) OVER w, total + 1) - n AS visits
	FROM av WHERE prev IS DISTINCT FROM zoo_id
	WINDOW w AS (ORDER BY date)
)
SELECT s.zoo_id, s.f, s.t, s.visits FROM me LEFT JOIN (
	SELECT * FROM s WHERE f > coalesce($2::date, '-infinity') ORDER BY f LIMIT $3
) s ON true
ORDER BY s.f`

	// where: $1 animal, $2 date. The stay covering $2 holds the animal's
	// last visit on or before $2: one seek, backwards, then its zoo by key
	// (joined inside the LIMIT, so that the planner never hashes the zoos
	// for one row).
	whereSQL = `SELECT z.id, z.name, z.location FROM animals a
LEFT JOIN LATERAL (
	SELECT z.id, z.name, z.location FROM visits v JOIN zoos z ON z.id = v.zoo_id
	WHERE v.animal_id = a.id AND v.date <= $2 ORDER BY v.date DESC LIMIT 1
) z ON true
WHERE a.id = $1`

	// present: $1 zoo, $2 and $3 the window's first and last days (the
	// same day for present on a date), $4 and $5 the (from, animal)
	// position the listing starts after ($4 NULL for the start), $6 limit.
	// A stay at the zoo overlaps the window if it covers $2 or starts
	// inside it, after $2 up to $3.
	//
	// The first kind are the zoo's visits on or before $2
	// (visits_zoo_date_id_idx), each animal's latest only (DISTINCT ON,
	// sorting the zoo's visits in memory: about half as many seeks as
	// visits on generated data). A candidate is kept if it is its animal's
	// last visit on or before $2 (one backward seek on
	// visits_animal_date_key), so each animal present then comes once.
	// That test is a scalar subquery, which runs as one seek per
	// candidate, where a NOT EXISTS may be planned as a hash anti join over
	// every visit. Its stay runs from the first visit of that run at the
	// zoo to the animal's first visit elsewhere after $2 (a later visit to
	// this zoo continues the stay).
	//
	// The second kind are the zoo's visits after $2 up to $3 whose
	// animal's visit before is elsewhere (or none, which IS DISTINCT FROM
	// tells): each starts a stay, which runs to the animal's first visit
	// elsewhere after it. For a date, $2 = $3, there are none: $2 < $3
	// says so to the planner, which then drops the branch (it would
	// otherwise read the empty range of dates from visits_date_id_idx).
	//
	// p is materialised so that the seeks run once per stay, not once per
	// use of f and t.
	presentSQL = `WITH here AS (SELECT id FROM zoos WHERE id = $1),
o AS (
	SELECT x.b, x.d, true AS present, $1::bigint AS zoo FROM (
		SELECT DISTINCT ON (x.animal_id) x.animal_id AS b, x.date AS d FROM visits x
		WHERE x.zoo_id = $1 AND x.date <= $2
		ORDER BY x.animal_id, x.date DESC
	) x
	WHERE (SELECT max(y.date) FROM visits y WHERE y.animal_id = x.b AND y.date <= $2) = x.d
	UNION ALL
	SELECT x.animal_id, x.date, false, $1 FROM visits x
	WHERE $2 < $3 AND x.zoo_id = $1 AND x.date > $2 AND x.date <= $3
	AND (SELECT y.zoo_id FROM visits y
		WHERE y.animal_id = x.animal_id AND y.date < x.date
		ORDER BY y.date DESC LIMIT 1) IS DISTINCT FROM $1
),
p AS MATERIALIZED (
	SELECT o.b, CASE WHEN o.present THEN ` + runStartSQL + ` ELSE o.d END AS f,
		` + nextElsewhereSQL + ` AS t
	FROM o
)
SELECT r.f, r.t, r.id, r.name, r.species FROM here LEFT JOIN (
	SELECT p.f, p.t, a.id, a.name, a.species FROM p JOIN animals a ON a.id = p.b
	WHERE (p.f, p.b) > (coalesce($4::date, '-infinity'), $5)
	ORDER BY p.f, p.b LIMIT $6
) r ON true
ORDER BY r.f, r.id`

	// runStartSQL is the first date of b's run of visits at zoo that holds
	// its visit on d: the first visit there after b's latest visit
	// elsewhere before d. b, d and zoo are columns of the query around it.
	runStartSQL = `(SELECT min(y.date) FROM visits y
		WHERE y.animal_id = b AND y.zoo_id = zoo AND y.date > coalesce(
			(SELECT w.date FROM visits w
			WHERE w.animal_id = b AND w.date < d AND w.zoo_id <> zoo
			ORDER BY w.date DESC LIMIT 1), '-infinity'))`

	// nextElsewhereSQL is the date of b's first visit after d at another
	// zoo than zoo: the end of its stay there. For the present, d is the
	// date asked about or before it, with no visit of b in between.
	nextElsewhereSQL = `(SELECT w.date FROM visits w
		WHERE w.animal_id = b AND w.date > d AND w.zoo_id <> zoo
		ORDER BY w.date LIMIT 1)`

	// contacts: $1 animal, $2 and $3 the window's first and last dates
	// (MinDate and MaxDate when open), $4 the contacts start after this
	// animal ID, $5 limit (NULL for none). s is the animal's stays; e keeps
	// those with a day in the window, lo being the first such day. Per zoo
	// of those stays, g holds the first lo and the last end (infinity if
	// one is open).
	//
	// Another animal's stay at that zoo can overlap one of e only if it
	// either covers g.lo (the other was there then: its last visit on or
	// before g.lo is at the zoo, found as for the present), or starts after
	// g.lo, before g's last end and not after the window: at a visit whose
	// previous visit is elsewhere. Each zoo's visits are read in a LATERAL
	// subquery that is never flattened into a join (DISTINCT ON, OFFSET 0):
	// the planner cannot estimate how many of a zoo's visits come before a
	// date computed in the query, and would otherwise hash a scan of every
	// visit against g (as it did for the window page of
	// TestQueryPlansWhereWhen) instead of seeking visits_zoo_date_id_idx
	// once per zoo of g.
	//
	// ob holds each such stay once, with its from and to; it is
	// materialised so that its seeks run once per stay. r joins each to
	// the stays of e it overlaps, one row per overlap: it starts before the
	// end of the animal's stay and ends after its lo (a stay in ob starts
	// no later than the window's end). The zoo's visits are read once per
	// zoo, however often the animal went back to it. k.last is the last
	// contact of the page (of the first $5 contacts): a bound on r rather
	// than a join with it, which the planner, blind to the sizes of CTEs,
	// may make a nested loop over r for each contact.
	contactsSQL = `WITH me AS (SELECT id FROM animals WHERE id = $1),
av AS (
	SELECT date, zoo_id, LAG(zoo_id) OVER (ORDER BY date) AS prev
	FROM visits WHERE animal_id = $1
),
s AS (
	SELECT zoo_id AS zoo, date AS f, LEAD(date) OVER (ORDER BY date) AS t
	FROM av WHERE prev IS DISTINCT FROM zoo_id
),
e AS MATERIALIZED (
	SELECT zoo, f, t, greatest(f, $2) AS lo FROM s
	WHERE greatest(f, $2) <= $3 AND (t IS NULL OR greatest(f, $2) < t)
),
g AS (
	SELECT zoo, min(lo) AS lo, max(coalesce(t, 'infinity')) AS tmax FROM e GROUP BY zoo
),
o AS (
	SELECT g.zoo, x.b, x.d, true AS present
	FROM g CROSS JOIN LATERAL (
		SELECT DISTINCT ON (x.animal_id) x.animal_id AS b, x.date AS d FROM visits x
		WHERE x.zoo_id = g.zoo AND x.date <= g.lo AND x.animal_id > $4 AND x.animal_id <> $1
		ORDER BY x.animal_id, x.date DESC
	) x
	WHERE (SELECT max(y.date) FROM visits y WHERE y.animal_id = x.b AND y.date <= g.lo) = x.d
	UNION ALL
	SELECT g.zoo, x.b, x.d, false
	FROM g CROSS JOIN LATERAL (
		SELECT x.animal_id AS b, x.date AS d FROM visits x
		WHERE x.zoo_id = g.zoo AND x.date > g.lo AND x.date < g.tmax AND x.date <= $3
		AND x.animal_id > $4 AND x.animal_id <> $1
		AND (SELECT y.zoo_id FROM visits y
			WHERE y.animal_id = x.animal_id AND y.date < x.date
			ORDER BY y.date DESC LIMIT 1) IS DISTINCT FROM g.zoo
		OFFSET 0
	) x
),
ob AS MATERIALIZED (
	SELECT zoo, b, CASE WHEN present THEN ` + runStartSQL + ` ELSE d END AS bf,
		` + nextElsewhereSQL + ` AS bt
	FROM o
),
r AS MATERIALIZED (
	SELECT ob.b, e.zoo, greatest(e.f, ob.bf) AS f, least(e.t, ob.bt) AS t
	FROM ob JOIN e ON e.zoo = ob.zoo AND (e.t IS NULL OR ob.bf < e.t) AND (ob.bt IS NULL OR ob.bt > e.lo)
),
k AS (SELECT max(b) AS last FROM (SELECT DISTINCT b FROM r ORDER BY b LIMIT $5) page)
SELECT c.id, c.name, c.species, c.zoo, c.f, c.t FROM me LEFT JOIN (
	SELECT a.id, a.name, a.species, r.zoo, r.f, r.t
	FROM r JOIN animals a ON a.id = r.b WHERE r.b <= (SELECT last FROM k)
) c ON true
ORDER BY c.id, c.f, c.zoo`

	// census: $1 date, $2 and $3 the (zoo, species) key the listing starts
	// after, $4 limit. Every animal's zoo on $1 is one backward seek for
	// its last visit on or before $1 (LATERAL ... LIMIT 1), so the census
	// reads all animals: O(animals log visits) per page, whatever the page.
	// Species compare by code point (COLLATE "C"), in the order and in the
	// key alike, whatever the database's collation.
	censusSQL = `SELECT v.zoo_id, a.species COLLATE "C" AS species, count(*)
FROM animals a CROSS JOIN LATERAL (
	SELECT zoo_id FROM visits WHERE animal_id = a.id AND date <= $1 ORDER BY date DESC LIMIT 1
) v
WHERE (v.zoo_id, a.species COLLATE "C") > ($2, $3)
GROUP BY v.zoo_id, a.species COLLATE "C"
ORDER BY v.zoo_id, a.species COLLATE "C" LIMIT $4`
)

// AnimalStays lists an animal's stays by From, those starting after
// q.After.Date (all if it is zero), at most q.Limit (0 for all).
//
// It reads the animal's visits from the one before the page on, once
// (about 0.15 ms for a generated animal of 40 visits, as AnimalVisits).
func (s *Store) AnimalStays(ctx context.Context, animalID int64, q zootour.StayQuery) ([]zootour.Stay, error) {
	if err := zootour.CheckID("animal ID", animalID); err != nil {
		return nil, err
	}
	if err := (zootour.Query{Limit: q.Limit}).Validate(); err != nil {
		return nil, err
	}
	return owned(ctx, s, "animal stays", zootour.NotFound("animal", animalID), staysSQL,
		[]any{animalID, q.After.Date, pageLimit(q.Limit)},
		func(row pgx.CollectableRow) (zootour.Stay, error) {
			var st zootour.Stay
			err := row.Scan(&st.ZooID, &st.From, &st.To, &st.Visits)
			return st, err
		})
}

// AnimalWhere returns the zoo of the animal's stay that covers the date on,
// or nil before its first visit.
//
// It costs one backward index seek (about 0.06 ms).
func (s *Store) AnimalWhere(ctx context.Context, animalID int64, on zootour.Date) (*zootour.Zoo, error) {
	if err := zootour.CheckID("animal ID", animalID); err != nil {
		return nil, err
	}
	if err := zootour.CheckOn(on); err != nil {
		return nil, err
	}
	found, err := owned(ctx, s, "animal where", zootour.NotFound("animal", animalID), whereSQL,
		[]any{animalID, on}, zoos.scan)
	if err != nil || len(found) == 0 {
		return nil, err
	}
	return &found[0], nil
}

// ZooPresent lists the animals present at the zoo on a date (one entry per
// animal) or during a window (one per stay that overlaps it by a day or
// more), by the stay's From, then animal ID, after the position q.After.
//
// It costs an index seek per animal that visited the zoo on or before the
// window's first day, a few more per stay found, and one per visit of the
// zoo inside the window, whatever the page: an animal that came long ago
// may still be there, so no visit can be passed over. At 200,000 generated
// visits that is about 0.35 ms for an average zoo on a date and 2 ms for
// the busiest (3,192 visits).
func (s *Store) ZooPresent(ctx context.Context, zooID int64, q zootour.PresentQuery) ([]zootour.Presence, error) {
	if err := zootour.CheckID("zoo ID", zooID); err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	from, to := q.Window()
	return owned(ctx, s, "zoo present", zootour.NotFound("zoo", zooID), presentSQL,
		[]any{zooID, from, to, q.After.Date, q.After.ID, pageLimit(q.Limit)},
		func(row pgx.CollectableRow) (zootour.Presence, error) {
			var p zootour.Presence
			err := row.Scan(&p.From, &p.To, &p.ID, &p.Name, &p.Species)
			return p, err
		})
}

// AnimalContacts lists every other animal with a stay at the same zoo as one
// of the animal's stays, overlapping it by at least one day (inside the
// window of q, if it has one), once each by animal ID. The query yields one
// row per overlap, ordered by contact, for the contacts of the page only;
// the rows of a contact are gathered here.
//
// It costs an index seek or two per visit of each of the animal's zoos up to
// the end of its last stay there (the whole history of a zoo where it still
// is), whatever the page. At 200,000 generated visits that is about 8 ms for
// a typical animal and 250 ms for the busiest (1,429 visits to 535 zoos,
// whose histories hold 129,000 visits; 3,147 contacts).
func (s *Store) AnimalContacts(ctx context.Context, animalID int64, q zootour.ContactQuery) ([]zootour.Contact, error) {
	if err := zootour.CheckID("animal ID", animalID); err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	from, to := zootour.MinDate, zootour.MaxDate
	if !q.From.IsZero() {
		from = q.From
	}
	if !q.To.IsZero() {
		to = q.To
	}
	type row struct {
		a zootour.Animal
		o zootour.Overlap
	}
	rows, err := owned(ctx, s, "animal contacts", zootour.NotFound("animal", animalID), contactsSQL,
		[]any{animalID, from, to, q.After.ID, pageLimit(q.Limit)},
		func(cr pgx.CollectableRow) (row, error) {
			var r row
			err := cr.Scan(&r.a.ID, &r.a.Name, &r.a.Species, &r.o.ZooID, &r.o.From, &r.o.To)
			return r, err
		})
	if err != nil {
		return nil, err
	}
	var out []zootour.Contact
	for _, r := range rows {
		if n := len(out); n == 0 || out[n-1].ID != r.a.ID {
			out = append(out, zootour.Contact{Animal: r.a})
		}
		c := &out[len(out)-1]
		c.Overlaps = append(c.Overlaps, r.o)
	}
	return out, nil
}

// Census counts, for each zoo and species, the animals present on the date
// q.On: rows with a count above zero, by zoo ID then species, after the
// zoo (q.After.ID) and species (q.After.Text) of the last row seen.
//
// It reads every animal, with one backward index seek each, whatever the
// page: about 7 ms for 5,000 animals and 200,000 visits. (DISTINCT ON over
// the visits up to the date, the other way, reads and sorts them all: 20
// to 100 ms there, growing with the visits.)
func (s *Store) Census(ctx context.Context, q zootour.CensusQuery) ([]zootour.CensusRow, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	rows, _ := s.pool.Query(ctx, censusSQL, q.On, q.After.ID, q.After.Text, pageLimit(q.Limit))
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (zootour.CensusRow, error) {
		var r zootour.CensusRow
		err := row.Scan(&r.ZooID, &r.Species, &r.Count)
		return r, err
	})
	if err != nil {
		return nil, internal(ctx, "census", err)
	}
	return out, nil
}

// owned runs a question about one zoo or animal, the owner, whose query
// LEFT JOINs the answer to the owner's row: no row at all means the owner
// does not exist (missing is returned), and a row whose first column is
// NULL that the owner exists and the answer is empty. Both come from one
// statement, so from one snapshot.
func owned[T any](ctx context.Context, s *Store, op string, missing error, sql string, args []any, scan pgx.RowToFunc[T]) ([]T, error) {
	rows, _ := s.pool.Query(ctx, sql, args...)
	defer rows.Close()
	found := false
	var out []T
	for rows.Next() {
		found = true
		if rows.RawValues()[0] == nil {
			continue
		}
		v, err := scan(rows)
		if err != nil {
			return nil, internal(ctx, op, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, internal(ctx, op, err)
	}
	if !found {
		return nil, missing
	}
	return out, nil
}
