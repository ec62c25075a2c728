package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/generate"
	"github.com/zootour/zootour/internal/pgserver"
	"github.com/zootour/zootour/postgres"
)

// PostgreSQL past one machine (issue 17; README, "How it scales past one
// machine"): the API's reads per second under 8 to 64 clients on the
// primary alone and with a streaming replica taking the reads
// (docs/replicas.md), and the relationship questions and the where-and-when
// first pages on visits partitioned by animal and not
// (docs/partitioning.md). Both run on a primary and a replica of the
// run's own (package internal/pgserver), so that replication need not be
// allowed on the machine's server.

// The load layouts and the table layouts, as the results name them.
const (
	loadPrimary       = "primary alone"
	loadReplica       = "with the replica"
	layoutPlain       = "plain"
	layoutPartitioned = "partitioned"
)

var (
	loadLayouts  = []string{loadPrimary, loadReplica}
	tableLayouts = []string{layoutPlain, layoutPartitioned}
)

// A ScalingConfig says what Scaling measures and how.
type ScalingConfig struct {
	Visits          int
	VisitsPerAnimal int   // 0 for DefaultVisitsPerAnimal (see Dataset)
	Clients         []int // concurrent API clients, one load run each per layout
	// Warmup runs the load uncounted before each run of PerPoint.
	Warmup, PerPoint time.Duration
	Partitions       int   // of the partitioned layout
	Timer            Timer // for the questions
	Log              io.Writer
}

// DefaultScalingConfig returns the settings of the full run, at 10^6
// visits: the 10^7 is a -visits of bench/cmd/scaling.
func DefaultScalingConfig() ScalingConfig {
	return ScalingConfig{
		Visits:     1_000_000,
		Clients:    []int{8, 16, 32, 64},
		Warmup:     3 * time.Second,
		PerPoint:   15 * time.Second,
		Partitions: postgres.DefaultPartitions,
		Timer:      DefaultConfig().Timer,
	}
}

func (c *ScalingConfig) logf(format string, args ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, "%s scaling: "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
	}
}

// A ScalingResult is what Scaling measured.
type ScalingResult struct {
	Config  ScalingConfig
	Gen     generate.Config
	Machine Machine
	Took    time.Duration
	Load    []*LoadPoint
	// Rels and FirstPages hold each question's timings by table layout.
	Rels       []*RelRow
	FirstPages []*FirstPageRow
	Layouts    map[string]*TableLayout
}

// A LoadPoint is one load run: a layout under a number of clients.
type LoadPoint struct {
	Layout  string
	Clients int
	// Requests were answered 200 in the run; Failed otherwise, or not at
	// all, the first of them as Failure.
	Requests, Failed int
	Failure          string
	PerSecond        float64
	P50, P99         time.Duration
	// Where the store sent its reads during the run (with the replica
	// only: zootour.ReplicaStatus).
	ReplicaReads, OwnWriteReads, FallbackReads uint64
}

// A TableLayout is what one table layout cost besides its questions.
type TableLayout struct {
	Import   time.Duration // Store.Import of the data set into the empty schema, once
	PerVisit float64       // bytes of the schema's tables and indexes per visit
}

