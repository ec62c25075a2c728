package pages

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/zootour/zootour"
)

// window is the date window form of a zoo's or an animal's page.
type window struct {
	Action   string
	From, To *field
	Hidden   []hidden // the page's other question (?on=), carried along
	ClearURL string   // the page without the window
	query    zootour.Query
}

// OK reports whether both dates could be read.
func (w *window) OK() bool { return w.From.Error == "" && w.To.Error == "" }

// Set reports whether the window narrows the listing.
func (w *window) Set() bool { return w.From.Value != "" || w.To.Value != "" }

// overlaps reports whether the stay has a day in the window.
func (w *window) overlaps(st zootour.Stay) bool {
	return (w.query.To.IsZero() || !st.From.After(w.query.To)) && (w.query.From.IsZero() || st.To == nil || st.To.After(w.query.From))
}

// link returns path with the window's dates.
func (w *window) link(path string) string {
	v := url.Values{}
	if w.From.Value != "" {
		v.Set("from", w.From.Value)
	}
	if w.To.Value != "" {
		v.Set("to", w.To.Value)
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// readWindow reads ?from= and ?to=; a bad date is marked on its field.
// keep names the parameters that the form sends along with the window.
func readWindow(r *http.Request, keep ...string) *window {
	q := r.URL.Query()
	w := &window{
		Action:   r.URL.Path,
		From:     &field{Name: "from", Label: "From", Type: "date", Value: q.Get("from"), Min: "0001-01-01", Max: "9999-12-31"},
		To:       &field{Name: "to", Label: "To", Type: "date", Value: q.Get("to"), Min: "0001-01-01", Max: "9999-12-31"},
		ClearURL: r.URL.Path,
	}
	back := url.Values{}
	for _, k := range keep {
		if v := q.Get(k); v != "" {
			w.Hidden = append(w.Hidden, hidden{k, v})
			back.Set(k, v)
		}
	}
	if len(back) > 0 {
		w.ClearURL += "?" + back.Encode()
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

// The parameters of a zoo's page: the window, the date of the question
// who was there, and where each of its listings stands.
var zooParams = []string{"from", "to", "on", "a", "after", "prev", "present", "present_prev", "during", "during_prev"}

// zooPage is the data of /zoos/{id}.
type zooPage struct {
	layout
	Zoo          zootour.Zoo
	During       []zootour.Presence // every stay here that overlaps the window
	DuringPager  pager
	Present      *dateForm
	Presences    []zootour.Presence
	PresentCount int // how many are there on the date, over every page
	PresentPager pager
	Window       *window
	Visits       []zootour.ZooAnimal
	Pager        pager
	Animals      []animalSummary // this page of them
	AnimalCount  int             // all of them
	AnimalsFrom  int             // the first on this page, from 1
	AnimalPager  pager
	Counted      int  // visits summed up in Animals
	Capped       bool // the window has more visits than were counted
	SummaryMax   int
	AddVisitURL  string
	History      *historyPart
}

// zoo answers /zoos/{id}: the zoo, the animals present on a date (today
// unless ?on= says otherwise), presentPerPage at a time, its animals in the
// window (how many times and when each came, summed up from at most
// summaryMax visits) and its visits by date, visitsPerPage at a time.
func (u *ui) zoo(w http.ResponseWriter, r *http.Request) error {
	z, id, err := lookup(r, "zoo", u.store.Zoo)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := &zooPage{layout: layout{Title: z.Name, Section: "zoos"}, Zoo: z, SummaryMax: summaryMax,
		Present: readOn(r, "Who was here on a date", "Show", "from", "to"), Window: readWindow(r, "on")}
	p.AddVisitURL = "/visits/new?zoo=" + strconv.FormatInt(id, 10) + "&back=" + url.QueryEscape(r.URL.Path)
	if p.History, err = u.history(r, zootour.KindZoo, id); err != nil {
		return err
	}
	status := http.StatusOK
	if p.Present.OK() {
		ps := readPageStateAs(r, "present", "present_prev", without(zooParams, "present", "present_prev")...)
		after, err := ps.afterPosition()
		if err != nil {
			return err
		}
		here, err := u.store.ZooPresent(ctx, id, zootour.PresentQuery{On: p.Present.Date, After: after, Limit: presentPerPage + 1})
		if err != nil {
			return err
		}
		var next string
		p.Presences, next = cut(here, presentPerPage, func(e zootour.Presence) string { return positionKey(e.Position()) })
		p.PresentPager = ps.links("Pages of the animals present", next)
		p.PresentPager.Download = downloadOf(zooAPI(id, "present"), "on", p.Present.Date.String())
		p.PresentCount = len(p.Presences)
		if next != "" || !after.IsZero() {
			// More than a page: count them all (one animal, one stay, on a
			// day, so the count is the zoo's population then).
			all, err := u.store.ZooPresent(ctx, id, zootour.PresentQuery{On: p.Present.Date})
			if err != nil {
				return err
			}
			p.PresentCount = len(all)
		}
	} else {
		status = http.StatusBadRequest
	}
	if !p.Window.OK() {
		u.render(w, r, http.StatusBadRequest, "zoo.html", p)
		return nil
	}
	if p.Window.Set() {
		// Who was here during the window: every stay that overlaps it, an
		// open end reaching to the first or last date.
		ps := readPageStateAs(r, "during", "during_prev", without(zooParams, "during", "during_prev")...)
		q := zootour.PresentQuery{From: p.Window.query.From, To: p.Window.query.To, Limit: presentPerPage + 1}
		if q.From.IsZero() {
			q.From = zootour.MinDate
		}
		if q.To.IsZero() {
			q.To = zootour.MaxDate
		}
		if q.After, err = ps.afterCursor(); err != nil {
			return err
		}
		during, err := u.store.ZooPresent(ctx, id, q)
		if err != nil {
			return err
		}
		var next string
		p.During, next = cut(during, presentPerPage, func(e zootour.Presence) string { return e.Position().String() })
		p.DuringPager = ps.links("Pages of the animals here during the window", next)
		p.DuringPager.Download = downloadOf(zooAPI(id, "present"), "from", q.From.String(), "to", q.To.String())
	}
	ps := readPageState(r, without(zooParams, "after", "prev")...)
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
	p.Pager.Download = downloadOf(zooAPI(id, "animals"), p.Window.params()...)

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
	p.AnimalPager.Download = downloadOf(zooAPI(id, "animals"), append(p.Window.params(), "distinct", "true")...)
	u.render(w, r, status, "zoo.html", p)
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

// The parameters of an animal's page: the window, the date of the
// question where it was, and where each of its listings stands.
var animalParams = []string{"from", "to", "on", "after", "prev", "stays", "stays_prev"}

// animalPage is the data of /animals/{id}.
type animalPage struct {
	layout
	Animal      zootour.Animal
	Where       *dateForm
	WhereAt     *whereAnswer
	Window      *window
	Timeline    *timeline
	Stays       []stayRow
	StaysPager  pager
	ContactsURL string
	Visits      []zootour.AnimalZoo
	Pager       pager
	AddVisitURL string
	History     *historyPart
}

// animal answers /animals/{id}: the animal; where it was on a date (today
// unless ?on= says otherwise); and in the window a timeline of its whole
// tour, its itinerary as stays and its visits, each listing a page at a
// time, and a link to the animals it met.
func (u *ui) animal(w http.ResponseWriter, r *http.Request) error {
	a, id, err := lookup(r, "animal", u.store.Animal)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := &animalPage{layout: layout{Title: a.Name, Section: "animals"}, Animal: a,
		Where: readOn(r, "Where on a date", "Show", "from", "to"), Window: readWindow(r, "on")}
	p.AddVisitURL = "/visits/new?animal=" + strconv.FormatInt(id, 10) + "&back=" + url.QueryEscape(r.URL.Path)
	if p.History, err = u.history(r, zootour.KindAnimal, id); err != nil {
		return err
	}
	n := newNamer(ctx, u.store)
	status := http.StatusOK
	var stays []zootour.Stay
	if p.Window.OK() {
		if err := u.animalWindow(ctx, r, n, id, p); err != nil {
			return err
		}
		for _, s := range p.Stays {
			stays = append(stays, s.Stay)
		}
	} else {
		status = http.StatusBadRequest
	}
	if p.Where.OK() {
		st, err := u.stayOn(ctx, id, p.Where.Date, stays)
		if err != nil {
			return err
		}
		p.WhereAt = &whereAnswer{Stay: st}
		if st != nil {
			if p.WhereAt.Zoo, err = n.zoo(st.ZooID); err != nil {
				return err
			}
		}
	} else {
		status = http.StatusBadRequest
	}
	u.render(w, r, status, "animal.html", p)
	return nil
}

// animalWindow fills in the parts of an animal's page that the window
// narrows: the timeline, the stays, the contacts and the visits.
func (u *ui) animalWindow(ctx context.Context, r *http.Request, n *namer, id int64, p *animalPage) error {
	ps := readPageState(r, without(animalParams, "after", "prev")...)
	q := p.Window.query
	var err error
	if q.After, err = ps.afterPosition(); err != nil {
		return err
	}
	q.Limit = visitsPerPage + 1
	visits, err := u.store.AnimalZoos(ctx, id, q)
	if err != nil {
		return err
	}
	var next string
	p.Visits, next = cut(visits, visitsPerPage, func(e zootour.AnimalZoo) string { return positionKey(e.Position()) })
	p.Pager = ps.links("Pages of the visits", next)
	p.Pager.Download = downloadOf(animalAPI(id, "zoos"), p.Window.params()...)

	// The timeline draws the whole tour in the window: every stay, read
	// from the stays index (a stay per bar, however many visits).
	all, err := u.store.AnimalStays(ctx, id, zootour.StayQuery{})
	if err != nil {
		return err
	}
	var drawn []zootour.Stay
	for _, st := range all {
		if p.Window.overlaps(st) {
			drawn = append(drawn, st)
		}
	}
	for _, st := range drawn {
		if _, err := n.zoo(st.ZooID); err != nil {
			return err
		}
	}
	p.Timeline = drawTimeline(p.Animal, drawn, func(id int64) zootour.Zoo { z, _ := n.zoo(id); return z }, today())

	ps = readPageStateAs(r, "stays", "stays_prev", without(animalParams, "stays", "stays_prev")...)
	stays, next, err := u.animalStays(ctx, id, p.Window.query, ps)
	if err != nil {
		return err
	}
	now := today()
	for _, st := range stays {
		z, err := n.zoo(st.ZooID)
		if err != nil {
			return err
		}
		p.Stays = append(p.Stays, newStayRow(st, z, now))
	}
	p.StaysPager = ps.links("Pages of the itinerary", next)
	if !p.Window.Set() {
		// The API's itinerary has no window: offered only for the whole.
		p.StaysPager.Download = downloadOf(animalAPI(id, "itinerary"))
	}
	p.ContactsURL = p.Window.link("/animals/" + strconv.FormatInt(id, 10) + "/contacts")
	return nil
}

// contactsPage is the data of /animals/{id}/contacts.
type contactsPage struct {
	layout
	Animal   zootour.Animal
	Window   *window
	Contacts []contactRow
	Pager    pager
}

// contacts answers /animals/{id}/contacts: the animals it met in the
// window, a page at a time, on a page of their own so that the animal's
// page draws at once however many it met.
func (u *ui) contacts(w http.ResponseWriter, r *http.Request) error {
	a, id, err := lookup(r, "animal", u.store.Animal)
	if err != nil {
		return err
	}
	p := &contactsPage{layout: layout{Title: "Contacts of " + a.Name, Section: "animals"}, Animal: a, Window: readWindow(r)}
	if !p.Window.OK() {
		u.render(w, r, http.StatusBadRequest, "contacts.html", p)
		return nil
	}
	ps := readPageStateAs(r, "contacts", "contacts_prev", "from", "to")
	var next string
	if p.Contacts, next, err = u.animalContacts(r.Context(), newNamer(r.Context(), u.store), id, p.Window.query, ps); err != nil {
		return err
	}
	p.Pager = ps.links("Pages of the animals met", next)
	p.Pager.Download = downloadOf(animalAPI(id, "contacts"), p.Window.params()...)
	u.render(w, r, http.StatusOK, "contacts.html", p)
	return nil
}

// zooAPI and animalAPI are the paths of a record's API listings.
func zooAPI(id int64, listing string) string {
	return "/api/zoos/" + strconv.FormatInt(id, 10) + "/" + listing
}

func animalAPI(id int64, listing string) string {
	return "/api/animals/" + strconv.FormatInt(id, 10) + "/" + listing
}
