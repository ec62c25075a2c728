// Package findsql builds the SQL of the listings that find records (docs/
// finding.md): search, filters, order and cursor, for zoos, animals and
// visits. SQLite and PostgreSQL share it, as they share the schema's shape:
// a record table with a name_key column, a table of its folded words, and
// the visits; only the placeholders differ.
package findsql

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/textkey"
)

// A Table describes a kind of record to the builder.
type Table struct {
	Name  string // the records: "zoos"
	Cols  string // the columns a listing reads, each prefixed "r."
	Owner string // the column of visits that names the record: "zoo_id"
	// Text is where the record's folded words are indexed: the name of
	// its FTS5 table (SQLite) or of its tsvector column (PostgreSQL).
	Text string
}

// A TextSearch is how a dialect finds the records of some words.
type TextSearch int

// The ways: SQLite's FTS5 table, with the record's ID as its rowid, and
// PostgreSQL's tsvector column under a GIN index. Either intersects the
// records of every word's prefix inside the index, which the words' own
// B-tree could only do a candidate at a time.
const (
	FTS5 TextSearch = iota + 1
	TSVector
)

// A Dialect is what differs between the stores' SQL of the listings.
type Dialect struct {
	Mark string // placeholders: "?" (?1, ?2 ...) or "$"
	Text TextSearch
}

// A Query is SQL with its arguments.
type Query struct {
	SQL  string
	Args []any
}

// Params numbers the placeholders of a query as it collects their
// arguments: ?1, ?2 ... for SQLite, $1, $2 ... for PostgreSQL.
type Params struct {
	Mark string // "?" or "$"
	Args []any
}

// Add appends v to the arguments and returns its placeholder.
func (p *Params) Add(v any) string {
	p.Args = append(p.Args, v)
	return fmt.Sprintf("%s%d", p.Mark, len(p.Args))
}

// builder collects the conditions of a listing.
type builder struct {
	Params
	where []string
}

func (b *builder) arg(v any) string { return b.Add(v) }

// cond adds a condition: format with a placeholder (%s) for each value.
func (b *builder) cond(format string, values ...any) {
	marks := make([]any, len(values))
	for i, v := range values {
		marks[i] = b.arg(v)
	}
	b.where = append(b.where, fmt.Sprintf(format, marks...))
}

func (b *builder) query(sel, from, order string, limit int) Query {
	var sb strings.Builder
	sb.WriteString("SELECT " + sel + " FROM " + from)
	if len(b.where) > 0 {
		sb.WriteString("\nWHERE " + strings.Join(b.where, "\n\tAND "))
	}
	sb.WriteString("\nORDER BY " + order)
	if limit > 0 {
		sb.WriteString(" LIMIT " + b.arg(limit))
	}
	return Query{SQL: sb.String(), Args: b.Args}
}

// RecordFilter is what a zoo or animal listing asks for; Species is empty
// for zoos.
type RecordFilter struct {
	Search  zootour.Search
	Species string
	Sort    zootour.Sort // the order to list in: id, name or -name
	After   zootour.Cursor
	Limit   int
}

// ForZoos and ForAnimals are the domain's filters in the builder's terms.
func ForZoos(f zootour.ZooFilter) RecordFilter {
	return RecordFilter{Search: f.Search, Sort: f.Order(), After: f.After, Limit: f.Limit}
}

// ForAnimals: see ForZoos.
func ForAnimals(f zootour.AnimalFilter) RecordFilter {
	return RecordFilter{Search: f.Search, Species: f.Species, Sort: f.Order(), After: f.After, Limit: f.Limit}
}

