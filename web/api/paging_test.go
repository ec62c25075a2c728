package api

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"sync"
	"testing"

	"golang.org/x/sync/errgroup"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/teaching"
	"github.com/zootour/zootour/web/httpx"
	"github.com/zootour/zootour/web/internal/webtest"
)

// walk follows a listing's cursors from the first page to the last,
// returning every item in order. Each page must hold limit items but the
// last, and only the last may have no next cursor.
func walk[T any](t *testing.T, e *webtest.Env, path string, limit int) []T {
	t.Helper()
	var all []T
	cursor := ""
	for pages := 0; ; pages++ {
		if pages > 10000 {
			t.Fatalf("%s does not end", path)
		}
		u := path + sep(path) + "limit=" + fmt.Sprint(limit)
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		page := webtest.Decode[listing[T]](t, webtest.Must(t, e.Do("GET", u, ""), 200))
		all = append(all, page.Items...)
		if page.Next == nil {
			if len(page.Items) > limit {
				t.Fatalf("%s: last page of %d items, limit %d", u, len(page.Items), limit)
			}
			return all
		}
		if len(page.Items) != limit {
			t.Fatalf("%s: a page of %d items with a next cursor, limit %d", u, len(page.Items), limit)
		}
		cursor = *page.Next
	}
}

func sep(path string) string {
	if slices.Contains([]byte(path), '?') {
		return "&"
	}
	return "?"
}

// same fails the test unless got and want hold the same entries (nil and
// empty alike).
func same[T any](t *testing.T, what string, got, want []T) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %v\nwant %v", what, got, want)
	}
}

// randomModel posts n random visits (among zoos and animals it creates)
// through the API and returns the teaching model of what was stored.
func randomModel(t *testing.T, e *webtest.Env, rng *rand.Rand, zoos, animals, n int) *teaching.Model {
	t.Helper()
	m := teaching.New()
	for i := range zoos {
		z := webtest.Decode[zootour.Zoo](t, webtest.Must(t, e.Do("POST", "/api/zoos", fmt.Sprintf(`{"name":"Zoo %d","location":"Town %d"}`, i, i%3)), 201))
		m.Zoos[z.ID] = z
	}
	for i := range animals {
		a := webtest.Decode[zootour.Animal](t, webtest.Must(t, e.Do("POST", "/api/animals", fmt.Sprintf(`{"name":"Animal %d","species":"species %d"}`, i, i%4)), 201))
		m.Animals[a.ID] = a
	}
	zooIDs, animalIDs := keys(m.Zoos), keys(m.Animals)
	start := zootour.MustDate("2024-01-01")
	for range n {
		body := fmt.Sprintf(`{"date":%q,"zoo_id":%d,"animal_id":%d}`,
			start.AddDays(rng.IntN(60)), zooIDs[rng.IntN(len(zooIDs))], animalIDs[rng.IntN(len(animalIDs))])
		r := e.Do("POST", "/api/visits", body)
		switch r.Status {
		case http.StatusCreated:
			m.AddVisit(webtest.Decode[zootour.Visit](t, r))
		case http.StatusConflict: // the animal was somewhere that day already
		default:
			t.Fatalf("POST %s: %d %s", body, r.Status, r.Body)
		}
	}
	return m
}

