package postgres

import (
	"context"
	"math"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/findsql"
	"github.com/zootour/zootour/internal/staysql"
)

var _ zootour.WhereWhen = (*Store)(nil)

// Where and when: every answer comes from the stays table, which the
// writes of visits keep (docs/stays.md), with the SQL of package staysql,
// shared with SQLite. A question about one animal or zoo (the owner) is one
// statement, sent with the question whether the owner exists (ask); the
// census, a statement per zoo, is one read-only transaction.

// AnimalStays lists an animal's stays by From, those starting after
// q.After.Date (all if it is zero), at most q.Limit (0 for all): a range
// of the primary key.
func (s *Store) AnimalStays(ctx context.Context, animalID int64, q zootour.StayQuery) ([]zootour.Stay, error) {
	if err := zootour.CheckID("animal ID", animalID); err != nil {
		return nil, err
	}
	if err := (zootour.Query{Limit: q.Limit}).Validate(); err != nil {
		return nil, err
	}
	// -infinity, as text, is a date before every stay.
	var after any = "-infinity"
	if !q.After.Date.IsZero() {
		after = q.After.Date
	}
	out, err := ask(ctx, s, "animal", animalID, findsql.Query{SQL: staysql.StaysSQL(dialect), Args: []any{animalID, after, pageLimit(q.Limit)}},
		func(rows pgx.Rows, out *[]zootour.Stay) (bool, error) {
			var st zootour.Stay
			err := rows.Scan(&st.ZooID, &st.From, &st.To, &st.Visits)
			*out = append(*out, st)
			return true, err
		})
	return out, internal(ctx, "animal stays", err)
}

// AnimalWhere returns the zoo of the animal's stay that covers the date on,
// or nil before its first visit: one backward seek.
func (s *Store) AnimalWhere(ctx context.Context, animalID int64, on zootour.Date) (*zootour.Zoo, error) {
	if err := zootour.CheckID("animal ID", animalID); err != nil {
		return nil, err
	}
	if err := zootour.CheckOn(on); err != nil {
		return nil, err
	}
	zoo, err := ask(ctx, s, "animal", animalID, findsql.Query{SQL: staysql.WhereSQL(dialect), Args: []any{animalID, on}},
		func(rows pgx.Rows, zoo **zootour.Zoo) (bool, error) {
			z := new(zootour.Zoo)
			*zoo = z
			return false, rows.Scan(&z.ID, &z.Name, &z.Location)
		})
	if err != nil {
		return nil, internal(ctx, "animal where", err)
	}
	return zoo, nil
}

// ZooPresent lists the animals present at the zoo on a date (one entry per
// animal) or during a window (one per stay that overlaps it by a day or
// more), by the stay's From, then animal ID, after the position q.After: a
// dozen index ranges merged in order, from the cursor to the page's end.
func (s *Store) ZooPresent(ctx context.Context, zooID int64, q zootour.PresentQuery) ([]zootour.Presence, error) {
	if err := zootour.CheckID("zoo ID", zooID); err != nil {
		return nil, err
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	from, to := q.Window()
	out, err := ask(ctx, s, "zoo", zooID, staysql.Present(dialect, zooID, from, to, q.After, q.Limit),
		func(rows pgx.Rows, out *[]zootour.Presence) (bool, error) {
			var p zootour.Presence
			err := rows.Scan(&p.From, &p.To, &p.ID, &p.Name, &p.Species)
			*out = append(*out, p)
			return true, err
		})
	return out, internal(ctx, "zoo present", err)
}

// AnimalContacts lists every other animal with a stay at the same zoo as one
// of the animal's stays, overlapping it by at least one day (inside the
// window of q, if it has one), once each by animal ID. The query yields one
// row per overlap, ordered by contact; the rows of a contact are gathered
// here, and reading stops at the first row of the contact past the limit.
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
	out, err := ask(ctx, s, "animal", animalID, staysql.Contacts(dialect, animalID, from, to, q.After.ID),
		func(rows pgx.Rows, out *[]zootour.Contact) (bool, error) {
			var a zootour.Animal
			var o zootour.Overlap
			if err := rows.Scan(&a.ID, &a.Name, &a.Species, &o.ZooID, &o.From, &o.To); err != nil {
				return false, err
			}
			if n := len(*out); n == 0 || (*out)[n-1].ID != a.ID {
				if q.Limit > 0 && n == q.Limit {
					return false, nil
				}
				*out = append(*out, zootour.Contact{Animal: a})
			}
			c := &(*out)[len(*out)-1]
			c.Overlaps = append(c.Overlaps, o)
			return true, nil
		})
	return out, internal(ctx, "animal contacts", err)
}

