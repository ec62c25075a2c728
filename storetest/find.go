package storetest

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/teaching"
	"github.com/zootour/zootour/textkey"
)

// Finding records (docs/finding.md): search, filters, orders and cursors,
// compared with the teaching model, which tests every record against the
// rules and sorts.

// RunFind runs the tests of finding records against stores made by open.
func RunFind(t *testing.T, open func(t *testing.T) zootour.Store) {
	t.Run("Search", func(t *testing.T) { testSearch(t, open) })
	t.Run("NameOrder", func(t *testing.T) { testNameOrder(t, open) })
	t.Run("FindAfterWrites", func(t *testing.T) { testFindAfterWrites(t, open) })
	t.Run("FindInvalid", func(t *testing.T) { testFindInvalid(t, open) })
	t.Run("FindRandom", func(t *testing.T) { testFindRandom(t, open) })
	t.Run("PresentDuring", func(t *testing.T) { testPresentDuring(t, open) })
}

// findWorld is the store and model of the find tests: names with accents,
// mixed case, names shared by several records, punctuation, and IDs above
// 2^53 (kept as given by an import).
func findWorld(t *testing.T, open func(t *testing.T) zootour.Store, r *rand.Rand) *world {
	t.Helper()
	w := newWorld(t, open(t))
	names := []string{"Zürich", "zurich", "ZURICH", "São Paulo", "Sao Paulo", "Málaga", "Mumbai", "mumbai", "Ada",
		"Ada Lovelace", "Æsir", "Øresund", "Straße", "STRASSE", "Ölgaard", "o'Brien", "Zoo (Berlin)", "42 Street",
		"Suki", "Suki", "suki", "Ñandú", "Ωmega", "日本 動物園", "Ada-Marie", "  padded  "}
	species := []string{"Axolotl", "axolotl", "Green anaconda", "Red Panda", "red panda", "Hippopotamus", "Émeu", "emeu", "Okapi"}
	base := int64(1)<<53 + 1
	var zoos []zootour.Zoo
	var animals []zootour.Animal
	for i := range 60 {
		id := int64(i + 1)
		if i%3 == 0 {
			id = base + int64(i)*7
		}
		zoos = append(zoos, zootour.Zoo{ID: id, Name: pick(r, names), Location: pick(r, names)})
	}
	for i := range 120 {
		id := int64(i + 1)
		if i%4 == 0 {
			id = base + int64(i)*11
		}
		animals = append(animals, zootour.Animal{ID: id, Name: pick(r, names), Species: pick(r, species)})
	}
	var visits []zootour.Visit
	start := d("2010-01-01")
	for i := range 900 {
		a := animals[r.IntN(len(animals))]
		visits = append(visits, zootour.Visit{ID: int64(i + 1), Date: start.AddDays(r.IntN(4000)), ZooID: zoos[r.IntN(len(zoos))].ID, AnimalID: a.ID})
	}
	// One visit per animal and date: drop the later duplicates.
	seen := map[[2]int64]bool{}
	kept := visits[:0]
	for _, v := range visits {
		k := [2]int64{v.AnimalID, int64(v.Date.DaysUntil(zootour.MaxDate))}
		if !seen[k] {
			seen[k] = true
			kept = append(kept, v)
		}
	}
	noErr(t, w.s.Import(t.Context(), source(zoos, animals, kept)))
	for _, z := range zoos {
		z.Validate()
		w.m.Zoos[z.ID] = z
	}
	for _, a := range animals {
		a.Validate()
		w.m.Animals[a.ID] = a
	}
	w.m.Visits = append(w.m.Visits, kept...)
	return w
}

// searches returns searches that exercise the rules on the world's
// records: prefixes of their words as written, folded, upper-cased, two
// words at once, IDs, and words that match nothing.
func (w *world) searches(r *rand.Rand) []string {
	var texts []string
	for _, z := range w.m.Zoos {
		texts = append(texts, z.Name, z.Location)
	}
	for _, a := range w.m.Animals {
		texts = append(texts, a.Name, a.Species)
	}
	out := []string{"zur", "ZÜR", "zurich", "sao", "são p", "malaga", "ma", "m", "ada", "ada lov", "æsir", "strasse", "straße",
		"o'b", "(berlin)", "berlin", "42", "suki", "axo", "suki axo", "ñandu", "日本", "nothing-like-this", "a b", "red pan"}
	for range 40 {
		words := strings.Fields(pick(r, texts))
		if len(words) == 0 {
			continue
		}
		word := pick(r, words)
		runes := []rune(word)
		word = string(runes[:1+r.IntN(len(runes))])
		switch r.IntN(3) {
		case 0:
			word = strings.ToUpper(word)
		case 1:
			word = textkey.Fold(word)
		}
		if r.IntN(4) == 0 {
			word += " " + string([]rune(pick(r, append(strings.Fields(pick(r, texts)), "x")))[:1])
		}
		out = append(out, word)
	}
	for id := range w.m.Zoos {
		out = append(out, strconv.FormatInt(id, 10))
		break
	}
	for id := range w.m.Animals {
		out = append(out, strconv.FormatInt(id, 10)+" "+"suki")
		break
	}
	return out
}

