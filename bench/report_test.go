package bench

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestReport runs the whole report at two tiny sizes and checks that it
// has a row for every question, record and store, that every store gave
// the teaching model's answers, and that the chart is well-formed XML.
func TestReport(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Sizes = []int{2000, 5000}
	cfg.Dir = t.TempDir()
	cfg.Timer = Timer{Reps: 1}
	cfg.ImportReps = 1
	cfg.HTTPClients, cfg.HTTPRequests = 2, 20
	rep, err := Run(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	stores := []string{SQLite}
	if cfg.Postgres != "" {
		stores = append(stores, Postgres)
	}
	if got, want := rep.stores(), stores; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("stores measured = %v, want %v", got, want)
	}

	var md bytes.Buffer
	if err := rep.WriteMarkdown(&md, Command, "bench/latency.svg", "## Analysis\n\nWhy."); err != nil {
		t.Fatal(err)
	}
	text := md.String()
	for _, sr := range rep.Sizes {
		if got, want := len(sr.Rels), 2*len(Questions()); got != want {
			t.Errorf("%d visits: %d relationship rows, want %d", sr.Visits, got, want)
		}
		for _, row := range sr.Rels {
			line := "| " + row.Question.Name() + " | " + row.Record.Label() + " | " + count(row.Rows) + " |"
			if !strings.Contains(text, line) {
				t.Errorf("the report has no row starting %q", line)
			}
			for _, s := range stores {
				tm := row.Store[s]
				if tm == nil || tm.Time <= 0 || tm.Limit <= 0 {
					t.Errorf("%d visits, %s, %s: %s timing %+v", sr.Visits, row.Question.Name(), row.Record.Label(), s, tm)
				} else if tm.Wrong != "" {
					t.Errorf("%d visits, %s, %s: %s: %s", sr.Visits, row.Question.Name(), row.Record.Label(), s, tm.Wrong)
				}
			}
		}
		for _, row := range sr.Where {
			line := "| " + row.Question + " | " + row.Record.Label() + " |"
			if !strings.Contains(text, line) {
				t.Errorf("the report has no row starting %q", line)
			}
			for s, tm := range row.Store {
				if tm.Wrong != "" {
					t.Errorf("%d visits, %s, %s: %s: %s", sr.Visits, row.Question, row.Record.Label(), s, tm.Wrong)
				}
			}
		}
		if len(sr.FirstPages) != 6 || len(sr.Writes) != 2 {
			t.Errorf("%d visits: %d first pages, %d writes; want 6 and 2", sr.Visits, len(sr.FirstPages), len(sr.Writes))
		}
		for _, row := range sr.FirstPages {
			line := "| " + row.Question + " | " + row.Record.Label() + " | " + cell(row.Asked) + " | " + count(row.Rows) + " |"
			if !strings.Contains(text, line) {
				t.Errorf("the report has no row starting %q", line)
			}
			if row.Rows == 0 {
				t.Errorf("%d visits, %s: an empty answer measures nothing", sr.Visits, row.Question)
			}
			if row.Unit != "" && firstPageUnit(sr.FirstPages, row) == nil {
				t.Errorf("%d visits, %s: no unit %q", sr.Visits, row.Question, row.Unit)
			}
			for _, s := range stores {
				if tm := row.Store[s]; tm == nil || tm.Time <= 0 {
					t.Errorf("%d visits, %s: %s timing %+v", sr.Visits, row.Question, s, tm)
				} else if tm.Wrong != "" {
					t.Errorf("%d visits, %s: %s: %s", sr.Visits, row.Question, s, tm.Wrong)
				}
			}
		}
		for _, w := range sr.Writes {
			for _, s := range stores {
				if tm := w.Store[s]; tm == nil || tm.Time <= 0 || tm.Plain <= 0 {
					t.Errorf("%d visits, write for %s: %s timing %+v", sr.Visits, w.Record.Label(), s, tm)
				}
			}
		}
		for _, s := range stores {
			res := sr.Stores[s]
			if res.StaysFill <= 0 {
				t.Errorf("%d visits, %s: no time for the stays' share of the import", sr.Visits, s)
			}
			if res.ImportRate <= 0 || res.ExportRate <= 0 || res.HTTP.PerSecond <= 0 {
				t.Errorf("%d visits, %s: import %v, export %v, HTTP %v per second", sr.Visits, s, res.ImportRate, res.ExportRate, res.HTTP.PerSecond)
			}
			if s == SQLite && (res.CSVImport <= 0 || res.ShellImport <= 0) {
				t.Errorf("%d visits: CSV import %v s, shell %v s", sr.Visits, res.CSVImport, res.ShellImport)
			}
			if res.DownloadRate <= 0 || res.CSVExportRate <= 0 || res.DownloadPeak <= 0 || res.CSVExportPeak <= 0 {
				t.Errorf("%d visits, %s: download %v/s (peak %d), CSV export %v/s (peak %d)", sr.Visits, s, res.DownloadRate, res.DownloadPeak, res.CSVExportRate, res.CSVExportPeak)
			}
			if line := fmt.Sprintf("| %s | %s | %s | %s |", s, count(sr.Visits), count(res.DownloadRate), count(res.CSVExportRate)); !strings.Contains(text, line) {
				t.Errorf("the report has no row starting %q", line)
			}
			if len(res.Plans) != 2*len(Questions()) {
				t.Errorf("%d visits, %s: %d plans, want %d", sr.Visits, s, len(res.Plans), 2*len(Questions()))
			}
			if want := countFind(sr.Pages); len(res.PagePlans) != want {
				t.Errorf("%d visits, %s: %d page plans, want %d", sr.Visits, s, len(res.PagePlans), want)
			}
		}
		if len(sr.Pages) != 8 || !sr.Pages[0].Lookup {
			t.Errorf("%d visits: %d page rows (the first a lookup: %v), want 8", sr.Visits, len(sr.Pages), len(sr.Pages) > 0 && sr.Pages[0].Lookup)
		}
		for _, row := range sr.Pages {
			line := "| " + row.Question + " | " + cell(row.Asked) + " | " + count(row.Rows) + " |"
			if !strings.Contains(text, line) {
				t.Errorf("the report has no row starting %q", line)
			}
			if row.Rows == 0 {
				t.Errorf("%d visits, %s: an empty answer measures nothing", sr.Visits, row.Question)
			}
			for _, s := range stores {
				if tm := row.Store[s]; tm == nil || tm.Time <= 0 {
					t.Errorf("%d visits, %s: %s timing %+v", sr.Visits, row.Question, s, tm)
				} else if tm.Wrong != "" {
					t.Errorf("%d visits, %s: %s: %s", sr.Visits, row.Question, s, tm.Wrong)
				}
			}
		}
	}
	for _, heading := range []string{"## Targets at 5,000 visits", "## Growth with the number of visits", "## Where and when at 2,000 visits",
		"## Pages and searches at 5,000 visits", "a search page at most", "the last page of a listing costs the first's",
		"## Where and when, first pages at 2,000 visits", "## Writes at 5,000 visits", "contacts within 10x the first page of the busy animal's visits",
		"the first page of the census within 10x", "a write of one visit at most 1.5x the plain insert and delete", "an import of 5,000 visits at most 1.3x",
		"**Flatness of the where-and-when first pages**", "The stays' share of the import",
		"## Import, export, memory and disk", "## HTTP API under load", "## Query plans at 5,000 visits", Command, "![Latency", "## Analysis\n\nWhy."} {
		if !strings.Contains(text, heading) {
			t.Errorf("the report lacks %q", heading)
		}
	}

	// Saved results give the same report.
	saved, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var loaded Report
	if err := json.Unmarshal(saved, &loaded); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	if err := loaded.WriteMarkdown(&again, Command, "bench/latency.svg", "## Analysis\n\nWhy."); err != nil {
		t.Fatal(err)
	}
	if again.String() != text {
		t.Errorf("the report from saved results differs from the report")
	}

	var svg bytes.Buffer
	if err := rep.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(&svg)
	lines, root := 0, ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("the chart is not XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if root == "" {
				root = se.Name.Local
			}
			if se.Name.Local == "polyline" {
				lines++
			}
		}
	}
	if root != "svg" {
		t.Errorf("the chart's root element is %q, want svg", root)
	}
	// The teaching model and each store, for the typical and the busy zoo.
	if got, want := lines, 2*(1+len(stores)); got != want {
		t.Errorf("the chart has %d lines, want %d", got, want)
	}
}