// Scaling starts a primary and a replica, imports the data set into a
// plain and a partitioned schema on the primary, and measures both parts.
// Its error matches pgserver.ErrUnavailable where the machine cannot run
// the servers; a result beside an error is a run measured whose servers
// could not be removed.
func Scaling(ctx context.Context, cfg ScalingConfig) (_ *ScalingResult, err error) {
	began := time.Now()
	cfg.logf("%d visits: generating", cfg.Visits)
	f, err := NewFixture(Dataset(cfg.Visits, cfg.VisitsPerAnimal))
	if err != nil {
		return nil, err
	}
	cfg.logf("starting a primary and a streaming replica")
	rep, err := pgserver.NewReplication()
	if err != nil {
		return nil, fmt.Errorf("bench: a primary and a replica: %w", err)
	}
	defer func() { err = errors.Join(err, rep.Remove()) }()
	res := &ScalingResult{Config: cfg, Gen: f.Gen, Layouts: map[string]*TableLayout{},
		Machine: machine(ctx, Config{Postgres: rep.Primary.URL})}

	urls := map[string]string{}
	for _, layout := range tableLayouts {
		// The schemas go with the servers: no drop.
		u, _, err := NewSchema(ctx, rep.Primary.URL)
		if err != nil {
			return nil, err
		}
		var opts []postgres.Option
		if layout == layoutPartitioned {
			opts = append(opts, postgres.WithPartitionedVisits(cfg.Partitions))
		}
		cfg.logf("%d visits: import into the %s schema", cfg.Visits, layout)
		took, err := importSchema(ctx, u, f.Gen, opts...)
		if err != nil {
			return nil, fmt.Errorf("bench: the %s import: %w", layout, err)
		}
		urls[layout], res.Layouts[layout] = u, &TableLayout{Import: took}
	}
	cfg.logf("waiting for the replica to replay the imports")
	if err := rep.WaitReplayed(ctx); err != nil {
		return nil, err
	}
	replicaURL, err := onReplica(urls[layoutPlain], rep.Replica.URL)
	if err != nil {
		return nil, err
	}
	if res.Load, err = measureLoad(ctx, &cfg, f, urls[layoutPlain], replicaURL); err != nil {
		return nil, err
	}
	if err := measureLayouts(ctx, &cfg, f, urls, res); err != nil {
		return nil, err
	}
	res.Took = time.Since(began)
	return res, nil
}

// importSchema imports the data set into the empty schema at u, opened
// with opts, and readies it as measureStore does (pgVacuum). It returns
// the import's time, without the store's opening.
func importSchema(ctx context.Context, u string, gen generate.Config, opts ...postgres.Option) (time.Duration, error) {
	s, err := postgres.Open(ctx, u, opts...)
	if err != nil {
		return 0, err
	}
	began := time.Now()
	err = s.Import(ctx, generate.Source(gen))
	took := time.Since(began)
	if err = errors.Join(err, s.Close()); err != nil {
		return 0, err
	}
	return took, pgExec(ctx, u, pgVacuum)
}

// onReplica returns the replica's URL with the primary URL's schema
// (search_path) and the connect_timeout docs/replicas.md asks for.
func onReplica(primary, replica string) (string, error) {
	p, err := url.Parse(primary)
	if err != nil {
		return "", fmt.Errorf("bench: the primary's URL: %w", err)
	}
	r, err := url.Parse(replica)
	if err != nil {
		return "", fmt.Errorf("bench: the replica's URL: %w", err)
	}
	q := r.Query()
	q.Set("search_path", p.Query().Get("search_path"))
	q.Set("connect_timeout", "2")
	r.RawQuery = q.Encode()
	return r.String(), nil
}

// loadMix is what each load client asks, in turn, each about a visit
// drawn at random from the data set: so zoos and animals come up as often
// as they have visits, and the listings are first pages (the API's
// default page).
var loadMix = []struct {
	name string
	path func(v zootour.Visit) string
}{
	{"the zoos", func(zootour.Visit) string { return "/api/zoos" }},
	{"a zoo's visits", func(v zootour.Visit) string { return fmt.Sprintf("/api/zoos/%d/visits", v.ZooID) }},
	{"an animal's itinerary", func(v zootour.Visit) string { return fmt.Sprintf("/api/animals/%d/itinerary", v.AnimalID) }},
	{"where the animal was on the visit's date", func(v zootour.Visit) string {
		return fmt.Sprintf("/api/animals/%d/where?on=%s", v.AnimalID, v.Date)
	}},
	{"the visit by ID", func(v zootour.Visit) string { return fmt.Sprintf("/api/visits/%d", v.ID) }},
	{"who was at the zoo on its date", func(v zootour.Visit) string {
		return fmt.Sprintf("/api/zoos/%d/present?on=%s", v.ZooID, v.Date)
	}},
}

