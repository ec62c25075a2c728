package generate

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/csvio"
)

var files = []string{"zoos.csv", "animals.csv", "visits.csv"}

func write(tb testing.TB, c Config) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "data")
	if err := Write(dir, c); err != nil {
		tb.Fatalf("Write(%+v): %v", c, err)
	}
	return dir
}

func readFile(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// data is what a folder of data files holds, read back with encoding/csv
// and checked against every rule of the records (the README's "Rules") as it is read.
type data struct {
	zoos, animals int
	zooVisits     map[int64]int // by zoo ID
	animalVisits  map[int64]int // by animal ID
	returns       int           // visits to a zoo the animal had visited before
	first, last   zootour.Date
	maxGap        int // the longest gap between two visits of one animal, in days
}

// readRows reads a data file with encoding/csv, checks its header and
// calls row for each record with its line number.
func readRows(t *testing.T, path string, header []string, row func(line int, rec []string)) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = len(header)
	r.ReuseRecord = true
	for line := 1; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			if line == 1 {
				t.Fatalf("%s: no header", path)
			}
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if line == 1 {
			if !slices.Equal(rec, header) {
				t.Fatalf("%s: header %q, want %q", path, rec, header)
			}
			continue
		}
		row(line, rec)
	}
}

func parseID(t *testing.T, where, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		t.Fatalf("%s: id %q is not a positive integer", where, s)
	}
	return id
}

func checkText(t *testing.T, where, field, s string) {
	t.Helper()
	clean, err := zootour.CleanText(field, s)
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	if clean != s {
		t.Fatalf("%s: %s %q is not trimmed", where, field, s)
	}
}

func readData(t *testing.T, dir string) data {
	t.Helper()
	d := data{zooVisits: map[int64]int{}, animalVisits: map[int64]int{}}
	zoos := map[int64]bool{}
	readRows(t, filepath.Join(dir, "zoos.csv"), []string{"id", "name", "location"}, func(line int, rec []string) {
		where := "zoos.csv line " + strconv.Itoa(line)
		id := parseID(t, where, rec[0])
		if zoos[id] {
			t.Fatalf("%s: zoo %d again", where, id)
		}
		zoos[id] = true
		checkText(t, where, "name", rec[1])
		checkText(t, where, "location", rec[2])
	})
	d.zoos = len(zoos)

	animals := map[int64]bool{}
	readRows(t, filepath.Join(dir, "animals.csv"), []string{"id", "name", "species"}, func(line int, rec []string) {
		where := "animals.csv line " + strconv.Itoa(line)
		id := parseID(t, where, rec[0])
		if animals[id] {
			t.Fatalf("%s: animal %d again", where, id)
		}
		animals[id] = true
		checkText(t, where, "name", rec[1])
		checkText(t, where, "species", rec[2])
	})
	d.animals = len(animals)

	type animalDate struct {
		animal int64
		date   zootour.Date
	}
	visits := map[int64]bool{}
	dates := map[animalDate]bool{}
	been := map[[2]int64]bool{} // (animal, zoo)
	var lastAnimal int64
	var lastDate zootour.Date
	readRows(t, filepath.Join(dir, "visits.csv"), []string{"id", "date", "zoo_id", "animal_id"}, func(line int, rec []string) {
		where := "visits.csv line " + strconv.Itoa(line)
		id := parseID(t, where, rec[0])
		if visits[id] {
			t.Fatalf("%s: visit %d again", where, id)
		}
		visits[id] = true
		date, err := zootour.ParseDate(rec[1])
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		zoo, animal := parseID(t, where, rec[2]), parseID(t, where, rec[3])
		if !zoos[zoo] {
			t.Fatalf("%s: zoo %d does not exist", where, zoo)
		}
		if !animals[animal] {
			t.Fatalf("%s: animal %d does not exist", where, animal)
		}
		if dates[animalDate{animal, date}] {
			t.Fatalf("%s: animal %d has a second visit on %s", where, animal, date)
		}
		dates[animalDate{animal, date}] = true
		d.zooVisits[zoo]++
		d.animalVisits[animal]++
		if been[[2]int64{animal, zoo}] {
			d.returns++
		}
		been[[2]int64{animal, zoo}] = true
		if d.first.IsZero() || date.Before(d.first) {
			d.first = date
		}
		if date.After(d.last) {
			d.last = date
		}
		if animal == lastAnimal {
			d.maxGap = max(d.maxGap, lastDate.DaysUntil(date))
		}
		lastAnimal, lastDate = animal, date
	})
	return d
}

