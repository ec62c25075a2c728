package storetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zootour/zootour"
)

// RunChangeLog holds a store to the change log and the accounts (README,
// "The change log"): every write logs what it changed in its own
// transaction, a failed write logs nothing, and a revert undoes a batch
// or changes nothing.
func RunChangeLog(t *testing.T, open func(t *testing.T) zootour.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open func(t *testing.T) zootour.Store)
	}{
		{"EveryWrite", testLogEveryWrite},
		{"FailedWrites", testLogFailedWrites},
		{"Cascade", testLogCascade},
		{"Import", testLogImport},
		{"Filters", testLogFilters},
		{"RevertUpdate", testRevertUpdate},
		{"RevertCascade", testRevertCascade},
		{"RevertCreate", testRevertCreate},
		{"RevertConflicts", testRevertConflicts},
		{"Accounts", testAccounts},
		{"RevertAccounts", testRevertAccounts},
		{"Concurrent", testLogConcurrent},
		{"Idempotency", testIdempotency},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open) })
	}
}

// changesOf returns the whole log, newest first.
func changesOf(t testing.TB, s zootour.Store, f zootour.ChangeFilter) []zootour.Change {
	t.Helper()
	return must(s.Changes(t.Context(), f))(t)
}

// jsonOf is the JSON of a record, as the log holds it.
func jsonOf(t testing.TB, v any) json.RawMessage {
	t.Helper()
	return must(json.Marshal(v))(t)
}

// sameJSON compares two JSON values by their meaning.
func sameJSON(a, b json.RawMessage) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return fmt.Sprint(x) == fmt.Sprint(y)
}

// wantEntry checks one entry against what it should say.
func wantEntry(t testing.TB, c zootour.Change, action zootour.Action, kind zootour.Kind, id int64, before, after any) {
	t.Helper()
	var b, a json.RawMessage
	if before != nil {
		b = jsonOf(t, before)
	}
	if after != nil {
		a = jsonOf(t, after)
	}
	if c.Action != action || c.Kind != kind || c.RecordID != id || !sameJSON(c.Before, b) || !sameJSON(c.After, a) {
		t.Errorf("entry %d = %s %s %d before %s after %s; want %s %s %d before %s after %s",
			c.ID, c.Action, c.Kind, c.RecordID, c.Before, c.After, action, kind, id, b, a)
	}
}

func testLogEveryWrite(t *testing.T, open func(t *testing.T) zootour.Store) {
	s := open(t)
	ctx := zootour.WithActor(t.Context(), "alice")
	start := time.Now().Add(-time.Second)
	if got := changesOf(t, s, zootour.ChangeFilter{}); len(got) != 0 {
		t.Fatalf("a new store's log has %d entries, want none", len(got))
	}
	z := must(s.CreateZoo(ctx, zootour.Zoo{Name: "Z", Location: "L"}))(t)
	z2 := must(s.UpdateZoo(ctx, z.ID, zootour.ZooUpdate{Name: ptr("Zed")}))(t)
	a := must(s.CreateAnimal(ctx, zootour.Animal{Name: "A", Species: "S"}))(t)
	a2 := must(s.UpdateAnimal(ctx, a.ID, zootour.AnimalUpdate{Species: ptr("T")}))(t)
	v := must(s.CreateVisit(ctx, zootour.Visit{Date: d("2024-01-01"), ZooID: z.ID, AnimalID: a.ID}))(t)
	v2 := must(s.UpdateVisit(ctx, v.ID, zootour.VisitUpdate{Date: ptr(d("2024-02-02"))}))(t)
	noErr(t, s.DeleteVisit(ctx, v.ID))
	noErr(t, s.DeleteAnimal(ctx, a.ID, false))
	noErr(t, s.DeleteZoo(ctx, z.ID, false))
	end := time.Now().Add(time.Second)

	got := changesOf(t, s, zootour.ChangeFilter{})
	if len(got) != 9 {
		t.Fatalf("log has %d entries after 9 writes, want 9: %+v", len(got), got)
	}
	// Newest first.
	wantEntry(t, got[8], zootour.Create, zootour.KindZoo, z.ID, nil, z)
	wantEntry(t, got[7], zootour.Update, zootour.KindZoo, z.ID, z, z2)
	wantEntry(t, got[6], zootour.Create, zootour.KindAnimal, a.ID, nil, a)
	wantEntry(t, got[5], zootour.Update, zootour.KindAnimal, a.ID, a, a2)
	wantEntry(t, got[4], zootour.Create, zootour.KindVisit, v.ID, nil, v)
	wantEntry(t, got[3], zootour.Update, zootour.KindVisit, v.ID, v, v2)
	wantEntry(t, got[2], zootour.Delete, zootour.KindVisit, v.ID, v2, nil)
	wantEntry(t, got[1], zootour.Delete, zootour.KindAnimal, a.ID, a2, nil)
	wantEntry(t, got[0], zootour.Delete, zootour.KindZoo, z.ID, z2, nil)
	for i, c := range got {
		if c.Actor != "alice" {
			t.Errorf("entry %d: actor %q, want alice", c.ID, c.Actor)
		}
		if c.Batch != c.ID {
			t.Errorf("entry %d: batch %d; a write of one record is a batch of its own", c.ID, c.Batch)
		}
		if c.At.Before(start) || c.At.After(end) || c.At.Location() != time.UTC {
			t.Errorf("entry %d: at %v, want a UTC time between %v and %v", c.ID, c.At, start, end)
		}
		if i > 0 && got[i-1].ID <= c.ID {
			t.Errorf("entries %d and %d are not newest first", got[i-1].ID, c.ID)
		}
		one := must(s.Change(ctx, c.ID))(t)
		if one.ID != c.ID || one.Action != c.Action || !bytes.Equal(one.After, c.After) {
			t.Errorf("Change(%d) = %+v, want %+v", c.ID, one, c)
		}
	}
	// A write whose context names no actor is still someone's.
	noErr(t, func() error { _, err := s.CreateZoo(t.Context(), zootour.Zoo{Name: "N", Location: "L"}); return err }())
	if c := changesOf(t, s, zootour.ChangeFilter{Limit: 1})[0]; c.Actor != zootour.NoActor {
		t.Errorf("actor of a write without one = %q, want %q", c.Actor, zootour.NoActor)
	}
	_, err := s.Change(ctx, 1<<40)
	code(t, "Change of an unknown ID", err, zootour.ENOTFOUND)
	_, err = s.Change(ctx, 0)
	code(t, "Change(0)", err, zootour.EINVALID)
}

