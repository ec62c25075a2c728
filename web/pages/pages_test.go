package pages

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/internal/webtest"
)

// newEnv serves the pages over s, to its users only (no public read).
func newEnv(t *testing.T, s zootour.Store) *webtest.Env {
	t.Helper()
	return newEnvWith(t, s, false, nil)
}

// A browserless client of the pages: it keeps cookies and does not follow
// redirects, so that a test sees each post/redirect/get step.
type pageClient struct {
	t      *testing.T
	base   string
	c      *http.Client
	header http.Header // sent with every request (a bearer token)
}

func newPageClient(t *testing.T, base string) *pageClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &pageClient{t: t, base: base, c: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// A page is a response with its body read.
type page struct {
	status int
	header http.Header
	body   string
}

func (p page) location() string { return p.header.Get("Location") }

func (c *pageClient) send(req *http.Request) page {
	c.t.Helper()
	for k, vs := range c.header {
		req.Header[k] = vs
	}
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return page{resp.StatusCode, resp.Header, string(b)}
}

func (c *pageClient) get(path string) page {
	c.t.Helper()
	req, err := http.NewRequestWithContext(c.t.Context(), "GET", c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.send(req)
}

// post sends a form; headers are name, value pairs.
func (c *pageClient) post(path string, form url.Values, headers ...string) page {
	c.t.Helper()
	req, err := http.NewRequestWithContext(c.t.Context(), "POST", c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.send(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// token returns the form token on a page.
func token(t *testing.T, p page) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no form token on the page:\n%s", p.body)
	}
	return html.UnescapeString(m[1])
}

// submit posts a form with the token of the page at from, as a browser
// would after showing that page.
func (c *pageClient) submit(from, to string, form url.Values) page {
	c.t.Helper()
	form.Set("csrf", token(c.t, c.must(from, 200)))
	return c.post(to, form)
}

// must gets a page and checks its status and that it is HTML.
func (c *pageClient) must(path string, status int) page {
	c.t.Helper()
	p := c.get(path)
	checkPage(c.t, "GET "+path, p, status)
	return p
}

func checkPage(t *testing.T, what string, p page, status int) {
	t.Helper()
	if p.status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, p.status, status, p.body)
	}
	if status == http.StatusSeeOther {
		return
	}
	if got, want := p.header.Get("Content-Type"), "text/html; charset=utf-8"; got != want {
		t.Fatalf("%s: Content-Type %q, want %q", what, got, want)
	}
	if !strings.HasPrefix(p.body, "<!doctype html>") || !strings.HasSuffix(strings.TrimSpace(p.body), "</html>") {
		t.Fatalf("%s: not a whole HTML page:\n%s", what, p.body)
	}
	if p.header.Get("Content-Security-Policy") == "" {
		t.Fatalf("%s: no Content-Security-Policy", what)
	}
}

// has fails the test unless the page's body holds every want.
func has(t *testing.T, what string, p page, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(p.body, w) {
			t.Fatalf("%s lacks %q:\n%s", what, w, p.body)
		}
	}
}

func hasNot(t *testing.T, what string, p page, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(p.body, w) {
			t.Fatalf("%s holds %q:\n%s", what, w, p.body)
		}
	}
}

