package postgres_test

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/zootour/zootour"
)

// generated returns a Source of zoos and animals numbered from 1 and n
// visits numbered from firstVisit: every animal visits once a day from
// firstDay on, at a zoo that looks random. edit, if not nil, may change
// the i-th visit (from 0).
func generated(zoos, animals int64, n int, firstVisit int64, firstDay string, edit func(i int, v *zootour.Visit)) zootour.Source {
	start := zootour.MustDate(firstDay).Time()
	return zootour.Source{
		Zoos: func(yield func(zootour.Zoo, error) bool) {
			for i := int64(1); i <= zoos; i++ {
				if !yield(zootour.Zoo{ID: i, Name: "Zoo " + strconv.FormatInt(i, 10), Location: "Town"}, nil) {
					return
				}
			}
		},
		Animals: func(yield func(zootour.Animal, error) bool) {
			for i := int64(1); i <= animals; i++ {
				if !yield(zootour.Animal{ID: i, Name: "Animal " + strconv.FormatInt(i, 10), Species: "species"}, nil) {
					return
				}
			}
		},
		Visits: func(yield func(zootour.Visit, error) bool) {
			for i := range n {
				v := zootour.Visit{
					ID:       firstVisit + int64(i),
					Date:     zootour.DateOf(start.AddDate(0, 0, i/int(animals))),
					ZooID:    1 + (int64(i)*7919)%zoos,
					AnimalID: 1 + int64(i)%animals,
				}
				if edit != nil {
					edit(i, &v)
				}
				if !yield(v, nil) {
					return
				}
			}
		},
	}
}

// TestImportRate imports the number of visits in ZOOTOUR_PG_IMPORT_VISITS
// (say 1000000) with 1,000 zoos and 5,000 animals into an empty store, then
// a tenth as many into the filled store, and logs the rates. Run it with
// -v; it is skipped without the variable.
func TestImportRate(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("ZOOTOUR_PG_IMPORT_VISITS"))
	if n <= 0 {
		t.Skip("set ZOOTOUR_PG_IMPORT_VISITS=1000000 to measure the import")
	}
	s, ctx := open(t), t.Context()
	measure := func(what string, src zootour.Source, visits int) {
		began := time.Now()
		if err := s.Import(ctx, src); err != nil {
			t.Fatal(err)
		}
		took := time.Since(began)
		t.Logf("%s: %d visits in %v: %.0f visits/s", what, visits, took.Round(time.Millisecond), float64(visits)/took.Seconds())
	}
	measure("into an empty store", generated(1000, 5000, n, 1, "1900-01-01", nil), n)
	more := generated(1000, 5000, n/10, int64(n)+1, "1900-01-01", func(i int, v *zootour.Visit) {
		v.Date = v.Date.AddDays(n/5000 + 1)
	})
	more.Zoos, more.Animals = nil, nil
	measure("into the filled store", more, n/10)
	if c := must(s.Counts(ctx))(t); c.Visits != int64(n+n/10) {
		t.Errorf("Counts = %+v, want %d visits", c, n+n/10)
	}
}
