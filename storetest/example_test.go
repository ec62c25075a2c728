package storetest_test

import (
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/sqlite"
	"github.com/zootour/zootour/storetest"
)

// A store of your own passes the conformance suite when a test runs it:
// open gives each test a new, empty store.
func ExampleRun() {
	_ = func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) zootour.Store {
			s, err := sqlite.Open(t.Context(), sqlite.Memory)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		})
	}
}
