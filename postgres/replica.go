package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zootour/zootour"
)

// Reads from a streaming replica (WithReadReplica, docs/replicas.md).
// Every read method asks read where to run, and read asks route. A client
// is the actor of the context (zootour.ActorOf): the signed-in user on the
// web, cli:USER on the command line. A context that names none (a program
// that uses the store as a library, a visitor not signed in) is every
// client at once: its reads see every write the store has made, as they
// would without a replica. WAL positions are bytes from the start of the
// WAL (an LSN).

const (
	// checkEvery is how often the replica's health and replay position
	// are checked, in the background: reads never wait for a check.
	checkEvery = 250 * time.Millisecond
	// checkWithin bounds a check: a replica that does not answer in time
	// is unhealthy until one does.
	checkWithin = time.Second
	// pendingGrace is how long past the lag bound a client's write keeps
	// its reads on the primary: by then the replica has replayed it or
	// lags beyond the bound, and every read goes to the primary anyway.
	pendingGrace = time.Second
	// maxClients bounds the writes remembered, one per client. Past that a
	// write holds every client's reads on the primary until replayed.
	maxClients = 10000
)

// replica is the store's read replica and what the store knows of it.
type replica struct {
	pool    *pgxpool.Pool // the replica's
	primary *pgxpool.Pool
	maxLag  time.Duration
	every   time.Duration
	schema  int // the schema version the replica must be at: the store's

	mu       sync.Mutex
	healthy  bool
	reason   string
	lag      time.Duration
	replayed int64 // the replica's replay position at the last check
	// samples are where the primary's WAL ended (flushed) at the checks
	// since the oldest one the replica has not replayed: the lag is how
	// long ago that one was taken.
	samples []sample
	sampled bool
	// confirmed is whether the replica has been seen at the store's
	// schema version (only check reads and writes it).
	confirmed bool
	// client names the client of a context: zootour.ActorOf.
	client func(context.Context) string
	// writes are the last write of each client that may be pending, and
	// last the last of all, for the client zootour.NoActor. floor is
	// everyone's: the primary's WAL when the store opened (its
	// migrations, and what other processes wrote before), and the writes
	// of clients that found writes full.
	writes map[string]write
	last   write
	floor  write

	replicaReads, ownWriteReads, fallbackReads atomic.Uint64

	stop context.CancelFunc
	done chan struct{}
}

// A sample is where the primary's WAL ended at a check. The first one the
// store takes has no history before it (first).
type sample struct {
	at    time.Time
	pos   int64
	first bool
}

// A write is where the primary's WAL ended after a client's write.
type write struct {
	pos int64
	at  time.Time
}

// openReplica connects to the replica of o.replicaURL, notes the primary's
// WAL position as every client's write, checks the replica once and then
// every o.checkEvery until close.
func openReplica(ctx context.Context, primary *pgxpool.Pool, o options, schema int) (*replica, error) {
	pool, err := newPool(ctx, o.replicaURL)
	if err != nil {
		return nil, fmt.Errorf("the read replica: %w", err)
	}
	r := &replica{pool: pool, primary: primary, maxLag: o.maxLag, every: o.checkEvery, schema: schema, client: o.client,
		reason: "the replica has not been checked yet", writes: map[string]write{}, done: make(chan struct{})}
	pos, err := walInsert(ctx, primary)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: the primary's WAL position: %w", err)
	}
	r.floor = write{pos, time.Now()}
	r.check(ctx)
	bg, stop := context.WithCancel(context.Background())
	r.stop = stop
	go r.run(bg)
	return r, nil
}

// close stops the checks and closes the replica's connections.
func (r *replica) close() {
	if r == nil {
		return
	}
	r.stop()
	<-r.done
	r.pool.Close()
}

func (r *replica) run(ctx context.Context) {
	defer close(r.done)
	t := time.NewTicker(r.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.check(ctx)
		}
	}
}

// A via is where route sends a read.
type via int

const (
	viaReplica   via = iota
	viaOwnWrites     // the primary: the client's write is pending
	viaFallback      // the primary: the replica is unhealthy
)

// route chooses where a read for the client of ctx goes, from what the
// last check found: to the replica, unless it is unhealthy, or it has not
// replayed the client's last write (or the floor) yet.
func (r *replica) route(ctx context.Context) via {
	client, now := r.client(ctx), time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	last := r.writes[client]
	if client == zootour.NoActor {
		last = r.last
	}
	switch {
	case !r.healthy:
		return viaFallback
	case r.pending(r.floor, now) || r.pending(last, now):
		return viaOwnWrites
	}
	return viaReplica
}

