package postgres_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/generate"
	"github.com/zootour/zootour/postgres/pgtest"
)

// BenchmarkWhereWhen times each where-and-when question on generated data:
// 1,000 zoos, 5,000 animals and 200,000 visits, Zipf-skewed, analysed and
// vacuumed as autovacuum would leave them, with AnimalVisits for scale.
// Each op asks about a random animal or zoo and a random date (for the
// Window case, the 30 days from it) in the years
// the tours span; the Busy cases ask about the busiest zoo or animal.
//
//	ZOOTOUR_TEST_POSTGRES=... go test -run '^$' -bench WhereWhen -benchtime 20x ./postgres/
func BenchmarkWhereWhen(b *testing.B) {
	ctx := context.Background()
	cfg := generate.Config{Zoos: 1000, Animals: 5000, Visits: 200_000, Seed: 1}
	src := generate.Source(cfg)
	url := pgtest.URL(b)
	s := openURL(b, url)
	if err := s.Import(ctx, src); err != nil {
		b.Fatal(err)
	}
	if _, err := connect(b, url).Exec(ctx, "VACUUM ANALYZE zoos, animals, visits, stays"); err != nil {
		b.Fatal(err)
	}
	zooVisits, animalVisits := map[int64]int{}, map[int64]int{}
	for v, err := range src.Visits {
		if err != nil {
			b.Fatal(err)
		}
		zooVisits[v.ZooID]++
		animalVisits[v.AnimalID]++
	}
	busyZoo, busyAnimal := busiest(zooVisits), busiest(animalVisits)
	b.Logf("busiest zoo %d: %d visits; busiest animal %d: %d visits", busyZoo, zooVisits[busyZoo], busyAnimal, animalVisits[busyAnimal])

	r := rand.New(rand.NewPCG(5, 6))
	first := zootour.MustDate("1990-01-01")
	date := func() zootour.Date { return first.AddDays(r.IntN(36 * 365)) }
	animal := func() int64 { return int64(r.IntN(cfg.Animals) + 1) }
	zoo := func() int64 { return int64(r.IntN(cfg.Zoos) + 1) }
	questions := []struct {
		name string
		ask  func() error
	}{
		{"AnimalVisits", func() error { _, err := s.AnimalVisits(ctx, animal(), zootour.Query{}); return err }},
		{"AnimalStays", func() error { _, err := s.AnimalStays(ctx, animal(), zootour.StayQuery{}); return err }},
		{"AnimalWhere", func() error { _, err := s.AnimalWhere(ctx, animal(), date()); return err }},
		{"ZooPresent", func() error {
			_, err := s.ZooPresent(ctx, zoo(), zootour.PresentQuery{On: date(), Limit: 100})
			return err
		}},
		{"ZooPresentWindow", func() error {
			from := date()
			_, err := s.ZooPresent(ctx, zoo(), zootour.PresentQuery{From: from, To: from.AddDays(30), Limit: 100})
			return err
		}},
		{"ZooPresentBusy", func() error {
			_, err := s.ZooPresent(ctx, busyZoo, zootour.PresentQuery{On: date(), Limit: 100})
			return err
		}},
		{"AnimalContacts", func() error {
			_, err := s.AnimalContacts(ctx, animal(), zootour.ContactQuery{Limit: 100})
			return err
		}},
		{"AnimalContactsBusy", func() error {
			_, err := s.AnimalContacts(ctx, busyAnimal, zootour.ContactQuery{Limit: 100})
			return err
		}},
		{"Census", func() error { _, err := s.Census(ctx, zootour.CensusQuery{On: date(), Limit: 100}); return err }},
	}
	for _, q := range questions {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				if err := q.ask(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// busiest returns the key with the largest count (the smallest such key).
func busiest(counts map[int64]int) int64 {
	var best int64
	for id, n := range counts {
		if n > counts[best] || n == counts[best] && id < best {
			best = id
		}
	}
	return best
}
