package main_test

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/zootour/zootour"
)

// TestWhereWhenAnswersLikeTheReference imports tens of thousands of visits
// and checks the five derived questions, asked through the command line,
// against the reference computed from their definitions.
func TestWhereWhenAnswersLikeTheReference(t *testing.T) {
	data := newDataset(5, 40, 300, 20000)
	dir := t.TempDir()
	data.write(t, dir)
	for name, newDB := range stores(t) {
		t.Run(name, func(t *testing.T) {
			db := newDB(t)
			ok(t, db, "import", dir)
			r := rand.New(rand.NewPCG(3, 4))
			id := func(n int64) string { return strconv.FormatInt(n, 10) }
			day := func() zootour.Date {
				// Often the exact day of a visit (an arrival or a move), else any day.
				v := data.model.Visits[r.IntN(len(data.model.Visits))]
				return v.Date.AddDays(r.IntN(3) - 1)
			}
			for i := 0; i < 8; i++ {
				a := data.anims[r.IntN(len(data.anims))]
				var stays []zootour.Stay
				okJSON(t, &stays, db, "animal", "itinerary", id(a.ID))
				check(t, "animal itinerary", data.model.Stays(a.ID), stays)

				on := day()
				var z *zootour.Zoo
				okJSON(t, &z, db, "animal", "where", id(a.ID), "--on", on.String())
				if want := data.model.Where(a.ID, on); (want == nil) != (z == nil) || (want != nil && *want != *z) {
					t.Errorf("animal where %d --on %s = %v, want %v", a.ID, on, z, want)
				}
				before := zootour.MustDate("2014-12-31")
				okJSON(t, &z, db, "animal", "where", id(a.ID), "--on", before.String())
				if z != nil {
					t.Errorf("animal where before any visit = %v, want null", z)
				}

				zoo := data.zoos[r.IntN(len(data.zoos))]
				var present []zootour.Presence
				okJSON(t, &present, db, "zoo", "present", id(zoo.ID), "--on", on.String())
				check(t, "zoo present", data.model.Present(zoo.ID, on), present)

				var q zootour.ContactQuery
				args := []string{"animal", "contacts", id(a.ID)}
				if i%2 == 0 {
					q.From, q.To = on, on.AddDays(r.IntN(60))
					args = append(args, "--from", q.From.String(), "--to", q.To.String())
				}
				var contacts []zootour.Contact
				okJSON(t, &contacts, db, args...)
				check(t, "animal contacts", data.model.Contacts(a.ID, q), contacts)

				var census []zootour.CensusRow
				okJSON(t, &census, db, "census", "--on", on.String())
				check(t, "census", data.model.Census(on), census)
			}
			for _, bad := range [][]string{
				{"animal", "where", "1", "--on", "2024-13-01"},
				{"census", "--on", "yesterday"},
				{"animal", "contacts", "1", "--from", "2024-02-01", "--to", "2024-01-01"},
			} {
				if r := zt(t, db, bad...); r.code != 2 {
					t.Errorf("zootour %v: exit %d, want 2", bad, r.code)
				}
			}
			if r := zt(t, db, "zoo", "present", "999", "--on", "2024-01-01"); r.code != 3 {
				t.Errorf("zoo present of a missing zoo: exit %d, want 3", r.code)
			}
		})
	}
}
