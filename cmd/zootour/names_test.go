package main_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestTablesNameZoos checks that the tables of the listings that carry
// zoo IDs only (itinerary, contacts, census) show each zoo's name beside
// its ID, and that their JSON stays as it was: IDs only.
func TestTablesNameZoos(t *testing.T) {
	db := filepath.Join(t.TempDir(), "z.db")
	ok(t, db, "zoo", "add", "--name", "Artis", "--location", "Amsterdam")
	ok(t, db, "zoo", "add", "--name", "Diergaarde Blijdorp", "--location", "Rotterdam")
	ok(t, db, "animal", "add", "--name", "Ruby", "--species", "red panda")
	ok(t, db, "animal", "add", "--name", "Bram", "--species", "brown bear")
	for _, v := range [][]string{
		{"2024-01-01", "1", "1"}, {"2024-01-01", "1", "2"},
		{"2024-03-01", "2", "1"}, {"2024-03-05", "2", "2"},
	} {
		ok(t, db, "visit", "add", "--date", v[0], "--zoo", v[1], "--animal", v[2])
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"animal", "itinerary", "1"}, []string{"ZOO  NAME", "1    Artis                2024-01-01", "2    Diergaarde Blijdorp  2024-03-01"}},
		{[]string{"animal", "contacts", "1"}, []string{"Bram", "1 Artis: 2024-01-01..2024-03-01; 2 Diergaarde Blijdorp: 2024-03-05..now"}},
		{[]string{"census", "--on", "2024-03-10"}, []string{"ZOO  NAME                 SPECIES     COUNT", "2    Diergaarde Blijdorp  brown bear  1", "2    Diergaarde Blijdorp  red panda   1"}},
	} {
		out := ok(t, db, tc.args...)
		for _, want := range tc.want {
			if !strings.Contains(out, want) {
				t.Errorf("zootour %s lacks %q:\n%s", strings.Join(tc.args, " "), want, out)
			}
		}
		out = ok(t, db, append(tc.args, "--json")...)
		if strings.Contains(out, "Artis") || strings.Contains(out, "Blijdorp") || !json.Valid([]byte(out)) {
			t.Errorf("zootour %s --json = %q, want JSON with zoo IDs only", strings.Join(tc.args, " "), out)
		}
	}
}