func testLogFailedWrites(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	z, a := addZoo(t, s, "Z", "L"), addAnimal(t, s, "A", "S")
	v := addVisit(t, s, "2024-01-01", z.ID, a.ID)
	before := changesOf(t, s, zootour.ChangeFilter{})
	fails := map[string]error{}
	_, fails["CreateZoo without a name"] = s.CreateZoo(ctx, zootour.Zoo{Location: "L"})
	_, fails["UpdateZoo of no zoo"] = s.UpdateZoo(ctx, 999, zootour.ZooUpdate{Name: ptr("x")})
	_, fails["UpdateAnimal to no species"] = s.UpdateAnimal(ctx, a.ID, zootour.AnimalUpdate{Species: ptr(" ")})
	_, fails["CreateVisit on a taken date"] = s.CreateVisit(ctx, zootour.Visit{Date: v.Date, ZooID: z.ID, AnimalID: a.ID})
	_, fails["CreateVisit to no zoo"] = s.CreateVisit(ctx, zootour.Visit{Date: d("2024-05-05"), ZooID: 999, AnimalID: a.ID})
	fails["DeleteZoo with visits"] = s.DeleteZoo(ctx, z.ID, false)
	fails["DeleteVisit of none"] = s.DeleteVisit(ctx, 999)
	fails["Import of a taken ID"] = s.Import(ctx, source([]zootour.Zoo{{ID: 50, Name: "n", Location: "l"}, {ID: z.ID, Name: "n", Location: "l"}}, nil, nil))
	_, fails["CreateUser with a bad name"] = s.CreateUser(ctx, "no spaces", zootour.Viewer, "")
	_, fails["CreateToken of no user"] = s.CreateToken(ctx, "nobody", "", "h")
	for what, err := range fails {
		if err == nil {
			t.Errorf("%s succeeded", what)
		}
	}
	if d := diff(before, changesOf(t, s, zootour.ChangeFilter{})); d != "" {
		t.Errorf("failed writes logged (-before +after):\n%s", d)
	}
}