func visitCount(m map[int64]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func TestValid(t *testing.T) {
	for _, c := range []Config{
		{},
		{Zoos: 3},
		{Zoos: 1, Animals: 1, Visits: 1},
		{Zoos: 1, Animals: 2, Visits: 500, Seed: 7},
		{Zoos: 5, Animals: 3, Visits: 2000, Seed: 8},
		{Zoos: 200, Animals: 1000, Visits: 30000, Seed: 9},
		{Zoos: 2000, Animals: 100, Visits: 10, Seed: 10},
	} {
		dir := write(t, c)
		d := readData(t, dir)
		if got, want := []int{d.zoos, d.animals, visitCount(d.zooVisits)}, []int{c.Zoos, c.Animals, c.Visits}; !slices.Equal(got, want) {
			t.Errorf("%+v: zoos, animals, visits = %v, want %v", c, got, want)
		}
	}
}

func TestQuotingAndUnicode(t *testing.T) {
	dir := write(t, Config{Zoos: 300, Animals: 300, Seed: 1})
	for _, name := range []string{"zoos.csv", "animals.csv"} {
		b := readFile(t, filepath.Join(dir, name))
		if !bytes.Contains(b, []byte(`""`)) {
			t.Errorf("%s has no quote inside a field", name)
		}
		if !bytes.ContainsFunc(b, func(r rune) bool { return r > 127 }) {
			t.Errorf("%s has no character outside ASCII", name)
		}
	}
	// A comma inside a name, not only inside a location.
	if b := readFile(t, filepath.Join(dir, "animals.csv")); !bytes.Contains(b, []byte(", the Younger")) {
		t.Errorf("animals.csv has no comma inside a name")
	}
}

func TestDeterministic(t *testing.T) {
	c := Config{Zoos: 50, Animals: 300, Visits: 20000, Seed: 42}
	a, b := write(t, c), write(t, c)
	c.Seed++
	other := write(t, c)
	for _, name := range files {
		if !bytes.Equal(readFile(t, filepath.Join(a, name)), readFile(t, filepath.Join(b, name))) {
			t.Errorf("%s differs between two runs of the same Config", name)
		}
		if bytes.Equal(readFile(t, filepath.Join(a, name)), readFile(t, filepath.Join(other, name))) {
			t.Errorf("%s is the same for seeds 42 and 43", name)
		}
	}
}

// Visit IDs run from 1 in the order written.
func TestVisitIDs(t *testing.T) {
	dir := write(t, Config{Zoos: 2, Animals: 2, Visits: 3, Seed: 1})
	got := string(readFile(t, filepath.Join(dir, "visits.csv")))
	lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
	if len(lines) != 4 || lines[0] != "id,date,zoo_id,animal_id" {
		t.Fatalf("visits.csv = %q", got)
	}
	for i, l := range lines[1:] {
		if !strings.HasPrefix(l, strconv.Itoa(i+1)+",") {
			t.Errorf("line %d = %q, want visit ID %d", i+2, l, i+1)
		}
	}
}

func TestSkew(t *testing.T) {
	c := Config{Zoos: 100, Animals: 1000, Visits: 100000, Seed: 3}
	d := readData(t, write(t, c))
	zoos := slices.Sorted(mapValues(d.zooVisits))
	animals := slices.Sorted(mapValues(d.animalVisits))
	meanZoo, meanAnimal := c.Visits/c.Zoos, c.Visits/c.Animals
	if got := zoos[len(zoos)-1]; got < 5*meanZoo {
		t.Errorf("busiest zoo has %d visits; want at least 5 times the mean %d", got, meanZoo)
	}
	if got := zoos[len(zoos)/2]; got > meanZoo || got < meanZoo/4 {
		t.Errorf("median zoo has %d visits; want between a quarter of the mean %d and the mean", got, meanZoo)
	}
	if got := animals[len(animals)-1]; got < 5*meanAnimal {
		t.Errorf("busiest animal has %d visits; want at least 5 times the mean %d", got, meanAnimal)
	}
	if got := float64(d.returns) / float64(c.Visits); got < 0.3 {
		t.Errorf("%.0f%% of visits return to a zoo the animal knows; want at least 30%%", 100*got)
	}
	if years := d.first.DaysUntil(d.last) / 365; years < 5 {
		t.Errorf("visits span %s to %s; want several years", d.first, d.last)
	}
	if d.maxGap < 7 || d.maxGap > 42 {
		t.Errorf("longest gap between two visits of an animal is %d days; want a week to six", d.maxGap)
	}
}

func mapValues(m map[int64]int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for _, v := range m {
			if !yield(v) {
				return
			}
		}
	}
}

