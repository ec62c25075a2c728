package postgres_test

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/postgres"
	"github.com/zootour/zootour/postgres/pgtest"
	"github.com/zootour/zootour/storetest"
)

// openPartitioned returns a store in a fresh schema whose visits are in n
// partitions, closed when the test ends.
func openPartitioned(t testing.TB, url string, n int) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url, postgres.WithPartitionedVisits(n))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStorePartitioned(t *testing.T) {
	storetest.Run(t, func(t *testing.T) zootour.Store { return openPartitioned(t, pgtest.URL(t), 4) })
}

// TestPartitionedLayout checks that visits and stays are partitioned into
// n tables that the rows spread over, and that the partitioned tables have
// every index, constraint and trigger-free definition of the plain ones
// but the keys that must hold the partition key.
func TestPartitionedLayout(t *testing.T) {
	ctx := t.Context()
	const n = 8
	url := pgtest.URL(t)
	s := openPartitioned(t, url, n)
	conn := connect(t, url)

	for _, table := range []string{"visits", "stays"} {
		var kind string
		var parts int
		err := conn.QueryRow(ctx, `SELECT c.relkind::text, (SELECT count(*) FROM pg_inherits WHERE inhparent = c.oid)
FROM pg_class c WHERE c.oid = $1::regclass`, table).Scan(&kind, &parts)
		check(t, err)
		if kind != "p" || parts != n {
			t.Errorf("%s: relkind %q with %d partitions, want \"p\" with %d", table, kind, parts, n)
		}
	}

	zoo := must(s.CreateZoo(ctx, zootour.Zoo{Name: "Z", Location: "L"}))(t)
	const animals = 64
	for i := range animals {
		a := must(s.CreateAnimal(ctx, zootour.Animal{Name: "A", Species: "S"}))(t)
		must(s.CreateVisit(ctx, zootour.Visit{Date: zootour.MustDate("2024-01-01").AddDays(i), ZooID: zoo.ID, AnimalID: a.ID}))(t)
	}
	for _, table := range []string{"visits", "stays"} {
		rows, _ := conn.Query(ctx, `SELECT count(*) FROM `+table+` GROUP BY tableoid`)
		counts, err := pgx.CollectRows(rows, pgx.RowTo[int])
		check(t, err)
		// 64 animals over 8 partitions: each should get some.
		if len(counts) < n-1 || slices.Max(counts) > animals/2 {
			t.Errorf("%s: rows per partition %v: not spread over %d partitions", table, counts, n)
		}
	}
	var ids int
	check(t, conn.QueryRow(ctx, `SELECT count(*) FROM visit_ids`).Scan(&ids))
	if got, want := ids, animals; got != want {
		t.Errorf("visit_ids has %d rows, want %d", got, want)
	}

	// The same indexes and constraints as the plain layout, by name and
	// definition, but for the primary key of visits, which must hold the
	// partition key.
	plainURL := pgtest.URL(t)
	openURL(t, plainURL)
	got, want := definitions(t, conn), definitions(t, connect(t, plainURL))
	for _, name := range []string{"visits_pkey", "visits_pkey index"} {
		if !strings.Contains(got[name], "(id, animal_id)") || !strings.Contains(want[name], "(id)") {
			t.Errorf("%s: partitioned %q, plain %q", name, got[name], want[name])
		}
		delete(got, name)
		delete(want, name)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("definitions of visits and stays (-plain +partitioned):\n%s", diff)
	}
}

// definitions returns the constraints and indexes of visits and stays,
// by name, with the tables' names left out of the indexes' definitions.
func definitions(t *testing.T, conn *pgx.Conn) map[string]string {
	t.Helper()
	rows, _ := conn.Query(t.Context(), `
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid IN ('visits'::regclass, 'stays'::regclass)
UNION ALL
SELECT c.relname || ' index', regexp_replace(pg_get_indexdef(i.indexrelid), ' ON (ONLY )?\S+ ', ' ON t ')
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid IN ('visits'::regclass, 'stays'::regclass)`)
	type def struct{ Name, Def string }
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[def])
	check(t, err)
	defs := map[string]string{}
	for _, d := range list {
		defs[d.Name] = d.Def
	}
	return defs
}

