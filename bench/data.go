package bench

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/generate"
	"github.com/zootour/zootour/teaching"
)

// Seed is the generator seed of every data set: the same sizes give the
// same records on every run.
const Seed = 7

// DefaultVisitsPerAnimal is how many visits each animal makes, on
// average, unless a run asks for another number.
const DefaultVisitsPerAnimal = 100

// Dataset returns the generator settings for a data set of n visits,
// perAnimal visits an animal on average (0 for DefaultVisitsPerAnimal).
// Zoos and animals grow with the visits, so that the typical (median) zoo
// has about 1,000 visits and the typical animal the same number at every
// size (about 70 at 100 per animal): a question about a typical record has
// the same answer size at 10^4 and at 10^7 visits, and only the total
// grows. Fewer visits per animal make more animals: 10 gives 100,000 at
// 10^6 visits, for the listings of animals.
func Dataset(n, perAnimal int) generate.Config {
	if perAnimal <= 0 {
		perAnimal = DefaultVisitsPerAnimal
	}
	return generate.Config{Zoos: max(1, n/1400), Animals: max(1, n/perAnimal), Visits: n, Seed: Seed}
}

// A Record is a zoo or an animal that the questions are asked about.
type Record struct {
	Owner  string // "zoo", "animal", or "date" for the census
	Role   string // "busy" (the most visits) or "typical" (the median)
	ID     int64
	Visits int // how many visits it has
	// From and To are the date window of the windowed questions: the
	// dates of its visits a third and two thirds of the way through.
	From, To zootour.Date
	// On is the date of its middle visit, for "where" and "present".
	On zootour.Date
}

// Label names the record in tables: "busy zoo #12 (16,451 visits)".
func (r Record) Label() string {
	if r.Owner == "date" {
		return "on " + r.On.String()
	}
	return fmt.Sprintf("%s %s", r.Role, r.Owner)
}

// A Fixture is one data set: its settings, the teaching model holding it,
// and the records the questions are asked about.
type Fixture struct {
	Gen     generate.Config
	Model   *teaching.Model
	Zoos    []Record // busy, typical
	Animals []Record // busy, typical
	// Census is the date of the median visit, where the census is taken.
	Census Record
	// CSVBytes is the size of visits.csv without its header.
	CSVBytes int64
}

// NewFixture generates the data set gen into a teaching model and picks
// its busy and typical records.
func NewFixture(gen generate.Config) (*Fixture, error) {
	n := gen.Visits
	if err := gen.Validate(); err != nil {
		return nil, err
	}
	src := generate.Source(gen)
	m := teaching.New()
	m.Visits = make([]zootour.Visit, 0, n)
	for z, err := range src.Zoos {
		if err != nil {
			return nil, err
		}
		m.Zoos[z.ID] = z
	}
	for a, err := range src.Animals {
		if err != nil {
			return nil, err
		}
		m.Animals[a.ID] = a
	}
	f := &Fixture{Gen: gen, Model: m}
	zooVisits := make([]int, gen.Zoos+1) // by ID; the generator numbers from 1
	animalVisits := make([]int, gen.Animals+1)
	byDate := map[zootour.Date]int{}
	for v, err := range src.Visits {
		if err != nil {
			return nil, err
		}
		m.AddVisit(v)
		zooVisits[v.ZooID]++
		animalVisits[v.AnimalID]++
		byDate[v.Date]++
		f.CSVBytes += int64(digits(v.ID) + digits(v.ZooID) + digits(v.AnimalID) + len(",YYYY-MM-DD,,\n"))
	}
	f.Zoos = f.pick("zoo", zooVisits, func(v zootour.Visit) int64 { return v.ZooID })
	f.Animals = f.pick("animal", animalVisits, func(v zootour.Visit) int64 { return v.AnimalID })
	on := median(byDate, len(m.Visits))
	if on.IsZero() {
		on = zootour.MinDate
	}
	f.Census = Record{Owner: "date", Role: "median", On: on, From: on, To: on}
	return f, nil
}

// pick returns the busy and the typical record among counts (visits by ID).
func (f *Fixture) pick(owner string, counts []int, idOf func(zootour.Visit) int64) []Record {
	ids := make([]int64, 0, len(counts)-1)
	for id := 1; id < len(counts); id++ {
		ids = append(ids, int64(id))
	}
	slices.SortFunc(ids, func(a, b int64) int {
		return cmp.Or(cmp.Compare(counts[a], counts[b]), cmp.Compare(a, b))
	})
	busy := ids[len(ids)-1]
	for _, id := range ids { // the lowest ID among the busiest
		if counts[id] == counts[busy] {
			busy = id
			break
		}
	}
	recs := []Record{
		{Owner: owner, Role: "busy", ID: busy},
		{Owner: owner, Role: "typical", ID: ids[len(ids)/2]},
	}
	for i := range recs {
		var dates []zootour.Date
		for _, v := range f.Model.Visits {
			if idOf(v) == recs[i].ID {
				dates = append(dates, v.Date)
			}
		}
		slices.SortFunc(dates, zootour.Date.Compare)
		n := len(dates)
		recs[i].Visits = n
		// A record with no visits gets a window of one day (every date must
		// be set, for the saved results).
		recs[i].From, recs[i].To, recs[i].On = zootour.MinDate, zootour.MinDate, zootour.MinDate
		if n > 0 {
			recs[i].From, recs[i].To, recs[i].On = dates[n/3], dates[2*n/3], dates[n/2]
		}
	}
	return recs
}

// median returns the date of the middle visit, given visits by date.
func median(byDate map[zootour.Date]int, total int) zootour.Date {
	dates := make([]zootour.Date, 0, len(byDate))
	for d := range byDate {
		dates = append(dates, d)
	}
	slices.SortFunc(dates, zootour.Date.Compare)
	seen := 0
	for _, d := range dates {
		if seen += byDate[d]; 2*seen >= total {
			return d
		}
	}
	return zootour.Date{}
}

// records returns the records of an owner kind.
func (f *Fixture) records(owner string) []Record {
	switch owner {
	case "zoo":
		return f.Zoos
	case "animal":
		return f.Animals
	}
	return []Record{f.Census}
}

// digits returns how many decimal digits the positive n has.
func digits(n int64) int {
	d := 1
	for ; n >= 10; n /= 10 {
		d++
	}
	return d
}
