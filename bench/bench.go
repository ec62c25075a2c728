// Package bench measures zootour's SQL stores, SQLite and PostgreSQL
// (issue 7): every relationship question on a busy and a typical record,
// the where-and-when questions and their first pages, pages and searches
// of the listings, the write of one visit, import and export rates with
// peak memory, disk per visit, and the HTTP API under concurrent load,
// each beside baselines measured in the same run, so that every figure is
// also a ratio:
//
//   - the teaching model (package teaching), which scans every visit: how
//     many times faster each store is, and the answer each must give;
//   - the limit, the least work that gives the same answer (limit.go): how
//     many times the limit each store takes;
//   - for pages and searches, a lookup of one record by ID in the same
//     store (pages.go);
//   - for the where-and-when first pages, the first page of the busy
//     animal's or zoo's visits (firstpages.go);
//   - for a write, the plain insert and delete of the visit with no stays,
//     and for an import, itself less its fill of the stays (writes.go).
//
// Run measures a set of sizes and returns a Report, which writes
// BENCHMARKS.md and the latency chart (see cmd/benchreport). The go test
// benchmarks of this package (bench_test.go) measure the same questions at
// a small size for quick comparisons.
package bench

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/generate"
)

// Config says what Run measures and how.
type Config struct {
	Sizes  []int    // numbers of visits, in increasing order
	Stores []string // some of StoreNames
	// Postgres is the URL of a database in which Run creates, and drops at
	// the end, a schema of its own per import; empty skips PostgreSQL.
	Postgres string
	// Dir holds the SQLite files (a temporary folder if empty).
	Dir   string
	Timer Timer
	// ImportReps is how many times each import and export runs (the median
	// counts) for sizes up to 10^6 visits; larger sizes run once.
	ImportReps int
	// HTTPClients goroutines send HTTPRequests requests in all.
	HTTPClients, HTTPRequests int
	// TeachingBudget is the longest a teaching-model call of a
	// where-and-when question may be expected to take; longer ones are
	// not run but estimated from the time of one scan of every visit.
	TeachingBudget time.Duration
	// VisitsPerAnimal sets how many animals a size has (see Dataset); 0
	// for DefaultVisitsPerAnimal.
	VisitsPerAnimal int `json:",omitempty"`
	// Log receives progress lines (nothing if nil).
	Log io.Writer `json:"-"`
}

// DefaultConfig returns the settings of the full run.
func DefaultConfig() Config {
	return Config{
		Sizes:          []int{10_000, 1_000_000},
		Stores:         StoreNames,
		Postgres:       os.Getenv("ZOOTOUR_TEST_POSTGRES"),
		Timer:          Timer{Reps: 7, MinSample: 5 * time.Millisecond, Slow: 250 * time.Millisecond},
		ImportReps:     3,
		HTTPClients:    8,
		HTTPRequests:   4000,
		TeachingBudget: 3 * time.Second,
	}
}

// A Report holds the results of a run.
type Report struct {
	Config  Config
	Machine Machine
	Started time.Time
	Took    time.Duration
	Sizes   []*SizeResult
	Notes   []string // what was not run, and why
}

// SizeResult holds the results at one size.
type SizeResult struct {
	Visits   int
	Gen      generate.Config
	Records  []Record // busy and typical zoo and animal, and the census date
	CSVBytes float64  // per visit, of visits.csv
	Rels     []*RelRow
	Where    []*WhereRow
	Pages    []*PageRow `json:",omitempty"`
	// FirstPages are the where-and-when first pages and their units
	// (firstpages.go), Writes the writes of one visit (writes.go).
	FirstPages []*FirstPageRow `json:",omitempty"`
	Writes     []*WriteRow     `json:",omitempty"`
	Stores     map[string]*StoreResult
}

// A RelRow is one relationship question about one record.
type RelRow struct {
	Question Question
	Record   Record
	Rows     int           // the size of the answer
	Teaching time.Duration // the teaching model's time
	Store    map[string]*Timing
	answer   any // the teaching model's
}

// A Timing is a store's time for a question and its limit's.
type Timing struct {
	Time, Limit time.Duration
	LimitName   string // which limit query was fastest (SQL stores)
	LimitSQL    string
	Wrong       string // set if the store's answer differed
}

// A WhereRow is one where-and-when question about one record.
type WhereRow struct {
	Question  string
	Record    Record
	Rows      int
	Teaching  time.Duration
	Estimated bool // the teaching time is an estimate (see TeachingBudget)
	Store     map[string]*Timing
	answer    any // the teaching model's, or else the first store's
}