func testLogCascade(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	z, keep := addZoo(t, s, "Z", "L"), addZoo(t, s, "K", "L")
	a, b := addAnimal(t, s, "A", "S"), addAnimal(t, s, "B", "S")
	v1 := addVisit(t, s, "2024-01-01", z.ID, a.ID)
	addVisit(t, s, "2024-01-02", keep.ID, a.ID)
	v3 := addVisit(t, s, "2024-01-03", z.ID, b.ID)
	noErr(t, s.DeleteZoo(ctx, z.ID, true))
	got := changesOf(t, s, zootour.ChangeFilter{Limit: 3})
	if len(got) != 3 {
		t.Fatalf("cascade logged %d entries, want 3", len(got))
	}
	wantEntry(t, got[0], zootour.Delete, zootour.KindZoo, z.ID, z, nil)
	wantEntry(t, got[1], zootour.Delete, zootour.KindVisit, v3.ID, v3, nil)
	wantEntry(t, got[2], zootour.Delete, zootour.KindVisit, v1.ID, v1, nil)
	for _, c := range got {
		if c.Batch != got[2].ID {
			t.Errorf("entry %d: batch %d, want %d (the batch's first entry)", c.ID, c.Batch, got[2].ID)
		}
	}
	batch := changesOf(t, s, zootour.ChangeFilter{Batch: got[2].ID})
	if d := diff(got, batch); d != "" {
		t.Errorf("the batch filter (-want +got):\n%s", d)
	}
	// The deleted zoo's history is still there.
	hist := changesOf(t, s, zootour.ChangeFilter{Kind: zootour.KindZoo, RecordID: z.ID})
	if len(hist) != 2 || hist[0].Action != zootour.Delete || hist[1].Action != zootour.Create {
		t.Errorf("history of the deleted zoo = %+v, want its delete and its create", hist)
	}
	// An animal's cascade logs the same way.
	noErr(t, s.DeleteAnimal(ctx, a.ID, true))
	got = changesOf(t, s, zootour.ChangeFilter{Limit: 2})
	wantEntry(t, got[0], zootour.Delete, zootour.KindAnimal, a.ID, a, nil)
	if got[1].Kind != zootour.KindVisit || got[1].Action != zootour.Delete || got[1].Batch != got[0].Batch {
		t.Errorf("the animal's cascade logged %+v before its own entry, want its visit's delete", got[1])
	}
}

func testLogImport(t *testing.T, open func(t *testing.T) zootour.Store) {
	s := open(t)
	ctx := zootour.WithActor(t.Context(), "cli:importer")
	addZoo(t, s, "already", "there")
	zs := []zootour.Zoo{{ID: 10, Name: "a", Location: "x"}, {ID: 11, Name: "b", Location: "y"}}
	as := []zootour.Animal{{ID: 20, Name: "c", Species: "z"}}
	vs := []zootour.Visit{{ID: 30, Date: d("2024-01-01"), ZooID: 10, AnimalID: 20}, {ID: 31, Date: d("2024-01-02"), ZooID: 11, AnimalID: 20}}
	noErr(t, s.Import(ctx, source(zs, as, vs)))
	got := changesOf(t, s, zootour.ChangeFilter{})
	if len(got) != 2 {
		t.Fatalf("log has %d entries after a create and an import, want 2", len(got))
	}
	c := got[0]
	if c.Action != zootour.Import || c.Kind != "" || c.RecordID != 0 || c.Before != nil || c.Actor != "cli:importer" {
		t.Errorf("import entry = %+v, want action import, no kind, record or before, actor cli:importer", c)
	}
	var counts zootour.Counts
	noErr(t, json.Unmarshal(c.After, &counts))
	if want := (zootour.Counts{Zoos: 2, Animals: 1, Visits: 2}); counts != want {
		t.Errorf("import entry counts %+v, want what the import added, %+v", counts, want)
	}
	out := string(must(json.Marshal(c))(t))
	if !strings.Contains(out, `"kind":null`) || !strings.Contains(out, `"record_id":null`) || !strings.Contains(out, `"before":null`) {
		t.Errorf("an import's entry as JSON = %s, want kind, record_id and before null", out)
	}
	_, err := s.Revert(ctx, c.ID)
	code(t, "Revert of an import", err, zootour.ECONFLICT)
}