// replicaStatus returns the store's replica status; zero without one.
func (a *apiServer) replicaStatus() zootour.ReplicaStatus {
	r, ok := a.store.(zootour.Replicated)
	if !ok {
		return zootour.ReplicaStatus{}
	}
	st, _ := r.ReplicaStatus()
	return st
}

// measureLoad runs the load on the plain schema at primaryURL through a
// store on the primary alone and one that reads from the replica, for
// every number of clients, the two layouts one after the other at each.
func measureLoad(ctx context.Context, cfg *ScalingConfig, f *Fixture, primaryURL, replicaURL string) (_ []*LoadPoint, err error) {
	most := slices.Max(cfg.Clients)
	servers := map[string]*apiServer{}
	defer func() {
		for _, srv := range servers {
			srv.stop()
			err = errors.Join(err, srv.store.Close())
		}
	}()
	for _, layout := range loadLayouts {
		var opts []postgres.Option
		if layout == loadReplica {
			opts = append(opts, postgres.WithReadReplica(replicaURL))
		}
		s, err := postgres.Open(ctx, primaryURL, opts...)
		if err != nil {
			return nil, fmt.Errorf("bench: the store %s: %w", layout, err)
		}
		srv, err := serveAPI(ctx, s, most)
		if err != nil {
			return nil, errors.Join(err, s.Close())
		}
		servers[layout] = srv
	}
	if err := replicaTakesReads(ctx, servers[loadReplica], f.Model.Visits); err != nil {
		return nil, err
	}
	var points []*LoadPoint
	for _, clients := range cfg.Clients {
		for _, layout := range loadLayouts {
			cfg.logf("%d visits: API load, %d clients, %s", cfg.Visits, clients, layout)
			p, err := loadPoint(ctx, cfg, servers[layout], f.Model.Visits, clients)
			if err != nil {
				return nil, fmt.Errorf("bench: %d clients %s: %w", clients, layout, err)
			}
			p.Layout = layout
			points = append(points, p)
		}
	}
	return points, nil
}

// replicaTakesReads drives a little load until the replica has served a
// read. A store just opened reads on the primary until the replica has
// replayed what was there before it (docs/replicas.md), at most the lag
// bound and a second.
func replicaTakesReads(ctx context.Context, srv *apiServer, visits []zootour.Visit) error {
	client := &http.Client{Timeout: time.Minute}
	within := postgres.DefaultMaxReplicaLag + 5*time.Second
	for deadline := time.Now().Add(within); time.Now().Before(deadline); {
		before := srv.replicaStatus().ReplicaReads
		d, err := drive(ctx, client, srv, visits, 1, 200*time.Millisecond, 0)
		switch {
		case err != nil:
			return err
		case d.failed > 0:
			return fmt.Errorf("bench: the API with the replica: %s", d.failure)
		case srv.replicaStatus().ReplicaReads > before:
			return nil
		}
	}
	st := srv.replicaStatus()
	return fmt.Errorf("bench: the replica served no read in %s: healthy %v, %s", within, st.Healthy, orDash(st.Reason))
}

// loadPoint runs the load of clients on srv: the warm-up, then the run
// that counts.
func loadPoint(ctx context.Context, cfg *ScalingConfig, srv *apiServer, visits []zootour.Visit, clients int) (*LoadPoint, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: time.Minute}
	// The same draws of visits for both layouts at a number of clients.
	seed := uint64(clients)
	if _, err := drive(ctx, client, srv, visits, clients, cfg.Warmup, seed); err != nil {
		return nil, err
	}
	before := srv.replicaStatus()
	d, err := drive(ctx, client, srv, visits, clients, cfg.PerPoint, seed+1)
	if err != nil {
		return nil, err
	}
	after := srv.replicaStatus()
	slices.Sort(d.lat)
	return &LoadPoint{
		Clients: clients, Requests: len(d.lat), Failed: d.failed, Failure: d.failure,
		PerSecond: float64(len(d.lat)) / d.took.Seconds(),
		P50:       percentile(d.lat, 50), P99: percentile(d.lat, 99),
		ReplicaReads:  after.ReplicaReads - before.ReplicaReads,
		OwnWriteReads: after.OwnWriteReads - before.OwnWriteReads,
		FallbackReads: after.FallbackReads - before.FallbackReads,
	}, nil
}

