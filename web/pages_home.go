package web

import (
	"context"
	"math"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/zootour/zootour"
)

// homePage is the data of /.
type homePage struct {
	layout
	Counts zootour.Counts
	Recent []visitRow
}

// home answers /: how many records there are, the most recent visits (the
// ones with the highest IDs, that is the last recorded) and a search box.
func (u *ui) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := &homePage{layout: layout{Title: "", Section: "home"}}
	var err error
	if p.Counts, err = u.store.Counts(ctx); err != nil {
		return err
	}
	vs, err := lastVisits(ctx, u.store, recentVisits, p.Counts.Visits)
	if err != nil {
		return err
	}
	if p.Recent, err = newNamer(ctx, u.store).rows(vs); err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, "home.html", p)
	return nil
}

// lastVisits returns the n visits with the highest IDs, highest first.
//
// The store lists visits by ascending ID only, so this searches for the
// key after which exactly n visits remain: has(x) says whether n visits
// have an ID above x, which holds up to some x and then fails. A guess
// from the count (IDs are mostly dense) and a gallop bound the search, so
// it costs about a dozen small index reads, not a walk through every visit.
func lastVisits(ctx context.Context, s zootour.Store, n int, count int64) ([]zootour.Visit, error) {
	has := func(x int64) (bool, error) {
		vs, err := s.Visits(ctx, zootour.Page{After: x, Limit: n})
		return len(vs) == n, err
	}
	lo, hi := int64(0), int64(math.MaxInt64) // has(lo); !has(hi) once known
	if ok, err := has(0); err != nil || !ok {
		vs, err := s.Visits(ctx, zootour.Page{})
		slices.Reverse(vs)
		return vs, err
	}
	if guess := count - int64(n); guess > 0 {
		ok, err := has(guess)
		if err != nil {
			return nil, err
		}
		if ok {
			lo = guess
		} else {
			hi = guess
		}
	}
	if hi == math.MaxInt64 {
		for step := int64(64); ; step *= 2 {
			if step > math.MaxInt64/4 || lo > math.MaxInt64-step {
				break
			}
			ok, err := has(lo + step)
			if err != nil {
				return nil, err
			}
			if !ok {
				hi = lo + step
				break
			}
			lo += step
		}
	}
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		ok, err := has(mid)
		if err != nil {
			return nil, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	vs, err := s.Visits(ctx, zootour.Page{After: lo, Limit: n})
	slices.Reverse(vs)
	return vs, err
}

// searchPage is the data of /search.
type searchPage struct {
	layout
	Searched              bool
	Zoos                  []zootour.Zoo
	Animals               []zootour.Animal
	MoreZoos, MoreAnimals bool
	Max                   int
	Error                 string
}

// search answers /search?q=: the zoos whose name or location, and the
// animals whose name or species, hold q, ignoring case.
//
// The store has no search, so this walks the zoos and the animals a page
// at a time: O(records) reads when there are few matches, stopping after
// searchMax matches of each kind. A store method (SQL LIKE, an index)
// could take its place.
func (u *ui) search(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	p := &searchPage{layout: layout{Title: "Search", Section: "search", Q: q}, Max: searchMax}
	if q != "" {
		p.Title = "Search for " + q
	}
	switch {
	case q == "":
	case !utf8.ValidString(q) || utf8.RuneCountInString(q) > zootour.MaxTextLen:
		p.Error = "Search for at most 200 characters of text."
		u.render(w, r, http.StatusBadRequest, "search.html", p)
		return nil
	default:
		p.Searched = true
		needle := strings.ToLower(q)
		has := func(fields ...string) bool {
			for _, f := range fields {
				if strings.Contains(strings.ToLower(f), needle) {
					return true
				}
			}
			return false
		}
		var err error
		p.Zoos, p.MoreZoos, err = scan(ctx, u.store.Zoos, zooKey, func(z zootour.Zoo) bool { return has(z.Name, z.Location) })
		if err != nil {
			return err
		}
		p.Animals, p.MoreAnimals, err = scan(ctx, u.store.Animals, animalKey, func(a zootour.Animal) bool { return has(a.Name, a.Species) })
		if err != nil {
			return err
		}
	}
	u.render(w, r, http.StatusOK, "search.html", p)
	return nil
}

// scan returns the first searchMax records that match, and whether there
// are more.
func scan[T any](ctx context.Context, fetch func(context.Context, zootour.Page) ([]T, error), key func(T) int64, match func(T) bool) ([]T, bool, error) {
	var out []T
	for t, err := range zootour.All(1000, func(after int64) ([]T, error) {
		return fetch(ctx, zootour.Page{After: after, Limit: 1000})
	}, key) {
		if err != nil {
			return nil, false, err
		}
		if match(t) {
			if len(out) == searchMax {
				return out, true, nil
			}
			out = append(out, t)
		}
	}
	return out, false, nil
}
