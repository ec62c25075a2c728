package csvio

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/sqlite"
)

// stores are the stores every import and export test runs against. They
// word their complaints about a record differently, so the tests check only
// what csvio adds: the file, the line and the code.
var stores = map[string]func(testing.TB) zootour.Store{
	"fake": func(testing.TB) zootour.Store { return newFake() },
	"sqlite": func(tb testing.TB) zootour.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "zootour.db"))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { s.Close() })
		return s
	},
}

// records holds what a store holds, as its Export lists it.
type records struct {
	Zoos    []zootour.Zoo
	Animals []zootour.Animal
	Visits  []zootour.Visit
}

func (r *records) Zoo(z zootour.Zoo) error       { r.Zoos = append(r.Zoos, z); return nil }
func (r *records) Animal(a zootour.Animal) error { r.Animals = append(r.Animals, a); return nil }
func (r *records) Visit(v zootour.Visit) error   { r.Visits = append(r.Visits, v); return nil }
func (r records) equal(o records) bool {
	return slices.Equal(r.Zoos, o.Zoos) && slices.Equal(r.Animals, o.Animals) && slices.Equal(r.Visits, o.Visits)
}

func dump(tb testing.TB, s zootour.Store) records {
	tb.Helper()
	var r records
	if err := s.Export(context.Background(), &r); err != nil {
		tb.Fatalf("Export: %v", err)
	}
	return r
}

func seqOf[T any](items []T) func(func(T, error) bool) {
	return func(yield func(T, error) bool) {
		for _, x := range items {
			if !yield(x, nil) {
				return
			}
		}
	}
}

// load imports r into s without going through files.
func load(tb testing.TB, s zootour.Store, r records) {
	tb.Helper()
	err := s.Import(context.Background(), zootour.Source{Zoos: seqOf(r.Zoos), Animals: seqOf(r.Animals), Visits: seqOf(r.Visits)})
	if err != nil {
		tb.Fatalf("Import: %v", err)
	}
}

func writeFiles(tb testing.TB, dir string, files map[string]string) {
	tb.Helper()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

func readFile(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

const big = 1<<53 + 1 // the first integer a float64 cannot hold

// tricky holds records that are easy to get wrong in CSV: commas, quotes,
// non-ASCII, formula-like text, IDs beyond 2^53, visits out of order.
var tricky = records{
	Zoos: []zootour.Zoo{
		{ID: 1, Name: "Zoo, Berlin", Location: `Berlin "Mitte"`},
		{ID: big, Name: "Zürich Zoo 動物園", Location: "=SUM(A1)"},
		{ID: math.MaxInt64, Name: "'quoted'", Location: `a  "b",c`},
	},
	Animals: []zootour.Animal{
		{ID: 5, Name: "Anna", Species: "Elephas maximus"},
		{ID: 1 << 62, Name: `"Bob"`, Species: "Panthera leo, 🦁"},
	},
	Visits: []zootour.Visit{
		{ID: 10, Date: zootour.MustDate("2023-01-01"), ZooID: big, AnimalID: 1 << 62},
		{ID: 20, Date: zootour.MustDate("0001-01-01"), ZooID: math.MaxInt64, AnimalID: 5},
		{ID: 30, Date: zootour.MustDate("2024-05-01"), ZooID: 1, AnimalID: 5},
		{ID: math.MaxInt64 - 1, Date: zootour.MustDate("9999-12-31"), ZooID: 1, AnimalID: 1 << 62},
	},
}

func TestRoundTrip(t *testing.T) {
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			a := newStore(t)
			load(t, a, tricky)
			dir := filepath.Join(t.TempDir(), "new", "folder")
			if err := Export(ctx, a, dir); err != nil {
				t.Fatalf("Export: %v", err)
			}
			wantZoos := "id,name,location\n" +
				`1,"Zoo, Berlin","Berlin ""Mitte"""` + "\n" +
				"9007199254740993,Zürich Zoo 動物園,=SUM(A1)\n" +
				`9223372036854775807,'quoted',"a  ""b"",c"` + "\n"
			if got := readFile(t, filepath.Join(dir, ZoosFile)); got != wantZoos {
				t.Errorf("zoos.csv:\n%s\nwant:\n%s", got, wantZoos)
			}
			wantVisits := "id,date,zoo_id,animal_id\n" +
				"10,2023-01-01,9007199254740993,4611686018427387904\n" +
				"20,0001-01-01,9223372036854775807,5\n" +
				"30,2024-05-01,1,5\n" +
				"9223372036854775806,9999-12-31,1,4611686018427387904\n"
			if got := readFile(t, filepath.Join(dir, VisitsFile)); got != wantVisits {
				t.Errorf("visits.csv:\n%s\nwant:\n%s", got, wantVisits)
			}

			b := newStore(t)
			if _, err := Import(ctx, b, dir, nil); err != nil {
				t.Fatalf("Import: %v", err)
			}
			if got, want := dump(t, b), dump(t, a); !got.equal(want) {
				t.Fatalf("after the round trip\n got %+v\nwant %+v", got, want)
			}
			again := t.TempDir()
			if err := Export(ctx, b, again); err != nil {
				t.Fatalf("Export: %v", err)
			}
			for _, f := range []string{ZoosFile, AnimalsFile, VisitsFile} {
				if got, want := readFile(t, filepath.Join(again, f)), readFile(t, filepath.Join(dir, f)); got != want {
					t.Errorf("%s changed on the second export:\n%s\nwant:\n%s", f, got, want)
				}
			}
			entries, _ := os.ReadDir(dir)
			if got, want := len(entries), 3; got != want {
				t.Errorf("the folder holds %d entries, want %d (no temporary files)", got, want)
			}
		})
	}
}

