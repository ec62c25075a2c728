package csvio

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/zootour/zootour"
)

// A format describes one data file: its name, its header and how a row
// becomes a record.
type format[T any] struct {
	kind   string // the Kind of a zootour.RecordError about this file, and the sheet's name
	noun   string // one record, in messages
	file   string
	header []string
	parse  func(row []string) (T, error)
}

var zooFormat = format[zootour.Zoo]{
	kind:   "zoos",
	noun:   "zoo",
	file:   ZoosFile,
	header: []string{"id", "name", "location"},
	parse: func(row []string) (zootour.Zoo, error) {
		id, err := parseID("id", row[0])
		if err != nil {
			return zootour.Zoo{}, err
		}
		z := zootour.Zoo{ID: id, Name: row[1], Location: row[2]}
		return z, z.Validate()
	},
}

var animalFormat = format[zootour.Animal]{
	kind:   "animals",
	noun:   "animal",
	file:   AnimalsFile,
	header: []string{"id", "name", "species"},
	parse: func(row []string) (zootour.Animal, error) {
		id, err := parseID("id", row[0])
		if err != nil {
			return zootour.Animal{}, err
		}
		a := zootour.Animal{ID: id, Name: row[1], Species: row[2]}
		return a, a.Validate()
	},
}

var visitFormat = format[zootour.Visit]{
	kind:   "visits",
	noun:   "visit",
	file:   VisitsFile,
	header: []string{"id", "date", "zoo_id", "animal_id"},
	parse: func(row []string) (zootour.Visit, error) {
		var v zootour.Visit
		var err error
		if v.ID, err = parseID("id", row[0]); err != nil {
			return v, err
		}
		if v.Date, err = parseDate(row[1]); err != nil {
			return v, err
		}
		if v.ZooID, err = parseID("zoo_id", row[2]); err != nil {
			return v, err
		}
		if v.AnimalID, err = parseID("animal_id", row[3]); err != nil {
			return v, err
		}
		return v, v.Validate()
	},
}

// ReadZoos streams the zoos of a zoos.csv read from r, checked as records
// (text trimmed, IDs positive). It stops at the first error, an *Error
// naming the line.
func ReadZoos(r io.Reader) iter.Seq2[zootour.Zoo, error] { return read(r, zooFormat) }

// ReadAnimals streams the animals of an animals.csv read from r, like ReadZoos.
func ReadAnimals(r io.Reader) iter.Seq2[zootour.Animal, error] { return read(r, animalFormat) }

// ReadVisits streams the visits of a visits.csv read from r, like ReadZoos.
// Whether their zoos and animals exist is for the store to say.
func ReadVisits(r io.Reader) iter.Seq2[zootour.Visit, error] { return read(r, visitFormat) }

// parseID parses a decimal ID exactly (never through a float, so IDs above
// 2^53 survive) and requires it to be positive.
func parseID(field, s string) (int64, error) {
	if s == "" {
		return 0, zootour.Errorf(zootour.EINVALID, "%s is required", field)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, zootour.Errorf(zootour.EINVALID, "%s %s is not a positive integer", field, quote(s))
		}
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		if len(s) > quoteMax {
			s = quote(s)
		}
		return 0, zootour.Errorf(zootour.EINVALID, "%s %s is too large: IDs go up to %d", field, s, int64(1<<63-1))
	}
	if id == 0 {
		return 0, zootour.Errorf(zootour.EINVALID, "%s must be a positive integer, not 0", field)
	}
	return id, nil
}

// parseDate is zootour.ParseDate, whose error quotes the text whole,
// for text that may be long.
func parseDate(s string) (zootour.Date, error) {
	if len(s) > quoteMax {
		return zootour.Date{}, zootour.Errorf(zootour.EINVALID, "date %s is not written YYYY-MM-DD", quote(s))
	}
	return zootour.ParseDate(s)
}