func testSearch(t *testing.T, open func(t *testing.T) zootour.Store) {
	r := rand.New(rand.NewPCG(11, 2026))
	w := findWorld(t, open, r)
	for _, text := range w.searches(r) {
		q := zootour.MustSearch(text)
		for _, sort := range []zootour.Sort{"", zootour.SortID, zootour.SortName, zootour.SortNameDesc} {
			w.checkZoos(zootour.ZooFilter{Search: q, Sort: sort}, 1+r.IntN(7))
			w.checkAnimals(zootour.AnimalFilter{Search: q, Sort: sort}, 1+r.IntN(7))
		}
	}
	// Accents and case do not decide, and an ID is found by its digits.
	zs := must(w.s.FindZoos(t.Context(), zootour.ZooFilter{Search: zootour.MustSearch("zurich")}))(t)
	if len(zs) == 0 {
		t.Fatal(`"zurich" found no zoo`)
	}
	for _, species := range []string{"axolotl", "RED PANDA", "Émeu", "emeu", "okapi", "none such"} {
		w.checkAnimals(zootour.AnimalFilter{Species: species}, 3)
		w.checkAnimals(zootour.AnimalFilter{Species: species, Search: zootour.MustSearch("s"), Sort: zootour.SortNameDesc}, 2)
	}
}

// checkZoos compares a store's zoos for f, whole and walked limit at a
// time with cursors, with the model's.
func (w *world) checkZoos(f zootour.ZooFilter, limit int) {
	w.t.Helper()
	want := w.m.FindZoos(f)
	got, err := w.s.FindZoos(w.t.Context(), f)
	if !w.agree(fmt.Sprintf("FindZoos(%+v)", f), want, got, err) {
		return
	}
	walked := walkPages(w.t, fmt.Sprintf("FindZoos(%+v)", f), limit, func(after zootour.Cursor) ([]zootour.Zoo, error) {
		f := f
		f.After, f.Limit = after, limit
		return w.s.FindZoos(w.t.Context(), f)
	}, func(z zootour.Zoo) zootour.Cursor { return zootour.ZooCursor(z, f.Order()) })
	w.agree(fmt.Sprintf("FindZoos(%+v) walked %d at a time", f, limit), want, walked, nil)
}

func (w *world) checkAnimals(f zootour.AnimalFilter, limit int) {
	w.t.Helper()
	want := w.m.FindAnimals(f)
	got, err := w.s.FindAnimals(w.t.Context(), f)
	if !w.agree(fmt.Sprintf("FindAnimals(%+v)", f), want, got, err) {
		return
	}
	walked := walkPages(w.t, fmt.Sprintf("FindAnimals(%+v)", f), limit, func(after zootour.Cursor) ([]zootour.Animal, error) {
		f := f
		f.After, f.Limit = after, limit
		return w.s.FindAnimals(w.t.Context(), f)
	}, func(a zootour.Animal) zootour.Cursor { return zootour.AnimalCursor(a, f.Order()) })
	w.agree(fmt.Sprintf("FindAnimals(%+v) walked %d at a time", f, limit), want, walked, nil)
}

func (w *world) checkVisits(f zootour.VisitFilter, limit int) {
	w.t.Helper()
	want := w.m.FindVisits(f)
	got, err := w.s.FindVisits(w.t.Context(), f)
	if !w.agree(fmt.Sprintf("FindVisits(%+v)", f), want, got, err) {
		return
	}
	walked := walkPages(w.t, fmt.Sprintf("FindVisits(%+v)", f), limit, func(after zootour.Cursor) ([]zootour.Visit, error) {
		f := f
		f.After, f.Limit = after, limit
		return w.s.FindVisits(w.t.Context(), f)
	}, func(v zootour.Visit) zootour.Cursor { return zootour.VisitCursor(v, f.Order()) })
	w.agree(fmt.Sprintf("FindVisits(%+v) walked %d at a time", f, limit), want, walked, nil)
}

