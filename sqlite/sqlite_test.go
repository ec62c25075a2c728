package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sync/errgroup"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/sqlite"
	"github.com/zootour/zootour/storetest"
	"github.com/zootour/zootour/teaching"
)

// open opens a store on path, closed when the test ends.
func open(t testing.TB, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newStore opens a store on a fresh file.
func newStore(t testing.TB) *sqlite.Store {
	t.Helper()
	return open(t, filepath.Join(t.TempDir(), "zootour.db"))
}

// rawDB opens the file directly, past the store, to look at or tamper with it.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := zootour.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %q, want %q", err, got, code)
	}
}

func TestOpenAppliesMigrations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	s := open(t, path)
	if _, err := s.CreateZoo(context.Background(), zootour.Zoo{Name: "Z", Location: "L"}); err != nil {
		t.Fatal(err)
	}
	var version int
	if err := rawDB(t, path).QueryRow(`SELECT max(version) FROM schema_migrations`).Scan(&version); err != nil {
		t.Fatal(err)
	}
	if got, want := version, sqlite.SchemaVersion(); got != want {
		t.Fatalf("schema version %d, want %d", got, want)
	}
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "keep.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	z, err := s.CreateZoo(ctx, zootour.Zoo{Name: "Zürich Zoo", Location: "Zürich"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open(t, path)
	got, err := s.Zoo(ctx, z.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got != z {
		t.Fatalf("after reopening got %+v, want %+v", got, z)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "newer.db")
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := rawDB(t, path).Exec(`INSERT INTO schema_migrations (version) VALUES (99)`); err != nil {
		t.Fatal(err)
	}

	_, err = sqlite.Open(context.Background(), path)
	if err == nil {
		t.Fatal("opened a database with a newer schema")
	}
	for _, want := range []string{"version 99", fmt.Sprintf("version %d ", sqlite.SchemaVersion())} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(path, []byte(strings.Repeat("not a database\n", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := sqlite.Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), "is not a SQLite database") {
		t.Fatalf("Open(text file) = %v, want a not-a-database error", err)
	}
}

func TestNotZootourDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	if _, err := rawDB(t, path).Exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	_, err := sqlite.Open(context.Background(), path)
	if err == nil || !strings.Contains(err.Error(), "not a zootour database") {
		t.Fatalf("Open(other SQLite database) = %v, want a not-zootour error", err)
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	z, err := s.CreateZoo(ctx, zootour.Zoo{Name: "  Zoo  ", Location: "Here"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := z.Name, "Zoo"; got != want {
		t.Fatalf("name %q, want %q (trimmed)", got, want)
	}
	a, err := s.CreateAnimal(ctx, zootour.Animal{Name: "Ada", Species: "Elephant"})
	if err != nil {
		t.Fatal(err)
	}
	d := zootour.MustDate("2024-02-29")
	v, err := s.CreateVisit(ctx, zootour.Visit{Date: d, ZooID: z.ID, AnimalID: a.ID})
	if err != nil {
		t.Fatal(err)
	}

	_, err = s.CreateZoo(ctx, zootour.Zoo{Name: " ", Location: "x"})
	wantCode(t, err, zootour.EINVALID)
	_, err = s.Zoo(ctx, 42)
	wantCode(t, err, zootour.ENOTFOUND)
	_, err = s.Animal(ctx, 42)
	wantCode(t, err, zootour.ENOTFOUND)
	_, err = s.Visit(ctx, 42)
	wantCode(t, err, zootour.ENOTFOUND)
	_, err = s.UpdateZoo(ctx, 42, zootour.ZooUpdate{})
	wantCode(t, err, zootour.ENOTFOUND)
	bad := strings.Repeat("x", 201)
	_, err = s.UpdateAnimal(ctx, a.ID, zootour.AnimalUpdate{Name: &bad})
	wantCode(t, err, zootour.EINVALID)

	_, err = s.CreateVisit(ctx, zootour.Visit{Date: d, ZooID: 42, AnimalID: a.ID})
	wantCode(t, err, zootour.EINVALID)
	if got, want := err.Error(), "zoo 42 does not exist: a visit needs an existing zoo"; got != want {
		t.Errorf("error %q, want %q", got, want)
	}
	_, err = s.CreateVisit(ctx, zootour.Visit{Date: d, ZooID: z.ID, AnimalID: 43})
	wantCode(t, err, zootour.EINVALID)
	if got, want := err.Error(), "animal 43 does not exist: a visit needs an existing animal"; got != want {
		t.Errorf("error %q, want %q", got, want)
	}
	_, err = s.CreateVisit(ctx, zootour.Visit{Date: d, ZooID: z.ID, AnimalID: a.ID})
	wantCode(t, err, zootour.ECONFLICT)

	// Moving a visit onto its own date is no conflict; onto another's is.
	if _, err := s.UpdateVisit(ctx, v.ID, zootour.VisitUpdate{Date: &d}); err != nil {
		t.Fatal(err)
	}
	d2 := d.AddDays(1)
	v2, err := s.CreateVisit(ctx, zootour.Visit{Date: d2, ZooID: z.ID, AnimalID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.UpdateVisit(ctx, v2.ID, zootour.VisitUpdate{Date: &d})
	wantCode(t, err, zootour.ECONFLICT)
	zero := int64(0)
	_, err = s.UpdateVisit(ctx, v2.ID, zootour.VisitUpdate{ZooID: &zero})
	wantCode(t, err, zootour.EINVALID)

	_, err = s.ZooVisits(ctx, 42, zootour.Query{})
	wantCode(t, err, zootour.ENOTFOUND)
	_, err = s.AnimalZoos(ctx, 42, zootour.Query{Distinct: true})
	wantCode(t, err, zootour.ENOTFOUND)
	// The listings ask whether the owner exists only when they come back
	// empty: an owner with no visits in the window is no error, a missing
	// one is, and an invalid ID is checked before either.
	empty := zootour.Query{From: d2.AddDays(1)}
	for name, list := range map[string]func(int64) (int, error){
		"ZooVisits": func(id int64) (int, error) { l, err := s.ZooVisits(ctx, id, empty); return len(l), err },
		"AnimalVisits": func(id int64) (int, error) {
			l, err := s.AnimalVisits(ctx, id, empty)
			return len(l), err
		},
		"ZooAnimals": func(id int64) (int, error) {
			l, err := s.ZooAnimals(ctx, id, zootour.Query{From: empty.From, Distinct: true})
			return len(l), err
		},
		"AnimalZoos": func(id int64) (int, error) { l, err := s.AnimalZoos(ctx, id, empty); return len(l), err },
	} {
		owner := z.ID
		if strings.HasPrefix(name, "Animal") {
			owner = a.ID
		}
		if n, err := list(owner); n != 0 || err != nil {
			t.Errorf("%s(%d) after the last visit: %d entries, error %v; want none", name, owner, n, err)
		}
		_, err := list(42)
		wantCode(t, err, zootour.ENOTFOUND)
		_, err = list(0)
		wantCode(t, err, zootour.EINVALID)
	}
	_, err = s.ZooAnimals(ctx, z.ID, zootour.Query{From: d2, To: d})
	wantCode(t, err, zootour.EINVALID)
	_, err = s.FindZoos(ctx, zootour.ZooFilter{Limit: -1})
	wantCode(t, err, zootour.EINVALID)

	wantCode(t, s.DeleteZoo(ctx, z.ID, false), zootour.ECONFLICT)
	wantCode(t, s.DeleteAnimal(ctx, a.ID, false), zootour.ECONFLICT)
	wantCode(t, s.DeleteZoo(ctx, 42, true), zootour.ENOTFOUND)
	wantCode(t, s.DeleteVisit(ctx, 42), zootour.ENOTFOUND)
	if err := s.DeleteZoo(ctx, z.ID, true); err != nil {
		t.Fatal(err)
	}
	c, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c, (zootour.Counts{Zoos: 0, Animals: 1, Visits: 0}); got != want {
		t.Fatalf("counts after cascade %+v, want %+v", got, want)
	}
	if err := s.DeleteAnimal(ctx, a.ID, false); err != nil {
		t.Fatal(err)
	}
}

func TestIDsNeverReused(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	z1, err := s.CreateZoo(ctx, zootour.Zoo{Name: "A", Location: "L"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteZoo(ctx, z1.ID, false); err != nil {
		t.Fatal(err)
	}
	z2, err := s.CreateZoo(ctx, zootour.Zoo{Name: "B", Location: "L"})
	if err != nil {
		t.Fatal(err)
	}
	if z2.ID <= z1.ID {
		t.Fatalf("new zoo got ID %d after zoo %d was deleted", z2.ID, z1.ID)
	}

	src := zootour.Source{Zoos: seq(zootour.Zoo{ID: 100, Name: "C", Location: "L"})}
	if err := s.Import(ctx, src); err != nil {
		t.Fatal(err)
	}
	z3, err := s.CreateZoo(ctx, zootour.Zoo{Name: "D", Location: "L"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := z3.ID, int64(101); got != want {
		t.Fatalf("zoo created after importing zoo 100 got ID %d, want %d", got, want)
	}
}

func seq[T any](items ...T) func(func(T, error) bool) {
	return failingAt(items, -1, nil)
}

// failingAt yields items up to index at, where it yields err instead and
// stops (never, for at -1).
func failingAt[T any](items []T, at int, err error) func(func(T, error) bool) {
	return func(yield func(T, error) bool) {
		for i, it := range items {
			if i == at {
				var zero T
				yield(zero, err)
				return
			}
			if !yield(it, nil) {
				return
			}
		}
	}
}

// oneByOne is an empty store in memory that imports records one by one,
// the way the fast import is compared with.
func oneByOne(t *testing.T) *sqlite.Store {
	m := open(t, sqlite.Memory)
	sqlite.ImportOneByOne(m)
	return m
}

func TestImportAllOrNothing(t *testing.T) {
	ctx := context.Background()
	d := zootour.MustDate("2020-05-01")
	zoos := []zootour.Zoo{{ID: 1, Name: "Z1", Location: "L"}, {ID: 2, Name: "Z2", Location: "L"}}
	animals := []zootour.Animal{{ID: 1, Name: "A1", Species: "S"}}
	good := []zootour.Visit{{ID: 1, Date: d, ZooID: 1, AnimalID: 1}}
	tests := []struct {
		name   string
		src    zootour.Source
		kind   string
		record int
		code   string
	}{
		{"bad zoo name", zootour.Source{Zoos: seq(zoos[0], zootour.Zoo{ID: 3, Name: "", Location: "L"})}, "zoos", 2, zootour.EINVALID},
		{"zoo ID zero", zootour.Source{Zoos: seq(zootour.Zoo{Name: "Z", Location: "L"})}, "zoos", 1, zootour.EINVALID},
		{"zoo ID taken", zootour.Source{Zoos: seq(zootour.Zoo{ID: 10, Name: "Z", Location: "L"})}, "zoos", 1, zootour.ECONFLICT},
		{"animal ID twice", zootour.Source{Animals: seq(animals[0], animals[0])}, "animals", 2, zootour.ECONFLICT},
		{"visit to missing zoo", zootour.Source{
			Zoos: seq(zoos...), Animals: seq(animals...),
			Visits: seq(good[0], zootour.Visit{ID: 2, Date: d.AddDays(1), ZooID: 9, AnimalID: 1}),
		}, "visits", 2, zootour.EINVALID},
		{"visit of missing animal", zootour.Source{
			Zoos: seq(zoos...), Animals: seq(animals...),
			Visits: seq(good[0], zootour.Visit{ID: 2, Date: d.AddDays(1), ZooID: 1, AnimalID: 9}),
		}, "visits", 2, zootour.EINVALID},
		{"animal twice on a date", zootour.Source{
			Zoos: seq(zoos...), Animals: seq(animals...),
			Visits: seq(good[0], zootour.Visit{ID: 2, Date: d, ZooID: 2, AnimalID: 1}),
		}, "visits", 2, zootour.ECONFLICT},
		{"visit ID twice", zootour.Source{
			Zoos: seq(zoos...), Animals: seq(animals...),
			Visits: seq(good[0], zootour.Visit{ID: 1, Date: d.AddDays(1), ZooID: 1, AnimalID: 1}),
		}, "visits", 2, zootour.ECONFLICT},
		{"visit without date", zootour.Source{
			Zoos: seq(zoos...), Animals: seq(animals...),
			Visits: seq(zootour.Visit{ID: 1, ZooID: 1, AnimalID: 1}),
		}, "visits", 1, zootour.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "zootour.db")
			s := open(t, path)
			if err := s.Import(ctx, zootour.Source{Zoos: seq(zootour.Zoo{ID: 10, Name: "Old", Location: "L"})}); err != nil {
				t.Fatal(err)
			}
			err := s.Import(ctx, tt.src)
			var re *zootour.RecordError
			if !errors.As(err, &re) {
				t.Fatalf("Import = %v, want a *RecordError", err)
			}
			if re.Kind != tt.kind || re.Record != tt.record {
				t.Errorf("error names %s record %d, want %s record %d", re.Kind, re.Record, tt.kind, tt.record)
			}
			wantCode(t, err, tt.code)
			c, err := s.Counts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := c, (zootour.Counts{Zoos: 1}); got != want {
				t.Errorf("after a failed import counts are %+v, want %+v", got, want)
			}
			// The import drops indexes of an empty visits table; failing, it keeps them.
			var indexes int
			if err := rawDB(t, path).QueryRow(`SELECT count(*) FROM sqlite_schema
				WHERE type = 'index' AND tbl_name = 'visits'`).Scan(&indexes); err != nil {
				t.Fatal(err)
			}
			if got, want := indexes, 4; got != want {
				t.Errorf("after a failed import visits has %d indexes, want %d", got, want)
			}
		})
	}
}

func TestImportSourceError(t *testing.T) {
	s := newStore(t)
	boom := errors.New("visits.csv line 3: bad quoting")
	src := zootour.Source{
		Zoos: seq(zootour.Zoo{ID: 1, Name: "Z", Location: "L"}),
		Visits: func(yield func(zootour.Visit, error) bool) {
			yield(zootour.Visit{}, boom)
		},
	}
	if err := s.Import(context.Background(), src); !errors.Is(err, boom) {
		t.Fatalf("Import = %v, want the source's error", err)
	}
	c, _ := s.Counts(context.Background())
	if c.Zoos != 0 {
		t.Fatalf("the import kept %d zoos after the source failed", c.Zoos)
	}
}

// recorder is a zootour.Sink that keeps what it receives.
type recorder struct {
	zoos    []zootour.Zoo
	animals []zootour.Animal
	visits  []zootour.Visit
}

func (r *recorder) Zoo(z zootour.Zoo) error       { r.zoos = append(r.zoos, z); return nil }
func (r *recorder) Animal(a zootour.Animal) error { r.animals = append(r.animals, a); return nil }
func (r *recorder) Visit(v zootour.Visit) error   { r.visits = append(r.visits, v); return nil }

func (r *recorder) source() zootour.Source {
	return zootour.Source{Zoos: seq(r.zoos...), Animals: seq(r.animals...), Visits: seq(r.visits...)}
}

func TestExportImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, _ := randomStore(t, 1)
	var first recorder
	if err := s.Export(ctx, &first); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(first.visits); i++ {
		if first.visits[i-1].ID >= first.visits[i].ID {
			t.Fatalf("visits not exported in ID order: %d then %d", first.visits[i-1].ID, first.visits[i].ID)
		}
	}

	s2 := newStore(t)
	if err := s2.Import(ctx, first.source()); err != nil {
		t.Fatal(err)
	}
	var second recorder
	if err := s2.Export(ctx, &second); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, second, cmp.AllowUnexported(recorder{}, zootour.Date{})); diff != "" {
		t.Fatalf("round trip changed the data (-first +second):\n%s", diff)
	}
}

// randomStore fills a store and a teaching model with the same random
// records, some deleted again so that IDs have gaps.
func randomStore(t *testing.T, seed uint64) (*sqlite.Store, *teaching.Model) {
	t.Helper()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(seed, 1))
	s := newStore(t)
	m := teaching.New()
	for i := range 8 {
		z, err := s.CreateZoo(ctx, zootour.Zoo{Name: fmt.Sprintf("Zoo %d", i), Location: "L"})
		if err != nil {
			t.Fatal(err)
		}
		m.Zoos[z.ID] = z
	}
	for i := range 12 {
		a, err := s.CreateAnimal(ctx, zootour.Animal{Name: fmt.Sprintf("Animal %d", i), Species: "S"})
		if err != nil {
			t.Fatal(err)
		}
		m.Animals[a.ID] = a
	}
	start := zootour.MustDate("2020-01-01")
	for range 400 {
		v := zootour.Visit{
			Date:     start.AddDays(r.IntN(60)),
			ZooID:    int64(r.IntN(8) + 1),
			AnimalID: int64(r.IntN(12) + 1),
		}
		v, err := s.CreateVisit(ctx, v)
		if zootour.ErrorCode(err) == zootour.ECONFLICT {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		m.AddVisit(v)
	}
	for range 30 {
		v := m.Visits[r.IntN(len(m.Visits))]
		if err := s.DeleteVisit(ctx, v.ID); err != nil {
			t.Fatal(err)
		}
		m.DeleteVisit(v.ID)
	}
	return s, m
}

// TestMatchesTeaching compares every relationship listing, whole and page
// by page, with the teaching model's answer.
func TestMatchesTeaching(t *testing.T) {
	ctx := context.Background()
	s, m := randomStore(t, 2)
	opts := cmp.AllowUnexported(zootour.Date{})
	d := zootour.MustDate
	windows := []zootour.Query{
		{},
		{From: d("2020-01-10")},
		{To: d("2020-02-01")},
		{From: d("2020-01-15"), To: d("2020-01-20")},
		{From: d("2020-01-15"), To: d("2020-01-15")},
	}
	for _, w := range windows {
		for _, distinct := range []bool{false, true} {
			q := w
			q.Distinct = distinct
			for id := int64(1); id <= 8; id++ {
				want := m.ZooAnimals(id, q)
				got := pages(t, q, func(q zootour.Query) ([]zootour.ZooAnimal, error) { return s.ZooAnimals(ctx, id, q) })
				if diff := cmp.Diff(want, got, opts); diff != "" {
					t.Fatalf("ZooAnimals(%d, %+v) (-want +got):\n%s", id, q, diff)
				}
				wantV := m.ZooVisits(id, q)
				gotV := pages(t, q, func(q zootour.Query) ([]zootour.Visit, error) { return s.ZooVisits(ctx, id, q) })
				if diff := cmp.Diff(wantV, gotV, opts); diff != "" {
					t.Fatalf("ZooVisits(%d, %+v) (-want +got):\n%s", id, q, diff)
				}
			}
			for id := int64(1); id <= 12; id++ {
				want := m.AnimalZoos(id, q)
				got := pages(t, q, func(q zootour.Query) ([]zootour.AnimalZoo, error) { return s.AnimalZoos(ctx, id, q) })
				if diff := cmp.Diff(want, got, opts); diff != "" {
					t.Fatalf("AnimalZoos(%d, %+v) (-want +got):\n%s", id, q, diff)
				}
				wantV := m.AnimalVisits(id, q)
				gotV := pages(t, q, func(q zootour.Query) ([]zootour.Visit, error) { return s.AnimalVisits(ctx, id, q) })
				if diff := cmp.Diff(wantV, gotV, opts); diff != "" {
					t.Fatalf("AnimalVisits(%d, %+v) (-want +got):\n%s", id, q, diff)
				}
			}
		}
	}
}

// pages fetches a listing whole, then page by page in pages of 3, checks
// that both agree, and returns it.
func pages[T interface{ Position() zootour.Position }](t *testing.T, q zootour.Query, fetch func(zootour.Query) ([]T, error)) []T {
	t.Helper()
	whole, err := fetch(q)
	if err != nil {
		t.Fatal(err)
	}
	var paged []T
	q.Limit = 3
	for {
		page, err := fetch(q)
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, page...)
		if len(page) < q.Limit {
			break
		}
		q.After = page[len(page)-1].Position()
	}
	if diff := cmp.Diff(whole, paged, cmp.AllowUnexported(zootour.Date{})); diff != "" {
		t.Fatalf("paged listing differs from the whole (-whole +paged):\n%s", diff)
	}
	// The rest after the first page, without a limit, is the whole's rest:
	// a distinct listing without a limit takes another path.
	if n := q.Limit; len(whole) > n {
		q.Limit, q.After = 0, whole[n-1].Position()
		rest, err := fetch(q)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(whole[n:], rest, cmp.AllowUnexported(zootour.Date{})); diff != "" {
			t.Fatalf("the rest after the first page differs from the whole's (-whole +rest):\n%s", diff)
		}
	}
	return whole
}

func TestPagesByID(t *testing.T) {
	ctx := context.Background()
	s, m := randomStore(t, 3)
	var got []zootour.Visit
	for v, err := range zootour.All(func(after zootour.Cursor, limit int) ([]zootour.Visit, error) {
		return s.FindVisits(ctx, zootour.VisitFilter{After: after, Limit: limit})
	}, func(v zootour.Visit) zootour.Cursor { return zootour.Cursor{ID: v.ID} }) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if got, want := len(got), len(m.Visits); got != want {
		t.Fatalf("paged through %d visits, want %d", got, want)
	}
	zoos, err := s.FindZoos(ctx, zootour.ZooFilter{After: zootour.Cursor{ID: 2}, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(zoos) != 3 || zoos[0].ID != 3 || zoos[2].ID != 5 {
		t.Fatalf("Zoos(after 2, limit 3) = %+v, want zoos 3 to 5", zoos)
	}
}

// TestConcurrentReadersAndWriter runs writers and readers at once: no
// SQLITE_BUSY reaches a caller, and every write lands.
func TestConcurrentReadersAndWriter(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	z, err := s.CreateZoo(ctx, zootour.Zoo{Name: "Z", Location: "L"})
	if err != nil {
		t.Fatal(err)
	}
	const writers, perWriter = 4, 50
	var g errgroup.Group
	for w := range writers {
		g.Go(func() error {
			a, err := s.CreateAnimal(ctx, zootour.Animal{Name: fmt.Sprint("A", w), Species: "S"})
			if err != nil {
				return err
			}
			day := zootour.MustDate("2021-01-01")
			for i := range perWriter {
				if _, err := s.CreateVisit(ctx, zootour.Visit{Date: day.AddDays(i), ZooID: z.ID, AnimalID: a.ID}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	for range 4 {
		g.Go(func() error {
			for range 50 {
				vs, err := s.ZooAnimals(ctx, z.ID, zootour.Query{Distinct: true})
				if err != nil {
					return err
				}
				if len(vs) > writers {
					return fmt.Errorf("distinct listing has %d animals, more than %d", len(vs), writers)
				}
				if _, err := s.Counts(ctx); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	c, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Visits, int64(writers*perWriter); got != want {
		t.Fatalf("%d visits stored, want %d", got, want)
	}
}

func TestImportCancelled(t *testing.T) {
	s := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := zootour.MustDate("2000-01-01")
	src := zootour.Source{
		Zoos:    seq(zootour.Zoo{ID: 1, Name: "Z", Location: "L"}),
		Animals: seq(zootour.Animal{ID: 1, Name: "A", Species: "S"}),
		Visits: func(yield func(zootour.Visit, error) bool) {
			for i := range 5000 {
				if i == 2000 {
					cancel()
				}
				if !yield(zootour.Visit{ID: int64(i + 1), Date: d.AddDays(i), ZooID: 1, AnimalID: 1}, nil) {
					return
				}
			}
		},
	}
	if err := s.Import(ctx, src); err == nil {
		t.Fatal("a cancelled import succeeded")
	}
	c, err := s.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c != (zootour.Counts{}) {
		t.Fatalf("a cancelled import left %+v", c)
	}
}

// TestOddPaths opens files whose names a URI would misread, and a
// relative path.
func TestOddPaths(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a b?c#d%20e")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "zoo tour?.db")
	s := open(t, path)
	if _, err := s.CreateZoo(context.Background(), zootour.Zoo{Name: "Z", Location: "L"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the database is not where it was asked for: %v", err)
	}

	t.Chdir(dir)
	open(t, "relative.db")
	if _, err := os.Stat(filepath.Join(dir, "relative.db")); err != nil {
		t.Fatalf("a relative path did not open in the working directory: %v", err)
	}
}

// TestStore runs the conformance suite on a fresh file per test.
func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) zootour.Store { return newStore(t) })
}