// newReader returns a CSV reader for r that skips a leading byte order
// mark, as spreadsheets often write one, and reads r through a guard.
func newReader(r io.Reader) *csv.Reader {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && string(b) == "\uFEFF" {
		br.Discard(3)
	}
	cr := csv.NewReader(newGuard(br))
	cr.ReuseRecord = true // the fields are fresh strings anyway; the slice need not be
	return cr
}

// read streams the records of one file, stopping at the first error.
func read[T any](r io.Reader, f format[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		scanCSV(r, f, f.file, func(rec T, _ int, err error) bool {
			return yield(rec, err) && err == nil
		})
	}
}

// An emit func receives each record of a file with the line it starts on,
// or a fault (an *Error) instead; it returns whether to read on.
type emit[T any] func(rec T, line int, err error) bool

// scanCSV reads the records of one CSV file of format f, named name in its
// errors. A file with no header at all (an empty file) holds no records.
// After a fault it reads on if emit asks and the reader keeps its place:
// past a bad field, a wrong number of fields or a quoting mistake, not past
// a wrong header, a record too long or a failed read.
func scanCSV[T any](r io.Reader, f format[T], name string, emit emit[T]) {
	var zero T
	cr := newReader(r)
	cr.FieldsPerRecord = len(f.header)
	if empty, fault := readHeader(cr, f, name); empty || fault != nil {
		if fault != nil {
			emit(zero, 0, fault)
		}
		return
	}
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return
		}
		if err != nil {
			fault, more := rowFault(f, name, row, err)
			if !emit(zero, 0, fault) || !more {
				return
			}
			continue
		}
		line, _ := cr.FieldPos(0) // where the record starts
		rec, err := parseRow(f, row)
		if err != nil {
			if !emit(zero, 0, &Error{File: name, Line: line, Err: err}) {
				return
			}
			continue
		}
		if !emit(rec, line, nil) {
			return
		}
	}
}

// readHeader reads the header of a file of format f and checks it.
func readHeader[T any](cr *csv.Reader, f format[T], name string) (empty bool, fault *Error) {
	head, err := cr.Read()
	if err == io.EOF {
		return true, nil
	}
	var pe *csv.ParseError
	var tl *tooLong
	switch {
	case errors.As(err, &tl):
		return false, invalid(name, tl.line, "the header is longer than %d bytes but must be %q",
			maxRecord, strings.Join(f.header, ","))
	case err != nil && !(errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount)):
		return false, readError(name, err)
	}
	if !slices.Equal(head, f.header) {
		line, _ := cr.FieldPos(0)
		return false, invalid(name, line, "the header is %s but must be %q",
			quote(strings.Join(head, ",")), strings.Join(f.header, ","))
	}
	return false, nil
}

// rowFault explains the error the CSV reader gave for row, and says
// whether the reader can go on after it.
func rowFault[T any](f format[T], name string, row []string, err error) (fault *Error, more bool) {
	var pe *csv.ParseError
	var tl *tooLong
	switch {
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount):
		return invalid(name, pe.StartLine, "%d fields but %d are expected (%s)",
			len(row), len(f.header), strings.Join(f.header, ",")), true
	case errors.As(err, &tl):
		return tooLongError(f, name, tl), false
	case errors.As(err, &pe):
		return readError(name, err), true // a quoting mistake: the next record starts afresh
	}
	return readError(name, err), false
}

// parseRow makes a record of the fields of one row, as many as f's header.
func parseRow[T any](f format[T], row []string) (T, error) {
	for i, s := range row {
		if !utf8.ValidString(s) {
			var zero T
			return zero, zootour.Errorf(zootour.EINVALID, "%s is not valid UTF-8", f.header[i])
		}
	}
	return f.parse(row)
}

func invalid(file string, line int, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Err: zootour.Errorf(zootour.EINVALID, format, args...)}
}

