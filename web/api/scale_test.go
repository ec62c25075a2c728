package api

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/generate"
	"github.com/zootour/zootour/teaching"
	"github.com/zootour/zootour/web/internal/webtest"
)

// TestListingsAtScale imports tens of thousands of generated visits and
// walks relationship listings of busy and ordinary records page by page,
// comparing each with the teaching model built from the same data.
func TestListingsAtScale(t *testing.T) {
	cfg := generate.Config{Zoos: 60, Animals: 600, Visits: 30000, Seed: 4}
	m := teaching.New()
	src := generate.Source(cfg)
	for z, err := range src.Zoos {
		if err != nil {
			t.Fatal(err)
		}
		m.Zoos[z.ID] = z
	}
	for a, err := range src.Animals {
		if err != nil {
			t.Fatal(err)
		}
		m.Animals[a.ID] = a
	}
	visitsOf := map[int64]int{}
	for v, err := range src.Visits {
		if err != nil {
			t.Fatal(err)
		}
		m.AddVisit(v)
		visitsOf[v.ZooID]++
	}
	// The busiest zoo first, then a few at random.
	zoos := keys(m.Zoos)
	slices.SortFunc(zoos, func(a, b int64) int { return visitsOf[b] - visitsOf[a] })
	rng := rand.New(rand.NewPCG(1, 2))
	sample := []int64{zoos[0], zoos[1], zoos[rng.IntN(len(zoos))], zoos[len(zoos)-1]}
	animals := keys(m.Animals)
	if n := len(m.ZooVisits(zoos[0], zootour.Query{})); n < 1000 {
		t.Fatalf("the busiest zoo has %d visits; the test wants thousands", n)
	}

	webtest.ForEachStore(t, func(t *testing.T, open webtest.Opener) {
		s := open(t)
		if err := s.Import(t.Context(), generate.Source(cfg)); err != nil {
			t.Fatal(err)
		}
		e := newEnv(t, s)
		for _, z := range sample {
			for _, w := range []zootour.Query{{}, {From: zootour.MustDate("2000-01-01"), To: zootour.MustDate("2010-12-31")}} {
				window := ""
				if !w.From.IsZero() {
					window = fmt.Sprintf("?from=%s&to=%s", w.From, w.To)
				}
				same(t, "zoo visits", walk[zootour.Visit](t, e, fmt.Sprintf("/api/zoos/%d/visits%s", z, window), 1000), m.ZooVisits(z, w))
				same(t, "zoo animals", walk[zootour.ZooAnimal](t, e, fmt.Sprintf("/api/zoos/%d/animals%s", z, window), 1000), m.ZooAnimals(z, w))
				w.Distinct = true
				same(t, "zoo distinct animals", walk[zootour.ZooAnimal](t, e, fmt.Sprintf("/api/zoos/%d/animals%s%sdistinct=true", z, window, sep(window)), 250), m.ZooAnimals(z, w))
			}
		}
		// The derived questions at the same scale, on days of real visits.
		for range 4 {
			a := animals[rng.IntN(len(animals))]
			on := m.Visits[rng.IntN(len(m.Visits))].Date
			same(t, "itinerary", walk[zootour.Stay](t, e, fmt.Sprintf("/api/animals/%d/itinerary", a), 50), m.Stays(a))
			same(t, "present", walk[zootour.Presence](t, e, fmt.Sprintf("/api/zoos/%d/present?on=%s", zoos[0], on), 50), m.Present(zoos[0], on))
			q := zootour.ContactQuery{From: on, To: on.AddDays(90)}
			same(t, "contacts", walk[zootour.Contact](t, e, fmt.Sprintf("/api/animals/%d/contacts?from=%s&to=%s", a, q.From, q.To), 50), m.Contacts(a, q))
			same(t, "census", walk[zootour.CensusRow](t, e, "/api/census?on="+on.String(), 100), m.Census(on))
		}
		for range 6 {
			a := animals[rng.IntN(len(animals))]
			same(t, "animal visits", walk[zootour.Visit](t, e, fmt.Sprintf("/api/animals/%d/visits", a), 20), m.AnimalVisits(a, zootour.Query{}))
			same(t, "animal zoos", walk[zootour.AnimalZoo](t, e, fmt.Sprintf("/api/animals/%d/zoos?distinct=true", a), 7), m.AnimalZoos(a, zootour.Query{Distinct: true}))
		}
	})
}
