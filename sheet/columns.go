// Package sheet writes listings as spreadsheets: CSV files and Excel
// workbooks, one row per item, under a header of the items' JSON field
// names in order (a nested object's fields as parent.field), as
// docs/spreadsheets.md describes.
//
// The columns of a type come from its JSON encoding, found once by
// reflection, so that a download can never disagree with the JSON listing
// it comes from. A Cell keeps what a spreadsheet needs to know of a value:
// whether it is text, an integer or a date.
package sheet

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/zootour/zootour"
)

// A Kind says what a cell holds.
type Kind uint8

const (
	Empty Kind = iota // JSON null, or a nil pointer
	Text
	Int
	Date
)

// A Cell is one value of a row.
type Cell struct {
	Kind Kind
	Text string // for Text, and the text of every kind but Empty
	Int  int64
	Date zootour.Date
}

// TextCell, IntCell and DateCell make cells.
func TextCell(s string) Cell { return Cell{Kind: Text, Text: s} }

func IntCell(n int64) Cell { return Cell{Kind: Int, Int: n, Text: strconv.FormatInt(n, 10)} }

func DateCell(d zootour.Date) Cell {
	if d.IsZero() {
		return Cell{}
	}
	return Cell{Kind: Date, Date: d, Text: d.String()}
}

// Columns are the columns of the items of one type T.
type Columns[T any] struct {
	names  []string
	leaves []leaf
	// byJSON is set for a type with a MarshalJSON of its own, whose cells
	// are read from the JSON it writes rather than from its fields.
	byJSON bool
}

// A leaf is one column: where its value sits in the struct, and how it
// becomes a cell.
type leaf struct {
	name  string
	index []int // the path of fields, followed through pointers
	cell  func(reflect.Value) Cell
}

// For returns the columns of T, a struct type (or a pointer to one). It
// panics on any other type: the listings are fixed, so a wrong type is a
// programming error found by the first test.
func For[T any]() *Columns[T] {
	t := reflect.TypeFor[T]()
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		panic(fmt.Sprintf("sheet.For: %s is not a struct", t))
	}
	c := &Columns[T]{byJSON: t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType)}
	c.leaves = fields(t, "", nil)
	for _, l := range c.leaves {
		c.names = append(c.names, l.name)
	}
	return c
}

// Header returns the column names.
func (c *Columns[T]) Header() []string { return c.names }

// Cells returns the cells of t in the order of Header, in dst's storage
// when it has room.
func (c *Columns[T]) Cells(t T, dst []Cell) ([]Cell, error) {
	dst = dst[:0]
	if c.byJSON {
		return jsonCells(t, c.names, dst)
	}
	v := reflect.ValueOf(t)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return append(dst, make([]Cell, len(c.leaves))...), nil
		}
		v = v.Elem()
	}
	for _, l := range c.leaves {
		f, ok := follow(v, l.index)
		if !ok {
			dst = append(dst, Cell{})
			continue
		}
		dst = append(dst, l.cell(f))
	}
	return dst, nil
}

// follow walks index from v, and reports false at a nil pointer.
func follow(v reflect.Value, index []int) (reflect.Value, bool) {
	for _, i := range index {
		for v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return v, false
			}
			v = v.Elem()
		}
		v = v.Field(i)
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return v, false
		}
		v = v.Elem()
	}
	return v, true
}

var (
	marshalerType     = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	dateType          = reflect.TypeFor[zootour.Date]()
	timeType          = reflect.TypeFor[time.Time]()
)

// fields lists the columns of struct type t, as encoding/json names its
// fields: a tag's name or the field's, "-" left out, an embedded struct's
// fields promoted, a nested struct's prefixed with its name and a dot.
func fields(t reflect.Type, prefix string, index []int) []leaf {
	var out []leaf
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		path := append(append([]int(nil), index...), i)
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct && !custom(ft) {
			out = append(out, fields(ft, prefix, path)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if ft.Kind() == reflect.Struct && !custom(ft) {
			out = append(out, fields(ft, prefix+name+".", path)...)
			continue
		}
		out = append(out, leaf{name: prefix + name, index: path, cell: cellOf(ft)})
	}
	return out
}

// custom reports whether t writes its own JSON or text, and so is one
// column however it is built.
func custom(t reflect.Type) bool {
	return t == dateType || t == timeType ||
		t.Implements(marshalerType) || reflect.PointerTo(t).Implements(marshalerType) ||
		t.Implements(textMarshalerType) || reflect.PointerTo(t).Implements(textMarshalerType)
}

// cellOf returns how a value of type t becomes a cell.
func cellOf(t reflect.Type) func(reflect.Value) Cell {
	switch {
	case t == dateType:
		return func(v reflect.Value) Cell { return DateCell(v.Interface().(zootour.Date)) }
	case t == timeType:
		// As the JSON writes it, which the API gives in UTC.
		return func(v reflect.Value) Cell { return TextCell(v.Interface().(time.Time).Format(time.RFC3339Nano)) }
	case custom(t):
		return jsonText
	}
	switch t.Kind() {
	case reflect.String:
		return func(v reflect.Value) Cell { return TextCell(v.String()) }
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return func(v reflect.Value) Cell { return IntCell(v.Int()) }
	case reflect.Bool:
		return func(v reflect.Value) Cell { return TextCell(strconv.FormatBool(v.Bool())) }
	}
	return jsonText
}

// jsonText is the cell of a value the spreadsheet holds as its JSON text
// (a list, such as a contact's overlaps): "" for null.
func jsonText(v reflect.Value) Cell {
	b, err := json.Marshal(v.Interface())
	if err != nil || string(b) == "null" {
		return Cell{}
	}
	if len(b) > 1 && b[0] == '"' {
		var s string
		if json.Unmarshal(b, &s) == nil {
			return TextCell(s)
		}
	}
	return TextCell(string(b))
}

// jsonCells reads the cells of t from the JSON object it writes: a string
// is text, an integer an integer, null empty, and anything else its JSON.
func jsonCells(t any, names []string, dst []Cell) ([]Cell, error) {
	b, err := json.Marshal(t)
	if err != nil {
		return dst, err
	}
	var obj map[string]json.RawMessage
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(&obj); err != nil {
		return dst, err
	}
	for _, name := range names {
		raw, ok := obj[name]
		switch {
		case !ok || string(raw) == "null":
			dst = append(dst, Cell{})
		case raw[0] == '"':
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return dst, err
			}
			dst = append(dst, TextCell(s))
		default:
			if n, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
				dst = append(dst, IntCell(n))
				continue
			}
			var c bytes.Buffer
			if err := json.Compact(&c, raw); err != nil {
				return dst, err
			}
			dst = append(dst, TextCell(c.String()))
		}
	}
	return dst, nil
}
