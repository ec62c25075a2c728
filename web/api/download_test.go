package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/accounts"
	"github.com/zootour/zootour/sheet"
	"github.com/zootour/zootour/web/httpx"
	"github.com/zootour/zootour/web/internal/webtest"
)

// A bigID is above 2^53, where a spreadsheet's numbers lose digits.
const bigID = 1<<53 + 1

// downloadWorld holds more visits of zoo 1 than a download's page
// (zootour.AllPageSize), names with commas, quotes and
// non-ASCII letters, an ID above 2^53 and change-log entries.
func downloadWorld(t *testing.T) zootour.Store {
	s := webtest.MemoryStore(t)
	zoos := []zootour.Zoo{{ID: 1, Name: `Artis, "the" zoo`, Location: "Amsterdam; Noord"}, {ID: bigID, Name: "Zoo Zürich", Location: "Zürich"}}
	var animals []zootour.Animal
	var visits []zootour.Visit
	d := zootour.MustDate("1890-01-01")
	for i := int64(1); i <= 300; i++ {
		animals = append(animals, zootour.Animal{ID: i, Name: fmt.Sprintf("Æsop %d", i), Species: []string{"bear", "flamingo, pink"}[i%2]})
		for j := int64(0); j < 2; j++ {
			zoo := int64(1)
			if j == 1 && i%3 == 0 {
				zoo = bigID
			}
			visits = append(visits, zootour.Visit{ID: i*10 + j, Date: d.AddDays(int(i*40 + j*7)), ZooID: zoo, AnimalID: i})
		}
	}
	err := s.Import(t.Context(), zootour.Source{Zoos: webtest.SeqOf(zoos...), Animals: webtest.SeqOf(animals...), Visits: webtest.SeqOf(visits...)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := zootour.WithActor(t.Context(), "ed")
	if _, err := s.CreateZoo(ctx, zootour.Zoo{Name: "Blijdorp", Location: "Rotterdam"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateVisit(ctx, zootour.Visit{Date: zootour.MustDate("2024-01-01"), ZooID: 1, AnimalID: 1}); err != nil {
		t.Fatal(err)
	}
	name := "Æsop, the first"
	if _, err := s.UpdateAnimal(ctx, 1, zootour.AnimalUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateZoo(ctx, 1, zootour.ZooUpdate{Name: &name}); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestDownloadsMatchJSON checks every listing route's CSV and workbook
// against its JSON listing, page by page: the same header as the items'
// fields, the same rows in the same order, a workbook's dates as dates
// and its large IDs as text.
func TestDownloadsMatchJSON(t *testing.T) {
	s := downloadWorld(t)
	e := newEnv(t, s)
	on := "on=1900-06-01"
	urls := map[string]string{
		"/api/zoos":                    "/api/zoos?sort=name",
		"/api/zoos/{id}/visits":        "/api/zoos/1/visits?from=1890-01-01&to=1950-12-31",
		"/api/zoos/{id}/animals":       "/api/zoos/1/animals?distinct=true",
		"/api/zoos/{id}/present":       "/api/zoos/1/present?from=1890-01-01&to=1920-01-01",
		"/api/zoos/{id}/history":       "/api/zoos/1/history",
		"/api/animals":                 "/api/animals?species=bear",
		"/api/animals/{id}/visits":     "/api/animals/3/visits",
		"/api/animals/{id}/zoos":       "/api/animals/3/zoos",
		"/api/animals/{id}/itinerary":  "/api/animals/3/itinerary",
		"/api/animals/{id}/contacts":   "/api/animals/3/contacts",
		"/api/animals/{id}/history":    "/api/animals/1/history",
		"/api/visits":                  "/api/visits?zoo_id=1",
		"/api/visits/{id}/history":     "/api/visits/3002/history",
		"/api/census":                  "/api/census?" + on,
		"/api/changes":                 "/api/changes",
		"/api/zoos/{id}/present?on":    "/api/zoos/1/present?" + on,
		"/api/visits?sort=date":        "/api/visits?sort=-date&from=1900-01-01",
		"/api/animals/{id}/zoos?dist":  "/api/animals/3/zoos?distinct=true",
		"/api/zoos?q":                  "/api/zoos?q=zurich",
		"/api/animals/{id}/visits?win": "/api/animals/3/visits?from=1890-01-01&to=1890-12-31",
	}
	// Every listing route is here: each route that pages.
	a := newServer(http.NewServeMux(), s, httpx.Options{Logger: webtest.Logger(t)})
	for _, rt := range a.routes() {
		if rt.method != "GET" {
			continue
		}
		if _, ok := urls[rt.path]; !ok && !slices.Contains([]string{"/api/zoos/{id}", "/api/animals/{id}", "/api/visits/{id}", "/api/animals/{id}/where", "/api/openapi.json"}, rt.path) {
			t.Errorf("GET %s is not checked here: a listing route, or one to add to the list of others", rt.path)
		}
	}
	for key, u := range urls {
		t.Run(key, func(t *testing.T) {
			items := jsonItems(t, e, u)
			if len(items) == 0 {
				t.Fatalf("%s lists nothing: the test checks nothing", u)
			}
			header, rows := flatten(items)

			r := e.Do("GET", withFormat(u, "csv"), "")
			checkAttachment(t, r, "text/csv", ".csv")
			got, err := csv.NewReader(bytes.NewReader(r.Body)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got[0], header) {
				t.Fatalf("CSV header %q, JSON fields %q", got[0], header)
			}
			if len(got)-1 != len(rows) {
				t.Fatalf("CSV has %d rows, JSON %d items", len(got)-1, len(rows))
			}
			for i, row := range rows {
				if !slices.Equal(got[i+1], row) {
					t.Fatalf("CSV row %d %q, JSON %q", i+1, got[i+1], row)
				}
			}

			r = e.Do("GET", withFormat(u, "xlsx"), "")
			checkAttachment(t, r, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
			book := workbookRows(t, r.Body)
			if !slices.Equal(book[0], header) {
				t.Fatalf("workbook header %q, JSON fields %q", book[0], header)
			}
			if len(book)-1 != len(rows) {
				t.Fatalf("workbook has %d rows, JSON %d items", len(book)-1, len(rows))
			}
			for i, row := range rows {
				for j, want := range row {
					if got := cellText(t, book[i+1], j, want); got != want {
						t.Fatalf("workbook row %d column %s: %q, JSON %q", i+1, header[j], got, want)
					}
				}
			}
		})
	}
}

// TestDownloadRefusals checks the bad requests of a download.
func TestDownloadRefusals(t *testing.T) {
	e := newEnv(t, downloadWorld(t))
	for _, u := range []string{"/api/zoos?format=pdf", "/api/zoos?format=csv&limit=5", "/api/zoos?format=xlsx&cursor=abc", "/api/visits?format=csv&from=2020-01-01&to=2019-01-01", "/api/zoos/999/visits?format=csv"} {
		r := e.Do("GET", u, "")
		if r.Status != 400 && r.Status != 404 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("GET %s: %d %s %s", u, r.Status, r.Header.Get("Content-Type"), r.Body)
		}
	}
	// The JSON is still the default, and json names it.
	if r := webtest.Must(t, e.Do("GET", "/api/zoos?format=json&limit=1", ""), 200); !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Errorf("format=json answers %s", r.Header.Get("Content-Type"))
	}
	// Reading a download needs what reading the listing needs.
	if r := serve(t, webtest.MemoryStore(t), false).Do("GET", "/api/zoos?format=csv", ""); r.Status != 401 {
		t.Errorf("an anonymous download: %d", r.Status)
	}
}

func withFormat(u, f string) string {
	if strings.Contains(u, "?") {
		return u + "&format=" + f
	}
	return u + "?format=" + f
}

func checkAttachment(t *testing.T, r webtest.Reply, contentType, ext string) {
	t.Helper()
	if r.Status != 200 {
		t.Fatalf("status %d: %s", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, contentType) {
		t.Errorf("Content-Type %q, want %q", ct, contentType)
	}
	disp, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition"))
	if err != nil || disp != "attachment" || !strings.HasSuffix(params["filename"], ext) {
		t.Errorf("Content-Disposition %q", r.Header.Get("Content-Disposition"))
	}
}

// jsonItems reads every page of the JSON listing at u, three items a page.
func jsonItems(t *testing.T, e *webtest.Env, u string) []json.RawMessage {
	var all []json.RawMessage
	next := ""
	for page := 0; ; page++ {
		p := u + "&limit=3"
		if !strings.Contains(u, "?") {
			p = u + "?limit=3"
		}
		if next != "" {
			p += "&cursor=" + url.QueryEscape(next)
		}
		l := webtest.Decode[struct {
			Items []json.RawMessage `json:"items"`
			Next  *string           `json:"next"`
		}](t, webtest.Must(t, e.Do("GET", p, ""), 200))
		all = append(all, l.Items...)
		if l.Next == nil {
			return all
		}
		next = *l.Next
	}
}

// flatten turns JSON objects into a header and rows of text: a nested
// object's fields as parent.field (but a change's before and after, whose
// shape depends on the kind, stay one cell of JSON), a string as itself,
// a number as written, null as empty, a list as its JSON.
func flatten(items []json.RawMessage) (header []string, rows [][]string) {
	for i, raw := range items {
		var names, cells []string
		var walk func(prefix string, raw json.RawMessage)
		walk = func(prefix string, raw json.RawMessage) {
			d := json.NewDecoder(bytes.NewReader(raw))
			d.UseNumber()
			d.Token()
			for d.More() {
				tok, _ := d.Token()
				name := prefix + tok.(string)
				var v json.RawMessage
				d.Decode(&v)
				switch {
				case v[0] == '{' && name != "before" && name != "after":
					walk(name+".", v)
					continue
				case v[0] == '"':
					var s string
					json.Unmarshal(v, &s)
					cells = append(cells, s)
				case string(v) == "null":
					cells = append(cells, "")
				default:
					var c bytes.Buffer
					json.Compact(&c, v)
					cells = append(cells, c.String())
				}
				names = append(names, name)
			}
		}
		walk("", raw)
		if i == 0 {
			header = names
		} else if !slices.Equal(names, header) {
			panic(fmt.Sprintf("item %d has fields %q, the first %q", i, names, header))
		}
		rows = append(rows, cells)
	}
	return header, rows
}

func workbookRows(t *testing.T, b []byte) [][]string {
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0], excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// cellText reads column j of a workbook's row as the JSON writes it: a
// date cell, which holds a day number, as YYYY-MM-DD.
func cellText(t *testing.T, row []string, j int, want string) string {
	if j >= len(row) {
		return ""
	}
	got := row[j]
	if _, err := zootour.ParseDate(want); err == nil && got != want {
		n, err := strconv.ParseFloat(got, 64)
		if err != nil {
			return got
		}
		d, err := sheet.DateOfSerial(n)
		if err != nil {
			t.Fatal(err)
		}
		return d.String()
	}
	return got
}

// failingPages fails every listing of zoos after its first page.
type failingPages struct{ zootour.Store }

func (f failingPages) FindZoos(ctx context.Context, q zootour.ZooFilter) ([]zootour.Zoo, error) {
	if !q.After.IsZero() {
		return nil, errors.New("disk on fire")
	}
	return f.Store.FindZoos(ctx, q)
}

// manyZoos returns a store of n zoos.
func manyZoos(t *testing.T, n int) zootour.Store {
	s := webtest.MemoryStore(t)
	zoos := func(yield func(zootour.Zoo, error) bool) {
		for i := range n {
			name := fmt.Sprintf("Zoo number %d of the long list, whose names are long, as the names of zoos can be, to fill the pages of a download with more than its buffer holds", i)
			if !yield(zootour.Zoo{ID: int64(i + 1), Name: name, Location: "Somewhere far away"}, nil) {
				return
			}
		}
	}
	if err := s.Import(t.Context(), zootour.Source{Zoos: zoos}); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestDownloadFailures checks a download that fails: before its first
// byte it is answered as a problem, like the JSON; after, the connection
// is cut, so that the client cannot take the file for whole, and the
// failure is logged.
func TestDownloadFailures(t *testing.T) {
	var log webtest.LockedBuffer
	s := failingPages{manyZoos(t, 3*zootour.AllPageSize)}
	h := New(s, httpx.Options{Auth: httpx.NewAuth(accounts.New(s), true), Logger: slog.New(slog.NewTextHandler(&log, nil))})
	e := webtest.NewEnv(t, s, h)
	// 64 KiB are out before the second page fails.
	if _, err := e.Send("GET", "/api/zoos?format=csv", ""); err == nil || !strings.Contains(log.String(), "download cut short") {
		t.Errorf("a CSV download failing midway: err %v, log %s", err, log.String())
	}
	// A workbook is built before it is sent: nothing is out.
	r := e.Do("GET", "/api/zoos?format=xlsx", "")
	if r.Status != 500 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") || r.Header.Get("Content-Disposition") != "" {
		t.Errorf("a workbook failing before its first byte: %d %s %q", r.Status, r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"))
	}
	broken := brokenStore{webtest.MemoryStore(t)}
	e = webtest.NewEnv(t, broken, New(broken, httpx.Options{Auth: httpx.NewAuth(accounts.New(broken), true), Logger: webtest.Logger(t)}))
	if r := e.Do("GET", "/api/visits?format=csv", ""); r.Status != 500 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("a download failing at once: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
}

// TestSlowDownloads checks that downloads whose clients do not read hold
// no slot of the Limiter, so that other reads go on, and that the
// downloads in flight have a bound of their own.
func TestSlowDownloads(t *testing.T) {
	s := manyZoos(t, 30_000) // far more than the sockets' buffers hold
	opts := httpx.Options{Auth: httpx.NewAuth(accounts.New(s), true), Limiter: httpx.NewLimiter(2), Logger: webtest.Logger(t)}
	e := webtest.NewEnv(t, s, New(s, opts))
	for range 2 {
		// Read the status line and headers, then nothing more.
		resp, err := http.Get(e.URL + "/api/zoos?format=csv")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("a download: %d", resp.StatusCode)
		}
	}
	// Once the two are stalled, writing to clients that do not read, a
	// read is served: each holds the slot only while it fetches a page.
	var r webtest.Reply
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if r = e.Do("GET", "/api/zoos/1", ""); r.Status == 200 {
			break
		}
	}
	if r.Status != 200 {
		t.Errorf("a read beside two stalled downloads: %d %s", r.Status, r.Body)
	}
	if r := e.Do("GET", "/api/zoos?format=csv", ""); r.Status != 503 || r.Header.Get("Retry-After") == "" {
		t.Errorf("a third download beyond the bound: %d", r.Status)
	}
}
