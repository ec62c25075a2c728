package bench

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/postgres"
	"github.com/zootour/zootour/sqlite"
	"github.com/zootour/zootour/teaching"
	"github.com/zootour/zootour/textkey"
)

// Pages and searches: what a caller who browses asks for, one page at a
// time. The claim they test is that a search page costs at most a few
// times a single-record lookup, and that a page in name order, or of the
// visits newest first, costs the same on the first page and the last: the
// stores page by key from an index, never by offset. So each question is
// timed beside a lookup of one animal by ID, their samples alternating
// (Timer.TimeEach), and the report gives each as a multiple of it.

// pageSize is the page every question asks for, the API's default page.
const pageSize = 100

// A PageRow is one page question at one size.
type PageRow struct {
	Question string // "search animals", "animals by name, last page"
	Asked    string // what exactly: the search, the cursor, the window
	// Lookup marks the single-record lookup, the unit of the others.
	Lookup bool
	Rows   int
	Store  map[string]*Timing
	ask    askFunc
	answer any // the teaching model's
	// find builds the store's SQL for the dialect's placeholder mark, for
	// EXPLAIN; nil where the store's SQL is not composed from findsql.
	find      findSQL
	search    bool // the listing is a search (its matches are sorted)
	hasCursor bool // the page starts after a cursor
}

// The stores' SQL of a find listing, as they run it, for EXPLAIN: a
// question's find gives it for one store.
type findSQL func(store string) (string, []any)

func zooFind(f zootour.ZooFilter) findSQL {
	return func(store string) (string, []any) {
		if store == Postgres {
			return postgres.ZooFindSQL(f)
		}
		return sqlite.ZooFindSQL(f)
	}
}

func animalFind(f zootour.AnimalFilter) findSQL {
	return func(store string) (string, []any) {
		if store == Postgres {
			return postgres.AnimalFindSQL(f)
		}
		return sqlite.AnimalFindSQL(f)
	}
}

func visitFind(f zootour.VisitFilter) findSQL {
	return func(store string) (string, []any) {
		if store == Postgres {
			return postgres.VisitFindSQL(f)
		}
		return sqlite.VisitFindSQL(f)
	}
}

// searchPrefix returns the first three letters of the first word of text
// that starts with a letter, folded as the stores fold a search: "Zoo of
// Besançon" gives "zoo", "\"Big\" Luna" gives "lun" (the quotes make the
// first word start with something else).
func searchPrefix(text string) string {
	words := textkey.QueryWords(text)
	for _, w := range words {
		var b strings.Builder
		n := 0
		for _, r := range w {
			if !unicode.IsLetter(r) || n == 3 {
				break
			}
			b.WriteRune(r)
			n++
		}
		if n > 0 {
			return b.String()
		}
	}
	return words[0]
}

// lastPage returns the cursor after the entry pageSize+1 from the end of
// the whole listing all (key gives an entry's cursor), and the page that
// follows it: the last full page of the listing. A listing of one entry or none has no such cursor; the page is
// then the whole listing from the start.
func lastPage[T any](all []T, key func(T) zootour.Cursor) (zootour.Cursor, []T) {
	if len(all) < 2 {
		return zootour.Cursor{}, all
	}
	k := max(len(all)-pageSize-1, 0)
	return key(all[k]), all[k+1 : min(k+1+pageSize, len(all))]
}

func firstPage[T any](all []T) []T { return all[:min(pageSize, len(all))] }