// driven is what a drive saw: the times of the requests answered 200, how
// many were not, and how long it ran.
type driven struct {
	lat     []time.Duration
	failed  int
	failure string
	took    time.Duration
}

// drive sends the load mix from clients goroutines, each request after the
// previous one of its goroutine is answered, until d has passed. Only a
// cancelled ctx is an error: a failed request is counted.
func drive(ctx context.Context, client *http.Client, srv *apiServer, visits []zootour.Visit, clients int, d time.Duration, seed uint64) (driven, error) {
	var mu sync.Mutex
	var out driven
	began := time.Now()
	deadline := began.Add(d)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(seed, uint64(c)))
			var lat []time.Duration
			failed, failure := 0, ""
			for i := c; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				path := loadMix[i%len(loadMix)].path(visits[r.IntN(len(visits))])
				t := time.Now()
				if err := srv.get(ctx, client, path); err != nil {
					if failure == "" {
						failure = err.Error()
					}
					failed++
					continue
				}
				lat = append(lat, time.Since(t))
			}
			mu.Lock()
			defer mu.Unlock()
			out.lat = append(out.lat, lat...)
			out.failed += failed
			if out.failure == "" {
				out.failure = failure
			}
		})
	}
	wg.Wait()
	out.took = time.Since(began)
	return out, ctx.Err()
}

// get asks srv for path with the viewer's token; anything but 200 is an
// error.
func (a *apiServer) get(ctx context.Context, client *http.Client, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	return nil
}

// measureLayouts times the relationship questions and the where-and-when
// first pages on each table layout, with bench's own measures
// (timeRelation, timeAlternating), each answer checked against the
// teaching model's.
func measureLayouts(ctx context.Context, cfg *ScalingConfig, f *Fixture, urls map[string]string, res *ScalingResult) error {
	cfg.logf("%d visits: the teaching model's answers", cfg.Visits)
	for _, q := range Questions() {
		for _, r := range f.records(q.Owner()) {
			row := &RelRow{Question: q, Record: r, Store: map[string]*Timing{}, answer: q.Teach(f.Model, r)}
			row.Rows = size(row.answer)
			res.Rels = append(res.Rels, row)
		}
	}
	res.FirstPages = f.firstPageRows()
	timing := &Config{Timer: cfg.Timer}
	for _, layout := range tableLayouts {
		if err := measureLayout(ctx, cfg, timing, urls[layout], layout, res); err != nil {
			return fmt.Errorf("bench: the %s layout: %w", layout, err)
		}
	}
	return nil
}

func measureLayout(ctx context.Context, cfg *ScalingConfig, timing *Config, u, layout string, res *ScalingResult) (err error) {
	s, err := postgres.Open(ctx, u)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, s.Close()) }()
	limits, err := openPostgresLimit(ctx, u)
	if err != nil {
		return err
	}
	defer limits.close()
	if _, res.Layouts[layout].PerVisit, err = limits.diskPerVisit(ctx, u, cfg.Visits); err != nil {
		return fmt.Errorf("the size on disk: %w", err)
	}
	cfg.logf("%d visits: %s: relationship questions", cfg.Visits, layout)
	for _, row := range res.Rels {
		t, err := timeRelation(ctx, timing, s, limits, row)
		if err != nil {
			return fmt.Errorf("%s about %s %d: %w", row.Question.Name(), row.Record.Owner, row.Record.ID, err)
		}
		row.Store[layout] = t
	}
	cfg.logf("%d visits: %s: where and when, first pages", cfg.Visits, layout)
	return timeAlternating(ctx, timing, s, layout, res.FirstPages)
}

