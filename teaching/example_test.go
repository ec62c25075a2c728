package teaching_test

import (
	"fmt"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/teaching"
)

// The teaching model keeps every visit in one list and scans it for each
// question: the reference every store is held to.
func ExampleModel_Where() {
	m := teaching.New()
	m.Zoos[1] = zootour.Zoo{ID: 1, Name: "Artis", Location: "Amsterdam"}
	m.Zoos[2] = zootour.Zoo{ID: 2, Name: "Zoo Zürich", Location: "Zürich"}
	m.Animals[7] = zootour.Animal{ID: 7, Name: "Ruby", Species: "red panda"}
	m.AddVisit(zootour.Visit{ID: 1, Date: zootour.MustDate("2024-03-01"), ZooID: 1, AnimalID: 7})
	m.AddVisit(zootour.Visit{ID: 2, Date: zootour.MustDate("2024-09-15"), ZooID: 2, AnimalID: 7})
	fmt.Println(m.Where(7, zootour.MustDate("2024-06-01")).Name)
	fmt.Println(m.Where(7, zootour.MustDate("2025-01-01")).Name)
	fmt.Println(m.Where(7, zootour.MustDate("2020-01-01")) == nil)
	// Output:
	// Artis
	// Zoo Zürich
	// true
}
