package zootour

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// A Date is a calendar date from 0001-01-01 to 9999-12-31, with no time of
// day and no zone. The zero Date is "no date": an open end of a window.
//
// Dates compare with ==, and order with Before and Compare, because the
// value packs year, month and day as the decimal number YYYYMMDD.
type Date struct{ ymd int32 }

// MinDate and MaxDate are the first and last dates zootour accepts.
var (
	MinDate = Date{10101}
	MaxDate = Date{99991231}
)

// NewDate returns the date y-m-d, or an invalid error if there is no such
// calendar date in the range 0001-01-01 to 9999-12-31.
func NewDate(y int, m time.Month, d int) (Date, error) {
	if y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return Date{}, Errorf(EINVALID, "%04d-%02d-%02d is not a calendar date", y, int(m), d)
	}
	return Date{int32(y*10000 + int(m)*100 + d)}, nil
}

// ParseDate parses a date written YYYY-MM-DD and nothing else.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, Errorf(EINVALID, "date %q is not written YYYY-MM-DD", s)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	d, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, Errorf(EINVALID, "date %q is not written YYYY-MM-DD", s)
	}
	if y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return Date{}, Errorf(EINVALID, "date %q is not a calendar date between 0001-01-01 and 9999-12-31", s)
	}
	return Date{int32(y*10000 + m*100 + d)}, nil
}

// MustDate is ParseDate for literals in tests and examples; it panics on error.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	if y < 1 || y > 9999 {
		return Date{}
	}
	return Date{int32(y*10000 + int(m)*100 + d)}
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// IsZero reports whether d is the zero Date, "no date".
func (d Date) IsZero() bool { return d.ymd == 0 }

// Year, Month and Day return the parts of d.
func (d Date) Year() int         { return int(d.ymd / 10000) }
func (d Date) Month() time.Month { return time.Month(d.ymd / 100 % 100) }
func (d Date) Day() int          { return int(d.ymd % 100) }

// Before reports whether d comes before e.
func (d Date) Before(e Date) bool { return d.ymd < e.ymd }

// After reports whether d comes after e.
func (d Date) After(e Date) bool { return d.ymd > e.ymd }

// Equal reports whether d and e are the same date (so go-cmp compares
// Dates by value).
func (d Date) Equal(e Date) bool { return d == e }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.ymd < e.ymd:
		return -1
	case d.ymd > e.ymd:
		return 1
	}
	return 0
}

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

// AddDays returns the date n days after d (before it if n is negative),
// clamped to MinDate..MaxDate.
func (d Date) AddDays(n int) Date {
	e := DateOf(d.Time().AddDate(0, 0, n))
	switch {
	case e.IsZero() && n < 0:
		return MinDate
	case e.IsZero():
		return MaxDate
	}
	return e
}

// DaysUntil returns the number of days from d to e (negative if e is before d).
func (d Date) DaysUntil(e Date) int {
	// Through Unix seconds, not time.Duration, which spans only 292 years.
	return int((e.Time().Unix() - d.Time().Unix()) / 86400)
}

// String returns d as YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	var b [10]byte
	return string(d.appendTo(b[:0]))
}

func (d Date) appendTo(b []byte) []byte {
	y, m, day := d.Year(), int(d.Month()), d.Day()
	return append(b,
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-',
		byte('0'+day/10), byte('0'+day%10))
}

// MarshalText writes d as YYYY-MM-DD; the zero Date cannot be written.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return nil, fmt.Errorf("zootour: cannot write the zero Date")
	}
	return d.appendTo(make([]byte, 0, 10)), nil
}

// UnmarshalText reads a date written YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value stores d as the text YYYY-MM-DD, which SQLite orders correctly and
// PostgreSQL reads into a date column.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a date stored as text or as a time.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case string:
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.UnmarshalText(v)
	case time.Time:
		*d = DateOf(v)
		if d.IsZero() {
			return fmt.Errorf("zootour: date %v out of range", v)
		}
		return nil
	case nil:
		*d = Date{}
		return nil
	}
	return fmt.Errorf("zootour: cannot read a date from %T", src)
}