func testLogFilters(t *testing.T, open func(t *testing.T) zootour.Store) {
	s := open(t)
	alice, bob := zootour.WithActor(t.Context(), "alice"), zootour.WithActor(t.Context(), "bob")
	z := must(s.CreateZoo(alice, zootour.Zoo{Name: "Z", Location: "L"}))(t)
	a := must(s.CreateAnimal(bob, zootour.Animal{Name: "A", Species: "S"}))(t)
	must(s.UpdateZoo(bob, z.ID, zootour.ZooUpdate{Location: ptr("M")}))(t)
	must(s.CreateVisit(alice, zootour.Visit{Date: d("2024-01-01"), ZooID: z.ID, AnimalID: a.ID}))(t)
	all := changesOf(t, s, zootour.ChangeFilter{})
	count := func(f zootour.ChangeFilter, want int) {
		t.Helper()
		if got := changesOf(t, s, f); len(got) != want {
			t.Errorf("Changes(%+v) = %d entries, want %d", f, len(got), want)
		}
	}
	count(zootour.ChangeFilter{Actor: "alice"}, 2)
	count(zootour.ChangeFilter{Actor: "bob"}, 2)
	count(zootour.ChangeFilter{Actor: "carol"}, 0)
	count(zootour.ChangeFilter{Kind: zootour.KindZoo}, 2)
	count(zootour.ChangeFilter{Kind: zootour.KindZoo, RecordID: z.ID}, 2)
	count(zootour.ChangeFilter{Kind: zootour.KindAnimal, RecordID: a.ID}, 1)
	count(zootour.ChangeFilter{Kind: zootour.KindAnimal, RecordID: a.ID + 1000}, 0)
	today := zootour.DateOf(time.Now().UTC())
	count(zootour.ChangeFilter{From: today, To: today}, 4)
	count(zootour.ChangeFilter{From: today.AddDays(1)}, 0)
	count(zootour.ChangeFilter{To: today.AddDays(-1)}, 0)
	// Paging: newest first, each page after the last entry seen.
	var paged []zootour.Change
	var after zootour.Cursor
	for {
		page := changesOf(t, s, zootour.ChangeFilter{After: after, Limit: 3})
		paged = append(paged, page...)
		if len(page) < 3 {
			break
		}
		after = page[len(page)-1].Cursor()
	}
	if d := diff(all, paged); d != "" {
		t.Errorf("paged log (-whole +paged):\n%s", d)
	}
	for _, f := range []zootour.ChangeFilter{{Kind: "planet"}, {RecordID: 3}, {RecordID: -1, Kind: zootour.KindZoo}, {Limit: -1},
		{From: today, To: today.AddDays(-1)}} {
		_, err := s.Changes(t.Context(), f)
		code(t, fmt.Sprintf("Changes(%+v)", f), err, zootour.EINVALID)
	}
}

func testRevertUpdate(t *testing.T, open func(t *testing.T) zootour.Store) {
	s := open(t)
	ctx := zootour.WithActor(t.Context(), "alice")
	z := addZoo(t, s, "Z", "L")
	a := addAnimal(t, s, "A", "S")
	v := addVisit(t, s, "2024-01-01", z.ID, a.ID)
	must(s.UpdateZoo(ctx, z.ID, zootour.ZooUpdate{Name: ptr("Zed")}))(t)
	must(s.UpdateVisit(ctx, v.ID, zootour.VisitUpdate{Date: ptr(d("2024-03-03"))}))(t)
	log := changesOf(t, s, zootour.ChangeFilter{})
	wrote := must(s.Revert(zootour.WithActor(t.Context(), "bob"), log[1].ID))(t)
	if got := must(s.Zoo(ctx, z.ID))(t); got != z {
		t.Errorf("zoo after revert = %+v, want %+v", got, z)
	}
	if len(wrote) != 1 || wrote[0].Actor != "bob" || wrote[0].Batch != wrote[0].ID {
		t.Fatalf("revert wrote %+v, want one entry of its own batch by bob", wrote)
	}
	wantEntry(t, wrote[0], zootour.Update, zootour.KindZoo, z.ID, zootour.Zoo{ID: z.ID, Name: "Zed", Location: "L"}, z)
	// A visit's date goes back, and its stays with it.
	must(s.Revert(ctx, log[0].ID))(t)
	if got := must(s.Visit(ctx, v.ID))(t); got != v {
		t.Errorf("visit after revert = %+v, want %+v", got, v)
	}
	stays := must(s.AnimalStays(ctx, a.ID, zootour.StayQuery{}))(t)
	if len(stays) != 1 || stays[0].From != v.Date {
		t.Errorf("stays after the revert = %+v, want one from %s", stays, v.Date)
	}
	// The revert is itself in the log, and can be reverted.
	last := changesOf(t, s, zootour.ChangeFilter{Limit: 1})[0]
	must(s.Revert(ctx, last.ID))(t)
	if got := must(s.Visit(ctx, v.ID))(t); got.Date != d("2024-03-03") {
		t.Errorf("revert of a revert: visit date %s, want 2024-03-03", got.Date)
	}
	_, err := s.Revert(ctx, 1<<40)
	code(t, "Revert of no entry", err, zootour.ENOTFOUND)
}

