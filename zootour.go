// Package zootour keeps track of animals touring zoos.
//
// There are three kinds of record: a Zoo, an Animal, and the Visit that
// joins them (a date, one zoo, one animal). A zoo's animals are the animals
// of its visits and an animal's zoos are the zoos of its visits: the
// relationship is stored only in visits.
//
// This package holds the types, their rules, the error codes and the Store
// interface; the stores themselves live in subpackages (memory, sqlite,
// postgres) and every one of them passes the same conformance suite
// (storetest).
package zootour

import (
	"context"
	"fmt"
	"iter"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxTextLen is the most code points a name, location or species may hold.
const MaxTextLen = 200

// A Zoo is a place that animals visit.
type Zoo struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Location string `json:"location"`
}

// An Animal tours zoos.
type Animal struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Species string `json:"species"`
}

// A Visit records that an animal arrived at a zoo on a date. An animal is
// at one zoo per date.
type Visit struct {
	ID       int64 `json:"id"`
	Date     Date  `json:"date"`
	ZooID    int64 `json:"zoo_id"`
	AnimalID int64 `json:"animal_id"`
}

// Validate trims the zoo's text fields and checks them. It returns an
// invalid error naming the first bad field.
func (z *Zoo) Validate() error {
	var err error
	if z.Name, err = CleanText("name", z.Name); err != nil {
		return err
	}
	if z.Location, err = CleanText("location", z.Location); err != nil {
		return err
	}
	return nil
}

// Validate trims the animal's text fields and checks them.
func (a *Animal) Validate() error {
	var err error
	if a.Name, err = CleanText("name", a.Name); err != nil {
		return err
	}
	if a.Species, err = CleanText("species", a.Species); err != nil {
		return err
	}
	return nil
}

// Validate checks that the visit has a date and names a zoo and an animal
// by positive ID. Whether they exist is for the store to say.
func (v *Visit) Validate() error {
	switch {
	case v.Date.IsZero():
		return Errorf(EINVALID, "date is required")
	case v.ZooID <= 0:
		return Errorf(EINVALID, "zoo_id must be a positive integer, not %d", v.ZooID)
	case v.AnimalID <= 0:
		return Errorf(EINVALID, "animal_id must be a positive integer, not %d", v.AnimalID)
	}
	return nil
}

// CleanText trims leading and trailing white space from s and checks that
// what is left is 1 to MaxTextLen code points of valid UTF-8 with no control
// characters. field names s in the error.
func CleanText(field, s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", Errorf(EINVALID, "%s is not valid UTF-8", field)
	}
	s = strings.TrimSpace(s)
	n := 0
	for _, r := range s {
		if unicode.IsControl(r) {
			return "", Errorf(EINVALID, "%s contains the control character %U", field, r)
		}
		n++
	}
	switch {
	case n == 0:
		return "", Errorf(EINVALID, "%s is required", field)
	case n > MaxTextLen:
		return "", Errorf(EINVALID, "%s is %d characters long; at most %d are allowed", field, n, MaxTextLen)
	}
	return s, nil
}

// CheckID returns an invalid error unless id is a positive ID.
func CheckID(what string, id int64) error {
	if id <= 0 {
		return Errorf(EINVALID, "%s must be a positive integer, not %d", what, id)
	}
	return nil
}

// ZooUpdate holds the fields to change on a zoo; nil fields stay as they are.
type ZooUpdate struct {
	Name     *string `json:"name"`
	Location *string `json:"location"`
}

// AnimalUpdate holds the fields to change on an animal.
type AnimalUpdate struct {
	Name    *string `json:"name"`
	Species *string `json:"species"`
}

// VisitUpdate holds the fields to change on a visit.
type VisitUpdate struct {
	Date     *Date  `json:"date"`
	ZooID    *int64 `json:"zoo_id"`
	AnimalID *int64 `json:"animal_id"`
}

// Apply returns z with the update's fields set, validated.
func (u ZooUpdate) Apply(z Zoo) (Zoo, error) {
	if u.Name != nil {
		z.Name = *u.Name
	}
	if u.Location != nil {
		z.Location = *u.Location
	}
	return z, z.Validate()
}

