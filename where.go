package zootour

import "context"

// Where and when: questions answered from the visits alone. A visit records
// an animal's arrival at a zoo; the animal stays there until its next visit
// elsewhere. Nothing here is stored: every answer is derived from visits.

// A Stay is an animal's time at one zoo: a run of its consecutive visits to
// that zoo, merged. It covers From up to, but not including, To; To is nil
// while the animal is still there.
type Stay struct {
	ZooID  int64 `json:"zoo_id"`
	From   Date  `json:"from"`
	To     *Date `json:"to"`
	Visits int   `json:"visits"`
}

// Covers reports whether the stay covers the date d.
func (s Stay) Covers(d Date) bool {
	return !d.Before(s.From) && (s.To == nil || d.Before(*s.To))
}

// A Presence is an animal present at a zoo on a date, with the stay that
// holds it there.
type Presence struct {
	Animal
	From Date  `json:"from"`
	To   *Date `json:"to"`
}

// Position returns where p stands in a listing of presences: the stay's
// From, then the animal's ID.
func (p Presence) Position() Position { return Position{p.From, p.ID} }

// An Overlap is a stretch of days two animals spent at the same zoo: from
// From up to, but not including, To (nil while both are still there).
type Overlap struct {
	ZooID int64 `json:"zoo_id"`
	From  Date  `json:"from"`
	To    *Date `json:"to"`
}

// A Contact is another animal that shared a zoo with an animal, and every
// overlap of their stays (in the order of From, then zoo ID).
type Contact struct {
	Animal
	Overlaps []Overlap `json:"overlaps"`
}

// ContactQuery selects an animal's contacts: with From or To set, only
// overlaps with at least one day inside From..To (inclusive) count. After
// and Limit page the listing by the contact's animal ID.
type ContactQuery struct {
	From, To Date
	After    int64
	Limit    int
}

// Validate checks the window and the limit.
func (q ContactQuery) Validate() error {
	return Query{From: q.From, To: q.To, Limit: q.Limit}.Validate()
}

// A CensusRow counts the animals of one species present at one zoo.
type CensusRow struct {
	ZooID   int64  `json:"zoo_id"`
	Species string `json:"species"`
	Count   int    `json:"count"`
}

// CensusKey is where a census listing stands: the zoo ID and species of the
// last row seen. The zero CensusKey is the start.
type CensusKey struct {
	ZooID   int64
	Species string
}

// Key returns where r stands in a census.
func (r CensusRow) Key() CensusKey { return CensusKey{r.ZooID, r.Species} }

// Less reports whether k comes before l: by zoo ID, then species in code
// point order (which is the byte order of UTF-8).
func (k CensusKey) Less(l CensusKey) bool {
	if k.ZooID != l.ZooID {
		return k.ZooID < l.ZooID
	}
	return k.Species < l.Species
}

// CheckOn returns an invalid error if on, the date of a question, is zero.
func CheckOn(on Date) error {
	if on.IsZero() {
		return Errorf(EINVALID, "a date (on) is required")
	}
	return nil
}

// WhereWhen answers the questions derived from visits. Every method is one
// read transaction, answers ENOTFOUND for a missing animal or zoo and
// EINVALID for bad input (an ID that is not positive, a zero date, a
// negative limit, a window whose from comes after its to).
type WhereWhen interface {
	// AnimalStays lists an animal's stays by From: those starting after
	// the date after (none if zero), at most limit (0 for all).
	AnimalStays(ctx context.Context, animalID int64, after Date, limit int) ([]Stay, error)
	// AnimalWhere returns the zoo of the animal's stay that covers the date
	// on, or nil before its first visit.
	AnimalWhere(ctx context.Context, animalID int64, on Date) (*Zoo, error)
	// ZooPresent lists the animals whose stay covering the date on is at
	// the zoo, by the stay's From, then animal ID, after the position after.
	ZooPresent(ctx context.Context, zooID int64, on Date, after Position, limit int) ([]Presence, error)
	// AnimalContacts lists every other animal with a stay at the same zoo as
	// one of the animal's stays, overlapping it by at least one day (inside
	// the window, if one is given), once each by animal ID.
	AnimalContacts(ctx context.Context, animalID int64, q ContactQuery) ([]Contact, error)
	// Census counts, for each zoo and species, the animals present on the
	// date on: rows with a count above zero, by zoo ID then species, after
	// the key after.
	Census(ctx context.Context, on Date, after CensusKey, limit int) ([]CensusRow, error)
}