func TestValidate(t *testing.T) {
	for _, tt := range []struct {
		c    Config
		want string // in the message; "" for no error
	}{
		{Config{}, ""},
		{Config{Zoos: 1, Animals: 1, Visits: MaxVisitsPerAnimal}, ""},
		{Config{Zoos: 5}, ""},
		{Config{Animals: 5}, ""},
		{Config{Zoos: -1}, "--zoos"},
		{Config{Animals: -1}, "--animals"},
		{Config{Zoos: 1, Animals: 1, Visits: -1}, "--visits"},
		{Config{Animals: 1, Visits: 1}, "--zoos"},
		{Config{Zoos: 1, Visits: 1}, "--animals"},
		{Config{Zoos: 1, Animals: 1, Visits: MaxVisitsPerAnimal + 1}, "--visits"},
		{Config{Zoos: 1, Animals: 3, Visits: 3*MaxVisitsPerAnimal + 1}, "--visits"},
		{Config{Zoos: MaxRecords + 1}, "--zoos"},
		{Config{Animals: MaxRecords + 1}, "--animals"},
	} {
		err := tt.c.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%+v: %v", tt.c, err)
		case tt.want != "" && zootour.ErrorCode(err) != zootour.EINVALID:
			t.Errorf("%+v: error %v, want an invalid error", tt.c, err)
		case tt.want != "" && !strings.Contains(err.Error(), tt.want):
			t.Errorf("%+v: error %q does not name %s", tt.c, err, tt.want)
		}
	}
}

func TestWriteErrors(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	err := Write(dir, Config{Zoos: -1})
	if !errors.Is(err, zootour.ErrInvalid) {
		t.Errorf("Write with --zoos -1: %v, want an invalid error", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Write of an invalid Config made %s", dir)
	}

	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(file, Config{Zoos: 1}); err == nil {
		t.Errorf("Write to a file succeeded")
	}
}

func TestSource(t *testing.T) {
	src := Source(Config{Zoos: 1, Visits: 1})
	for _, err := range src.Visits {
		if zootour.ErrorCode(err) != zootour.EINVALID {
			t.Errorf("Visits of a bad Config yield %v, want an invalid error", err)
		}
	}
	// Stopping early, and walking again from the start.
	src = Source(Config{Zoos: 3, Animals: 4, Visits: 100, Seed: 5})
	var first []zootour.Visit
	for v := range src.Visits {
		if first = append(first, v); len(first) == 10 {
			break
		}
	}
	var again []zootour.Visit
	for v, err := range src.Visits {
		if err != nil {
			t.Fatal(err)
		}
		again = append(again, v)
	}
	if len(again) != 100 || !slices.Equal(first, again[:10]) {
		t.Errorf("walking Visits again gave %d visits starting %v, want 100 starting %v", len(again), again[:min(10, len(again))], first)
	}
}

func TestApportion(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n := 1 + rng.IntN(50)
		limit := uint64(1 + rng.IntN(1000))
		total := rng.Uint64N(uint64(n)*limit + 1)
		w := zipf(n)
		apportion(total, limit, w)
		var sum uint64
		for i, x := range w {
			sum += x
			if x > limit || i > 0 && x > w[i-1] {
				t.Fatalf("apportion(%d, %d) over %d ranks = %v: above the limit or out of order", total, limit, n, w)
			}
		}
		if sum != total {
			t.Fatalf("apportion(%d, %d) over %d ranks = %v, which sums to %d", total, limit, n, w, sum)
		}
	}
}

