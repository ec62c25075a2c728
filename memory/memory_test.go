package memory_test

import (
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/memory"
	"github.com/zootour/zootour/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) zootour.Store {
		s := memory.New()
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// filled returns a store of 1,000 zoos, 5,000 animals and n visits, made
// by Import, as the data of DESIGN.md's measurements is shaped.
func filled(b *testing.B, n int) *memory.Store {
	b.Helper()
	s := memory.New()
	if err := s.Import(b.Context(), source(n)); err != nil {
		b.Fatal(err)
	}
	return s
}

// source returns zoos, animals and n visits spread over them, at most one
// per animal and date.
func source(n int) zootour.Source {
	const zoos, animals = 1000, 5000
	start := zootour.MustDate("2000-01-01")
	return zootour.Source{
		Zoos: func(yield func(zootour.Zoo, error) bool) {
			for i := range zoos {
				if !yield(zootour.Zoo{ID: int64(i + 1), Name: "Zoo", Location: "Town"}, nil) {
					return
				}
			}
		},
		Animals: func(yield func(zootour.Animal, error) bool) {
			for i := range animals {
				if !yield(zootour.Animal{ID: int64(i + 1), Name: "Animal", Species: "Species"}, nil) {
					return
				}
			}
		},
		Visits: func(yield func(zootour.Visit, error) bool) {
			for i := range n {
				// Animal i%animals on day i/animals, so that no animal is at two
				// zoos on one date, at a zoo picked by a multiplicative hash.
				zoo := uint64(i) * 0x9E3779B97F4A7C15 >> 40 % zoos
				v := zootour.Visit{ID: int64(i + 1), Date: start.AddDays(i / animals),
					ZooID: int64(zoo + 1), AnimalID: int64(i%animals + 1)}
				if !yield(v, nil) {
					return
				}
			}
		},
	}
}

func BenchmarkZooVisits(b *testing.B) {
	s := filled(b, 100_000)
	ctx := b.Context()
	for i := 0; b.Loop(); i++ {
		if _, err := s.ZooVisits(ctx, int64(i%1000+1), zootour.Query{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkZooAnimalsDistinct(b *testing.B) {
	s := filled(b, 100_000)
	ctx := b.Context()
	for i := 0; b.Loop(); i++ {
		if _, err := s.ZooAnimals(ctx, int64(i%1000+1), zootour.Query{Distinct: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkZooAnimalsPage is a page of 10 from the middle of a window: it
// should cost about the same as from the start.
func BenchmarkZooAnimalsPage(b *testing.B) {
	s := filled(b, 100_000)
	ctx := b.Context()
	q := zootour.Query{Distinct: true, From: zootour.MustDate("2000-01-05"), Limit: 10,
		After: zootour.Position{Date: zootour.MustDate("2000-01-12"), ID: 1}}
	for i := 0; b.Loop(); i++ {
		if _, err := s.ZooAnimals(ctx, int64(i%1000+1), q); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAnimalZoos(b *testing.B) {
	s := filled(b, 100_000)
	ctx := b.Context()
	for i := 0; b.Loop(); i++ {
		if _, err := s.AnimalZoos(ctx, int64(i%5000+1), zootour.Query{Distinct: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCreateVisit(b *testing.B) {
	s := filled(b, 100_000)
	ctx := b.Context()
	start := zootour.MustDate("2100-01-01")
	for i := 0; b.Loop(); i++ {
		v := zootour.Visit{Date: start.AddDays(i / 5000), ZooID: int64(i%1000 + 1), AnimalID: int64(i%5000 + 1)}
		if _, err := s.CreateVisit(ctx, v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImport100k(b *testing.B) {
	for b.Loop() {
		if err := memory.New().Import(b.Context(), source(100_000)); err != nil {
			b.Fatal(err)
		}
	}
}
