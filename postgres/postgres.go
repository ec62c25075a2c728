// Package postgres is a zootour.Store kept in PostgreSQL, through pgx.
//
// Open takes a postgres:// (or postgresql://) URL. Besides the usual
// connection settings, its query may carry:
//
//	pool_max_conns=8         the most connections the store keeps open (default: 4 or the number of CPUs, if more)
//	statement_timeout=5s     how long one statement may run before the server stops it;
//	                         such a statement fails with an internal error, never a partial answer.
//	                         It bounds each statement of an import too (a COPY, an index build)
//	search_path=myschema     the schema that holds the store's tables (created if missing)
//	plan_cache_mode=auto     the server's choice of generic plans (default here: force_custom_plan)
//	random_page_cost=4       the planner's cost of a page read out of order (default here: 1.1)
//
// statement_timeout and search_path are PostgreSQL run-time parameters: any
// such parameter in the query is set on every connection when it opens.
// Other pgxpool settings (pool_min_conns, pool_max_conn_lifetime, ...) work
// as pgxpool documents them.
//
// Open and New create or upgrade the schema from the migrations embedded in
// the binary, in one transaction under an advisory lock, so several
// processes may open the same database at once. They refuse a database whose
// schema is newer than the binary. The migrations applied are recorded in
// the table zootour_schema_migrations, a name of zootour's own, so that the
// store may share a schema with an application and its migration tool
// (golang-migrate and others keep theirs in schema_migrations). A database
// that an older zootour made, whose record is in a schema_migrations of
// zootour's shape, is carried over to the new table on first open; any other
// schema_migrations is left alone.
//
// The schema named first in search_path is created if it does not exist;
// if the role may not create schemas in the database, Open and New fail
// saying so.
//
// Canceling a method's context stops its statement on the server too: pgx
// closes the connection and sends the server a cancel request.
//
// With WithReadReplica, reads go to a streaming replica of the database,
// but for a client's reads after its own writes and while the replica is
// down or lags (docs/replicas.md); ReplicaStatus says how that goes.
//
// With WithPartitionedVisits, a database that Open or New creates keeps
// its visits and stays in tables partitioned by hash of animal_id
// (docs/partitioning.md); on an existing one the option must agree with
// the catalog.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/staysql"
)

// Store is a zootour.Store in a PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
	// ownsPool is whether Close closes the pool: Open made it, New was given it.
	ownsPool bool
	// replica is where reads go, if the store has one (WithReadReplica).
	replica *replica
	// visitByID reads a visit by its ID, in the database's layout
	// (visitByIDSQL).
	visitByID string
}

var _ zootour.Store = (*Store)(nil)

// An Option changes how Open and New make the store.
type Option func(*options)

type options struct {
	replicaURL string
	maxLag     time.Duration
	checkEvery time.Duration
	client     func(context.Context) string
	// partitions is WithPartitionedVisits's n; partitionsSet, whether it
	// was given (0 is an error then, not the plain layout).
	partitions    int
	partitionsSet bool
}

// WithReadReplica sends the store's reads to the streaming replica of its
// database at url, its writes to the primary, and a client's reads after
// its own writes to the primary until the replica has replayed them; a
// replica that is down or lags more than the bound (WithMaxReplicaLag)
// leaves every read to the primary until it is back (docs/replicas.md).
// A client is the actor of the context (zootour.WithActor); a context
// that names none is every client, and sees every write the store made.
// The URL takes the settings Open's does; give it the primary's
// search_path. Reads of the accounts, sessions, tokens and idempotency keys
// stay on the primary: they decide who may do what, at once.
func WithReadReplica(url string) Option {
	return func(o *options) { o.replicaURL = url }
}

// DefaultMaxReplicaLag is how far behind the primary a replica may be
// before reads leave it, unless WithMaxReplicaLag says otherwise.
const DefaultMaxReplicaLag = 10 * time.Second

// WithMaxReplicaLag sets how far behind the primary the read replica may
// replay (in time: how long ago the primary was where the replica is)
// before reads go to the primary instead; 0 is DefaultMaxReplicaLag.
func WithMaxReplicaLag(d time.Duration) Option {
	return func(o *options) { o.maxLag = d }
}