func testRevertCascade(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	z, keep := addZoo(t, s, "Z", "L"), addZoo(t, s, "K", "L")
	a, b := addAnimal(t, s, "A", "S"), addAnimal(t, s, "B", "S")
	for i := range 6 {
		addVisit(t, s, fmt.Sprintf("2024-01-%02d", i+1), []int64{z.ID, keep.ID}[i%2], []int64{a.ID, b.ID}[i/3])
	}
	before := exportOf(t, s)
	staysBefore := must(s.AnimalStays(ctx, a.ID, zootour.StayQuery{}))(t)
	noErr(t, s.DeleteZoo(ctx, z.ID, true))
	del := changesOf(t, s, zootour.ChangeFilter{Limit: 1})[0]
	wrote := must(s.Revert(ctx, del.ID))(t)
	if len(wrote) != 4 {
		t.Errorf("revert of a cascade of 3 visits wrote %d entries, want 4", len(wrote))
	}
	if wrote[0].Kind != zootour.KindZoo || wrote[0].Action != zootour.Create {
		t.Errorf("revert's first entry %+v, want the zoo's create: it comes back before its visits", wrote[0])
	}
	if d := diff(before, exportOf(t, s)); d != "" {
		t.Errorf("store after reverting the cascade (-before +after):\n%s", d)
	}
	if d := diff(staysBefore, must(s.AnimalStays(ctx, a.ID, zootour.StayQuery{}))(t)); d != "" {
		t.Errorf("stays after reverting the cascade (-before +after):\n%s", d)
	}
	if c, ok := s.(zootour.Checker); ok {
		if diffs := must(c.Check(ctx, 10))(t); len(diffs) > 0 {
			t.Errorf("derived data after the revert: %v", diffs)
		}
	}
	// The zoo's visits come back where they were in its listings.
	if got := must(s.ZooVisits(ctx, z.ID, zootour.Query{}))(t); len(got) != 3 {
		t.Errorf("zoo has %d visits after the revert, want 3", len(got))
	}
	// Reverting the revert deletes them all again, visits first.
	must(s.Revert(ctx, wrote[0].ID))(t)
	_, err := s.Zoo(ctx, z.ID)
	code(t, "zoo after reverting the revert", err, zootour.ENOTFOUND)
}

func testRevertCreate(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	z := addZoo(t, s, "Z", "L")
	a := addAnimal(t, s, "A", "S")
	v := addVisit(t, s, "2024-01-01", z.ID, a.ID)
	create := changesOf(t, s, zootour.ChangeFilter{Limit: 1})[0]
	must(s.Revert(ctx, create.ID))(t)
	_, err := s.Visit(ctx, v.ID)
	code(t, "visit after reverting its create", err, zootour.ENOTFOUND)
	if got := must(s.AnimalStays(ctx, a.ID, zootour.StayQuery{}))(t); len(got) != 0 {
		t.Errorf("stays after reverting the only visit = %+v, want none", got)
	}
	// A zoo that gained visits since its create cannot be un-created.
	addVisit(t, s, "2024-02-01", z.ID, a.ID)
	zooCreate := changesOf(t, s, zootour.ChangeFilter{Kind: zootour.KindZoo, RecordID: z.ID})[0]
	before, log := exportOf(t, s), changesOf(t, s, zootour.ChangeFilter{})
	_, err = s.Revert(ctx, zooCreate.ID)
	code(t, "Revert of a zoo's create when it has visits", err, zootour.ECONFLICT)
	if d := diff(before, exportOf(t, s)); d != "" {
		t.Errorf("a refused revert changed the store (-before +after):\n%s", d)
	}
	if d := diff(log, changesOf(t, s, zootour.ChangeFilter{})); d != "" {
		t.Errorf("a refused revert logged (-before +after):\n%s", d)
	}
}

