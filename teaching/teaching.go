// Package teaching is the classic teaching version of the zoo model ported
// straight to Go: every visit in one list, and every question answered by
// scanning that list. It is the reference the stores are checked against
// and the baseline they are measured against, so it stays deliberately
// plain: no index, no cleverness.
package teaching

import (
	"slices"

	"github.com/zootour/zootour"
)

// Model holds zoos, animals and the list of all visits (Visit.all).
type Model struct {
	Zoos    map[int64]zootour.Zoo
	Animals map[int64]zootour.Animal
	Visits  []zootour.Visit
}

// New returns an empty model.
func New() *Model {
	return &Model{Zoos: map[int64]zootour.Zoo{}, Animals: map[int64]zootour.Animal{}}
}

// AddVisit appends a visit to the list.
func (m *Model) AddVisit(v zootour.Visit) { m.Visits = append(m.Visits, v) }

// DeleteVisit removes the visit with the given ID.
func (m *Model) DeleteVisit(id int64) {
	m.Visits = slices.DeleteFunc(m.Visits, func(v zootour.Visit) bool { return v.ID == id })
}

// DeleteZoo removes a zoo and its visits.
func (m *Model) DeleteZoo(id int64) {
	delete(m.Zoos, id)
	m.Visits = slices.DeleteFunc(m.Visits, func(v zootour.Visit) bool { return v.ZooID == id })
}

// DeleteAnimal removes an animal and its visits.
func (m *Model) DeleteAnimal(id int64) {
	delete(m.Animals, id)
	m.Visits = slices.DeleteFunc(m.Visits, func(v zootour.Visit) bool { return v.AnimalID == id })
}

// inOrder returns the visits that match, sorted by date, then ID.
func (m *Model) inOrder(match func(zootour.Visit) bool, q zootour.Query) []zootour.Visit {
	var out []zootour.Visit
	for _, v := range m.Visits {
		if match(v) && q.Contains(v.Date) {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b zootour.Visit) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return cmpID(a.ID, b.ID)
	})
	return out
}

func cmpID(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// ZooVisits scans every visit for the zoo's, in the window of q.
func (m *Model) ZooVisits(zooID int64, q zootour.Query) []zootour.Visit {
	return m.inOrder(func(v zootour.Visit) bool { return v.ZooID == zooID }, q)
}

// AnimalVisits scans every visit for the animal's, in the window of q.
func (m *Model) AnimalVisits(animalID int64, q zootour.Query) []zootour.Visit {
	return m.inOrder(func(v zootour.Visit) bool { return v.AnimalID == animalID }, q)
}

// ZooAnimals returns the animals of the zoo's visits, once per visit or,
// with q.Distinct, once per animal at its first visit.
func (m *Model) ZooAnimals(zooID int64, q zootour.Query) []zootour.ZooAnimal {
	var out []zootour.ZooAnimal
	seen := map[int64]bool{}
	for _, v := range m.ZooVisits(zooID, q) {
		if q.Distinct && seen[v.AnimalID] {
			continue
		}
		seen[v.AnimalID] = true
		out = append(out, zootour.ZooAnimal{Animal: m.Animals[v.AnimalID], VisitID: v.ID, Date: v.Date})
	}
	return out
}

// AnimalZoos returns the zoos of the animal's visits, like ZooAnimals.
func (m *Model) AnimalZoos(animalID int64, q zootour.Query) []zootour.AnimalZoo {
	var out []zootour.AnimalZoo
	seen := map[int64]bool{}
	for _, v := range m.AnimalVisits(animalID, q) {
		if q.Distinct && seen[v.ZooID] {
			continue
		}
		seen[v.ZooID] = true
		out = append(out, zootour.AnimalZoo{Zoo: m.Zoos[v.ZooID], VisitID: v.ID, Date: v.Date})
	}
	return out
}