// A tour fits between 0001-01-01 and 9999-12-31 however long it is.
func TestLongTour(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	zoos := Config{Zoos: 3}.zooPicker()
	for _, n := range []int{MaxVisitsPerAnimal, MaxVisitsPerAnimal - 1000, 300000} {
		tr := newTour(rng, n)
		prev := firstDay - 1
		for range n {
			day, _ := tr.next(rng, zoos)
			if day <= prev || day > lastDay {
				t.Fatalf("tour of %d visits: day %d after %d (last day %d)", n, day, prev, lastDay)
			}
			prev = day
		}
	}
}

func TestCivilDays(t *testing.T) {
	if got, want := lastDay-firstDay+1, MaxVisitsPerAnimal; got != want {
		t.Errorf("days from 0001-01-01 to 9999-12-31 = %d, want %d", got, want)
	}
	for day := firstDay; day <= lastDay; day++ {
		y, m, d := civilFromDays(day)
		ty, tm, td := time.Unix(int64(day)*86400, 0).UTC().Date()
		if y != ty || m != int(tm) || d != td {
			t.Fatalf("civilFromDays(%d) = %d-%d-%d, want %d-%d-%d", day, y, m, d, ty, tm, td)
		}
		if got := daysFromCivil(y, m, d); got != day {
			t.Fatalf("daysFromCivil(%d, %d, %d) = %d, want %d", y, m, d, got, day)
		}
	}
}

// A sampler passes records on and notes the peak heap every so many visits.
type sampler struct {
	zootour.Sink
	n    int
	peak uint64
}

func (s *sampler) Visit(v zootour.Visit) error {
	if s.n++; s.n%100000 == 0 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		s.peak = max(s.peak, m.HeapAlloc)
	}
	return s.Sink.Visit(v)
}

func peakHeap(t *testing.T, c Config) uint64 {
	t.Helper()
	runtime.GC()
	s := &sampler{}
	err := csvio.WriteDir(t.TempDir(), func(dst zootour.Sink) error {
		s.Sink = dst
		return copyTo(s, Source(c))
	})
	if err != nil {
		t.Fatal(err)
	}
	return s.peak
}

// TestMemory shows that memory does not grow with the number of visits.
func TestMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 2 million visits")
	}
	small := peakHeap(t, Config{Zoos: 1000, Animals: 10000, Visits: 200_000, Seed: 1})
	large := peakHeap(t, Config{Zoos: 1000, Animals: 10000, Visits: 2_000_000, Seed: 1})
	t.Logf("peak heap: %d KiB for 200,000 visits, %d KiB for 2,000,000", small>>10, large>>10)
	// Garbage comes and goes with GC timing, so allow slack, but nothing
	// near the tenfold growth that holding visits would cause.
	if large > 2*small+(4<<20) {
		t.Errorf("peak heap grew from %d KiB to %d KiB with ten times the visits", small>>10, large>>10)
	}
}

// TestShape logs the shape of the data at a realistic size.
func TestShape(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a million visits")
	}
	c := Config{Zoos: 1000, Animals: 10000, Visits: 1_000_000, Seed: 1}
	zoos, animals := make([]int, c.Zoos), make([]int, c.Animals)
	first, last := zootour.MaxDate, zootour.MinDate
	for v, err := range Source(c).Visits {
		if err != nil {
			t.Fatal(err)
		}
		zoos[v.ZooID-1]++
		animals[v.AnimalID-1]++
		if v.Date.Before(first) {
			first = v.Date
		}
		if v.Date.After(last) {
			last = v.Date
		}
	}
	slices.Sort(zoos)
	slices.Sort(animals)
	t.Logf("zoo visits: busiest %d, 10th %d, median %d, least %d", zoos[c.Zoos-1], zoos[c.Zoos-10], zoos[c.Zoos/2], zoos[0])
	t.Logf("animal visits: busiest %d, 10th %d, median %d, least %d", animals[c.Animals-1], animals[c.Animals-10], animals[c.Animals/2], animals[0])
	t.Logf("dates from %s to %s", first, last)
	if zoos[c.Zoos-1] < 5000 {
		t.Errorf("busiest zoo has %d visits, want many thousands", zoos[c.Zoos-1])
	}
}

func BenchmarkWrite(b *testing.B) {
	c := Config{Zoos: 1000, Animals: 10000, Visits: 1_000_000, Seed: 1}
	dir := b.TempDir()
	for b.Loop() {
		if err := Write(dir, c); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(c.Visits)*float64(b.N)/b.Elapsed().Seconds(), "visits/s")
}
