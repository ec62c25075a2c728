package web

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/accounts"
	"github.com/zootour/zootour/sqlite"
	"github.com/zootour/zootour/web/internal/webtest"
)

// The browser test drives the pages in a real headless Chromium against a
// real server on loopback with a SQLite database, through the forms as a
// person would, and writes full-page screenshots of each page at a phone's
// width and a wide screen's.
//
// It needs Chromium (apt-get install chromium). Without it the test skips,
// unless ZOOTOUR_TEST_BROWSER=required, when it fails. Screenshots go to
// $ZOOTOUR_SCREENSHOTS, or to a new temporary folder that the test names
// in its log and leaves in place.

// findChromium returns the path of a Chromium or Chrome binary, or "".
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser is a tab of a headless Chromium, and where to put screenshots.
type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
}

func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	path := findChromium()
	if path == "" {
		msg := "browser tests need Chromium: install it (apt-get install chromium) and run go test ./web -run Browser"
		if os.Getenv("ZOOTOUR_TEST_BROWSER") == "required" {
			t.Fatal(msg + " (ZOOTOUR_TEST_BROWSER=required)")
		}
		t.Skip(msg + "; set ZOOTOUR_TEST_BROWSER=required to fail instead of skipping")
	}
	shots := os.Getenv("ZOOTOUR_SCREENSHOTS")
	if shots == "" {
		var err error
		// Not t.TempDir: the screenshots are there to be looked at afterwards.
		if shots, err = os.MkdirTemp("", "zootour-screenshots-"); err != nil {
			t.Fatal(err)
		}
	} else if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 900),
	)
	// One bound for the whole test, so that a browser that hangs fails it.
	ctx, cancelTimeout := context.WithTimeout(context.Background(), 60*time.Second)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})
	return &browser{t: t, ctx: bctx, base: base, shots: shots}
}

func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatal(err)
	}
}

func (b *browser) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base + path))
}

// submit clicks a form's submit button and waits for the page it leads to.
func (b *browser) submit(form string) {
	b.t.Helper()
	_, err := chromedp.Run(b.ctx, chromedp.WaitEvent(cdppage.LoadEventFired, nil,
		chromedp.Click(chromedp.CSS(form+` button[type="submit"]`))))
	if err != nil {
		b.t.Fatal(err)
	}
}

// follow clicks a link and waits for the page it leads to.
func (b *browser) follow(link string) {
	b.t.Helper()
	_, err := chromedp.Run(b.ctx, chromedp.WaitEvent(cdppage.LoadEventFired, nil, chromedp.Click(chromedp.CSS(link))))
	if err != nil {
		b.t.Fatal(err)
	}
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func (b *browser) value(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("value of %s: %v", sel, err)
	}
	return s
}

func (b *browser) eval(js string) int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](js))
	if err != nil {
		b.t.Fatalf("%s: %v", js, err)
	}
	return n
}

func (b *browser) path() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return strings.TrimPrefix(loc, b.base)
}

// contains fails the test unless the text of sel holds every want.
func (b *browser) contains(sel string, want ...string) {
	b.t.Helper()
	got := b.text(sel)
	for _, w := range want {
		if !strings.Contains(got, w) {
			b.t.Fatalf("%s on %s does not hold %q:\n%s", sel, b.path(), w, got)
		}
	}
}

// dark asks the page for its dark colours, as a system set to dark would.
func (b *browser) dark(on bool) {
	b.t.Helper()
	v := "light"
	if on {
		v = "dark"
	}
	_, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: v}},
	})
	if err != nil {
		b.t.Fatal(err)
	}
}