// TestPages renders every page of a small store on every store with the
// content it should show.
func TestPages(t *testing.T) {
	webtest.ForEachStore(t, func(t *testing.T, open webtest.Opener) {
		e := newEnv(t, open(t))
		webtest.Seed(t, e.Store)
		c := member(t, e, zootour.Editor)
		tests := []struct {
			path string
			want []string
		}{
			{"/", []string{"Find a zoo or an animal", `<strong>2</strong> zoos`, `<strong>3</strong> visits`, "Latest visits recorded", `href="/visits/3"`, "Add a zoo", `href="/api/openapi.json"`}},
			{"/zoos", []string{"<h1>Zoos</h1>", `href="/zoos/1">Artis</a>`, "Amsterdam", `href="/zoos/2">Blijdorp</a>`, "Sorted by name."}},
			{"/zoos?sort=id", []string{`href="/zoos/1">Artis</a>`, "Sorted by ID."}},
			{"/zoos?q=amster", []string{`href="/zoos/1">Artis</a>`, "Found among"}},
			{"/animals", []string{"<h1>Animals</h1>", `href="/animals/2">Bram</a>`, "flamingo"}},
			{"/visits", []string{"<h1>Visits</h1>", "3 visits", `href="/visits/1"`, "2024-02-01"}},
			{"/zoos/1", []string{"<h1>Artis</h1>", "Amsterdam", "2 animals came in 2 visits", `href="/animals/1">Rosa</a>`, `href="/animals/2">Bram</a>`, "2024-01-01", "2024-01-02", `href="/visits/new?zoo=1&amp;back=%2Fzoos%2F1"`}},
			{"/zoos/1?from=2024-01-02", []string{"1 animal came in 1 visit in this window", `value="2024-01-02"`, "Show all dates"}},
			{"/zoos/2", []string{"<h1>Blijdorp</h1>", "1 animal came in 1 visit", "2024-02-01"}},
			{"/zoos/1?on=2024-01-02", []string{"<strong>2 animals</strong> were here on", "2024-01-02"}},
			{"/animals/1", []string{"<h1>Rosa</h1>", "flamingo", "Itinerary", `href="/zoos/1">Artis</a>`, `href="/zoos/2">Blijdorp</a>`,
				`<svg class="tl-rows" xmlns="http://www.w3.org/2000/svg"`, `role="img"`, `<title id="tl-title">Timeline of Rosa&#39;s visits</title>`,
				"made 2 visits to 2 zoos in 2 stays, from 2024-01-01; it has been at Blijdorp since 2024-02-01.", `class="stay open"`, `<text class="today"`}},
			{"/animals/1?from=2024-01-15&to=2024-12-31", []string{"made 2 visits to 2 zoos in 2 stays"}},
			{"/animals/1?from=2024-02-15", []string{"made 1 visit to 1 zoo in 1 stay, from 2024-02-01"}},
			{"/visits/2", []string{"Bram at Artis", "2024-01-02", `href="/zoos/1">Artis</a>`, `href="/animals/2">Bram</a>`}},
			{"/search?q=ROT", []string{`href="/zoos/2">Blijdorp</a>`, "No animal matches"}},
			{"/search?q=bear", []string{`href="/animals/2">Bram</a>`}},
			{"/search", []string{"<h1>Search</h1>"}},
			{"/zoos/new", []string{"Add a zoo", `<label for="f-name">Name</label>`, `<label for="f-location">Location</label>`, `name="csrf"`}},
			{"/zoos/1/edit", []string{"Edit Artis", `value="Artis"`, `value="Amsterdam"`}},
			{"/animals/2/edit", []string{"Edit Bram", `value="bear"`}},
			{"/zoos/1/delete", []string{"Delete Artis?", "This deletes 2 visits too", `name="cascade" value="yes"`, "Delete it and its 2 visits"}},
			{"/animals/2/delete", []string{"This deletes 1 visit too"}},
			{"/visits/new?zoo=2&animal=1", []string{`<input id="f-date" name="date" type="date"`, "Zoo 2 is Blijdorp (Rotterdam).", "Animal 1 is Rosa (flamingo).", `<option value="Blijdorp (Rotterdam) #2">`}},
			{"/visits/3/edit", []string{"Edit visit 3", `value="2024-02-01"`, "Zoo 2 is Blijdorp"}},
			{"/visits/3/delete", []string{"the visit of Rosa to Blijdorp on 2024-02-01"}},
			{"/signin", []string{"You are signed in as <strong>editor</strong> (editor)", `<label for="f-name">Name</label>`, `autocomplete="current-password"`}},
			{"/zoos/1", []string{"<h2 id=\"history-h\">History</h2>", "added <a href=\"/zoos/1\">zoo 1</a>", "<ins>Artis</ins>"}},
			{"/visits/2", []string{"<h2 id=\"history-h\">History</h2>", "<ins><a href=\"/zoos/1\">Artis (zoo 1)</a></ins>", "<ins>2024-01-02</ins>", ">Revert</button>"}},
			{"/changes", []string{"<h1>Latest changes</h1>", "added <a href=\"/visits/3\">visit 3</a>", `<option value="visit">visit</option>`}},
		}
		for _, tt := range tests {
			p := c.must(tt.path, http.StatusOK)
			has(t, tt.path, p, tt.want...)
		}
	})
}

// TestPagesNotFound checks the HTML 404 (and 405) pages.
func TestPagesNotFound(t *testing.T) {
	e := newEnv(t, webtest.MemoryStore(t))
	webtest.Seed(t, e.Store)
	c := member(t, e, zootour.Editor)
	for path, want := range map[string]string{
		"/zoos/99":          "There is no zoo 99",
		"/animals/99":       "There is no animal 99",
		"/visits/99":        "There is no visit 99",
		"/zoos/99/edit":     "There is no zoo 99",
		"/animals/99/edit":  "There is no animal 99",
		"/visits/99/delete": "There is no visit 99",
		"/zoos/abc":         "&#34;abc&#34; is not the ID of a zoo",
		"/zoos/0":           "is not the ID of a zoo",
		"/animals/01":       "is not the ID of an animal",
		"/visits/1.5":       "is not the ID of a visit",
		"/nothing/here":     "There is no page at /nothing/here",
		"/zoos/":            "There is no page at /zoos/",
		"/static/nope.css":  "There is no page at /static/nope.css",
	} {
		p := c.must(path, http.StatusNotFound)
		has(t, path, p, "<h1>Not found</h1>", want)
	}
	p := c.post("/zoos/99/delete", url.Values{"csrf": {token(t, c.must("/zoos/new", 200))}})
	checkPage(t, "POST /zoos/99/delete", p, http.StatusNotFound)

	req, _ := http.NewRequest("DELETE", e.URL+"/zoos/1", nil)
	p = c.send(req)
	checkPage(t, "DELETE /zoos/1", p, http.StatusMethodNotAllowed)
	if got, want := p.header.Get("Allow"), "GET, HEAD"; got != want {
		t.Errorf("Allow %q, want %q", got, want)
	}
}

