package zootour_test

import (
	"errors"
	"fmt"

	"github.com/zootour/zootour"
)

// Walk a listing of any length a page at a time: All asks for each page
// after the cursor of the last entry of the one before.
func ExampleAll() {
	ids := []int64{3, 5, 8, 13, 21}
	fetch := func(after zootour.Cursor, limit int) ([]int64, error) {
		var page []int64
		for _, id := range ids {
			if id > after.ID && len(page) < limit {
				page = append(page, id)
			}
		}
		return page, nil
	}
	for id, err := range zootour.All(fetch, func(id int64) zootour.Cursor { return zootour.Cursor{ID: id} }) {
		if err != nil {
			panic(err)
		}
		fmt.Print(id, " ")
	}
	fmt.Println()
	// Output: 3 5 8 13 21
}

// Every store's errors carry one of three codes, which errors.Is tells
// apart.
func ExampleError() {
	err := error(zootour.NotFound("zoo", 7))
	fmt.Println(errors.Is(err, zootour.ErrNotFound), zootour.ErrorCode(err), err)
	// Output: true not_found zoo 7 does not exist
}