// Wrong lists the answers of either table layout that differ from the
// teaching model's; empty when both gave the same answers.
func (r *ScalingResult) Wrong() []string {
	var out []string
	for _, layout := range tableLayouts {
		for _, row := range r.Rels {
			if t := row.Store[layout]; t != nil && t.Wrong != "" {
				out = append(out, fmt.Sprintf("%s: %s about the %s: %s", layout, row.Question.Name(), row.Record.Label(), t.Wrong))
			}
		}
		for _, row := range r.FirstPages {
			if t := row.Store[layout]; t != nil && t.Wrong != "" {
				out = append(out, fmt.Sprintf("%s: %s: %s", layout, row.Asked, t.Wrong))
			}
		}
	}
	return out
}

// Failed is the number of load requests not answered 200.
func (r *ScalingResult) Failed() int {
	n := 0
	for _, p := range r.Load {
		n += p.Failed
	}
	return n
}

// scalingCommand is the command line of bench/cmd/scaling that runs cfg:
// its flags where they are not the defaults.
func scalingCommand(cfg ScalingConfig) string {
	def := DefaultScalingConfig()
	cmd := fmt.Sprintf("go run ./bench/cmd/scaling -visits %d", cfg.Visits)
	if n := cfg.VisitsPerAnimal; n != 0 && n != DefaultVisitsPerAnimal {
		cmd += fmt.Sprintf(" -visits-per-animal %d", n)
	}
	if !slices.Equal(cfg.Clients, def.Clients) {
		var cs []string
		for _, c := range cfg.Clients {
			cs = append(cs, strconv.Itoa(c))
		}
		cmd += " -clients " + strings.Join(cs, ",")
	}
	if cfg.PerPoint != def.PerPoint {
		cmd += " -duration " + cfg.PerPoint.String()
	}
	if cfg.Warmup != def.Warmup {
		cmd += " -warmup " + cfg.Warmup.String()
	}
	if cfg.Partitions != def.Partitions {
		cmd += fmt.Sprintf(" -partitions %d", cfg.Partitions)
	}
	if cfg.Timer.Reps != def.Timer.Reps {
		cmd += fmt.Sprintf(" -reps %d", cfg.Timer.Reps)
	}
	return cmd
}

// ScalingMarkdown writes the section of BENCHMARKS.md (bench/scaling.md,
// which benchreport -analysis includes).
func ScalingMarkdown(r *ScalingResult) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	cfg, m := r.Config, r.Machine
	p("## PostgreSQL past one machine: a read replica and partitioned visits\n\n")
	p("`%s` (the run took %s): %s visits, %s zoos, %s animals (bench's data set), on a PostgreSQL %s primary and a streaming replica of it (`pg_basebackup -R`, hot standby) of the run's own, with `fsync=off` and the rest of `initdb`'s settings. ",
		scalingCommand(cfg), r.Took.Round(time.Second), count(cfg.Visits), count(r.Gen.Zoos), count(r.Gen.Animals), orDash(m.Postgres))
	p("**Machine:** %s, %d cores, %s memory. Both servers, the API server and its clients share these %d cores: the replica adds no CPU here, so the figures show what routing reads to it costs and how it behaves, not a scale-out; on a machine of its own each replica would add its cores.\n\n",
		orDash(m.CPU), m.Cores, gib(m.Memory), m.Cores)

	writeLoad(p, r)
	writeLayouts(p, r)
	return b.String()
}