// TestLoadSavedResults writes the report from the results saved by an
// earlier run, which may hold stores and fields since retired.
func TestLoadSavedResults(t *testing.T) {
	b, err := os.ReadFile("results.json")
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("no saved results")
	}
	if err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	var md, svg bytes.Buffer
	if err := rep.WriteMarkdown(&md, Command, "bench/latency.svg", ""); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteSVG(&svg); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(md.String(), "| memory |") {
		t.Errorf("the report from saved results has a row of the retired memory store")
	}
}

func countFind(rows []*PageRow) int {
	n := 0
	for _, r := range rows {
		if r.find != nil {
			n++
		}
	}
	return n
}

// TestStoreSQLCopies checks that the copies of the stores' SQL in
// storesql.go and pages.go still equal the stores' own.
func TestStoreSQLCopies(t *testing.T) {
	// The stays' share of an import replays the import's last step
	// (writes.go): PostgreSQL's statements are copies, SQLite's Rebuild is
	// the DELETE and the import's step.
	for file, copies := range map[string][]string{
		"../postgres/transfer.go": {pgRebuildingSQL, `insertRebuilding(ctx, tx, "stays", staysql.FillSQL(dialect))`,
			fmt.Sprintf("const bulkVisits = %d", pgBulkVisits)},
		"../postgres/stays.go": {`DaysBetween: func(a, b string) string { return fmt.Sprintf("(%s - %s)", b, a) },`,
			fmt.Sprintf("AllVisits: %q,", pgStaysDialect.AllVisits), fmt.Sprintf("Mark: %q,", pgStaysDialect.Mark)},
		"../sqlite/stays.go":         {"`DELETE FROM stays`); err != nil { return internal(err) } return fillStays(ctx, tx)"},
		"../sqlite/import_visits.go": {"if w.empty { return w.count, fillStays(ctx, tx) }"},
	} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(string(src)), " ")
		for _, c := range copies {
			if !strings.Contains(text, strings.Join(strings.Fields(c), " ")) {
				t.Errorf("%s has no %s any more; update the stays' fill in bench/writes.go", file, c)
			}
		}
	}
	for file, copies := range map[string]map[string]string{
		"../sqlite/relations.go":   sqliteStoreSQL,
		"../postgres/relations.go": postgresStoreSQL,
	} {
		consts := stringConsts(t, file)
		for name, text := range copies {
			if got, ok := consts[name]; !ok {
				t.Errorf("%s has no constant %s any more; update bench/storesql.go", file, name)
			} else if got != text {
				t.Errorf("%s: %s changed; update bench/storesql.go to:\n%s", file, name, got)
			}
		}
	}
}

