package main_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/zootour/zootour"
)

// TestFindCommands runs the list commands' filters and orders through the
// built binary and compares them with the teaching model; bad flags exit
// 2 with a sentence naming the flag, and print nothing on standard output.
func TestFindCommands(t *testing.T) {
	data := newDataset(3, 24, 120, 3000)
	dir := t.TempDir()
	data.write(t, dir)
	for name, newDB := range stores(t) {
		t.Run(name, func(t *testing.T) {
			db := newDB(t)
			ok(t, db, "import", dir)
			m := data.model
			for _, tc := range []struct {
				args []string
				f    zootour.ZooFilter
			}{
				{[]string{"--search", "zurich kreis 1"}, zootour.ZooFilter{Search: zootour.MustSearch("zurich kreis 1")}},
				{[]string{"--search", "ZOO «1", "--sort", "-name"}, zootour.ZooFilter{Search: zootour.MustSearch("ZOO «1"), Sort: zootour.SortNameDesc}},
				{[]string{"--sort", "name"}, zootour.ZooFilter{Sort: zootour.SortName}},
				{nil, zootour.ZooFilter{}},
			} {
				var got []zootour.Zoo
				okJSON(t, &got, db, append([]string{"zoo", "list"}, tc.args...)...)
				check(t, "zoo list "+strings.Join(tc.args, " "), m.FindZoos(tc.f), got)
			}
			for _, tc := range []struct {
				args []string
				f    zootour.AnimalFilter
			}{
				{[]string{"--search", "aenimal 1"}, zootour.AnimalFilter{Search: zootour.MustSearch("aenimal 1")}},
				{[]string{"--search", "ænimal 1"}, zootour.AnimalFilter{Search: zootour.MustSearch("ænimal 1")}},
				{[]string{"--species", "RED PANDA", "--sort", "name"}, zootour.AnimalFilter{Species: "RED PANDA", Sort: zootour.SortName}},
				{[]string{"--search", "7", "--species", "okapi"}, zootour.AnimalFilter{Search: zootour.MustSearch("7"), Species: "okapi"}},
			} {
				var got []zootour.Animal
				okJSON(t, &got, db, append([]string{"animal", "list"}, tc.args...)...)
				check(t, "animal list "+strings.Join(tc.args, " "), m.FindAnimals(tc.f), got)
			}
			itoa := func(n int64) string { return strconv.FormatInt(n, 10) }
			zoo, animal := data.zoos[0], data.anims[5]
			for _, tc := range []struct {
				args []string
				f    zootour.VisitFilter
			}{
				{[]string{"--sort", "-date"}, zootour.VisitFilter{Sort: zootour.SortDateDesc}},
				{[]string{"--zoo", itoa(zoo.ID), "--from", "2016-01-01", "--to", "2017-12-31", "--sort", "date"},
					zootour.VisitFilter{ZooID: zoo.ID, From: zootour.MustDate("2016-01-01"), To: zootour.MustDate("2017-12-31"), Sort: zootour.SortDate}},
				{[]string{"--animal", itoa(animal.ID)}, zootour.VisitFilter{AnimalID: animal.ID}},
			} {
				var got []zootour.Visit
				okJSON(t, &got, db, append([]string{"visit", "list"}, tc.args...)...)
				check(t, "visit list "+strings.Join(tc.args, " "), m.FindVisits(tc.f), got)
			}
			var during []zootour.Presence
			okJSON(t, &during, db, "zoo", "present", itoa(zoo.ID), "--from", "2016-01-01", "--to", "2016-12-31")
			check(t, "zoo present --from --to", m.PresentDuring(zoo.ID, zootour.MustDate("2016-01-01"), zootour.MustDate("2016-12-31")), during)

			for _, tc := range []struct {
				args  []string
				names string
			}{
				{[]string{"zoo", "list", "--search", ""}, "--search"},
				{[]string{"zoo", "list", "--search", "  "}, "--search"},
				{[]string{"zoo", "list", "--sort", "date"}, "sort"},
				{[]string{"animal", "list", "--species", ""}, "species"},
				{[]string{"visit", "list", "--sort", "name"}, "sort"},
				{[]string{"visit", "list", "--zoo", "x"}, "zoo"},
				{[]string{"visit", "list", "--from", "2020-02-01", "--to", "2020-01-01"}, "from"},
				{[]string{"zoo", "present", itoa(zoo.ID), "--on", "2020-01-01", "--from", "2020-01-01", "--to", "2020-02-01"}, "on"},
				{[]string{"zoo", "present", itoa(zoo.ID), "--from", "2020-01-01"}, "to"},
			} {
				r := zt(t, db, append(tc.args, "--json")...)
				if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, tc.names) || strings.Count(strings.TrimSpace(r.stderr), "\n") > 0 {
					t.Errorf("zootour %s: exit %d, stdout %q, stderr %q; want exit 2 and one sentence naming %s",
						strings.Join(tc.args, " "), r.code, r.stdout, r.stderr, tc.names)
				}
			}
		})
	}
}