// pending reports whether the replica has not replayed w yet, a write
// recent enough to matter (pendingGrace). r.mu is held.
func (r *replica) pending(w write, now time.Time) bool {
	return w.pos > r.replayed && now.Sub(w.at) < r.maxLag+pendingGrace
}

// read runs fn, a read, on the pool that route chooses for ctx. A read the
// replica fails for want of a server (down, restarting, out of
// connections, or cancelled by a conflict with its replay) runs again on
// the primary, once; fn must start afresh each time it is called.
func (s *Store) read(ctx context.Context, fn func(db *pgxpool.Pool) error) error {
	r := s.replica
	if r == nil {
		return fn(s.pool)
	}
	switch r.route(ctx) {
	case viaOwnWrites:
		r.ownWriteReads.Add(1)
		return fn(s.pool)
	case viaFallback:
		r.fallbackReads.Add(1)
		return fn(s.pool)
	}
	err := fn(r.pool)
	if ctx.Err() != nil || unavailable(err) == "" {
		r.replicaReads.Add(1)
		return err
	}
	r.failed(err)
	r.fallbackReads.Add(1)
	return fn(s.pool)
}

// readTx runs fn in a read-only transaction on one snapshot, where read
// sends it.
func (s *Store) readTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return s.read(ctx, func(db *pgxpool.Pool) error { return snapshot(ctx, db, fn) })
}

// snapshot runs fn in a read-only transaction on one snapshot of db.
func snapshot(ctx context.Context, db *pgxpool.Pool, fn func(pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, db, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, fn)
}

// failed takes the replica out of use after a read it failed for want of a
// connection, until a check finds it well again.
func (r *replica) failed(err error) {
	why := unavailable(err)
	if why != "unreachable" && why != "restarting" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.healthy, r.reason = false, "the replica is "+why+": "+cause(err)
}

// cause returns the message of the failure behind err: that of a
// zootour.Error says only that the store is unavailable.
func cause(err error) string {
	var e *zootour.Error
	if errors.As(err, &e) && e.Err != nil {
		return e.Err.Error()
	}
	return err.Error()
}

// wrote notes that the client of ctx has written, up to where the
// primary's WAL now ends: after the commit, so past it. That position is
// where the next record will go, which a replica's replay position equals
// once it has replayed everything, but for a commit that ended a WAL page
// (it is then past that page's header): that client's reads stay on the
// primary until more WAL comes, pendingGrace at most past the bound. A
// position the primary does not give holds them there as long.
func (r *replica) wrote(ctx context.Context) {
	if r == nil {
		return
	}
	pos, err := walInsert(ctx, r.primary)
	if err != nil {
		pos = math.MaxInt64
	}
	r.note(r.client(ctx), write{pos, time.Now()})
}

func (r *replica) note(actor string, w write) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.last = write{max(r.last.pos, w.pos), w.at}
	if actor == zootour.NoActor {
		return // last is its
	}
	old, known := r.writes[actor]
	if !known && len(r.writes) >= maxClients {
		r.forget(w.at)
	}
	if !known && len(r.writes) >= maxClients {
		r.floor = write{max(r.floor.pos, w.pos), w.at}
		return
	}
	r.writes[actor] = write{max(old.pos, w.pos), w.at}
}

// forget drops the writes that no longer hold reads on the primary.
// r.mu is held.
func (r *replica) forget(now time.Time) {
	for actor, w := range r.writes {
		if !r.pending(w, now) {
			delete(r.writes, actor)
		}
	}
}

// walInsert returns the position where the primary's next WAL record goes,
// which is past every commit so far.
func walInsert(ctx context.Context, primary *pgxpool.Pool) (int64, error) {
	var pos int64
	err := primary.QueryRow(ctx, `SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint`).Scan(&pos)
	return pos, err
}

