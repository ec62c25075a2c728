package cli

import (
	"slices"
	"testing"

	"github.com/zootour/zootour"
)

// TestZooNamesBatches checks that names looked up for a listing in zoo ID
// order cost a query per page of zoos, not per row nor per zoo; that a
// zoo its batch lacks is looked up alone; and that one not found is shown
// as deleted.
func TestZooNamesBatches(t *testing.T) {
	var zoos []zootour.Zoo
	for n := int64(1); n <= 1200; n++ {
		if n != 700 { // deleted since the census was read
			zoos = append(zoos, zootour.Zoo{ID: n, Name: "Zoo " + id(n)})
		}
	}
	batches, ones := 0, 0
	names := &zooNames{
		batch: func(from int64) (map[int64]string, error) {
			batches++
			i, _ := slices.BinarySearchFunc(zoos, from, func(z zootour.Zoo, n int64) int { return int(z.ID - n) })
			known := map[int64]string{}
			for _, z := range zoos[i:min(i+zootour.AllPageSize, len(zoos))] {
				known[z.ID] = z.Name
			}
			return known, nil
		},
		one: func(n int64) (zootour.Zoo, error) {
			ones++
			return zootour.Zoo{}, zootour.NotFound("zoo", n)
		},
	}
	for n := int64(1); n <= 1200; n += 3 {
		for range 4 { // a zoo has a row per species
			if err := names.resolve(n); err != nil {
				t.Fatal(err)
			}
			if got, want := names.name(n), "Zoo "+id(n); n != 700 && got != want {
				t.Fatalf("name(%d) = %q, want %q", n, got, want)
			}
		}
	}
	if got, want := names.name(700), "(deleted)"; got != want {
		t.Errorf("name(700) = %q, want %q", got, want)
	}
	// The pages from 1, from 502 and from 700 (which lacks it, and holds
	// every zoo after), and 700 alone.
	if batches != 3 || ones != 1 {
		t.Errorf("%d batches and %d single lookups, want 3 and 1", batches, ones)
	}
}