// Records returns the listing of t's records that f selects.
//
// A search asks the dialect's text index for the records whose words
// start with every word of the search (see TextSearch); a word that is an
// ID written out may instead be that record's ID. In SQLite the index's
// matches are the outer loop (CROSS JOIN), joined to the records by ID and
// sorted; PostgreSQL's planner chooses between the GIN index and a walk of
// the order's index. Without a search, the order's index is walked from
// the cursor, so a page costs the same on the first page and the last.
func Records(d Dialect, t Table, f RecordFilter) Query {
	b := &builder{Params: Params{Mark: d.Mark}}
	from := t.Name + " AS r"
	if words := textkey.QueryWords(f.Search.String()); len(words) > 0 {
		var plain, ids []string
		for _, w := range words {
			if _, ok := zootour.SearchID(w); ok {
				ids = append(ids, w)
			} else {
				plain = append(plain, w)
			}
		}
		switch d.Text {
		case FTS5:
			match := func(ws []string) string {
				return "SELECT rowid AS id FROM " + t.Text + " WHERE " + t.Text + " MATCH " + b.arg(ftsQuery(ws))
			}
			drive := ""
			if len(plain) > 0 {
				drive = match(plain)
			} else {
				id, _ := zootour.SearchID(ids[0])
				drive = match(ids[:1]) + " UNION SELECT " + b.arg(id)
				ids = ids[1:]
			}
			from = "(" + drive + ") AS m CROSS JOIN " + t.Name + " AS r"
			b.where = append(b.where, "r.id = m.id")
			for _, w := range ids {
				id, _ := zootour.SearchID(w)
				b.where = append(b.where, "(r.id IN ("+match([]string{w})+") OR r.id = "+b.arg(id)+")")
			}
		case TSVector:
			if len(plain) > 0 {
				// The records are the index's matches, sorted (OFFSET 0
				// keeps the planner from folding the subquery in):
				// otherwise it may walk the name or ID index under the
				// LIMIT, filtering, which for a name that sorts late
				// reads nearly every record.
				from = "(SELECT * FROM " + t.Name + " WHERE " + t.Text + " @@ " + b.arg(tsQuery(plain)) + "::tsquery OFFSET 0) AS r"
			}
			for _, w := range ids {
				id, _ := zootour.SearchID(w)
				b.where = append(b.where, "(r."+t.Text+" @@ "+b.arg(tsQuery([]string{w}))+"::tsquery OR r.id = "+b.arg(id)+")")
			}
		}
	}
	if f.Species != "" {
		b.cond("r.species_key = %s", textkey.Species(strings.TrimSpace(f.Species)))
	}
	var order string
	switch f.Sort {
	case zootour.SortName:
		order = "r.name_key, r.id"
		if !f.After.IsZero() {
			b.cond("(r.name_key, r.id) > (%s, %s)", textkey.Name(f.After.Text), f.After.ID)
		}
	case zootour.SortNameDesc:
		order = "r.name_key DESC, r.id DESC"
		if !f.After.IsZero() {
			b.cond("(r.name_key, r.id) < (%s, %s)", textkey.Name(f.After.Text), f.After.ID)
		}
	default:
		order = "r.id"
		if !f.After.IsZero() {
			b.cond("r.id > %s", f.After.ID)
		}
	}
	return b.query(t.Cols, from, order, f.Limit)
}

// ftsQuery is an FTS5 query for records with every word as a prefix of one
// of theirs: each word a quoted string (its quotes doubled), starred.
func ftsQuery(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = `"` + strings.ReplaceAll(w, `"`, `""`) + `"*`
	}
	return strings.Join(q, " AND ")
}

// tsQuery is a tsquery for records with every word as a prefix of one of
// their lexemes: each word a quoted lexeme (quotes doubled, backslashes
// escaped), with the prefix mark :*. A word is cut to MaxLexeme bytes, as
// the store cuts the words it keeps.
func tsQuery(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		w = CutLexeme(w)
		q[i] = "'" + strings.ReplaceAll(strings.ReplaceAll(w, `\`, `\\`), "'", "''") + "':*"
	}
	return strings.Join(q, " & ")
}

// MaxLexeme is the most bytes PostgreSQL keeps of a lexeme.
const MaxLexeme = 2047

// CutLexeme returns the longest prefix of w, in whole characters, of at
// most MaxLexeme bytes.
func CutLexeme(w string) string {
	if len(w) <= MaxLexeme {
		return w
	}
	n := MaxLexeme
	for n > 0 && !utf8.RuneStart(w[n]) {
		n--
	}
	return w[:n]
}

// Visits returns the listing of visits that f selects, reading the columns
// cols (each prefixed "v."). The zoo's (zoo_id, date, id) or the animal's
// (animal_id, date) index serves a filtered listing, and (date, id) an
// unfiltered one by date.
func Visits(d Dialect, cols string, f zootour.VisitFilter) Query {
	b := &builder{Params: Params{Mark: d.Mark}}
	if f.ZooID != 0 {
		b.cond("v.zoo_id = %s", f.ZooID)
	}
	if f.AnimalID != 0 {
		b.cond("v.animal_id = %s", f.AnimalID)
	}
	if !f.From.IsZero() {
		b.cond("v.date >= %s", f.From)
	}
	if !f.To.IsZero() {
		b.cond("v.date <= %s", f.To)
	}
	var order string
	switch f.Order() {
	case zootour.SortDate:
		order = "v.date, v.id"
		if !f.After.IsZero() {
			b.cond("(v.date, v.id) > (%s, %s)", f.After.Date, f.After.ID)
		}
	case zootour.SortDateDesc:
		order = "v.date DESC, v.id DESC"
		if !f.After.IsZero() {
			b.cond("(v.date, v.id) < (%s, %s)", f.After.Date, f.After.ID)
		}
	default:
		order = "v.id"
		if !f.After.IsZero() {
			b.cond("v.id > %s", f.After.ID)
		}
	}
	return b.query(cols, "visits AS v", order, f.Limit)
}