// testNameOrder checks the collation order on names chosen to tell it
// from byte order and from case-folded byte order.
func testNameOrder(t *testing.T, open func(t *testing.T) zootour.Store) {
	w := newWorld(t, open(t))
	for _, name := range []string{"Mumbai", "Málaga", "malaga", "Zürich", "Zebra", "zebra", "Ærø", "Aaron", "Ölgaard", "Oslo", "éclair", "Eclair", "ecl"} {
		w.zoo(name, "L")
		w.animal(name, "S")
	}
	for _, sort := range []zootour.Sort{zootour.SortName, zootour.SortNameDesc} {
		for _, limit := range []int{1, 2, 5} {
			w.checkZoos(zootour.ZooFilter{Sort: sort}, limit)
			w.checkAnimals(zootour.AnimalFilter{Sort: sort}, limit)
		}
	}
	zs := must(w.s.FindZoos(t.Context(), zootour.ZooFilter{Sort: zootour.SortName}))(t)
	at := map[string]int{}
	for i, z := range zs {
		at[z.Name] = i
	}
	if at["Málaga"] > at["Mumbai"] || at["Zebra"] > at["Zürich"] || at["Ölgaard"] > at["Oslo"] {
		t.Errorf("name order is not the collation order: %v", at)
	}
}

// testFindAfterWrites checks that the derived keys follow every write: a
// renamed record is found by its new name only, a deleted one not at all,
// and a cursor taken before a write still leads to the rest.
func testFindAfterWrites(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	z := addZoo(t, s, "Artis", "Amsterdam")
	other := addZoo(t, s, "Blijdorp", "Rotterdam")
	a := addAnimal(t, s, "Rosa", "Flamingo")
	find := func(text string) []zootour.Zoo {
		return must(s.FindZoos(ctx, zootour.ZooFilter{Search: zootour.MustSearch(text)}))(t)
	}
	if got := find("amst"); len(got) != 1 || got[0].ID != z.ID {
		t.Fatalf(`"amst" found %v`, got)
	}
	must(s.UpdateZoo(ctx, z.ID, zootour.ZooUpdate{Name: ptr("Zoo Zürich"), Location: ptr("Zürich")}))(t)
	if got := find("amst"); len(got) != 0 {
		t.Errorf(`"amst" still finds %v after the rename`, got)
	}
	if got := find("zurich zoo"); len(got) != 1 || got[0].ID != z.ID {
		t.Errorf(`"zurich zoo" found %v after the rename`, got)
	}
	byName := must(s.FindZoos(ctx, zootour.ZooFilter{Sort: zootour.SortName}))(t)
	if len(byName) != 2 || byName[0].ID != other.ID {
		t.Errorf("by name after the rename: %v", byName)
	}
	must(s.UpdateAnimal(ctx, a.ID, zootour.AnimalUpdate{Species: ptr("Chilean FLAMINGO")}))(t)
	if got := must(s.FindAnimals(ctx, zootour.AnimalFilter{Species: "chilean flamingo"}))(t); len(got) != 1 {
		t.Errorf("the species filter after an update found %v", got)
	}
	if got := must(s.FindAnimals(ctx, zootour.AnimalFilter{Species: "flamingo"}))(t); len(got) != 0 {
		t.Errorf("the old species still finds %v", got)
	}
	addVisit(t, s, "2024-01-01", z.ID, a.ID)
	noErr(t, s.DeleteZoo(ctx, z.ID, true))
	if got := find("zurich"); len(got) != 0 {
		t.Errorf(`"zurich" finds %v after the delete`, got)
	}
	noErr(t, s.DeleteAnimal(ctx, a.ID, false))
	if got := must(s.FindAnimals(ctx, zootour.AnimalFilter{Search: zootour.MustSearch("rosa")}))(t); len(got) != 0 {
		t.Errorf(`"rosa" finds %v after the delete`, got)
	}
	// A name cursor stays valid when its record is renamed or deleted.
	var zs []zootour.Zoo
	for _, n := range []string{"a", "b", "c", "d"} {
		zs = append(zs, addZoo(t, s, n, "L"))
	}
	after := zootour.ZooCursor(zs[1], zootour.SortName)
	noErr(t, s.DeleteZoo(ctx, zs[1].ID, false))
	got := must(s.FindZoos(ctx, zootour.ZooFilter{Sort: zootour.SortName, After: after}))(t)
	if d := diff([]zootour.Zoo{other, zs[2], zs[3]}, got); d != "" {
		t.Errorf("after a deleted record's cursor (-want +got):\n%s", d)
	}
	// Text that folds to no word at all (combining marks alone) is stored
	// and listed, and found by its ID only.
	marks := addZoo(t, s, "\u0301\u0308", "\u0327")
	if got := must(s.FindZoos(ctx, zootour.ZooFilter{Search: zootour.MustSearch(strconv.FormatInt(marks.ID, 10))}))(t); len(got) != 1 || got[0].ID != marks.ID {
		t.Errorf("a zoo of combining marks, searched by its ID: %v", got)
	}
	must(s.UpdateZoo(ctx, marks.ID, zootour.ZooUpdate{Location: ptr("Ümlaut")}))(t)
	if got := find("umlaut"); len(got) != 1 {
		t.Errorf(`"umlaut" found %v`, got)
	}
	noErr(t, s.DeleteZoo(ctx, marks.ID, false))
	// Failed writes leave the keys as they were.
	_, err := s.UpdateZoo(ctx, zs[0].ID, zootour.ZooUpdate{Name: ptr(strings.Repeat("x", 201))})
	code(t, "UpdateZoo with a long name", err, zootour.EINVALID)
	if got := find("a"); len(got) != 1 || got[0].ID != zs[0].ID {
		t.Errorf(`"a" after a failed update found %v`, got)
	}
}