// censusZoos is the most zoos the census asks about in one round trip.
const censusZoos = 64

// Census counts, for each zoo and species, the animals present on the date
// q.On: rows with a count above zero, by zoo ID then species (by code
// point), after the zoo (q.After.ID) and species (q.After.Text) of the
// last row seen. It asks zoo after zoo, in ID order, who is there (as
// ZooPresent does), until the page is full, from one snapshot. The
// questions go in batches, one round trip each, of 4 zoos at first and
// twice as many each time up to censusZoos: a short page asks about few
// zoos too many, a whole census needs few round trips.
func (s *Store) Census(ctx context.Context, q zootour.CensusQuery) ([]zootour.CensusRow, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	var out []zootour.CensusRow
	err := s.readTx(ctx, func(tx pgx.Tx) error {
		out = nil
		after, batch := q.After, 4
		for {
			rows, _ := tx.Query(ctx, `SELECT id FROM zoos WHERE id >= $1 ORDER BY id LIMIT $2`, max(after.ID, 1), batch)
			ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil || len(ids) == 0 {
				return err
			}
			b := &pgx.Batch{}
			for _, id := range ids {
				species := ""
				if id == after.ID {
					species = after.Text
				}
				cq := staysql.CensusZoo(dialect, id, q.On, species)
				b.Queue(cq.SQL, cq.Args...)
			}
			full, err := censusBatch(ctx, tx, b, ids, q.Limit, &out)
			if err != nil || full || len(ids) < batch || ids[len(ids)-1] == math.MaxInt64 {
				return err
			}
			after, batch = zootour.Cursor{ID: ids[len(ids)-1] + 1}, min(2*batch, censusZoos)
		}
	})
	if err != nil {
		return nil, internal(ctx, "census", err)
	}
	return out, nil
}

// censusBatch reads the answers of b, the census of the zoos ids, into out
// until it holds limit rows (0: no limit), and reports whether it does.
func censusBatch(ctx context.Context, tx pgx.Tx, b *pgx.Batch, ids []int64, limit int, out *[]zootour.CensusRow) (bool, error) {
	br := tx.SendBatch(ctx, b)
	defer br.Close()
	for _, id := range ids {
		rows, _ := br.Query()
		counts, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (zootour.CensusRow, error) {
			r := zootour.CensusRow{ZooID: id}
			err := row.Scan(&r.Species, &r.Count)
			return r, err
		})
		if err != nil {
			return false, err
		}
		for _, r := range counts {
			*out = append(*out, r)
			if limit > 0 && len(*out) == limit {
				return true, nil
			}
		}
	}
	return false, br.Close()
}

// ask runs q, a question about the zoo or animal ownerID, where read
// sends it, passing each row to row, with the answer so far, until it
// returns false; if no row came, it asks whether the owner exists, in the
// same round trip and implicit transaction, as list does: asked after the
// question, so that an owner found then had an empty answer at some moment
// of the call (when the question ran, or when the owner was created, with
// no visits yet). Each attempt of read starts from an empty answer.
func ask[T any](ctx context.Context, s *Store, owner string, ownerID int64, q findsql.Query, row func(pgx.Rows, *T) (bool, error)) (T, error) {
	exists := zooExistsSQL
	if owner == "animal" {
		exists = animalExistsSQL
	}
	var out T
	err := s.read(ctx, func(db *pgxpool.Pool) error {
		var zero T
		out = zero
		b := &pgx.Batch{}
		b.Queue(q.SQL, q.Args...)
		b.Queue(exists, ownerID)
		br := db.SendBatch(ctx, b)
		defer br.Close()

		rows, _ := br.Query()
		found := false
		for rows.Next() {
			found = true
			more, err := row(rows, &out)
			if err != nil {
				rows.Close()
				return err
			}
			if !more {
				break
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		var ok bool
		if err := br.QueryRow().Scan(&ok); err != nil {
			return err
		}
		if !found && !ok {
			return zootour.NotFound(owner, ownerID)
		}
		return br.Close()
	})
	return out, err
}