// StoreResult holds what was measured of one store at one size.
type StoreResult struct {
	Imports    []float64 // visits/s of each import
	ImportRate float64   // the median
	ImportPeak int64     // bytes, the largest peak RSS of the imports
	// StaysFill is the median time of the import's last step, writing
	// every stay from the visits, replayed: its share (timeStaysFill).
	StaysFill  time.Duration `json:",omitempty"`
	ExportRate float64
	ExportPeak int64
	// DownloadRate is the visits a second of the CSV download of every
	// visit through the API, CSVExportRate those of the export to the data
	// files, and the peaks their processes' (download.go).
	DownloadRate, CSVExportRate float64 `json:",omitempty"`
	DownloadPeak, CSVExportPeak int64   `json:",omitempty"`
	// CSVImport is the seconds of the command line's import of the data
	// files (SQLite), ShellImport the sqlite3 shell's of the same files,
	// medians (shell.go).
	CSVImport, ShellImport float64 `json:",omitempty"`
	OpenPeak               int64   // bytes: the peak RSS of a process that only opens the store
	// DiskPerVisit is the visits table and its indexes per visit, and
	// FilePerVisit the whole database (file or schema) per visit.
	DiskPerVisit, FilePerVisit float64
	// LogPerEntry is the bytes the change log grows by per entry.
	LogPerEntry float64 `json:",omitempty"`
	HTTP        HTTPResult
	Direct      time.Duration // the HTTP page asked of the store directly
	Plans       []PlanPair
	PagePlans   []Plan `json:",omitempty"` // of the page questions findsql builds
	WhereNote   string // why the where-and-when questions did not run
}

// A PlanPair is the plan of a store's query and of its limit's.
type PlanPair struct {
	Store, Limit Plan
}

func (c *Config) logf(format string, args ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
	}
}

// retiredNote says why the memory store has no figures; every report
// ends with it (Report.notes).
const retiredNote = "The memory store: retired. `memory:` now opens SQLite in memory (`sqlite.Open(ctx, sqlite.Memory)`), the same code as the SQLite store measured here, so it has no figures of its own."

// Run measures every size and store of cfg.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	rep := &Report{Config: cfg, Started: time.Now()}
	if cfg.Dir == "" {
		dir, err := os.MkdirTemp("", "zootour-bench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		cfg.Dir = dir
	}
	rep.Machine = machine(ctx, cfg)
	if slices.Contains(cfg.Stores, Postgres) && cfg.Postgres == "" {
		rep.Notes = append(rep.Notes, "PostgreSQL was not measured: set ZOOTOUR_TEST_POSTGRES to a database URL.")
	}
	for _, kind := range cfg.Stores {
		if !slices.Contains(StoreNames, kind) {
			return nil, fmt.Errorf("bench: no store %q (the stores are %v)", kind, StoreNames)
		}
	}
	for _, n := range cfg.Sizes {
		sr, err := runSize(ctx, &cfg, n)
		if err != nil {
			return nil, fmt.Errorf("%d visits: %w", n, err)
		}
		rep.Sizes = append(rep.Sizes, sr)
	}
	rep.Took = time.Since(rep.Started)
	return rep, nil
}

// runSize measures every store at n visits.
func runSize(ctx context.Context, cfg *Config, n int) (*SizeResult, error) {
	cfg.logf("%d visits: generating", n)
	f, err := NewFixture(Dataset(n, cfg.VisitsPerAnimal))
	if err != nil {
		return nil, err
	}
	sr := &SizeResult{
		Visits: n, Gen: f.Gen, Stores: map[string]*StoreResult{},
		Records:  append(append(slices.Clone(f.Zoos), f.Animals...), f.Census),
		CSVBytes: float64(f.CSVBytes) / float64(n),
	}
	cfg.logf("%d visits: teaching model", n)
	if err := teach(cfg, f, sr); err != nil {
		return nil, err
	}
	for _, kind := range cfg.Stores {
		if kind == Postgres && cfg.Postgres == "" {
			continue
		}
		res, err := measureStore(ctx, cfg, f, sr, kind)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", kind, err)
		}
		sr.Stores[kind] = res
	}
	return sr, nil
}

