package postgres_test

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/postgres"
	"github.com/zootour/zootour/postgres/pgtest"
)

// mustExec runs each statement on conn, ending the test if one fails.
func mustExec(t *testing.T, conn *pgx.Conn, sqls ...string) {
	t.Helper()
	for _, sql := range sqls {
		if _, err := conn.Exec(t.Context(), sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
}

// rowsOf returns every row of the query, each as JSON text, in order.
func rowsOf(t *testing.T, conn *pgx.Conn, query string) []string {
	t.Helper()
	rows, _ := conn.Query(t.Context(), "SELECT row_to_json(r)::text FROM ("+query+") AS r")
	return must(pgx.CollectRows(rows, pgx.RowTo[string]))(t)
}

// versions returns the versions recorded in zootour_schema_migrations.
func versions(t *testing.T, conn *pgx.Conn) []int {
	t.Helper()
	rows, _ := conn.Query(t.Context(), "SELECT version FROM zootour_schema_migrations ORDER BY version")
	return must(pgx.CollectRows(rows, pgx.RowTo[int]))(t)
}

// A schema_migrations of another tool, in the schema the store shares with
// an application, is not the store's: the store opens beside it and leaves
// it as it was.
func TestOtherSchemaMigrations(t *testing.T) {
	tests := []struct {
		name   string
		create []string
	}{
		{"golang-migrate", []string{
			"CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)",
			"INSERT INTO schema_migrations VALUES (20240101120000, false)",
		}},
		{"versions as text", []string{
			"CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY)",
			"INSERT INTO schema_migrations VALUES ('20240101120000'), ('20240102090000')",
		}},
		{"zootour's shape, not its versions", []string{
			"CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
			"INSERT INTO schema_migrations (version) VALUES (20240101), (20240102)",
		}},
		{"zootour's shape and versions, without its tables", []string{
			"CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
			"INSERT INTO schema_migrations (version) VALUES (1), (2)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := pgtest.URL(t)
			conn := connect(t, url)
			mustExec(t, conn, tt.create...)
			const columns = `SELECT column_name, data_type FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = 'schema_migrations' ORDER BY ordinal_position`
			wantColumns, wantRows := rowsOf(t, conn, columns), rowsOf(t, conn, "SELECT * FROM schema_migrations ORDER BY 1")

			s := openURL(t, url)
			must(s.CreateZoo(t.Context(), zootour.Zoo{Name: "Zoo", Location: "Here"}))(t)
			if got, want := versions(t, conn), []int{1, 2, 3, 4, 5, 6, 7}; !slices.Equal(got, want) {
				t.Errorf("zootour_schema_migrations holds versions %v, want %v", got, want)
			}
			if got := rowsOf(t, conn, columns); !slices.Equal(got, wantColumns) {
				t.Errorf("schema_migrations has the columns %q after Open, want %q", got, wantColumns)
			}
			if got := rowsOf(t, conn, "SELECT * FROM schema_migrations ORDER BY 1"); !slices.Equal(got, wantRows) {
				t.Errorf("schema_migrations holds %q after Open, want %q", got, wantRows)
			}
		})
	}
}

// A database that a zootour made before the migrations table had its own
// name is carried over: its record moves to zootour_schema_migrations, at
// the same version, and the old table goes. Processes that open it at
// once move it once.
func TestOldMigrationsTableCarriedOver(t *testing.T) {
	ctx := t.Context()
	url := pgtest.URL(t)
	s := openURL(t, url)
	z := must(s.CreateZoo(ctx, zootour.Zoo{Name: "Zoo", Location: "Here"}))(t)
	s.Close()
	conn := connect(t, url)
	// The table as the older zootour made it.
	mustExec(t, conn,
		"CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
		"INSERT INTO schema_migrations SELECT version, applied_at - interval '1 day' FROM zootour_schema_migrations",
		"DROP TABLE zootour_schema_migrations")
	want := rowsOf(t, conn, "SELECT version, applied_at FROM schema_migrations ORDER BY version")

	const n = 3
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			s, err := postgres.Open(ctx, url)
			if err == nil {
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
		}
	}
	if got := rowsOf(t, conn, "SELECT version, applied_at FROM zootour_schema_migrations ORDER BY version"); !slices.Equal(got, want) {
		t.Errorf("zootour_schema_migrations holds %q, want the old table's %q", got, want)
	}
	var left bool
	if err := conn.QueryRow(ctx, "SELECT to_regclass('schema_migrations') IS NOT NULL").Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left {
		t.Error("schema_migrations is left after the carry-over")
	}
	s = openURL(t, url)
	if _, err := s.Zoo(ctx, z.ID); err != nil {
		t.Errorf("the zoo after the carry-over: %v", err)
	}
}

// withQuery returns base with the query parameters set, given as names
// and values in turn.
func withQuery(t *testing.T, base string, params ...string) string {
	t.Helper()
	u := must(url.Parse(base))(t)
	q := u.Query()
	for i := 0; i < len(params); i += 2 {
		q.Set(params[i], params[i+1])
	}
	// pgx, as libpq, reads a + in a URL as a +, not a space.
	u.RawQuery = strings.ReplaceAll(q.Encode(), "+", "%20")
	return u.String()
}

// schemaOfURL returns the schema that the search_path of a pgtest URL names.
func schemaOfURL(t *testing.T, u string) string {
	t.Helper()
	return must(url.Parse(u))(t).Query().Get("search_path")
}

// relations returns the names of the tables in schema.
func relations(t *testing.T, conn *pgx.Conn, schema string) []string {
	t.Helper()
	rows, _ := conn.Query(t.Context(), "SELECT tablename::text FROM pg_tables WHERE schemaname = $1 ORDER BY 1", schema)
	return must(pgx.CollectRows(rows, pgx.RowTo[string]))(t)
}

// The schema that search_path names first is made when missing, even
// when a later one exists, its name quoted as the server reads it.
func TestSearchPathSchemaCreated(t *testing.T) {
	base := pgtest.URL(t)
	existing := schemaOfURL(t, base)
	name := existing + ` Made "Here"`
	t.Cleanup(func() { dropSchema(t, base, name) })

	path := pgx.Identifier{name}.Sanitize() + ", " + existing
	s := openURL(t, withQuery(t, base, "search_path", path))
	must(s.CreateZoo(t.Context(), zootour.Zoo{Name: "Zoo", Location: "Here"}))(t)
	conn := connect(t, base)
	if got := relations(t, conn, name); !slices.Contains(got, "zoos") || !slices.Contains(got, "zootour_schema_migrations") {
		t.Errorf("schema %q holds %q, want the store's tables", name, got)
	}
	if got := relations(t, conn, existing); len(got) != 0 {
		t.Errorf("schema %q, second in search_path, holds %q, want nothing", existing, got)
	}
}

// dropSchema drops the schema name, if it exists, through the database of
// base. It does not use the test's context: cleanups run after that
// context is canceled.
func dropSchema(t *testing.T, base, name string) {
	conn, err := pgx.Connect(context.Background(), base)
	if err != nil {
		t.Errorf("drop schema %q: %v", name, err)
		return
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE"); err != nil {
		t.Errorf("drop schema %q: %v", name, err)
	}
}

// A role that may not create schemas gets an error saying what to do, not
// the server's "no schema has been selected"; it needs no such right for
// a schema that exists.
func TestSearchPathSchemaNotAllowed(t *testing.T) {
	base := pgtest.URL(t)
	existing := schemaOfURL(t, base)
	role := existing + "_role"
	conn := connect(t, base)
	mustExec(t, conn, "CREATE ROLE "+role+" NOLOGIN")
	t.Cleanup(func() {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("drop role %s: %v", role, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP OWNED BY "+role+"; DROP ROLE "+role); err != nil {
			t.Errorf("drop role %s: %v", role, err)
		}
	})

	missing := existing + "_missing"
	s, err := postgres.Open(t.Context(), withQuery(t, base, "role", role, "search_path", missing))
	if err == nil {
		s.Close()
		dropSchema(t, base, missing)
		t.Fatalf("Open as %s, who may not create schemas, succeeded", role)
	}
	want := `the schema "` + missing + `" named by search_path does not exist and could not be created: create it or grant CREATE on the database`
	if !strings.Contains(err.Error(), want) {
		t.Errorf("Open: %q, want it to say %q", err, want)
	}
	if got := relations(t, conn, existing); len(got) != 0 {
		t.Errorf("schema %q holds %q after the failed Open, want nothing", existing, got)
	}

	mustExec(t, conn, "GRANT USAGE, CREATE ON SCHEMA "+existing+" TO "+role)
	s = openURL(t, withQuery(t, base, "role", role))
	must(s.CreateZoo(t.Context(), zootour.Zoo{Name: "Zoo", Location: "Here"}))(t)
}

// New makes a store on the caller's pool, migrated as Open does, and
// Close leaves that pool open.
func TestNew(t *testing.T) {
	ctx := t.Context()
	url := pgtest.URL(t)
	pool := must(pgxpool.New(ctx, url))(t)
	defer pool.Close()
	s := must(postgres.New(ctx, pool))(t)
	z := must(s.CreateZoo(ctx, zootour.Zoo{Name: "Zoo", Location: "Here"}))(t)
	check(t, s.Close())

	var n int
	if err := pool.QueryRow(ctx, "SELECT count(*) FROM zoos").Scan(&n); err != nil {
		t.Fatalf("the pool after the store's Close: %v", err)
	}
	if got, want := n, 1; got != want {
		t.Errorf("the pool counts %d zoos, want %d", got, want)
	}
	if got, want := versions(t, connect(t, url)), []int{1, 2, 3, 4, 5, 6, 7}; !slices.Equal(got, want) {
		t.Errorf("zootour_schema_migrations holds versions %v, want %v", got, want)
	}
	// A second store on the same pool finds the schema up to date.
	s = must(postgres.New(ctx, pool))(t)
	if _, err := s.Zoo(ctx, z.ID); err != nil {
		t.Errorf("the zoo through a second store: %v", err)
	}
}