func testRevertConflicts(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	z, other := addZoo(t, s, "Z", "L"), addZoo(t, s, "O", "L")
	a := addAnimal(t, s, "A", "S")
	v := addVisit(t, s, "2024-01-01", z.ID, a.ID)
	refused := func(what string, id int64) {
		t.Helper()
		before, log := exportOf(t, s), changesOf(t, s, zootour.ChangeFilter{})
		_, err := s.Revert(ctx, id)
		code(t, what, err, zootour.ECONFLICT)
		if d := diff(before, exportOf(t, s)); d != "" {
			t.Errorf("%s: a refused revert changed the store (-before +after):\n%s", what, d)
		}
		if len(changesOf(t, s, zootour.ChangeFilter{})) != len(log) {
			t.Errorf("%s: a refused revert logged", what)
		}
	}
	// Changed after the batch.
	must(s.UpdateZoo(ctx, z.ID, zootour.ZooUpdate{Name: ptr("first")}))(t)
	first := changesOf(t, s, zootour.ChangeFilter{Limit: 1})[0]
	must(s.UpdateZoo(ctx, z.ID, zootour.ZooUpdate{Name: ptr("second")}))(t)
	refused("Revert of an update overtaken by another", first.ID)
	// A restored visit's animal and date taken by a new visit.
	noErr(t, s.DeleteVisit(ctx, v.ID))
	del := changesOf(t, s, zootour.ChangeFilter{Limit: 1})[0]
	taken := addVisit(t, s, "2024-01-01", other.ID, a.ID)
	refused("Revert of a delete whose animal and date are taken", del.ID)
	// Its zoo gone.
	noErr(t, s.DeleteVisit(ctx, taken.ID))
	noErr(t, s.DeleteZoo(ctx, z.ID, false))
	refused("Revert of a visit's delete whose zoo is gone", del.ID)
}

func testAccounts(t *testing.T, open func(t *testing.T) zootour.Store) {
	s := open(t)
	ctx := zootour.WithActor(t.Context(), "cli:root")
	const hash = "$argon2id$secret-hash"
	u := must(s.CreateUser(ctx, "ann.b-c_1", zootour.Editor, hash))(t)
	if u.ID <= 0 || u.Name != "ann.b-c_1" || u.Role != zootour.Editor || u.Created.IsZero() {
		t.Errorf("CreateUser = %+v", u)
	}
	_, err := s.CreateUser(ctx, "ann.b-c_1", zootour.Viewer, "")
	code(t, "CreateUser of a taken name", err, zootour.ECONFLICT)
	_, err = s.CreateUser(ctx, "bob", "owner", "")
	code(t, "CreateUser with a bad role", err, zootour.EINVALID)
	_, err = s.CreateUser(ctx, strings.Repeat("x", 65), zootour.Viewer, "")
	code(t, "CreateUser with a long name", err, zootour.EINVALID)
	if got, h := must2(s.PasswordHash(ctx, u.Name))(t); got.ID != u.ID || h != hash {
		t.Errorf("PasswordHash = %+v %q, want the user and its hash", got, h)
	}
	_, err = s.User(ctx, "nobody")
	code(t, "User of no one", err, zootour.ENOTFOUND)

	now := time.Now()
	noErr(t, s.CreateSession(ctx, "session-hash", u.Name, now.Add(time.Hour)))
	if got := must(s.SessionUser(ctx, "session-hash", now))(t); got.ID != u.ID {
		t.Errorf("SessionUser = %+v, want %+v", got, u)
	}
	_, err = s.SessionUser(ctx, "session-hash", now.Add(2*time.Hour))
	code(t, "SessionUser of an expired session", err, zootour.ENOTFOUND)

	tok := must(s.CreateToken(ctx, u.Name, "laptop", "token-hash"))(t)
	if tok.User != u.Name || tok.Label != "laptop" || tok.LastUsed != nil {
		t.Errorf("CreateToken = %+v", tok)
	}
	if got := must(s.TokenUser(ctx, "token-hash", now))(t); got.ID != u.ID {
		t.Errorf("TokenUser = %+v, want %+v", got, u)
	}
	_, err = s.TokenUser(ctx, "other-hash", now)
	code(t, "TokenUser of an unknown hash", err, zootour.ENOTFOUND)

	// A role change ends the user's sessions.
	up := must(s.UpdateUser(ctx, u.Name, zootour.UserUpdate{Role: ptr(zootour.Admin)}))(t)
	if up.Role != zootour.Admin {
		t.Errorf("UpdateUser role = %s, want admin", up.Role)
	}
	_, err = s.SessionUser(ctx, "session-hash", now)
	code(t, "SessionUser after a role change", err, zootour.ENOTFOUND)
	if got := must(s.Users(ctx))(t); len(got) != 1 || got[0].Role != zootour.Admin {
		t.Errorf("Users = %+v", got)
	}

	noErr(t, s.DeleteToken(ctx, tok.ID))
	code(t, "DeleteToken again", s.DeleteToken(ctx, tok.ID), zootour.ENOTFOUND)
	_, err = s.TokenUser(ctx, "token-hash", now)
	code(t, "TokenUser of a revoked token", err, zootour.ENOTFOUND)
	tok2 := must(s.CreateToken(ctx, u.Name, "", "token-hash-2"))(t)
	noErr(t, s.CreateSession(ctx, "session-2", u.Name, now.Add(time.Hour)))
	noErr(t, s.DeleteUser(ctx, u.Name))
	_, err = s.TokenUser(ctx, "token-hash-2", now)
	code(t, "TokenUser of a removed user's token", err, zootour.ENOTFOUND)
	_, err = s.SessionUser(ctx, "session-2", now)
	code(t, "SessionUser of a removed user", err, zootour.ENOTFOUND)

	log := changesOf(t, s, zootour.ChangeFilter{})
	wantActions := []string{"delete user", "delete token", "create token", "delete token", "update user", "create token", "create user"}
	if len(log) != len(wantActions) {
		t.Fatalf("accounts logged %d entries, want %d: %+v", len(log), len(wantActions), log)
	}
	for i, c := range log {
		if got := string(c.Action) + " " + string(c.Kind); got != wantActions[i] {
			t.Errorf("entry %d: %s, want %s", i, got, wantActions[i])
		}
		for _, secret := range []string{hash, "token-hash", "session"} {
			if bytes.Contains(c.Before, []byte(secret)) || bytes.Contains(c.After, []byte(secret)) {
				t.Errorf("entry %d holds the secret %q: %s %s", c.ID, secret, c.Before, c.After)
			}
		}
	}
	if log[1].RecordID != tok2.ID || log[0].Batch != log[1].Batch {
		t.Errorf("removing a user logs its tokens in its batch: %+v", log[:2])
	}
	code(t, "CreateSession of no user", s.CreateSession(ctx, "x", "nobody", now.Add(time.Hour)), zootour.ENOTFOUND)
}

