// Package generate makes synthetic zootour data: zoos, animals and the
// visits that join them, valid under every rule of the domain, the same
// for the same Config, and shaped like a real touring programme (a few busy
// zoos and animals, many quiet ones, animals returning to zoos they know).
//
// Generation streams: memory grows with the number of zoos and animals,
// never with the number of visits. Each animal's visit count is settled
// first (summing exactly to Config.Visits); then each animal's tour is
// drawn in date order from its own random stream, so one tour never depends
// on another.
package generate

import (
	"fmt"
	"iter"
	"math"
	"math/bits"
	"math/rand/v2"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/csvio"
)

// Config says how many records to make and from which seed.
type Config struct {
	Zoos, Animals, Visits int
	Seed                  uint64
}

// MaxRecords is the most zoos, and the most animals, a Config may ask for:
// the generator keeps a few bytes per zoo and per animal in memory.
const MaxRecords = 10_000_000

// Days are counted from 1970-01-01 (day 0) in the proleptic Gregorian
// calendar.
var (
	firstDay = daysFromCivil(1, 1, 1)
	lastDay  = daysFromCivil(9999, 12, 31)
	// Tours start between 1990 and 2024.
	toursFrom = daysFromCivil(1990, 1, 1)
	toursSpan = daysFromCivil(2025, 1, 1) - toursFrom
)

// MaxVisitsPerAnimal is the most visits one animal can have: one a day
// from 0001-01-01 to 9999-12-31.
const MaxVisitsPerAnimal = 3_652_059

// Validate returns an invalid error naming the flag (--zoos, --animals,
// --visits) that makes c impossible.
func (c Config) Validate() error {
	for _, f := range []struct {
		flag string
		n    int
	}{{"--zoos", c.Zoos}, {"--animals", c.Animals}, {"--visits", c.Visits}} {
		if f.n < 0 {
			return zootour.Errorf(zootour.EINVALID, "%s must not be negative, not %d", f.flag, f.n)
		}
		if f.n > MaxRecords && f.flag != "--visits" {
			return zootour.Errorf(zootour.EINVALID, "%s must be at most %d, not %d", f.flag, MaxRecords, f.n)
		}
	}
	switch {
	case c.Visits > 0 && c.Zoos == 0:
		return zootour.Errorf(zootour.EINVALID, "--zoos must be at least 1 for %d visits", c.Visits)
	case c.Visits > 0 && c.Animals == 0:
		return zootour.Errorf(zootour.EINVALID, "--animals must be at least 1 for %d visits", c.Visits)
	case c.Visits > c.Animals*MaxVisitsPerAnimal: // no overflow: Animals <= MaxRecords
		return zootour.Errorf(zootour.EINVALID,
			"--visits %d is more than %d animals can make at one visit a day from 0001-01-01 to 9999-12-31 (at most %d each)",
			c.Visits, c.Animals, MaxVisitsPerAnimal)
	}
	return nil
}

// Write writes zoos.csv, animals.csv and visits.csv for c in dir, creating
// dir if need be. The files are written under temporary names and renamed
// into place at the end, so a failure leaves no half-written file. The
// same Config always gives the same bytes.
func Write(dir string, c Config) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return csvio.WriteDir(dir, func(dst zootour.Sink) error { return copyTo(dst, Source(c)) })
}

