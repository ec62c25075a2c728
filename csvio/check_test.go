package csvio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/zootour/zootour"
)

// faultLines returns the faults of r as Error writes them.
func faultLines(r Report) []string {
	var out []string
	for _, f := range r.Faults {
		out = append(out, f.Error())
	}
	return out
}

func sameLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("faults:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// badFiles have faults in every file, of every kind the reading finds.
var badFiles = map[string]string{
	ZoosFile: zooHead +
		"2,a,b\n" +
		"x,a,b\n" + // line 3
		"3,a,b\n" +
		"2,c,d\n" + // line 5: 2 again
		"4,a\n", // line 6
	AnimalsFile: "id,name,kind\n2,a,b\n",
	VisitsFile: visitHead +
		"2,2021-02-30,2,2\n" + // line 2
		"3,2021-01-01,2,2\n" +
		"4,2021-01-01,2,\"x\"y\n" + // line 4: text after a closing quote
		"5,2021-01-02,2,2\n" +
		"6,2021-01-02,3,2\n" + // line 6: animal 2 on 2021-01-02 again
		"3,2021-01-03,2,2\n" + // line 7: visit 3 again
		"8,2021-01-04,2,2,\n", // line 8: a field too many
}

var badFaults = []string{
	`zoos.csv line 3: id "x" is not a positive integer`,
	`zoos.csv line 5: zoo ID 2 is already on line 2`,
	`zoos.csv line 6: 2 fields but 3 are expected (id,name,location)`,
	`animals.csv line 1: the header is "id,name,kind" but must be "id,name,species"`,
	`visits.csv line 2: date "2021-02-30" is not a calendar date between 0001-01-01 and 9999-12-31`,
	`visits.csv line 4: a quoted field does not end properly (at column 18): a quote inside it must be doubled, and the closing quote must be followed by a comma or the end of the line`,
	`visits.csv line 6: animal 2 already has a visit on 2021-01-02, on line 5`,
	`visits.csv line 7: visit ID 3 is already on line 3`,
	`visits.csv line 8: 5 fields but 4 are expected (id,date,zoo_id,animal_id)`,
}

func TestCheckFindsEveryFault(t *testing.T) {
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			s := newStore(t)
			load(t, s, base)
			dir := t.TempDir()
			writeFiles(t, dir, badFiles)
			f, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r, err := Check(context.Background(), s, f, 100, nil)
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			sameLines(t, faultLines(r), badFaults)
			if r.More {
				t.Error("More is set, with fewer faults than max")
			}
			if want := (zootour.Counts{Zoos: 2, Animals: 0, Visits: 2}); r.Counts != want {
				t.Errorf("Counts = %+v, want %+v", r.Counts, want)
			}
			for _, fault := range r.Faults {
				want := zootour.EINVALID
				if strings.Contains(fault.Error(), "already") {
					want = zootour.ECONFLICT
				}
				if got := zootour.ErrorCode(fault); got != want {
					t.Errorf("%v: code %q, want %q", fault, got, want)
				}
			}
			if got := dump(t, s); !got.equal(base) {
				t.Errorf("Check changed the store: %+v", got)
			}

			for _, max := range []int{len(badFaults) - 1, 3, 1, 0} {
				r, err := Check(context.Background(), s, f, max, nil)
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				n := max
				if n < 1 {
					n = 1
				}
				sameLines(t, faultLines(r), badFaults[:n])
				if !r.More {
					t.Errorf("Check with max %d: More is not set", max)
				}
			}
			if r, _ := Check(context.Background(), s, f, len(badFaults), nil); r.More || len(r.Faults) != len(badFaults) {
				t.Errorf("Check with max the number of faults: %d faults, More %v", len(r.Faults), r.More)
			}
		})
	}
}