// writeLoad writes the API load table and what grows in it.
func writeLoad(p printer, r *ScalingResult) {
	cfg := r.Config
	var mix []string
	for _, k := range loadMix {
		mix = append(mix, k.name)
	}
	p("### API reads under load\n\n")
	p("The plain schema served by the API server `zootour serve` runs (`web.New`, on 127.0.0.1), over a store on the primary alone and over one opened with `postgres.WithReadReplica` (the store's default pool, 4 connections or the number of CPUs if more, on each server it reads from: the store with the replica has two). Each client reads, one request after another, with a viewer's token: %s, each about a visit drawn at random. Each run lasts %s after %s uncounted; the two layouts run one after the other at each number of clients. \"On the replica\" is the share of the store's reads it sent there in the run (the accounts and tokens are always read on the primary).\n\n",
		strings.Join(mix, ", "), cfg.PerPoint, cfg.Warmup)
	p("| clients | primary alone: requests/s | p50 | p99 | with the replica: requests/s | p50 | p99 | with ÷ alone | on the replica | not answered 200 |\n")
	p("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, c := range cfg.Clients {
		alone, routed := loadAt(r, loadPrimary, c), loadAt(r, loadReplica, c)
		if alone == nil || routed == nil {
			continue
		}
		reads := routed.ReplicaReads + routed.OwnWriteReads + routed.FallbackReads
		share := "–"
		if reads > 0 {
			share = fmt.Sprintf("%.0f%%", 100*float64(routed.ReplicaReads)/float64(reads))
		}
		p("| %d | %s | %s | %s | %s | %s | %s | %.2fx | %s | %d |\n", c,
			count(alone.PerSecond), dur(alone.P50), dur(alone.P99),
			count(routed.PerSecond), dur(routed.P50), dur(routed.P99),
			routed.PerSecond/alone.PerSecond, share, alone.Failed+routed.Failed)
	}
	p("\n")
	for _, pt := range r.Load {
		if pt.Failure != "" {
			p("**%d clients, %s: %d requests not answered 200**, the first: `%s`\n\n", pt.Clients, pt.Layout, pt.Failed, pt.Failure)
		}
	}
	lo, hi := slices.Min(cfg.Clients), slices.Max(cfg.Clients)
	if lo == hi {
		return
	}
	var parts []string
	for _, layout := range loadLayouts {
		a, b := loadAt(r, layout, lo), loadAt(r, layout, hi)
		if a == nil || b == nil {
			continue
		}
		rps, p50 := b.PerSecond/a.PerSecond, ratio(b.P50, a.P50)
		parts = append(parts, fmt.Sprintf("%s, the rate of requests %s (%.2fx) and the p50 %s (%.2fx)", layout, trend(rps), rps, trend(p50), p50))
	}
	p("**What grows and what stays flat**, from %d to %d clients: %s.\n\n", lo, hi, strings.Join(parts, "; "))
}

func loadAt(r *ScalingResult, layout string, clients int) *LoadPoint {
	for _, p := range r.Load {
		if p.Layout == layout && p.Clients == clients {
			return p
		}
	}
	return nil
}

// trend names a ratio of a figure to its baseline: beyond 1.25x either
// way it grows or falls, within it it stays flat, about what runs on a
// shared machine vary by.
func trend(x float64) string {
	switch {
	case x > 1.25:
		return "grows"
	case x < 1/1.25:
		return "falls"
	}
	return "stays flat"
}

