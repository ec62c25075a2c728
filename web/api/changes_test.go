package api

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/internal/webtest"
)

// change is an entry of the change log as the API answers it, with kind
// and record_id kept apart from absent.
type change struct {
	ID       int64           `json:"id"`
	At       string          `json:"at"`
	Actor    string          `json:"actor"`
	Batch    int64           `json:"batch"`
	Action   string          `json:"action"`
	Kind     *string         `json:"kind"`
	RecordID *int64          `json:"record_id"`
	Before   json.RawMessage `json:"before"`
	After    json.RawMessage `json:"after"`
}

func (c change) String() string {
	k, id := "-", int64(0)
	if c.Kind != nil {
		k = *c.Kind
	}
	if c.RecordID != nil {
		id = *c.RecordID
	}
	return fmt.Sprintf("%d %s %s %s %d", c.ID, c.Actor, c.Action, k, id)
}

// changesOf walks a listing of changes page by page.
func changesOf(t *testing.T, e *webtest.Env, path string, limit int) []change {
	t.Helper()
	var all []change
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	cursor := ""
	for range 1000 {
		u := fmt.Sprintf("%s%slimit=%d", path, sep, limit)
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		page := webtest.Decode[listing[change]](t, webtest.Must(t, e.Do("GET", u, ""), 200))
		if len(page.Items) > limit {
			t.Fatalf("%s: %d items on a page of %d", u, len(page.Items), limit)
		}
		all = append(all, page.Items...)
		if page.Next == nil {
			return all
		}
		cursor = *page.Next
	}
	t.Fatalf("%s: no end", path)
	return nil
}

// TestChangeLogThroughAPI writes through the API as a user and reads the
// change log back: every write is there, as the user's, newest first,
// filtered and paged, and a record's history outlives the record.
func TestChangeLogThroughAPI(t *testing.T) {
	webtest.ForEachStore(t, testChangeLogThroughAPI)
}