// Open connects to the database at url, brings its schema up to date and
// returns the store. Close closes its connections.
func Open(ctx context.Context, url string, opts ...Option) (*Store, error) {
	pool, err := newPool(ctx, url)
	if err != nil {
		return nil, err
	}
	s, err := New(ctx, pool, opts...)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s.ownsPool = true
	return s, nil
}

// newPool makes a pool of connections to url, with the store's planner
// settings unless the URL sets them. It connects on first use.
func newPool(ctx context.Context, url string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	// pgx prepares each statement once per connection, and after five calls
	// the server may switch to a generic plan; for a distinct listing that
	// plan ignores the zoo in its anti join and reads rows quadratic in the
	// animal's visits (682 ms against 2.2 ms custom, BENCHMARKS.md). Plan
	// every call with its values, unless the URL says otherwise.
	if _, set := cfg.ConnConfig.RuntimeParams["plan_cache_mode"]; !set {
		cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
	}
	// The server's default random_page_cost (4) prices a page read out of
	// order as from a spinning disk. The store's reads are key lookups in
	// tables that fit in memory or sit on SSDs, and at 4 the planner hashes
	// a scan of every zoo rather than look up the 200 that a search's words
	// found (4.7 ms against 0.9 ms on 10,000 generated zoos). Price such
	// reads as the common advice for SSDs does, unless the URL says
	// otherwise.
	if _, set := cfg.ConnConfig.RuntimeParams["random_page_cost"]; !set {
		cfg.ConnConfig.RuntimeParams["random_page_cost"] = "1.1"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return pool, nil
}

// New returns a store in the database of pool, an application's own, after
// bringing its schema up to date as Open does; the store's tables go in
// the schema that the pool's search_path names first. The caller keeps
// the pool: Close leaves it open, and the caller closes it once the store
// is no longer used. A read replica's pool (WithReadReplica) is the
// store's own, and Close closes it.
//
// Open sets plan_cache_mode=force_custom_plan and random_page_cost=1.1 on
// its connections unless the URL sets them, because the store's queries
// are much faster planned so (BENCHMARKS.md); a pool made elsewhere keeps
// its own settings, so set those in its ConnConfig.RuntimeParams for the
// same plans.
func New(ctx context.Context, pool *pgxpool.Pool, opts ...Option) (*Store, error) {
	o := options{maxLag: DefaultMaxReplicaLag, checkEvery: checkEvery, client: zootour.ActorOf}
	for _, opt := range opts {
		opt(&o)
	}
	if o.maxLag <= 0 {
		o.maxLag = DefaultMaxReplicaLag
	}
	if o.partitionsSet {
		if err := checkPartitions(o.partitions); err != nil {
			return nil, err
		}
	}
	ms, err := loadMigrations()
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, pool, ms, o.partitions); err != nil {
		return nil, err
	}
	n, err := partitions(ctx, pool)
	if err != nil {
		return nil, fmt.Errorf("postgres: the layout of visits: %w", err)
	}
	s := &Store{pool: pool, visitByID: visitByIDSQL(n > 0)}
	if o.replicaURL != "" {
		if s.replica, err = openReplica(ctx, pool, o, len(ms)); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Close closes every connection of a store that Open made, and those to
// its read replica. A store that New made leaves the pool open: it is the
// caller's.
func (s *Store) Close() error {
	s.replica.close()
	if s.ownsPool {
		s.pool.Close()
	}
	return nil
}

//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations returns the embedded migrations in version order. Their
// names start with the version: 0001_init.sql.
func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, name := range names { // Glob returns them sorted
		base := path.Base(name)
		prefix, _, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(prefix)
		if err != nil || v != len(ms)+1 {
			return nil, fmt.Errorf("postgres: migration %s: want version %d first in its name", base, len(ms)+1)
		}
		b, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: base, sql: string(b)})
	}
	return ms, nil
}

// migrateLock is the first key of the advisory lock taken while migrating;
// the second is the schema's name, so that schemas migrate independently.
const migrateLock = 0x7a6f6f // "zoo"