// testFindInvalid checks the bad filters every store refuses.
func testFindInvalid(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	for _, sort := range []zootour.Sort{"date", "Name", "-id"} {
		code(t, fmt.Sprint("FindZoos sort ", sort), second(s.FindZoos(ctx, zootour.ZooFilter{Sort: sort})), zootour.EINVALID)
		code(t, fmt.Sprint("FindAnimals sort ", sort), second(s.FindAnimals(ctx, zootour.AnimalFilter{Sort: sort})), zootour.EINVALID)
	}
	for _, sort := range []zootour.Sort{"name", "-id", "DATE"} {
		code(t, fmt.Sprint("FindVisits sort ", sort), second(s.FindVisits(ctx, zootour.VisitFilter{Sort: sort})), zootour.EINVALID)
	}
	code(t, "FindZoos limit -1", second(s.FindZoos(ctx, zootour.ZooFilter{Limit: -1})), zootour.EINVALID)
	code(t, "FindAnimals bad species", second(s.FindAnimals(ctx, zootour.AnimalFilter{Species: "a\x00b"})), zootour.EINVALID)
	code(t, "FindVisits inverted window", second(s.FindVisits(ctx, zootour.VisitFilter{From: d("2024-02-01"), To: d("2024-01-01")})), zootour.EINVALID)
	code(t, "FindVisits zoo -1", second(s.FindVisits(ctx, zootour.VisitFilter{ZooID: -1})), zootour.EINVALID)
	z := addZoo(t, s, "Z", "L")
	ww := whereWhen(t, s)
	on := d("2024-01-01")
	code(t, "ZooPresent on and a window", second(ww.ZooPresent(ctx, z.ID, zootour.PresentQuery{On: on, From: on, To: on})), zootour.EINVALID)
	code(t, "ZooPresent half a window", second(ww.ZooPresent(ctx, z.ID, zootour.PresentQuery{From: on})), zootour.EINVALID)
	code(t, "ZooPresent inverted window", second(ww.ZooPresent(ctx, z.ID, zootour.PresentQuery{From: on, To: d("2023-01-01")})), zootour.EINVALID)
	// A filter naming a zoo or animal that does not exist selects nothing.
	if got := must(s.FindVisits(ctx, zootour.VisitFilter{ZooID: 999}))(t); len(got) != 0 {
		t.Errorf("FindVisits of a missing zoo = %v", got)
	}
}

