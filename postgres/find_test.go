package postgres_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/generate"
	"github.com/zootour/zootour/teaching"
	"github.com/zootour/zootour/textkey"
)

// walk returns every entry of a listing, asked for limit at a time.
func walk[T any](t *testing.T, what string, limit int, fetch func(after zootour.Cursor, limit int) ([]T, error), key func(T) zootour.Cursor) []T {
	t.Helper()
	var out []T
	var after zootour.Cursor
	for range 10000 {
		page, err := fetch(after, limit)
		if err != nil {
			t.Fatalf("%s after %+v: %v", what, after, err)
		}
		out = append(out, page...)
		if len(page) < limit {
			return out
		}
		after = key(page[len(page)-1])
	}
	t.Fatalf("%s: no end in sight", what)
	return nil
}

func same(t *testing.T, what string, want, got any) {
	t.Helper()
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("%s (-want +got):\n%s", what, d)
	}
}

// fill imports generated data into s and the model.
func fill(t *testing.T, s zootour.Store, cfg generate.Config) *teaching.Model {
	src := generate.Source(cfg)
	check(t, s.Import(t.Context(), src))
	m := teaching.New()
	for z, err := range src.Zoos {
		check(t, err)
		m.Zoos[z.ID] = z
	}
	for a, err := range src.Animals {
		check(t, err)
		m.Animals[a.ID] = a
	}
	for v, err := range src.Visits {
		check(t, err)
		m.AddVisit(v)
	}
	return m
}

// searches returns searches made of the words of texts: whole words,
// prefixes, two words, an ID, and a word that matches nothing.
func searches(r *rand.Rand, ids []int64, texts []string) []zootour.Search {
	var words []string
	for _, t := range texts {
		words = append(words, textkey.Words(t)...)
	}
	pick := func() string { return words[r.IntN(len(words))] }
	prefix := func() string {
		w := []rune(pick())
		return string(w[:1+r.IntN(len(w))])
	}
	out := []zootour.Search{zootour.MustSearch("nothingmatchesthis")}
	for range 12 {
		out = append(out,
			zootour.MustSearch(pick()),
			zootour.MustSearch(prefix()),
			zootour.MustSearch(prefix()+" "+prefix()),
			zootour.MustSearch(strconv.FormatInt(ids[r.IntN(len(ids))], 10)+" "+prefix()),
		)
	}
	return out
}

// TestFindAgainstModel compares the listings that find records, walked a
// page at a time in every order, and the presence during windows with the
// teaching model on generated data.
func TestFindAgainstModel(t *testing.T) {
	s, ctx := open(t), t.Context()
	m := fill(t, s, generate.Config{Zoos: 40, Animals: 150, Visits: 3000, Seed: 3})
	r := rand.New(rand.NewPCG(1, 2))

	var zooIDs, animalIDs []int64
	var zooTexts, animalTexts []string
	for _, z := range m.Zoos {
		zooIDs = append(zooIDs, z.ID)
		zooTexts = append(zooTexts, z.Name+" "+z.Location)
	}
	for _, a := range m.Animals {
		animalIDs = append(animalIDs, a.ID)
		animalTexts = append(animalTexts, a.Name+" "+a.Species)
	}
	slices.Sort(zooIDs)
	slices.Sort(animalIDs)
	slices.Sort(zooTexts)
	slices.Sort(animalTexts)

	sorts := []zootour.Sort{"", zootour.SortID, zootour.SortName, zootour.SortNameDesc}
	for _, q := range append(searches(r, zooIDs, zooTexts), zootour.Search{}) {
		for _, sort := range sorts {
			f := zootour.ZooFilter{Search: q, Sort: sort}
			what := fmt.Sprintf("FindZoos(%q, %q)", q, sort)
			got := walk(t, what, 1+r.IntN(7), func(after zootour.Cursor, limit int) ([]zootour.Zoo, error) {
				f.After, f.Limit = after, limit
				return s.FindZoos(ctx, f)
			}, func(z zootour.Zoo) zootour.Cursor { return zootour.ZooCursor(z, f.Order()) })
			same(t, what, m.FindZoos(f), got)
		}
	}
	species := []string{""}
	for _, id := range animalIDs[:5] {
		species = append(species, m.Animals[id].Species)
	}
	for _, q := range append(searches(r, animalIDs, animalTexts), zootour.Search{}) {
		for _, sort := range sorts {
			f := zootour.AnimalFilter{Search: q, Sort: sort, Species: species[r.IntN(len(species))]}
			what := fmt.Sprintf("FindAnimals(%q, %q, species %q)", q, sort, f.Species)
			got := walk(t, what, 1+r.IntN(7), func(after zootour.Cursor, limit int) ([]zootour.Animal, error) {
				f.After, f.Limit = after, limit
				return s.FindAnimals(ctx, f)
			}, func(a zootour.Animal) zootour.Cursor { return zootour.AnimalCursor(a, f.Order()) })
			same(t, what, m.FindAnimals(f), got)
		}
	}

	first, last := m.Visits[0].Date, m.Visits[0].Date
	for _, v := range m.Visits {
		if v.Date.Before(first) {
			first = v.Date
		}
		if v.Date.After(last) {
			last = v.Date
		}
	}
	day := func() zootour.Date { return first.AddDays(r.IntN(first.DaysUntil(last) + 1)) }
	for range 40 {
		f := zootour.VisitFilter{Sort: []zootour.Sort{"", zootour.SortID, zootour.SortDate, zootour.SortDateDesc}[r.IntN(4)]}
		switch r.IntN(3) {
		case 0:
			f.ZooID = zooIDs[r.IntN(len(zooIDs))]
		case 1:
			f.AnimalID = animalIDs[r.IntN(len(animalIDs))]
		}
		if r.IntN(2) == 0 {
			f.From = day()
			f.To = f.From.AddDays(r.IntN(2000))
		}
		limit := 1 + r.IntN(50)
		if f.ZooID == 0 && f.AnimalID == 0 {
			limit = 200 + r.IntN(300)
		}
		what := fmt.Sprintf("FindVisits(%+v)", f)
		got := walk(t, what, limit, func(after zootour.Cursor, limit int) ([]zootour.Visit, error) {
			f.After, f.Limit = after, limit
			return s.FindVisits(ctx, f)
		}, func(v zootour.Visit) zootour.Cursor { return zootour.VisitCursor(v, f.Order()) })
		same(t, what, m.FindVisits(f), got)
	}

	for range 60 {
		zoo := zooIDs[r.IntN(len(zooIDs))]
		from := day()
		to := from.AddDays([]int{0, 1, 30, 400}[r.IntN(4)])
		what := fmt.Sprintf("ZooPresent(%d, %s..%s)", zoo, from, to)
		got := walk(t, what, 1+r.IntN(5), func(after zootour.Cursor, limit int) ([]zootour.Presence, error) {
			q := zootour.PresentQuery{From: from, To: to, After: after, Limit: limit}
			if from == to && r.IntN(2) == 0 {
				q = zootour.PresentQuery{On: from, After: after, Limit: limit}
			}
			return s.ZooPresent(ctx, zoo, q)
		}, zootour.Presence.Position)
		same(t, what, m.PresentDuring(zoo, from, to), got)
	}
}