// teach fills in the rows with the teaching model's answers and times.
func teach(cfg *Config, f *Fixture, sr *SizeResult) error {
	m := f.Model
	var scan time.Duration // one scan of every visit: a typical animal's visits
	for _, q := range Questions() {
		for _, r := range f.records(q.Owner()) {
			row := &RelRow{Question: q, Record: r, Store: map[string]*Timing{}}
			row.answer = q.Teach(m, r)
			row.Rows = size(row.answer)
			t, err := cfg.Timer.Time(func() error { runtime.KeepAlive(q.Teach(m, r)); return nil })
			if err != nil {
				return err
			}
			row.Teaching = t
			if q.rel == animalVisits && !q.Windowed && r.Role == "typical" {
				scan = t
			}
			sr.Rels = append(sr.Rels, row)
		}
	}
	for _, q := range WhereQuestions() {
		for _, r := range f.records(q.Owner) {
			row := &WhereRow{Question: q.Name, Record: r, Store: map[string]*Timing{}}
			stays := 0
			if r.Owner == "animal" {
				stays = len(m.Stays(r.ID))
			}
			guess := time.Duration(q.scans(m, r, stays)) * scan
			if guess > cfg.TeachingBudget {
				row.Teaching, row.Estimated = guess, true
			} else {
				row.answer = q.teach(m, r)
				row.Rows = size(row.answer)
				t, err := cfg.Timer.Time(func() error { runtime.KeepAlive(q.teach(m, r)); return nil })
				if err != nil {
					return err
				}
				row.Teaching = t
			}
			sr.Where = append(sr.Where, row)
		}
	}
	sr.Pages = f.pageRows()
	sr.FirstPages = f.firstPageRows()
	sr.Writes = f.writeRows()
	return nil
}

// sameAnswer returns a description of how got differs from want, or "".
func sameAnswer(want, got any) string {
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		const most = 600
		if len(d) > most {
			d = d[:most] + "..."
		}
		return "wrong answer (-want +got): " + d
	}
	return ""
}

// location is where one import of a store goes, and how to remove it.
type location struct {
	where  string
	remove func() error
}

func newLocation(ctx context.Context, cfg *Config, kind string, n, rep int) (location, error) {
	switch kind {
	case SQLite:
		path := filepath.Join(cfg.Dir, fmt.Sprintf("bench-%d-%d.db", n, rep))
		return location{where: path, remove: func() error {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				if err := os.Remove(path + suffix); err != nil && !os.IsNotExist(err) {
					return err
				}
			}
			return nil
		}}, nil
	case Postgres:
		url, drop, err := NewSchema(ctx, cfg.Postgres)
		return location{where: url, remove: drop}, err
	}
	return location{}, fmt.Errorf("bench: no store %q", kind)
}