// check asks the primary where its flushed WAL ends (all that a replica
// can have), then the replica how far it has replayed, whether it is still
// one, and until it has been seen once, whether it has the store's schema;
// and decides whether reads may go to it.
func (r *replica) check(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, checkWithin)
	defer cancel()
	var primaryPos int64
	var primaryNow time.Time
	perr := r.primary.QueryRow(ctx, `SELECT pg_wal_lsn_diff(pg_current_wal_flush_lsn(), '0/0')::bigint, clock_timestamp()`).
		Scan(&primaryPos, &primaryNow)
	at := time.Now()
	var recovering, hasSchema bool
	var replayed *int64
	var replayedAt *time.Time
	var version *int
	rerr := r.pool.QueryRow(ctx, `SELECT pg_is_in_recovery(), pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint,
	pg_last_xact_replay_timestamp(), to_regclass('zootour_schema_migrations') IS NOT NULL`).
		Scan(&recovering, &replayed, &replayedAt, &hasSchema)
	if rerr == nil && hasSchema && !r.confirmed {
		rerr = r.pool.QueryRow(ctx, `SELECT max(version) FROM zootour_schema_migrations`).Scan(&version)
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return // the store is closing
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	defer r.forget(at)
	if perr == nil {
		r.sample(at, primaryPos)
	}
	r.healthy = false
	switch {
	case rerr != nil:
		r.reason = "the replica does not answer: " + rerr.Error()
		return
	case !recovering || replayed == nil:
		r.reason = "the replica is not in recovery: it is no streaming replica, or it was promoted"
		return
	}
	r.replayed = *replayed
	switch {
	case r.confirmed, r.pending(r.floor, at): // the schema comes with the floor
	case !hasSchema:
		r.reason = "the replica has no zootour schema in its search_path: give it the primary's"
		return
	case version == nil || *version != r.schema:
		r.reason = fmt.Sprintf("the replica's schema is at version %d, the store's at %d: is it a replica of the same database?", deref(version), r.schema)
		return
	default:
		r.confirmed = true
	}
	r.lag = r.lagAt(at)
	if len(r.samples) > 0 && r.samples[0].first {
		// No history before the first sample: how long ago the replica's
		// last replayed commit was made bounds its lag from above.
		switch {
		case perr == nil && replayedAt != nil:
			r.lag = max(r.lag, primaryNow.Sub(*replayedAt))
		case perr == nil:
			r.reason = "the replica is behind the primary, and has replayed no transaction to tell by how long"
			return
		}
	}
	if r.lag >= r.maxLag {
		r.reason = fmt.Sprintf("the replica is %s behind the primary, more than %s", r.lag.Round(time.Millisecond), r.maxLag)
		return
	}
	r.healthy, r.reason = true, ""
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

// sample notes that the primary's WAL ended at pos at the time at, if it
// has moved since the last sample. It keeps every sample of the last two
// bounds, and of the older ones the oldest and the newest: the lag stays
// exact up to the oldest, and beyond two bounds past it. r.mu is held.
func (r *replica) sample(at time.Time, pos int64) {
	if n := len(r.samples); n > 0 && r.samples[n-1].pos >= pos {
		return
	}
	r.samples = append(r.samples, sample{at: at, pos: pos, first: !r.sampled})
	r.sampled = true
	cut, old := at.Add(-2*r.maxLag), 0
	for old < len(r.samples) && r.samples[old].at.Before(cut) {
		old++
	}
	if old > 2 {
		r.samples = append(r.samples[:1], r.samples[old-1:]...)
	}
}

// lagAt drops the samples the replica has replayed past and returns how
// long before at the oldest one left was taken: 0 if none is left.
// r.mu is held.
func (r *replica) lagAt(at time.Time) time.Duration {
	i := 0
	for i < len(r.samples) && r.samples[i].pos <= r.replayed {
		i++
	}
	r.samples = r.samples[i:]
	if len(r.samples) == 0 {
		return 0
	}
	return at.Sub(r.samples[0].at)
}

var _ zootour.Replicated = (*Store)(nil)

// ReplicaStatus reports on the store's read replica: whether reads go to
// it and why not, its lag, and where reads went. ok is false for a store
// without one.
func (s *Store) ReplicaStatus() (st zootour.ReplicaStatus, ok bool) {
	r := s.replica
	if r == nil {
		return st, false
	}
	r.mu.Lock()
	st.Healthy, st.Reason, st.Lag, st.MaxLag = r.healthy, r.reason, r.lag, r.maxLag
	r.mu.Unlock()
	st.ReplicaReads, st.OwnWriteReads, st.FallbackReads = r.replicaReads.Load(), r.ownWriteReads.Load(), r.fallbackReads.Load()
	return st, true
}
