package sqlite_test

import (
	"context"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/generate"
)

// BenchmarkWriteVisit creates a visit of a typical animal on a free date
// and deletes it again, over 200,000 generated visits: two writes of
// visits, each with the stays it changes.
//
//	go test -run '^$' -bench WriteVisit -benchtime 3000x ./sqlite/
func BenchmarkWriteVisit(b *testing.B) {
	ctx := context.Background()
	s := newStore(b)
	if err := s.Import(ctx, generate.Source(generate.Config{Zoos: 1000, Animals: 5000, Visits: 200_000, Seed: 1})); err != nil {
		b.Fatal(err)
	}
	day := zootour.MustDate("2001-06-15")
	i := 0
	for b.Loop() {
		i++
		a := int64(i%5000 + 1)
		v, err := s.CreateVisit(ctx, zootour.Visit{Date: day.AddDays(i % 9000), ZooID: int64(i%1000 + 1), AnimalID: a})
		if zootour.ErrorCode(err) == zootour.ECONFLICT {
			continue
		}
		if err != nil {
			b.Fatal(err)
		}
		if err := s.DeleteVisit(ctx, v.ID); err != nil {
			b.Fatal(err)
		}
	}
}
