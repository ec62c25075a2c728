package api

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/teaching"
	"github.com/zootour/zootour/web/internal/webtest"
)

// TestAPIFind checks the filters and orders of the listings through the
// API on every store, walked with the API's cursors and compared with the
// teaching model, and that bad parameters are a 400 naming them.
func TestAPIFind(t *testing.T) {
	webtest.ForEachStore(t, testAPIFind)
}

func testAPIFind(t *testing.T, open webtest.Opener) {
	e := newEnv(t, open(t))
	m := teaching.New()
	big := int64(1)<<53 + 3
	zoos := []zootour.Zoo{{ID: 1, Name: "Zoo Zürich", Location: "Zürich"}, {ID: 2, Name: "Mumbai Zoo", Location: "Mumbai"},
		{ID: big, Name: "Málaga Bioparc", Location: "Málaga"}, {ID: 4, Name: "São Paulo Zoo", Location: "São Paulo"}}
	animals := []zootour.Animal{{ID: 1, Name: "Suki", Species: "Axolotl"}, {ID: 2, Name: "Suki", Species: "Green anaconda"},
		{ID: big, Name: "Ada", Species: "Hippopotamus"}, {ID: 5, Name: "ada", Species: "hippopotamus"}, {ID: 6, Name: "Émile", Species: "Axolotl"}}
	var visits []zootour.Visit
	for i := range 30 {
		visits = append(visits, zootour.Visit{ID: int64(i + 1), Date: zootour.MustDate("2020-01-01").AddDays(i * 17 % 100),
			ZooID: zoos[i%4].ID, AnimalID: animals[i%5].ID})
	}
	if err := e.Store.Import(t.Context(), zootour.Source{Zoos: webtest.SeqOf(zoos...), Animals: webtest.SeqOf(animals...), Visits: webtest.SeqOf(visits...)}); err != nil {
		t.Fatal(err)
	}
	for _, z := range zoos {
		m.Zoos[z.ID] = z
	}
	for _, a := range animals {
		m.Animals[a.ID] = a
	}
	m.Visits = visits

	walk := func(path string, limit int) []byte {
		t.Helper()
		var all []string
		cursor := ""
		for {
			u := path + "&limit=" + fmt.Sprint(limit)
			if cursor != "" {
				u += "&cursor=" + url.QueryEscape(cursor)
			}
			l := webtest.Decode[struct {
				Items []json.RawMessage `json:"items"`
				Next  *string           `json:"next"`
			}](t, webtest.Must(t, e.Do("GET", u, ""), 200))
			for _, it := range l.Items {
				all = append(all, string(it))
			}
			if l.Next == nil {
				break
			}
			cursor = *l.Next
		}
		return []byte("[" + strings.Join(all, ",") + "]")
	}
	same := func(what string, want any, got []byte) {
		t.Helper()
		if w := jsonString(t, want); w != string(got) && !(w == "null" && string(got) == "[]") {
			t.Errorf("%s:\n got %s\nwant %s", what, got, w)
		}
	}
	for _, q := range []string{"zurich", "ZÜR", "sao p", "zoo", "m", "1", fmt.Sprint(big)} {
		for _, sort := range []string{"", "id", "name", "-name"} {
			path := "/api/zoos?q=" + url.QueryEscape(q) + "&sort=" + sort
			want := m.FindZoos(zootour.ZooFilter{Search: zootour.MustSearch(q), Sort: zootour.Sort(sort)})
			for _, limit := range []int{1, 2, 100} {
				same(path, want, walk(path, limit))
			}
		}
	}
	for _, tc := range []struct{ q, species, sort string }{{"suki", "", ""}, {"ada hip", "", "-name"}, {"", "AXOLOTL", "name"}, {"e", "axolotl", ""}, {"", "", "name"}} {
		path := "/api/animals?sort=" + tc.sort
		f := zootour.AnimalFilter{Sort: zootour.Sort(tc.sort), Species: tc.species}
		if tc.q != "" {
			path += "&q=" + url.QueryEscape(tc.q)
			f.Search = zootour.MustSearch(tc.q)
		}
		if tc.species != "" {
			path += "&species=" + url.QueryEscape(tc.species)
		}
		same(path, m.FindAnimals(f), walk(path, 2))
	}
	for _, tc := range []struct{ query string }{{"sort=-date"}, {"sort=date&zoo_id=2"}, {"animal_id=1&from=2020-02-01&to=2020-03-01&sort=-date"}, {"zoo_id=1&animal_id=1"}, {"from=2020-03-01"}} {
		path := "/api/visits?" + tc.query
		q, _ := url.ParseQuery(tc.query)
		var f zootour.VisitFilter
		fmt.Sscan(q.Get("zoo_id"), &f.ZooID)
		fmt.Sscan(q.Get("animal_id"), &f.AnimalID)
		f.From, _ = zootour.ParseDate(q.Get("from"))
		f.To, _ = zootour.ParseDate(q.Get("to"))
		f.Sort = zootour.Sort(q.Get("sort"))
		same(path, m.FindVisits(f), walk(path, 3))
	}
	// Present during a window: one item per stay that overlaps it.
	for _, win := range [][2]string{{"2020-01-01", "2020-12-31"}, {"2020-02-10", "2020-02-10"}, {"2019-01-01", "2019-12-31"}} {
		path := "/api/zoos/1/present?from=" + win[0] + "&to=" + win[1]
		same(path, m.PresentDuring(1, zootour.MustDate(win[0]), zootour.MustDate(win[1])), walk(path, 1))
	}

	// Bad parameters: 400, naming what is wrong.
	for _, tc := range []struct{ path, names string }{
		{"/api/zoos?q=", "q"},
		{"/api/zoos?q=%20%20", "q"},
		{"/api/zoos?sort=date", "sort"},
		{"/api/animals?sort=NAME", "sort"},
		{"/api/animals?species=", "species"},
		{"/api/animals?q=" + strings.Repeat("x", 201), "q"},
		{"/api/visits?sort=name", "sort"},
		{"/api/visits?zoo_id=abc", "zoo_id"},
		{"/api/visits?animal_id=0", "animal_id"},
		{"/api/visits?from=2020-02-01&to=2020-01-01", "from"},
		{"/api/zoos/1/present?on=2020-01-01&from=2020-01-01&to=2020-02-01", "on"},
		{"/api/zoos/1/present?from=2020-01-01", "to"},
		{"/api/zoos?cursor=%21%21", "cursor"},
	} {
		r := webtest.Must(t, e.Do("GET", tc.path, ""), 400)
		if !strings.Contains(string(r.Body), tc.names) {
			t.Errorf("GET %s: %s does not name %s", tc.path, r.Body, tc.names)
		}
	}
}
