package memory_test

import (
	"testing"

	"github.com/zootour/zootour"
)

// The where-and-when questions on 100k visits: 1,000 zoos, 5,000 animals,
// each animal at a zoo every day for 20 days from 2000-01-01 (see source),
// asked on the last day, where a zoo's whole history is behind the date.

var wwLastDay = zootour.MustDate("2000-01-20")

func BenchmarkAnimalStays(b *testing.B) {
	s := filled(b, 100_000)
	ctx := b.Context()
	for i := 0; b.Loop(); i++ {
		if _, err := s.AnimalStays(ctx, int64(i%5000+1), zootour.Date{}, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAnimalWhere(b *testing.B) {
	s := filled(b, 100_000)
	ctx := b.Context()
	for i := 0; b.Loop(); i++ {
		if _, err := s.AnimalWhere(ctx, int64(i%5000+1), wwLastDay); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkZooPresent(b *testing.B) {
	s := filled(b, 100_000)
	ctx := b.Context()
	for i := 0; b.Loop(); i++ {
		if _, err := s.ZooPresent(ctx, int64(i%1000+1), wwLastDay, zootour.Position{}, 0); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAnimalContacts(b *testing.B) {
	s := filled(b, 100_000)
	ctx := b.Context()
	for i := 0; b.Loop(); i++ {
		if _, err := s.AnimalContacts(ctx, int64(i%5000+1), zootour.ContactQuery{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAnimalContactsWindow asks for the contacts of one day only.
func BenchmarkAnimalContactsWindow(b *testing.B) {
	s := filled(b, 100_000)
	ctx := b.Context()
	q := zootour.ContactQuery{From: zootour.MustDate("2000-01-10"), To: zootour.MustDate("2000-01-10")}
	for i := 0; b.Loop(); i++ {
		if _, err := s.AnimalContacts(ctx, int64(i%5000+1), q); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCensus(b *testing.B) {
	s := filled(b, 100_000)
	ctx := b.Context()
	for b.Loop() {
		if _, err := s.Census(ctx, wwLastDay, zootour.CensusKey{}, 0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCensusPage is a page of 100: it costs as much as the whole.
func BenchmarkCensusPage(b *testing.B) {
	s := filled(b, 100_000)
	ctx := b.Context()
	for b.Loop() {
		if _, err := s.Census(ctx, wwLastDay, zootour.CensusKey{ZooID: 500}, 100); err != nil {
			b.Fatal(err)
		}
	}
}
