package sqlite

// ImportOneByOne makes s import visits one at a time, never in bulk, so
// that tests can hold the fast way to the plain one.
func ImportOneByOne(s *Store) { s.oneByOne = true }

// SchemaVersion is the version of the newest embedded migration.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil {
		panic(err)
	}
	return ms[len(ms)-1].version
}