func testChangeLogThroughAPI(t *testing.T, open webtest.Opener) {
	s := open(t)
	webtest.Seed(t, s)
	e := serve(t, s, true)
	alice := e.As(webtest.User(t, s, "alice", zootour.Editor))
	bob := e.As(webtest.User(t, s, "bob", zootour.Viewer))
	start := len(webtest.Log(t, s))

	zoo := webtest.Decode[zootour.Zoo](t, webtest.Must(t, alice.Do("POST", "/api/zoos", `{"name":"Ouwehands","location":"Rhenen"}`), 201))
	webtest.Must(t, alice.Do("PATCH", "/api/zoos/"+itoa(zoo.ID), `{"location":"Rhenen NL"}`), 200)
	v := webtest.Decode[zootour.Visit](t, webtest.Must(t, alice.Do("POST", "/api/visits", `{"date":"2024-05-01","zoo_id":`+itoa(zoo.ID)+`,"animal_id":2}`), 201))
	webtest.Must(t, alice.Do("DELETE", "/api/zoos/"+itoa(zoo.ID)+"?cascade=true", ""), 204)
	// A refused write logs nothing.
	webtest.Must(t, alice.Do("POST", "/api/visits", `{"date":"2024-01-01","zoo_id":1,"animal_id":1}`), 409)
	webtest.Must(t, bob.Do("POST", "/api/zoos", `{"name":"N","location":"L"}`), 403)

	all := changesOf(t, bob, "/api/changes", 2)
	if len(all) != start+5 {
		t.Fatalf("%d entries, want %d: %v", len(all), start+5, all)
	}
	// Newest first: the cascade's zoo after its visit, as it ran.
	var got []string
	for _, c := range all[:5] {
		got = append(got, fmt.Sprintf("%s %s %s %d", c.Actor, c.Action, *c.Kind, *c.RecordID))
	}
	z, vid := itoa(zoo.ID), itoa(v.ID)
	want := []string{"alice delete zoo " + z, "alice delete visit " + vid, "alice create visit " + vid, "alice update zoo " + z, "alice create zoo " + z}
	if !slices.Equal(got, want) {
		t.Errorf("latest changes\n%q, want\n%q", got, want)
	}
	for i := 1; i < len(all); i++ {
		if all[i].ID >= all[i-1].ID {
			t.Fatalf("not newest first: %v", all)
		}
	}
	del := all[0]
	if del.Batch != all[1].Batch || del.Batch == all[2].Batch {
		t.Errorf("the cascade is not one batch of its own: %v", all[:3])
	}
	if at, err := time.Parse(time.RFC3339, del.At); err != nil || at.Location() != time.UTC || time.Since(at) > time.Hour {
		t.Errorf("at %q: %v", del.At, err)
	}
	if !zootour.SameRecord(zootour.KindZoo, del.Before, json.RawMessage(`{"id":`+z+`,"name":"Ouwehands","location":"Rhenen NL"}`)) || string(del.After) != "null" {
		t.Errorf("the delete's before %s, after %s", del.Before, del.After)
	}

	// Filters, each with its paging.
	for _, tt := range []struct {
		query string
		n     int
	}{
		{"?actor=alice", 5},
		{"?actor=nobody", 0},
		{"?kind=visit", 2 + 3}, // the seed's three creates
		{"?kind=zoo&record_id=" + z, 3},
		{"?kind=user", 2},
		{"?from=" + zootour.DateOf(time.Now().UTC()).String() + "&to=" + zootour.DateOf(time.Now().UTC()).String() + "&actor=alice", 5},
		{"?to=2000-01-01", 0},
	} {
		if got := changesOf(t, bob, "/api/changes"+tt.query, 1); len(got) != tt.n {
			t.Errorf("/api/changes%s: %d entries, want %d: %v", tt.query, len(got), tt.n, got)
		}
	}

	// History, after the record is gone; newest first.
	h := changesOf(t, bob, "/api/zoos/"+z+"/history", 1)
	if len(h) != 3 || h[0].Action != "delete" || h[2].Action != "create" || h[0].Actor != "alice" {
		t.Errorf("zoo history %v", h)
	}
	if h := changesOf(t, bob, "/api/visits/"+vid+"/history", 10); len(h) != 2 || h[0].Action != "delete" {
		t.Errorf("visit history %v", h)
	}
	// A record that never had an entry: 404 if it does not exist, an
	// empty history if it does (an imported one).
	webtest.Must(t, bob.Do("GET", "/api/zoos/999/history", ""), 404)
	if err := s.Import(t.Context(), zootour.Source{Animals: webtest.SeqOf(zootour.Animal{ID: 77, Name: "Imp", Species: "ort"})}); err != nil {
		t.Fatal(err)
	}
	if h := changesOf(t, bob, "/api/animals/77/history", 10); len(h) != 0 {
		t.Errorf("an imported animal's history: %v", h)
	}
	imp := changesOf(t, bob, "/api/changes?limit=1", 1)
	if len(imp) == 0 || imp[0].Action != "import" || imp[0].Kind != nil || imp[0].RecordID != nil {
		t.Errorf("an import's entry: %v", imp)
	}
	// Even with --public-read, the log is for signed-in users.
	webtest.Must(t, e.Do("GET", "/api/changes", ""), 401)
	webtest.Must(t, e.Do("GET", "/api/zoos/"+z+"/history", ""), 401)

	// Bad filters.
	for _, q := range []string{"?kind=keeper", "?record_id=3", "?kind=zoo&record_id=x", "?from=2024-02-01&to=2024-01-01",
		"?from=yesterday", "?limit=0", "?limit=1001", "?cursor=!!", "?actor=" + strings.Repeat("a", 201),
		"?cursor=" + zootour.Cursor{Date: zootour.MustDate("2024-01-01"), ID: 3}.String()} {
		webtest.Must(t, bob.Do("GET", "/api/changes"+q, ""), 400)
	}
	webtest.Must(t, bob.Do("GET", "/api/zoos/"+z+"/history?cursor=!!", ""), 400)
	webtest.Must(t, bob.Do("GET", "/api/zoos/0/history", ""), 400)
}

