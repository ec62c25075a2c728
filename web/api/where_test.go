package api

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/internal/webtest"
)

// TestWhereWhenMatchesReference walks the five derived listings page by
// page on every store and compares them with the reference computed from
// the definitions, then checks the errors the routes give.
func TestWhereWhenMatchesReference(t *testing.T) {
	webtest.ForEachStore(t, func(t *testing.T, open webtest.Opener) {
		e := newEnv(t, open(t))
		rng := rand.New(rand.NewPCG(8, 9))
		m := randomModel(t, e, rng, 5, 25, 300)
		start := zootour.MustDate("2024-01-01")
		for i := 0; i < 10; i++ {
			on := start.AddDays(rng.IntN(70) - 5)
			a := keys(m.Animals)[rng.IntN(len(m.Animals))]
			z := keys(m.Zoos)[rng.IntN(len(m.Zoos))]
			same(t, "itinerary", walk[zootour.Stay](t, e, fmt.Sprintf("/api/animals/%d/itinerary", a), 2), m.Stays(a))

			got := webtest.Decode[*zootour.Zoo](t, webtest.Must(t, e.Do("GET", fmt.Sprintf("/api/animals/%d/where?on=%s", a, on), ""), 200))
			if want := m.Where(a, on); (got == nil) != (want == nil) || (got != nil && *got != *want) {
				t.Errorf("where %d on %s = %v, want %v", a, on, got, want)
			}
			same(t, "present", walk[zootour.Presence](t, e, fmt.Sprintf("/api/zoos/%d/present?on=%s", z, on), 2), m.Present(z, on))

			q := zootour.ContactQuery{From: on, To: on.AddDays(rng.IntN(20))}
			path := fmt.Sprintf("/api/animals/%d/contacts?from=%s&to=%s", a, q.From, q.To)
			if i%2 == 0 {
				q, path = zootour.ContactQuery{}, fmt.Sprintf("/api/animals/%d/contacts", a)
			}
			same(t, "contacts", walk[zootour.Contact](t, e, path, 3), m.Contacts(a, q))
			same(t, "census", walk[zootour.CensusRow](t, e, "/api/census?on="+on.String(), 2), m.Census(on))
		}
		if r := e.Do("GET", "/api/animals/1/where?on=2024-01-01", ""); r.Status != 200 {
			t.Errorf("where answered %d", r.Status)
		}
		for _, tc := range []struct {
			path   string
			status int
		}{
			{"/api/animals/1/where?on=2024-02-30", 400},
			{"/api/animals/0/where?on=2024-01-01", 400},
			{"/api/animals/999999/where?on=2024-01-01", 404},
			{"/api/animals/999999/itinerary", 404},
			{"/api/animals/1/itinerary?cursor=%21%21", 400},
			{"/api/zoos/999999/present?on=2024-01-01", 404},
			{"/api/zoos/1/present?on=01-01-2024", 400},
			{"/api/zoos/1/present?limit=0", 400},
			{"/api/animals/1/contacts?from=2024-02-01&to=2024-01-01", 400},
			{"/api/animals/1/contacts?cursor=M", 400},
			{"/api/census?on=tomorrow", 400},
			{"/api/census?cursor=bm9jb2xvbg", 400},
			{"/api/census?limit=1001", 400},
		} {
			r := e.Do("GET", tc.path, "")
			if r.Status != tc.status || r.Header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("GET %s: %d %s, want %d problem+json", tc.path, r.Status, r.Header.Get("Content-Type"), tc.status)
			}
		}
	})
}
