package postgres

import (
	"context"
	"time"

	"github.com/zootour/zootour"
)

// CheckReplicaEvery sets how often the store checks its read replica, so
// that a test need not wait checkEvery for the store to see a change.
func CheckReplicaEvery(d time.Duration) Option {
	return func(o *options) { o.checkEvery = d }
}

// OneClient makes every context one client, the one that names none: every
// read then sees every write the store made before it, as the conformance
// suite expects of any store, whichever actors its calls name.
func OneClient() Option {
	return func(o *options) {
		o.client = func(context.Context) string { return zootour.NoActor }
	}
}

// VisitByIDSQL is the statement a store of that layout reads a visit by ID
// with.
var VisitByIDSQL = visitByIDSQL

// SetCommitWithin sets the bound of a commit for a test, and returns the
// function that puts it back.
func SetCommitWithin(d time.Duration) func() {
	old := commitWithin
	commitWithin = d
	return func() { commitWithin = old }
}