func keys[V any](m map[int64]V) []int64 {
	var ks []int64
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// windows are the date windows every relationship listing is walked in.
var windows = []struct{ from, to string }{
	{"", ""}, {"2024-01-15", ""}, {"", "2024-02-10"}, {"2024-01-20", "2024-01-31"}, {"2024-02-01", "2024-02-01"},
}

// checkAgainstModel walks every listing of e page by page and compares it
// with the teaching model.
func checkAgainstModel(t *testing.T, e *webtest.Env, m *teaching.Model, limit int) {
	t.Helper()
	same(t, "zoos", walk[zootour.Zoo](t, e, "/api/zoos", limit), mapValues(m.Zoos))
	same(t, "animals", walk[zootour.Animal](t, e, "/api/animals", limit), mapValues(m.Animals))
	visits := slices.Clone(m.Visits)
	slices.SortFunc(visits, func(a, b zootour.Visit) int { return int(a.ID - b.ID) })
	same(t, "visits", walk[zootour.Visit](t, e, "/api/visits", limit), visits)

	for _, w := range windows {
		q := zootour.Query{}
		params := "?"
		if w.from != "" {
			q.From = zootour.MustDate(w.from)
			params += "from=" + w.from + "&"
		}
		if w.to != "" {
			q.To = zootour.MustDate(w.to)
			params += "to=" + w.to + "&"
		}
		for _, id := range keys(m.Zoos) {
			p := fmt.Sprintf("/api/zoos/%d/", id)
			same(t, p+"visits"+params, walk[zootour.Visit](t, e, p+"visits"+params, limit), m.ZooVisits(id, q))
			for _, distinct := range []bool{false, true} {
				q.Distinct = distinct
				path := fmt.Sprintf("%sanimals%sdistinct=%t", p, params, distinct)
				same(t, path, walk[zootour.ZooAnimal](t, e, path, limit), m.ZooAnimals(id, q))
			}
			q.Distinct = false
		}
		for _, id := range keys(m.Animals) {
			p := fmt.Sprintf("/api/animals/%d/", id)
			same(t, p+"visits"+params, walk[zootour.Visit](t, e, p+"visits"+params, limit), m.AnimalVisits(id, q))
			for _, distinct := range []bool{false, true} {
				q.Distinct = distinct
				path := fmt.Sprintf("%szoos%sdistinct=%t", p, params, distinct)
				same(t, path, walk[zootour.AnimalZoo](t, e, path, limit), m.AnimalZoos(id, q))
			}
			q.Distinct = false
		}
	}
}

func mapValues[V any](m map[int64]V) []V {
	var vs []V
	for _, k := range keys(m) {
		vs = append(vs, m[k])
	}
	return vs
}

// TestPagingMatchesTeachingModel walks every listing page by page over a
// few hundred random visits and compares it with the teaching model.
func TestPagingMatchesTeachingModel(t *testing.T) {
	webtest.ForEachStore(t, func(t *testing.T, open webtest.Opener) {
		e := newEnv(t, open(t))
		rng := rand.New(rand.NewPCG(1, 2))
		m := randomModel(t, e, rng, 6, 12, 300)
		if len(m.Visits) < 200 {
			t.Fatalf("only %d visits stored", len(m.Visits))
		}
		checkAgainstModel(t, e, m, 4)
		// One page holds everything at the largest limit.
		same(t, "one page", walk[zootour.Visit](t, e, "/api/visits?", httpx.MaxLimit), walk[zootour.Visit](t, e, "/api/visits", 7))
	})
}

// TestCursorSurvivesWrites checks that a cursor stays valid while visits
// are added: the walk resumes after the entry it stopped at.
func TestCursorSurvivesWrites(t *testing.T) {
	webtest.ForEachStore(t, func(t *testing.T, open webtest.Opener) {
		e := newEnv(t, open(t))
		webtest.Seed(t, e.Store)
		// Zoo 1 has visits on 01-01 and 01-02; take the first as a page.
		page := webtest.Decode[listing[zootour.Visit]](t, webtest.Must(t, e.Do("GET", "/api/zoos/1/visits?limit=1", ""), 200))
		if len(page.Items) != 1 || page.Next == nil {
			t.Fatalf("first page %+v", page)
		}
		// One visit before the cursor, one after it, one between pages.
		for _, body := range []string{
			`{"date":"2023-12-01","zoo_id":1,"animal_id":2}`,
			`{"date":"2024-01-01","zoo_id":1,"animal_id":2}`,
			`{"date":"2024-03-01","zoo_id":1,"animal_id":1}`,
		} {
			webtest.Must(t, e.Do("POST", "/api/visits", body), 201)
		}
		rest := webtest.Decode[listing[zootour.Visit]](t, webtest.Must(t, e.Do("GET", "/api/zoos/1/visits?cursor="+*page.Next, ""), 200))
		var dates []string
		for _, v := range rest.Items {
			dates = append(dates, v.Date.String())
		}
		// 2024-01-01 comes after the cursor's visit: same date, higher ID.
		if want := []string{"2024-01-01", "2024-01-02", "2024-03-01"}; !slices.Equal(dates, want) {
			t.Errorf("after the cursor: %v, want %v", dates, want)
		}
		// And an ID cursor resumes after its record even once records follow.
		zp := webtest.Decode[listing[zootour.Zoo]](t, webtest.Must(t, e.Do("GET", "/api/zoos?limit=1", ""), 200))
		webtest.Must(t, e.Do("POST", "/api/zoos", `{"name":"C","location":"D"}`), 201)
		zs := webtest.Decode[listing[zootour.Zoo]](t, webtest.Must(t, e.Do("GET", "/api/zoos?cursor="+*zp.Next, ""), 200))
		if len(zs.Items) != 2 || zs.Items[0].ID != 2 || zs.Items[1].ID != 3 {
			t.Errorf("zoos after the cursor: %+v", zs.Items)
		}
	})
}

// TestConcurrentWritesAndReads has many clients post visits and read
// listings at once; afterwards every listing equals the teaching model of
// what the server said it stored.
func TestConcurrentWritesAndReads(t *testing.T) {
	webtest.ForEachStore(t, func(t *testing.T, open webtest.Opener) {
		e := newEnv(t, open(t))
		m := randomModel(t, e, rand.New(rand.NewPCG(3, 4)), 4, 8, 0)
		zooIDs, animalIDs := keys(m.Zoos), keys(m.Animals)

		var mu sync.Mutex
		var g errgroup.Group
		for w := range 8 {
			g.Go(func() error {
				rng := rand.New(rand.NewPCG(uint64(w), 99))
				for i := range 25 {
					body := fmt.Sprintf(`{"date":%q,"zoo_id":%d,"animal_id":%d}`,
						zootour.MustDate("2024-01-01").AddDays(rng.IntN(20)), zooIDs[rng.IntN(len(zooIDs))], animalIDs[rng.IntN(len(animalIDs))])
					r, err := e.Send("POST", "/api/visits", body)
					if err != nil {
						return err
					}
					switch r.Status {
					case http.StatusCreated:
						var v zootour.Visit
						if err := json.Unmarshal(r.Body, &v); err != nil {
							return err
						}
						mu.Lock()
						m.AddVisit(v)
						mu.Unlock()
					case http.StatusConflict:
					default:
						return fmt.Errorf("POST %s: %d %s", body, r.Status, r.Body)
					}
					path := fmt.Sprintf("/api/zoos/%d/animals?distinct=%t&limit=5", zooIDs[i%len(zooIDs)], i%2 == 0)
					if r, err := e.Send("GET", path, ""); err != nil {
						return err
					} else if r.Status != http.StatusOK {
						return fmt.Errorf("GET %s: %d %s", path, r.Status, r.Body)
					}
				}
				return nil
			})
		}
		if err := g.Wait(); err != nil {
			t.Fatal(err)
		}
		if got := webtest.Snap(t, e.Store).Counts.Visits; got != int64(len(m.Visits)) {
			t.Fatalf("the store holds %d visits, the server said it stored %d", got, len(m.Visits))
		}
		checkAgainstModel(t, e, m, 1000)
	})
}
