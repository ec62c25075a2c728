package pages

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/internal/webtest"
)

// seedWhere stores a small tour, with IDs as given:
//
//	Rosa (1, flamingo): Artis 2024-03-01 and 2024-04-01 (one stay), Blijdorp
//	  2024-05-20, Artis 2024-12-01 (still there)
//	Bram (2, bear): Artis 2024-04-02, Blijdorp 2024-06-01 (still there)
//	Kees (3, flamingo): Artis 2024-05-20 (still there)
//	Late (4, owl): Artis 2099-01-01, the future
//	Solo (5, owl): Wildlands 2024-01-01, alone
func seedWhere(t *testing.T, s zootour.Store) {
	t.Helper()
	d := zootour.MustDate
	err := s.Import(t.Context(), zootour.Source{
		Zoos: webtest.SeqOf(
			zootour.Zoo{ID: 1, Name: "Artis", Location: "Amsterdam"},
			zootour.Zoo{ID: 2, Name: "Blijdorp", Location: "Rotterdam"},
			zootour.Zoo{ID: 3, Name: "Wildlands", Location: "Emmen"},
		),
		Animals: webtest.SeqOf(
			zootour.Animal{ID: 1, Name: "Rosa", Species: "flamingo"},
			zootour.Animal{ID: 2, Name: "Bram", Species: "bear"},
			zootour.Animal{ID: 3, Name: "Kees", Species: "flamingo"},
			zootour.Animal{ID: 4, Name: "Late", Species: "owl"},
			zootour.Animal{ID: 5, Name: "Solo", Species: "owl"},
		),
		Visits: webtest.SeqOf(
			zootour.Visit{ID: 1, Date: d("2024-03-01"), ZooID: 1, AnimalID: 1},
			zootour.Visit{ID: 2, Date: d("2024-04-01"), ZooID: 1, AnimalID: 1},
			zootour.Visit{ID: 3, Date: d("2024-05-20"), ZooID: 2, AnimalID: 1},
			zootour.Visit{ID: 4, Date: d("2024-12-01"), ZooID: 1, AnimalID: 1},
			zootour.Visit{ID: 5, Date: d("2024-04-02"), ZooID: 1, AnimalID: 2},
			zootour.Visit{ID: 6, Date: d("2024-06-01"), ZooID: 2, AnimalID: 2},
			zootour.Visit{ID: 7, Date: d("2024-05-20"), ZooID: 1, AnimalID: 3},
			zootour.Visit{ID: 8, Date: d("2099-01-01"), ZooID: 1, AnimalID: 4},
			zootour.Visit{ID: 9, Date: d("2024-01-01"), ZooID: 3, AnimalID: 5},
		),
	})
	if err != nil {
		t.Fatal(err)
	}
}

var (
	tags   = regexp.MustCompile(`<[^>]*>`)
	spaces = regexp.MustCompile(`\s+`)
	loose  = regexp.MustCompile(`\( | ([,.)])`)
)

// narrowCopy is the copy of a stay's end that only a phone shows.
var narrowCopy = regexp.MustCompile(`<span class="detail narrow">.*?</span>`)

// textOf returns the text of a piece of HTML as a person reads it on a
// wide screen: no tags, entities decoded, white space collapsed (tags
// count as space, but not inside brackets or before punctuation).
func textOf(h string) string {
	h = narrowCopy.ReplaceAllString(h, "")
	s := spaces.ReplaceAllString(html.UnescapeString(tags.ReplaceAllString(h, " ")), " ")
	s = loose.ReplaceAllStringFunc(s, strings.TrimSpace)
	return strings.TrimSpace(s)
}

// section returns the HTML of the element that starts with the tag holding
// id="id", up to the end of its section (or of the page's main).
func section(t *testing.T, p page, id string) string {
	t.Helper()
	i := strings.Index(p.body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("no element with id %q:\n%s", id, p.body)
	}
	rest := p.body[i:]
	if j := strings.Index(rest, "</section>"); j >= 0 {
		return rest[:j]
	}
	return rest[:strings.Index(rest, "</main>")]
}

