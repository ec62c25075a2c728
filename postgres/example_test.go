package postgres_test

import (
	"context"
	"log"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/postgres"
	"github.com/zootour/zootour/postgres/pgtest"
)

// The examples need a PostgreSQL server, so they have no output to check:
// go test compiles them and does not run them.

func ExampleOpen() {
	ctx := context.Background()
	// search_path names the schema of the store's tables, created if missing.
	s, err := postgres.Open(ctx, "postgres://zootour@db.example:5432/app?sslmode=require&search_path=zootour")
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	zoo, err := s.CreateZoo(ctx, zootour.Zoo{Name: "Artis", Location: "Amsterdam, NL"})
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("zoo %d", zoo.ID)
}

func ExampleNew() {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig("postgres://app@db.example:5432/app?sslmode=require")
	if err != nil {
		log.Fatal(err)
	}
	// The settings Open makes, for the store's plans.
	cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	cfg.ConnConfig.RuntimeParams["random_page_cost"] = "1.1"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close() // the pool is the application's: the store's Close leaves it open

	// The store's tables go beside the application's, in the schema that
	// search_path names first; its migrations are recorded in
	// zootour_schema_migrations, apart from the application's.
	s, err := postgres.New(ctx, pool)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	counts, err := s.Counts(ctx)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("%d zoos", counts.Zoos)
}

// A test of the application's own, in one of its _test.go files, gets a
// store in a fresh schema, dropped when the test ends. Without
// ZOOTOUR_TEST_POSTGRES=postgres://... it is skipped, with a message
// saying how to run it.
func Example_pgtest() {
	testZoo := func(t *testing.T) { // func TestZoo(t *testing.T) in a _test.go file
		s, err := postgres.Open(t.Context(), pgtest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := s.CreateZoo(t.Context(), zootour.Zoo{Name: "Artis", Location: "Amsterdam, NL"}); err != nil {
			t.Fatal(err)
		}
	}
	_ = testZoo
}
