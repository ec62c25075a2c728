package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/zootour/zootour"
)

// window is the date window form of a zoo's or an animal's page.
type window struct {
	Action   string
	From, To *field
	query    zootour.Query
}

// OK reports whether both dates could be read.
func (w *window) OK() bool { return w.From.Error == "" && w.To.Error == "" }

// Set reports whether the window narrows the listing.
func (w *window) Set() bool { return w.From.Value != "" || w.To.Value != "" }

// readWindow reads ?from= and ?to=; a bad date is marked on its field.
func readWindow(r *http.Request) *window {
	q := r.URL.Query()
	w := &window{
		Action: r.URL.Path,
		From:   &field{Name: "from", Label: "From", Type: "date", Value: q.Get("from"), Min: "0001-01-01", Max: "9999-12-31"},
		To:     &field{Name: "to", Label: "To", Type: "date", Value: q.Get("to"), Min: "0001-01-01", Max: "9999-12-31"},
	}
	read := func(f *field) zootour.Date {
		if f.Value == "" {
			return zootour.Date{}
		}
		d, err := zootour.ParseDate(f.Value)
		if err != nil {
			f.Error = sentence(err.Error())
		}
		return d
	}
	w.query.From, w.query.To = read(w.From), read(w.To)
	if w.OK() && w.query.Validate() != nil {
		w.To.Error = "The to date comes before the from date."
	}
	return w
}

// animalSummary is one animal of a zoo's window: how many times it came
// and when.
type animalSummary struct {
	zootour.Animal
	Visits      int
	First, Last zootour.Date
	Dates       []zootour.Date // the first few
	More        int            // dates not in Dates
}

const summaryDates = 6

// zooPage is the data of /zoos/{id}.
type zooPage struct {
	layout
	Zoo         zootour.Zoo
	Window      *window
	Visits      []zootour.ZooAnimal
	Pager       pager
	Animals     []animalSummary // this page of them
	AnimalCount int             // all of them
	AnimalsFrom int             // the first on this page, from 1
	AnimalPager pager
	Counted     int  // visits summed up in Animals
	Capped      bool // the window has more visits than were counted
	SummaryMax  int
	AddVisitURL string
}

// zoo answers /zoos/{id}: the zoo, its animals in the window (how many
// times and when each came, summed up from at most summaryMax visits) and
// its visits by date, visitsPerPage at a time.
func (u *ui) zoo(w http.ResponseWriter, r *http.Request) error {
	z, id, err := lookup(r, "zoo", u.store.Zoo)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := &zooPage{layout: layout{Title: z.Name, Section: "zoos"}, Zoo: z, Window: readWindow(r), SummaryMax: summaryMax}
	p.AddVisitURL = "/visits/new?zoo=" + strconv.FormatInt(id, 10) + "&back=" + url.QueryEscape(r.URL.Path)
	if !p.Window.OK() {
		u.render(w, r, http.StatusBadRequest, "zoo.html", p)
		return nil
	}
	ps := readPageState(r, "from", "to", "a")
	q := p.Window.query
	if q.After, err = ps.afterPosition(); err != nil {
		return err
	}
	q.Limit = visitsPerPage + 1
	entries, err := u.store.ZooAnimals(ctx, id, q)
	if err != nil {
		return err
	}
	var next string
	p.Visits, next = cut(entries, visitsPerPage, func(e zootour.ZooAnimal) string { return positionKey(e.Position()) })
	p.Pager = ps.links("Pages of visits", next)

	q = p.Window.query
	q.Limit = summaryMax + 1
	all, err := u.store.ZooAnimals(ctx, id, q)
	if err != nil {
		return err
	}
	if len(all) > summaryMax {
		all, p.Capped = all[:summaryMax], true
	}
	p.Counted = len(all)
	p.Animals = summarize(all)
	// The summary is in memory, so its pages go by offset: ?a=.
	p.AnimalCount = len(p.Animals)
	start := 0
	if s := r.URL.Query().Get("a"); s != "" {
		if start, err = strconv.Atoi(s); err != nil || start < 0 || start >= max(p.AnimalCount, 1) {
			return errPageLink
		}
	}
	end := min(start+summaryPerPage, p.AnimalCount)
	p.Animals, p.AnimalsFrom = p.Animals[start:end], start+1
	p.AnimalPager = offsetLinks(r, "a", "Pages of animals", start, end, p.AnimalCount, summaryPerPage)
	u.render(w, r, http.StatusOK, "zoo.html", p)
	return nil
}

// summarize groups a zoo's visits by animal, in the order of each
// animal's first visit (the order of a distinct listing).
func summarize(entries []zootour.ZooAnimal) []animalSummary {
	var out []animalSummary
	at := make(map[int64]int)
	for _, e := range entries {
		i, seen := at[e.ID]
		if !seen {
			i = len(out)
			at[e.ID] = i
			out = append(out, animalSummary{Animal: e.Animal, First: e.Date})
		}
		s := &out[i]
		s.Visits++
		s.Last = e.Date
		if len(s.Dates) < summaryDates {
			s.Dates = append(s.Dates, e.Date)
		} else {
			s.More++
		}
	}
	return out
}

// animalPage is the data of /animals/{id}.
type animalPage struct {
	layout
	Animal      zootour.Animal
	Window      *window
	Stops       []zootour.AnimalZoo
	Pager       pager
	Timeline    *timeline
	AddVisitURL string
}

// animal answers /animals/{id}: the animal, a timeline of the window's
// first timelineMax visits, and its itinerary (the zoos of its visits in
// date order), visitsPerPage at a time.
func (u *ui) animal(w http.ResponseWriter, r *http.Request) error {
	a, id, err := lookup(r, "animal", u.store.Animal)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := &animalPage{layout: layout{Title: a.Name, Section: "animals"}, Animal: a, Window: readWindow(r)}
	p.AddVisitURL = "/visits/new?animal=" + strconv.FormatInt(id, 10) + "&back=" + url.QueryEscape(r.URL.Path)
	if !p.Window.OK() {
		u.render(w, r, http.StatusBadRequest, "animal.html", p)
		return nil
	}
	ps := readPageState(r, "from", "to")
	q := p.Window.query
	if q.After, err = ps.afterPosition(); err != nil {
		return err
	}
	q.Limit = visitsPerPage + 1
	stops, err := u.store.AnimalZoos(ctx, id, q)
	if err != nil {
		return err
	}
	var next string
	p.Stops, next = cut(stops, visitsPerPage, func(e zootour.AnimalZoo) string { return positionKey(e.Position()) })
	p.Pager = ps.links("Pages of the itinerary", next)

	q = p.Window.query
	q.Limit = timelineMax + 1
	drawn, err := u.store.AnimalZoos(ctx, id, q)
	if err != nil {
		return err
	}
	capped := len(drawn) > timelineMax
	if capped {
		drawn = drawn[:timelineMax]
	}
	p.Timeline = drawTimeline(a, drawn, capped)
	u.render(w, r, http.StatusOK, "animal.html", p)
	return nil
}
