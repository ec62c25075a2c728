package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/findsql"
	"github.com/zootour/zootour/internal/staysql"
)

var _ zootour.WhereWhen = (*Store)(nil)

// Where and when: every answer is one read transaction over the stays
// table, which the writes of visits keep (docs/stays.md); the SQL is
// package staysql's, shared with PostgreSQL.

// AnimalStays lists an animal's stays by From, those starting after
// q.After.Date, at most q.Limit (0 for all): a range of the primary key.
func (s *Store) AnimalStays(ctx context.Context, animalID int64, q zootour.StayQuery) ([]zootour.Stay, error) {
	n, err := limitOf(q.Limit)
	if err != nil {
		return nil, err
	}
	var stays []zootour.Stay
	err = s.read(ctx, func(tx *txn) error {
		if _, err := findAnimal(ctx, tx, animalID); err != nil {
			return err
		}
		stays, err = scanAll(ctx, tx, findsql.Query{SQL: staysql.StaysSQL(dialect), Args: []any{animalID, q.After.Date.String(), n}},
			func(st *zootour.Stay) []any { return []any{&st.ZooID, &st.From, &st.To, &st.Visits} })
		return err
	})
	return stays, err
}

// AnimalWhere returns the zoo of the animal's stay that covers the date on,
// or nil before its first visit: one seek.
func (s *Store) AnimalWhere(ctx context.Context, animalID int64, on zootour.Date) (*zootour.Zoo, error) {
	if err := zootour.CheckOn(on); err != nil {
		return nil, err
	}
	var zoo *zootour.Zoo
	err := s.read(ctx, func(tx *txn) error {
		if _, err := findAnimal(ctx, tx, animalID); err != nil {
			return err
		}
		var z zootour.Zoo
		err := tx.QueryRowContext(ctx, staysql.WhereSQL(dialect), animalID, on).Scan(&z.ID, &z.Name, &z.Location)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return nil
		case err != nil:
			return internal(err)
		}
		zoo = &z
		return nil
	})
	return zoo, err
}

// ZooPresent lists the animals present at the zoo on a date or during a
// window, by the stay's From, then animal ID: a dozen index ranges merged
// in order, from the cursor to the page's end.
func (s *Store) ZooPresent(ctx context.Context, zooID int64, q zootour.PresentQuery) ([]zootour.Presence, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	from, to := q.Window()
	var out []zootour.Presence
	err := s.read(ctx, func(tx *txn) (err error) {
		if _, err := findZoo(ctx, tx, zooID); err != nil {
			return err
		}
		out, err = scanAll(ctx, tx, staysql.Present(dialect, zooID, from, to, q.After, q.Limit),
			func(p *zootour.Presence) []any { return []any{&p.From, &p.To, &p.ID, &p.Name, &p.Species} })
		return err
	})
	return out, err
}

// AnimalContacts lists every other animal with a stay at the same zoo as one
// of the animal's stays, overlapping it by at least one day (inside the
// window of q, if it has one), once each by animal ID. The query yields one
// row per overlap, ordered by contact; the rows of a contact are gathered
// here, and reading stops at the first row of the contact past the limit.
func (s *Store) AnimalContacts(ctx context.Context, animalID int64, q zootour.ContactQuery) ([]zootour.Contact, error) {
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
	var out []zootour.Contact
	err := s.read(ctx, func(tx *txn) error {
		if _, err := findAnimal(ctx, tx, animalID); err != nil {
			return err
		}
		query := staysql.Contacts(dialect, animalID, from, to, q.After.ID)
		rows, err := tx.QueryContext(ctx, query.SQL, query.Args...)
		if err != nil {
			return internal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var a zootour.Animal
			var o zootour.Overlap
			if err := rows.Scan(&a.ID, &a.Name, &a.Species, &o.ZooID, &o.From, &o.To); err != nil {
				return internal(err)
			}
			if n := len(out); n == 0 || out[n-1].ID != a.ID {
				if q.Limit > 0 && n == q.Limit {
					break
				}
				out = append(out, zootour.Contact{Animal: a})
			}
			c := &out[len(out)-1]
			c.Overlaps = append(c.Overlaps, o)
		}
		return internal(rows.Err())
	})
	return out, err
}

// censusZoos is how many zoos the census reads at a time.
const censusZoos = 64

// Census counts, for each zoo and species, the animals present on the date
// of q: rows with a count above zero, by zoo ID then species, after the
// zoo and species of q.After. It asks zoo after zoo, in ID order, who is
// there (as ZooPresent does), until the page is full.
func (s *Store) Census(ctx context.Context, q zootour.CensusQuery) ([]zootour.CensusRow, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	var out []zootour.CensusRow
	err := s.read(ctx, func(tx *txn) error {
		after := q.After
		for {
			ids, err := scanAll(ctx, tx, findsql.Query{SQL: `SELECT id FROM zoos WHERE id >= ? ORDER BY id LIMIT ?`, Args: []any{max(after.ID, 1), censusZoos}},
				func(id *int64) []any { return []any{id} })
			if err != nil || len(ids) == 0 {
				return err
			}
			for _, id := range ids {
				species := ""
				if id == after.ID {
					species = after.Text
				}
				rows, err := scanAll(ctx, tx, staysql.CensusZoo(dialect, id, q.On, species),
					func(r *zootour.CensusRow) []any { return []any{&r.Species, &r.Count} })
				if err != nil {
					return err
				}
				for _, r := range rows {
					r.ZooID = id
					out = append(out, r)
					if q.Limit > 0 && len(out) == q.Limit {
						return nil
					}
				}
			}
			after = zootour.Cursor{ID: ids[len(ids)-1] + 1}
			if len(ids) < censusZoos || after.ID <= 0 {
				return nil
			}
		}
	})
	return out, err
}