// must2 is must for two results.
func must2[A, B any](a A, b B, err error) func(testing.TB) (A, B) {
	return func(t testing.TB) (A, B) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return a, b
	}
}

func testRevertAccounts(t *testing.T, open func(t *testing.T) zootour.Store) {
	s, ctx := open(t), t.Context()
	u := must(s.CreateUser(ctx, "ann", zootour.Viewer, "hash"))(t)
	must(s.UpdateUser(ctx, "ann", zootour.UserUpdate{Role: ptr(zootour.Admin)}))(t)
	must(s.Revert(ctx, changesOf(t, s, zootour.ChangeFilter{Limit: 1})[0].ID))(t)
	if got := must(s.User(ctx, "ann"))(t); got.Role != zootour.Viewer {
		t.Errorf("role after reverting its change = %s, want viewer", got.Role)
	}
	tok := must(s.CreateToken(ctx, "ann", "", "h1"))(t)
	noErr(t, s.DeleteToken(ctx, tok.ID))
	_, err := s.Revert(ctx, changesOf(t, s, zootour.ChangeFilter{Limit: 1})[0].ID)
	code(t, "Revert of a token's revocation", err, zootour.ECONFLICT)
	must(s.CreateToken(ctx, "ann", "", "h2"))(t)
	noErr(t, s.DeleteUser(ctx, "ann"))
	must(s.Revert(ctx, changesOf(t, s, zootour.ChangeFilter{Limit: 1})[0].ID))(t)
	got := must(s.User(ctx, "ann"))(t)
	if got.ID != u.ID || got.Role != zootour.Viewer {
		t.Errorf("user after reverting the removal = %+v, want %+v", got, u)
	}
	if _, h := must2(s.PasswordHash(ctx, "ann"))(t); h != "" {
		t.Errorf("a restored user has the password hash %q, want none", h)
	}
	if toks := must(s.Tokens(ctx, "ann"))(t); len(toks) != 0 {
		t.Errorf("a restored user has tokens %+v, want none", toks)
	}
	// A user with tokens made since cannot be un-created.
	carol := must(s.CreateUser(ctx, "carol", zootour.Viewer, ""))(t)
	must(s.CreateToken(ctx, "carol", "", "h3"))(t)
	_, err = s.Revert(ctx, changesOf(t, s, zootour.ChangeFilter{Kind: zootour.KindUser, RecordID: carol.ID})[0].ID)
	code(t, "Revert of a user's create when the user has tokens", err, zootour.ECONFLICT)
	if toks := must(s.Tokens(ctx, "carol"))(t); len(toks) != 1 {
		t.Errorf("a refused revert changed carol's tokens: %+v", toks)
	}
}