// copyTo hands every record of src to dst.
func copyTo(dst zootour.Sink, src zootour.Source) error {
	for z, err := range src.Zoos {
		if err == nil {
			err = dst.Zoo(z)
		}
		if err != nil {
			return err
		}
	}
	for a, err := range src.Animals {
		if err == nil {
			err = dst.Animal(a)
		}
		if err != nil {
			return err
		}
	}
	for v, err := range src.Visits {
		if err == nil {
			err = dst.Visit(v)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// Source returns the records of c as a zootour.Source, for a store's
// Import, each kind in ID order. Each sequence can be walked any number of
// times and always yields the same records; an invalid c yields its
// Validate error.
func Source(c Config) zootour.Source {
	return zootour.Source{
		Zoos:    checked(c, c.zoos),
		Animals: checked(c, c.animals),
		Visits:  checked(c, c.visits),
	}
}

func checked[T any](c Config, seq iter.Seq[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		if err := c.Validate(); err != nil {
			var zero T
			yield(zero, err)
			return
		}
		for x := range seq {
			if !yield(x, nil) {
				return
			}
		}
	}
}

// Every kind of draw has its own random stream, so that, say, a change to
// how names are drawn leaves the visits alone.
const (
	zooStream uint64 = iota + 1
	animalStream
	rankStream
	tourStream
)

// newRand returns a generator for one stream of c's seed; n tells apart
// the streams of one kind (one per animal for tours).
func (c Config) newRand(stream, n uint64) (*rand.Rand, *rand.PCG) {
	// Mixing stream and n keeps nearby seeds from giving related sequences.
	pcg := rand.NewPCG(c.Seed, mix(stream<<40^n))
	return rand.New(pcg), pcg
}

// mix is the SplitMix64 finaliser.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

func (c Config) zoos(yield func(zootour.Zoo) bool) {
	rng, _ := c.newRand(zooStream, 0)
	seen := map[string]int{} // zoos so far of each name, to number the repeats
	for id := 1; id <= c.Zoos; id++ {
		city := cities[rng.IntN(len(cities))]
		name := fmt.Sprintf(zooNames[rng.IntN(len(zooNames))], city.name)
		if seen[name]++; seen[name] > 1 {
			name = fmt.Sprintf("%s %d", name, seen[name])
		}
		if !yield(zootour.Zoo{ID: int64(id), Name: name, Location: city.name + ", " + city.country}) {
			return
		}
	}
}

func (c Config) animals(yield func(zootour.Animal) bool) {
	rng, _ := c.newRand(animalStream, 0)
	for id := 1; id <= c.Animals; id++ {
		name := fmt.Sprintf(nameForms[rng.IntN(len(nameForms))], givenNames[rng.IntN(len(givenNames))])
		sp := species[rng.IntN(len(species))]
		if !yield(zootour.Animal{ID: int64(id), Name: name, Species: sp}) {
			return
		}
	}
}

// zipf returns n weights in decreasing order, the weight of rank r being
// proportional to 1/sqrt(r). Integers, so that what follows from them is
// exact on every platform (math.Sqrt and division are correctly rounded).
func zipf(n int) []uint64 {
	w := make([]uint64, n)
	for r := range w {
		w[r] = uint64(float64(1<<32) / math.Sqrt(float64(r+1)))
	}
	return w
}

// shuffled returns 1..n in an order drawn from rng: busy ranks land on
// random IDs rather than on the first ones.
func shuffled(rng *rand.Rand, n int) []int32 {
	ids := make([]int32, n)
	for i := range ids {
		ids[i] = int32(i + 1)
	}
	rng.Shuffle(n, func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	return ids
}

// apportion replaces the weights w, in decreasing order, with shares of
// total in proportion to them, none above limit, that sum exactly to
// total. total must be at most len(w)*limit.
func apportion(total, limit uint64, w []uint64) {
	var sum uint64
	for _, x := range w {
		sum += x
	}
	// The heaviest ranks whose share would pass limit get limit, and the
	// rest is shared among the others.
	k, rest := 0, total
	for ; k < len(w); k++ {
		hi1, lo1 := bits.Mul64(rest, w[k])
		hi2, lo2 := bits.Mul64(limit, sum)
		if hi1 < hi2 || hi1 == hi2 && lo1 <= lo2 {
			break
		}
		sum -= w[k]
		w[k] = limit
		rest -= limit
	}
	var given uint64
	for i := k; i < len(w); i++ {
		hi, lo := bits.Mul64(rest, w[i])
		w[i], _ = bits.Div64(hi, lo, sum)
		given += w[i]
	}
	// What rounding down left over (fewer than one per rank) goes to the
	// heaviest ranks below limit; a share at limit was exact, so there are
	// enough of those.
	for i := k; given < rest; i++ {
		if w[i] < limit {
			w[i]++
			given++
		}
	}
}

// visitCounts returns the number of visits of each animal, by ID - 1.
func (c Config) visitCounts() []uint32 {
	w := zipf(c.Animals)
	apportion(uint64(c.Visits), uint64(MaxVisitsPerAnimal), w)
	rng, _ := c.newRand(rankStream, 1)
	counts := make([]uint32, c.Animals)
	for r, id := range shuffled(rng, c.Animals) {
		counts[id-1] = uint32(w[r])
	}
	return counts
}

// A zooPicker draws zoos with Zipf-like popularity.
type zooPicker struct {
	cum []uint64 // running sums of the weights, by rank
	ids []int32  // the zoo of each rank
}

func (c Config) zooPicker() zooPicker {
	w := zipf(c.Zoos)
	for r := 1; r < len(w); r++ {
		w[r] += w[r-1]
	}
	rng, _ := c.newRand(rankStream, 0)
	return zooPicker{cum: w, ids: shuffled(rng, c.Zoos)}
}

func (p zooPicker) pick(rng *rand.Rand) int64 {
	x := rng.Uint64N(p.cum[len(p.cum)-1])
	lo, hi := 0, len(p.cum)-1
	for lo < hi { // the first rank whose running sum passes x
		m := int(uint(lo+hi) >> 1)
		if p.cum[m] > x {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return int64(p.ids[lo])
}

func (c Config) visits(yield func(zootour.Visit) bool) {
	if c.Visits == 0 {
		return
	}
	counts := c.visitCounts()
	zoos := c.zooPicker()
	rng, pcg := c.newRand(tourStream, 0)
	var id int64
	for a, n := range counts {
		animal := int64(a + 1)
		pcg.Seed(c.Seed, mix(tourStream<<40^uint64(animal)))
		t := newTour(rng, int(n))
		for range n {
			day, zoo := t.next(rng, zoos)
			id++
			if !yield(zootour.Visit{ID: id, Date: dateOf(day), ZooID: zoo, AnimalID: animal}) {
				return
			}
		}
	}
}

// A tour is one animal's visits in date order: gaps of a day to a few
// weeks, and habits of its own, some animals staying on at a zoo, some
// returning to zoos they know, some always moving on.
type tour struct {
	day, maxGap int
	stay, back  int // percent chances to stay at the last zoo, or go back to a recent one
	zoo         int64
	recent      [8]int64 // the last zoos newly drawn, a ring
	drawn, done int
}

func newTour(rng *rand.Rand, n int) tour {
	t := tour{
		day:    toursFrom + rng.IntN(toursSpan),
		maxGap: 7 + rng.IntN(36),
		stay:   rng.IntN(30),
		back:   20 + rng.IntN(40),
	}
	// A long tour that would run past 9999-12-31 starts earlier and, if
	// need be, moves faster (n is at most MaxVisitsPerAnimal).
	if room := lastDay - t.day + 1; n > room {
		t.day = lastDay - n + 1
	}
	if n > 1 {
		t.maxGap = min(t.maxGap, (lastDay-t.day)/(n-1))
	}
	return t
}

func (t *tour) next(rng *rand.Rand, zoos zooPicker) (day int, zoo int64) {
	if t.done > 0 {
		t.day += 1 + rng.IntN(t.maxGap)
	}
	t.done++
	switch u := rng.IntN(100); {
	case t.done > 1 && u < t.stay:
	case t.drawn > 0 && u < t.stay+t.back:
		t.zoo = t.recent[rng.IntN(min(t.drawn, len(t.recent)))]
	default:
		t.zoo = zoos.pick(rng)
		t.recent[t.drawn%len(t.recent)] = t.zoo
		t.drawn++
	}
	return t.day, t.zoo
}

func dateOf(day int) zootour.Date {
	y, m, d := civilFromDays(day)
	date, err := zootour.NewDate(y, time.Month(m), d)
	if err != nil {
		panic(err) // tours stay within 0001-01-01..9999-12-31
	}
	return date
}

// daysFromCivil and civilFromDays convert between a Gregorian date and
// its day number from 1970-01-01, after Howard Hinnant's algorithms; they
// are here because going through time.Time for every visit is slow.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400 // y >= 0 in zootour's range
	yoe := y - era*400
	doy := (153*((m+9)%12)+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func civilFromDays(z int) (y, m, d int) {
	z += 719468
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}