// hasText fails the test unless the text of the HTML holds every want.
func hasText(t *testing.T, what, h string, want ...string) {
	t.Helper()
	got := textOf(h)
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Fatalf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

func hasNoText(t *testing.T, what, h string, unwanted ...string) {
	t.Helper()
	got := textOf(h)
	for _, w := range unwanted {
		if strings.Contains(got, w) {
			t.Fatalf("%s holds %q:\n%s", what, w, got)
		}
	}
}

// TestPagesWhere checks the where-and-when parts of the pages against a
// tour worked out by hand, on every store.
func TestPagesWhere(t *testing.T) {
	webtest.ForEachStore(t, func(t *testing.T, open webtest.Opener) {
		e := newEnv(t, open(t))
		seedWhere(t, e.Store)
		c := member(t, e, zootour.Editor)

		// Rosa's itinerary: two visits to Artis merged, the last stay open.
		before := today()
		p := c.must("/animals/1", http.StatusOK)
		after := today()
		stays := section(t, p, "tour-h")
		hasText(t, "Rosa's stays", stays,
			"Artis Amsterdam 2024-03-01 2024-05-20 80 days 2 visits",
			"Blijdorp Rotterdam 2024-05-20 2024-12-01 195 days 1 visit",
		)
		openStay := fmt.Sprintf("Artis Amsterdam 2024-12-01 still there %d days so far 1 visit", zootour.MustDate("2024-12-01").DaysUntil(before)+1)
		if before != after && !strings.Contains(textOf(stays), openStay) { // the day turned during the request
			openStay = fmt.Sprintf("Artis Amsterdam 2024-12-01 still there %d days so far 1 visit", zootour.MustDate("2024-12-01").DaysUntil(after)+1)
		}
		hasText(t, "Rosa's open stay", stays, openStay)
		has(t, "Rosa's stays", p, `<a href="/zoos/2?on=2024-05-20">Blijdorp</a>`,
			`<td><time datetime="2024-05-20">2024-05-20</time><span class="detail narrow">left <time datetime="2024-12-01">2024-12-01</time></span></td>`)
		// The visits are still listed, each its own row.
		hasText(t, "Rosa's visits", section(t, p, "visits-h"), "2024-03-01 Artis", "2024-04-01 Artis", "2024-05-20 Blijdorp", "2024-12-01 Artis")
		// Without ?on= the question is about today.
		hasText(t, "where today", section(t, p, "where-h"), "Rosa is at Artis (since 2024-12-01).")
		has(t, "where today", p, `value="`+before.String()+`"`)

		// Where on a date: in a stay, on the day of a move, before the
		// first visit, long after the last.
		for on, want := range map[string]string{
			"2024-05-01": "On 2024-05-01 Rosa was at Artis (since 2024-03-01). It stayed until 2024-05-20.",
			"2024-03-01": "On 2024-03-01 Rosa was at Artis (since 2024-03-01).",
			"2024-05-19": "On 2024-05-19 Rosa was at Artis (since 2024-03-01).",
			"2024-05-20": "On 2024-05-20 Rosa was at Blijdorp (since 2024-05-20). It stayed until 2024-12-01.",
			"2024-02-29": "On 2024-02-29 Rosa had not arrived anywhere yet.",
			"2031-01-01": "On 2031-01-01 Rosa was at Artis (since 2024-12-01). It is still there.",
		} {
			p := c.must("/animals/1?on="+on, http.StatusOK)
			hasText(t, "where on "+on, section(t, p, "where-h"), want)
			has(t, "where on "+on, p, `value="`+on+`"`, `<a href="/animals/1">Today</a>`)
		}
		// The form keeps the window, and the window keeps the date.
		p = c.must("/animals/1?on=2024-05-01&from=2024-04-01&to=2024-06-30", http.StatusOK)
		has(t, "both forms", p, `<input type="hidden" name="from" value="2024-04-01">`, `<input type="hidden" name="on" value="2024-05-01">`,
			`<a href="/animals/1?on=2024-05-01">Show all dates</a>`, `<a href="/animals/1?from=2024-04-01&amp;to=2024-06-30">Today</a>`)
		// An animal yet to arrive.
		p = c.must("/animals/4", http.StatusOK)
		hasText(t, "Late", section(t, p, "where-h"), "Late has not arrived anywhere yet.")
		hasText(t, "Late's stay", section(t, p, "tour-h"), "Artis Amsterdam 2099-01-01 still there not yet begun 1 visit")

		// The window keeps the stays that overlap it, the first of which
		// began before it.
		for query, want := range map[string][]string{
			"from=2024-06-01&to=2024-06-30": {"Blijdorp Rotterdam 2024-05-20 2024-12-01"},
			"from=2024-04-15":               {"Artis Amsterdam 2024-03-01", "Blijdorp", "2024-12-01 still there"},
			"to=2024-05-19":                 {"Artis Amsterdam 2024-03-01 2024-05-20"},
			"from=2024-05-20&to=2024-05-20": {"Blijdorp Rotterdam 2024-05-20 2024-12-01"},
			"from=2024-01-01&to=2024-02-01": {"No stays in this window."},
		} {
			p := c.must("/animals/1?"+query, http.StatusOK)
			hasText(t, "stays in "+query, section(t, p, "tour-h"), want...)
		}
		if got := strings.Count(section(t, c.must("/animals/1?from=2024-06-01&to=2024-06-30", 200), "tour-h"), "<tr><td>"); got != 1 {
			t.Errorf("June 2024 holds %d stays, want 1", got)
		}
		if got := strings.Count(section(t, c.must("/animals/1?from=2024-04-15", 200), "tour-h"), "<tr><td>"); got != 3 {
			t.Errorf("from 2024-04-15 there are %d stays, want 3", got)
		}

		// Contacts: Bram twice, Kees once; in a window, only who overlaps it.
		p = c.must("/animals/1", http.StatusOK)
		has(t, "Rosa's page", p, `<a href="/animals/1/contacts">The animals Rosa met</a>`)
		p = c.must("/animals/1/contacts", http.StatusOK)
		cs := section(t, p, "contacts-h")
		hasText(t, "Rosa's contacts", cs,
			"Bram bear Artis, from 2024-04-02 until 2024-05-20 Blijdorp, from 2024-06-01 until 2024-12-01",
			"Kees flamingo Artis, since 2024-12-01, both still there",
			"Late owl Artis, since 2099-01-01, both still there")
		if i, j, k := strings.Index(cs, "Bram"), strings.Index(cs, "Kees"), strings.Index(cs, "Late"); i > j || j > k {
			t.Error("the contacts are not in the order of their IDs")
		}
		hasNoText(t, "Rosa's contacts", cs, "Solo", "Rosa")
		cs = section(t, c.must("/animals/1/contacts?from=2024-01-01&to=2024-04-30", http.StatusOK), "contacts-h")
		hasText(t, "contacts in the window", cs, "Bram", "for at least a day of this window")
		hasNoText(t, "contacts in the window", cs, "Kees", "Late")
		hasText(t, "Solo's contacts", section(t, c.must("/animals/5/contacts", http.StatusOK), "contacts-h"), "No other animal shared a zoo with Solo.")

		// Present at a zoo on the day of a move: who arrived that day is
		// there, who left is not.
		p = c.must("/zoos/1?on=2024-05-20", http.StatusOK)
		pr := section(t, p, "present-h")
		hasText(t, "Artis on 2024-05-20", pr, "Present on 2024-05-20",
			"Bram bear 2024-04-02 2024-06-01", "Kees flamingo 2024-05-20 still there")
		hasNoText(t, "Artis on 2024-05-20", pr, "Rosa")
		if i, j := strings.Index(pr, "Bram"), strings.Index(pr, "Kees"); i > j {
			t.Error("the animals present are not in the order of their arrival")
		}
		has(t, "Artis on 2024-05-20", p, `<a href="/animals/2?on=2024-05-20">Bram</a>`)
		hasText(t, "Blijdorp on 2024-05-20", section(t, c.must("/zoos/2?on=2024-05-20", http.StatusOK), "present-h"), "Rosa flamingo 2024-05-20 2024-12-01")
		hasText(t, "Artis on 2024-05-19", section(t, c.must("/zoos/1?on=2024-05-19", http.StatusOK), "present-h"), "Rosa flamingo 2024-03-01 2024-05-20", "Bram")
		hasText(t, "Wildlands in 2023", section(t, c.must("/zoos/3?on=2023-12-31", http.StatusOK), "present-h"), "No animals were here on 2023-12-31.")
		p = c.must("/zoos/1", http.StatusOK)
		hasText(t, "Artis today", section(t, p, "present-h"), "Present today", "Kees flamingo 2024-05-20 still there", "Rosa flamingo 2024-12-01 still there")
		// The window still narrows the zoo's history below.
		p = c.must("/zoos/1?on=2024-05-20&from=2024-05-01&to=2024-06-30", http.StatusOK)
		has(t, "Artis with both", p, "1 animal came in 1 visit in this window", `<input type="hidden" name="on" value="2024-05-20">`)

		// The census: by zoo ID, then species; the chart by count.
		p = c.must("/census?on=2024-06-15", http.StatusOK)
		table := section(t, p, "table-h")
		hasText(t, "census", table, "Artis Amsterdam flamingo 1 Blijdorp Rotterdam bear 1 flamingo 1 Wildlands Emmen owl 1")
		has(t, "census", p, `<a href="/zoos/2?on=2024-06-15">Blijdorp</a>`, `rowspan="2"`, `aria-current="page">Census</a>`, "<h1>Census on 2024-06-15</h1>")
		chart := section(t, p, "chart-h")
		hasText(t, "census chart", chart, "4 animals of 3 species at 3 zoos.", "Every zoo with animals, the most first.")
		has(t, "census chart", p, `role="img" aria-labelledby="cc-title cc-desc"`,
			`<title id="cc-title">Animals present at each zoo on 2024-06-15</title>`,
			`<desc id="cc-desc">Animals present on 2024-06-15, zoos with the most first: Blijdorp, Rotterdam 2; Artis, Amsterdam 1; Wildlands, Emmen 1.</desc>`,
			`<rect class="seg s1" x="0.000%" y="22" width="50.000%" height="14"><title>Blijdorp: 1 flamingo</title></rect>`,
			`<rect class="seg s2" x="50.000%" y="22" width="50.000%" height="14"><title>Blijdorp: 1 bear</title></rect>`,
			`<rect class="seg s1" x="0.000%" y="62" width="50.000%" height="14"><title>Artis: 1 flamingo</title></rect>`)
		if i, j := strings.Index(chart, ">Blijdorp<"), strings.Index(chart, ">Artis<"); i < 0 || j < 0 || i > j {
			t.Errorf("the chart does not put Blijdorp (2) before Artis (1):\n%s", chart)
		}
		hasText(t, "census on a move", section(t, c.must("/census?on=2024-05-20", http.StatusOK), "table-h"),
			"Artis Amsterdam bear 1 flamingo 1 Blijdorp Rotterdam flamingo 1 Wildlands Emmen owl 1")
		hasText(t, "census before any", section(t, c.must("/census?on=2023-01-01", http.StatusOK), "table-h"), "No animals were at any zoo on 2023-01-01.")
		p = c.must("/census", http.StatusOK)
		has(t, "census today", p, "<h1>Census</h1>", `value="`+before.String()+`"`)
		hasText(t, "census today", section(t, p, "table-h"), "Artis Amsterdam flamingo 2 Blijdorp Rotterdam bear 1 Wildlands Emmen owl 1")
		has(t, "census link", c.must("/", http.StatusOK), `<a href="/census">Census</a>`)
	})
}

// TestPagesWhereBadDates checks that a bad date in the forms of these
// questions is shown next to its field.
func TestPagesWhereBadDates(t *testing.T) {
	e := newEnv(t, webtest.MemoryStore(t))
	seedWhere(t, e.Store)
	c := member(t, e, zootour.Editor)
	for path, want := range map[string]string{
		"/animals/1?on=2024-13-01":       `Date &#34;2024-13-01&#34; is not a calendar date between 0001-01-01 and 9999-12-31.`,
		"/animals/1?on=yesterday":        `Date &#34;yesterday&#34; is not written YYYY-MM-DD.`,
		"/zoos/1?on=2024-02-30":          `Date &#34;2024-02-30&#34; is not a calendar date between 0001-01-01 and 9999-12-31.`,
		"/census?on=1.1.2024":            `Date &#34;1.1.2024&#34; is not written YYYY-MM-DD.`,
		"/census?on=0000-01-01&after=xx": `Date &#34;0000-01-01&#34; is not a calendar date between 0001-01-01 and 9999-12-31.`,
	} {
		p := c.must(path, http.StatusBadRequest)
		has(t, path, p, `<p class="error" id="f-on-error"><span class="visually-hidden">Error:</span> `+want+`</p>`,
			`class="field invalid"`, `aria-invalid="true"`, `aria-describedby="f-on-error"`)
		hasNot(t, path, p, `id="where-answer"`, `class="present"`, `id="chart-h"`, `id="table-h"`)
	}
	// The window's sections do not depend on the date, nor the date's on
	// the window.
	p := c.must("/animals/1?on=nope", http.StatusBadRequest)
	has(t, "bad on", p, "Itinerary", "Contacts")
	p = c.must("/animals/1?on=2024-05-01&from=nope", http.StatusBadRequest)
	has(t, "bad window", p, `id="where-answer"`, `id="f-from-error"`)
	hasNot(t, "bad window", p, "Itinerary")
	p = c.must("/zoos/1?on=2024-05-20&to=nope", http.StatusBadRequest)
	has(t, "bad window", p, `class="present"`)
	hasNot(t, "bad window", p, "Visits by date")
	// Page links that no page gave out.
	for _, path := range []string{"/animals/1?stays=2024-99-01", "/animals/1/contacts?contacts=x", "/zoos/1?present=2024-01-01", "/census?after=!!", "/census?after=bm9jb2xvbg"} {
		c.must(path, http.StatusBadRequest)
	}
}

// countingStore counts the AnimalStays calls made through it.
type countingStore struct {
	zootour.Store
	stays int
}

func (c *countingStore) AnimalStays(ctx context.Context, id int64, q zootour.StayQuery) ([]zootour.Stay, error) {
	c.stays++
	return c.Store.AnimalStays(ctx, id, q)
}

// TestStayOn checks the search for the stay that covers a date against
// every stay listed, on tours with stays of a day and of centuries, runs
// of visits to one zoo, and the first and last dates there are, and that
// it asks the store a few questions, not one per stay.
func TestStayOn(t *testing.T) {
	webtest.ForEachStore(t, func(t *testing.T, open webtest.Opener) {
		s := &countingStore{Store: open(t)}
		var vs []zootour.Visit
		add := func(animal int64, d zootour.Date, zoo int64) {
			vs = append(vs, zootour.Visit{ID: int64(len(vs) + 1), Date: d, ZooID: zoo, AnimalID: animal})
		}
		// Animal 1: 150 visits, gaps from 1 to 700 days, every third a
		// second visit to the same zoo.
		d := zootour.MustDate("1950-01-01")
		for i := range 150 {
			zoo := int64(1 + i%4)
			if i%3 == 2 {
				zoo = vs[len(vs)-1].ZooID
			}
			add(1, d, zoo)
			d = d.AddDays(1 + (i*i*37)%700)
		}
		// Animal 2: the first and the last day, and one stay in between.
		add(2, zootour.MinDate, 1)
		add(2, zootour.MustDate("5000-06-15"), 2)
		add(2, zootour.MaxDate, 3)
		err := s.Import(t.Context(), zootour.Source{
			Zoos:    webtest.SeqOf(zootour.Zoo{ID: 1, Name: "A", Location: "L"}, zootour.Zoo{ID: 2, Name: "B", Location: "L"}, zootour.Zoo{ID: 3, Name: "C", Location: "L"}, zootour.Zoo{ID: 4, Name: "D", Location: "L"}),
			Animals: webtest.SeqOf(zootour.Animal{ID: 1, Name: "Tour", Species: "s"}, zootour.Animal{ID: 2, Name: "Ages", Species: "s"}),
			Visits:  webtest.SeqOf(vs...),
		})
		if err != nil {
			t.Fatal(err)
		}
		u := &ui{store: s}
		maxCalls := 0
		defer func() { t.Logf("at most %d calls of AnimalStays", maxCalls) }()
		for _, id := range []int64{1, 2} {
			all, err := s.AnimalStays(t.Context(), id, zootour.StayQuery{})
			if err != nil {
				t.Fatal(err)
			}
			dates := []zootour.Date{zootour.MinDate, zootour.MaxDate, zootour.MustDate("1949-12-31"), zootour.MustDate("2500-01-01")}
			for i, st := range all {
				if i%5 == 0 || id == 2 { // enough of them to cover every kind of stay
					dates = append(dates, st.From, dayBefore(st.From), st.From.AddDays(1))
					if st.To != nil {
						dates = append(dates, st.To.AddDays(-1))
					}
				}
			}
			for _, on := range dates {
				if on.IsZero() {
					continue
				}
				var want *zootour.Stay
				for i := range all {
					if all[i].Covers(on) {
						want = &all[i]
					}
				}
				s.stays = 0
				got, err := u.stayOn(t.Context(), id, on, nil)
				if err != nil {
					t.Fatal(err)
				}
				if (got == nil) != (want == nil) || got != nil && (got.From != want.From || got.ZooID != want.ZooID || got.Visits != want.Visits || (got.To == nil) != (want.To == nil)) {
					t.Fatalf("animal %d on %s: stay %+v, want %+v", id, on, got, want)
				}
				// A gallop and a bisection over at most 3,652,059 days.
				if s.stays > maxCalls {
					maxCalls = s.stays
				}
				if s.stays > 45 {
					t.Errorf("animal %d on %s: %d calls of AnimalStays", id, on, s.stays)
				}
			}
		}
	})
}

// follow walks a listing's pages by their rel="next" links, from path,
// and returns each page; it checks that every page links back to the one
// before by rel="prev".
func follow(t *testing.T, c *pageClient, path, what string) []page {
	t.Helper()
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`)
	prev := regexp.MustCompile(`<a href="([^"]+)" rel="prev">`)
	var pages []page
	var paths []string
	for path != "" {
		p := c.must(path, http.StatusOK)
		if n := len(paths); n > 0 {
			if m := prev.FindStringSubmatch(section(t, p, what)); m == nil || html.UnescapeString(m[1]) != paths[n-1] {
				t.Fatalf("%s links back to %v, want %q", path, m, paths[n-1])
			}
		}
		pages, paths = append(pages, p), append(paths, path)
		path = ""
		if m := next.FindStringSubmatch(section(t, p, what)); m != nil {
			path = html.UnescapeString(m[1])
		}
		if len(pages) > 10 {
			t.Fatal("too many pages")
		}
	}
	return pages
}

