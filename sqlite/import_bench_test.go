package sqlite_test

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/zootour/zootour"
)

// BenchmarkImport imports 1,000 zoos, 5,000 animals and, by default,
// 200,000 visits into a fresh file, and reports visits per second. Set
// ZOOTOUR_BENCH_VISITS to import another number, e.g. 1000000:
//
//	ZOOTOUR_BENCH_VISITS=1000000 go test -run '^$' -bench Import -benchtime 1x ./sqlite/
func BenchmarkImport(b *testing.B) {
	n := 200_000
	if s := os.Getenv("ZOOTOUR_BENCH_VISITS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatal(err)
		}
	}
	src := benchSource(n)
	var total time.Duration
	for b.Loop() {
		b.StopTimer()
		s := newStore(b)
		b.StartTimer()
		// A caller's context can be cancelled, as a command's or a request's can.
		ctx, cancel := context.WithCancel(context.Background())
		t0 := time.Now()
		if err := s.Import(ctx, src); err != nil {
			b.Fatal(err)
		}
		total += time.Since(t0)
		cancel()
	}
	b.ReportMetric(float64(n)*float64(b.N)/total.Seconds(), "visits/s")
}

// benchSource returns 1,000 zoos, 5,000 animals and n visits: each day
// every animal visits a random zoo.
func benchSource(n int) zootour.Source {
	const zoos, animals = 1000, 5000
	return zootour.Source{
		Zoos: func(yield func(zootour.Zoo, error) bool) {
			for i := 1; i <= zoos; i++ {
				if !yield(zootour.Zoo{ID: int64(i), Name: "Zoo " + strconv.Itoa(i), Location: "Somewhere"}, nil) {
					return
				}
			}
		},
		Animals: func(yield func(zootour.Animal, error) bool) {
			for i := 1; i <= animals; i++ {
				if !yield(zootour.Animal{ID: int64(i), Name: "Animal " + strconv.Itoa(i), Species: "Species"}, nil) {
					return
				}
			}
		},
		Visits: func(yield func(zootour.Visit, error) bool) {
			r := rand.New(rand.NewPCG(1, 2))
			start := zootour.MustDate("2000-01-01")
			day := start
			for i := 0; i < n; i++ {
				if i > 0 && i%animals == 0 {
					day = day.AddDays(1)
				}
				v := zootour.Visit{
					ID:       int64(i + 1),
					Date:     day,
					ZooID:    int64(r.IntN(zoos) + 1),
					AnimalID: int64(i%animals + 1),
				}
				if !yield(v, nil) {
					return
				}
			}
		},
	}
}

// BenchmarkListings times the relationship listings on 1,000 zoos, 5,000
// animals and 200,000 visits: about 200 entries per zoo and 40 per animal.
func BenchmarkListings(b *testing.B) {
	ctx := context.Background()
	s := newStore(b)
	if err := s.Import(ctx, benchSource(200_000)); err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	listings := []struct {
		name string
		list func(id int64) error
	}{
		{"ZooVisits", func(id int64) error { _, err := s.ZooVisits(ctx, id, zootour.Query{}); return err }},
		{"ZooAnimals", func(id int64) error { _, err := s.ZooAnimals(ctx, id, zootour.Query{}); return err }},
		{"ZooAnimalsDistinct", func(id int64) error {
			_, err := s.ZooAnimals(ctx, id, zootour.Query{Distinct: true})
			return err
		}},
		{"AnimalVisits", func(id int64) error { _, err := s.AnimalVisits(ctx, id*5, zootour.Query{}); return err }},
		{"AnimalZoos", func(id int64) error { _, err := s.AnimalZoos(ctx, id*5, zootour.Query{}); return err }},
		{"AnimalZoosDistinct", func(id int64) error {
			_, err := s.AnimalZoos(ctx, id*5, zootour.Query{Distinct: true})
			return err
		}},
	}
	for _, l := range listings {
		b.Run(l.name, func(b *testing.B) {
			for b.Loop() {
				if err := l.list(int64(r.IntN(1000) + 1)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
