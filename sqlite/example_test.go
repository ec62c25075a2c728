package sqlite_test

import (
	"context"
	"fmt"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/sqlite"
)

// Open a store in memory (a file path opens or creates a file), record a
// tour, and ask the relationship and its where-and-when questions.
func ExampleOpen() {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, sqlite.Memory)
	if err != nil {
		panic(err)
	}
	defer s.Close()
	artis, _ := s.CreateZoo(ctx, zootour.Zoo{Name: "Artis", Location: "Amsterdam"})
	zurich, _ := s.CreateZoo(ctx, zootour.Zoo{Name: "Zoo Zürich", Location: "Zürich"})
	ruby, _ := s.CreateAnimal(ctx, zootour.Animal{Name: "Ruby", Species: "red panda"})
	for _, v := range []zootour.Visit{
		{Date: zootour.MustDate("2024-03-01"), ZooID: artis.ID, AnimalID: ruby.ID},
		{Date: zootour.MustDate("2024-09-15"), ZooID: zurich.ID, AnimalID: ruby.ID},
	} {
		if _, err := s.CreateVisit(ctx, v); err != nil {
			panic(err)
		}
	}
	zoos, _ := s.AnimalZoos(ctx, ruby.ID, zootour.Query{})
	for _, z := range zoos {
		fmt.Println(z.Date, z.Name)
	}
	where, _ := s.AnimalWhere(ctx, ruby.ID, zootour.MustDate("2024-06-01"))
	fmt.Println("on 2024-06-01:", where.Name)
	// Output:
	// 2024-03-01 Artis
	// 2024-09-15 Zoo Zürich
	// on 2024-06-01: Artis
}

// Find records by the start of their words, case and accents ignored, in
// name order, a page at a time.
func ExampleStore_FindZoos() {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, sqlite.Memory)
	if err != nil {
		panic(err)
	}
	defer s.Close()
	for _, z := range []zootour.Zoo{{Name: "Zoo Zürich", Location: "Zürich"}, {Name: "Zoo Basel", Location: "Basel"}, {Name: "Artis", Location: "Amsterdam"}} {
		if _, err := s.CreateZoo(ctx, z); err != nil {
			panic(err)
		}
	}
	found, _ := s.FindZoos(ctx, zootour.ZooFilter{Search: zootour.MustSearch("zoo zur")})
	fmt.Println(found[0].Name)
	f := zootour.ZooFilter{Sort: zootour.SortName, Limit: 2}
	page, _ := s.FindZoos(ctx, f)
	f.After = zootour.ZooCursor(page[len(page)-1], f.Order())
	next, _ := s.FindZoos(ctx, f)
	fmt.Println(page[0].Name, "|", page[1].Name, "|", next[0].Name)
	// Output:
	// Zoo Zürich
	// Artis | Zoo Basel | Zoo Zürich
}
