package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/generate"
)

// The benchmarks ask the questions of the report at one size, 10^4 visits
// unless ZOOTOUR_BENCH_VISITS says otherwise (and 100 visits an animal
// unless ZOOTOUR_BENCH_VISITS_PER_ANIMAL does), of every store (PostgreSQL
// when ZOOTOUR_TEST_POSTGRES names a database) and of the baselines:
//
//	go test -run '^$' -bench . ./bench/
//	ZOOTOUR_BENCH_VISITS=1000000 go test -run '^$' -bench 'Questions/zoo_animals_distinct/' ./bench/
//	ZOOTOUR_BENCH_VISITS=1e6 ZOOTOUR_BENCH_VISITS_PER_ANIMAL=10 go test -run '^$' -bench Pages ./bench/
//
// A store is filled once per test binary and shared by the benchmarks.

func TestMain(m *testing.M) {
	RunChildIfAsked() // the report's peak-memory children are this binary
	code := m.Run()
	world.close()
	os.Exit(code)
}

// benchDataset is the data set the benchmarks use.
func benchDataset(tb testing.TB) generate.Config {
	num := func(name string, def int) int {
		s := os.Getenv(name)
		if s == "" {
			return def
		}
		n, err := strconv.ParseFloat(s, 64)
		if err != nil || n < 1 {
			tb.Fatalf("%s=%q is not a positive number", name, s)
		}
		return int(n)
	}
	return Dataset(num("ZOOTOUR_BENCH_VISITS", 10_000), num("ZOOTOUR_BENCH_VISITS_PER_ANIMAL", DefaultVisitsPerAnimal))
}

// world holds what the benchmarks share: the fixture and the filled stores
// with their limit connections.
var world = &shared{stores: map[string]*filled{}}

type shared struct {
	mu      sync.Mutex
	fixture *Fixture
	pages   []*PageRow // the page questions of the fixture
	first   []*FirstPageRow
	dir     string
	stores  map[string]*filled
	drops   []func() error
}

type filled struct {
	store  zootour.Store
	limits *limitDB
	where  string // the SQLite file or the PostgreSQL URL
	err    error
}

func (w *shared) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, f := range w.stores {
		if f.limits != nil {
			f.limits.close()
		}
		if f.store != nil {
			f.store.Close()
		}
	}
	for _, drop := range w.drops {
		drop()
	}
	if w.dir != "" {
		os.RemoveAll(w.dir)
	}
}

func (w *shared) getFixture(b *testing.B) *Fixture {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fixture == nil {
		f, err := NewFixture(benchDataset(b))
		if err != nil {
			b.Fatal(err)
		}
		w.fixture = f
	}
	return w.fixture
}

func (w *shared) getPages(b *testing.B) []*PageRow {
	f := w.getFixture(b)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.pages == nil {
		w.pages = f.pageRows()
	}
	return w.pages
}

func (w *shared) getFirstPages(b *testing.B) []*FirstPageRow {
	f := w.getFixture(b)
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.first == nil {
		w.first = f.firstPageRows()
	}
	return w.first
}

