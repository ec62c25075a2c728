package bench

import (
	"testing"

	"github.com/zootour/zootour"
)

// TestSmallModels checks that the first pages' answers asked of small
// models (firstpages.go, pages.go) equal the whole teaching model's, on a
// data set small enough for the whole model to answer: a thousand animals,
// so that the contacts take several batches.
func TestSmallModels(t *testing.T) {
	f, err := NewFixture(Dataset(10_000, 10))
	if err != nil {
		t.Fatal(err)
	}
	m, idx := f.Model, newAnimalIndex(f.Model)
	for _, a := range f.Animals {
		all := m.Contacts(a.ID, zootour.ContactQuery{})
		if len(all) <= contactBatch {
			t.Errorf("%s: %d contacts, too few to take more than one batch", a.Label(), len(all))
		}
		for _, limit := range []int{3, pageSize, len(all) + 1} {
			if d := sameAnswer(all[:min(limit, len(all))], firstContacts(m, idx, a.ID, limit)); d != "" {
				t.Errorf("%s: first %d contacts: %s", a.Label(), limit, d)
			}
		}
	}
	on := f.Census.On
	if d := sameAnswer(m.Census(on), censusOf(m, idx, on)); d != "" {
		t.Errorf("census on %s: %s", on, d)
	}
	for _, z := range f.Zoos {
		if d := sameAnswer(m.Present(z.ID, z.On), presentDuring(m, z.ID, z.On, z.On)); d != "" {
			t.Errorf("%s present on %s: %s", z.Label(), z.On, d)
		}
	}
}