// TestPagesEscape stores markup in every text field and checks that every
// page shows it as text.
func TestPagesEscape(t *testing.T) {
	webtest.ForEachStore(t, func(t *testing.T, open webtest.Opener) {
		e := newEnv(t, open(t))
		ctx := t.Context()
		const evil = `<script>alert(1)</script>`
		const attr = `" onmouseover="alert(2)`
		z, err := e.Store.CreateZoo(ctx, zootour.Zoo{Name: evil, Location: attr})
		if err != nil {
			t.Fatal(err)
		}
		a, err := e.Store.CreateAnimal(ctx, zootour.Animal{Name: evil, Species: attr})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Store.CreateVisit(ctx, zootour.Visit{Date: zootour.MustDate("2024-01-01"), ZooID: z.ID, AnimalID: a.ID}); err != nil {
			t.Fatal(err)
		}
		// A second animal at the zoo: a contact of the first.
		b, err := e.Store.CreateAnimal(ctx, zootour.Animal{Name: evil, Species: attr})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Store.CreateVisit(ctx, zootour.Visit{Date: zootour.MustDate("2024-01-02"), ZooID: z.ID, AnimalID: b.ID}); err != nil {
			t.Fatal(err)
		}
		c := member(t, e, zootour.Editor)
		for _, path := range []string{"/", "/zoos", "/animals", "/visits", "/zoos/1", "/animals/1", "/visits/1",
			"/search?q=%3Cscript", "/zoos/1/edit", "/zoos/1/delete", "/animals/1/edit", "/visits/new", "/visits/1/edit", "/visits/1/delete",
			"/animals/1?on=2024-01-05", "/animals/2?on=2023-01-01", "/zoos/1?on=2024-01-05", "/census", "/census?on=2024-01-05"} {
			p := c.must(path, http.StatusOK)
			has(t, path, p, "&lt;script&gt;alert(1)&lt;/script&gt;")
			hasNot(t, path, p, evil, `onmouseover="alert`)
		}
		// A search and a bad window echo what was sent, escaped.
		p := c.must("/search?q="+url.QueryEscape(evil), http.StatusOK)
		hasNot(t, "search", p, evil)
		p = c.must("/zoos/1?from="+url.QueryEscape(evil), http.StatusBadRequest)
		hasNot(t, "window", p, evil)
		has(t, "window", p, "is not written YYYY-MM-DD")
		for _, path := range []string{"/zoos/1?on=", "/animals/1?on=", "/census?on=", "/animals/1?on=2024-01-05&from="} {
			p = c.must(path+url.QueryEscape(evil), http.StatusBadRequest)
			hasNot(t, path, p, evil)
			has(t, path, p, "is not written YYYY-MM-DD", "&lt;script&gt;alert(1)&lt;/script&gt;")
		}
		// The chart's text, the answer and the contacts hold the names as text.
		p = c.must("/census?on=2024-01-05", http.StatusOK)
		has(t, "census chart", p, `<title>&lt;script&gt;alert(1)&lt;/script&gt;: 2 &#34; onmouseover=&#34;alert(2)</title>`,
			`<desc id="cc-desc">Animals present on 2024-01-05, zoos with the most first: &lt;script&gt;alert(1)&lt;/script&gt;, &#34; onmouseover=&#34;alert(2) 2.</desc>`)
		p = c.must("/animals/1?on=2024-01-05", http.StatusOK)
		has(t, "where", p, `was at <a href="/zoos/1?on=2024-01-05">&lt;script&gt;alert(1)&lt;/script&gt;</a>`)
		p = c.must("/animals/1/contacts", http.StatusOK)
		has(t, "contacts", p, `<tr><td><a href="/animals/2">&lt;script&gt;alert(1)&lt;/script&gt;</a>`)
	})
}