// Every write of a zoo or an animal writes its keys and words with it.
func TestFindFollowsWrites(t *testing.T) {
	s, ctx := open(t), t.Context()
	find := func(q string) []int64 {
		t.Helper()
		var ids []int64
		for _, z := range must(s.FindZoos(ctx, zootour.ZooFilter{Search: zootour.MustSearch(q)}))(t) {
			ids = append(ids, z.ID)
		}
		for _, a := range must(s.FindAnimals(ctx, zootour.AnimalFilter{Search: zootour.MustSearch(q)}))(t) {
			ids = append(ids, -a.ID)
		}
		return ids
	}
	z := must(s.CreateZoo(ctx, zootour.Zoo{Name: "Tierpark Zürich", Location: "Zürich"}))(t)
	a := must(s.CreateAnimal(ctx, zootour.Animal{Name: "Ölga", Species: "Red panda"}))(t)
	same(t, "zur", []int64{z.ID}, find("zur"))
	same(t, "OLG red", []int64{-a.ID}, find("OLG red"))

	must(s.UpdateZoo(ctx, z.ID, zootour.ZooUpdate{Name: new("Zoo Basel")}))(t)
	must(s.UpdateAnimal(ctx, a.ID, zootour.AnimalUpdate{Species: new("Koala")}))(t)
	same(t, "tierpark after the update", []int64(nil), find("tierpark"))
	same(t, "basel zurich after the update", []int64{z.ID}, find("basel zurich"))
	same(t, "panda after the update", []int64(nil), find("panda"))
	same(t, "olga koala after the update", []int64{-a.ID}, find("olga koala"))
	same(t, "species after the update", []zootour.Animal{{ID: a.ID, Name: "Ölga", Species: "Koala"}},
		must(s.FindAnimals(ctx, zootour.AnimalFilter{Species: "KOALA"}))(t))

	v := must(s.CreateVisit(ctx, zootour.Visit{Date: zootour.MustDate("2024-01-01"), ZooID: z.ID, AnimalID: a.ID}))(t)
	wantCode(t, "delete a zoo with visits", s.DeleteZoo(ctx, z.ID, false), zootour.ECONFLICT)
	same(t, "basel after a refused delete", []int64{z.ID}, find("basel"))
	check(t, s.DeleteAnimal(ctx, a.ID, true))
	same(t, "olga after the delete", []int64(nil), find("olga"))
	_, err := s.Visit(ctx, v.ID)
	wantCode(t, "the visit of a deleted animal", err, zootour.ENOTFOUND)
	check(t, s.DeleteZoo(ctx, z.ID, false))
	same(t, "basel after the delete", []int64(nil), find("basel"))

	check(t, s.Import(ctx, source(
		[]zootour.Zoo{{ID: 50, Name: "Málaga Bioparc", Location: "Málaga"}, {ID: 51, Name: "Mumbai Zoo", Location: "Mumbai"}},
		[]zootour.Animal{{ID: 60, Name: "Ada", Species: "Kea"}}, nil)))
	same(t, "m after the import, by name", []int64{50, 51}, find("m"))
	same(t, "mumbai 51 after the import", []int64{51}, find("mumbai 51"))
	same(t, "50 m after the import", []int64{50}, find("50 m"))
	same(t, "bioparc 51 after the import", []int64(nil), find("bioparc 51"))
	same(t, "kea after the import", []int64{-60}, find("kea"))
	same(t, "names descending", []zootour.Zoo{{ID: 51, Name: "Mumbai Zoo", Location: "Mumbai"}, {ID: 50, Name: "Málaga Bioparc", Location: "Málaga"}},
		must(s.FindZoos(ctx, zootour.ZooFilter{Sort: zootour.SortNameDesc}))(t))
}