// TestPagesWherePaged checks that every where-and-when listing is paged,
// with links that keep the page's other parameters, on every store.
func TestPagesWherePaged(t *testing.T) {
	webtest.ForEachStore(t, func(t *testing.T, open webtest.Opener) {
		e := newEnv(t, open(t))
		zs := []zootour.Zoo{{ID: 1, Name: "Crowd", Location: "Here"}, {ID: 2, Name: "East", Location: "E"}, {ID: 3, Name: "West", Location: "W"}}
		as := []zootour.Animal{{ID: 1, Name: "Hub", Species: "hub"}}
		start := zootour.MustDate("2020-01-01")
		vs := []zootour.Visit{{ID: 1, Date: start, ZooID: 1, AnimalID: 1}}
		for i := 2; i <= 121; i++ { // 120 animals join the hub, a species each
			as = append(as, zootour.Animal{ID: int64(i), Name: fmt.Sprintf("Guest %03d", i), Species: fmt.Sprintf("sp %03d", i)})
			vs = append(vs, zootour.Visit{ID: int64(len(vs) + 1), Date: start.AddDays(i), ZooID: 1, AnimalID: int64(i)})
		}
		as = append(as, zootour.Animal{ID: 122, Name: "Tourer", Species: "tern"})
		for i := range 250 { // 250 stays, a day each
			vs = append(vs, zootour.Visit{ID: int64(len(vs) + 1), Date: zootour.MustDate("2010-01-01").AddDays(i), ZooID: int64(2 + i%2), AnimalID: 122})
		}
		if err := e.Store.Import(t.Context(), zootour.Source{Zoos: webtest.SeqOf(zs...), Animals: webtest.SeqOf(as...), Visits: webtest.SeqOf(vs...)}); err != nil {
			t.Fatal(err)
		}
		c := member(t, e, zootour.Editor)
		rows := regexp.MustCompile(`<tr><td>`)

		// Stays, with the window and the date kept along.
		pages := follow(t, c, "/animals/122?from=2010-01-01&on=2010-02-01", "tour-h")
		var counts []int
		for _, p := range pages {
			counts = append(counts, len(rows.FindAllString(section(t, p, "tour-h"), -1)))
		}
		if fmt.Sprint(counts) != "[100 100 50]" {
			t.Errorf("pages of stays hold %v", counts)
		}
		has(t, "stays", pages[0], `<a href="/animals/122?from=2010-01-01&amp;on=2010-02-01&amp;stays=2010-04-10&amp;stays_prev=0" rel="next">`)
		hasText(t, "stays", section(t, pages[2], "tour-h"), "East E 2010-08-29 2010-08-30 1 day 1 visit", "West W 2010-09-07 still there")
		hasText(t, "where, on a later page", section(t, pages[2], "where-h"), "On 2010-02-01 Tourer was at West (since 2010-02-01). It stayed until 2010-02-02.")
		// The visits' pager keeps the stays' place.
		has(t, "visits", pages[1], `<a href="/animals/122?after=2010-04-10.221&amp;from=2010-01-01&amp;on=2010-02-01&amp;prev=0&amp;stays=2010-04-10&amp;stays_prev=0" rel="next">`)

		// Contacts: the hub met 120.
		pages = follow(t, c, "/animals/1/contacts", "contacts-h")
		if len(pages) != 2 || len(rows.FindAllString(section(t, pages[0], "contacts-h"), -1)) != 100 || len(rows.FindAllString(section(t, pages[1], "contacts-h"), -1)) != 20 {
			t.Errorf("%d pages of contacts", len(pages))
		}
		has(t, "contacts", pages[0], `<a href="/animals/1/contacts?contacts=101&amp;contacts_prev=0" rel="next">`)
		hasText(t, "contacts", section(t, pages[1], "contacts-h"), "Guest 102 sp 102 Crowd, since 2020-04-12, both still there", "Guest 121")

		// Present: 121 animals, by arrival.
		pages = follow(t, c, "/zoos/1?on=2021-01-01", "present-h")
		if len(pages) != 2 || len(rows.FindAllString(section(t, pages[0], "present-h"), -1)) != 100 || len(rows.FindAllString(section(t, pages[1], "present-h"), -1)) != 21 {
			t.Errorf("%d pages of animals present", len(pages))
		}
		has(t, "present", pages[0], `<a href="/zoos/1?on=2021-01-01&amp;present=2020-04-10.100&amp;present_prev=0" rel="next">`)
		hasText(t, "present", section(t, pages[1], "present-h"), "Guest 101 sp 101 2020-04-11 still there")

		// The census: 121 rows, the chart on the first page only.
		pages = follow(t, c, "/census?on=2021-01-01", "table-h")
		if len(pages) != 2 {
			t.Fatalf("%d pages of the census", len(pages))
		}
		has(t, "census", pages[0], `id="chart-h"`, "122 animals of 122 species at 2 zoos.", `rowspan="100"`)
		has(t, "census", pages[1], `rowspan="21"`, "(continued)", `The chart is on the <a href="/census?on=2021-01-01">first page</a>.`)
		hasNot(t, "census", pages[1], `id="chart-h"`)
		hasText(t, "census", section(t, pages[1], "table-h"), "sp 101 1", "sp 121 1 West W tern 1")
	})
}

