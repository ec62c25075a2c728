package textkey_test

import (
	"fmt"

	"github.com/zootour/zootour/textkey"
)

// A record's words are folded (case and accents ignored), so that a
// search for "zurich" finds "Zoo Zürich".
func ExampleWords() {
	fmt.Println(textkey.Words("Zoo Zürich", "ZÜRICH"))
	fmt.Println(textkey.QueryWords("zurich"))
	// Output:
	// [zoo zurich]
	// [zurich]
}