// shoot writes full-page screenshots of the current page at a phone's
// width (390 CSS pixels) and a wide screen's (1440).
func (b *browser) shoot(name string) {
	b.t.Helper()
	for _, width := range []int64{390, 1440} {
		var opts []chromedp.EmulateViewportOption
		if width < 600 {
			opts = append(opts, chromedp.EmulateMobile)
		}
		b.do(chromedp.EmulateViewport(width, 900, opts...))
		png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			b.t.Fatal(err)
		}
		file := filepath.Join(b.shots, fmt.Sprintf("%s-%d.png", name, width))
		if err := os.WriteFile(file, png, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
}

// The user the browser signs in as, an editor.
const (
	browserUser     = "rina"
	browserPassword = "a browser's password"
)

// serveSQLite runs a server on 127.0.0.1:0 over a new SQLite database and
// returns its store and base URL; both end with the test. The store has
// an editor to sign in as: loopback is no reason to trust the browser.
func serveSQLite(t *testing.T) (zootour.Store, string) {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "zootour.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := accounts.New(s).AddUser(t.Context(), browserUser, zootour.Editor, browserPassword); err != nil {
		t.Fatal(err)
	}
	srv := New(s, Config{Addr: "127.0.0.1:0", Logger: webtest.Logger(t), Stdout: io.Discard, Stderr: io.Discard})
	ln, err := srv.Listen()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Error(err)
		}
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s, "http://" + ln.Addr().String()
}

