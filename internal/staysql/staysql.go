// Package staysql keeps each animal's stays as rows beside the visits, and
// builds the where-and-when questions on them, for SQLite and PostgreSQL
// alike (docs/stays.md).
//
// A stay is derived from visits: an animal's visits in date order, with
// consecutive visits to one zoo merged. The stays table is never a second
// source of truth: every write of visits recomputes, in its own
// transaction, the few stays its change can touch (Restay), and Check
// rebuilds them all from the visits and compares.
//
// The table:
//
//	stays (animal_id, since, until, zoo_id, visits, lvl)
//	  PRIMARY KEY (animal_id, since)               an animal's stays; where it was
//	  INDEX (zoo_id, lvl, since, animal_id, until) who was at a zoo when
//
// until is NULL while the animal is still there. lvl sorts a stay by its
// length: level k holds the stays of 4^k to 4^(k+1)-1 days (OpenLevel those
// still open). A stay of level k that covers day D began in the 4^(k+1)-1
// days up to D, so "who was here on D" is one short index range per level,
// each in (since, animal) order: the store merges a dozen ordered ranges
// and stops at the page's end, instead of reading the zoo's history.
package staysql

import (
	"context"
	"fmt"
	"strings"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/findsql"
)

// OpenLevel is the level of a stay that has not ended.
const OpenLevel = 99

// Levels is how many levels closed stays fall in: the longest possible
// stay, from the first date to the last, is of level Levels-1.
const Levels = 11

// span is one more than the most days a closed stay can last.
var span = zootour.MinDate.DaysUntil(zootour.MaxDate) + 1

// Level returns the level of a stay from since up to until (nil: open).
func Level(since zootour.Date, until *zootour.Date) int {
	if until == nil {
		return OpenLevel
	}
	days, k := since.DaysUntil(*until), 0
	for n := 4; n <= days; n *= 4 {
		k++
	}
	return k
}

// reach is how many days before a day a stay of level k that covers it
// may have begun: 4^(k+1)-1, and never more than the calendar holds.
func reach(k int) int {
	n := 1
	for range k + 1 {
		n *= 4
	}
	return min(n-1, span)
}

// A Row is one stay of one animal, as stored.
type Row struct {
	AnimalID int64
	zootour.Stay
}

// A DatedZoo is what of a visit decides the stays: its date and zoo.
type DatedZoo struct {
	Date  zootour.Date
	ZooID int64
}

// Runs returns the stays of one animal's visits, given in date order:
// consecutive visits to one zoo merged, each stay ending where the next
// begins. end is where the last stay ends: nil if it is still open, else
// the date of the first visit after those given. This is the rule of
// stays (docs/stays.md), written once.
func Runs(animalID int64, visits []DatedZoo, end *zootour.Date) []Row {
	var out []Row
	for _, v := range visits {
		n := len(out)
		if n > 0 && out[n-1].ZooID == v.ZooID {
			out[n-1].Visits++
			continue
		}
		if n > 0 {
			out[n-1].To = datePtr(v.Date)
		}
		out = append(out, Row{AnimalID: animalID, Stay: zootour.Stay{ZooID: v.ZooID, From: v.Date, Visits: 1}})
	}
	if n := len(out); n > 0 && end != nil {
		out[n-1].To = datePtr(*end)
	}
	return out
}

func datePtr(d zootour.Date) *zootour.Date { return &d }

// A DB is a transaction of either store, as the maintenance needs it.
type DB interface {
	// Query runs sql and calls row once per result row; row reads the
	// row's columns with scan.
	Query(ctx context.Context, sql string, args []any, row func(scan func(dest ...any) error) error) error
	// Exec runs sql.
	Exec(ctx context.Context, sql string, args ...any) error
}

// A Dialect is what differs between the stores' SQL.
type Dialect struct {
	Mark string // placeholders: "?" or "$"
	// AddDays returns an expression: the date expr plus n days.
	AddDays func(expr string, n int) string
	// Greatest and Least are the scalar max and min of two values.
	Greatest, Least string
	// Bytes makes a comparison of text compare code points (census order).
	Bytes string
	// DaysBetween returns an expression: the days from date a to date b.
	DaysBetween func(a, b string) string
	// AllVisits is how a bulk statement reads the whole visits table: in
	// SQLite "visits NOT INDEXED", a scan and one sort, not an index walk
	// with a lookup per visit.
	AllVisits string
	// OrderArms orders each range of a page by itself, inside a UNION ALL
	// that the page orders again: PostgreSQL merges such ranges (Merge
	// Append), but appends and sorts ranges that the whole UNION ALL
	// orders. SQLite wants the order on the whole, and allows none on a
	// part.
	OrderArms bool
}

