package bench

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/teaching"
)

// rel is one of the four relationship listings.
type rel int

const (
	zooVisits rel = iota
	zooAnimals
	animalVisits
	animalZoos
)

var relNames = [...]string{"zoo visits", "zoo animals", "animal visits", "animal zoos"}

// A Question is a relationship question: one listing, distinct or not,
// with or without the record's date window.
type Question struct {
	rel                rel
	Distinct, Windowed bool
}

// Questions returns the twelve relationship questions: a zoo's visits,
// animals and distinct animals, an animal's visits, zoos and distinct
// zoos, each without and with a date window.
func Questions() []Question {
	var qs []Question
	for _, r := range []rel{zooVisits, zooAnimals, animalVisits, animalZoos} {
		distinct := []bool{false}
		if r == zooAnimals || r == animalZoos {
			distinct = append(distinct, true)
		}
		for _, d := range distinct {
			for _, w := range []bool{false, true} {
				qs = append(qs, Question{rel: r, Distinct: d, Windowed: w})
			}
		}
	}
	return qs
}

// Name is how the question reads in tables: "zoo animals, distinct, window".
func (q Question) Name() string {
	s := relNames[q.rel]
	if q.Distinct {
		s += ", distinct"
	}
	if q.Windowed {
		s += ", window"
	}
	return s
}

// Slug is the name as a benchmark name: "zoo_animals_distinct_window".
func (q Question) Slug() string {
	return strings.NewReplacer(", ", "_", " ", "_").Replace(q.Name())
}

// MarshalText writes the question as its Slug, for saved results.
func (q Question) MarshalText() ([]byte, error) { return []byte(q.Slug()), nil }

// UnmarshalText reads a question written by MarshalText.
func (q *Question) UnmarshalText(b []byte) error {
	for _, c := range Questions() {
		if c.Slug() == string(b) {
			*q = c
			return nil
		}
	}
	return fmt.Errorf("bench: no question %q", b)
}

// Owner is "zoo" or "animal": whose listing it is.
func (q Question) Owner() string {
	if q.rel == zooVisits || q.rel == zooAnimals {
		return "zoo"
	}
	return "animal"
}

// Query is the store query of q about r.
func (q Question) Query(r Record) zootour.Query {
	zq := zootour.Query{Distinct: q.Distinct}
	if q.Windowed {
		zq.From, zq.To = r.From, r.To
	}
	return zq
}

// Ask asks s the question about r and returns the answer: a slice of
// zootour.Visit, ZooAnimal or AnimalZoo.
func (q Question) Ask(ctx context.Context, s zootour.Store, r Record) (any, error) {
	zq := q.Query(r)
	switch q.rel {
	case zooVisits:
		return s.ZooVisits(ctx, r.ID, zq)
	case zooAnimals:
		return s.ZooAnimals(ctx, r.ID, zq)
	case animalVisits:
		return s.AnimalVisits(ctx, r.ID, zq)
	default:
		return s.AnimalZoos(ctx, r.ID, zq)
	}
}

// Teach asks the teaching model, which scans every visit.
func (q Question) Teach(m *teaching.Model, r Record) any {
	zq := q.Query(r)
	switch q.rel {
	case zooVisits:
		return m.ZooVisits(r.ID, zq)
	case zooAnimals:
		return m.ZooAnimals(r.ID, zq)
	case animalVisits:
		return m.AnimalVisits(r.ID, zq)
	default:
		return m.AnimalZoos(r.ID, zq)
	}
}

// size returns the length of an answer (a slice; a pointer, which counts
// as one when set; a record, one).
func size(answer any) int {
	v := reflect.ValueOf(answer)
	switch v.Kind() {
	case reflect.Slice:
		return v.Len()
	case reflect.Pointer:
		if v.IsNil() {
			return 0
		}
		return 1
	case reflect.Struct:
		return 1
	}
	return 0
}

// A WhereQuestion is one of the where-and-when questions (zootour.WhereWhen).
type WhereQuestion struct {
	Name  string
	Owner string // whose records it is asked about: "zoo", "animal" or "date"
	ask   func(ctx context.Context, s zootour.WhereWhen, r Record) (any, error)
	teach func(m *teaching.Model, r Record) any
	// scans is how many scans of every visit the teaching model makes to
	// answer it, in units of stays, the number of the animal's stays.
	scans func(m *teaching.Model, r Record, stays int) int
}

// WhereQuestions returns the five where-and-when questions, contacts
// also within the record's window.
func WhereQuestions() []WhereQuestion {
	animals := func(m *teaching.Model, _ Record, _ int) int { return len(m.Animals) }
	one := func(*teaching.Model, Record, int) int { return 1 }
	contacts := func(m *teaching.Model, _ Record, stays int) int { return 1 + stays*len(m.Animals) }
	window := func(r Record) zootour.ContactQuery { return zootour.ContactQuery{From: r.From, To: r.To} }
	return []WhereQuestion{
		{
			Name: "animal stays", Owner: "animal", scans: one,
			ask: func(ctx context.Context, s zootour.WhereWhen, r Record) (any, error) {
				return s.AnimalStays(ctx, r.ID, zootour.StayQuery{})
			},
			teach: func(m *teaching.Model, r Record) any { return m.Stays(r.ID) },
		},
		{
			Name: "animal where", Owner: "animal", scans: one,
			ask: func(ctx context.Context, s zootour.WhereWhen, r Record) (any, error) {
				return s.AnimalWhere(ctx, r.ID, r.On)
			},
			teach: func(m *teaching.Model, r Record) any { return m.Where(r.ID, r.On) },
		},
		{
			Name: "zoo present", Owner: "zoo", scans: animals,
			ask: func(ctx context.Context, s zootour.WhereWhen, r Record) (any, error) {
				return s.ZooPresent(ctx, r.ID, zootour.PresentQuery{On: r.On})
			},
			teach: func(m *teaching.Model, r Record) any { return m.Present(r.ID, r.On) },
		},
		{
			Name: "animal contacts", Owner: "animal", scans: contacts,
			ask: func(ctx context.Context, s zootour.WhereWhen, r Record) (any, error) {
				return s.AnimalContacts(ctx, r.ID, zootour.ContactQuery{})
			},
			teach: func(m *teaching.Model, r Record) any { return m.Contacts(r.ID, zootour.ContactQuery{}) },
		},
		{
			Name: "animal contacts, window", Owner: "animal", scans: contacts,
			ask: func(ctx context.Context, s zootour.WhereWhen, r Record) (any, error) {
				return s.AnimalContacts(ctx, r.ID, window(r))
			},
			teach: func(m *teaching.Model, r Record) any { return m.Contacts(r.ID, window(r)) },
		},
		{
			Name: "census", Owner: "date", scans: animals,
			ask: func(ctx context.Context, s zootour.WhereWhen, r Record) (any, error) {
				return s.Census(ctx, zootour.CensusQuery{On: r.On})
			},
			teach: func(m *teaching.Model, r Record) any { return m.Census(r.On) },
		},
	}
}

// Slug is the name as a benchmark name.
func (q WhereQuestion) Slug() string {
	return strings.NewReplacer(", ", "_", " ", "_").Replace(q.Name)
}