// TestCheckWorkbook finds the faults of a workbook, by sheet and row.
func TestCheckWorkbook(t *testing.T) {
	b := book{sheets: []bookSheet{
		{"zoos", rows([]string{"id", "name", "location"}, []string{"n:2", "a", "b"}, nil, []string{"n:2", "c", "d", "e"}, []string{"n:2", "c", "d"})},
		{"visits", rows(nil, []string{"id", "date", "zoo_id", "animal_id"},
			[]string{"n:1", "n:45000.25", "n:2", "n:1"}, []string{"n:2", "n:45000", "n:2", "n:1E+20"})},
	}}
	f, err := Open(b.write(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := Check(context.Background(), newFake(), f, 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameLines(t, faultLines(r), []string{
		`book.xlsx sheet zoos row 4: column D holds "e", but the sheet has 3 columns (id,name,location)`,
		`book.xlsx sheet zoos row 5: zoo ID 2 is already on row 2`,
		`book.xlsx sheet visits row 3: date "45000.25" is a day number with a time of day, which a date has not`,
		`book.xlsx sheet visits row 4: animal_id "1E+20" is a number with a decimal point or an exponent, which may be rounded: write IDs as whole numbers or as text`,
	})
	if want := (zootour.Counts{Zoos: 1}); r.Counts != want {
		t.Errorf("Counts = %+v, want %+v", r.Counts, want)
	}
}

// TestCheckClean checks that files without a fault report their counts,
// and that Check leaves the store as it was.
func TestCheckClean(t *testing.T) {
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			s := newStore(t)
			load(t, s, base)
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{
				ZoosFile:    zooHead + "2,a,b\n3,c,d\n",
				AnimalsFile: animalHead + "2,a,b\n",
				VisitsFile:  visitHead + "2,2021-01-01,2,2\n3,2021-01-02,1,2\n4,2021-01-01,3,1\n",
			})
			f, err := Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var progress []int64
			r, err := Check(context.Background(), s, f, 100, func(n int64) { progress = append(progress, n) })
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if len(r.Faults) != 0 || r.More {
				t.Errorf("faults %v, More %v; want none", faultLines(r), r.More)
			}
			if want := (zootour.Counts{Zoos: 2, Animals: 1, Visits: 3}); r.Counts != want {
				t.Errorf("Counts = %+v, want %+v", r.Counts, want)
			}
			if fmt.Sprint(progress) != "[3 3]" {
				t.Errorf("progress %v, want [3 3]: once for each reading", progress)
			}
			if got := dump(t, s); !got.equal(base) {
				t.Errorf("Check changed the store: %+v", got)
			}
			// What Check found clean imports.
			if added, err := ImportFiles(context.Background(), s, f, nil); err != nil || added != r.Counts {
				t.Errorf("ImportFiles after Check = %+v, %v; want %+v", added, err, r.Counts)
			}
		})
	}
}

// TestCheckStoreFault checks that a fault only the store finds (an ID it
// holds already, a zoo that is not there) is the one fault, located.
func TestCheckStoreFault(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string
		code  string
	}{
		{"an ID the store holds", map[string]string{ZoosFile: zooHead + "2,a,b\n\n1,c,d\n"},
			"zoos.csv line 4: ", zootour.ECONFLICT},
		{"a zoo not there", map[string]string{VisitsFile: visitHead + "2,2021-01-01,1,1\n3,2021-01-02,99,1\n"},
			"visits.csv line 3: zoo 99 does not exist", zootour.EINVALID},
		{"a date the animal is taken", map[string]string{VisitsFile: visitHead + "2,2020-01-01,1,1\n"},
			"visits.csv line 2: ", zootour.ECONFLICT},
	}
	for name, newStore := range stores {
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				s := newStore(t)
				load(t, s, base)
				dir := t.TempDir()
				writeFiles(t, dir, tt.files)
				f, err := Open(dir)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				r, err := Check(context.Background(), s, f, 100, nil)
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				if len(r.Faults) != 1 || !strings.HasPrefix(r.Faults[0].Error(), tt.want) {
					t.Fatalf("faults %q, want one starting %q", faultLines(r), tt.want)
				}
				if got := zootour.ErrorCode(r.Faults[0]); got != tt.code {
					t.Errorf("code %q, want %q", got, tt.code)
				}
				if r.Faults[0].Line == 0 {
					t.Errorf("the fault %v has no line", r.Faults[0])
				}
				if got := dump(t, s); !got.equal(base) {
					t.Errorf("Check changed the store: %+v", got)
				}
			})
		}
	}
}

