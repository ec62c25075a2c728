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
func (p Presence) Position() Position { return Position{Date: p.From, ID: p.ID} }

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
// (its ID, the contact's animal ID) and Limit page the listing.
type ContactQuery struct {
	From, To Date
	After    Cursor
	Limit    int
}

// Validate checks the window and the limit.
func (q ContactQuery) Validate() error {
	return Query{From: q.From, To: q.To, Limit: q.Limit}.Validate()
}

// StayQuery pages an animal's stays: those starting after After.Date,
// at most Limit (0 for all).
type StayQuery struct {
	After Cursor
	Limit int
}

// Cursor returns where s stands in a listing of stays.
func (s Stay) Cursor() Cursor { return Cursor{Date: s.From} }

// PresentQuery selects the animals present at a zoo: on the date On, or
// during the window From..To (inclusive), one entry per stay that overlaps
// it by at least a day; On and a window are alternatives. After (the
// stay's from and the animal's ID) and Limit page the listing.
type PresentQuery struct {
	On, From, To Date
	After        Cursor
	Limit        int
}

// Window returns the first and last days the query asks about.
func (q PresentQuery) Window() (from, to Date) {
	if !q.On.IsZero() {
		return q.On, q.On
	}
	return q.From, q.To
}

// Validate checks that the query asks about a date or a whole window, not
// both, and its limit.
func (q PresentQuery) Validate() error {
	switch {
	case !q.On.IsZero() && (!q.From.IsZero() || !q.To.IsZero()):
		return Errorf(EINVALID, "give either on or a window (from and to), not both")
	case q.On.IsZero() && (q.From.IsZero() || q.To.IsZero()):
		if q.From.IsZero() && q.To.IsZero() {
			return Errorf(EINVALID, "a date (on) or a window (from and to) is required")
		}
		return Errorf(EINVALID, "a window needs both from and to")
	}
	return Query{From: q.From, To: q.To, Limit: q.Limit}.Validate()
}

// CensusQuery asks for the census on the date On, paged after After (the
// zoo's ID and the species of the last row seen).
type CensusQuery struct {
	On    Date
	After Cursor
	Limit int
}

// Validate checks the date and the limit.
func (q CensusQuery) Validate() error {
	if err := CheckOn(q.On); err != nil {
		return err
	}
	return Query{Limit: q.Limit}.Validate()
}

// A CensusRow counts the animals of one species present at one zoo.
type CensusRow struct {
	ZooID   int64  `json:"zoo_id"`
	Species string `json:"species"`
	Count   int    `json:"count"`
}

// Cursor returns where r stands in a census.
func (r CensusRow) Cursor() Cursor { return Cursor{ID: r.ZooID, Text: r.Species} }

// CensusLess reports whether the census row at c comes before the one at
// d: by zoo ID, then species in code point order (the byte order of UTF-8).
func CensusLess(c, d Cursor) bool {
	if c.ID != d.ID {
		return c.ID < d.ID
	}
	return c.Text < d.Text
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
	// AnimalStays lists an animal's stays by From.
	AnimalStays(ctx context.Context, animalID int64, q StayQuery) ([]Stay, error)
	// AnimalWhere returns the zoo of the animal's stay that covers the date
	// on, or nil before its first visit.
	AnimalWhere(ctx context.Context, animalID int64, on Date) (*Zoo, error)
	// ZooPresent lists the animals present at the zoo on a date (one entry
	// per animal) or during a window (one per stay), by the stay's From,
	// then animal ID.
	ZooPresent(ctx context.Context, zooID int64, q PresentQuery) ([]Presence, error)
	// AnimalContacts lists every other animal with a stay at the same zoo as
	// one of the animal's stays, overlapping it by at least one day (inside
	// the window, if one is given), once each by animal ID.
	AnimalContacts(ctx context.Context, animalID int64, q ContactQuery) ([]Contact, error)
	// Census counts, for each zoo and species, the animals present on the
	// date: rows with a count above zero, by zoo ID then species.
	Census(ctx context.Context, q CensusQuery) ([]CensusRow, error)
}

// Cursor returns where c stands in a listing of contacts.
func (c Contact) Cursor() Cursor { return Cursor{ID: c.ID} }