// TestPagesForms walks the forms of every kind through validation,
// post/redirect/get and the flash message that follows.
func TestPagesForms(t *testing.T) {
	webtest.ForEachStore(t, func(t *testing.T, open webtest.Opener) {
		e := newEnv(t, open(t))
		webtest.Seed(t, e.Store)
		c := member(t, e, zootour.Editor)

		// A bad zoo: the message is next to its field and the input is kept.
		p := c.submit("/zoos/new", "/zoos", url.Values{"name": {"   "}, "location": {"Emmen"}})
		checkPage(t, "bad zoo", p, http.StatusBadRequest)
		has(t, "bad zoo", p, `<p class="error" id="f-name-error"><span class="visually-hidden">Error:</span> Name is required.</p>`,
			`aria-invalid="true"`, `aria-describedby="f-name-error"`, `value="Emmen"`, "There is a problem", `<a href="#f-name">Name is required.</a>`)
		p = c.submit("/zoos/new", "/zoos", url.Values{"name": {strings.Repeat("x", 201)}, "location": {"Emmen"}})
		has(t, "long name", p, "Name is 201 characters long; at most 200 are allowed.")

		// A good zoo: post, redirect to its page, get it with a flash once.
		p = c.submit("/zoos/new", "/zoos", url.Values{"name": {"  Wildlands "}, "location": {"Emmen"}})
		checkPage(t, "new zoo", p, http.StatusSeeOther)
		if got, want := p.location(), "/zoos/3"; got != want {
			t.Fatalf("redirect to %q, want %q", got, want)
		}
		p = c.must("/zoos/3", http.StatusOK)
		has(t, "new zoo", p, "<h1>Wildlands</h1>", `<p class="flash" role="status">The zoo was added.</p>`)
		hasNot(t, "zoo again", c.must("/zoos/3", http.StatusOK), "The zoo was added.")

		// Edit it, with a bad field first.
		p = c.submit("/zoos/3/edit", "/zoos/3/edit", url.Values{"name": {"Wildlands Adventure Zoo"}, "location": {"\x07"}})
		checkPage(t, "bad edit", p, http.StatusBadRequest)
		has(t, "bad edit", p, "Location contains the control character U&#43;0007.", `value="Wildlands Adventure Zoo"`)
		p = c.submit("/zoos/3/edit", "/zoos/3/edit", url.Values{"name": {"Wildlands Adventure Zoo"}, "location": {"Emmen, Drenthe"}})
		checkPage(t, "edit", p, http.StatusSeeOther)
		if got, err := e.Store.Zoo(t.Context(), 3); err != nil || got.Name != "Wildlands Adventure Zoo" || got.Location != "Emmen, Drenthe" {
			t.Fatalf("after the edit the zoo is %+v (%v)", got, err)
		}

		// Animals share the handlers; one check that they work.
		p = c.submit("/animals/new", "/animals", url.Values{"name": {"Olga"}, "species": {""}})
		has(t, "bad animal", p, "Species is required.", `value="Olga"`)
		p = c.submit("/animals/new", "/animals", url.Values{"name": {"Olga"}, "species": {"walrus"}})
		if p.status != http.StatusSeeOther || p.location() != "/animals/3" {
			t.Fatalf("new animal: %d %q", p.status, p.location())
		}

		// Visits: each bad field gets its own message; the input is kept.
		p = c.submit("/visits/new", "/visits", url.Values{"date": {"2024-02-30"}, "zoo": {"99"}, "animal": {""}})
		checkPage(t, "bad visit", p, http.StatusBadRequest)
		has(t, "bad visit", p, "There are 3 problems",
			`Date &#34;2024-02-30&#34; is not a calendar date between 0001-01-01 and 9999-12-31.`, `value="2024-02-30"`,
			"There is no zoo 99.", "Choose an animal: type its name or ID.")
		p = c.submit("/visits/new", "/visits", url.Values{"date": {"1.1.2024"}, "zoo": {"x"}, "animal": {"1"}})
		has(t, "bad visit", p, "is not written YYYY-MM-DD", "No zoo matches &#34;x&#34;", "Animal 1 is Rosa (flamingo).")
		// A conflict names the visit in the way, next to the date.
		p = c.submit("/visits/new", "/visits", url.Values{"date": {"2024-01-01"}, "zoo": {"2"}, "animal": {"1"}})
		checkPage(t, "conflicting visit", p, http.StatusBadRequest)
		has(t, "conflicting visit", p, `id="f-date-error"`, "Rosa is already at Artis on 2024-01-01 (visit 1): an animal is at one zoo per date.")

		// A good visit from a zoo's page goes back there.
		p = c.submit("/visits/new?zoo=3&back=/zoos/3", "/visits", url.Values{"date": {"2024-03-01"}, "zoo": {"3"}, "animal": {"3"}, "back": {"/zoos/3"}})
		if p.status != http.StatusSeeOther || p.location() != "/zoos/3" {
			t.Fatalf("new visit: %d %q", p.status, p.location())
		}
		has(t, "zoo after the visit", c.must("/zoos/3", http.StatusOK), "The visit was added.", "1 animal came in 1 visit", `href="/animals/3">Olga</a>`)
		// back may not lead off the site.
		p = c.submit("/visits/new", "/visits", url.Values{"date": {"2024-03-02"}, "zoo": {"3"}, "animal": {"3"}, "back": {"//evil.example/"}})
		if p.status != http.StatusSeeOther || p.location() != "/" {
			t.Fatalf("visit with a foreign back: %d %q", p.status, p.location())
		}

		// Edit a visit into a conflict, then properly. (PostgreSQL spends a
		// visit ID on the refused insert above, so the IDs are looked up.)
		olga, err := e.Store.AnimalVisits(t.Context(), 3, zootour.Query{})
		if err != nil || len(olga) != 2 {
			t.Fatalf("Olga's visits: %v (%v)", olga, err)
		}
		edit := fmt.Sprintf("/visits/%d/edit", olga[0].ID)
		p = c.submit(edit, edit, url.Values{"date": {"2024-03-02"}, "zoo": {"3"}, "animal": {"3"}})
		has(t, "visit edited into a conflict", p, fmt.Sprintf("Olga is already at Wildlands Adventure Zoo on 2024-03-02 (visit %d)", olga[1].ID))
		p = c.submit(edit, edit, url.Values{"date": {"2024-04-01"}, "zoo": {"1"}, "animal": {"3"}})
		if p.status != http.StatusSeeOther || p.location() != fmt.Sprintf("/visits/%d", olga[0].ID) {
			t.Fatalf("edit visit: %d %q", p.status, p.location())
		}
		if v, err := e.Store.Visit(t.Context(), olga[0].ID); err != nil || v.Date != zootour.MustDate("2024-04-01") || v.ZooID != 1 {
			t.Fatalf("after the edit the visit is %+v (%v)", v, err)
		}
	})
}