func testLogConcurrent(t *testing.T, open func(t *testing.T) zootour.Store) {
	s := open(t)
	z := addZoo(t, s, "Z", "L")
	const writers, each = 6, 8
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Go(func() {
			ctx := zootour.WithActor(t.Context(), fmt.Sprintf("w%d", w))
			for i := range each {
				if _, err := s.UpdateZoo(ctx, z.ID, zootour.ZooUpdate{Name: ptr(fmt.Sprintf("w%d-%d", w, i))}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	hist := changesOf(t, s, zootour.ChangeFilter{Kind: zootour.KindZoo, RecordID: z.ID})
	if len(hist) != writers*each+1 {
		t.Fatalf("zoo's history has %d entries after %d updates and its create, want %d", len(hist), writers*each, writers*each+1)
	}
	// In commit order, each entry's before is the after of the one before.
	for i := len(hist) - 2; i >= 0; i-- {
		if !sameJSON(hist[i].Before, hist[i+1].After) {
			t.Errorf("entry %d's before %s is not entry %d's after %s: entries out of commit order", hist[i].ID, hist[i].Before, hist[i+1].ID, hist[i+1].After)
		}
	}
	if final := must(s.Zoo(t.Context(), z.ID))(t); !sameJSON(jsonOf(t, final), hist[0].After) {
		t.Errorf("the newest entry %s is not the zoo as it is, %+v", hist[0].After, final)
	}
}

func testIdempotency(t *testing.T, open func(t *testing.T) zootour.Store) {
	s := open(t)
	ctx := zootour.WithIdempotency(t.Context(), "key-1", "fp-1")
	if _, found, err := s.Idempotent(t.Context(), "key-1"); err != nil || found {
		t.Fatalf("Idempotent before any write = %v, %v; want nothing", found, err)
	}
	z := must(s.CreateZoo(ctx, zootour.Zoo{Name: "Z", Location: "L"}))(t)
	k, found, err := s.Idempotent(t.Context(), "key-1")
	if err != nil || !found || k.Fingerprint != "fp-1" {
		t.Fatalf("Idempotent after the write = %+v, %v, %v", k, found, err)
	}
	log := changesOf(t, s, zootour.ChangeFilter{Batch: k.Batch})
	if len(log) != 1 || log[0].RecordID != z.ID || log[0].Action != zootour.Create {
		t.Errorf("the key's batch = %+v, want the zoo's create", log)
	}
	// A second write with the key changes nothing.
	before, entries := exportOf(t, s), changesOf(t, s, zootour.ChangeFilter{})
	_, err = s.CreateZoo(ctx, zootour.Zoo{Name: "again", Location: "L"})
	code(t, "a second write with the same key", err, zootour.ECONFLICT)
	_, err = s.UpdateZoo(ctx, z.ID, zootour.ZooUpdate{Name: ptr("x")})
	code(t, "an update with a used key", err, zootour.ECONFLICT)
	if d := diff(before, exportOf(t, s)); d != "" {
		t.Errorf("a write with a used key changed the store (-before +after):\n%s", d)
	}
	if len(changesOf(t, s, zootour.ChangeFilter{})) != len(entries) {
		t.Error("a write with a used key logged")
	}
	// A failed write keeps no key: the retry writes.
	bad := zootour.WithIdempotency(t.Context(), "key-2", "fp-2")
	_, err = s.CreateVisit(bad, zootour.Visit{Date: d("2024-01-01"), ZooID: z.ID, AnimalID: 99})
	code(t, "a failed write", err, zootour.EINVALID)
	if _, found, _ := s.Idempotent(t.Context(), "key-2"); found {
		t.Error("a failed write kept its key")
	}
	// A cascade keeps one key for its whole batch.
	a := addAnimal(t, s, "A", "S")
	addVisit(t, s, "2024-01-01", z.ID, a.ID)
	noErr(t, s.DeleteZoo(zootour.WithIdempotency(t.Context(), "key-3", "fp-3"), z.ID, true))
	k3, found, _ := s.Idempotent(t.Context(), "key-3")
	if !found || len(changesOf(t, s, zootour.ChangeFilter{Batch: k3.Batch})) != 2 {
		t.Errorf("a cascade's key = %+v %v, want its batch of 2 entries", k3, found)
	}
}