// q writes the placeholders of sql (written ?1, ?2 ...) in d's mark.
func (d Dialect) q(sql string) string {
	if d.Mark == "?" {
		return sql
	}
	return strings.ReplaceAll(sql, "?", d.Mark)
}

// visitsOf reads (date, zoo) of the animal's visits that the query selects.
func visitsOf(ctx context.Context, db DB, sql string, args ...any) ([]DatedZoo, error) {
	var out []DatedZoo
	err := db.Query(ctx, sql, args, func(scan func(dest ...any) error) error {
		var v DatedZoo
		if err := scan(&v.Date, &v.ZooID); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	return out, err
}

// The statements of Restay and Rebuild, with numbered placeholders.
const (
	// regionSQL finds, in one statement, where the stays that a change on
	// the date ?2 can touch begin and end: the start of the run of visits
	// holding the previous visit (p), the first visit after that run's
	// last visit elsewhere (NULL: no previous visit), and the end of the
	// run holding the next visit (n), its first visit elsewhere (NULL: to
	// the end). ?3 sorts before every date.
	regionSQL = `WITH p AS (SELECT date, zoo_id FROM visits WHERE animal_id = ?1 AND date < ?2 ORDER BY date DESC LIMIT 1),
n AS (SELECT date, zoo_id FROM visits WHERE animal_id = ?1 AND date > ?2 ORDER BY date LIMIT 1)
SELECT
	(SELECT min(v.date) FROM visits AS v, p WHERE v.animal_id = ?1 AND v.zoo_id = p.zoo_id AND v.date <= p.date
		AND v.date > coalesce((SELECT w.date FROM visits AS w WHERE w.animal_id = ?1 AND w.date < p.date AND w.zoo_id <> p.zoo_id ORDER BY w.date DESC LIMIT 1), ?3)),
	(SELECT v.date FROM visits AS v, n WHERE v.animal_id = ?1 AND v.date > n.date AND v.zoo_id <> n.zoo_id ORDER BY v.date LIMIT 1)`
	deleteFromSQL    = `DELETE FROM stays WHERE animal_id = ?1 AND since >= ?2`
	visitsFromSQL    = `SELECT date, zoo_id FROM visits WHERE animal_id = ?1 AND date >= ?2 ORDER BY date`
	deleteBetweenSQL = `DELETE FROM stays WHERE animal_id = ?1 AND since >= ?2 AND since < ?3`
	visitsBetweenSQL = `SELECT date, zoo_id FROM visits WHERE animal_id = ?1 AND date >= ?2 AND date < ?3 ORDER BY date`
)

// Restay brings the stays of one animal up to date after its visits
// changed on the date at (a visit added there, taken away or moved). Only
// the stays around that date can change: a stay starts at a visit whose
// previous visit is at another zoo, and a change at a date alters that for
// the visit there and the next one only. So it rewrites the stays from the
// start of the run holding the previous visit up to the end of the run
// holding the next one, from the visits between: a few index seeks and the
// visits of at most three runs, whatever the animal's history.
func Restay(ctx context.Context, db DB, d Dialect, animalID int64, at zootour.Date) error {
	var lo, hi *zootour.Date
	err := db.Query(ctx, d.q(regionSQL), []any{animalID, at, beforeAll(d)}, func(scan func(dest ...any) error) error {
		return scan(&lo, &hi)
	})
	if err != nil {
		return err
	}
	if lo == nil {
		lo = &at
	}
	return rewrite(ctx, db, d, animalID, *lo, hi)
}

// beforeAll is a value that sorts before every date, for a coalesce: the
// empty text in SQLite, where dates are text, and -infinity in PostgreSQL.
func beforeAll(d Dialect) any {
	if d.Mark == "?" {
		return ""
	}
	return "-infinity"
}

// rewrite replaces the animal's stays that begin in [lo, hi) (hi nil: to
// the end) by those of its visits there, the last ending at hi.
func rewrite(ctx context.Context, db DB, d Dialect, animalID int64, lo zootour.Date, hi *zootour.Date) error {
	var vs []DatedZoo
	var err error
	if hi == nil {
		err = db.Exec(ctx, d.q(deleteFromSQL), animalID, lo)
		if err == nil {
			vs, err = visitsOf(ctx, db, d.q(visitsFromSQL), animalID, lo)
		}
	} else {
		err = db.Exec(ctx, d.q(deleteBetweenSQL), animalID, lo, *hi)
		if err == nil {
			vs, err = visitsOf(ctx, db, d.q(visitsBetweenSQL), animalID, lo, *hi)
		}
	}
	if err != nil {
		return err
	}
	return Insert(ctx, db, d, Runs(animalID, vs, hi))
}

// Rebuild writes all the stays of one animal again from its visits.
func Rebuild(ctx context.Context, db DB, d Dialect, animalID int64) error {
	return rewrite(ctx, db, d, animalID, zootour.MinDate, nil)
}

// insertBatch is how many stays one INSERT writes.
const insertBatch = 100

// Insert adds stays rows, insertBatch a statement.
func Insert(ctx context.Context, db DB, d Dialect, rows []Row) error {
	for len(rows) > 0 {
		n := min(len(rows), insertBatch)
		q := insertSQL(d, rows[:n])
		if err := db.Exec(ctx, q.SQL, q.Args...); err != nil {
			return err
		}
		rows = rows[n:]
	}
	return nil
}

// insertSQL is the statement that adds rows. Its placeholders are in
// order, so SQLite's are plain ?: modernc's driver looks a numbered one up
// by a walk of the list of names, which costs the square of the count.
func insertSQL(d Dialect, rows []Row) findsql.Query {
	args := make([]any, 0, 6*len(rows))
	values := make([]string, 0, len(rows))
	n := 0
	mark := func() string {
		n++
		if d.Mark == "?" {
			return "?"
		}
		return fmt.Sprintf("%s%d", d.Mark, n)
	}
	for _, r := range rows {
		var until any
		if r.To != nil {
			until = *r.To
		}
		args = append(args, r.AnimalID, r.From, until, r.ZooID, r.Visits, Level(r.From, r.To))
		values = append(values, "("+mark()+", "+mark()+", "+mark()+", "+mark()+", "+mark()+", "+mark()+")")
	}
	return findsql.Query{SQL: `INSERT INTO stays (animal_id, since, until, zoo_id, visits, lvl) VALUES ` + strings.Join(values, ", "), Args: args}
}

// animalBatch is how many animals each reads at a time: their visits and
// stays are what it holds in memory.
const animalBatch = 500

// each calls fn, for Check, with the stays that the visits give for every
// animal and the stays the table holds for them, a batch of animals at a
// time in ID order. It runs one query at a time, as pgx needs.
func each(ctx context.Context, db DB, d Dialect, fn func(want, got []Row) error) error {
	var after int64
	for {
		var ids []int64
		err := db.Query(ctx, d.q(`SELECT id FROM animals WHERE id > ?1 ORDER BY id LIMIT ?2`), []any{after, animalBatch},
			func(scan func(dest ...any) error) error {
				var id int64
				err := scan(&id)
				ids = append(ids, id)
				return err
			})
		if err != nil || len(ids) == 0 {
			return err
		}
		lo, hi := ids[0], ids[len(ids)-1]
		after = hi
		var want []Row
		var animal int64
		var vs []DatedZoo
		flush := func() {
			want = append(want, Runs(animal, vs, nil)...)
			vs = vs[:0]
		}
		err = db.Query(ctx, d.q(`SELECT animal_id, date, zoo_id FROM visits WHERE animal_id >= ?1 AND animal_id <= ?2 ORDER BY animal_id, date`),
			[]any{lo, hi}, func(scan func(dest ...any) error) error {
				var a int64
				var v DatedZoo
				if err := scan(&a, &v.Date, &v.ZooID); err != nil {
					return err
				}
				if a != animal {
					flush()
					animal = a
				}
				vs = append(vs, v)
				return nil
			})
		if err != nil {
			return err
		}
		flush()
		var got []Row
		err = db.Query(ctx, d.q(`SELECT animal_id, since, until, zoo_id, visits FROM stays WHERE animal_id >= ?1 AND animal_id <= ?2 ORDER BY animal_id, since`),
			[]any{lo, hi}, func(scan func(dest ...any) error) error {
				var r Row
				if err := scan(&r.AnimalID, &r.From, &r.To, &r.ZooID, &r.Visits); err != nil {
					return err
				}
				got = append(got, r)
				return nil
			})
		if err != nil {
			return err
		}
		if err := fn(want, got); err != nil {
			return err
		}
	}
}

// Fill writes the stays of every animal from the visits, into a table
// that holds none, in one statement: the rule of Runs written in SQL (LAG
// marks the visits that start a stay, LEAD over the starts gives each
// stay's end), so that a migration or an import of any size runs inside a
// database whose window functions are fast (PostgreSQL's; SQLite's store
// streams the sorted visits through Runs instead). Check, which uses Runs,
// holds the two to the same answer.
func Fill(ctx context.Context, db DB, d Dialect) error {
	return db.Exec(ctx, FillSQL(d))
}

// FillSQL is the statement of Fill.
func FillSQL(d Dialect) string {
	var lvl strings.Builder
	lvl.WriteString("CASE WHEN until IS NULL THEN " + fmt.Sprint(OpenLevel))
	for k := range Levels {
		// A closed stay of fewer than 4^(k+1) days is of level k.
		lvl.WriteString(fmt.Sprintf(" WHEN %s < %d THEN %d", d.DaysBetween("since", "until"), reach(k)+1, k))
	}
	lvl.WriteString(fmt.Sprintf(" ELSE %d END", Levels-1))
	return `INSERT INTO stays (animal_id, since, until, zoo_id, visits, lvl)
SELECT animal_id, since, until, zoo_id, visits, ` + lvl.String() + `
FROM (
	SELECT animal_id, zoo_id, date AS since,
		LEAD(date) OVER s AS until,
		coalesce(LEAD(n) OVER s, total + 1) - n AS visits
	FROM (
		SELECT animal_id, zoo_id, date,
			LAG(zoo_id) OVER w AS prev, row_number() OVER w AS n, count(*) OVER (PARTITION BY animal_id) AS total
		FROM ` + d.AllVisits + `
		WINDOW w AS (PARTITION BY animal_id ORDER BY date)
	) AS v
	WHERE prev IS NULL OR prev <> zoo_id
	WINDOW s AS (PARTITION BY animal_id ORDER BY date)
) AS r`
}

// A Difference is a stay that the table and the visits disagree on: Want
// is what the visits give (nil: no such stay), Got what the table holds.
type Difference struct {
	AnimalID  int64
	Want, Got *zootour.Stay
}

func (df Difference) String() string {
	show := func(s *zootour.Stay) string {
		if s == nil {
			return "none"
		}
		to := "open"
		if s.To != nil {
			to = s.To.String()
		}
		return fmt.Sprintf("zoo %d from %s to %s, %d visits", s.ZooID, s.From, to, s.Visits)
	}
	return fmt.Sprintf("animal %d: the visits give %s, the stays table holds %s", df.AnimalID, show(df.Want), show(df.Got))
}

// Check rebuilds every stay from the visits and returns where the table
// differs, at most max of them (0 for all). The caller runs it in one read
// transaction, so that both sides are one snapshot.
func Check(ctx context.Context, db DB, d Dialect, max int) ([]Difference, error) {
	var diffs []Difference
	errFull := fmt.Errorf("staysql: enough differences")
	err := each(ctx, db, d, func(want, got []Row) error {
		// Both are in (animal, since) order: walk them side by side.
		for len(want) > 0 || len(got) > 0 {
			var df Difference
			switch {
			case len(got) == 0 || len(want) > 0 && before(want[0], got[0]):
				df = Difference{AnimalID: want[0].AnimalID, Want: &want[0].Stay}
				want = want[1:]
			case len(want) == 0 || before(got[0], want[0]):
				df = Difference{AnimalID: got[0].AnimalID, Got: &got[0].Stay}
				got = got[1:]
			default:
				w, g := want[0], got[0]
				want, got = want[1:], got[1:]
				if sameStay(w.Stay, g.Stay) {
					continue
				}
				df = Difference{AnimalID: w.AnimalID, Want: &w.Stay, Got: &g.Stay}
			}
			if diffs = append(diffs, df); max > 0 && len(diffs) >= max {
				return errFull
			}
		}
		return nil
	})
	if err == errFull {
		err = nil
	}
	return diffs, err
}

// before reports whether stay a comes before b in (animal, since) order.
func before(a, b Row) bool {
	if a.AnimalID != b.AnimalID {
		return a.AnimalID < b.AnimalID
	}
	return a.From.Before(b.From)
}

func sameStay(a, b zootour.Stay) bool {
	if a.ZooID != b.ZooID || a.From != b.From || a.Visits != b.Visits || (a.To == nil) != (b.To == nil) {
		return false
	}
	return a.To == nil || *a.To == *b.To
}

// The questions. Each builder returns SQL with its arguments; the store
// runs it in a read transaction and checks that the zoo or animal exists.

// WhereSQL is the zoo of the animal's stay that covers a day: ?1 animal,
// ?2 the day; one backward seek on the primary key.
func WhereSQL(d Dialect) string {
	return d.q(`SELECT z.id, z.name, z.location FROM zoos AS z
WHERE z.id = (SELECT zoo_id FROM stays WHERE animal_id = ?1 AND since <= ?2 ORDER BY since DESC LIMIT 1)`)
}

// StaysSQL lists an animal's stays by since: ?1 animal, ?2 the stays start
// after this day, ?3 limit (NULL or -1 for all, as the dialect reads it).
func StaysSQL(d Dialect) string {
	return d.q(`SELECT zoo_id, since, until, visits FROM stays
WHERE animal_id = ?1 AND since > ?2 ORDER BY since LIMIT ?3`)
}

// arms returns the ranges of stays b at zoo (an expression) that overlap
// the days from..to (expressions): one per level of closed stays, each a
// range of since in the index (zoo_id, lvl, since, animal_id, until), then
// the open ones. A closed stay overlaps them if it began by to and ends
// after from; those of level k that do began at most reach(k) days before
// from (lower(k), an expression), so the range is short whatever the
// zoo's past. source is what the SELECT reads ("stays AS b", or a join
// with it).
func arms(cols, source, zoo, from, to string, lower func(k int) string, extra string) []string {
	var out []string
	for k := range Levels {
		out = append(out, fmt.Sprintf("SELECT %s FROM %s WHERE b.zoo_id = %s AND b.lvl = %d AND b.since >= %s AND b.since <= %s AND b.until > %s%s",
			cols, source, zoo, k, lower(k), to, from, extra))
	}
	return append(out, fmt.Sprintf("SELECT %s FROM %s WHERE b.zoo_id = %s AND b.lvl = %d AND b.since <= %s%s",
		cols, source, zoo, OpenLevel, to, extra))
}

// Present lists the stays at a zoo that overlap the days from..to (the
// same day for "present on"), by since, then animal, after the cursor
// (since, animal ID), at most limit (0 for all), with the animals' fields:
// rows of since, until, id, name, species. The levels' ranges come merged
// in order, each from the cursor, and the merge stops at the limit, so a
// page costs about a dozen seeks and its rows.
func Present(d Dialect, zooID int64, from, to zootour.Date, after zootour.Cursor, limit int) findsql.Query {
	p := &findsql.Params{Mark: d.Mark}
	zoo, first, last := p.Add(zooID), p.Add(from), p.Add(to)
	cursor := ""
	if !after.IsZero() {
		cursor = " AND (b.since, b.animal_id) > (" + p.Add(after.Date) + ", " + p.Add(after.ID) + ")"
	}
	cols := "b.since, b.until, b.animal_id"
	ranges := arms(cols, "stays AS b", zoo, first, last, func(k int) string { return p.Add(from.AddDays(-reach(k))) }, cursor)
	inner := strings.Join(ranges, "\nUNION ALL ") + "\nORDER BY since, animal_id"
	if d.OrderArms {
		for i, r := range ranges {
			ranges[i] = "(" + r + " ORDER BY b.since, b.animal_id)"
		}
		inner = "SELECT * FROM (" + strings.Join(ranges, "\nUNION ALL ") + ") AS u\nORDER BY since, animal_id"
	}
	if limit > 0 {
		inner += " LIMIT " + p.Add(limit)
	}
	return findsql.Query{SQL: `SELECT s.since, s.until, a.id, a.name, a.species FROM (` + inner + `) AS s
JOIN animals AS a ON a.id = s.animal_id
ORDER BY s.since, s.animal_id`, Args: p.Args}
}

// CensusZoo counts the animals at one zoo on a day by species, in code
// point order of the species, those after the species after ("" for
// all): rows of species, count.
func CensusZoo(d Dialect, zooID int64, on zootour.Date, after string) findsql.Query {
	p := &findsql.Params{Mark: d.Mark}
	zoo, day := p.Add(zooID), p.Add(on)
	ranges := arms("b.animal_id", "stays AS b", zoo, day, day, func(k int) string { return p.Add(on.AddDays(-reach(k))) }, "")
	where := ""
	if after != "" {
		where = "\nWHERE a.species" + d.Bytes + " > " + p.Add(after)
	}
	return findsql.Query{SQL: `SELECT a.species, count(*) FROM (` + strings.Join(ranges, "\nUNION ALL ") + `) AS s
JOIN animals AS a ON a.id = s.animal_id` + where + `
GROUP BY a.species ORDER BY a.species` + d.Bytes, Args: p.Args}
}

// Contacts lists the overlaps of an animal's stays with other animals'
// stays at the same zoo, for the animal's stays with a day in from..to:
// rows of the other animal's id, name and species, the zoo, and the
// overlap's from and to (NULL: both still there), by animal, then from,
// then zoo, for animals after the ID after. For each stay of the animal,
// the window's part of it (lo to hi) is a window question at its zoo, as
// in Present, with the levels' ranges taken from lo. Both steps are
// materialised: the overlaps are few, and otherwise SQLite pushes the
// order by contact into every range and walks all animals for each.
func Contacts(d Dialect, animalID int64, from, to zootour.Date, after int64) findsql.Query {
	p := &findsql.Params{Mark: d.Mark}
	me, w1, w2 := p.Add(animalID), p.Add(from), p.Add(to)
	min := p.Add(zootour.MinDate)
	lower := func(k int) string {
		n := reach(k)
		// No date before the first: PostgreSQL refuses the arithmetic.
		return fmt.Sprintf("CASE WHEN a.lo >= %s THEN %s ELSE %s END", d.AddDays(min, n), d.AddDays("a.lo", -n), min)
	}
	cols := "a.zoo, a.f, a.t, b.animal_id AS other, b.since AS bf, b.until AS bt"
	// CROSS JOIN keeps the animal's stays the outer loop in SQLite.
	ranges := arms(cols, "a CROSS JOIN stays AS b", "a.zoo", "a.lo", "a.hi", lower, "")
	return findsql.Query{SQL: `WITH a AS MATERIALIZED (
	SELECT zoo_id AS zoo, since AS f, until AS t, ` + d.Greatest + `(since, ` + w1 + `) AS lo,
		CASE WHEN until IS NULL OR until > ` + w2 + ` THEN ` + w2 + ` ELSE ` + d.AddDays("until", -1) + ` END AS hi
	FROM stays WHERE animal_id = ` + me + ` AND since <= ` + w2 + ` AND (until IS NULL OR until > ` + w1 + `)
), o AS MATERIALIZED (
` + strings.Join(ranges, "\nUNION ALL ") + `
)
SELECT n.id, n.name, n.species, o.zoo, ` + d.Greatest + `(o.f, o.bf) AS ofrom,
	CASE WHEN o.t IS NULL THEN o.bt WHEN o.bt IS NULL THEN o.t ELSE ` + d.Least + `(o.t, o.bt) END
FROM o JOIN animals AS n ON n.id = o.other
WHERE o.other <> ` + me + ` AND o.other > ` + p.Add(after) + `
ORDER BY n.id, ofrom, o.zoo`, Args: p.Args}
}

// Statements returns the text of every statement of fixed shape that the
// package runs, for a store to prepare once: the maintenance, the
// questions in each of their shapes, a full batch of Insert.
func Statements(d Dialect) []string {
	out := []string{WhereSQL(d), StaysSQL(d)}
	for _, q := range []string{regionSQL, deleteFromSQL, visitsFromSQL, deleteBetweenSQL, visitsBetweenSQL} {
		out = append(out, d.q(q))
	}
	day, later := zootour.MinDate, zootour.MinDate.AddDays(1)
	for _, to := range []zootour.Date{day, later} {
		for _, after := range []zootour.Cursor{{}, {ID: 1}} {
			for _, limit := range []int{0, 1} {
				out = append(out, Present(d, 1, day, to, after, limit).SQL)
			}
		}
	}
	out = append(out, CensusZoo(d, 1, day, "").SQL, CensusZoo(d, 1, day, "x").SQL, Contacts(d, 1, day, day, 0).SQL)
	rows := make([]Row, insertBatch)
	return append(out, insertSQL(d, rows).SQL)
}