// TestPagesDelete checks that a delete asks first, counts the visits that
// go with it, and cascades only when that page was confirmed.
func TestPagesDelete(t *testing.T) {
	webtest.ForEachStore(t, func(t *testing.T, open webtest.Opener) {
		e := newEnv(t, open(t))
		webtest.Seed(t, e.Store)
		c := member(t, e, zootour.Editor)
		before := webtest.Snap(t, e.Store)

		// Without the cascade the zoo, which has visits, stays.
		p := c.submit("/zoos/1/delete", "/zoos/1/delete", url.Values{})
		checkPage(t, "delete without cascade", p, http.StatusConflict)
		has(t, "delete without cascade", p, "changed since the page was shown", "This deletes 2 visits too")
		// Nor when the count shown is not the count now.
		p = c.submit("/zoos/1/delete", "/zoos/1/delete", url.Values{"cascade": {"yes"}, "visits": {"1"}})
		checkPage(t, "delete with a stale count", p, http.StatusConflict)
		if after := webtest.Snap(t, e.Store); !after.Equal(before) {
			t.Fatalf("a refused delete changed the store")
		}

		p = c.submit("/zoos/1/delete", "/zoos/1/delete", url.Values{"cascade": {"yes"}, "visits": {"2"}})
		if p.status != http.StatusSeeOther || p.location() != "/zoos" {
			t.Fatalf("delete: %d %q\n%s", p.status, p.location(), p.body)
		}
		has(t, "zoos after the delete", c.must("/zoos", http.StatusOK), "The zoo was deleted.")
		counts, err := e.Store.Counts(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if got, want := counts, (zootour.Counts{Zoos: 1, Animals: 2, Visits: 1}); got != want {
			t.Fatalf("after the cascade: %+v, want %+v", got, want)
		}
		c.must("/zoos/1", http.StatusNotFound)

		// A visit, then an animal left without visits: no cascade offered.
		p = c.submit("/visits/3/delete", "/visits/3/delete", url.Values{})
		if p.status != http.StatusSeeOther || p.location() != "/zoos/2" {
			t.Fatalf("delete visit: %d %q", p.status, p.location())
		}
		p = c.must("/animals/1/delete", http.StatusOK)
		has(t, "confirm", p, "Latest changes lists the delete, with a Revert button", "Delete it</button>")
		hasNot(t, "confirm", p, `name="cascade"`)
		p = c.submit("/animals/1/delete", "/animals/1/delete", url.Values{})
		if p.status != http.StatusSeeOther || p.location() != "/animals" {
			t.Fatalf("delete animal: %d %q", p.status, p.location())
		}
		c.must("/animals/1", http.StatusNotFound)
	})
}

// TestPagesCrossOrigin checks that forms posted from another site are
// refused, by the browser's headers and by the form token.
func TestPagesCrossOrigin(t *testing.T) {
	e := newEnv(t, webtest.MemoryStore(t))
	webtest.Seed(t, e.Store)
	c := member(t, e, zootour.Editor)
	tok := token(t, c.must("/zoos/new", http.StatusOK))
	form := url.Values{"csrf": {tok}, "name": {"X"}, "location": {"Y"}}
	before := webtest.Snap(t, e.Store)
	for _, tt := range []struct {
		name    string
		form    url.Values
		headers []string
		want    string
	}{
		{"Sec-Fetch-Site cross-site", form, []string{"Sec-Fetch-Site", "cross-site"}, "sent from another site"},
		{"Origin of another site", form, []string{"Origin", "https://evil.example"}, "sent from another site"},
		{"no form token", url.Values{"name": {"X"}, "location": {"Y"}}, nil, "This form has expired"},
		{"a wrong form token", url.Values{"csrf": {"AAAA"}, "name": {"X"}, "location": {"Y"}}, nil, "This form has expired"},
	} {
		p := c.post("/zoos", tt.form, tt.headers...)
		checkPage(t, tt.name, p, http.StatusForbidden)
		has(t, tt.name, p, tt.want)
	}
	if after := webtest.Snap(t, e.Store); !after.Equal(before) {
		t.Fatal("a refused post changed the store")
	}
	// Signing out and reverting are forms too.
	for _, path := range []string{"/signout", "/changes/1/revert"} {
		p := c.post(path, url.Values{})
		checkPage(t, path+" without a token", p, http.StatusForbidden)
		has(t, path+" without a token", p, "This form has expired")
	}
	if after := webtest.Snap(t, e.Store); !after.Equal(before) {
		t.Fatal("a refused revert changed the store")
	}
	// The same form from this site goes through, still signed in.
	p := c.post("/zoos", form, "Sec-Fetch-Site", "same-origin", "Origin", e.URL)
	checkPage(t, "same origin", p, http.StatusSeeOther)
}

// TestPagesLong checks that long listings are paged: a zoo with 2,000
// visits and an animal with 600, whose timeline draws only the first 500.
func TestPagesLong(t *testing.T) {
	webtest.ForEachStore(t, func(t *testing.T, open webtest.Opener) {
		e := newEnv(t, open(t))
		const animals, perAnimal, extra = 20, 100, 500
		var zs []zootour.Zoo
		var as []zootour.Animal
		var vs []zootour.Visit
		zs = append(zs, zootour.Zoo{ID: 1, Name: "Busy", Location: "Here"}, zootour.Zoo{ID: 2, Name: "Quiet", Location: "There"})
		start := zootour.MustDate("2000-01-01")
		for a := 1; a <= animals; a++ {
			as = append(as, zootour.Animal{ID: int64(a), Name: fmt.Sprintf("Animal %02d", a), Species: "stoat"})
			for i := range perAnimal {
				vs = append(vs, zootour.Visit{ID: int64(len(vs) + 1), Date: start.AddDays(i*7 + a), ZooID: 1, AnimalID: int64(a)})
			}
		}
		for i := range extra { // animal 1 tours zoo 2 after its visits to zoo 1
			vs = append(vs, zootour.Visit{ID: int64(len(vs) + 1), Date: start.AddDays(perAnimal*7 + 10 + i), ZooID: 2, AnimalID: 1})
		}
		if err := e.Store.Import(t.Context(), zootour.Source{Zoos: webtest.SeqOf(zs...), Animals: webtest.SeqOf(as...), Visits: webtest.SeqOf(vs...)}); err != nil {
			t.Fatal(err)
		}
		c := member(t, e, zootour.Editor)

		visitLink := regexp.MustCompile(`<a href="/visits/(\d+)" title="Visit`)
		next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`)
		prev := regexp.MustCompile(`<a href="([^"]+)" rel="prev">`)
		path, pages := "/zoos/1", 0
		var seen []int64
		var previous []string
		for path != "" {
			p := c.must(path, http.StatusOK)
			if pages == 0 {
				has(t, path, p, "20 animals came in 2,000 visits")
			}
			ids := visitLink.FindAllStringSubmatch(p.body, -1)
			if len(ids) > visitsPerPage {
				t.Fatalf("%s lists %d visits", path, len(ids))
			}
			for _, m := range ids {
				id, _ := strconv.ParseInt(m[1], 10, 64)
				seen = append(seen, id)
			}
			if m := prev.FindStringSubmatch(p.body); pages > 0 && (m == nil || html.UnescapeString(m[1]) != previous[len(previous)-1]) {
				t.Fatalf("page %d links back to %v, want %q", pages, m, previous[len(previous)-1])
			}
			previous = append(previous, path)
			path = ""
			if m := next.FindStringSubmatch(p.body); m != nil {
				path = html.UnescapeString(m[1])
			}
			if pages++; pages > 30 {
				t.Fatal("too many pages")
			}
		}
		if got, want := pages, 2000/visitsPerPage; got != want {
			t.Errorf("%d pages, want %d", got, want)
		}
		// The visits in the zoo's order: by date, then ID.
		want, err := e.Store.ZooVisits(t.Context(), 1, zootour.Query{})
		if err != nil {
			t.Fatal(err)
		}
		var wantIDs []int64
		for _, v := range want {
			wantIDs = append(wantIDs, v.ID)
		}
		if !slices.Equal(seen, wantIDs) {
			t.Errorf("the pages list %d visits, not the zoo's %d in order", len(seen), len(wantIDs))
		}

		// The timeline draws the whole tour, a bar per stay, however many
		// visits: here two stays of many visits each.
		p := c.must("/animals/1", http.StatusOK)
		if got, want := strings.Count(p.body, `<rect class="stay`), 2; got != want {
			t.Errorf("the timeline draws %d stays, want %d", got, want)
		}
		has(t, "animal 1", p, "in 2 stays", `rel="next"`)
		if got := len(visitLink.FindAllString(p.body, -1)); got != visitsPerPage {
			t.Errorf("the itinerary lists %d visits, want %d", got, visitsPerPage)
		}
	})
}