// TestFindTSQuerySyntax searches for words made of what a tsquery or a
// tsvector reads as syntax (quotes, backslashes, colons, the operators
// & | ! <-> and parentheses, the prefix mark :*) and for folded words (case,
// accents, compatibility forms, a word longer than a lexeme may be), every
// prefix of every word and pairs of them, written as they are stored and
// as a user might type them, and compares what the store finds with the
// teaching model: each word is a lexeme of its own, matched byte for byte.
// The zoos are created and updated one at a time; the animals imported.
func TestFindTSQuerySyntax(t *testing.T) {
	s, ctx := open(t), t.Context()
	m := teaching.New()
	texts := [][2]string{
		{"O'Brien's Zoo", "Dún Laoghaire"},
		{"A&B Park", "x:y a|b !c"},
		{`back\slash Zoo`, `C:\Zoos\ 'quoted' "double"`},
		{"(paren) <-> follows", "a:* b:A c:1 'x':*"},
		{"' '' \\ \\\\ : :* & | ! ( ) <->", "' '' \\' \\'' '\\"},
		{"Zürich Straße ﬁsh", "ØRESUND São Paulo"},
		{"İstanbul ǅemal", "ΣΊΣΥΦΟΣ Ωμέγα"},
		{"🦒🦒 emoji", "non\u00a0breaking\u2003spaces"},
		{strings.Repeat("㌖", 200), "Kilometre"},
		{"obrien ab backslash", "the plain ones"},
	}
	var zooIDs []int64
	for _, tx := range texts {
		z := must(s.CreateZoo(ctx, zootour.Zoo{Name: "placeholder", Location: "nowhere"}))(t)
		z = must(s.UpdateZoo(ctx, z.ID, zootour.ZooUpdate{Name: new(tx[0]), Location: new(tx[1])}))(t)
		m.Zoos[z.ID] = z
		zooIDs = append(zooIDs, z.ID)
	}
	var as []zootour.Animal
	for i, tx := range texts {
		a := zootour.Animal{ID: int64(100 + i), Name: tx[0], Species: tx[1]}
		as = append(as, a)
		m.Animals[a.ID] = a
	}
	check(t, s.Import(ctx, source(nil, as, nil)))

	var qs []string
	var words []string
	for _, tx := range texts {
		words = append(words, textkey.Words(tx[0], tx[1])...)
		qs = append(qs, strings.Fields(tx[0]+" "+tx[1])...)
	}
	for _, w := range words {
		rs := []rune(w)
		for n := 1; n <= len(rs); n++ {
			qs = append(qs, string(rs[:n]))
		}
	}
	for i, w := range words {
		qs = append(qs, w+" "+words[(i*7+3)%len(words)], strings.ToUpper(w))
	}
	qs = append(qs, `\`, `\\`, `'`, `''`, `:`, `:*`, `&`, `|`, `!`, `(`, `<->`, `'x'`, `x:*`, `b:a`, `c:1`,
		`o'b`, `a&`, `x:`, `back\`, `c:\z`, `"double`, `o'brien's`, `o'brien`, "OBRIEN", "İ", "i̇stanbul", "dz",
		strconv.FormatInt(zooIDs[3], 10)+" ( "+`\`, "101 ''")
	for _, q := range qs {
		if utf8.RuneCountInString(q) > zootour.MaxSearchLen || len(strings.Fields(q)) > zootour.MaxSearchWords {
			continue
		}
		search := zootour.MustSearch(q)
		zf := zootour.ZooFilter{Search: search, Sort: zootour.SortName}
		got, err := s.FindZoos(ctx, zf)
		if err != nil {
			t.Errorf("FindZoos(%q): %v", q, err)
			continue
		}
		same(t, fmt.Sprintf("FindZoos(%q)", q), m.FindZoos(zf), got)
		af := zootour.AnimalFilter{Search: search}
		gotAnimals, err := s.FindAnimals(ctx, af)
		if err != nil {
			t.Errorf("FindAnimals(%q): %v", q, err)
			continue
		}
		same(t, fmt.Sprintf("FindAnimals(%q)", q), m.FindAnimals(af), gotAnimals)
	}
}
