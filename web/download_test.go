package web

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/internal/webtest"
)

var downloadLinks = regexp.MustCompile(`<p class="downloads">[^\n]*?<a href="([^"]+)" download>CSV</a> or <a href="([^"]+)" download>Excel</a>`)

// TestDownloadLinks checks the links beside the pages' tables: each asks
// the API for the listing the table shows, with the page's window,
// filters and order, and answers it whole, as CSV and as a workbook.
func TestDownloadLinks(t *testing.T) {
	s := webtest.MemoryStore(t)
	webtest.Seed(t, s)
	e := newEnv(t, s, Config{}).As(webtest.User(t, s, "ed", zootour.Editor))
	pages := []struct {
		path string
		want []string // in the links, beside format=
	}{
		{"/zoos?q=artis&sort=-name", []string{"/api/zoos?", "q=artis", "sort=-name"}},
		{"/zoos?q=+", []string{"/api/zoos?format=csv&sort=name"}},
		{"/animals?species=bear", []string{"/api/animals?", "species=bear", "sort=name"}},
		{"/visits?zoo=1&from=2024-01-01", []string{"/api/visits?", "zoo_id=1", "from=2024-01-01"}},
		{"/zoos/1?from=2024-01-01&to=2024-12-31", []string{"/api/zoos/1/animals?", "from=2024-01-01", "to=2024-12-31", "/api/zoos/1/present?"}},
		{"/zoos/1?on=2024-01-05", []string{"/api/zoos/1/present?", "on=2024-01-05"}},
		{"/animals/1", []string{"/api/animals/1/itinerary?", "/api/animals/1/zoos?"}},
		{"/animals/1/contacts?from=2024-01-01", []string{"/api/animals/1/contacts?", "from=2024-01-01"}},
		{"/census?on=2024-01-05", []string{"/api/census?", "on=2024-01-05"}},
		{"/changes?kind=zoo", []string{"/api/changes?", "kind=zoo"}},
	}
	for _, p := range pages {
		r := e.Do("GET", p.path, "")
		if r.Status != 200 {
			t.Fatalf("GET %s: %d", p.path, r.Status)
		}
		found := downloadLinks.FindAllStringSubmatch(string(r.Body), -1)
		if len(found) == 0 {
			t.Fatalf("GET %s offers no download", p.path)
		}
		all := ""
		for _, m := range found {
			csvLink, bookLink := html.UnescapeString(m[1]), html.UnescapeString(m[2])
			all += csvLink + " "
			if !strings.Contains(csvLink, "format=csv") || !strings.Contains(bookLink, "format=xlsx") ||
				strings.Replace(csvLink, "format=csv", "format=xlsx", 1) != bookLink {
				t.Errorf("%s: links %s and %s", p.path, csvLink, bookLink)
			}
			got := e.Do("GET", csvLink, "")
			if got.Status != 200 || !strings.HasPrefix(got.Header.Get("Content-Type"), "text/csv") {
				t.Fatalf("%s: GET %s: %d %s", p.path, csvLink, got.Status, got.Body)
			}
			rows, err := csv.NewReader(bytes.NewReader(got.Body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			// As many rows as the JSON listing of the same query has items.
			u, _ := url.Parse(csvLink)
			q := u.Query()
			q.Del("format")
			q.Set("limit", "1000")
			listing := webtest.Decode[struct{ Items []json.RawMessage }](t, webtest.Must(t, e.Do("GET", u.Path+"?"+q.Encode(), ""), 200))
			if len(rows)-1 != len(listing.Items) {
				t.Errorf("%s: %s has %d rows, its JSON %d items", p.path, csvLink, len(rows)-1, len(listing.Items))
			}
			if book := e.Do("GET", bookLink, ""); book.Status != 200 || !bytes.HasPrefix(book.Body, []byte("PK")) {
				t.Errorf("%s: GET %s: %d", p.path, bookLink, book.Status)
			}
		}
		for _, w := range p.want {
			if !strings.Contains(all, w) {
				t.Errorf("%s: the downloads %s lack %q", p.path, all, w)
			}
		}
	}
}