// writeLayouts writes the tables of the two table layouts and what grows
// from one to the other.
func writeLayouts(p printer, r *ScalingResult) {
	cfg := r.Config
	plain, part := r.Layouts[layoutPlain], r.Layouts[layoutPartitioned]
	p("### Partitioned visits against plain tables\n\n")
	p("The same data set imported into a plain schema and into one opened with `postgres.WithPartitionedVisits(%d)` (visits and stays in %d tables each by hash of `animal_id`), each `VACUUM ANALYZE`d after, on the primary; each question asked of a store on each schema, median of %d samples (bench's Timer), beside the least work that gives the same answer (the limit, as under *Relationship questions*), and every answer checked against the teaching model's. The import is one run of `Store.Import` into the empty schema, the replica streaming it; the bytes are those of every table of the schema with its indexes.\n\n",
		cfg.Partitions, cfg.Partitions, cfg.Timer.Reps)
	p("| | plain | partitioned | partitioned ÷ plain |\n| --- | ---: | ---: | ---: |\n")
	p("| import | %s (%s visits/s) | %s (%s visits/s) | %.2fx |\n", dur(plain.Import), count(float64(cfg.Visits)/plain.Import.Seconds()),
		dur(part.Import), count(float64(cfg.Visits)/part.Import.Seconds()), ratio(part.Import, plain.Import))
	p("| bytes per visit | %s | %s | %.2fx |\n\n", count(plain.PerVisit), count(part.PerVisit), part.PerVisit/plain.PerVisit)

	// Each figure as partitioned over plain, by whether it reads one
	// partition (about one animal) or merges them all (a zoo, a day).
	var animal, other []float64
	note := func(owner string, x float64) {
		if owner == "animal" {
			animal = append(animal, x)
		} else {
			other = append(other, x)
		}
	}
	p("| question | record | rows | plain | partitioned | partitioned ÷ plain | its limit: partitioned ÷ plain |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |\n")
	for _, row := range r.Rels {
		a, b := row.Store[layoutPlain], row.Store[layoutPartitioned]
		if a == nil || b == nil {
			continue
		}
		x := ratio(b.Time, a.Time)
		note(row.Record.Owner, x)
		p("| %s | %s | %s | %s | %s | %.2fx | %.2fx |\n", row.Question.Name(), row.Record.Label(), count(row.Rows),
			dur(a.Time)+wrongMark(a), dur(b.Time)+wrongMark(b), x, ratio(b.Limit, a.Limit))
	}
	p("\n")
	p("Where and when, first pages (at most %d entries):\n\n", pageSize)
	p("| question | record | asked | rows | plain | partitioned | partitioned ÷ plain |\n| --- | --- | --- | ---: | ---: | ---: | ---: |\n")
	for _, row := range r.FirstPages {
		a, b := row.Store[layoutPlain], row.Store[layoutPartitioned]
		if a == nil || b == nil {
			continue
		}
		x := ratio(b.Time, a.Time)
		note(row.Record.Owner, x)
		p("| %s | %s | %s | %s | %s | %s | %.2fx |\n", row.Question, row.Record.Label(), cell(row.Asked), count(row.Rows),
			dur(a.Time)+wrongMark(a), dur(b.Time)+wrongMark(b), x)
	}
	p("\n")
	if wrong := r.Wrong(); len(wrong) > 0 {
		p("**Wrong answers:**\n\n")
		for _, w := range wrong {
			p("- %s\n", cell(w))
		}
		p("\n")
	} else {
		p("Every answer of both layouts is the teaching model's.\n\n")
	}
	p("**What grows and what stays flat**, partitioned against plain: about one animal, which reads one partition, %s; about a zoo or a day, which merges the %d partitions' index ranges, %s; the import's time %s (%.2fx) and the size on disk per visit %s (%.2fx).\n\n",
		spread(animal), cfg.Partitions, spread(other), trend(ratio(part.Import, plain.Import)), ratio(part.Import, plain.Import),
		trend(part.PerVisit/plain.PerVisit), part.PerVisit/plain.PerVisit)
}

// spread says how a group of ratios lies: their range and median, and how
// many grow, stay flat or fall (trend).
func spread(xs []float64) string {
	if len(xs) == 0 {
		return "nothing measured"
	}
	xs = slices.Clone(xs)
	slices.Sort(xs)
	n := map[string]int{}
	for _, x := range xs {
		n[trend(x)]++
	}
	var counts []string
	for _, t := range [][2]string{{"grows", "grow"}, {"stays flat", "stay flat"}, {"falls", "fall"}} {
		if k := n[t[0]]; k == 1 {
			counts = append(counts, "1 "+t[0])
		} else if k > 1 {
			counts = append(counts, fmt.Sprintf("%d %s", k, t[1]))
		}
	}
	return fmt.Sprintf("%d figures from %.2fx to %.2fx, median %.2fx: %s", len(xs), xs[0], xs[len(xs)-1], medianFloat(xs), strings.Join(counts, ", "))
}