// pageRows builds the page questions of the fixture with the teaching
// model's answers: whole answers, cut to the page here.
func (f *Fixture) pageRows() []*PageRow {
	m := f.Model
	typical := m.Animals[f.Animals[1].ID]
	zoo := m.Zoos[f.Zoos[1].ID]
	busy := f.Zoos[0]
	var rows []*PageRow
	add := func(r *PageRow) { r.Store = map[string]*Timing{}; r.Rows = size(r.answer); rows = append(rows, r) }

	add(&PageRow{
		Question: "animal by ID", Lookup: true,
		Asked:  fmt.Sprintf("the typical animal, #%d", typical.ID),
		answer: typical,
		ask:    func(ctx context.Context, s zootour.Store) (any, error) { return s.Animal(ctx, typical.ID) },
	})

	animalSearch := zootour.AnimalFilter{
		Search: zootour.MustSearch(searchPrefix(typical.Name) + " " + searchPrefix(typical.Species)), Limit: pageSize}
	add(&PageRow{
		Question: "search animals, two words",
		Asked: fmt.Sprintf("q=%q: prefixes of the typical animal's name (%s) and species (%s)",
			animalSearch.Search.String(), typical.Name, typical.Species),
		answer: firstPage(m.FindAnimals(animalSearch)),
		ask: func(ctx context.Context, s zootour.Store) (any, error) {
			return s.FindAnimals(ctx, animalSearch)
		},
		find: animalFind(animalSearch), search: true,
	})

	zooSearch := zootour.ZooFilter{Search: zootour.MustSearch(searchPrefix(zoo.Location)), Limit: pageSize}
	add(&PageRow{
		Question: "search zoos, one word",
		Asked:    fmt.Sprintf("q=%q: a prefix of the typical zoo's location (%s)", zooSearch.Search.String(), zoo.Location),
		answer:   firstPage(m.FindZoos(zooSearch)),
		ask:      func(ctx context.Context, s zootour.Store) (any, error) { return s.FindZoos(ctx, zooSearch) },
		find:     zooFind(zooSearch), search: true,
	})

	byName := zootour.AnimalFilter{Sort: zootour.SortName, Limit: pageSize}
	allByName := m.FindAnimals(byName)
	add(&PageRow{
		Question: "animals by name, first page",
		Asked:    fmt.Sprintf("sort=name, of %s animals", count(len(allByName))),
		answer:   firstPage(allByName),
		ask:      func(ctx context.Context, s zootour.Store) (any, error) { return s.FindAnimals(ctx, byName) },
		find:     animalFind(byName),
	})
	lastByName := byName
	var lastAnimals []zootour.Animal
	lastByName.After, lastAnimals = lastPage(allByName, func(a zootour.Animal) zootour.Cursor {
		return zootour.AnimalCursor(a, zootour.SortName)
	})
	add(&PageRow{
		Question: "animals by name, last page",
		Asked:    fmt.Sprintf("sort=name, after %q (#%d)", lastByName.After.Text, lastByName.After.ID),
		answer:   lastAnimals,
		ask:      func(ctx context.Context, s zootour.Store) (any, error) { return s.FindAnimals(ctx, lastByName) },
		find:     animalFind(lastByName), hasCursor: !lastByName.After.IsZero(),
	})

	newest := zootour.VisitFilter{Sort: zootour.SortDateDesc, Limit: pageSize}
	allNewest := m.FindVisits(newest)
	add(&PageRow{
		Question: "visits newest first, first page",
		Asked:    fmt.Sprintf("sort=-date, of %s visits", count(len(allNewest))),
		answer:   firstPage(allNewest),
		ask:      func(ctx context.Context, s zootour.Store) (any, error) { return s.FindVisits(ctx, newest) },
		find:     visitFind(newest),
	})
	oldest := newest
	var lastVisits []zootour.Visit
	oldest.After, lastVisits = lastPage(allNewest, func(v zootour.Visit) zootour.Cursor {
		return zootour.VisitCursor(v, zootour.SortDateDesc)
	})
	add(&PageRow{
		Question: "visits newest first, last page",
		Asked:    fmt.Sprintf("sort=-date, after %s #%d", oldest.After.Date, oldest.After.ID),
		answer:   lastVisits,
		ask:      func(ctx context.Context, s zootour.Store) (any, error) { return s.FindVisits(ctx, oldest) },
		find:     visitFind(oldest), hasCursor: !oldest.After.IsZero(),
	})

	present := zootour.PresentQuery{From: busy.On, To: busy.On.AddDays(364), Limit: pageSize}
	add(&PageRow{
		Question: "present during a year, busy zoo",
		Asked:    fmt.Sprintf("zoo #%d, from %s to %s", busy.ID, present.From, present.To),
		answer:   firstPage(presentDuring(m, busy.ID, present.From, present.To)),
		ask: func(ctx context.Context, s zootour.Store) (any, error) {
			return s.ZooPresent(ctx, busy.ID, present)
		},
	})
	return rows
}