// tooLongError explains a record that grew past maxRecord: by then
// something is wrong with the field it grew in, most likely a quote that is
// never closed.
func tooLongError[T any](f format[T], name string, tl *tooLong) *Error {
	const long = "the record passes %d bytes, far more than a valid one needs"
	if tl.field >= len(f.header) {
		return invalid(name, tl.line, long+", and has at least %d fields but %d are expected (%s)",
			maxRecord, tl.field+1, len(f.header), strings.Join(f.header, ","))
	}
	field := f.header[tl.field]
	if tl.quoted {
		return invalid(name, tl.line, long+", in its field %s, which opens a quote on line %d "+
			"that does not close: is the closing quote missing? (the field starts %s)",
			maxRecord, field, tl.fieldLine, quotePrefix(tl.prefix))
	}
	return invalid(name, tl.line, long+", in its field %s, which starts %s", maxRecord, field, quotePrefix(tl.prefix))
}

// readError explains an error of the CSV reader other than a wrong number
// of fields: a quoting mistake, or a failed read. A quoting mistake is
// reported on the line where its record starts, like every other mistake in
// a record, and the message says where exactly it is.
func readError(file string, err error) *Error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return &Error{File: file, Err: err}
	}
	where := fmt.Sprintf("column %d", pe.Column)
	if pe.Line != pe.StartLine {
		where = fmt.Sprintf("line %d, column %d", pe.Line, pe.Column)
	}
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return invalid(file, pe.StartLine, `a quote (") at %s is inside a field that does not start with one; `+
			`quote the whole field and double the quotes inside it`, where)
	case errors.Is(pe.Err, csv.ErrQuote):
		return invalid(file, pe.StartLine, `a quoted field does not end properly (at %s): a quote inside it `+
			`must be doubled, and the closing quote must be followed by a comma or the end of the line`, where)
	}
	return invalid(file, pe.StartLine, "%v at %s", pe.Err, where)
}

// An importer keeps what Import needs to know after the store is done:
// how many records it handed the store, and the errors.
type importer struct {
	ctx      context.Context
	files    *Files
	progress func(int64)
	read     zootour.Counts

	// Each is written only while its own sequence runs.
	zooErr, animalErr, visitErr error
}

// stream yields the records of one kind of im.files, or none if its file
// is missing, and remembers in *failed the error it yields.
func stream[T any](im *importer, f format[T], failed *error, count *int64) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var n int64
		scan(im.files, f, func(rec T, _ int, err error) bool {
			if err == nil && n%1024 == 1023 {
				err = im.ctx.Err()
			}
			if err != nil {
				var zero T
				*failed = err
				yield(zero, err)
				return false
			}
			n++
			*count = n
			if f.kind == visitFormat.kind && n%ProgressEvery == 0 && im.progress != nil {
				im.progress(n)
			}
			return yield(rec, nil)
		})
	}
}

// locate turns the store's complaint about record n of a kind into the file
// and the line that record starts on. Records can span lines, and a sheet
// may have empty rows, so it reads the file again up to that record: this
// is the failure path, and it keeps the happy path from remembering a line
// for every record.
func locate(f *Files, re *zootour.RecordError) error {
	reason := re.Err
	if reason == nil {
		reason = re
	}
	var line int
	var file, sheet string
	switch re.Kind {
	case zooFormat.kind:
		file, sheet = f.where(zooFormat.file, zooFormat.kind)
		line = recordLine(f, zooFormat, re.Record)
	case animalFormat.kind:
		file, sheet = f.where(animalFormat.file, animalFormat.kind)
		line = recordLine(f, animalFormat, re.Record)
	case visitFormat.kind:
		file, sheet = f.where(visitFormat.file, visitFormat.kind)
		line = recordLine(f, visitFormat, re.Record)
	default:
		return re
	}
	if line == 0 {
		return &Error{File: file, Sheet: sheet, Err: fmt.Errorf("record %d: %w", re.Record, reason)}
	}
	return &Error{File: file, Sheet: sheet, Line: line, Err: reason}
}

// recordLine returns the line on which the n-th record of kind f starts,
// or 0 if there are fewer records (or a fault before it).
func recordLine[T any](files *Files, f format[T], n int) int {
	line, i := 0, 0
	scan(files, f, func(_ T, l int, err error) bool {
		if err != nil {
			return false
		}
		if i++; i == n {
			line = l
			return false
		}
		return true
	})
	return line
}