// migrate applies those of ms, the migrations in version order, that the
// database has not had. With partitions (WithPartitionedVisits), a
// database the migrations create gets its visits partitioned, after them
// in their transaction; one that exists must have them so.
func migrate(ctx context.Context, pool *pgxpool.Pool, ms []migration, partitions int) error {
	latest := len(ms)
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		schema, err := lockSchema(ctx, tx)
		if err != nil {
			return err
		}
		if err := carryOver(ctx, tx, schema); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, createMigrationsTable); err != nil {
			return err
		}
		var current int
		if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM zootour_schema_migrations").Scan(&current); err != nil {
			return err
		}
		if current > latest {
			return fmt.Errorf("the database schema is at version %d, newer than this zootour binary knows (version %d); use a newer zootour", current, latest)
		}
		// Before any migration, so that a refusal changes nothing; visits
		// exists from version 1.
		if partitions > 0 && current > 0 {
			if err := agreePartitions(ctx, tx, partitions); err != nil {
				return err
			}
		}
		for _, m := range ms[current:] {
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if fill := backfills[m.version]; fill != nil {
				if err := fill(ctx, tx); err != nil {
					return fmt.Errorf("migration %s: %w", m.name, err)
				}
			}
			if _, err := tx.Exec(ctx, "INSERT INTO zootour_schema_migrations (version) VALUES ($1)", m.version); err != nil {
				return err
			}
		}
		// The versions are those of the plain layout: later migrations
		// apply to both (docs/partitioning.md).
		if partitions > 0 && current == 0 {
			return partition(ctx, tx, partitions)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	return nil
}

// createMigrationsTable makes the record of the migrations applied. Its
// name is zootour's own, so that it never meets an application's
// schema_migrations in a schema they share.
const createMigrationsTable = `CREATE TABLE IF NOT EXISTS zootour_schema_migrations (
	version    integer PRIMARY KEY,
	applied_at timestamptz NOT NULL DEFAULT now())`

// lockSchema takes the migration lock of the schema the store's tables go
// in, creating that schema if search_path names it first and it does not
// exist, and returns its name. Processes that start together take turns
// here; the lock goes with the transaction.
func lockSchema(ctx context.Context, tx pgx.Tx) (string, error) {
	var path string
	if err := tx.QueryRow(ctx, "SELECT current_setting('search_path')").Scan(&path); err != nil {
		return "", err
	}
	// "$user" first, as by default, stands for a schema that need not
	// exist; names that start with pg_ are the server's to make.
	want := firstSchema(path)
	if want == "$user" || strings.HasPrefix(want, "pg_") {
		want = ""
	}
	// The key is that of the schema to create, if any, so that two
	// processes do not both try; once it exists that is current_schema().
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1, hashtext(coalesce(nullif($2, ''), current_schema()::text)))",
		int32(migrateLock), want); err != nil {
		return "", err
	}
	if want != "" {
		if err := createSchema(ctx, tx, want); err != nil {
			return "", err
		}
	}
	var schema *string
	if err := tx.QueryRow(ctx, "SELECT current_schema()").Scan(&schema); err != nil {
		return "", err
	}
	if schema == nil {
		return "", fmt.Errorf("search_path %q names no schema that exists: create one, or name it first in search_path", path)
	}
	return *schema, nil
}

// insufficientPrivilege is the SQLSTATE of a statement the role may not run.
const insufficientPrivilege = "42501"

// createSchema creates the schema name unless it exists. It looks first,
// because CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege on the
// database even when the schema is there.
func createSchema(ctx context.Context, tx pgx.Tx, name string) error {
	var exists bool
	if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", name).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	_, err := tx.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{name}.Sanitize())
	if code, _ := pgError(err); code == insufficientPrivilege {
		return fmt.Errorf("the schema %q named by search_path does not exist and could not be created: create it or grant CREATE on the database: %w", name, err)
	}
	return err
}