// Apply returns a with the update's fields set, validated.
func (u AnimalUpdate) Apply(a Animal) (Animal, error) {
	if u.Name != nil {
		a.Name = *u.Name
	}
	if u.Species != nil {
		a.Species = *u.Species
	}
	return a, a.Validate()
}

// Apply returns v with the update's fields set, validated.
func (u VisitUpdate) Apply(v Visit) (Visit, error) {
	if u.Date != nil {
		v.Date = *u.Date
	}
	if u.ZooID != nil {
		v.ZooID = *u.ZooID
	}
	if u.AnimalID != nil {
		v.AnimalID = *u.AnimalID
	}
	return v, v.Validate()
}

// Query selects entries of a relationship listing (a zoo's visits or
// animals, an animal's visits or zoos), which is ordered by the date, then
// the ID, of each entry's visit.
type Query struct {
	// From and To, when not zero, keep only visits dated From to To inclusive.
	From, To Date
	// Distinct lists each animal (or zoo) once, at its first visit in the window.
	// It has no effect on a listing of visits.
	Distinct bool
	// After, when not zero, starts the listing after that position: the
	// date and visit ID of the last entry seen (for a distinct listing, of
	// that entry's first visit in the window).
	After Position
	// Limit, when positive, is the most entries to return.
	Limit int
}

// Validate checks the window of q: From may not come after To.
func (q Query) Validate() error {
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return Errorf(EINVALID, "the window's from date %s comes after its to date %s", q.From, q.To)
	}
	if q.Limit < 0 {
		return Errorf(EINVALID, "limit must not be negative")
	}
	return nil
}

// Contains reports whether d falls inside the window of q.
func (q Query) Contains(d Date) bool {
	return (q.From.IsZero() || !d.Before(q.From)) && (q.To.IsZero() || !d.After(q.To))
}

// A ZooAnimal is one entry of a zoo's animals: the animal, and the visit
// that brought it (whose date and ID place it in the listing).
type ZooAnimal struct {
	Animal
	VisitID int64 `json:"visit_id"`
	Date    Date  `json:"date"`
}

// Position returns where e stands in its listing.
func (e ZooAnimal) Position() Position { return Position{Date: e.Date, ID: e.VisitID} }

// An AnimalZoo is one entry of an animal's zoos: the zoo, and the visit that
// took the animal there.
type AnimalZoo struct {
	Zoo
	VisitID int64 `json:"visit_id"`
	Date    Date  `json:"date"`
}

// Position returns where e stands in its listing.
func (e AnimalZoo) Position() Position { return Position{Date: e.Date, ID: e.VisitID} }

// Position returns where v stands in a relationship listing.
func (v Visit) Position() Position { return Position{Date: v.Date, ID: v.ID} }

// Source supplies the records of an import, in order: every zoo, every
// animal, then every visit. Each sequence may yield an error, which ends the
// import.
type Source struct {
	Zoos    iter.Seq2[Zoo, error]
	Animals iter.Seq2[Animal, error]
	Visits  iter.Seq2[Visit, error]
	// DryRun, when set, makes Import check everything as for the import,
	// then undo it: it returns the error the import would have, and nil
	// where the import would succeed, and changes nothing.
	DryRun bool
}

// Sink receives the records of an export, each kind in ID order: every zoo,
// every animal, then every visit.
type Sink interface {
	Zoo(Zoo) error
	Animal(Animal) error
	Visit(Visit) error
}

// Counts holds how many records of each kind a store holds.
type Counts struct {
	Zoos    int64 `json:"zoos"`
	Animals int64 `json:"animals"`
	Visits  int64 `json:"visits"`
}

// ZooReader reads zoos.
type ZooReader interface {
	// Zoo returns the zoo with the given ID. ENOTFOUND if there is none.
	Zoo(ctx context.Context, id int64) (Zoo, error)
	// FindZoos lists the zoos that f selects, in its order. EINVALID for a
	// bad filter.
	FindZoos(ctx context.Context, f ZooFilter) ([]Zoo, error)
}

