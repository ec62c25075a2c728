package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/postgres"
	"github.com/zootour/zootour/postgres/pgtest"
)

// open returns a store in a fresh schema, closed when the test ends.
func open(t testing.TB) *postgres.Store {
	t.Helper()
	return openURL(t, pgtest.URL(t))
}

func openURL(t testing.TB, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// connect opens a plain connection to url, for looking behind the store.
func connect(t testing.TB, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// must returns v, or ends the test if err is not nil:
// z := must(s.CreateZoo(ctx, ...))(t).
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// check ends the test if err is not nil.
func check(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t testing.TB, what string, err error, code string) {
	t.Helper()
	if got := zootour.ErrorCode(err); got != code {
		t.Errorf("%s: error %v has code %q, want %q", what, err, got, code)
	}
}

func TestMigrations(t *testing.T) {
	ctx := t.Context()
	url := pgtest.URL(t)
	openURL(t, url)
	openURL(t, url) // a second open finds the schema up to date

	conn := connect(t, url)
	var versions []int
	rows, _ := conn.Query(ctx, "SELECT version FROM zootour_schema_migrations ORDER BY version")
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprint(versions), "[1 2 3 4 5 6 7]"; got != want {
		t.Errorf("zootour_schema_migrations holds versions %s, want %s", got, want)
	}
	for _, table := range []string{"zoos", "animals", "visits"} {
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Errorf("table %s: %v", table, err)
		}
	}
}

func TestConcurrentOpen(t *testing.T) {
	url := pgtest.URL(t)
	const n = 6
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			s, err := postgres.Open(t.Context(), url)
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
	var rows int
	if err := connect(t, url).QueryRow(t.Context(), "SELECT count(*) FROM zootour_schema_migrations").Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 7 {
		t.Errorf("zootour_schema_migrations has %d rows after concurrent opens, want 7 (one per migration)", rows)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	url := pgtest.URL(t)
	openURL(t, url)
	if _, err := connect(t, url).Exec(t.Context(), "INSERT INTO zootour_schema_migrations (version) VALUES (9999)"); err != nil {
		t.Fatal(err)
	}
	s, err := postgres.Open(t.Context(), url)
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded on a database with schema version 9999")
	}
	if msg := err.Error(); !strings.Contains(msg, "9999") || !strings.Contains(msg, "version 7") {
		t.Errorf("Open: %q, want a message naming version 9999 and this binary's version 7", msg)
	}
}

func TestErrors(t *testing.T) {
	s, ctx := open(t), t.Context()
	z := must(s.CreateZoo(ctx, zootour.Zoo{Name: "Zoo", Location: "Here"}))(t)
	a := must(s.CreateAnimal(ctx, zootour.Animal{Name: "Ann", Species: "ant"}))(t)
	v := must(s.CreateVisit(ctx, zootour.Visit{Date: zootour.MustDate("2024-01-01"), ZooID: z.ID, AnimalID: a.ID}))(t)

	// A missing zoo is reported before the animal's other visit that day.
	_, err := s.CreateVisit(ctx, zootour.Visit{Date: v.Date, ZooID: z.ID + 100, AnimalID: a.ID})
	wantCode(t, "visit to a missing zoo", err, zootour.EINVALID)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("zoo %d", z.ID+100)) {
		t.Errorf("visit to a missing zoo: %v, want the zoo named", err)
	}
	_, err = s.CreateVisit(ctx, zootour.Visit{Date: v.Date, ZooID: z.ID, AnimalID: a.ID + 100})
	wantCode(t, "visit of a missing animal", err, zootour.EINVALID)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("animal %d", a.ID+100)) {
		t.Errorf("visit of a missing animal: %v, want the animal named", err)
	}
	_, err = s.CreateVisit(ctx, zootour.Visit{Date: v.Date, ZooID: z.ID, AnimalID: a.ID})
	wantCode(t, "second visit on a date", err, zootour.ECONFLICT)
	_, err = s.UpdateVisit(ctx, v.ID, zootour.VisitUpdate{ZooID: new(z.ID + 100)})
	wantCode(t, "update to a missing zoo", err, zootour.EINVALID)
	_, err = s.CreateZoo(ctx, zootour.Zoo{Name: strings.Repeat("x", 201), Location: "Here"})
	wantCode(t, "long name", err, zootour.EINVALID)
	wantCode(t, "delete a zoo with visits", s.DeleteZoo(ctx, z.ID, false), zootour.ECONFLICT)
	wantCode(t, "delete an animal with visits", s.DeleteAnimal(ctx, a.ID, false), zootour.ECONFLICT)
	wantCode(t, "delete a missing zoo with cascade", s.DeleteZoo(ctx, z.ID+100, true), zootour.ENOTFOUND)
	_, err = s.ZooVisits(ctx, z.ID+100, zootour.Query{})
	wantCode(t, "visits of a missing zoo", err, zootour.ENOTFOUND)
	_, err = s.AnimalZoos(ctx, a.ID, zootour.Query{From: zootour.MustDate("2024-02-01"), To: zootour.MustDate("2024-01-01")})
	wantCode(t, "backward window", err, zootour.EINVALID)

	check(t, s.DeleteZoo(ctx, z.ID, true))
	if got := must(s.Counts(ctx))(t); got != (zootour.Counts{Animals: 1}) {
		t.Errorf("Counts after cascade = %+v, want only the animal", got)
	}
}

