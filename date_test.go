package zootour_test

import (
	"database/sql/driver"
	"encoding/json"
	"testing"
	"time"

	"github.com/zootour/zootour"
)

func TestParseDate(t *testing.T) {
	valid := []struct {
		in      string
		y, m, d int
	}{
		{"2024-02-29", 2024, 2, 29}, // leap year
		{"2000-02-29", 2000, 2, 29}, // divisible by 400
		{"1996-02-29", 1996, 2, 29},
		{"2023-02-28", 2023, 2, 28},
		{"1900-02-28", 1900, 2, 28},
		{"0001-01-01", 1, 1, 1},
		{"9999-12-31", 9999, 12, 31},
		{"0400-02-29", 400, 2, 29},
		{"2024-04-30", 2024, 4, 30},
		{"2024-12-31", 2024, 12, 31},
		{"0099-07-04", 99, 7, 4},
	}
	for _, tc := range valid {
		got, err := zootour.ParseDate(tc.in)
		if err != nil {
			t.Errorf("ParseDate(%q): %v", tc.in, err)
			continue
		}
		if got.Year() != tc.y || int(got.Month()) != tc.m || got.Day() != tc.d {
			t.Errorf("ParseDate(%q) = %d-%d-%d, want %d-%d-%d", tc.in, got.Year(), got.Month(), got.Day(), tc.y, tc.m, tc.d)
		}
		if s := got.String(); s != tc.in {
			t.Errorf("ParseDate(%q).String() = %q", tc.in, s)
		}
		if got.IsZero() {
			t.Errorf("ParseDate(%q) is the zero Date", tc.in)
		}
	}

	invalid := []string{
		"",
		"2023-02-29", // not a leap year
		"1900-02-29", // divisible by 100, not 400
		"2100-02-29",
		"2024-02-30",
		"2024-04-31",
		"2024-06-31",
		"2024-01-32",
		"2024-01-00",
		"2024-00-10",
		"2024-13-01",
		"0000-01-01", // there is no year 0
		"0000-00-00",
		"10000-01-01",
		"99999-12-31",
		" 2024-01-01",
		"2024-01-01 ",
		"2024-01-01\n",
		"2024 -01-01",
		"+2024-01-01",
		"-2024-01-01",
		"+024-01-01",
		"-001-01-01",
		"2024-+1-01",
		"2024--1-01",
		"2024-01--1",
		"2024-1-01",
		"2024-01-1",
		"2024-1-1",
		"24-01-01",
		"02024-01-01",
		"2024-001-01",
		"20240101",
		"2024/01/01",
		"2024.01.01",
		"01-01-2024",
		"2024-01-01T00:00:00Z",
		"2024-01-01Z",
		"2024-0a-01",
		"２０２４-01-01", // full-width digits
		"2024-01-0\x00",
		"yyyy-mm-dd",
	}
	for _, in := range invalid {
		got, err := zootour.ParseDate(in)
		if err == nil {
			t.Errorf("ParseDate(%q) = %s, want an error", in, got)
			continue
		}
		if code := zootour.ErrorCode(err); code != zootour.EINVALID {
			t.Errorf("ParseDate(%q): code %q, want %q", in, code, zootour.EINVALID)
		}
		if !got.IsZero() {
			t.Errorf("ParseDate(%q) failed but returned %v", in, got)
		}
	}
}

func TestNewDate(t *testing.T) {
	d, err := zootour.NewDate(2024, time.February, 29)
	if err != nil || d != zootour.MustDate("2024-02-29") {
		t.Errorf("NewDate(2024, 2, 29) = %v, %v", d, err)
	}
	for _, tc := range []struct{ y, m, d int }{
		{2023, 2, 29}, {0, 1, 1}, {10000, 1, 1}, {2024, 0, 1}, {2024, 13, 1}, {2024, 1, 0}, {2024, 1, 32}, {-1, 1, 1},
	} {
		if d, err := zootour.NewDate(tc.y, time.Month(tc.m), tc.d); zootour.ErrorCode(err) != zootour.EINVALID {
			t.Errorf("NewDate(%d, %d, %d) = %v, %v; want an invalid error", tc.y, tc.m, tc.d, d, err)
		}
	}
	if zootour.MinDate.String() != "0001-01-01" || zootour.MaxDate.String() != "9999-12-31" {
		t.Errorf("MinDate, MaxDate = %s, %s", zootour.MinDate, zootour.MaxDate)
	}
}

func TestMustDatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustDate of an invalid date did not panic")
		}
	}()
	zootour.MustDate("2023-02-29")
}

