package zootour

import (
	"encoding/base64"
	"encoding/binary"
	"unicode/utf8"
)

// A Cursor marks where a listing stands: the key of the last entry seen, in
// the listing's order. Every listing pages with one: by ID it holds the ID;
// by name the name and the ID; by date (a relationship listing, the visits
// newest first) the date and the visit's ID; a presence the stay's from and
// the animal's ID; a census row the zoo's ID and the species; a stay its
// from date. The zero Cursor is the start of every listing.
//
// Listings are paged by key, not by offset, so that a page costs the same
// wherever it starts, a cursor stays valid while records are added, and no
// listing needs all its rows in memory at once (see All).
type Cursor struct {
	Date Date
	ID   int64
	Text string
}

// IsZero reports whether c is the start of a listing.
func (c Cursor) IsZero() bool { return c == Cursor{} }

// Less reports whether c comes before d in (date, ID) order, the order of
// relationship listings.
func (c Cursor) Less(d Cursor) bool {
	if c.Date != d.Date {
		return c.Date.Before(d.Date)
	}
	return c.ID < d.ID
}

// Position is the Cursor of a relationship listing, by date then ID.
type Position = Cursor

// MarshalText encodes c as URL-safe base64 of its fields, the form the API
// and the pages hand out: opaque to people, exact for IDs of any size.
func (c Cursor) MarshalText() ([]byte, error) {
	b := binary.AppendUvarint(nil, uint64(c.Date.ymd))
	b = binary.AppendVarint(b, c.ID)
	b = append(b, c.Text...)
	out := make([]byte, base64.RawURLEncoding.EncodedLen(len(b)))
	base64.RawURLEncoding.Encode(out, b)
	return out, nil
}

// String returns the text form of c ("" for the zero Cursor).
func (c Cursor) String() string {
	if c.IsZero() {
		return ""
	}
	b, _ := c.MarshalText()
	return string(b)
}

// UnmarshalText reads a cursor that MarshalText wrote; anything else is an
// invalid error, so that a damaged cursor is bad input, not a wrong page.
func (c *Cursor) UnmarshalText(text []byte) error {
	bad := Errorf(EINVALID, "cursor %.40q is not one this server handed out", text)
	if len(text) == 0 {
		*c = Cursor{}
		return nil
	}
	b, err := base64.RawURLEncoding.DecodeString(string(text))
	if err != nil {
		return bad
	}
	ymd, n := binary.Uvarint(b)
	if n <= 0 || ymd > uint64(MaxDate.ymd) {
		return bad
	}
	b = b[n:]
	id, n := binary.Varint(b)
	if n <= 0 || id < 0 {
		return bad
	}
	b = b[n:]
	if !utf8.Valid(b) {
		return bad
	}
	d := Date{int32(ymd)}
	if ymd != 0 {
		if _, err := ParseDate(d.String()); err != nil {
			return bad
		}
	}
	*c = Cursor{Date: d, ID: id, Text: string(b)}
	return nil
}

// ParseCursor reads the text form of a cursor.
func ParseCursor(s string) (Cursor, error) {
	var c Cursor
	err := c.UnmarshalText([]byte(s))
	return c, err
}
