package zootour_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/zootour/zootour"
)

func TestCleanText(t *testing.T) {
	tests := []struct {
		name, in, want string // want "" means invalid
		msg            string // a part of the error message
	}{
		{"plain", "Leipzig", "Leipzig", ""},
		{"trimmed", " \t\n Leipzig \r\n", "Leipzig", ""},
		{"inner spaces kept", "Zoo  am  Meer", "Zoo  am  Meer", ""},
		{"non-breaking spaces trimmed", "\u00a0Zoo\u00a0", "Zoo", ""},
		{"ideographic space trimmed", "\u3000動物園\u3000", "動物園", ""},
		{"one code point", "é", "é", ""},
		{"200 ASCII", strings.Repeat("a", 200), strings.Repeat("a", 200), ""},
		{"200 two-byte", strings.Repeat("é", 200), strings.Repeat("é", 200), ""},
		{"200 four-byte", strings.Repeat("🐘", 200), strings.Repeat("🐘", 200), ""},
		{"200 after trimming", "   " + strings.Repeat("x", 200) + "\t", strings.Repeat("x", 200), ""},
		{"combining marks count", strings.Repeat("e\u0301", 100), strings.Repeat("e\u0301", 100), ""},
		{"format character kept", "a\u200db", "a\u200db", ""},
		{"empty", "", "", "required"},
		{"white space only", " \t\r\n\u00a0", "", "required"},
		{"201 ASCII", strings.Repeat("a", 201), "", "201 characters"},
		{"201 two-byte", strings.Repeat("é", 201), "", "at most 200"},
		{"combining marks over", strings.Repeat("e\u0301", 101), "", "202 characters"},
		{"invalid UTF-8", "Zoo\xff", "", "UTF-8"},
		{"truncated UTF-8", "Zoo\xe2\x82", "", "UTF-8"},
		{"invalid UTF-8 in trimmed space", "Zoo \xa0", "", "UTF-8"},
		{"surrogate half", "Zoo\xed\xa0\x80", "", "UTF-8"},
		{"NUL", "a\x00b", "", "U+0000"},
		{"inner tab", "a\tb", "", "U+0009"},
		{"inner newline", "a\nb", "", "control"},
		{"escape", "a\x1b[31mb", "", "control"},
		{"DEL", "a\x7f", "", "U+007F"},
		{"C1", "a\u0085b", "", "U+0085"},
	}
	for _, tc := range tests {
		got, err := zootour.CleanText("name", tc.in)
		if tc.want == "" {
			if zootour.ErrorCode(err) != zootour.EINVALID {
				t.Errorf("%s: CleanText = %q, %v; want an invalid error", tc.name, got, err)
				continue
			}
			if msg := err.Error(); !strings.Contains(msg, "name") || !strings.Contains(msg, tc.msg) {
				t.Errorf("%s: error %q does not name the field and say %q", tc.name, msg, tc.msg)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s: CleanText = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

func TestZooValidate(t *testing.T) {
	z := zootour.Zoo{ID: 7, Name: "  Zoo ", Location: "\tTown\n"}
	if err := z.Validate(); err != nil {
		t.Fatal(err)
	}
	if want := (zootour.Zoo{ID: 7, Name: "Zoo", Location: "Town"}); z != want {
		t.Errorf("Validate left %+v, want %+v", z, want)
	}
	for _, tc := range []struct {
		z     zootour.Zoo
		field string
	}{
		{zootour.Zoo{Name: "", Location: "Town"}, "name"},
		{zootour.Zoo{Name: "Zoo", Location: " "}, "location"},
		{zootour.Zoo{Name: "", Location: ""}, "name"}, // the first bad field
		{zootour.Zoo{Name: "Zoo", Location: strings.Repeat("x", 201)}, "location"},
	} {
		err := tc.z.Validate()
		if zootour.ErrorCode(err) != zootour.EINVALID || !strings.HasPrefix(err.Error(), tc.field+" ") {
			t.Errorf("Validate(%+v) = %v, want an invalid error naming %s", tc.z, err, tc.field)
		}
	}
}

func TestAnimalValidate(t *testing.T) {
	a := zootour.Animal{Name: " Knut", Species: "polar bear "}
	if err := a.Validate(); err != nil || a.Name != "Knut" || a.Species != "polar bear" {
		t.Errorf("Validate = %v, left %+v", err, a)
	}
	for _, tc := range []struct {
		a     zootour.Animal
		field string
	}{
		{zootour.Animal{Name: "\x00", Species: "S"}, "name"},
		{zootour.Animal{Name: "N", Species: ""}, "species"},
		{zootour.Animal{Name: "N", Species: "\xc0"}, "species"},
	} {
		err := tc.a.Validate()
		if zootour.ErrorCode(err) != zootour.EINVALID || !strings.HasPrefix(err.Error(), tc.field+" ") {
			t.Errorf("Validate(%+v) = %v, want an invalid error naming %s", tc.a, err, tc.field)
		}
	}
}

func TestVisitValidate(t *testing.T) {
	d := zootour.MustDate("2024-01-01")
	if err := (&zootour.Visit{Date: d, ZooID: 1, AnimalID: 1 << 62}).Validate(); err != nil {
		t.Errorf("Validate of a good visit: %v", err)
	}
	for _, tc := range []struct {
		v    zootour.Visit
		says string
	}{
		{zootour.Visit{ZooID: 1, AnimalID: 1}, "date"},
		{zootour.Visit{Date: d, ZooID: 0, AnimalID: 1}, "zoo_id"},
		{zootour.Visit{Date: d, ZooID: -1, AnimalID: 1}, "zoo_id"},
		{zootour.Visit{Date: d, ZooID: 1, AnimalID: 0}, "animal_id"},
		{zootour.Visit{Date: d, ZooID: 1, AnimalID: -1 << 63}, "animal_id"},
	} {
		err := tc.v.Validate()
		if zootour.ErrorCode(err) != zootour.EINVALID || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("Validate(%+v) = %v, want an invalid error about %s", tc.v, err, tc.says)
		}
	}
}

func TestCheckID(t *testing.T) {
	for _, id := range []int64{1, 1 << 53, 1<<63 - 1} {
		if err := zootour.CheckID("zoo", id); err != nil {
			t.Errorf("CheckID(%d): %v", id, err)
		}
	}
	for _, id := range []int64{0, -1, -1 << 63} {
		if err := zootour.CheckID("zoo", id); zootour.ErrorCode(err) != zootour.EINVALID || !strings.Contains(err.Error(), "zoo") {
			t.Errorf("CheckID(%d) = %v, want an invalid error naming zoo", id, err)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestUpdates(t *testing.T) {
	z := zootour.Zoo{ID: 1, Name: "Zoo", Location: "Town"}
	if got, err := (zootour.ZooUpdate{}).Apply(z); err != nil || got != z {
		t.Errorf("empty ZooUpdate = %+v, %v", got, err)
	}
	if got, err := (zootour.ZooUpdate{Location: ptr(" City ")}).Apply(z); err != nil || got != (zootour.Zoo{ID: 1, Name: "Zoo", Location: "City"}) {
		t.Errorf("ZooUpdate of the location = %+v, %v", got, err)
	}
	if _, err := (zootour.ZooUpdate{Name: ptr("")}).Apply(z); zootour.ErrorCode(err) != zootour.EINVALID {
		t.Errorf("ZooUpdate to a blank name: %v", err)
	}

	a := zootour.Animal{ID: 2, Name: "Knut", Species: "bear"}
	if got, err := (zootour.AnimalUpdate{Name: ptr("Fritz"), Species: ptr("okapi")}).Apply(a); err != nil || got != (zootour.Animal{ID: 2, Name: "Fritz", Species: "okapi"}) {
		t.Errorf("AnimalUpdate = %+v, %v", got, err)
	}
	if _, err := (zootour.AnimalUpdate{Species: ptr("\x01")}).Apply(a); zootour.ErrorCode(err) != zootour.EINVALID {
		t.Errorf("AnimalUpdate to a control character: %v", err)
	}

	v := zootour.Visit{ID: 3, Date: zootour.MustDate("2024-01-01"), ZooID: 1, AnimalID: 2}
	got, err := (zootour.VisitUpdate{Date: ptr(zootour.MustDate("2024-02-01")), ZooID: ptr(int64(5))}).Apply(v)
	if want := (zootour.Visit{ID: 3, Date: zootour.MustDate("2024-02-01"), ZooID: 5, AnimalID: 2}); err != nil || got != want {
		t.Errorf("VisitUpdate = %+v, %v; want %+v", got, err, want)
	}
	if _, err := (zootour.VisitUpdate{AnimalID: ptr(int64(0))}).Apply(v); zootour.ErrorCode(err) != zootour.EINVALID {
		t.Errorf("VisitUpdate to animal 0: %v", err)
	}
	if _, err := (zootour.VisitUpdate{Date: &zootour.Date{}}).Apply(v); zootour.ErrorCode(err) != zootour.EINVALID {
		t.Errorf("VisitUpdate to no date: %v", err)
	}
}

func TestQuery(t *testing.T) {
	d := zootour.MustDate
	for _, q := range []zootour.Query{
		{},
		{From: d("2024-01-01")},
		{To: d("2024-01-01")},
		{From: d("2024-01-01"), To: d("2024-01-01")},
		{From: d("2024-01-01"), To: d("2024-01-02"), Limit: 10},
	} {
		if err := q.Validate(); err != nil {
			t.Errorf("Validate(%+v): %v", q, err)
		}
	}
	for _, q := range []zootour.Query{
		{From: d("2024-01-02"), To: d("2024-01-01")},
		{Limit: -1},
	} {
		if err := q.Validate(); zootour.ErrorCode(err) != zootour.EINVALID {
			t.Errorf("Validate(%+v) = %v, want an invalid error", q, err)
		}
	}

	q := zootour.Query{From: d("2024-01-02"), To: d("2024-01-04")}
	for s, want := range map[string]bool{
		"2024-01-01": false, "2024-01-02": true, "2024-01-03": true, "2024-01-04": true, "2024-01-05": false,
	} {
		if got := q.Contains(d(s)); got != want {
			t.Errorf("%+v.Contains(%s) = %v, want %v", q, s, got, want)
		}
	}
	open := zootour.Query{}
	if !open.Contains(zootour.MinDate) || !open.Contains(zootour.MaxDate) {
		t.Error("an open window does not contain every date")
	}
	from := zootour.Query{From: d("2024-01-02")}
	if from.Contains(d("2024-01-01")) || !from.Contains(zootour.MaxDate) {
		t.Error("a window open at its end is wrong")
	}
	to := zootour.Query{To: d("2024-01-02")}
	if !to.Contains(zootour.MinDate) || to.Contains(d("2024-01-03")) {
		t.Error("a window open at its start is wrong")
	}
}

func TestPosition(t *testing.T) {
	d := zootour.MustDate
	ps := []zootour.Position{{}, {Date: d("2024-01-01"), ID: 5}, {Date: d("2024-01-01"), ID: 6}, {Date: d("2024-01-02"), ID: 1}}
	for i, p := range ps {
		for j, q := range ps {
			if got := p.Less(q); got != (i < j) {
				t.Errorf("%+v.Less(%+v) = %v", p, q, got)
			}
		}
	}
	if !ps[0].IsZero() || ps[1].IsZero() {
		t.Error("IsZero wrong")
	}
	v := zootour.Visit{ID: 9, Date: d("2024-01-01")}
	if v.Position() != (zootour.Position{Date: d("2024-01-01"), ID: 9}) {
		t.Errorf("Visit.Position = %+v", v.Position())
	}
	za := zootour.ZooAnimal{VisitID: 9, Date: d("2024-01-01")}
	az := zootour.AnimalZoo{VisitID: 9, Date: d("2024-01-01")}
	if za.Position() != v.Position() || az.Position() != v.Position() {
		t.Error("entry positions differ from their visit's")
	}
}

// TestJSONShapes pins the record shapes of the JSON the README promises.
func TestJSONShapes(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{zootour.Zoo{ID: 1 << 62, Name: "Zoo", Location: "Town"}, `{"id":4611686018427387904,"name":"Zoo","location":"Town"}`},
		{zootour.Animal{ID: 2, Name: "Knut", Species: "bear"}, `{"id":2,"name":"Knut","species":"bear"}`},
		{zootour.Visit{ID: 3, Date: zootour.MustDate("2024-02-29"), ZooID: 1, AnimalID: 2}, `{"id":3,"date":"2024-02-29","zoo_id":1,"animal_id":2}`},
		{zootour.Counts{Zoos: 1, Animals: 2, Visits: 3}, `{"zoos":1,"animals":2,"visits":3}`},
	}
	for _, tc := range tests {
		b, err := json.Marshal(tc.v)
		if err != nil || string(b) != tc.want {
			t.Errorf("json.Marshal(%+v) = %s, %v; want %s", tc.v, b, err, tc.want)
		}
	}
	// Entries of relationship listings carry the record's fields first.
	b, err := json.Marshal(zootour.ZooAnimal{Animal: zootour.Animal{ID: 2, Name: "Knut", Species: "bear"}, VisitID: 3, Date: zootour.MustDate("2024-02-29")})
	if want := `{"id":2,"name":"Knut","species":"bear","visit_id":3,"date":"2024-02-29"}`; err != nil || string(b) != want {
		t.Errorf("ZooAnimal JSON = %s, %v; want %s", b, err, want)
	}
	var v zootour.Visit
	if err := json.Unmarshal([]byte(`{"id":4611686018427387905,"date":"2024-02-29","zoo_id":1,"animal_id":2}`), &v); err != nil || v.ID != 1<<62+1 {
		t.Errorf("json.Unmarshal of a visit = %+v, %v", v, err)
	}
	var u zootour.VisitUpdate
	if err := json.Unmarshal([]byte(`{"date":"2024-03-01"}`), &u); err != nil || u.Date == nil || u.ZooID != nil || u.AnimalID != nil {
		t.Errorf("json.Unmarshal of a VisitUpdate = %+v, %v", u, err)
	}
}

func TestAll(t *testing.T) {
	n := zootour.AllPageSize
	var items []int64
	for i := range 2*n + 7 {
		items = append(items, int64(3*i+1))
	}
	fetches := 0
	fetch := func(after zootour.Cursor, limit int) ([]int64, error) {
		fetches++
		if limit != n {
			t.Fatalf("All asked for a page of %d, want %d", limit, n)
		}
		i, _ := slices.BinarySearch(items, after.ID+1)
		return items[i:min(i+limit, len(items))], nil
	}
	key := func(v int64) zootour.Cursor { return zootour.Cursor{ID: v} }
	var got []int64
	for v, err := range zootour.All(fetch, key) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, v)
	}
	if !slices.Equal(got, items) {
		t.Errorf("All = %d items, want %d", len(got), len(items))
	}
	if fetches != 3 {
		t.Errorf("All fetched %d pages, want 3", fetches)
	}
	// Breaking off stops fetching.
	fetches = 0
	for v := range zootour.All(fetch, key) {
		if v == items[n+1] {
			break
		}
	}
	if fetches != 2 {
		t.Errorf("All fetched %d pages for the first %d items, want 2", fetches, n+2)
	}
	// An error ends the walk.
	boom := errors.New("boom")
	calls := 0
	for _, err := range zootour.All(func(after zootour.Cursor, limit int) ([]int64, error) {
		calls++
		if !after.IsZero() {
			return nil, boom
		}
		return items[:limit], nil
	}, key) {
		if err != nil && !errors.Is(err, boom) {
			t.Errorf("All yielded %v", err)
		}
	}
	if calls != 2 {
		t.Errorf("All fetched %d times, want 2 (then the error)", calls)
	}
	// A page longer than asked for is an error, not a silent stop or a
	// skipped entry.
	var errs int
	for _, err := range zootour.All(func(zootour.Cursor, int) ([]int64, error) { return items, nil }, key) {
		if err != nil {
			errs++
		}
	}
	if errs != 1 {
		t.Errorf("a page too long gave %d errors, want 1", errs)
	}
}

func TestCursorText(t *testing.T) {
	for _, c := range []zootour.Cursor{
		{},
		{ID: 1},
		{ID: 1<<63 - 1},
		{Date: zootour.MaxDate, ID: 1 << 62},
		{Date: zootour.MinDate, ID: 7, Text: "Zürich: a zoo, with \"quotes\""},
		{ID: 3, Text: strings.Repeat("é", 200)},
	} {
		text := c.String()
		if strings.ContainsAny(text, "+/=?&%# ") {
			t.Errorf("cursor %+v is %q, not URL-safe", c, text)
		}
		got, err := zootour.ParseCursor(text)
		if err != nil || got != c {
			t.Errorf("ParseCursor(%q) = %+v, %v; want %+v", text, got, err, c)
		}
	}
	for _, bad := range []string{"!!", "M", "bm9jb2xvbg", "_____", "AAAA\xff"} {
		if _, err := zootour.ParseCursor(bad); zootour.ErrorCode(err) != zootour.EINVALID {
			t.Errorf("ParseCursor(%q) = %v, want invalid", bad, err)
		}
	}
}

func TestParseSearchAndSort(t *testing.T) {
	for _, bad := range []string{"", "   ", "\xff", strings.Repeat("x", 201), "a b c d e f g h i"} {
		if _, err := zootour.ParseSearch(bad); zootour.ErrorCode(err) != zootour.EINVALID {
			t.Errorf("ParseSearch(%q) = %v, want invalid", bad, err)
		}
	}
	if q := zootour.MustSearch("  Ada \t hippo "); q.String() != "Ada hippo" || len(q.Words()) != 2 {
		t.Errorf("MustSearch = %q", q)
	}
	for _, ok := range []string{"", "id", "name", "-name"} {
		if _, err := zootour.ParseSort(ok, zootour.Sorts("zoo")); err != nil {
			t.Errorf("ParseSort(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"date", "Name", "-id", "name "} {
		if _, err := zootour.ParseSort(bad, zootour.Sorts("animal")); err == nil || !strings.Contains(err.Error(), "sort") {
			t.Errorf("ParseSort(%q) = %v, want an error naming sort", bad, err)
		}
	}
	if _, err := zootour.ParseSort("-date", zootour.Sorts("visit")); err != nil {
		t.Error(err)
	}
	for id, want := range map[string]bool{"1": true, "9223372036854775807": true, "0": false, "01": false, "-1": false, "9223372036854775808": false, "x": false} {
		if _, ok := zootour.SearchID(id); ok != want {
			t.Errorf("SearchID(%q) = %v, want %v", id, ok, want)
		}
	}
}
