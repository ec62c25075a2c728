package pages

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/zootour/zootour/accounts"
	"github.com/zootour/zootour/generate"
	"github.com/zootour/zootour/sqlite"
	"github.com/zootour/zootour/web/httpx"
)

// BenchmarkBusyPages renders the pages of the busiest animal and the
// busiest zoo over 200,000 generated visits in a SQLite file, as a
// browser would ask for them (the whole handler, templates included):
//
//	go test -run '^$' -bench BusyPages -benchtime 20x ./web/pages/
func BenchmarkBusyPages(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "z.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	src := generate.Source(generate.Config{Zoos: 1000, Animals: 5000, Visits: 200_000, Seed: 1})
	if err := s.Import(ctx, src); err != nil {
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
	busy := func(m map[int64]int) int64 {
		var best int64
		for id, n := range m {
			if n > m[best] || n == m[best] && id < best {
				best = id
			}
		}
		return best
	}
	animal, zoo := busy(animalVisits), busy(zooVisits)
	b.Logf("busiest animal %d: %d visits; busiest zoo %d: %d visits", animal, animalVisits[animal], zoo, zooVisits[zoo])
	// Public read: the pages as an anonymous reader sees them.
	h := New(s, httpx.Options{Auth: httpx.NewAuth(accounts.New(s), true), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	for _, page := range []struct{ name, path string }{
		{"Animal", "/animals/" + strconv.FormatInt(animal, 10)},
		{"AnimalContacts", "/animals/" + strconv.FormatInt(animal, 10) + "/contacts"},
		{"Zoo", "/zoos/" + strconv.FormatInt(zoo, 10)},
	} {
		b.Run(page.name, func(b *testing.B) {
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest("GET", page.path, nil))
				if w.Code != http.StatusOK {
					b.Fatalf("GET %s: %d", page.path, w.Code)
				}
			}
		})
	}
}