func TestExportEmptyStore(t *testing.T) {
	dir := t.TempDir()
	if err := Export(context.Background(), newFake(), dir); err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]string{
		ZoosFile:    "id,name,location\n",
		AnimalsFile: "id,name,species\n",
		VisitsFile:  "id,date,zoo_id,animal_id\n",
	} {
		if got := readFile(t, filepath.Join(dir, f)); got != want {
			t.Errorf("%s = %q, want %q", f, got, want)
		}
	}
}

// TestImportLenient checks what an import accepts beyond the plainest
// files: a byte order mark, CRLF, blank lines, text to trim, missing and
// empty files.
func TestImportLenient(t *testing.T) {
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{
				ZoosFile:    "\uFEFFid,name,location\r\n1,  Tierpark  ,\" Berlin\"\r\n\r\n2,b,c\r\n\r\n\r\n",
				AnimalsFile: "",
			})
			s := newStore(t)
			added, err := Import(context.Background(), s, dir, nil)
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if added != (zootour.Counts{Zoos: 2}) {
				t.Errorf("Import added %+v, want 2 zoos", added)
			}
			want := records{Zoos: []zootour.Zoo{{ID: 1, Name: "Tierpark", Location: "Berlin"}, {ID: 2, Name: "b", Location: "c"}}}
			if got := dump(t, s); !got.equal(want) {
				t.Fatalf("got %+v, want %+v", got, want)
			}
		})
	}
}

// base is in the store before each failing import, so that "nothing
// changed" means something.
var base = records{
	Zoos:    []zootour.Zoo{{ID: 1, Name: "Zoo", Location: "Town"}},
	Animals: []zootour.Animal{{ID: 1, Name: "Ann", Species: "Cat"}},
	Visits:  []zootour.Visit{{ID: 1, Date: zootour.MustDate("2020-01-01"), ZooID: 1, AnimalID: 1}},
}

const (
	zooHead    = "id,name,location\n"
	animalHead = "id,name,species\n"
	visitHead  = "id,date,zoo_id,animal_id\n"
)

func TestImportErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		file  string
		line  int
		code  string
		text  string // part of the message
	}{
		{"wrong header", map[string]string{ZoosFile: "id,nom,lieu\n2,a,b\n"},
			ZoosFile, 1, zootour.EINVALID, `the header is "id,nom,lieu" but must be "id,name,location"`},
		{"header with too few fields", map[string]string{VisitsFile: "id,date,zoo_id\n"},
			VisitsFile, 1, zootour.EINVALID, `must be "id,date,zoo_id,animal_id"`},
		{"header in another case", map[string]string{AnimalsFile: "ID,Name,Species\n"},
			AnimalsFile, 1, zootour.EINVALID, `must be "id,name,species"`},
		{"too few fields", map[string]string{ZoosFile: zooHead + "2,a,b\n3,a\n"},
			ZoosFile, 3, zootour.EINVALID, "2 fields but 3 are expected (id,name,location)"},
		{"too many fields", map[string]string{VisitsFile: visitHead + "2,2021-01-01,1,1,\n"},
			VisitsFile, 2, zootour.EINVALID, "5 fields but 4 are expected"},
		{"bare quote", map[string]string{ZoosFile: zooHead + "2,a\"b,c\n"},
			ZoosFile, 2, zootour.EINVALID, `a quote (") at column 4 is inside a field that does not start with one`},
		{"text after a closing quote", map[string]string{ZoosFile: zooHead + "2,\"a\"b,c\n"},
			ZoosFile, 2, zootour.EINVALID, "a quoted field does not end properly (at column 5)"},
		{"unclosed quote", map[string]string{ZoosFile: zooHead + "2,a,b\n3,\"abc,x\n4,y,z\n"},
			ZoosFile, 3, zootour.EINVALID, "a quoted field does not end properly (at line 4, column 7)"},
		{"invalid UTF-8", map[string]string{AnimalsFile: animalHead + "2,\xff\xfe,Cat\n"},
			AnimalsFile, 2, zootour.EINVALID, "name is not valid UTF-8"},
		{"id zero", map[string]string{ZoosFile: zooHead + "0,a,b\n"},
			ZoosFile, 2, zootour.EINVALID, "id must be a positive integer, not 0"},
		{"id negative", map[string]string{ZoosFile: zooHead + "-3,a,b\n"},
			ZoosFile, 2, zootour.EINVALID, `id "-3" is not a positive integer`},
		{"id with a plus", map[string]string{ZoosFile: zooHead + "+3,a,b\n"},
			ZoosFile, 2, zootour.EINVALID, `id "+3" is not a positive integer`},
		{"id with a fraction", map[string]string{AnimalsFile: animalHead + "1.5,a,b\n"},
			AnimalsFile, 2, zootour.EINVALID, `id "1.5" is not a positive integer`},
		{"id in float notation", map[string]string{AnimalsFile: animalHead + "1e3,a,b\n"},
			AnimalsFile, 2, zootour.EINVALID, `id "1e3" is not a positive integer`},
		{"id with spaces", map[string]string{AnimalsFile: animalHead + " 7,a,b\n"},
			AnimalsFile, 2, zootour.EINVALID, `id " 7" is not a positive integer`},
		{"id too large", map[string]string{ZoosFile: zooHead + "9223372036854775808,a,b\n"},
			ZoosFile, 2, zootour.EINVALID, "id 9223372036854775808 is too large"},
		{"id missing", map[string]string{ZoosFile: zooHead + ",a,b\n"},
			ZoosFile, 2, zootour.EINVALID, "id is required"},
		{"zoo_id not a number", map[string]string{VisitsFile: visitHead + "2,2021-01-01,x,1\n"},
			VisitsFile, 2, zootour.EINVALID, `zoo_id "x" is not a positive integer`},
		{"animal_id zero", map[string]string{VisitsFile: visitHead + "2,2021-01-01,1,0\n"},
			VisitsFile, 2, zootour.EINVALID, "animal_id must be a positive integer, not 0"},
		{"date not in the calendar", map[string]string{VisitsFile: visitHead +
			"2,2023-01-02,1,1\n3,2023-01-03,1,1\n4,2023-01-04,1,1\n5,2023-01-05,1,1\n6,2023-01-06,1,1\n7,2023-02-30,1,1\n"},
			VisitsFile, 7, zootour.EINVALID, `date "2023-02-30" is not a calendar date`},
		{"date in another format", map[string]string{VisitsFile: visitHead + "2,2023-2-3,1,1\n"},
			VisitsFile, 2, zootour.EINVALID, `date "2023-2-3" is not written YYYY-MM-DD`},
		{"date with a time", map[string]string{VisitsFile: visitHead + "2,2023-02-03T00:00:00Z,1,1\n"},
			VisitsFile, 2, zootour.EINVALID, "is not written YYYY-MM-DD"},
		{"date year zero", map[string]string{VisitsFile: visitHead + "2,0000-12-31,1,1\n"},
			VisitsFile, 2, zootour.EINVALID, "is not a calendar date"},
		{"name blank", map[string]string{ZoosFile: zooHead + "2,   ,b\n"},
			ZoosFile, 2, zootour.EINVALID, "name is required"},
		{"species with a control character", map[string]string{AnimalsFile: animalHead + "2,a,b\tc\n"},
			AnimalsFile, 2, zootour.EINVALID, "species contains the control character U+0009"},
		{"name with a newline", map[string]string{ZoosFile: zooHead + "2,\"two\nlines\",b\n3,c,d\n"},
			ZoosFile, 2, zootour.EINVALID, "name contains the control character U+000A"},
		{"location too long", map[string]string{ZoosFile: zooHead + "2,a," + strings.Repeat("é", 201) + "\n"},
			ZoosFile, 2, zootour.EINVALID, "location is 201 characters long"},
		{"zoo that exists", map[string]string{ZoosFile: zooHead + "2,a,b\n\n1,c,d\n"},
			ZoosFile, 4, zootour.ECONFLICT, "already"},
		{"animal twice", map[string]string{AnimalsFile: animalHead + "2,a,b\n3,a,b\n2,a,b\n"},
			AnimalsFile, 4, zootour.ECONFLICT, "already"},
		{"animal at two zoos on a date", map[string]string{
			ZoosFile:   zooHead + "2,a,b\n",
			VisitsFile: visitHead + "2,2021-01-01,1,1\n3,2021-01-01,2,1\n"},
			VisitsFile, 3, zootour.ECONFLICT, "already"},
		{"visit of a zoo that does not exist", map[string]string{
			// a byte order mark, CRLF and a blank line, before a record the store
			// complains about only after reading the rest
			VisitsFile: "\uFEFFid,date,zoo_id,animal_id\r\n2,2021-01-01,1,1\r\n\r\n3,2021-01-02,99,1\r\n4,2021-01-03,1,1\r\n"},
			VisitsFile, 4, zootour.EINVALID, "zoo 99 does not exist"},
		{"visit that conflicts with the store", map[string]string{VisitsFile: visitHead + "2,2021-01-01,1,1\n3,2020-01-01,1,1\n"},
			VisitsFile, 3, zootour.ECONFLICT, "already"},
		{"visit ID that is taken", map[string]string{VisitsFile: visitHead + "2,2021-01-01,1,1\n1,2021-01-02,1,1\n"},
			VisitsFile, 3, zootour.ECONFLICT, "already"},
		{"conflict before a parse error", map[string]string{ZoosFile: zooHead + "1,a,b\n2,c,d\n3,e\n"},
			ZoosFile, 2, zootour.ECONFLICT, "already"},
		{"bad animal after good zoos", map[string]string{
			ZoosFile:    zooHead + "2,a,b\n3,c,d\n",
			AnimalsFile: animalHead + "2,a,\n"},
			AnimalsFile, 2, zootour.EINVALID, "species is required"},
	}
	for name, newStore := range stores {
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				ctx := context.Background()
				s := newStore(t)
				load(t, s, base)
				dir := t.TempDir()
				writeFiles(t, dir, tt.files)

				_, err := Import(ctx, s, dir, nil)
				if err == nil {
					t.Fatal("Import succeeded")
				}
				if got, want := err.Error(), fmt.Sprintf("%s line %d: ", tt.file, tt.line); !strings.HasPrefix(got, want) {
					t.Errorf("error %q does not start with %q", got, want)
				}
				if !strings.Contains(err.Error(), tt.text) {
					t.Errorf("error %q does not contain %q", err, tt.text)
				}
				var fe *Error
				if !errors.As(err, &fe) || fe.File != tt.file || fe.Line != tt.line {
					t.Errorf("error %#v is not an *Error for %s line %d", err, tt.file, tt.line)
				}
				if got := zootour.ErrorCode(err); got != tt.code {
					t.Errorf("ErrorCode = %q, want %q", got, tt.code)
				}
				if got, want := zootour.ErrorMessage(err), err.Error(); got != want {
					t.Errorf("ErrorMessage = %q, want the error itself", got)
				}
				if got := dump(t, s); !got.equal(base) {
					t.Errorf("the failed import changed the store: %+v", got)
				}
			})
		}
	}
}

func TestImportFolderErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	writeFiles(t, dir, map[string]string{"file": "x"})
	asDir := t.TempDir()
	if err := os.Mkdir(filepath.Join(asDir, AnimalsFile), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, dir, text string
	}{
		{"missing", filepath.Join(dir, "nope"), "does not exist"},
		{"a file", file, "is a file, not a folder"},
		{"a data file that is a folder", asDir, "animals.csv: is a folder, not a file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newFake()
			load(t, s, base)
			_, err := Import(context.Background(), s, tt.dir, nil)
			if err == nil || !strings.Contains(err.Error(), tt.text) {
				t.Fatalf("Import: %v, want an error saying %q", err, tt.text)
			}
			if got := zootour.ErrorCode(err); got != zootour.EINVALID {
				t.Errorf("ErrorCode = %q, want %q", got, zootour.EINVALID)
			}
			if got := dump(t, s); !got.equal(base) {
				t.Errorf("the failed import changed the store: %+v", got)
			}
		})
	}
}

// manyVisits returns data files with n visits of 100 animals to one zoo.
func manyVisits(n int) map[string]string {
	var animals, visits strings.Builder
	animals.WriteString(animalHead)
	for i := 1; i <= 100; i++ {
		fmt.Fprintf(&animals, "%d,Animal %d,Species %d\n", i, i, i%7)
	}
	visits.WriteString(visitHead)
	start := zootour.MustDate("2000-01-01")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&visits, "%d,%s,1,%d\n", n-i, start.AddDays(i/100), i%100+1)
	}
	return map[string]string{ZoosFile: zooHead + "1,Zoo,Town\n", AnimalsFile: animals.String(), VisitsFile: visits.String()}
}