func TestDateOrder(t *testing.T) {
	dates := []string{"0001-01-01", "0999-12-31", "1999-12-31", "2000-01-01", "2000-01-02", "2000-02-01", "9999-12-31"}
	for i, a := range dates {
		for j, b := range dates {
			da, db := zootour.MustDate(a), zootour.MustDate(b)
			want := 0
			if i < j {
				want = -1
			} else if i > j {
				want = 1
			}
			if got := da.Compare(db); got != want {
				t.Errorf("%s.Compare(%s) = %d, want %d", a, b, got, want)
			}
			if da.Before(db) != (i < j) || da.After(db) != (i > j) || (da == db) != (i == j) {
				t.Errorf("Before, After or == wrong for %s and %s", a, b)
			}
		}
	}
	// The zero Date comes before every date.
	if !(zootour.Date{}).Before(zootour.MinDate) {
		t.Error("the zero Date is not before MinDate")
	}
}

func TestZeroDate(t *testing.T) {
	var z zootour.Date
	if !z.IsZero() || z.String() != "" {
		t.Errorf("zero Date: IsZero %v, String %q", z.IsZero(), z.String())
	}
	if _, err := z.MarshalText(); err == nil {
		t.Error("MarshalText of the zero Date succeeded")
	}
	if _, err := json.Marshal(z); err == nil {
		t.Error("json.Marshal of the zero Date succeeded")
	}
	if v, err := z.Value(); v != nil || err != nil {
		t.Errorf("Value of the zero Date = %v, %v; want nil (SQL NULL)", v, err)
	}
}

func TestDateText(t *testing.T) {
	for _, s := range []string{"0001-01-01", "2024-02-29", "9999-12-31"} {
		d := zootour.MustDate(s)
		b, err := d.MarshalText()
		if err != nil || string(b) != s {
			t.Errorf("MarshalText(%s) = %q, %v", s, b, err)
		}
		var back zootour.Date
		if err := back.UnmarshalText(b); err != nil || back != d {
			t.Errorf("UnmarshalText(%q) = %v, %v", b, back, err)
		}
	}
	var d zootour.Date
	if err := d.UnmarshalText([]byte("2024-02-30")); zootour.ErrorCode(err) != zootour.EINVALID {
		t.Errorf("UnmarshalText of a bad date: %v", err)
	}
}

func TestDateJSON(t *testing.T) {
	type rec struct {
		Date zootour.Date `json:"date"`
	}
	b, err := json.Marshal(rec{zootour.MustDate("2024-02-29")})
	if err != nil || string(b) != `{"date":"2024-02-29"}` {
		t.Errorf("json.Marshal = %s, %v", b, err)
	}
	var r rec
	if err := json.Unmarshal([]byte(`{"date":"0001-01-01"}`), &r); err != nil || r.Date != zootour.MinDate {
		t.Errorf("json.Unmarshal = %v, %v", r.Date, err)
	}
	for _, in := range []string{`{"date":"2024-1-1"}`, `{"date":20240101}`, `{"date":""}`, `{"date":"2024-01-01T00:00:00Z"}`, `{"date":true}`} {
		var r rec
		if err := json.Unmarshal([]byte(in), &r); err == nil {
			t.Errorf("json.Unmarshal(%s) = %v, want an error", in, r.Date)
		}
	}
	// null leaves the date as it was: the zero Date, "no date".
	r = rec{}
	if err := json.Unmarshal([]byte(`{"date":null}`), &r); err != nil || !r.Date.IsZero() {
		t.Errorf("json.Unmarshal of null = %v, %v", r.Date, err)
	}
}

func TestDateSQL(t *testing.T) {
	d := zootour.MustDate("2024-02-29")
	v, err := d.Value()
	if err != nil || v != driver.Value("2024-02-29") {
		t.Errorf("Value = %#v, %v", v, err)
	}
	berlin := time.FixedZone("CET", 3600)
	good := []struct {
		src  any
		want zootour.Date
	}{
		{"2024-02-29", d},
		{[]byte("0001-01-01"), zootour.MinDate},
		{time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), d},
		{time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC), d},
		// A time's date is the date where it is, not in UTC.
		{time.Date(2024, 3, 1, 0, 30, 0, 0, berlin), zootour.MustDate("2024-03-01")},
		{time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), zootour.MaxDate},
		{nil, zootour.Date{}},
	}
	for _, tc := range good {
		got := zootour.MustDate("2000-01-01") // Scan must overwrite it
		if err := got.Scan(tc.src); err != nil || got != tc.want {
			t.Errorf("Scan(%#v) = %v, %v; want %v", tc.src, got, err, tc.want)
		}
	}
	for _, src := range []any{"2024-02-30", []byte("x"), int64(20240229), 3.5, true, time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)} {
		var got zootour.Date
		if err := got.Scan(src); err == nil {
			t.Errorf("Scan(%#v) = %v, want an error", src, got)
		}
	}
	// Round trip through the driver's representation.
	var back zootour.Date
	if err := back.Scan(v); err != nil || back != d {
		t.Errorf("Scan(Value()) = %v, %v", back, err)
	}
}