// TestPartitionedChoice checks that the layout is chosen only when the
// database is created: an existing database opened with another choice is
// refused, saying why, and left as it was; without the option either
// layout opens as it is.
func TestPartitionedChoice(t *testing.T) {
	ctx := t.Context()
	layout := func(url string) (int, string) {
		conn := connect(t, url)
		var parts int
		var versions string
		check(t, conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM pg_inherits WHERE inhparent = 'visits'::regclass),
	(SELECT string_agg(version::text, ',' ORDER BY version) FROM zootour_schema_migrations)`).Scan(&parts, &versions))
		return parts, versions
	}
	refused := func(url string, opt postgres.Option, want string) {
		t.Helper()
		before, beforeVersions := layout(url)
		s, err := postgres.Open(ctx, url, opt)
		if err == nil {
			s.Close()
			t.Fatalf("Open with another layout: no error")
		}
		wantCode(t, "Open with another layout", err, zootour.EINVALID)
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Open with another layout: %q, want it to say %q", err, want)
		}
		if after, afterVersions := layout(url); after != before || afterVersions != beforeVersions {
			t.Errorf("Open with another layout changed %d partitions (%s) into %d (%s)", before, beforeVersions, after, afterVersions)
		}
	}

	plain := pgtest.URL(t)
	openURL(t, plain)
	refused(plain, postgres.WithPartitionedVisits(8),
		"the visits table of this database is not partitioned; partitioning is chosen when the database is created")

	parted := pgtest.URL(t)
	openPartitioned(t, parted, 4)
	refused(parted, postgres.WithPartitionedVisits(8),
		"the visits table of this database is partitioned into 4 tables, not 8; partitioning is chosen when the database is created")
	openPartitioned(t, parted, 4) // the same choice opens
	openURL(t, parted)            // and so does none
	if n, _ := layout(parted); n != 4 {
		t.Errorf("visits has %d partitions, want 4", n)
	}

	for _, n := range []int{-1, 0, 1, 257} {
		_, err := postgres.Open(ctx, pgtest.URL(t), postgres.WithPartitionedVisits(n))
		wantCode(t, "WithPartitionedVisits("+strconv.Itoa(n)+")", err, zootour.EINVALID)
	}
}

// TestPartitionedIDTaken checks that a visit ID is one across partitions:
// an import that brings the ID of another animal's visit, or the same ID
// twice for two animals, fails as on a plain store, whose primary key is
// the ID alone; and a bulk import (which rebuilds the keys and indexes)
// leaves every partition with them.
func TestPartitionedIDTaken(t *testing.T) {
	ctx := t.Context()
	const parts = 2
	partedURL := pgtest.URL(t)
	stores := map[string]*postgres.Store{"plain": open(t), "partitioned": openPartitioned(t, partedURL, parts)}
	zoo := zootour.Zoo{ID: 1, Name: "Z", Location: "L"}
	// Animals 1 and 3 fall in different partitions of 2: checked below.
	a1, a2 := zootour.Animal{ID: 1, Name: "A", Species: "S"}, zootour.Animal{ID: 3, Name: "B", Species: "S"}
	day := zootour.MustDate("2024-05-01")
	cases := []struct {
		name   string
		visits []zootour.Visit
	}{
		{"taken by another animal", []zootour.Visit{{ID: 10, Date: day.AddDays(1), ZooID: 1, AnimalID: 3}}},
		{"twice in one import", []zootour.Visit{{ID: 11, Date: day.AddDays(2), ZooID: 1, AnimalID: 1}, {ID: 11, Date: day.AddDays(2), ZooID: 1, AnimalID: 3}}},
	}
	errs := map[string][]string{}
	for _, name := range []string{"plain", "partitioned"} {
		s := stores[name]
		check(t, s.Import(ctx, source([]zootour.Zoo{zoo}, []zootour.Animal{a1, a2}, []zootour.Visit{{ID: 10, Date: day, ZooID: 1, AnimalID: 1}})))
		for _, c := range cases {
			err := s.Import(ctx, source(nil, nil, c.visits))
			wantCode(t, name+": "+c.name, err, zootour.ECONFLICT)
			errs[name] = append(errs[name], zootour.ErrorMessage(err))
		}
		if got := must(s.Counts(ctx))(t).Visits; got != 1 {
			t.Errorf("%s: %d visits after the failed imports, want 1", name, got)
		}
		v := must(s.Visit(ctx, 10))(t)
		if v.AnimalID != 1 {
			t.Errorf("%s: visit 10 is %+v, want animal 1's", name, v)
		}
	}
	if diff := cmp.Diff(errs["plain"], errs["partitioned"]); diff != "" {
		t.Errorf("errors (-plain +partitioned):\n%s", diff)
	}
	for _, e := range errs["plain"] {
		if !strings.Contains(e, "visit ID 1") || !strings.Contains(e, "is already taken") {
			t.Errorf("error %q does not say the visit ID is taken", e)
		}
	}

	// Animals 1 and 3 are in two partitions, so only visit_ids saw the
	// taken IDs.
	conn := connect(t, partedURL)
	var same bool
	check(t, conn.QueryRow(ctx, `SELECT satisfies_hash_partition('visits'::regclass, $1, 0, 1::bigint) = satisfies_hash_partition('visits'::regclass, $1, 0, 3::bigint)`, parts).Scan(&same))
	if same {
		t.Fatal("animals 1 and 3 hash to one partition: choose others")
	}
}

// TestPartitionedBulkImport imports enough visits into an empty
// partitioned store for the import to drop and rebuild the keys and
// indexes: every partition has them again, and an ID taken in another
// partition is still refused.
func TestPartitionedBulkImport(t *testing.T) {
	ctx := t.Context()
	url := pgtest.URL(t)
	s := openPartitioned(t, url, 4)
	check(t, s.Import(ctx, generated(20, 200, 12000, 1, "2020-01-01", nil)))
	conn := connect(t, url)
	var missing int
	// Each partition has as many indexes as its table.
	check(t, conn.QueryRow(ctx, `SELECT count(*) FROM pg_inherits h, LATERAL (
	SELECT (SELECT count(*) FROM pg_index WHERE indrelid = h.inhrelid) <> (SELECT count(*) FROM pg_index WHERE indrelid = h.inhparent) AS short) x
WHERE h.inhparent IN ('visits'::regclass, 'stays'::regclass) AND x.short`).Scan(&missing))
	if missing != 0 {
		t.Errorf("%d partitions lack indexes of their table after a bulk import", missing)
	}
	var ids int
	check(t, conn.QueryRow(ctx, `SELECT count(*) FROM visit_ids`).Scan(&ids))
	if got, want := ids, 12000; got != want {
		t.Errorf("visit_ids has %d rows, want %d", got, want)
	}
	// Visit 1 is animal 1's; 5 is animal 5's, on the first day.
	err := s.Import(ctx, source(nil, nil, []zootour.Visit{{ID: 1, Date: zootour.MustDate("2019-01-01"), ZooID: 1, AnimalID: 5}}))
	wantCode(t, "import of a taken ID", err, zootour.ECONFLICT)
	if got, want := zootour.ErrorMessage(err), "visit ID 1 is already taken"; !strings.Contains(got, want) {
		t.Errorf("import of a taken ID: %q, want it to say %q", got, want)
	}
	if diff, err := s.Check(ctx, 0); err != nil || len(diff) > 0 {
		t.Errorf("Check after a bulk import: %v, %v", diff, err)
	}
}

// partitionScan matches a plan's scan of a partition of visits (visits_3,
// not its index visits_3_pkey).
var partitionScan = regexp.MustCompile(`Scan.* on visits_[0-9]+ `)

// TestPartitionedVisitByID checks that a visit read by its ID probes one
// partition of visits, its animal's, not all of them, under the generic
// plan a prepared statement gets (the ID known only when it runs), and
// that both layouts' statements find the visit.
func TestPartitionedVisitByID(t *testing.T) {
	ctx := t.Context()
	const n = 8
	url := pgtest.URL(t)
	s := openPartitioned(t, url, n)
	zoo := must(s.CreateZoo(ctx, zootour.Zoo{Name: "Z", Location: "L"}))(t)
	var last zootour.Visit
	for i := range 16 {
		a := must(s.CreateAnimal(ctx, zootour.Animal{Name: "A", Species: "S"}))(t)
		last = must(s.CreateVisit(ctx, zootour.Visit{Date: zootour.MustDate("2024-01-01").AddDays(i), ZooID: zoo.ID, AnimalID: a.ID}))(t)
	}
	if got := must(s.Visit(ctx, last.ID))(t); got != last {
		t.Fatalf("Visit(%d) = %+v, want %+v", last.ID, got, last)
	}
	conn := connect(t, url)
	_, err := conn.Exec(ctx, `SET plan_cache_mode = force_generic_plan`)
	check(t, err)
	for _, partitioned := range []bool{false, true} {
		_, err := conn.Exec(ctx, `PREPARE by_id (bigint) AS `+postgres.VisitByIDSQL(partitioned))
		check(t, err)
		rows, _ := conn.Query(ctx, `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE by_id(`+strconv.FormatInt(last.ID, 10)+`)`)
		lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
		check(t, err)
		_, err = conn.Exec(ctx, `DEALLOCATE by_id`)
		check(t, err)
		plan := strings.Join(lines, "\n")
		probed := 0 // scans of a partition that ran
		for _, line := range lines {
			if partitionScan.MatchString(line) && !strings.Contains(line, "(never executed)") {
				probed++
			}
		}
		want := n
		if partitioned {
			want = 1
		}
		if probed != want || !strings.Contains(plan, "rows=1 loops=1") {
			t.Errorf("partitioned statement %v: %d partitions probed, want %d:\n%s", partitioned, probed, want, plan)
		}
	}
}