// TestPagesBadWindow checks that bad dates in a window are shown as
// messages, not an error page.
func TestPagesBadWindow(t *testing.T) {
	e := newEnv(t, webtest.MemoryStore(t))
	webtest.Seed(t, e.Store)
	c := member(t, e, zootour.Editor)
	for path, want := range map[string]string{
		"/zoos/1?from=2024-13-01":                  `Date &#34;2024-13-01&#34; is not a calendar date`,
		"/animals/1?to=tomorrow":                   `Date &#34;tomorrow&#34; is not written YYYY-MM-DD.`,
		"/zoos/1?from=2024-02-01&to=2024-01-01":    "The to date comes before the from date.",
		"/animals/1?from=2024-02-01&to=2024-01-01": "The to date comes before the from date.",
	} {
		p := c.must(path, http.StatusBadRequest)
		has(t, path, p, want, `class="field invalid"`, "Date window")
		hasNot(t, path, p, "Itinerary", "Visits by date")
	}
	has(t, "visits", c.must("/visits?from=2024-13-01", http.StatusBadRequest), `<p class="error" id="f-from-error">Date &#34;2024-13-01&#34; is not a calendar date`)
	c.must("/zoos/1?after=garbage", http.StatusBadRequest)
	c.must("/zoos?sort=id&after=-4", http.StatusBadRequest)
	c.must("/zoos?after=!!", http.StatusBadRequest)
}