func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	s, base := serveSQLite(t)
	b := newBrowser(t, base)
	ctx := t.Context()
	defer func() { t.Logf("screenshots of the pages: %s", b.shots) }()

	// Signed out, a page leads to the sign-in form, and back after it.
	b.open("/")
	if got, want := b.path(), "/signin?next=%2F"; got != want {
		t.Fatalf("signed out, / leads to %s, want %s", got, want)
	}
	b.shoot("signin")
	b.do(chromedp.SendKeys(chromedp.ID("f-name"), browserUser), chromedp.SendKeys(chromedp.ID("f-password"), "not the password"))
	b.submit("form.record")
	b.contains("#signin-error", "Wrong name or password.")
	if got := b.value("#f-password"); got != "" {
		t.Fatalf("the password field kept %q", got)
	}
	b.do(chromedp.SendKeys(chromedp.ID("f-password"), browserPassword))
	b.submit("form.record")
	if got, want := b.path(), "/"; got != want {
		t.Fatalf("after signing in the browser is at %s, want %s", got, want)
	}
	b.contains(".flash", "You are signed in as rina (editor).")
	b.contains("header #who", "rina", "editor")

	// The first Tab reaches the skip link, which leads to the content.
	b.open("/")
	b.shoot("home-empty")
	b.do(chromedp.KeyEvent("\t"))
	if got := b.eval(`document.activeElement.matches("a.skip") ? 1 : 0`); got != 1 {
		t.Fatal("the first Tab does not reach the skip link")
	}
	b.do(chromedp.KeyEvent("\r"))
	if got := b.eval(`document.activeElement.id === "main" ? 1 : 0`); got != 1 {
		t.Fatal("the skip link does not move the focus to the content")
	}

	// A zoo, through its form.
	b.follow(`a[href="/zoos/new"]`)
	b.do(chromedp.SendKeys(chromedp.ID("f-name"), "Artis"), chromedp.SendKeys(chromedp.ID("f-location"), "Amsterdam"))
	b.submit("form.record")
	if got, want := b.path(), "/zoos/1"; got != want {
		t.Fatalf("after adding a zoo the browser is at %s, want %s", got, want)
	}
	b.contains("h1", "Artis")
	b.contains(".flash", "The zoo was added.")

	// An animal, after a first try without a species.
	b.open("/animals/new")
	b.do(chromedp.SendKeys(chromedp.ID("f-name"), "Rosa"))
	b.submit("form.record")
	b.contains("#f-species-error", "Species is required")
	if got := b.value("#f-name"); got != "Rosa" {
		t.Fatalf("the name was not kept: %q", got)
	}
	b.shoot("animal-form-invalid")
	b.do(chromedp.SendKeys(chromedp.ID("f-species"), "flamingo"))
	b.submit("form.record")
	if got, want := b.path(), "/animals/1"; got != want {
		t.Fatalf("after adding an animal the browser is at %s, want %s", got, want)
	}

	// Two visits, from the zoo's page; the first with a bad date.
	b.open("/zoos/1")
	b.follow(`a[href^="/visits/new?zoo=1"]`)
	if got := b.value("#f-zoo"); got != "1" {
		t.Fatalf("the zoo is not chosen: %q", got)
	}
	b.do(chromedp.SetValue(chromedp.ID("f-date"), "12000-01-01"), chromedp.SetValue(chromedp.ID("f-animal"), "1"))
	b.submit("form.record")
	b.contains("#f-date-error", "is not written YYYY-MM-DD")
	b.contains(".problems", "There is a problem")
	if got := b.value("#f-animal"); got != "1" {
		t.Fatalf("the animal was not kept: %q", got)
	}
	b.shoot("visit-form-invalid")
	b.do(chromedp.SetValue(chromedp.ID("f-date"), "2024-03-01"))
	b.submit("form.record")
	if got, want := b.path(), "/zoos/1"; got != want {
		t.Fatalf("after adding a visit the browser is at %s, want %s", got, want)
	}
	b.follow(`a[href^="/visits/new?zoo=1"]`)
	b.do(chromedp.SetValue(chromedp.ID("f-date"), "2024-09-15"), chromedp.SetValue(chromedp.ID("f-animal"), "1"))
	b.submit("form.record")
	b.contains("main", "Rosa", "2024-03-01", "2024-09-15", "1 animal came in 2 visits")

	// Change the first visit's date through its form, see the change in
	// its history, revert it and see the old date back.
	b.open("/visits/1")
	b.follow(`a[href="/visits/1/edit"]`)
	b.do(chromedp.SetValue(chromedp.ID("f-date"), "2024-03-02"))
	b.submit("form.record")
	if got, want := b.path(), "/visits/1"; got != want {
		t.Fatalf("after editing the visit the browser is at %s, want %s", got, want)
	}
	b.contains(".flash", "The visit was saved.")
	b.contains("dl.facts", "2024-03-02")
	b.contains("section.history li.change:first-child", "rina changed visit 1", "Date:", "2024-03-01", "2024-03-02")
	b.shoot("visit-history")
	b.submit("section.history li.change:first-child form.revert")
	if got, want := b.path(), "/visits/1"; got != want {
		t.Fatalf("after the revert the browser is at %s, want %s", got, want)
	}
	b.contains(".flash", "Undone: the change of visit 1 that rina made on")
	b.contains("dl.facts", "2024-03-01")
	b.contains("section.history li.change:first-child", "rina changed visit 1", "2024-03-02", "2024-03-01")
	if v, err := s.Visit(ctx, 1); err != nil || v.Date != zootour.MustDate("2024-03-01") {
		t.Fatalf("after the revert the visit is %+v (%v)", v, err)
	}
	b.shoot("visit-reverted")
	b.open("/changes")
	b.contains("ol.changes", "rina changed visit 1", "rina added visit 2")
	b.shoot("changes")

	// Two visits in a row to Artis are one stay, still open.
	b.open("/animals/1")
	if got, want := b.eval(`document.querySelectorAll("table.stays tbody tr").length`), 1; got != want {
		t.Fatalf("the itinerary has %d stays, want %d", got, want)
	}
	b.contains("table.stays tbody tr", "Artis", "2024-03-01", "still there", "2 visits")
	// Where on a date, through the date picker's form.
	b.do(chromedp.SetValue(chromedp.ID("f-on"), "2024-05-01"))
	b.submit("form.onform")
	if got, want := b.path(), "/animals/1?on=2024-05-01"; got != want {
		t.Fatalf("the where form leads to %s, want %s", got, want)
	}
	b.contains("#where-answer", "On 2024-05-01 Rosa was at Artis (since 2024-03-01). It is still there.")
	b.do(chromedp.SetValue(chromedp.ID("f-on"), "2024-02-29"))
	b.submit("form.onform")
	b.contains("#where-answer", "On 2024-02-29 Rosa had not arrived anywhere yet.")
	// A bad date is shown next to the field (the browser's own date
	// picker would not send one, so the test types it in the address).
	b.open("/animals/1?on=2024-02-30")
	b.contains("#f-on-error", "is not a calendar date")

	// More of a tour, straight into the store, so the pictures show one.
	blijdorp, err := s.CreateZoo(ctx, zootour.Zoo{Name: "Diergaarde Blijdorp", Location: "Rotterdam"})
	if err != nil {
		t.Fatal(err)
	}
	bram, err := s.CreateAnimal(ctx, zootour.Animal{Name: "Bram", Species: "brown bear"})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []zootour.Visit{
		{Date: zootour.MustDate("2024-05-20"), ZooID: blijdorp.ID, AnimalID: 1},
		{Date: zootour.MustDate("2024-12-01"), ZooID: blijdorp.ID, AnimalID: 1},
		{Date: zootour.MustDate("2024-04-02"), ZooID: 1, AnimalID: bram.ID},
	} {
		if _, err := s.CreateVisit(ctx, v); err != nil {
			t.Fatal(err)
		}
	}

	b.open("/zoos/1")
	b.contains("main", "Rosa", "Bram", "2 animals came in 3 visits")
	// Who was at Artis in mid-April: Rosa, until she moved, and Bram.
	b.do(chromedp.SetValue(chromedp.ID("f-on"), "2024-04-15"))
	b.submit("form.onform")
	b.contains("#present-h", "Present on 2024-04-15")
	if got, want := b.eval(`document.querySelectorAll("table.present tbody tr").length`), 2; got != want {
		t.Fatalf("%d animals present at Artis on 2024-04-15, want %d", got, want)
	}
	b.contains("table.present tbody tr:nth-child(1)", "Rosa", "2024-03-01", "2024-05-20")
	b.contains("table.present tbody tr:nth-child(2)", "Bram", "2024-04-02", "still there")
	b.shoot("zoo")
	b.open("/animals/1")
	b.contains("main", "Artis", "Diergaarde Blijdorp", "2024-03-01", "2024-09-15")
	if got, want := b.eval(`document.querySelectorAll("figure.timeline svg rect.stay").length`), 4; got != want {
		t.Fatalf("the timeline has %d stays, want %d", got, want)
	}
	if got, want := b.eval(`document.querySelectorAll("figure.timeline svg text.zoo").length`), 2; got != want {
		t.Fatalf("the timeline has %d zoo rows, want %d", got, want)
	}
	desc, err := chromedp.Run(b.ctx, chromedp.TextContent(chromedp.CSS("figure.timeline svg desc")))
	if err != nil || !strings.Contains(desc, "4 visits to 2 zoos in 4 stays, from 2024-03-01; it has been at Diergaarde Blijdorp since 2024-12-01") {
		t.Fatalf("the timeline's description is %q (%v)", desc, err)
	}
	b.contains("table.stays", "Diergaarde Blijdorp", "2024-05-20", "2024-09-15", "still there")
	if got, want := b.eval(`document.querySelectorAll("table.stays tbody tr").length`), 4; got != want {
		t.Fatalf("the itinerary has %d stays, want %d", got, want)
	}
	// Today is marked, and the axis is above the zoos.
	if got := b.eval(`document.querySelector("figure.timeline svg.tl-axis").getBoundingClientRect().bottom <= document.querySelector("figure.timeline svg.tl-rows").getBoundingClientRect().top + 1 ? 1 : 0`); got != 1 {
		t.Fatal("the timeline's date axis is not above its rows")
	}
	b.shoot("animal")
	b.follow(`a[href="/animals/1/contacts"]`)
	b.contains("table.contacts", "Bram", "Artis, from 2024-04-02 until 2024-05-20", "Artis, from 2024-09-15 until 2024-12-01")
	b.shoot("contacts")
	b.open("/animals/1")
	b.dark(true)
	b.shoot("animal-dark")
	b.dark(false)

	// Finding records. Two animals called Suki: the search tells them
	// apart by ID, species and where each is today.
	suki, err := s.CreateAnimal(ctx, zootour.Animal{Name: "Suki", Species: "Axolotl"})
	if err != nil {
		t.Fatal(err)
	}
	otherSuki, err := s.CreateAnimal(ctx, zootour.Animal{Name: "Suki", Species: "Green anaconda"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateVisit(ctx, zootour.Visit{Date: zootour.MustDate("2025-01-01"), ZooID: blijdorp.ID, AnimalID: otherSuki.ID}); err != nil {
		t.Fatal(err)
	}
	b.open("/")
	b.do(chromedp.SendKeys(chromedp.ID("q"), "SUKI"))
	b.submit("form.searchbox")
	b.contains("main", "Axolotl", "Green anaconda", fmt.Sprintf("animal %d", suki.ID), "at Diergaarde Blijdorp today", "at no zoo today")
	b.shoot("search-suki")
	// The task: record that this Suki arrived at Artis today, found by
	// name; no ID to remember, the date already today.
	b.open("/zoos/1")
	b.follow(`a[href^="/visits/new?zoo=1"]`)
	today := zootour.DateOf(time.Now()).String()
	if got := b.value("#f-date"); got != today {
		t.Fatalf("the date of a new visit is %q, want today %s", got, today)
	}
	b.do(chromedp.SendKeys(chromedp.ID("f-animal"), "suki"))
	b.submit("form.record")
	b.contains("#f-animal-error", "2 animals match")
	b.contains("fieldset.choices", "Axolotl", "Green anaconda", "at Diergaarde Blijdorp today")
	b.shoot("visit-form-choose")
	b.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="animal-pick"][value="%d"]`, suki.ID))))
	b.submit("form.record")
	if got, want := b.path(), "/zoos/1"; got != want {
		t.Fatalf("after choosing Suki the browser is at %s, want %s", got, want)
	}
	b.contains("table.present", "Suki", "Axolotl", today)
	// Lists in name order with sortable headers, and the visits newest
	// first.
	b.open("/animals")
	b.contains("table tbody tr:first-child", "Bram")
	b.follow(`th a[href*="sort=-name"]`)
	b.contains("table tbody tr:first-child", "Suki")
	b.open("/visits")
	b.contains("table tbody tr:first-child", today, "Suki", "Artis")
	b.do(chromedp.SendKeys(chromedp.ID("f-animal"), "bram"))
	b.submit("form.filters")
	if got, want := b.eval(`document.querySelectorAll("table tbody tr").length`), 1; got != want {
		t.Fatalf("Bram's visits: %d rows, want %d", got, want)
	}
	b.shoot("visits-filtered")
	// Present during a window, on the zoo's page.
	b.open("/zoos/1?from=2024-01-01&to=2024-12-31")
	b.contains("#during-h", "Here during this window")
	if got, want := b.eval(`document.querySelectorAll("section[aria-labelledby='during-h'] tbody tr").length`), 3; got != want {
		t.Fatalf("%d stays at Artis during 2024, want %d", got, want)
	}

	// The census, from the header: a table by zoo and species, and a chart.
	b.follow(`header a[href="/census"]`)
	b.do(chromedp.SetValue(chromedp.ID("f-on"), "2024-06-01"))
	b.submit("form.onform")
	if got, want := b.path(), "/census?on=2024-06-01"; got != want {
		t.Fatalf("the census form leads to %s, want %s", got, want)
	}
	b.contains("table.census", "Artis", "brown bear", "Diergaarde Blijdorp", "flamingo")
	if got, want := b.eval(`document.querySelectorAll("table.census tbody").length`), 2; got != want {
		t.Fatalf("the census has %d zoos, want %d", got, want)
	}
	if got, want := b.eval(`document.querySelectorAll(".census-chart svg rect.seg").length`), 2; got != want {
		t.Fatalf("the census chart has %d bars, want %d", got, want)
	}
	// The bars fill the box: the longest spans the chart's width.
	if got := b.eval(`Math.round(document.querySelector(".census-chart svg rect.seg").getBoundingClientRect().width / document.querySelector(".census-chart svg").getBoundingClientRect().width * 100)`); got != 100 {
		t.Fatalf("the longest bar spans %d%% of the chart", got)
	}
	desc, err = chromedp.Run(b.ctx, chromedp.TextContent(chromedp.CSS(".census-chart svg desc")))
	if err != nil || !strings.Contains(desc, "Animals present on 2024-06-01") || !strings.Contains(desc, "Artis, Amsterdam 1") {
		t.Fatalf("the census chart's description is %q (%v)", desc, err)
	}
	b.shoot("census")
	b.open("/animals/1?from=2024-04-01&to=2024-10-01")
	if got, want := b.eval(`document.querySelectorAll("figure.timeline svg rect.stay").length`), 3; got != want {
		t.Fatalf("the windowed timeline has %d stays, want %d", got, want)
	}
	b.open("/")
	b.shoot("home")
	b.open("/zoos")
	b.shoot("zoos")
	b.open("/visits")
	b.shoot("visits")
	b.open("/search?q=rosa")
	b.contains("main", "Rosa")
	b.shoot("search")
	b.open("/zoos/999")
	b.contains("h1", "Not found")
	b.shoot("not-found")
	b.open("/signin")
	b.contains("main", "You are signed in as rina (editor).")

	// Delete the zoo: the confirmation counts its visits, and only then
	// does the cascade take them.
	b.open("/zoos/1")
	b.follow(`a[href="/zoos/1/delete"]`)
	b.contains("main", "This deletes 4 visits too")
	b.shoot("zoo-delete")
	b.submit("form.confirm")
	if got, want := b.path(), "/zoos"; got != want {
		t.Fatalf("after deleting the zoo the browser is at %s, want %s", got, want)
	}
	b.contains(".flash", "The zoo was deleted.")
	counts, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := counts, (zootour.Counts{Zoos: 1, Animals: 4, Visits: 3}); got != want {
		t.Fatalf("after the cascade the store holds %+v, want %+v", got, want)
	}
	b.open("/animals/1")
	if got, want := b.eval(`document.querySelectorAll("figure.timeline svg rect.stay").length`), 1; got != want {
		t.Fatalf("after the cascade the timeline has %d stays, want %d", got, want)
	}

	// A long tour: many zoos make the timeline's rows tighter.
	wanda, err := s.CreateAnimal(ctx, zootour.Animal{Name: "Wanda", Species: "wandering albatross"})
	if err != nil {
		t.Fatal(err)
	}
	var zoos []int64
	for i, name := range []string{"Burgers' Zoo", "Ouwehands Dierenpark", "Wildlands Adventure Zoo Emmen", "Dierenpark Amersfoort",
		"GaiaZOO", "Zoo Antwerpen", "Pairi Daiza", "Tierpark Berlin", "Zoo Leipzig", "Tiergarten Schönbrunn",
		"Zoo Zürich", "ZSL London Zoo", "Chester Zoo", "Edinburgh Zoo", "Dublin Zoo", "Copenhagen Zoo", "Kolmården", "Korkeasaari"} {
		z, err := s.CreateZoo(ctx, zootour.Zoo{Name: name, Location: fmt.Sprintf("Place %d", i+1)})
		if err != nil {
			t.Fatal(err)
		}
		zoos = append(zoos, z.ID)
	}
	day := zootour.MustDate("2019-02-01")
	for i := range 40 {
		day = day.AddDays(20 + i*7%45)
		if _, err := s.CreateVisit(ctx, zootour.Visit{Date: day, ZooID: zoos[(i*7)%len(zoos)], AnimalID: wanda.ID}); err != nil {
			t.Fatal(err)
		}
	}
	b.open(fmt.Sprintf("/animals/%d", wanda.ID))
	if got, want := b.eval(`document.querySelectorAll("figure.timeline svg rect.stay").length`), 40; got != want {
		t.Fatalf("the long tour's timeline has %d stays, want %d", got, want)
	}
	b.shoot("animal-long-tour")
	b.open("/zoos")
	b.shoot("zoos-many")

	// A fuller census: animals of eight species spread over the zoos.
	kinds := []string{"flamingo", "brown bear", "meerkat", "giraffe", "red panda", "penguin", "okapi", "snow leopard"}
	for i := range 90 {
		a, err := s.CreateAnimal(ctx, zootour.Animal{Name: fmt.Sprintf("Animal %d", i+1), Species: kinds[(i*i+i/3)%len(kinds)]})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateVisit(ctx, zootour.Visit{Date: zootour.MustDate("2025-01-01").AddDays(i), ZooID: zoos[(i*5+i/4)%len(zoos)%(1+i%len(zoos))], AnimalID: a.ID}); err != nil {
			t.Fatal(err)
		}
	}
	b.open("/census?on=2025-06-01")
	if got := b.eval(`document.querySelectorAll(".census-chart svg text.zoo").length`); got < 10 {
		t.Fatalf("the fuller census charts %d zoos", got)
	}
	b.contains(".legend", "other species")
	b.shoot("census-many")
	b.dark(true)
	b.shoot("census-many-dark")
	b.dark(false)

	// Signing out ends the session: pages lead to the sign-in form again.
	b.submit("header form[action='/signout']")
	if got, want := b.path(), "/signin"; got != want {
		t.Fatalf("after signing out the browser is at %s, want %s", got, want)
	}
	b.contains(".flash", "You are signed out.")
	b.open("/zoos")
	if got, want := b.path(), "/signin?next=%2Fzoos"; got != want {
		t.Fatalf("signed out, /zoos leads to %s, want %s", got, want)
	}
}
