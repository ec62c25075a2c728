package pages

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/zootour/zootour"
)

// Where and when on the pages: an animal's stays, where it was on a date
// and whom it met; who was at a zoo on a date; the census (census.go).
// The store derives all of it from visits (zootour.WhereWhen); a page asks
// it a bounded number of questions, each for one page of answers.

const (
	staysPerPage    = 100
	contactsPerPage = 100
	presentPerPage  = 100
	overlapsShown   = 6 // overlaps listed per contact; the rest are counted
)

// today is the date a question is about when none is given: the server's
// local date, as in the API.
func today() zootour.Date { return zootour.DateOf(time.Now()) }

// dateForm is a page's form for a question about one date: ?on=, today
// when absent.
type dateForm struct {
	Action   string
	Legend   string
	Submit   string
	On       *field
	Hidden   []hidden // the page's other parameters (the window), carried along
	Date     zootour.Date
	IsToday  bool
	TodayURL string // the same page about today, when it is about another date
}

// OK reports whether the date could be read.
func (f *dateForm) OK() bool { return f.On.Error == "" }

// readOn reads ?on=; a bad date is marked on its field. keep names the
// parameters that the form sends along with the date.
func readOn(r *http.Request, legend, submit string, keep ...string) *dateForm {
	q := r.URL.Query()
	f := &dateForm{Action: r.URL.Path, Legend: legend, Submit: submit,
		On: &field{Name: "on", Label: "Date", Type: "date", Value: q.Get("on"), Min: "0001-01-01", Max: "9999-12-31"}}
	back := url.Values{}
	for _, k := range keep {
		if v := q.Get(k); v != "" {
			f.Hidden = append(f.Hidden, hidden{k, v})
			back.Set(k, v)
		}
	}
	now := today()
	if f.On.Value == "" {
		f.Date, f.On.Value = now, now.String()
	} else if d, err := zootour.ParseDate(f.On.Value); err != nil {
		f.On.Error = sentence(err.Error())
	} else {
		f.Date = d
	}
	f.IsToday = f.OK() && f.Date == now
	if q.Get("on") != "" && !f.IsToday {
		f.TodayURL = r.URL.Path
		if len(back) > 0 {
			f.TodayURL += "?" + back.Encode()
		}
	}
	return f
}

// stayRow is one stay of an animal, for people.
type stayRow struct {
	zootour.Stay
	Zoo   zootour.Zoo
	Days  int  // days at the zoo: to the day it left, or up to and with today
	Ahead bool // a stay that is still open and begins after today
}

func newStayRow(st zootour.Stay, z zootour.Zoo, now zootour.Date) stayRow {
	row := stayRow{Stay: st, Zoo: z}
	switch {
	case st.To != nil:
		row.Days = st.From.DaysUntil(*st.To)
	case now.Before(st.From):
		row.Ahead = true
	default:
		row.Days = st.From.DaysUntil(now) + 1
	}
	return row
}

// dayBefore returns the key after which a listing by date starts at d:
// the day before it, or the zero Date (from the start) for the first day.
func dayBefore(d zootour.Date) zootour.Date {
	if d == zootour.MinDate {
		return zootour.Date{}
	}
	return d.AddDays(-1)
}

