package postgres_test

import (
	"testing"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/postgres"
	"github.com/zootour/zootour/postgres/pgtest"
)

// TestLongTransactionCommits checks that a write whose transaction takes
// longer than the bound of a commit still commits: the bound runs from the
// commit, not from the transaction's start (an import of 10^7 visits takes
// minutes, and failed at its commit when it ran from the start).
func TestLongTransactionCommits(t *testing.T) {
	ctx := t.Context()
	s, err := postgres.Open(ctx, pgtest.URL(t))
	check(t, err)
	defer s.Close()
	defer postgres.SetCommitWithin(200 * time.Millisecond)()
	slow := func(yield func(zootour.Zoo, error) bool) {
		time.Sleep(600 * time.Millisecond)
		yield(zootour.Zoo{ID: 1, Name: "Slow", Location: "L"}, nil)
	}
	if err := s.Import(ctx, zootour.Source{Zoos: slow}); err != nil {
		t.Fatalf("an import longer than the commit's bound: %v", err)
	}
	if z, err := s.Zoo(ctx, 1); err != nil || z.Name != "Slow" {
		t.Fatalf("after the import Zoo(1) = %+v, %v; want the imported zoo", z, err)
	}
}
