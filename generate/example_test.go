package generate_test

import (
	"context"
	"fmt"

	"github.com/zootour/zootour/generate"
	"github.com/zootour/zootour/sqlite"
)

// Fill a store with synthetic data: the same seed makes the same records.
func ExampleSource() {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, sqlite.Memory)
	if err != nil {
		panic(err)
	}
	defer s.Close()
	cfg := generate.Config{Zoos: 5, Animals: 20, Visits: 100, Seed: 1}
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	if err := s.Import(ctx, generate.Source(cfg)); err != nil {
		panic(err)
	}
	n, err := s.Counts(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println(n.Zoos, n.Animals, n.Visits)
	// Output: 5 20 100
}