// TestRevertCascade deletes a zoo with its visits and reverts it: the zoo
// and every visit come back with their IDs, and the revert is logged as
// the user's, one batch.
func TestRevertCascade(t *testing.T) {
	webtest.ForEachStore(t, func(t *testing.T, open webtest.Opener) {
		s := open(t)
		webtest.Seed(t, s)
		e := serve(t, s, false)
		ed := e.As(webtest.User(t, s, "eddie", zootour.Editor))
		before := webtest.Snap(t, s)
		webtest.Must(t, ed.Do("DELETE", "/api/zoos/1?cascade=true", ""), 204)
		if c := webtest.Snap(t, s).Counts; c.Zoos != 1 || c.Visits != 1 {
			t.Fatalf("after the cascade %+v", c)
		}
		last := changesOf(t, ed, "/api/changes?limit=1", 1)[0]
		// Revert by any entry of the batch: here the first, a visit's.
		r := webtest.Must(t, ed.Do("POST", "/api/changes/"+itoa(last.Batch)+"/revert", ""), 200)
		wrote := webtest.Decode[struct {
			Items []change `json:"items"`
		}](t, r).Items
		if len(wrote) != 3 {
			t.Fatalf("the revert wrote %v", wrote)
		}
		for _, c := range wrote {
			if c.Action != "create" || c.Actor != "eddie" || c.Batch != wrote[0].Batch || c.Batch <= last.ID {
				t.Errorf("revert entry %v", c)
			}
		}
		if after := webtest.Snap(t, s); !after.Equal(before) {
			t.Errorf("after the revert\n%+v, want\n%+v", after, before)
		}
		if h := changesOf(t, ed, "/api/zoos/1/history", 10); len(h) != 3 || h[0].Action != "create" || h[1].Action != "delete" {
			t.Errorf("zoo 1's history %v", h)
		}
	})
}

// TestRevertRefused checks the reverts that cannot be done: each answers
// its status and changes neither the records nor the log.
func TestRevertRefused(t *testing.T) {
	webtest.ForEachStore(t, func(t *testing.T, open webtest.Opener) {
		s := open(t)
		webtest.Seed(t, s)
		e := serve(t, s, false)
		ed := e.As(webtest.User(t, s, "eddie", zootour.Editor))
		vic := e.As(webtest.User(t, s, "vic", zootour.Viewer))

		// Zoo 1 renamed twice: the first cannot be undone past the second.
		webtest.Must(t, ed.Do("PATCH", "/api/zoos/1", `{"name":"First"}`), 200)
		first := changesOf(t, ed, "/api/changes?limit=1", 1)[0].ID
		webtest.Must(t, ed.Do("PATCH", "/api/zoos/1", `{"name":"Second"}`), 200)
		// Visit 1 deleted, and its animal's date taken by another visit.
		webtest.Must(t, ed.Do("DELETE", "/api/visits/1", ""), 204)
		deleted := changesOf(t, ed, "/api/changes?limit=1", 1)[0].ID
		webtest.Must(t, ed.Do("POST", "/api/visits", `{"date":"2024-01-01","zoo_id":2,"animal_id":1}`), 201)
		if err := s.Import(t.Context(), zootour.Source{Zoos: webtest.SeqOf(zootour.Zoo{ID: 50, Name: "I", Location: "L"})}); err != nil {
			t.Fatal(err)
		}
		imported := changesOf(t, ed, "/api/changes?limit=1", 1)[0].ID

		for _, tt := range []struct {
			name   string
			as     *webtest.Env
			id     string
			status int
			says   string
		}{
			{"changed since", ed, itoa(first), 409, "zoo 1"},
			{"date taken", ed, itoa(deleted), 409, "visit 1"},
			{"an import", ed, itoa(imported), 409, "import"},
			{"a viewer", vic, itoa(first), 403, "viewer"},
			{"unknown change", ed, "999999", 404, "999999"},
			{"bad id", ed, "x", 400, "x"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				before, log := webtest.Snap(t, s), webtest.Log(t, s)
				r := webtest.Must(t, tt.as.Do("POST", "/api/changes/"+tt.id+"/revert", ""), tt.status)
				if p := webtest.Decode[problem](t, r); !strings.Contains(p.Detail, tt.says) {
					t.Errorf("detail %q does not name %q", p.Detail, tt.says)
				}
				if !webtest.Snap(t, s).Equal(before) || !slices.EqualFunc(webtest.Log(t, s), log, func(a, b zootour.Change) bool { return a.ID == b.ID }) {
					t.Error("a refused revert changed the store")
				}
			})
		}
	})
}
