package zootour

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Finding records: the filters and orders of the listings of zoos, animals
// and visits (docs/finding.md).

// A Sort orders a listing of zoos, animals or visits.
type Sort string

// The orders. Name order is the Unicode collation order of the names, then
// ID (package textkey makes the keys); date order is date, then ID.
const (
	SortID       Sort = "id"
	SortName     Sort = "name"
	SortNameDesc Sort = "-name"
	SortDate     Sort = "date"
	SortDateDesc Sort = "-date"
)

// recordSorts and visitSorts are the orders each kind of listing takes.
var (
	recordSorts = []Sort{SortID, SortName, SortNameDesc}
	visitSorts  = []Sort{SortID, SortDate, SortDateDesc}
)

// ParseSort reads the order a caller asked for; "" is the default.
func ParseSort(s string, allowed []Sort) (Sort, error) {
	for _, a := range allowed {
		if Sort(s) == a {
			return a, nil
		}
	}
	if s == "" {
		return "", nil
	}
	names := make([]string, len(allowed))
	for i, a := range allowed {
		names[i] = string(a)
	}
	return "", Errorf(EINVALID, "sort %.40q is not one of %s", s, strings.Join(names, ", "))
}

// Sorts returns the orders a listing of zoos or animals (kind "zoo",
// "animal") or of visits ("visit") takes, the default first.
func Sorts(kind string) []Sort {
	if kind == "visit" {
		return visitSorts
	}
	return recordSorts
}

// MaxSearchLen is the most characters a search may hold, and
// MaxSearchWords the most words: enough for any name, and a bound on what
// one search can cost.
const (
	MaxSearchLen   = 200
	MaxSearchWords = 8
)

// A Search is what a caller looks for: words, each of which must be a
// prefix of a word of a record's text (case and accents ignored) or the
// record's ID written out. The zero Search finds everything.
type Search struct {
	text string
}

// ParseSearch reads a search. Empty text, or text that is only white
// space, is invalid: a caller who asks to search must say for what.
func ParseSearch(text string) (Search, error) {
	switch n := utf8.RuneCountInString(text); {
	case !utf8.ValidString(text):
		return Search{}, Errorf(EINVALID, "q is not valid UTF-8")
	case strings.TrimSpace(text) == "":
		return Search{}, Errorf(EINVALID, "q must not be empty: give a word to search for")
	case n > MaxSearchLen:
		return Search{}, Errorf(EINVALID, "q is %d characters long; at most %d are allowed", n, MaxSearchLen)
	case len(strings.Fields(text)) > MaxSearchWords:
		return Search{}, Errorf(EINVALID, "q has %d words; at most %d are allowed", len(strings.Fields(text)), MaxSearchWords)
	}
	return Search{text: strings.Join(strings.Fields(text), " ")}, nil
}

// MustSearch is ParseSearch for text known to be good; it panics otherwise.
func MustSearch(text string) Search {
	s, err := ParseSearch(text)
	if err != nil {
		panic(err)
	}
	return s
}

// IsZero reports whether s finds everything.
func (s Search) IsZero() bool { return s.text == "" }

// String returns the search as given, its white space folded.
func (s Search) String() string { return s.text }

// Words returns the words of the search as given (the stores fold them
// with textkey.Fold).
func (s Search) Words() []string { return strings.Fields(s.text) }

// SearchID returns the ID that a word of a search names when it is an ID
// written out (canonical decimal, positive), and false otherwise.
func SearchID(word string) (int64, bool) {
	id, err := strconv.ParseInt(word, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != word {
		return 0, false
	}
	return id, true
}

// ZooFilter selects zoos: those matching Search, in the order Sort (ID by
// default, name when searching), after the cursor After, at most Limit
// (0 for all).
type ZooFilter struct {
	Search Search
	Sort   Sort
	After  Cursor
	Limit  int
}

// AnimalFilter selects animals as ZooFilter selects zoos; Species, when
// set, keeps the animals of that species exactly, case ignored.
type AnimalFilter struct {
	Search  Search
	Species string
	Sort    Sort
	After   Cursor
	Limit   int
}

// VisitFilter selects visits: of one zoo, of one animal (0 for any), dated
// From to To inclusive (zero for open), in the order Sort (ID by default),
// after the cursor After, at most Limit (0 for all).
type VisitFilter struct {
	ZooID, AnimalID int64
	From, To        Date
	Sort            Sort
	After           Cursor
	Limit           int
}

// Order returns the order the filter lists zoos in.
func (f ZooFilter) Order() Sort { return recordOrder(f.Sort, f.Search) }

// Order returns the order the filter lists animals in.
func (f AnimalFilter) Order() Sort { return recordOrder(f.Sort, f.Search) }

// Order returns the order the filter lists visits in.
func (f VisitFilter) Order() Sort {
	if f.Sort == "" {
		return SortID
	}
	return f.Sort
}

func recordOrder(s Sort, q Search) Sort {
	switch {
	case s != "":
		return s
	case !q.IsZero():
		return SortName
	}
	return SortID
}

// Validate checks the filter's order and limit.
func (f ZooFilter) Validate() error { return checkFind(f.Sort, recordSorts, f.Limit) }

// Validate checks the filter's order, species and limit.
func (f AnimalFilter) Validate() error {
	if f.Species != "" {
		if _, err := CleanText("species", f.Species); err != nil {
			return err
		}
	}
	return checkFind(f.Sort, recordSorts, f.Limit)
}

// Validate checks the filter's IDs, window, order and limit.
func (f VisitFilter) Validate() error {
	if f.ZooID < 0 {
		return Errorf(EINVALID, "zoo_id must be a positive integer, not %d", f.ZooID)
	}
	if f.AnimalID < 0 {
		return Errorf(EINVALID, "animal_id must be a positive integer, not %d", f.AnimalID)
	}
	if err := (Query{From: f.From, To: f.To}).Validate(); err != nil {
		return err
	}
	return checkFind(f.Sort, visitSorts, f.Limit)
}

func checkFind(s Sort, allowed []Sort, limit int) error {
	if _, err := ParseSort(string(s), allowed); err != nil {
		return err
	}
	if limit < 0 {
		return Errorf(EINVALID, "limit must not be negative")
	}
	return nil
}

// ZooCursor returns the cursor after z in a listing of zoos in order s.
func ZooCursor(z Zoo, s Sort) Cursor { return recordCursor(z.ID, z.Name, s) }

// AnimalCursor returns the cursor after a in a listing of animals in order s.
func AnimalCursor(a Animal, s Sort) Cursor { return recordCursor(a.ID, a.Name, s) }

// VisitCursor returns the cursor after v in a listing of visits in order s.
func VisitCursor(v Visit, s Sort) Cursor {
	if s == SortDate || s == SortDateDesc {
		return Cursor{Date: v.Date, ID: v.ID}
	}
	return Cursor{ID: v.ID}
}

func recordCursor(id int64, name string, s Sort) Cursor {
	if s == SortName || s == SortNameDesc {
		return Cursor{ID: id, Text: name}
	}
	return Cursor{ID: id}
}