// firstSchema returns the first schema that path, a search_path setting,
// names, as the server reads it: a list separated by commas, each name
// either in double quotes (a quote doubled inside) or with its ASCII
// letters folded to lower case. "" if path names none.
func firstSchema(path string) string {
	const space = " \t\n\r\f\v"
	path = strings.TrimLeft(path, space)
	if rest, quoted := strings.CutPrefix(path, `"`); quoted {
		var name strings.Builder
		for {
			before, after, found := strings.Cut(rest, `"`)
			name.WriteString(before)
			if !found || !strings.HasPrefix(after, `"`) {
				return name.String()
			}
			name.WriteByte('"')
			rest = after[1:]
		}
	}
	name, _, _ := strings.Cut(path, ",")
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, strings.TrimRight(name, space))
}

// carryOver moves the record of the migrations applied from the table
// schema_migrations in schema, where a zootour older than the name
// zootour_schema_migrations kept it, to that table, and drops the old one.
// Only a table of zootour's making moves; the schema_migrations of
// golang-migrate or any other tool stays as it is.
func carryOver(ctx context.Context, tx pgx.Tx, schema string) error {
	ours, err := oldMigrationsTable(ctx, tx, schema)
	if err != nil || !ours {
		return err
	}
	old := pgx.Identifier{schema, "schema_migrations"}.Sanitize()
	for _, sql := range []string{
		createMigrationsTable,
		"INSERT INTO zootour_schema_migrations (version, applied_at) SELECT version, applied_at FROM " + old,
		"DROP TABLE " + old,
	} {
		if _, err := tx.Exec(ctx, sql); err != nil {
			return fmt.Errorf("carry over %s: %w", old, err)
		}
	}
	return nil
}

// oldMigrationsTable reports whether schema holds the schema_migrations
// of an older zootour, and no zootour_schema_migrations yet. The table is
// zootour's when it has zootour's shape (version integer, applied_at
// timestamptz, nothing else), its versions run from 1 with none missing,
// as zootour applies them, and the tables of the first migration (zoos,
// animals, visits) stand beside it. Another tool's table of that name
// differs in one of these: golang-migrate's has version bigint and dirty,
// and timestamps for versions.
func oldMigrationsTable(ctx context.Context, tx pgx.Tx, schema string) (bool, error) {
	var columns []string
	err := tx.QueryRow(ctx, `SELECT coalesce(array_agg(column_name || ' ' || data_type ORDER BY ordinal_position), '{}')
FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'schema_migrations'`, schema).Scan(&columns)
	if err != nil {
		return false, err
	}
	if !slices.Equal(columns, []string{"version integer", "applied_at timestamp with time zone"}) {
		return false, nil
	}
	table := func(name string) string { return pgx.Identifier{schema, name}.Sanitize() }
	var ours bool
	err = tx.QueryRow(ctx, `SELECT coalesce(min(version) = 1 AND max(version) = count(*), false)
	AND to_regclass($1) IS NOT NULL AND to_regclass($2) IS NOT NULL AND to_regclass($3) IS NOT NULL
	AND to_regclass($4) IS NULL
FROM `+table("schema_migrations"),
		table("zoos"), table("animals"), table("visits"), table("zootour_schema_migrations")).Scan(&ours)
	return ours, err
}

// backfills are the steps of a migration that SQL cannot take: after the
// migration of that version, in its transaction, they fill what it added
// for the rows there are.
var backfills = map[int]func(context.Context, pgx.Tx) error{
	3: func(ctx context.Context, tx pgx.Tx) error {
		if err := rekey(ctx, tx, zoos); err != nil {
			return err
		}
		return rekey(ctx, tx, animals)
	},
	4: func(ctx context.Context, tx pgx.Tx) error { return staysql.Fill(ctx, txDB{Q: tx}, dialect) },
}

// rekeyPage is how many records rekey holds in memory at once (a variable
// so that a test can make pages of a few).
var rekeyPage = 10000