// store returns the store of a kind filled with the fixture, skipping
// PostgreSQL without a database.
func (w *shared) store(b *testing.B, kind string) *filled {
	f := w.getFixture(b)
	if kind == Postgres && os.Getenv("ZOOTOUR_TEST_POSTGRES") == "" {
		b.Skip("PostgreSQL benchmarks need ZOOTOUR_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if fs, ok := w.stores[kind]; ok {
		if fs.err != nil {
			b.Fatal(fs.err)
		}
		return fs
	}
	fs := &filled{}
	w.stores[kind] = fs
	ctx := context.Background()
	where, err := w.location(ctx, kind, "shared")
	fs.where = where
	if err == nil {
		fs.store, fs.limits, fs.err = fill(ctx, kind, where, f.Gen)
	} else {
		fs.err = err
	}
	if fs.err != nil {
		b.Fatal(fs.err)
	}
	return fs
}

// location returns a new place for a store of a kind; w.mu is held.
func (w *shared) location(ctx context.Context, kind, name string) (string, error) {
	switch kind {
	case SQLite:
		if w.dir == "" {
			dir, err := os.MkdirTemp("", "zootour-bench-test-")
			if err != nil {
				return "", err
			}
			w.dir = dir
		}
		return filepath.Join(w.dir, name+".db"), nil
	case Postgres:
		url, drop, err := NewSchema(ctx, os.Getenv("ZOOTOUR_TEST_POSTGRES"))
		if err != nil {
			return "", err
		}
		w.drops = append(w.drops, drop)
		return url, nil
	}
	return "", fmt.Errorf("bench: no store %q", kind)
}

// fill opens a store at where, imports gen into it and opens its limit
// connection.
func fill(ctx context.Context, kind, where string, gen generate.Config) (zootour.Store, *limitDB, error) {
	s, err := openStore(ctx, kind, where)
	if err != nil {
		return nil, nil, err
	}
	if err := s.Import(ctx, generate.Source(gen)); err != nil {
		s.Close()
		return nil, nil, err
	}
	var l *limitDB
	switch kind {
	case SQLite:
		l, err = openSQLiteLimit(ctx, where)
	case Postgres:
		if err = pgExec(ctx, where, pgVacuum); err == nil {
			l, err = openPostgresLimit(ctx, where)
		}
	}
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, l, nil
}

// BenchmarkQuestions asks every relationship question about the busy and
// the typical record: the teaching model, each store, and each store's
// limit queries.
func BenchmarkQuestions(b *testing.B) {
	ctx := context.Background()
	for _, q := range Questions() {
		b.Run(q.Slug(), func(b *testing.B) {
			f := world.getFixture(b)
			for _, r := range f.records(q.Owner()) {
				b.Run(r.Role, func(b *testing.B) {
					answer := q.Teach(f.Model, r)
					b.Run("teaching", func(b *testing.B) {
						for b.Loop() {
							runtime.KeepAlive(q.Teach(f.Model, r))
						}
					})
					for _, kind := range StoreNames {
						b.Run(kind, func(b *testing.B) {
							s := world.store(b, kind).store
							got, err := q.Ask(ctx, s, r)
							if err != nil {
								b.Fatal(err)
							}
							if d := sameAnswer(answer, got); d != "" {
								b.Fatal(d)
							}
							for b.Loop() {
								if _, err := q.Ask(ctx, s, r); err != nil {
									b.Fatal(err)
								}
							}
						})
						b.Run(kind+"_limit", func(b *testing.B) {
							benchLimit(b, ctx, kind, q, r, answer)
						})
					}
				})
			}
		})
	}
}

// benchLimit times each limit query of a store for q about r.
func benchLimit(b *testing.B, ctx context.Context, kind string, q Question, r Record, answer any) {
	fs := world.store(b, kind)
	for _, lq := range LimitQueries(fs.limits.dialect, q) {
		b.Run(lq.Name, func(b *testing.B) {
			run, done, err := fs.limits.prepare(ctx, q, lq.SQL)
			if err != nil {
				b.Fatal(err)
			}
			defer done()
			args := limitArgs(q, r)
			got, err := run(ctx, args)
			if err != nil {
				b.Fatal(err)
			}
			if d := sameAnswer(answer, got); d != "" {
				b.Fatal(d)
			}
			for b.Loop() {
				if _, err := run(ctx, args); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWhereWhen asks the where-and-when questions of the teaching
// model (where one call takes under a second) and of every store that
// implements zootour.WhereWhen.
func BenchmarkWhereWhen(b *testing.B) {
	ctx := context.Background()
	for _, q := range WhereQuestions() {
		b.Run(q.Slug(), func(b *testing.B) {
			f := world.getFixture(b)
			for _, r := range f.records(q.Owner) {
				b.Run(r.Role, func(b *testing.B) {
					b.Run("teaching", func(b *testing.B) {
						began := time.Now()
						f.Model.AnimalVisits(f.Animals[1].ID, zootour.Query{})
						if guess := time.Duration(q.scans(f.Model, r, 1)) * time.Since(began); guess > time.Second {
							b.Skipf("one call would take about %v", guess)
						}
						for b.Loop() {
							runtime.KeepAlive(q.teach(f.Model, r))
						}
					})
					for _, kind := range StoreNames {
						b.Run(kind, func(b *testing.B) {
							ww, ok := world.store(b, kind).store.(zootour.WhereWhen)
							if !ok {
								b.Skipf("the %s store does not implement zootour.WhereWhen", kind)
							}
							for b.Loop() {
								if _, err := q.ask(ctx, ww, r); err != nil {
									b.Fatal(err)
								}
							}
						})
					}
				})
			}
		})
	}
}

// BenchmarkPages asks each store for the pages and searches of the
// report, the single-record lookup first.
func BenchmarkPages(b *testing.B) {
	ctx := context.Background()
	for _, kind := range StoreNames {
		b.Run(kind, func(b *testing.B) {
			rows := world.getPages(b)
			s := world.store(b, kind).store
			for _, row := range rows {
				b.Run(strings.NewReplacer(", ", "_", " ", "_").Replace(row.Question), func(b *testing.B) {
					got, err := row.ask(ctx, s)
					if err != nil {
						b.Fatal(err)
					}
					if d := sameAnswer(row.answer, got); d != "" {
						b.Fatal(d)
					}
					for b.Loop() {
						if _, err := row.ask(ctx, s); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

// BenchmarkFirstPages asks each store for the where-and-when first pages
// of the report and their units.
func BenchmarkFirstPages(b *testing.B) {
	ctx := context.Background()
	for _, kind := range StoreNames {
		b.Run(kind, func(b *testing.B) {
			rows := world.getFirstPages(b)
			s := world.store(b, kind).store
			for _, row := range rows {
				b.Run(strings.NewReplacer(" ", "_").Replace(row.Question), func(b *testing.B) {
					got, err := row.ask(ctx, s)
					if err != nil {
						b.Fatal(err)
					}
					if d := sameAnswer(row.answer, got); d != "" {
						b.Fatal(d)
					}
					for b.Loop() {
						if _, err := row.ask(ctx, s); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

// BenchmarkWrites creates and deletes a visit of the typical and the busy
// animal through each store and through the plain statements; ns/op is per
// pair, two writes.
func BenchmarkWrites(b *testing.B) {
	ctx := context.Background()
	for _, kind := range StoreNames {
		b.Run(kind, func(b *testing.B) {
			f := world.getFixture(b)
			fs := world.store(b, kind)
			plain, err := openPlainWriter(ctx, kind, fs.where, fs.limits)
			if err != nil {
				b.Fatal(err)
			}
			defer plain.close()
			for _, row := range f.writeRows() {
				v := row.Visit
				b.Run(row.Record.Role, func(b *testing.B) {
					b.Run("store", func(b *testing.B) {
						for b.Loop() {
							got, err := fs.store.CreateVisit(ctx, v)
							if err == nil {
								err = fs.store.DeleteVisit(ctx, got.ID)
							}
							if err != nil {
								b.Fatal(err)
							}
						}
					})
					b.Run("plain", func(b *testing.B) {
						for b.Loop() {
							if err := plain.insertDelete(ctx, v); err != nil {
								b.Fatal(err)
							}
						}
					})
				})
			}
		})
	}
}

// BenchmarkImport imports the fixture into a fresh store per iteration and
// reports visits per second.
func BenchmarkImport(b *testing.B) {
	ctx := context.Background()
	for _, kind := range StoreNames {
		b.Run(kind, func(b *testing.B) {
			f := world.getFixture(b)
			world.store(b, kind) // skips PostgreSQL without a database
			var total time.Duration
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				world.mu.Lock()
				where, err := world.location(ctx, kind, fmt.Sprintf("import-%d", i))
				world.mu.Unlock()
				if err != nil {
					b.Fatal(err)
				}
				s, err := openStore(ctx, kind, where)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				began := time.Now()
				if err := s.Import(ctx, generate.Source(f.Gen)); err != nil {
					b.Fatal(err)
				}
				total += time.Since(began)
				b.StopTimer()
				s.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(f.Gen.Visits)*float64(b.N)/total.Seconds(), "visits/s")
		})
	}
}

// BenchmarkExport exports every record to a sink that counts them.
func BenchmarkExport(b *testing.B) {
	ctx := context.Background()
	for _, kind := range StoreNames {
		b.Run(kind, func(b *testing.B) {
			s := world.store(b, kind).store
			n := world.getFixture(b).Gen.Visits
			for b.Loop() {
				if err := s.Export(ctx, &counter{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "visits/s")
		})
	}
}

// BenchmarkHTTP serves each store and loads it with 8 clients asking for
// the first page of the busy zoo's animals, b.N requests in all.
func BenchmarkHTTP(b *testing.B) {
	ctx := context.Background()
	for _, kind := range StoreNames {
		b.Run(kind, func(b *testing.B) {
			s := world.store(b, kind).store
			busy := world.getFixture(b).Zoos[0]
			path := fmt.Sprintf("/api/zoos/%d/animals?limit=100", busy.ID)
			res, err := LoadHTTP(ctx, s, path, min(100, busy.Visits), 8, max(b.N, 8))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(res.PerSecond, "req/s")
			b.ReportMetric(float64(res.P99.Microseconds()), "p99-µs")
		})
	}
}