// TestSQLitePragmasCopy checks that the limit's SQLite connection has the
// store's settings.
func TestSQLitePragmasCopy(t *testing.T) {
	src, err := os.ReadFile("../sqlite/sqlite.go")
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), "sqlite.go", src, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || vs.Names[0].Name != "pragmas" || len(vs.Values) != 1 {
			return true
		}
		if lit, ok := vs.Values[0].(*ast.CompositeLit); ok {
			for _, e := range lit.Elts {
				if bl, ok := e.(*ast.BasicLit); ok && bl.Kind == token.STRING {
					s, _ := strconv.Unquote(bl.Value)
					got = append(got, s)
				}
			}
		}
		return false
	})
	if strings.Join(got, " ") != strings.Join(sqlitePragmas, " ") {
		t.Errorf("sqlite/sqlite.go has pragmas %q; update sqlitePragmas in bench/limit.go (it has %q)", got, sqlitePragmas)
	}
}

// stringConsts returns the string constants declared in a Go file.
func stringConsts(t *testing.T, file string) map[string]string {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), file, src, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if i >= len(vs.Values) {
					continue
				}
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, err := strconv.Unquote(lit.Value); err == nil {
						out[name.Name] = s
					}
				}
			}
		}
	}
	return out
}

func TestMedianAndPercentile(t *testing.T) {
	ds := []time.Duration{5, 1, 4, 2, 3}
	if got, want := medianOf(ds), time.Duration(3); got != want {
		t.Errorf("medianOf(%v) = %v, want %v", ds, got, want)
	}
	sorted := make([]time.Duration, 100)
	for i := range sorted {
		sorted[i] = time.Duration(i + 1)
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{50, 50}, {99, 99}, {100, 100}, {1, 1}} {
		if got := percentile(sorted, c.p); got != c.want {
			t.Errorf("percentile(1..100, %v) = %v, want %v", c.p, got, c.want)
		}
	}
}

func TestFormats(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{count(1234567), "1,234,567"},
		{count(999.0), "999"},
		{count(2.54), "2.5"},
		{dur(1234 * time.Microsecond), "1.23 ms"},
		{dur(56789 * time.Nanosecond), "56.8 µs"},
		{dur(2 * time.Second), "2.00 s"},
		{short(1_000_000), "10^6"},
		{short(2000), "2k"},
		{decade(-6), "1 µs"},
		{decade(-1), "100 ms"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
