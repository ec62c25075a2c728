package web

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/zootour/zootour"
)

// TestBrowserDownload signs in, opens a zoo's page with a date window and
// downloads its table of visits through the link beside it, as a person
// would: the file holds every visit of the window, on every page of the
// table, and only those.
func TestBrowserDownload(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	s, base := serveSQLite(t)
	ctx := t.Context()
	z, err := s.CreateZoo(ctx, zootour.Zoo{Name: "Artis, Amsterdam", Location: "Amsterdam"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.CreateAnimal(ctx, zootour.Animal{Name: "Rosa “the pink”", Species: "flamingo"})
	if err != nil {
		t.Fatal(err)
	}
	// More visits than a page of the table shows, some outside the window.
	first := zootour.MustDate("2015-01-01")
	var want []string
	for i := range 250 {
		v, err := s.CreateVisit(ctx, zootour.Visit{Date: first.AddDays(i * 2), ZooID: z.ID, AnimalID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		if v.Date.Year() == 2015 {
			want = append(want, strconv.FormatInt(v.ID, 10)+" "+v.Date.String())
		}
	}

	b := newBrowser(t, base)
	dir := t.TempDir()
	if _, err := chromedp.Call(b.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir}); err != nil {
		t.Fatal(err)
	}
	b.open("/signin")
	b.do(chromedp.SendKeys(chromedp.ID("f-name"), browserUser), chromedp.SendKeys(chromedp.ID("f-password"), browserPassword))
	b.submit("form.record")
	b.open("/zoos/" + strconv.FormatInt(z.ID, 10) + "?from=2015-01-01&to=2015-12-31")
	b.contains("#visits-h", "Visits by date")
	b.do(chromedp.Click(chromedp.CSS(`section[aria-labelledby="visits-h"] .downloads a[href*="format=csv"]`)))

	path := waitForFile(t, dir, ".csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"id", "name", "species", "visit_id", "date"}; !slices.Equal(rows[0], want) {
		t.Fatalf("header %q, want %q", rows[0], want)
	}
	var got []string
	for _, r := range rows[1:] {
		if r[1] != a.Name {
			t.Errorf("row %q names the animal %q", r, r[1])
		}
		got = append(got, r[3]+" "+r[4])
	}
	if !slices.Equal(got, want) {
		t.Errorf("the file holds %d visits, the window %d: %q", len(got), len(want), got)
	}

	// Printed, the page is its tables: no navigation, forms, pagers or
	// download links, and black text on white.
	if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	for _, sel := range []string{"header.site", "form.window", ".pager", ".downloads", "footer.site"} {
		if b.eval(`getComputedStyle(document.querySelector(`+strconv.Quote(sel)+`)).display === "none" ? 1 : 0`) != 1 {
			t.Errorf("%s is printed", sel)
		}
	}
	if b.eval(`getComputedStyle(document.querySelector("section[aria-labelledby='visits-h'] table")).display === "table" ? 1 : 0`) != 1 {
		t.Error("the table of visits is not printed as a table")
	}
	if b.eval(`getComputedStyle(document.body).color === "rgb(0, 0, 0)" && getComputedStyle(document.body).backgroundColor === "rgb(255, 255, 255)" ? 1 : 0`) != 1 {
		t.Error("the printed page is not black on white")
	}
	b.shoot("zoo-print")
}

// waitForFile waits for a finished download ending in ext in dir.
func waitForFile(t *testing.T, dir, ext string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		names, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, n := range names {
			if strings.HasSuffix(n, ext) {
				return n
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no %s file was downloaded into %s", ext, dir)
	return ""
}