// testFindRandom compares every filter and order with the model after
// random writes, on the world of the find tests.
func testFindRandom(t *testing.T, open func(t *testing.T) zootour.Store) {
	r := rand.New(rand.NewPCG(12, 2026))
	w := findWorld(t, open, r)
	var zooIDs, animalIDs []int64
	for id := range w.m.Zoos {
		zooIDs = append(zooIDs, id)
	}
	for id := range w.m.Animals {
		animalIDs = append(animalIDs, id)
	}
	// Renames keep the derived keys exact.
	for range 30 {
		id := pick(r, zooIDs)
		z := must(w.s.UpdateZoo(t.Context(), id, zootour.ZooUpdate{Name: ptr(pick(r, names) + " " + pick(r, names))}))(t)
		w.m.Zoos[id] = z
		aid := pick(r, animalIDs)
		a := must(w.s.UpdateAnimal(t.Context(), aid, zootour.AnimalUpdate{Species: ptr(strings.ToUpper(pick(r, names)))}))(t)
		w.m.Animals[aid] = a
	}
	for _, text := range w.searches(r)[:20] {
		w.checkZoos(zootour.ZooFilter{Search: zootour.MustSearch(text)}, 1+r.IntN(5))
	}
	start := d("2010-01-01")
	for range 40 {
		var f zootour.VisitFilter
		if r.IntN(2) == 0 {
			f.ZooID = pick(r, zooIDs)
		}
		if r.IntN(2) == 0 {
			f.AnimalID = pick(r, animalIDs)
		}
		if r.IntN(2) == 0 {
			f.From = start.AddDays(r.IntN(4000))
		}
		if r.IntN(2) == 0 {
			f.To = start.AddDays(r.IntN(4000))
			if !f.From.IsZero() && f.To.Before(f.From) {
				f.From, f.To = f.To, f.From
			}
		}
		f.Sort = pick(r, []zootour.Sort{"", zootour.SortID, zootour.SortDate, zootour.SortDateDesc})
		w.checkVisits(f, 1+r.IntN(40))
	}
}

// testPresentDuring compares present during a window with the model on
// the world of the where-and-when tests and on random tours.
func testPresentDuring(t *testing.T, open func(t *testing.T) zootour.Store) {
	r := rand.New(rand.NewPCG(13, 2026))
	w := findWorld(t, open, r)
	var zooIDs []int64
	for id := range w.m.Zoos {
		zooIDs = append(zooIDs, id)
	}
	start := d("2009-06-01")
	ww := whereWhen(t, w.s)
	for range 40 {
		zoo := pick(r, zooIDs)
		from := start.AddDays(r.IntN(4400))
		to := from.AddDays(r.IntN(3) * r.IntN(800))
		want := w.m.PresentDuring(zoo, from, to)
		limit := 1 + r.IntN(6)
		got := walkPages(t, fmt.Sprintf("ZooPresent(%d, %s..%s)", zoo, from, to), limit, func(after zootour.Cursor) ([]zootour.Presence, error) {
			return ww.ZooPresent(t.Context(), zoo, zootour.PresentQuery{From: from, To: to, After: after, Limit: limit})
		}, zootour.Presence.Position)
		w.agree(fmt.Sprintf("ZooPresent(%d, %s..%s) walked %d at a time", zoo, from, to, limit), want, got, nil)
		if from == to {
			on := must(ww.ZooPresent(t.Context(), zoo, zootour.PresentQuery{On: from}))(t)
			w.agree(fmt.Sprintf("ZooPresent(%d, on %s) against the window of one day", zoo, from), want, on, nil)
		}
	}
	// The stays that only touch the window are not in it: one that ends on
	// its first day, one that starts the day after its last.
	m := teaching.New()
	s := open(t)
	x, y := addZoo(t, s, "X", "L"), addZoo(t, s, "Y", "L")
	a := addAnimal(t, s, "A", "S")
	addVisit(t, s, "2024-01-01", x.ID, a.ID)
	addVisit(t, s, "2024-02-01", y.ID, a.ID)
	addVisit(t, s, "2024-03-01", x.ID, a.ID)
	m.Zoos[x.ID], m.Zoos[y.ID], m.Animals[a.ID] = x, y, a
	for _, v := range must(s.FindVisits(t.Context(), zootour.VisitFilter{}))(t) {
		m.AddVisit(v)
	}
	for _, win := range [][2]string{{"2024-02-01", "2024-02-29"}, {"2024-01-31", "2024-03-01"}, {"2024-01-15", "2024-01-20"}} {
		want := m.PresentDuring(x.ID, d(win[0]), d(win[1]))
		got := must(whereWhen(t, s).ZooPresent(t.Context(), x.ID, zootour.PresentQuery{From: d(win[0]), To: d(win[1])}))(t)
		if dd := diff(want, got); dd != "" {
			t.Errorf("ZooPresent(X, %s..%s) (-want +got):\n%s", win[0], win[1], dd)
		}
	}
	if got := must(whereWhen(t, s).ZooPresent(t.Context(), x.ID, zootour.PresentQuery{From: d("2024-02-01"), To: d("2024-02-29")}))(t); len(got) != 0 {
		t.Errorf("a stay that ends on the window's first day counts: %v", got)
	}
	if got := must(whereWhen(t, s).ZooPresent(t.Context(), x.ID, zootour.PresentQuery{From: d("2024-01-31"), To: d("2024-03-01")}))(t); len(got) != 2 {
		t.Errorf("two stays in the window, got %v", got)
	}
}