func TestImportProgress(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, manyVisits(25_000))
	var calls []int64
	s := newFake()
	if _, err := Import(context.Background(), s, dir, func(n int64) { calls = append(calls, n) }); err != nil {
		t.Fatal(err)
	}
	if want := []int64{10_000, 20_000, 25_000}; !slices.Equal(calls, want) {
		t.Errorf("progress calls %v, want %v", calls, want)
	}
	if c, _ := s.Counts(context.Background()); c.Visits != 25_000 {
		t.Errorf("%d visits, want 25000", c.Visits)
	}
}

func TestImportCanceled(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, manyVisits(5_000))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := newFake()
	if _, err := Import(ctx, s, dir, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("Import: %v, want context.Canceled", err)
	}
	if c, _ := s.Counts(context.Background()); c != (zootour.Counts{}) {
		t.Errorf("the canceled import changed the store: %+v", c)
	}
}

// TestWriteDirFailure checks that a failed export leaves the files that
// were there, and no temporary ones.
func TestWriteDirFailure(t *testing.T) {
	dir := t.TempDir()
	old := map[string]string{ZoosFile: "old zoos", AnimalsFile: "old animals", VisitsFile: "old visits"}
	writeFiles(t, dir, old)
	boom := errors.New("boom")
	err := WriteDir(dir, func(s zootour.Sink) error {
		if err := s.Zoo(zootour.Zoo{ID: 1, Name: "a", Location: "b"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("WriteDir: %v, want %v", err, boom)
	}
	err = WriteDir(dir, func(s zootour.Sink) error { return s.Visit(zootour.Visit{ID: 3, ZooID: 1, AnimalID: 1}) })
	if err == nil || !strings.Contains(err.Error(), "visit 3 has no date") {
		t.Fatalf("WriteDir of a visit with no date: %v", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(entries), 3; got != want {
		t.Errorf("the folder holds %d entries, want %d", got, want)
	}
	for name, want := range old {
		if got := readFile(t, filepath.Join(dir, name)); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}

func TestExportToAFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	writeFiles(t, filepath.Dir(file), map[string]string{"file": "x"})
	err := Export(context.Background(), newFake(), file)
	if got := zootour.ErrorCode(err); got != zootour.EINVALID {
		t.Fatalf("Export: %v (code %q), want an invalid error", err, got)
	}
}

// TestRoundTripLarge imports 50,000 visits listed out of ID and date order,
// exports them and imports the export into an empty store.
func TestRoundTripLarge(t *testing.T) {
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			src := t.TempDir()
			writeFiles(t, src, manyVisits(50_000))
			a := newStore(t)
			if _, err := Import(ctx, a, src, nil); err != nil {
				t.Fatalf("Import: %v", err)
			}
			if c, _ := a.Counts(ctx); c != (zootour.Counts{Zoos: 1, Animals: 100, Visits: 50_000}) {
				t.Fatalf("Counts = %+v after the import", c)
			}
			dir := t.TempDir()
			if err := Export(ctx, a, dir); err != nil {
				t.Fatalf("Export: %v", err)
			}
			b := newStore(t)
			if _, err := Import(ctx, b, dir, nil); err != nil {
				t.Fatalf("Import of the export: %v", err)
			}
			got, want := dump(t, b), dump(t, a)
			if !got.equal(want) {
				t.Fatal("the round trip changed the records")
			}
			if got, want := got.Visits[0], (zootour.Visit{ID: 1, Date: zootour.MustDate("2000-01-01").AddDays(499), ZooID: 1, AnimalID: 100}); got != want {
				t.Errorf("first visit %+v, want %+v", got, want)
			}
		})
	}
}

// funcStore is a store whose Import is a function, for stores that report
// failures in unusual ways.
type funcStore struct {
	zootour.Store
	imp func(context.Context, zootour.Source) error
}

func (s funcStore) Import(ctx context.Context, src zootour.Source) error { return s.imp(ctx, src) }

func TestImportOddStores(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{ZoosFile: zooHead + "1,a,b\n2,c\n", VisitsFile: visitHead + "1,2020-01-01,1,1\n"})
	conflict := zootour.Errorf(zootour.ECONFLICT, "boom")
	for _, tt := range []struct {
		name string
		imp  func(context.Context, zootour.Source) error
		want string
		code string
	}{
		{"record past the end of the file", func(context.Context, zootour.Source) error {
			return &zootour.RecordError{Kind: "visits", Record: 9, Err: conflict}
		}, "visits.csv: record 9: boom", zootour.ECONFLICT},
		{"record of an unknown kind", func(context.Context, zootour.Source) error {
			return &zootour.RecordError{Kind: "keepers", Record: 1, Err: conflict}
		}, "keepers record 1: boom", zootour.ECONFLICT},
		{"a store that hides the reader's error", func(ctx context.Context, src zootour.Source) error {
			for _, err := range src.Zoos {
				if err != nil {
					return errors.New("import aborted")
				}
			}
			return nil
		}, "zoos.csv line 3: 2 fields but 3 are expected (id,name,location)", zootour.EINVALID},
		{"any other failure", func(context.Context, zootour.Source) error { return errors.New("disk full") },
			"disk full", zootour.EINTERNAL},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Import(context.Background(), funcStore{imp: tt.imp}, dir, nil)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Import: %v, want %q", err, tt.want)
			}
			if got := zootour.ErrorCode(err); got != tt.code {
				t.Errorf("ErrorCode = %q, want %q", got, tt.code)
			}
		})
	}
}