// measureStore imports the data set into a store and measures it.
func measureStore(ctx context.Context, cfg *Config, f *Fixture, sr *SizeResult, kind string) (_ *StoreResult, err error) {
	n := f.Gen.Visits
	res := &StoreResult{}
	reps := cfg.ImportReps
	if n > 1_000_000 {
		reps = 1
	}
	reps = max(reps, 1)

	// Import in child processes, each into a fresh file or schema; the
	// last one stays for the questions.
	var loc location
	defer func() {
		if loc.remove != nil {
			err = joinErr(err, loc.remove())
		}
	}()
	var peaks []int64
	for i := range reps {
		if loc.remove != nil {
			if err := loc.remove(); err != nil {
				return nil, err
			}
		}
		if loc, err = newLocation(ctx, cfg, kind, n, i); err != nil {
			return nil, err
		}
		if i == 0 {
			if _, res.OpenPeak, err = inChild(ctx, childJob{Op: "open", Store: kind, Where: loc.where}); err != nil {
				return nil, err
			}
		}
		cfg.logf("%d visits: %s: import %d of %d", n, kind, i+1, reps)
		cr, peak, err := inChild(ctx, childJob{Op: "import", Store: kind, Where: loc.where, Gen: f.Gen})
		if err != nil {
			return nil, err
		}
		res.Imports = append(res.Imports, float64(cr.Visits)/cr.Seconds)
		peaks = append(peaks, peak)
	}
	res.ImportRate = medianFloat(res.Imports)
	res.ImportPeak = slices.Max(peaks)
	if kind == SQLite {
		cfg.logf("%d visits: %s: import of the data files, and the sqlite3 shell's", n, kind)
		if err := measureCSVImport(ctx, cfg, f.Gen, reps, res); err != nil {
			return nil, err
		}
	}

	if kind == Postgres {
		// The state autovacuum leaves the tables in within a minute of a
		// large import: statistics for the planner, and a visibility map
		// that lets index-only scans skip the table.
		if err := pgExec(ctx, loc.where, pgVacuum); err != nil {
			return nil, err
		}
	}
	s, err := openStore(ctx, kind, loc.where)
	if err != nil {
		return nil, err
	}
	defer func() { err = joinErr(err, s.Close()) }()

	var limits *limitDB
	if kind == SQLite {
		limits, err = openSQLiteLimit(ctx, loc.where)
	} else {
		limits, err = openPostgresLimit(ctx, loc.where)
	}
	if err != nil {
		return nil, err
	}
	defer limits.close()
	if res.DiskPerVisit, res.FilePerVisit, err = limits.diskPerVisit(ctx, loc.where, n); err != nil {
		return nil, err
	}
	// After the sizes on disk: SQLite's replay grows its log.
	cfg.logf("%d visits: %s: the stays' share of the import", n, kind)
	if res.StaysFill, err = timeStaysFill(ctx, s, kind, loc.where, limits, n, reps); err != nil {
		return nil, err
	}

	cfg.logf("%d visits: %s: relationship questions", n, kind)
	for _, row := range sr.Rels {
		t, err := timeRelation(ctx, cfg, s, limits, row)
		if err != nil {
			return nil, fmt.Errorf("%s about %s %d: %w", row.Question.Name(), row.Record.Owner, row.Record.ID, err)
		}
		row.Store[kind] = t
	}

	cfg.logf("%d visits: %s: where and when", n, kind)
	if ww, ok := s.(zootour.WhereWhen); !ok {
		res.WhereNote = "does not implement zootour.WhereWhen yet"
	} else {
		for _, q := range WhereQuestions() {
			for _, row := range sr.Where {
				if row.Question != q.Name {
					continue
				}
				t, err := timeWhere(ctx, cfg, ww, q, row)
				if err != nil {
					return nil, fmt.Errorf("%s about %s %d: %w", q.Name, row.Record.Owner, row.Record.ID, err)
				}
				row.Store[kind] = t
			}
		}
	}

	cfg.logf("%d visits: %s: where and when, first pages", n, kind)
	if err := timeAlternating(ctx, cfg, s, kind, sr.FirstPages); err != nil {
		return nil, err
	}

	cfg.logf("%d visits: %s: pages and searches", n, kind)
	if err := timeAlternating(ctx, cfg, s, kind, sr.Pages); err != nil {
		return nil, err
	}

	cfg.logf("%d visits: %s: export", n, kind)
	if err := measureExport(ctx, kind, loc.where, n, reps, res); err != nil {
		return nil, err
	}

	cfg.logf("%d visits: %s: CSV download and export", n, kind)
	if err := measureDownload(ctx, kind, loc.where, n, min(reps, 3), res); err != nil {
		return nil, err
	}

	cfg.logf("%d visits: %s: HTTP", n, kind)
	busy := f.Zoos[0]
	path := fmt.Sprintf("/api/zoos/%d/animals?limit=100", busy.ID)
	if res.HTTP, err = LoadHTTP(ctx, s, path, min(100, busy.Visits), cfg.HTTPClients, cfg.HTTPRequests); err != nil {
		return nil, err
	}
	if res.Direct, err = cfg.Timer.Time(func() error {
		_, err := s.ZooAnimals(ctx, busy.ID, zootour.Query{Limit: 101})
		return err
	}); err != nil {
		return nil, err
	}

	cfg.logf("%d visits: %s: plans", n, kind)
	if res.Plans, err = limits.plans(ctx, sr); err != nil {
		return nil, err
	}
	if res.PagePlans, err = limits.pagePlans(ctx, sr); err != nil {
		return nil, err
	}

	// Last, so that no figure above is taken after writes.
	cfg.logf("%d visits: %s: writes", n, kind)
	plain, err := openPlainWriter(ctx, kind, loc.where, limits)
	if err != nil {
		return nil, err
	}
	defer plain.close()
	if err := timeWrites(ctx, cfg, f, s, kind, plain, sr.Writes); err != nil {
		return nil, err
	}
	if len(sr.Writes) > 0 {
		if res.LogPerEntry, err = logGrowth(ctx, s, limits, sr.Writes[0]); err != nil {
			return nil, fmt.Errorf("the log's growth: %w", err)
		}
	}
	return res, nil
}

// pgVacuum readies PostgreSQL's tables after an import, as autovacuum
// would: the words tables too, which the searches read, and the stays,
// which the where-and-when questions read.
const pgVacuum = "VACUUM ANALYZE zoos, animals, visits, stays"