// TestPagesCensusChart checks the bounds of the census chart: the 30 zoos
// with the most animals, six species with colours of their own, and a
// note when the census was too long to count in full.
func TestPagesCensusChart(t *testing.T) {
	e := newEnv(t, webtest.MemoryStore(t))
	var zs []zootour.Zoo
	var as []zootour.Animal
	var vs []zootour.Visit
	day := zootour.MustDate("2024-01-01")
	for z := 1; z <= 45; z++ { // zoo z holds z animals
		zs = append(zs, zootour.Zoo{ID: int64(z), Name: fmt.Sprintf("Zoo number %02d with a name too long to show whole", z), Location: "L"})
		for range z {
			id := int64(len(as) + 1)
			as = append(as, zootour.Animal{ID: id, Name: "A", Species: fmt.Sprintf("species %d", id%8)})
			vs = append(vs, zootour.Visit{ID: id, Date: day, ZooID: int64(z), AnimalID: id})
		}
	}
	if err := e.Store.Import(t.Context(), zootour.Source{Zoos: webtest.SeqOf(zs...), Animals: webtest.SeqOf(as...), Visits: webtest.SeqOf(vs...)}); err != nil {
		t.Fatal(err)
	}
	c := member(t, e, zootour.Editor)
	p := c.must("/census?on=2024-01-01", http.StatusOK)
	chart := section(t, p, "chart-h")
	if got := strings.Count(chart, `<text class="zoo"`); got != chartZoos {
		t.Errorf("the chart has %d bars, want %d", got, chartZoos)
	}
	has(t, "chart", p, "The 30 zoos with the most animals, of 45 with any.", "1,035 animals of 8 species at 45 zoos.",
		`<text class="zoo" x="0" y="16"><title>Zoo number 45 with a name too long to show whole, L</title>Zoo number 45 with a name too l…</text>`,
		`<text class="count" x="100%" y="16" text-anchor="end">45</text>`,
		`<span class="swatch s6"></span>`, `<span class="swatch s0"></span>2 other species`)
	hasNot(t, "chart", p, `<span class="swatch s7">`)
	if strings.Contains(chart, "Zoo number 15 with") || !strings.Contains(chart, "Zoo number 16 with") {
		t.Error("the chart does not stop at the 30th zoo")
	}
	// The longest bar spans the width; the others are in proportion.
	if !strings.Contains(chart, `y="22" width="`) || strings.Contains(chart, `x="100.000%"`) {
		t.Errorf("the first bar is not laid out from 0 to 100%%:\n%s", chart)
	}

	// More rows than the chart reads: it says what it counted.
	e = newEnv(t, webtest.MemoryStore(t))
	as, vs = nil, nil
	for i := 1; i <= censusChartMax+1; i++ {
		as = append(as, zootour.Animal{ID: int64(i), Name: "A", Species: fmt.Sprintf("s%05d", i)})
		vs = append(vs, zootour.Visit{ID: int64(i), Date: day, ZooID: int64(1 + i/2000), AnimalID: int64(i)})
	}
	if err := e.Store.Import(t.Context(), zootour.Source{Zoos: webtest.SeqOf(zs[:3]...), Animals: webtest.SeqOf(as...), Visits: webtest.SeqOf(vs...)}); err != nil {
		t.Fatal(err)
	}
	p = member(t, e, zootour.Editor).must("/census?on=2024-01-01", http.StatusOK)
	has(t, "capped chart", p, "At least 5,000 animals of 5,000 species at 3 zoos.", "Only the census&#39;s first 5,000 rows (zoos up to ID 3) are counted here.")
}