// rekey writes the keys and words of every record of kind k, whose words
// table (k.words, of schema versions 3 and 4) is empty: the keys are
// computed in Go (package textkey), as every write computes them. It reads
// the records a page at a time (a connection cannot read and copy at
// once), copies their keys into a temporary table and their words straight
// into the words table, then writes the keys with one UPDATE. The
// migration to version 5 makes each record's search column from its words.
func rekey[T any](ctx context.Context, tx pgx.Tx, k kind[T]) error {
	staged := "rekey_" + k.table.Name
	cols := strings.Join(k.columns, ", ")
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE `+staged+` ON COMMIT DROP AS
SELECT id, `+cols+` FROM `+k.table.Name+` WITH NO DATA`); err != nil {
		return err
	}
	var after int64
	for {
		rows, _ := tx.Query(ctx, `SELECT `+k.table.Cols+` FROM `+k.table.Name+` AS r WHERE r.id > $1 ORDER BY r.id LIMIT $2`,
			after, rekeyPage)
		page, err := pgx.CollectRows(rows, k.scan)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		keys := make([][]any, len(page))
		var words [][]any
		for i, r := range page {
			id := *k.id(&r)
			keys[i] = append([]any{id}, k.values(r)...)
			for _, w := range k.wordBytes(r) {
				words = append(words, []any{w, id})
			}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{staged}, append([]string{"id"}, k.columns...), pgx.CopyFromRows(keys)); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{k.words}, []string{"word", k.table.Owner}, pgx.CopyFromRows(words)); err != nil {
			return err
		}
		if len(page) < rekeyPage {
			break
		}
		after = *k.id(&page[len(page)-1])
	}
	_, err := tx.Exec(ctx, `UPDATE `+k.table.Name+` AS r SET (`+cols+`) = ROW(k.`+strings.Join(k.columns, ", k.")+`)
FROM `+staged+` AS k WHERE r.id = k.id`)
	return err
}

// SQLSTATE codes the store translates into domain errors.
const (
	foreignKeyViolation = "23503"
	uniqueViolation     = "23505"
	checkViolation      = "23514"
)

// pgError returns the SQLSTATE code and the constraint named by err, if it
// comes from the server.
// sequenceLimit is sequence_generator_limit_exceeded: an identity column
// whose sequence is at its largest value (an import took 2^63-1).
const sequenceLimit = "2200H"

func pgError(err error) (code, constraint string) {
	var e *pgconn.PgError
	if errors.As(err, &e) {
		return e.Code, e.ConstraintName
	}
	return "", ""
}

// internal wraps an error that is no domain error: a lost connection, a
// timeout, a bug. Domain errors pass through unchanged. If ctx has ended,
// the error also wraps ctx.Err(): the server's answer to a cancel request
// does not say so.
func internal(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	var e *zootour.Error
	if errors.As(err, &e) {
		return err
	}
	if code, constraint := pgError(err); code == checkViolation {
		// Validate runs first, so this is a rule the domain does not know.
		return zootour.Errorf(zootour.EINVALID, "%s: the value breaks the rule %s", op, constraint)
	}
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		return fmt.Errorf("postgres: %s: %w: %w", op, ctxErr, err)
	}
	if ctx.Err() == nil {
		if why := unavailable(err); why != "" {
			return zootour.Unavailable(why, fmt.Errorf("postgres: %s: %w", op, err))
		}
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// unavailable names the faults that pass (README, "Serving safely"): the
// server unreachable or restarting, a deadlock or serialization failure
// retries ran out on, resources exhausted (disk, memory, connections), a
// read-only server. "" for any other error.
func unavailable(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "08"):
			return "unreachable"
		case pe.Code == "40001", pe.Code == "40P01", pe.Code == "55P03":
			return "busy"
		case strings.HasPrefix(pe.Code, "53"):
			return "out of resources (disk, memory or connections)"
		case strings.HasPrefix(pe.Code, "57P"):
			return "restarting"
		case pe.Code == "25006":
			return "read-only"
		}
		return ""
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	if errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "unreachable"
	}
	return ""
}

// Ready reports whether the store can take writes now: the server
// answers and is not read-only (a replica, or read-only by setting).
func (s *Store) Ready(ctx context.Context) error {
	var ro string
	if err := s.pool.QueryRow(ctx, `SELECT current_setting('transaction_read_only')`).Scan(&ro); err != nil {
		return internal(ctx, "ready", err)
	}
	if ro == "on" {
		return zootour.Unavailable("read-only", nil)
	}
	return nil
}