func TestDateOf(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	tt := time.Date(2024, 12, 31, 20, 0, 0, 0, time.UTC)
	if got := zootour.DateOf(tt); got != zootour.MustDate("2024-12-31") {
		t.Errorf("DateOf(%v) = %v", tt, got)
	}
	if got := zootour.DateOf(tt.In(tokyo)); got != zootour.MustDate("2025-01-01") {
		t.Errorf("DateOf(%v) = %v", tt.In(tokyo), got)
	}
	for _, y := range []int{0, -5, 10000} {
		if got := zootour.DateOf(time.Date(y, 6, 1, 0, 0, 0, 0, time.UTC)); !got.IsZero() {
			t.Errorf("DateOf(year %d) = %v, want the zero Date", y, got)
		}
	}
	if got := zootour.MustDate("2024-02-29").Time(); !got.Equal(time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("Time() = %v", got)
	}
}

func TestAddDays(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2024-02-28", 1, "2024-02-29"},
		{"2024-02-29", 1, "2024-03-01"},
		{"2023-02-28", 1, "2023-03-01"},
		{"2024-12-31", 1, "2025-01-01"},
		{"2024-01-01", -1, "2023-12-31"},
		{"2024-01-01", 366, "2025-01-01"},
		{"2024-03-01", 0, "2024-03-01"},
		{"9999-12-30", 5, "9999-12-31"}, // clamped
		{"0001-01-02", -5, "0001-01-01"},
		{"0001-01-01", 3652058, "9999-12-31"},
	}
	for _, tc := range tests {
		if got := zootour.MustDate(tc.from).AddDays(tc.n); got.String() != tc.want {
			t.Errorf("%s.AddDays(%d) = %s, want %s", tc.from, tc.n, got, tc.want)
		}
	}
	if n := zootour.MustDate("2024-01-01").DaysUntil(zootour.MustDate("2025-01-01")); n != 366 {
		t.Errorf("DaysUntil across a leap year = %d, want 366", n)
	}
	if n := zootour.MustDate("2024-03-01").DaysUntil(zootour.MustDate("2024-02-28")); n != -2 {
		t.Errorf("DaysUntil backwards = %d, want -2", n)
	}
	if n := zootour.MustDate("1800-01-01").DaysUntil(zootour.MustDate("2000-01-01")); n != 73048 {
		t.Errorf("DaysUntil over two centuries = %d, want 73048", n)
	}
	// Beyond the 292 years a time.Duration spans.
	if n := zootour.MinDate.DaysUntil(zootour.MaxDate); n != 3652058 {
		t.Errorf("MinDate.DaysUntil(MaxDate) = %d, want 3652058", n)
	}
}

// FuzzParseDate checks that whatever ParseDate accepts prints back as the
// same string, and survives every encoding.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2024-02-29", "0001-01-01", "9999-12-31", "2023-02-29", "0000-01-01",
		"10000-01-01", " 2024-01-01", "+2024-01-01", "2024-1-1", "", "2024-13-01", "1900-02-29", "2000-02-29"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := zootour.ParseDate(s)
		if err != nil {
			if code := zootour.ErrorCode(err); code != zootour.EINVALID {
				t.Fatalf("ParseDate(%q): code %q", s, code)
			}
			return
		}
		if got := d.String(); got != s {
			t.Fatalf("ParseDate(%q).String() = %q", s, got)
		}
		if d.Before(zootour.MinDate) || d.After(zootour.MaxDate) {
			t.Fatalf("ParseDate(%q) = %v is out of range", s, d)
		}
		n, err := zootour.NewDate(d.Year(), d.Month(), d.Day())
		if err != nil || n != d {
			t.Fatalf("NewDate of ParseDate(%q) = %v, %v", s, n, err)
		}
		if got := zootour.DateOf(d.Time()); got != d {
			t.Fatalf("DateOf(Time()) of %q = %v", s, got)
		}
		b, err := json.Marshal(d)
		if err != nil || string(b) != `"`+s+`"` {
			t.Fatalf("json.Marshal(%q) = %s, %v", s, b, err)
		}
		var back zootour.Date
		if err := back.Scan(s); err != nil || back != d {
			t.Fatalf("Scan(%q) = %v, %v", s, back, err)
		}
	})
}
