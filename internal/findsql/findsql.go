// Package findsql builds the SQL of the listings that find records (docs/
// finding.md): search, filters, order and cursor, for zoos, animals and
// visits. SQLite and PostgreSQL share it, as they share the schema's shape:
// a record table with a name_key column, a table of its folded words, and
// the visits; only the placeholders differ.
package findsql

import (
	"fmt"
	"strings"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/textkey"
)

// A Table describes a kind of record to the builder.
type Table struct {
	Name  string // the records: "zoos"
	Cols  string // the columns a listing reads, each prefixed "r."
	Words string // its folded words: "zoo_words", (word, owner)
	Owner string // the column of Words that names the record: "zoo_id"
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

// Records returns the listing of t's records that f selects. mark is the
// placeholder prefix of the dialect.
//
// A search reads the words table, never the records: the longest word of
// the search (the likeliest to be rare) picks the candidates through the
// words' primary key (word, owner) as a prefix range, joined to the
// records by ID; every other word is one seek in (owner, word) per
// candidate. A word that is an ID written out also picks that record.
// Without a search, the order's index is walked from the cursor, so a
// page costs the same on the first page and the last.
func Records(mark string, t Table, f RecordFilter) Query {
	b := &builder{Params: Params{Mark: mark}}
	from := t.Name + " AS r"
	if words := textkey.QueryWords(f.Search.String()); len(words) > 0 {
		lead := 0
		for i, w := range words {
			if len(w) > len(words[lead]) {
				lead = i
			}
		}
		pick := fmt.Sprintf("SELECT DISTINCT %s FROM %s WHERE word >= %s AND word < %s",
			t.Owner, t.Words, b.arg([]byte(words[lead])), b.arg(textkey.Upper(words[lead])))
		if id, ok := zootour.SearchID(words[lead]); ok {
			pick += " UNION SELECT " + b.arg(id)
		}
		// CROSS JOIN keeps the candidates as the outer loop in SQLite; in
		// PostgreSQL it is an inner join that the planner orders itself.
		from = "(" + pick + ") AS m CROSS JOIN " + t.Name + " AS r"
		b.where = append(b.where, "r.id = m."+t.Owner)
		for i, w := range words {
			if i == lead {
				continue
			}
			c := fmt.Sprintf("EXISTS (SELECT 1 FROM %s AS w WHERE w.%s = r.id AND w.word >= %s AND w.word < %s)",
				t.Words, t.Owner, b.arg([]byte(w)), b.arg(textkey.Upper(w)))
			if id, ok := zootour.SearchID(w); ok {
				c = "(" + c + " OR r.id = " + b.arg(id) + ")"
			}
			b.where = append(b.where, c)
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

// Visits returns the listing of visits that f selects, reading the columns
// cols (each prefixed "v."). The zoo's (zoo_id, date, id) or the animal's
// (animal_id, date) index serves a filtered listing, and (date, id) an
// unfiltered one by date.
func Visits(mark, cols string, f zootour.VisitFilter) Query {
	b := &builder{Params: Params{Mark: mark}}
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