// TestPagesSort checks that lists sort by name across pages, and by ID
// when there are too many to sort.
func TestPagesSort(t *testing.T) {
	e := newEnv(t, webtest.MemoryStore(t))
	var zs []zootour.Zoo
	for i := range 120 {
		// Names in an order unlike the IDs, some differing only in case.
		zs = append(zs, zootour.Zoo{ID: int64(i + 1), Name: fmt.Sprintf("%c zoo %03d", "bAcD"[i%4], 119-i), Location: "L"})
	}
	if err := e.Store.Import(t.Context(), zootour.Source{Zoos: webtest.SeqOf(zs...)}); err != nil {
		t.Fatal(err)
	}
	c := member(t, e, zootour.Editor)
	row := regexp.MustCompile(`<td><a href="/zoos/\d+">([^<]+)</a></td>`)
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`)
	var names []string
	for path := "/zoos"; path != ""; {
		p := c.must(path, http.StatusOK)
		for _, m := range row.FindAllStringSubmatch(p.body, -1) {
			names = append(names, m[1])
		}
		path = ""
		if m := next.FindStringSubmatch(p.body); m != nil {
			path = html.UnescapeString(m[1])
		}
	}
	if len(names) != 120 || !slices.IsSortedFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) {
		t.Fatalf("by name: %d names, sorted %v: %q", len(names), slices.IsSorted(names), names)
	}

	// Name order is the collation order at any size: "Málaga" before
	// "Mumbai", and the last page as right as the first.
	zs = zs[:0]
	for i := range 6000 {
		zs = append(zs, zootour.Zoo{ID: int64(1000 + i), Name: fmt.Sprintf("Zz %04d", 5999-i), Location: "L"})
	}
	zs = append(zs, zootour.Zoo{ID: 9001, Name: "Mumbai", Location: "IN"}, zootour.Zoo{ID: 9002, Name: "Málaga", Location: "ES"})
	if err := e.Store.Import(t.Context(), zootour.Source{Zoos: webtest.SeqOf(zs...)}); err != nil {
		t.Fatal(err)
	}
	p := c.must("/zoos?q=m", http.StatusOK)
	if i, j := strings.Index(p.body, ">Málaga<"), strings.Index(p.body, ">Mumbai<"); i < 0 || j < i {
		t.Errorf("Málaga (%d) does not come before Mumbai (%d)", i, j)
	}
	p = c.must("/zoos?sort=-name", http.StatusOK)
	has(t, "by name, Z to A", p, `href="/zoos/1000">Zz 5999</a>`, "Sorted by name, Z to A.", `aria-sort="descending"`)
	names = names[:0]
	for path := "/zoos?sort=-name"; path != ""; {
		p := c.must(path, http.StatusOK)
		for _, m := range row.FindAllStringSubmatch(p.body, -1) {
			names = append(names, m[1])
		}
		path = ""
		if m := next.FindStringSubmatch(p.body); m != nil {
			path = html.UnescapeString(m[1])
		}
	}
	if got, want := len(names), 6122; got != want {
		t.Fatalf("walked %d zoos by -name, want %d", got, want)
	}
	if names[len(names)-1] != "A zoo 002" {
		t.Errorf("the last zoo by -name is %q", names[len(names)-1])
	}
}

// TestPagesSearchAndChoosers covers the bounds of search and of the
// visit form's lists of zoos and animals.
func TestPagesSearchAndChoosers(t *testing.T) {
	e := newEnv(t, webtest.MemoryStore(t))
	var zs []zootour.Zoo
	for i := range chooserMax + 1 {
		zs = append(zs, zootour.Zoo{ID: int64(i + 1), Name: fmt.Sprintf("Park %d", i+1), Location: "Utrecht"})
	}
	err := e.Store.Import(t.Context(), zootour.Source{Zoos: webtest.SeqOf(zs...), Animals: webtest.SeqOf(zootour.Animal{ID: 1, Name: "Rosa", Species: "flamingo"})})
	if err != nil {
		t.Fatal(err)
	}
	c := member(t, e, zootour.Editor)
	p := c.must("/search?q=utrecht", http.StatusOK)
	if got := strings.Count(p.body, `<li><a href="/zoos/`); got != searchMax {
		t.Errorf("the search shows %d zoos, want %d", got, searchMax)
	}
	has(t, "search", p, "The first 50 zoos found are shown", `href="/zoos?q=utrecht">see every zoo that matches`, "No animal matches")
	c.must("/search?q="+strings.Repeat("x", 201), http.StatusBadRequest)

	// Too many zoos for a datalist: the zoo is typed, by ID or by name.
	p = c.must("/visits/new?zoo=7&animal=1", http.StatusOK)
	has(t, "visit form", p, `<input id="f-zoo" name="zoo" type="text" value="7" required`, "Zoo 7 is Park 7 (Utrecht).",
		`<option value="Rosa (flamingo) #1">`, `value="`+zootour.DateOf(time.Now()).String()+`"`)
	hasNot(t, "visit form", p, `id="f-zoo-list"`)
	p = c.submit("/visits/new", "/visits", url.Values{"date": {"2024-01-01"}, "zoo": {"999"}, "animal": {"1"}})
	has(t, "visit form", p, "There is no zoo 999.", `value="999"`)
	hasNot(t, "visit form", p, "Zoo 999 is")

	// Found by name: words that match several records offer them to
	// choose from, with what tells them apart; the choice then records it.
	suki1, err := e.Store.CreateAnimal(t.Context(), zootour.Animal{Name: "Suki", Species: "Axolotl"})
	if err != nil {
		t.Fatal(err)
	}
	suki2, err := e.Store.CreateAnimal(t.Context(), zootour.Animal{Name: "Suki", Species: "Green anaconda"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Store.CreateVisit(t.Context(), zootour.Visit{Date: zootour.MustDate("2020-01-01"), ZooID: 3, AnimalID: suki2.ID}); err != nil {
		t.Fatal(err)
	}
	p = c.submit("/visits/new", "/visits", url.Values{"date": {"2024-01-01"}, "zoo": {"park 12"}, "animal": {"suki"}})
	checkPage(t, "two Sukis", p, http.StatusBadRequest)
	has(t, "two Sukis", p, "2 animals match &#34;suki&#34;: choose one below.", `name="animal-pick" value="`+fmt.Sprint(suki1.ID)+`"`,
		"Axolotl", "Green anaconda", "at Park 3 today", `name="zoo-pick" value="12"`, `name="zoo-pick" value="120"`)
	p = c.submit("/visits/new", "/visits", url.Values{"date": {"2024-01-01"}, "zoo": {"park 12"}, "zoo-pick": {"12"},
		"animal": {"suki"}, "animal-pick": {fmt.Sprint(suki1.ID)}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("a visit chosen by name: %d\n%s", p.status, p.body)
	}
	vs, err := e.Store.AnimalVisits(t.Context(), suki1.ID, zootour.Query{})
	if err != nil || len(vs) != 1 || vs[0].ZooID != 12 {
		t.Fatalf("Suki the axolotl's visits = %v, %v; want one to zoo 12", vs, err)
	}
	// Words that match one record only need no choice; accents and case
	// do not matter.
	if _, err := e.Store.CreateZoo(t.Context(), zootour.Zoo{Name: "Zoo Zürich", Location: "Zürich"}); err != nil {
		t.Fatal(err)
	}
	p = c.submit("/visits/new", "/visits", url.Values{"date": {"2024-01-02"}, "zoo": {"zurich"}, "animal": {"axolotl"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("a visit found by unique words: %d\n%s", p.status, p.body)
	}
}

// TestPagesStatic checks the embedded assets and their caching.
func TestPagesStatic(t *testing.T) {
	e := newEnv(t, webtest.MemoryStore(t))
	c := member(t, e, zootour.Editor)
	home := c.must("/", http.StatusOK)
	css := regexp.MustCompile(`<link rel="stylesheet" href="(/static/style\.css\?v=[0-9a-f]+)">`).FindStringSubmatch(home.body)
	if css == nil {
		t.Fatal("the page links no versioned stylesheet")
	}
	p := c.get(css[1])
	if p.status != 200 || !strings.HasPrefix(p.header.Get("Content-Type"), "text/css") || !strings.Contains(p.header.Get("Cache-Control"), "immutable") {
		t.Fatalf("stylesheet: %d %q %q", p.status, p.header.Get("Content-Type"), p.header.Get("Cache-Control"))
	}
	p = c.get("/static/style.css?v=old")
	if p.status != 200 || p.header.Get("Cache-Control") != "no-cache" || p.header.Get("ETag") == "" {
		t.Fatalf("stylesheet of another version: %d %q", p.status, p.header.Get("Cache-Control"))
	}
	req, _ := http.NewRequest("GET", e.URL+"/static/style.css", nil)
	req.Header.Set("If-None-Match", p.header.Get("ETag"))
	if p := c.send(req); p.status != http.StatusNotModified {
		t.Fatalf("revalidation: %d", p.status)
	}
	if p := c.get("/static/favicon.svg"); p.status != 200 || p.header.Get("Content-Type") != "image/svg+xml" {
		t.Fatalf("icon: %d %q", p.status, p.header.Get("Content-Type"))
	}
}

// TestPagesZooAnimalsPaged checks the pages of a zoo's animal summary,
// which go by offset, and that both pagers of the page keep each other.
func TestPagesZooAnimalsPaged(t *testing.T) {
	e := newEnv(t, webtest.MemoryStore(t))
	var as []zootour.Animal
	var vs []zootour.Visit
	for i := 1; i <= 250; i++ {
		as = append(as, zootour.Animal{ID: int64(i), Name: fmt.Sprintf("Animal %03d", i), Species: "vole"})
		vs = append(vs, zootour.Visit{ID: int64(i), Date: zootour.MustDate("2020-01-01").AddDays(i), ZooID: 1, AnimalID: int64(i)})
	}
	err := e.Store.Import(t.Context(), zootour.Source{Zoos: webtest.SeqOf(zootour.Zoo{ID: 1, Name: "Z", Location: "L"}), Animals: webtest.SeqOf(as...), Visits: webtest.SeqOf(vs...)})
	if err != nil {
		t.Fatal(err)
	}
	c := member(t, e, zootour.Editor)
	p := c.must("/zoos/1", http.StatusOK)
	has(t, "first page", p, "250 animals came in 250 visits", "animals 1 to 100 of 250", `href="/animals/100">`,
		`<a href="/zoos/1?a=100" rel="next">`, `<a href="/zoos/1?after=2020-04-10.100&amp;prev=0" rel="next">`)
	hasNot(t, "first page", p, `href="/animals/101">`)
	p = c.must("/zoos/1?a=200&after=2020-04-10.100&prev=0", http.StatusOK)
	has(t, "last page", p, "animals 201 to 250 of 250", `href="/animals/250">Animal 250`,
		`<a href="/zoos/1?a=100&amp;after=2020-04-10.100&amp;prev=0" rel="prev">`,
		`<a href="/zoos/1?a=200" rel="prev">`)
	c.must("/zoos/1?a=250", http.StatusBadRequest)
	c.must("/zoos/1?a=-1", http.StatusBadRequest)
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"/zoos/1":              "/zoos/1",
		"/zoos/new?x=1":        "/zoos/new?x=1",
		"":                     "/",
		"zoos":                 "/",
		"https://evil.example": "/",
		"//evil.example":       "/",
		"/\\evil.example":      "/",
		"/\t/evil.example":     "/",
		"/\r\nSet-Cookie: x":   "/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}
