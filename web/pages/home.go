package pages

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/zootour/zootour"
)

// homePage is the data of /.
type homePage struct {
	layout
	Counts zootour.Counts
	Recent []visitRow
}

// home answers /: how many records there are, the latest visits (newest
// first by date, as /visits lists them) and a search box.
func (u *ui) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := &homePage{layout: layout{Title: "", Section: "home"}}
	var err error
	if p.Counts, err = u.store.Counts(ctx); err != nil {
		return err
	}
	vs, err := u.store.FindVisits(ctx, zootour.VisitFilter{Sort: zootour.SortDateDesc, Limit: recentVisits})
	if err != nil {
		return err
	}
	if p.Recent, err = newNamer(ctx, u.store).rows(vs); err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, "home.html", p)
	return nil
}

// searchPage is the data of /search.
type searchPage struct {
	layout
	Searched              bool
	Zoos                  []zootour.Zoo
	Animals               []animalHit
	MoreZoos, MoreAnimals string // links to the whole lists of matches
	Max                   int
	Error                 string
}

// animalHit is an animal found, with what tells it apart from others of
// its name: its ID, its species and where it is today.
type animalHit struct {
	zootour.Animal
	Now *zootour.Zoo
}

// search answers /search?q=: the zoos and the animals whose words start
// with the words of q, case and accents ignored, or whose ID q is
// (docs/finding.md), searchMax of each in name order, with links to the
// rest.
func (u *ui) search(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	text := r.URL.Query().Get("q")
	p := &searchPage{layout: layout{Title: "Search", Section: "search", Q: text}, Max: searchMax}
	if strings.TrimSpace(text) == "" {
		u.render(w, r, http.StatusOK, "search.html", p)
		return nil
	}
	q, err := zootour.ParseSearch(text)
	if err != nil {
		p.Error = sentence(err.Error())
		u.render(w, r, http.StatusBadRequest, "search.html", p)
		return nil
	}
	p.Title, p.Searched = "Search for "+q.String(), true
	zoos, err := u.store.FindZoos(ctx, zootour.ZooFilter{Search: q, Limit: searchMax + 1})
	if err != nil {
		return err
	}
	animals, err := u.store.FindAnimals(ctx, zootour.AnimalFilter{Search: q, Limit: searchMax + 1})
	if err != nil {
		return err
	}
	more := url.Values{"q": {q.String()}}.Encode()
	if len(zoos) > searchMax {
		zoos, p.MoreZoos = zoos[:searchMax], "/zoos?"+more
	}
	if len(animals) > searchMax {
		animals, p.MoreAnimals = animals[:searchMax], "/animals?"+more
	}
	p.Zoos = zoos
	today := zootour.DateOf(time.Now())
	for _, a := range animals {
		z, err := u.store.AnimalWhere(ctx, a.ID, today)
		if err != nil {
			return err
		}
		p.Animals = append(p.Animals, animalHit{Animal: a, Now: z})
	}
	u.render(w, r, http.StatusOK, "search.html", p)
	return nil
}