// lockVisits holds an exclusive lock on the visits table of url until the
// test ends, so that any statement that reads visits waits.
func lockVisits(t *testing.T, url string) *pgx.Conn {
	conn := connect(t, url)
	tx := must(conn.Begin(t.Context()))(t)
	t.Cleanup(func() { tx.Rollback(context.Background()) })
	if _, err := tx.Exec(t.Context(), "LOCK TABLE visits IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	return conn
}

// waiting returns how many other backends of the database wait for a lock.
func waiting(t *testing.T, conn *pgx.Conn) int {
	var n int
	err := conn.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// waitFor polls cond until it holds or ten seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting until %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A statement that runs out of time fails with an internal error: not
// "not found", not an empty answer.
func TestStatementTimeout(t *testing.T) {
	url := pgtest.URL(t)
	// The schema is made first without the bound, which a migration's
	// statement can pass on a busy machine; the store then opens on it
	// without running any.
	openURL(t, url).Close()
	s := openURL(t, url+"&statement_timeout=100")
	ctx := t.Context()
	z := must(s.CreateZoo(ctx, zootour.Zoo{Name: "Zoo", Location: "Here"}))(t)
	lockVisits(t, url)

	visits, err := s.ZooVisits(ctx, z.ID, zootour.Query{})
	wantCode(t, "ZooVisits", err, zootour.EINTERNAL)
	if visits != nil {
		t.Errorf("ZooVisits = %v, want nothing", visits)
	}
	_, err = s.Visit(ctx, 1)
	wantCode(t, "Visit", err, zootour.EINTERNAL)
	err = s.DeleteZoo(ctx, z.ID, true)
	wantCode(t, "DeleteZoo", err, zootour.EINTERNAL)
	if _, err := s.Zoo(ctx, z.ID); err != nil {
		t.Errorf("the zoo is gone after a failed delete: %v", err)
	}
}

// Canceling the context stops the statement on the server, not only the
// wait for its answer.
func TestCancelReachesServer(t *testing.T) {
	url := pgtest.URL(t)
	s := openURL(t, url)
	z := must(s.CreateZoo(t.Context(), zootour.Zoo{Name: "Zoo", Location: "Here"}))(t)
	conn := lockVisits(t, url)
	watch := connect(t, url)

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error)
	go func() {
		_, err := s.ZooVisits(ctx, z.ID, zootour.Query{})
		done <- err
	}()
	waitFor(t, "the listing waits for the lock", func() bool { return waiting(t, watch) == 1 })
	cancel()
	err := <-done
	if !errors.Is(err, context.Canceled) {
		t.Errorf("ZooVisits after cancel: %v, want context.Canceled", err)
	}
	wantCode(t, "ZooVisits after cancel", err, zootour.EINTERNAL)
	// The lock is still held: only a cancel request frees the backend.
	waitFor(t, "the server stops the statement", func() bool { return waiting(t, watch) == 0 })
	_ = conn
}

// source returns a Source of the given records.
func source(zoos []zootour.Zoo, animals []zootour.Animal, visits []zootour.Visit) zootour.Source {
	return zootour.Source{Zoos: seq(zoos), Animals: seq(animals), Visits: seq(visits)}
}

func seq[T any](recs []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func TestImportErrors(t *testing.T) {
	d := zootour.MustDate
	zoo := func(id int64) zootour.Zoo { return zootour.Zoo{ID: id, Name: "Zoo", Location: "Here"} }
	animal := func(id int64) zootour.Animal { return zootour.Animal{ID: id, Name: "Ann", Species: "ant"} }
	visit := func(id int64, date string, zooID, animalID int64) zootour.Visit {
		return zootour.Visit{ID: id, Date: d(date), ZooID: zooID, AnimalID: animalID}
	}
	// The store already holds zoo 1, animal 1 and visit 1 (2024-01-01).
	zoos := []zootour.Zoo{zoo(10), zoo(11)}
	animals := []zootour.Animal{animal(10), animal(11)}
	tests := []struct {
		name    string
		src     zootour.Source
		kind    string
		record  int
		code    string
		message string
	}{
		{"zoo ID taken", source([]zootour.Zoo{zoo(10), zoo(1)}, nil, nil), "zoos", 2, zootour.ECONFLICT, "zoo ID 1"},
		{"zoo ID twice", source([]zootour.Zoo{zoo(10), zoo(11), zoo(10)}, nil, nil), "zoos", 3, zootour.ECONFLICT, "zoo ID 10"},
		{"zoo ID zero", source([]zootour.Zoo{zoo(10), zoo(0)}, nil, nil), "zoos", 2, zootour.EINVALID, "id"},
		{"zoo without name", source([]zootour.Zoo{{ID: 10, Location: "x"}}, nil, nil), "zoos", 1, zootour.EINVALID, "name"},
		{"animal ID twice", source(zoos, []zootour.Animal{animal(10), animal(10)}, nil), "animals", 2, zootour.ECONFLICT, "animal ID 10"},
		{"animal ID taken", source(zoos, []zootour.Animal{animal(1)}, nil), "animals", 1, zootour.ECONFLICT, "animal ID 1"},
		{"visit ID taken", source(zoos, animals, []zootour.Visit{visit(10, "2024-01-01", 10, 10), visit(1, "2024-01-02", 10, 10)}), "visits", 2, zootour.ECONFLICT, "visit ID 1"},
		{"visit to a missing zoo", source(zoos, animals, []zootour.Visit{visit(10, "2024-01-01", 10, 10), visit(11, "2024-01-01", 12, 11)}), "visits", 2, zootour.EINVALID, "zoo 12"},
		{"visit of a missing animal", source(zoos, animals, []zootour.Visit{visit(10, "2024-01-01", 1, 12)}), "visits", 1, zootour.EINVALID, "animal 12"},
		{"animal twice on a date", source(zoos, animals, []zootour.Visit{visit(10, "2024-01-01", 10, 10), visit(11, "2024-01-02", 10, 10), visit(12, "2024-01-01", 11, 10)}), "visits", 3, zootour.ECONFLICT, "2024-01-01"},
		{"animal on a date it is stored", source(nil, nil, []zootour.Visit{visit(10, "2024-01-01", 1, 1)}), "visits", 1, zootour.ECONFLICT, "animal 1 already has a visit on 2024-01-01"},
		// An earlier record at fault is reported before a later bad one.
		{"conflict before a bad record", source(zoos, animals, []zootour.Visit{visit(10, "2024-01-01", 10, 10), visit(10, "2024-01-02", 10, 10), visit(11, "2024-01-03", 0, 10)}), "visits", 2, zootour.ECONFLICT, "visit ID 10"},
		{"bad record after good ones", source(zoos, animals, []zootour.Visit{visit(10, "2024-01-01", 10, 10), visit(11, "2024-01-03", 0, 10)}), "visits", 2, zootour.EINVALID, "zoo_id"},
		{"first of two faults", source(zoos, animals, []zootour.Visit{visit(10, "2024-01-01", 99, 10), visit(1, "2024-01-02", 10, 10)}), "visits", 1, zootour.EINVALID, "zoo 99"},
	}
	s, ctx := open(t), t.Context()
	check(t, s.Import(ctx, source([]zootour.Zoo{zoo(1)}, []zootour.Animal{animal(1)}, []zootour.Visit{visit(1, "2024-01-01", 1, 1)})))
	want := must(s.Counts(ctx))(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Import(ctx, tt.src)
			var re *zootour.RecordError
			if !errors.As(err, &re) {
				t.Fatalf("Import: %v, want a RecordError", err)
			}
			if re.Kind != tt.kind || re.Record != tt.record {
				t.Errorf("Import: %v, want %s record %d", err, tt.kind, tt.record)
			}
			wantCode(t, "Import", err, tt.code)
			if !strings.Contains(err.Error(), tt.message) {
				t.Errorf("Import: %q, want it to mention %q", err, tt.message)
			}
			if got := must(s.Counts(ctx))(t); got != want {
				t.Errorf("Counts after a failed import = %+v, want %+v", got, want)
			}
		})
	}
}