// presentDuring is the teaching model's PresentDuring, asked of one small
// model per animal that visited the zoo, holding that animal and its
// visits. An animal's stays depend on its own visits only, so the answer
// is the whole model's, without scanning every visit once per animal
// (10^11 visits read at 10^6 visits and 100,000 animals).
func presentDuring(m *teaching.Model, zooID int64, from, to zootour.Date) []zootour.Presence {
	byAnimal := map[int64][]zootour.Visit{}
	for _, v := range m.Visits {
		if v.ZooID == zooID {
			byAnimal[v.AnimalID] = nil
		}
	}
	for _, v := range m.Visits {
		if vs, ok := byAnimal[v.AnimalID]; ok {
			byAnimal[v.AnimalID] = append(vs, v)
		}
	}
	var out []zootour.Presence
	for id, vs := range byAnimal {
		one := teaching.New()
		one.Zoos = m.Zoos
		one.Animals[id] = m.Animals[id]
		one.Visits = vs
		out = append(out, one.PresentDuring(zooID, from, to)...)
	}
	// The whole model's order, which the merge of the small ones loses.
	slices.SortFunc(out, func(a, b zootour.Presence) int {
		return cmp.Or(a.From.Compare(b.From), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// askFunc asks a store one question of a row.
type askFunc func(ctx context.Context, s zootour.Store) (any, error)

// parts is what timeAlternating needs of a row.
func (r *PageRow) parts() (string, map[string]*Timing, askFunc, any) {
	return r.Question, r.Store, r.ask, r.answer
}

// timeAlternating checks a store's answer to every row against the
// teaching model's and times the rows all together, their samples
// alternating, so that every ratio between them compares times taken
// under the same load: the page questions and the first pages.
func timeAlternating[R interface {
	parts() (string, map[string]*Timing, askFunc, any)
}](ctx context.Context, cfg *Config, s zootour.Store, kind string, rows []R) error {
	fs := make([]func() error, len(rows))
	for i, row := range rows {
		label, store, ask, answer := row.parts()
		got, err := ask(ctx, s)
		if err != nil {
			return fmt.Errorf("%s: %w", label, err)
		}
		store[kind] = &Timing{Wrong: sameAnswer(answer, got)}
		fs[i] = func() error { _, err := ask(ctx, s); return err }
	}
	ts, err := cfg.Timer.TimeEach(fs...)
	if err != nil {
		return err
	}
	for i, row := range rows {
		_, store, _, _ := row.parts()
		store[kind].Time = ts[i]
	}
	return nil
}

// lookupTime returns a store's time for the lookup at sr, or 0.
func (sr *SizeResult) lookupTime(store string) float64 {
	for _, row := range sr.Pages {
		if t := row.Store[store]; row.Lookup && t != nil {
			return float64(t.Time)
		}
	}
	return 0
}

// pagePlans explains the store's query of every page question built by
// findsql.
func (l *limitDB) pagePlans(ctx context.Context, sr *SizeResult) ([]Plan, error) {
	var out []Plan
	for _, row := range sr.Pages {
		if row.find == nil {
			continue
		}
		query, args := row.find(l.dialect)
		var p Plan
		var err error
		if l.db != nil {
			p, err = explainSQLite(ctx, l.db, query, args)
			if err == nil {
				p.checkPageSQLite(row.search, row.hasCursor)
			}
		} else {
			p, err = explainPostgres(ctx, l.pool, query, args, pgTypes(args), func(p *Plan, n pgPlanNode, which string) {
				p.checkPagePostgres(n, which, row.search)
			})
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", row.Question, err)
		}
		p.Question, p.Record = row.Question, row.Asked
		out = append(out, p)
	}
	return out, nil
}