// timeRelation checks a store's answer to a relationship question, and
// its limit's, and times them, their samples alternating.
func timeRelation(ctx context.Context, cfg *Config, s zootour.Store, limits *limitDB, row *RelRow) (*Timing, error) {
	q, r := row.Question, row.Record
	got, err := q.Ask(ctx, s, r)
	if err != nil {
		return nil, err
	}
	t := &Timing{Wrong: sameAnswer(row.answer, got)}
	fs := []func() error{func() error { _, err := q.Ask(ctx, s, r); return err }}
	var names []LimitQuery
	args := limitArgs(q, r)
	for _, lq := range LimitQueries(limits.dialect, q) {
		run, done, err := limits.prepare(ctx, q, lq.SQL)
		if err != nil {
			return nil, err
		}
		defer done()
		got, err := run(ctx, args)
		if err != nil {
			return nil, fmt.Errorf("limit query %q: %w", lq.Name, err)
		}
		if d := sameAnswer(row.answer, got); d != "" {
			return nil, fmt.Errorf("limit query %q: %s", lq.Name, d)
		}
		names = append(names, lq)
		fs = append(fs, func() error { _, err := run(ctx, args); return err })
	}
	ts, err := cfg.Timer.TimeEach(fs...)
	if err != nil {
		return nil, err
	}
	t.Time = ts[0]
	for i, lq := range names {
		if lt := ts[i+1]; t.LimitName == "" || lt < t.Limit {
			t.Limit, t.LimitName, t.LimitSQL = lt, lq.Name, lq.SQL
		}
	}
	return t, nil
}

// timeWhere checks a store's answer to a where-and-when question and
// times it.
func timeWhere(ctx context.Context, cfg *Config, s zootour.WhereWhen, q WhereQuestion, row *WhereRow) (*Timing, error) {
	got, err := q.ask(ctx, s, row.Record)
	if err != nil {
		return nil, err
	}
	t := &Timing{}
	if row.answer == nil {
		// No teaching answer (too slow to compute): the first store's
		// answer is the one the others must give.
		row.answer, row.Rows = got, size(got)
	} else {
		t.Wrong = sameAnswer(row.answer, got)
	}
	t.Time, err = cfg.Timer.Time(func() error { _, err := q.ask(ctx, s, row.Record); return err })
	return t, err
}

// measureExport measures the export rate and its peak memory in child
// processes.
func measureExport(ctx context.Context, kind, where string, n, reps int, res *StoreResult) error {
	var rates []float64
	for range reps {
		cr, peak, err := inChild(ctx, childJob{Op: "export", Store: kind, Where: where})
		if err != nil {
			return err
		}
		if cr.Visits != int64(n) {
			return fmt.Errorf("export wrote %d visits, want %d", cr.Visits, n)
		}
		rates = append(rates, float64(n)/cr.Seconds)
		res.ExportPeak = max(res.ExportPeak, peak)
	}
	res.ExportRate = medianFloat(rates)
	return nil
}

func medianFloat(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	xs = slices.Clone(xs)
	slices.Sort(xs)
	return xs[(len(xs)-1)/2]
}

func joinErr(err, more error) error {
	if err == nil {
		return more
	}
	return err
}

// limitDB is a connection to a SQL store's database with no zootour code
// in between, for the limit queries, the plans and the sizes on disk.
type limitDB struct {
	dialect string
	db      *sql.DB       // SQLite
	pool    *pgxpool.Pool // PostgreSQL
}

func (l *limitDB) close() {
	if l.db != nil {
		l.db.Close()
	}
	if l.pool != nil {
		l.pool.Close()
	}
}

// prepare readies a limit query and returns how to run it and release it.
func (l *limitDB) prepare(ctx context.Context, q Question, text string) (limitRunner, func(), error) {
	if l.db != nil {
		return sqliteLimit(ctx, l.db, q, text)
	}
	return postgresLimit(l.pool, q, text), func() {}, nil
}

// plans explains the store's query and the limit's for every question on
// every record.
func (l *limitDB) plans(ctx context.Context, sr *SizeResult) ([]PlanPair, error) {
	var out []PlanPair
	for _, row := range sr.Rels {
		t := row.Store[l.dialect]
		text, args := storeSQL(l.dialect, row.Question, row.Record)
		var pp PlanPair
		var err error
		if pp.Store, err = l.explain(ctx, text, args, row.Record.Visits); err != nil {
			return nil, err
		}
		if pp.Limit, err = l.explain(ctx, t.LimitSQL, limitArgs(row.Question, row.Record), row.Record.Visits); err != nil {
			return nil, err
		}
		for _, p := range []*Plan{&pp.Store, &pp.Limit} {
			p.Question, p.Record = row.Question.Name(), row.Record.Label()
		}
		out = append(out, pp)
	}
	return out, nil
}

func (l *limitDB) explain(ctx context.Context, text string, args []any, recordVisits int) (Plan, error) {
	if l.db != nil {
		return explainSQLite(ctx, l.db, text, args)
	}
	return explainPostgres(ctx, l.pool, text, args, relationTypes[:len(args)], func(p *Plan, n pgPlanNode, which string) {
		p.check(n, which, recordVisits)
	})
}