func TestImportSourceError(t *testing.T) {
	s, ctx := open(t), t.Context()
	bad := errors.New("line 3: bad quote")
	src := zootour.Source{Zoos: func(yield func(zootour.Zoo, error) bool) {
		if yield(zootour.Zoo{ID: 1, Name: "Zoo", Location: "Here"}, nil) {
			yield(zootour.Zoo{}, bad)
		}
	}}
	if err := s.Import(ctx, src); err != bad {
		t.Errorf("Import: %v, want the source's error", err)
	}
	if got := must(s.Counts(ctx))(t); got != (zootour.Counts{}) {
		t.Errorf("Counts after a failed import = %+v, want none", got)
	}
}

// After an import, new records get IDs above the imported ones, and IDs
// handed out before are never handed out again.
func TestImportSequences(t *testing.T) {
	s, ctx := open(t), t.Context()
	z1 := must(s.CreateZoo(ctx, zootour.Zoo{Name: "A", Location: "B"}))(t)
	z2 := must(s.CreateZoo(ctx, zootour.Zoo{Name: "A", Location: "B"}))(t)
	z3 := must(s.CreateZoo(ctx, zootour.Zoo{Name: "A", Location: "B"}))(t)
	check(t, s.DeleteZoo(ctx, z3.ID, false))
	check(t, s.Import(ctx, source(
		[]zootour.Zoo{{ID: z2.ID + 5, Name: "I", Location: "J"}},
		[]zootour.Animal{{ID: 40, Name: "I", Species: "J"}},
		[]zootour.Visit{{ID: 70, Date: zootour.MustDate("2020-02-29"), ZooID: z1.ID, AnimalID: 40}})))
	if z := must(s.CreateZoo(ctx, zootour.Zoo{Name: "A", Location: "B"}))(t); z.ID != z2.ID+6 {
		t.Errorf("zoo after import has ID %d, want %d", z.ID, z2.ID+6)
	}
	check(t, s.DeleteZoo(ctx, z2.ID+6, false))
	check(t, s.Import(ctx, source([]zootour.Zoo{{ID: 1000, Name: "I", Location: "J"}}, nil, nil)))
	check(t, s.DeleteZoo(ctx, 1000, false))
	check(t, s.Import(ctx, source([]zootour.Zoo{{ID: 500, Name: "I", Location: "J"}}, nil, nil)))
	if z := must(s.CreateZoo(ctx, zootour.Zoo{Name: "A", Location: "B"}))(t); z.ID != 1001 {
		t.Errorf("zoo after imports has ID %d, want 1001: an import must not move the sequence back", z.ID)
	}
	if a := must(s.CreateAnimal(ctx, zootour.Animal{Name: "A", Species: "B"}))(t); a.ID != 41 {
		t.Errorf("animal after import has ID %d, want 41", a.ID)
	}
	v := must(s.CreateVisit(ctx, zootour.Visit{Date: zootour.MustDate("2020-03-01"), ZooID: z1.ID, AnimalID: 40}))(t)
	if v.ID != 71 {
		t.Errorf("visit after import has ID %d, want 71", v.ID)
	}
}