// AnimalReader reads animals.
type AnimalReader interface {
	// Animal returns the animal with the given ID. ENOTFOUND if there is none.
	Animal(ctx context.Context, id int64) (Animal, error)
	// FindAnimals lists the animals that f selects, in its order.
	FindAnimals(ctx context.Context, f AnimalFilter) ([]Animal, error)
}

// VisitReader reads visits.
type VisitReader interface {
	// Visit returns the visit with the given ID. ENOTFOUND if there is none.
	Visit(ctx context.Context, id int64) (Visit, error)
	// FindVisits lists the visits that f selects, in its order. A zoo or
	// animal that does not exist selects no visit.
	FindVisits(ctx context.Context, f VisitFilter) ([]Visit, error)
}

// Relations lists the relationship through visits: a zoo's visits and
// animals, an animal's visits and zoos. Each answers ENOTFOUND if there is
// no such zoo or animal and EINVALID if the query is bad.
type Relations interface {
	// ZooVisits lists a zoo's visits by date, then ID.
	ZooVisits(ctx context.Context, zooID int64, q Query) ([]Visit, error)
	// ZooAnimals lists the animals of a zoo's visits, one entry per visit in
	// the order of ZooVisits, or with q.Distinct one per animal at its first
	// visit.
	ZooAnimals(ctx context.Context, zooID int64, q Query) ([]ZooAnimal, error)
	// AnimalVisits lists an animal's visits by date, then ID.
	AnimalVisits(ctx context.Context, animalID int64, q Query) ([]Visit, error)
	// AnimalZoos lists the zoos of an animal's visits, like ZooAnimals.
	AnimalZoos(ctx context.Context, animalID int64, q Query) ([]AnimalZoo, error)
}

// Reader is everything a store answers without changing anything: what
// the pages, the API's GETs and the command line's listings need.
type Reader interface {
	ZooReader
	AnimalReader
	VisitReader
	Relations
	WhereWhen
	// Counts returns how many zoos, animals and visits there are.
	Counts(ctx context.Context) (Counts, error)
}

// Writer changes zoos, animals and visits, one record a call.
type Writer interface {
	// CreateZoo validates z, stores it with a new ID and returns it.
	// EINVALID if a field is bad.
	CreateZoo(ctx context.Context, z Zoo) (Zoo, error)
	// UpdateZoo changes the fields set in u and returns the zoo.
	// ENOTFOUND if there is no such zoo; EINVALID if a field is bad.
	UpdateZoo(ctx context.Context, id int64, u ZooUpdate) (Zoo, error)
	// DeleteZoo removes a zoo. ENOTFOUND if it does not exist; ECONFLICT if
	// it has visits and cascade is false. With cascade its visits go too.
	DeleteZoo(ctx context.Context, id int64, cascade bool) error

	// CreateAnimal validates a, stores it with a new ID and returns it.
	CreateAnimal(ctx context.Context, a Animal) (Animal, error)
	// UpdateAnimal changes the fields set in u and returns the animal.
	UpdateAnimal(ctx context.Context, id int64, u AnimalUpdate) (Animal, error)
	// DeleteAnimal removes an animal; see DeleteZoo.
	DeleteAnimal(ctx context.Context, id int64, cascade bool) error

	// CreateVisit validates v, stores it with a new ID and returns it.
	// EINVALID if a field is bad or the zoo or animal does not exist;
	// ECONFLICT if the animal already has a visit on that date.
	CreateVisit(ctx context.Context, v Visit) (Visit, error)
	// UpdateVisit changes the fields set in u and returns the visit, with
	// the errors of CreateVisit and ENOTFOUND.
	UpdateVisit(ctx context.Context, id int64, u VisitUpdate) (Visit, error)
	// DeleteVisit removes a visit. ENOTFOUND if it does not exist.
	DeleteVisit(ctx context.Context, id int64) error
}

// Transfer moves whole stores in and out: what import and export need.
type Transfer interface {
	// Import adds the records of src with the IDs they carry, all or
	// nothing. A record that is bad (an ID that is not positive included),
	// refers to a record that does not exist or conflicts fails the import
	// with a *RecordError naming it: the first failing record in the order
	// zoos, animals, visits. A visit naming a missing zoo or animal is
	// EINVALID, as in CreateVisit. An error yielded by src itself is
	// returned as it is; a nil sequence counts as empty.
	Import(ctx context.Context, src Source) error
	// Export writes every record to dst from one consistent snapshot.
	Export(ctx context.Context, dst Sink) error
}