// TestCheckErrors checks that what is not a fault of the files is
// returned as the error.
func TestCheckErrors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, manyVisits(3000))
	f, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	unavailable := zootour.Errorf(zootour.EUNAVAILABLE, "the database is read-only")
	store := funcStore{imp: func(context.Context, zootour.Source) error { return unavailable }}
	if _, err := Check(context.Background(), store, f, 100, nil); !errors.Is(err, unavailable) {
		t.Errorf("Check with the store unavailable: %v, want %v", err, unavailable)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Check(ctx, newFake(), f, 100, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Check canceled: %v, want context.Canceled", err)
	}
}

func TestReportJSON(t *testing.T) {
	r := Report{
		Counts: zootour.Counts{Zoos: 1},
		Faults: []*Error{
			{File: "zoos.csv", Line: 3, Err: zootour.Errorf(zootour.EINVALID, "name is required")},
			{File: "b.xlsx", Sheet: "visits", Line: 2, Err: zootour.Errorf(zootour.ECONFLICT, "taken")},
		},
		More: true,
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"counts":{"zoos":1,"animals":0,"visits":0},"faults":[` +
		`{"file":"zoos.csv","line":3,"code":"invalid","reason":"name is required"},` +
		`{"file":"b.xlsx","sheet":"visits","line":2,"code":"conflict","reason":"taken"}],"more":true}`
	if string(b) != want {
		t.Errorf("JSON\n%s\nwant\n%s", b, want)
	}
}

// TestCheckCountsARowOnce checks that a row whose ID and whose animal and
// date both clash is two faults but one row left out of the counts.
func TestCheckCountsARowOnce(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{VisitsFile: visitHead + "1,2021-01-01,1,1\n1,2021-01-01,1,1\n2,2021-01-02,1,1\n"})
	f, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Check(context.Background(), newFake(), f, 100, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameLines(t, faultLines(r), []string{
		"visits.csv line 3: visit ID 1 is already on line 2",
		"visits.csv line 3: animal 1 already has a visit on 2021-01-01, on line 2",
	})
	if want := (zootour.Counts{Visits: 2}); r.Counts != want {
		t.Errorf("Counts = %+v, want %+v", r.Counts, want)
	}
}

// TestCheckBoundsFaults checks that what Check keeps for faults is bounded
// by max, not by the rows at fault: here every visit clashes with the
// first, on its ID and on its animal and date.
func TestCheckBoundsFaults(t *testing.T) {
	const n = 100_000
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{VisitsFile: visitHead + strings.Repeat("1,2021-01-01,1,1\n", n)})
	f, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := Check(context.Background(), newFake(), f, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameLines(t, faultLines(r), []string{
		"visits.csv line 3: visit ID 1 is already on line 2",
		"visits.csv line 3: animal 1 already has a visit on 2021-01-01, on line 2",
	})
	if !r.More || r.Counts.Visits != 1 {
		t.Errorf("More %v, Counts %+v; want More and 1 visit", r.More, r.Counts)
	}

	var ids, dates []mark
	m := mark{n: 1, d: zootour.MustDate("2021-01-01")}
	for range n {
		m.line++
		ids, dates = append(ids, m), append(dates, m)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	faults, rows := clashFaults(visitFormat, VisitsFile, "", ids, dates, 3)
	runtime.ReadMemStats(&after)
	if len(faults) != 6 || rows != n-1 {
		t.Errorf("%d faults, %d rows clashing; want 6 and %d", len(faults), rows, n-1)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<10 {
		t.Errorf("clashFaults allocated %d bytes for %d clashes, want a few for the 3 it keeps", got, 2*(n-1))
	}
	// Check keeps a mark of every record, two of a visit (see mark).
	if size := unsafe.Sizeof(mark{}); size > 16 {
		t.Errorf("a mark takes %d bytes, want 16", size)
	}
}