// stayOn returns the animal's stay that covers d, or nil before its first
// visit. known are stays already read, which may hold it.
//
// The store lists stays forward from a date only, so the stay covering d,
// the last to start on or before d, is found by searching for how far
// before d to start listing: one AnimalStays call for a single stay per
// step, galloping back from d, then bisecting. That is about
// 2·log2(days since the stay began) small calls, never a walk through
// the tour.
func (u *ui) stayOn(ctx context.Context, animalID int64, d zootour.Date, known []zootour.Stay) (*zootour.Stay, error) {
	for i := range known {
		if known[i].Covers(d) {
			return &known[i], nil
		}
	}
	// first returns the first stay that starts within k days up to d, if
	// there is one (any k > the days since 0001-01-01 means from the start).
	first := func(k int) (*zootour.Stay, error) {
		var after zootour.Date
		if k <= zootour.MinDate.DaysUntil(d) {
			after = d.AddDays(-k)
		}
		stays, err := u.store.AnimalStays(ctx, animalID, zootour.StayQuery{After: zootour.Cursor{Date: after}, Limit: 1})
		if err != nil || len(stays) == 0 || stays[0].From.After(d) {
			return nil, err
		}
		return &stays[0], nil
	}
	found, err := first(math.MaxInt)
	if found == nil || err != nil {
		return nil, err
	}
	// No stay starts within kf days up to d; found starts kt days up to d
	// (on d-kt+1). When kt is kf+1, found is the last to start by d.
	kf, kt := 0, found.From.DaysUntil(d)+1
	for k := 1; k < kt; k *= 2 {
		s, err := first(k)
		if err != nil {
			return nil, err
		}
		if s != nil {
			found, kt = s, s.From.DaysUntil(d)+1
			break
		}
		kf = k
	}
	for kt-kf > 1 {
		mid := kf + (kt-kf)/2
		s, err := first(mid)
		if err != nil {
			return nil, err
		}
		if s != nil {
			found, kt = s, s.From.DaysUntil(d)+1
		} else {
			kf = mid
		}
	}
	return found, nil
}

// whereAnswer is the answer to "where was the animal on the date?".
type whereAnswer struct {
	Stay *zootour.Stay // nil before the animal's first visit
	Zoo  zootour.Zoo
}

// animalStays returns the page of the animal's stays that overlap the
// window (all of them without one) and the key of the next page: the From
// of the page's last stay, the API's cursor too.
func (u *ui) animalStays(ctx context.Context, animalID int64, win zootour.Query, ps pageState) ([]zootour.Stay, string, error) {
	after, err := ps.afterDate()
	if err != nil {
		return nil, "", err
	}
	if ps.after == "" && !win.From.IsZero() {
		// The first stay in the window may have begun long before it.
		st, err := u.stayOn(ctx, animalID, win.From, nil)
		if err != nil {
			return nil, "", err
		}
		if st != nil {
			after = dayBefore(st.From)
		} else {
			after = dayBefore(win.From)
		}
	}
	stays, err := u.store.AnimalStays(ctx, animalID, zootour.StayQuery{After: zootour.Cursor{Date: after}, Limit: staysPerPage + 1})
	if err != nil {
		return nil, "", err
	}
	if !win.To.IsZero() {
		for i, st := range stays {
			if st.From.After(win.To) {
				stays = stays[:i]
				break
			}
		}
	}
	stays, next := cut(stays, staysPerPage, func(st zootour.Stay) string { return st.From.String() })
	return stays, next, nil
}

// contactRow is another animal that shared a zoo with the animal, and
// when.
type contactRow struct {
	zootour.Animal
	Overlaps []overlapRow // the first overlapsShown
	More     int          // overlaps not listed
}

type overlapRow struct {
	zootour.Overlap
	Zoo zootour.Zoo
}

// animalContacts returns the page of the animal's contacts in the window
// and the key of the next page: the last contact's ID.
func (u *ui) animalContacts(ctx context.Context, n *namer, animalID int64, win zootour.Query, ps pageState) ([]contactRow, string, error) {
	after, err := ps.afterID()
	if err != nil {
		return nil, "", err
	}
	cs, err := u.store.AnimalContacts(ctx, animalID, zootour.ContactQuery{From: win.From, To: win.To, After: zootour.Cursor{ID: after}, Limit: contactsPerPage + 1})
	if err != nil {
		return nil, "", err
	}
	cs, next := cut(cs, contactsPerPage, func(c zootour.Contact) string { return strconv.FormatInt(c.ID, 10) })
	rows := make([]contactRow, len(cs))
	for i, c := range cs {
		rows[i] = contactRow{Animal: c.Animal, More: max(0, len(c.Overlaps)-overlapsShown)}
		for _, o := range c.Overlaps[:min(len(c.Overlaps), overlapsShown)] {
			z, err := n.zoo(o.ZooID)
			if err != nil {
				return nil, "", err
			}
			rows[i].Overlaps = append(rows[i].Overlaps, overlapRow{o, z})
		}
	}
	return rows, next, nil
}

// onURL links a zoo's page about a date: who was there then.
func onURL(zooID int64, d zootour.Date) string {
	return "/zoos/" + strconv.FormatInt(zooID, 10) + "?on=" + d.String()
}