// Store keeps zoos, animals and visits, the accounts and the change log:
// every role at once, and Close. Every write logs what it changed in its
// own transaction, as the actor that ctx names (WithActor).
// Every method is one transaction: a method that fails changes nothing.
// Errors carry the codes EINVALID, ENOTFOUND and ECONFLICT as documented;
// any other error is internal. Every method that takes an ID answers
// EINVALID for an ID that is not positive, and every listing answers
// EINVALID for a negative limit. Implementations are safe for concurrent
// use. A caller that needs less asks for less: the importer takes a
// Transfer, the pages a Reader and a Writer.
type Store interface {
	Reader
	Writer
	Transfer
	Accounts
	ChangeLog
	// Ready reports whether the store can take writes now: nil, or
	// EUNAVAILABLE saying why (read-only, out of disk space, unreachable).
	// It is cheap: a health check asks it often.
	Ready(ctx context.Context) error
	// Close releases the store's resources.
	Close() error
}

// AllPageSize is the size of the pages All asks for.
const AllPageSize = 500

// All returns every entry of a paged listing, calling fetch for page after
// page of AllPageSize entries, each starting after the cursor of the last
// entry of the one before (key gives an entry's cursor). It is how a caller
// walks a listing of any length with only one page in memory at a time. A
// page longer than asked for is an error, not a silent stop.
func All[T any](fetch func(after Cursor, limit int) ([]T, error), key func(T) Cursor) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var after Cursor
		for {
			page, err := fetch(after, AllPageSize)
			if err == nil && len(page) > AllPageSize {
				err = fmt.Errorf("zootour.All: a page of %d entries, asked for at most %d", len(page), AllPageSize)
			}
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, e := range page {
				if !yield(e, nil) {
					return
				}
			}
			if len(page) < AllPageSize {
				return
			}
			after = key(page[len(page)-1])
		}
	}
}

// A Verifier is a store that can check its storage for damage (SQLite's
// pages), which would otherwise be served as wrong answers.
type Verifier interface {
	// Verify checks the storage and returns nil, or EUNAVAILABLE saying
	// what is damaged; once damage is found, the store answers every call
	// so until it is opened again.
	Verify(ctx context.Context) error
}

// A Checker is a store that derives data from the records (the stays of
// the visits, the search keys of the names) and can rebuild it and compare.
type Checker interface {
	// Check rebuilds the store's derived data from the records, in one read
	// transaction, and describes each difference in a sentence: at most max
	// of them (0 for all). None means the derived data is exact.
	Check(ctx context.Context, max int) ([]string, error)
	// Rebuild writes all the derived data again from the records, in one
	// transaction.
	Rebuild(ctx context.Context) error
}

// A Replicated is a store that sends reads to a replica of its database
// (PostgreSQL's streaming replica, docs/replicas.md) and says how that goes,
// for /readyz and /metrics.
type Replicated interface {
	// ReplicaStatus reports on the replica; ok is false when the store has
	// none, and every read goes to the primary.
	ReplicaStatus() (st ReplicaStatus, ok bool)
}

// ReplicaStatus is the state of a store's read replica as last checked, and
// where reads went since the store opened.
type ReplicaStatus struct {
	// Healthy is whether reads may go to the replica: it answers, it is a
	// replica of the store's database, and it lags less than MaxLag. If
	// not, Reason says why and every read goes to the primary.
	Healthy bool
	Reason  string
	// Lag is how long ago the primary was where the replica's replay is now
	// (0 when it has replayed everything); MaxLag is the bound beyond which
	// reads leave it.
	Lag, MaxLag time.Duration

	// ReplicaReads went to the replica. OwnWriteReads went to the primary
	// because their client (the actor of the context, WithActor) had
	// written what the replica had not replayed yet. FallbackReads went to
	// the primary because the replica was unhealthy, or failed them for
	// want of a server and they ran again there.
	ReplicaReads, OwnWriteReads, FallbackReads uint64
}