// schemaOf describes the keys, constraints and indexes of the store's
// tables, as the catalog has them.
func schemaOf(t *testing.T, conn *pgx.Conn) []string {
	rows, _ := conn.Query(t.Context(), `
SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
WHERE connamespace = current_schema()::regnamespace
UNION ALL
SELECT indexrelid::regclass::text || ' ' || pg_get_indexdef(indexrelid) FROM pg_index
WHERE indrelid IN ('zoos'::regclass, 'animals'::regclass, 'visits'::regclass, 'stays'::regclass)
ORDER BY 1`)
	return must(pgx.CollectRows(rows, pgx.RowTo[string]))(t)
}

// A large import into an empty visits table takes the path that rebuilds
// its keys and indexes afterwards: the schema must come out the same, and
// a record at fault must still be named.
func TestBulkImport(t *testing.T) {
	const n = 12000
	tests := []struct {
		name   string
		edit   func(i int, v *zootour.Visit)
		record int
		code   string
	}{
		{"visit ID twice", func(i int, v *zootour.Visit) {
			if i == 11000 {
				v.ID = 5
			}
		}, 11001, zootour.ECONFLICT},
		{"missing zoo", func(i int, v *zootour.Visit) {
			if i == 10500 {
				v.ZooID = 1000
			}
		}, 10501, zootour.EINVALID},
		{"missing animal", func(i int, v *zootour.Visit) {
			if i == 10600 {
				v.AnimalID = 1000
			}
		}, 10601, zootour.EINVALID},
		{"animal twice on a date", func(i int, v *zootour.Visit) {
			if i == 11999 {
				v.Date = zootour.MustDate("2000-01-01")
			}
		}, 12000, zootour.ECONFLICT},
	}
	url := pgtest.URL(t)
	s, ctx := openURL(t, url), t.Context()
	conn := connect(t, url)
	want := schemaOf(t, conn)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Import(ctx, generated(10, 100, n, 1, "2000-01-01", tt.edit))
			var re *zootour.RecordError
			if !errors.As(err, &re) || re.Kind != "visits" || re.Record != tt.record {
				t.Errorf("Import: %v, want an error for visits record %d", err, tt.record)
			}
			wantCode(t, "Import", err, tt.code)
			if got := must(s.Counts(ctx))(t); got != (zootour.Counts{}) {
				t.Errorf("Counts after a failed import = %+v, want none", got)
			}
		})
	}
	check(t, s.Import(ctx, generated(10, 100, n, 1, "2000-01-01", nil)))
	if got := must(s.Counts(ctx))(t); got != (zootour.Counts{Zoos: 10, Animals: 100, Visits: n}) {
		t.Errorf("Counts after the import = %+v", got)
	}
	if got := schemaOf(t, conn); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("schema after a bulk import:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// The stays went in the same way, and are those of the visits.
	if diffs, err := s.Check(ctx, 10); err != nil || len(diffs) > 0 {
		t.Errorf("Check after a bulk import = %q, %v; want no differences", diffs, err)
	}
	// The constraints work again.
	_, err := s.CreateVisit(ctx, zootour.Visit{Date: zootour.MustDate("2000-01-01"), ZooID: 1, AnimalID: 1})
	wantCode(t, "a second visit on a date after the import", err, zootour.ECONFLICT)
	_, err = s.CreateVisit(ctx, zootour.Visit{Date: zootour.MustDate("2000-01-01"), ZooID: 11, AnimalID: 1})
	wantCode(t, "a visit to a missing zoo after the import", err, zootour.EINVALID)
}
