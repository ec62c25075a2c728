package csvio

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/sheet"
)

// MaxUnzip bounds the bytes a workbook may unzip to, all its parts
// together (about 6 million visits), and those the data files of a zip of
// CSV files may. It keeps a small file from filling the disk or the memory
// as it unzips (excelize keeps a sheet of up to maxInMemory in memory, a
// larger one in a temporary file), and bounds what Check keeps per row.
const MaxUnzip = 1 << 30

const maxInMemory = 16 << 20

// isWorkbook says whether a zip is an Excel workbook.
func isWorkbook(zr *zip.Reader) bool {
	for _, e := range zr.File {
		if strings.EqualFold(e.Name, "xl/workbook.xml") {
			return true
		}
	}
	return false
}

// checkBook checks a workbook's zip before excelize reads it: that it
// unzips to at most MaxUnzip, that every part unzips to what its checksum
// says, and that every sheet's XML ends as it must. excelize checks none of
// this, and would take a sheet cut short for a short sheet.
func checkBook(name string, zr *zip.Reader) error {
	var total uint64
	seen := map[string]string{}
	for _, e := range zr.File {
		// A part twice, as excelize names parts (\ read as /) or as the
		// format does (in any case), is read as one, the last.
		key := strings.ToLower(slashed(e.Name))
		if prev, ok := seen[key]; ok {
			return zootour.Errorf(zootour.EINVALID, "%s holds the part %s twice (as %s): it is damaged", name, e.Name, prev)
		}
		seen[key] = e.Name
		if total += e.UncompressedSize64; total > MaxUnzip {
			return zootour.Errorf(zootour.EINVALID, "%s unzips to more than %d MiB, the most an import reads from a workbook: "+
				"split it, or import CSV files", name, MaxUnzip>>20)
		}
	}
	for _, e := range zr.File {
		if err := checkPart(e); err != nil {
			return damaged(name, err)
		}
	}
	return nil
}

// checkPart reads a part of a workbook through.
func checkPart(e *zip.File) error {
	rc, err := e.Open()
	if err != nil {
		return fmt.Errorf("%s: %w", e.Name, err)
	}
	defer rc.Close()
	var tail tailWriter
	// archive/zip fails a part longer than it says, so this is bounded too.
	if _, err := io.Copy(&tail, rc); err != nil {
		return fmt.Errorf("%s: %w", e.Name, err)
	}
	sheet := strings.HasPrefix(strings.ToLower(e.Name), "xl/worksheets/") && strings.HasSuffix(strings.ToLower(e.Name), ".xml")
	if sheet && !endsSheet(tail.last) {
		return fmt.Errorf("%s does not end as XML of a sheet must", e.Name)
	}
	return nil
}

// endsSheet says whether the last bytes of a sheet's XML close its
// worksheet element, with a namespace prefix (</x:worksheet>) or without.
func endsSheet(tail []byte) bool {
	tail = bytes.TrimRight(tail, " \t\r\n")
	i := bytes.LastIndex(tail, []byte("</"))
	if i < 0 {
		return false
	}
	name := tail[i+2:]
	if j := bytes.IndexByte(name, ':'); j >= 0 {
		name = name[j+1:]
	}
	return string(name) == "worksheet>"
}

// A tailWriter keeps the last bytes written to it.
type tailWriter struct{ last []byte }

func (t *tailWriter) Write(p []byte) (int, error) {
	const keep = 64
	t.last = append(t.last, p[max(0, len(p)-keep):]...)
	t.last = t.last[max(0, len(t.last)-keep):]
	return len(p), nil
}

// openBook opens a checked workbook, whose zip is zr, and finds its
// sheets.
func openBook(path, name string, zr *zip.ReadCloser) (*Files, error) {
	book, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true, UnzipSizeLimit: MaxUnzip, UnzipXMLSizeLimit: maxInMemory})
	if err != nil {
		if book != nil {
			book.Close()
		}
		return nil, &zootour.Error{Code: zootour.EINVALID, Message: name + " is not a workbook that can be read: " + err.Error(), Err: err}
	}
	f := &Files{name: name, book: book, sheets: map[string]string{}, bookZip: zr, parts: map[string]*zip.File{}}
	list := book.GetSheetList()
	for _, s := range list {
		for _, kind := range []string{zooFormat.kind, animalFormat.kind, visitFormat.kind} {
			if !strings.EqualFold(s, kind) {
				continue
			}
			// excelize finds a sheet by its name in any case, either of two.
			if prev, ok := f.sheets[kind]; ok {
				book.Close()
				return nil, zootour.Errorf(zootour.EINVALID, "%s has sheets %s and %s, which are both the sheet %s: keep one",
					name, quote(prev), quote(s), kind)
			}
			f.sheets[kind] = s
		}
	}
	if len(f.sheets) == 0 {
		book.Close()
		return nil, zootour.Errorf(zootour.EINVALID, "%s has no sheet zoos, animals or visits; its sheets are %s", name, quoteAll(list))
	}
	parts, err := sheetParts(&zr.Reader)
	if err != nil {
		book.Close()
		return nil, &zootour.Error{Code: zootour.EINVALID, Message: name + " is not a workbook that can be read: " + err.Error(), Err: err}
	}
	for kind, s := range f.sheets {
		if f.parts[kind] = parts[s]; f.parts[kind] == nil {
			book.Close()
			return nil, zootour.Errorf(zootour.EINVALID, "%s is not a workbook that can be read: it has no part for its sheet %s", name, quote(s))
		}
	}
	if props, err := book.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		f.date1904 = *props.Date1904
	}
	return f, nil
}

func quoteAll(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = quote(s)
	}
	return strings.Join(q, ", ")
}

// scanSheet reads the records of kind fm from its sheet, as scanCSV does
// from a file: the first row that is not empty is the header, empty rows
// are skipped, and a fault names the row. Cells are read as the sheet holds
// them, not as it shows them, and their kinds from the sheet's XML.
func scanSheet[T any](f *Files, fm format[T], emit emit[T]) {
	var zero T
	name, ok := f.sheets[fm.kind]
	if !ok {
		return
	}
	fault := func(row int, err error) *Error { return &Error{File: f.name, Sheet: name, Line: row, Err: err} }
	rows, err := f.book.Rows(name)
	if err != nil {
		emit(zero, 0, fault(0, unreadable(err)))
		return
	}
	defer rows.Close()
	part, err := f.parts[fm.kind].Open()
	if err != nil {
		emit(zero, 0, fault(0, unreadable(err)))
		return
	}
	defer part.Close()
	scanner := newKindScanner(part)
	header := false
	for row := 1; rows.Next(); row++ { // each Next is the next row, empty or not
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			emit(zero, 0, fault(row, unreadable(err)))
			return
		}
		kinds, err := scanner.kinds(row)
		if err != nil {
			emit(zero, 0, fault(row, unreadable(err)))
			return
		}
		for len(cells) > 0 && cells[len(cells)-1] == "" {
			cells = cells[:len(cells)-1]
		}
		switch {
		case len(cells) == 0:
			continue
		case !header:
			if !slices.Equal(cells, fm.header) {
				emit(zero, 0, fault(row, zootour.Errorf(zootour.EINVALID, "the header is %s but must be %q",
					quote(strings.Join(cells, ",")), strings.Join(fm.header, ","))))
				return
			}
			header = true
			continue
		}
		rec, err := sheetRecord(fm, cells, kinds, f.date1904)
		if err != nil {
			if !emit(zero, 0, fault(row, err)) {
				return
			}
			continue
		}
		if !emit(rec, row, nil) {
			return
		}
	}
	if err := rows.Error(); err != nil {
		emit(zero, 0, fault(0, unreadable(err)))
	}
}

func unreadable(err error) error {
	return &zootour.Error{Code: zootour.EINVALID, Message: "cannot be read: " + err.Error(), Err: err}
}

// sheetRecord makes a record of the cells of one row of a sheet, at most as
// many as f's header (fewer leave the rest empty), each turned into what
// the CSV file would hold as its kind says.
func sheetRecord[T any](f format[T], cells []string, kinds []cellKind, date1904 bool) (T, error) {
	var zero T
	if len(cells) > len(f.header) {
		i := len(f.header)
		for cells[i] == "" {
			i++
		}
		col, _ := excelize.ColumnNumberToName(i + 1)
		return zero, zootour.Errorf(zootour.EINVALID, "column %s holds %s, but the sheet has %d columns (%s)",
			col, quote(cells[i]), len(f.header), strings.Join(f.header, ","))
	}
	size := 0
	for _, c := range cells {
		size += len(c)
	}
	if size > maxRecord {
		return zero, zootour.Errorf(zootour.EINVALID, "the row holds more than %d bytes, far more than a valid one needs", maxRecord)
	}
	row := make([]string, len(f.header))
	copy(row, cells)
	for i, column := range f.header {
		kind := numberCell
		if i < len(kinds) {
			kind = kinds[i]
		}
		v, err := sheetValue(column, row[i], kind, date1904)
		if err != nil {
			return zero, err
		}
		row[i] = v
	}
	return parseRow(f, row)
}

// sheetValue turns the raw value v of a cell of kind kind in column into
// what the CSV file would hold. A TRUE/FALSE or an error cell is refused
// anywhere (its raw value is 1, 0 or the error's text). A number in the date
// column is a day number, as a date cell holds it, and a date cell of ISO
// 8601 text is its date. An ID must be written in digits: a number with a
// decimal point or an exponent (12.0, 1.5E+3) is refused rather than
// rounded, since a spreadsheet keeps only 15 digits of a number and may
// have rounded it already, as is a number cell beyond 2^53, which a
// spreadsheet's number cannot hold exactly.
func sheetValue(column, v string, kind cellKind, date1904 bool) (string, error) {
	id := column == "id" || strings.HasSuffix(column, "_id")
	want := "text"
	switch {
	case id:
		want = "a number"
	case column == "date":
		want = "a date"
	}
	switch {
	case v == "":
	case kind == boolCell:
		b := map[string]string{"1": "TRUE", "0": "FALSE"}[v]
		if b == "" {
			b = quote(v)
		}
		return "", zootour.Errorf(zootour.EINVALID, "%s is a TRUE/FALSE cell (%s), not %s", column, b, want)
	case kind == errorCell:
		return "", zootour.Errorf(zootour.EINVALID, "%s is an error cell (%s), not %s", column, quoteMaybe(v), want)
	case column == "date" && kind == dateCell:
		return dayOfISO(v)
	case column == "date" && isNumber(v):
		return dayOf(v, date1904)
	case id && isNumber(v) && strings.ContainsAny(v, ".eE"):
		return "", zootour.Errorf(zootour.EINVALID, "%s %s is a number with a decimal point or an exponent, "+
			"which may be rounded: write IDs as whole numbers or as text", column, quote(v))
	case id && kind == numberCell && isNumber(v) && !exact(v):
		return "", zootour.Errorf(zootour.EINVALID, "%s %s is a number cell beyond 2^53, which a spreadsheet "+
			"cannot hold exactly: write the ID as text", column, quote(v))
	}
	return v, nil
}

// exact says whether the whole number v, in digits, is at most 2^53, as
// a spreadsheet's number holds every whole number exactly.
func exact(v string) bool {
	n, err := strconv.ParseUint(strings.TrimPrefix(v, "-"), 10, 64)
	return err == nil && n <= 1<<53
}

// quoteMaybe quotes v unless it is an error's text such as #N/A.
func quoteMaybe(v string) string {
	if strings.HasPrefix(v, "#") && len(v) <= 16 && !strings.ContainsAny(v, " \"\t\r\n") {
		return v
	}
	return quote(v)
}

// dayOfISO returns the date of a date cell, whose value is ISO 8601 text
// (2020-01-01T00:00:00): its date part, if it has no time of day but
// midnight.
func dayOfISO(v string) (string, error) {
	day, clock, _ := strings.Cut(v, "T")
	if strings.Trim(strings.TrimSuffix(clock, "Z"), "0:.") != "" {
		return "", zootour.Errorf(zootour.EINVALID, "date %s is a date cell with a time of day, which a date has not", quote(v))
	}
	return day, nil
}

// isNumber says whether v is a number as a sheet writes one.
func isNumber(v string) bool {
	if v == "" || !(v[0] >= '0' && v[0] <= '9' || v[0] == '-' || v[0] == '.') {
		return false
	}
	_, err := strconv.ParseFloat(v, 64)
	return err == nil
}

// dayOf returns the date of the day number v as YYYY-MM-DD.
func dayOf(v string, date1904 bool) (string, error) {
	n, _ := strconv.ParseFloat(v, 64)
	if n != math.Trunc(n) {
		return "", zootour.Errorf(zootour.EINVALID, "date %s is a day number with a time of day, which a date has not", quote(v))
	}
	if date1904 {
		n += 1462 // the days from 1899-12-30 to 1904-01-01, where such a book counts from
	}
	d, err := sheet.DateOfSerial(n)
	if err != nil {
		return "", zootour.Errorf(zootour.EINVALID, "date %s is a day number outside 1900-03-01 to 9999-12-31: "+
			"write such a date as text, YYYY-MM-DD", quote(v))
	}
	return d.String(), nil
}

// WriteWorkbook writes a workbook to path with the sheets zoos, animals and
// visits, each with the header of its data file, then the records write
// hands to the zootour.Sink it is given, as package sheet writes cells (IDs
// beyond 2^53 as text, dates before 1900-03-01 as text YYYY-MM-DD), which
// Import reads back as they were. It is written to a temporary file in the
// same folder and renamed into place only if all went well, so a failure
// leaves path as it was; it replaces a file already there.
func WriteWorkbook(path string, write func(zootour.Sink) error) (err error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return zootour.Errorf(zootour.EINVALID, "%s is a folder, not a file", path)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	wb := sheet.NewWorkbook()
	defer wb.Close()
	b := &bookSink{wb: wb}
	if err := write(b); err != nil {
		return err
	}
	if err := b.begin(len(bookSheets) - 1); err != nil {
		return err
	}
	buf := bufio.NewWriterSize(tmp, 64<<10)
	if _, err := wb.WriteTo(buf); err != nil {
		return err
	}
	if err := buf.Flush(); err != nil {
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// bookSheets are the sheets of a workbook, in the order of an export.
var bookSheets = []struct {
	name   string
	header []string
}{
	{zooFormat.kind, zooFormat.header},
	{animalFormat.kind, animalFormat.header},
	{visitFormat.kind, visitFormat.header},
}

// A bookSink writes each record it receives as one row of its sheet. The
// sheets are streamed one after the other, so the records must come in
// the order of a Sink: zoos, animals, then visits.
type bookSink struct {
	wb    *sheet.Workbook
	sw    *sheet.SheetWriter
	begun int // how many sheets are begun
	cells [4]sheet.Cell
}

// begin makes sheet i the one written, beginning it and any before it.
func (b *bookSink) begin(i int) error {
	if b.begun > i+1 {
		return fmt.Errorf("%s came after %s: a workbook is written zoos, animals, then visits", bookSheets[i].name, bookSheets[b.begun-1].name)
	}
	for b.begun <= i {
		sw, err := b.wb.Sheet(bookSheets[b.begun].name)
		if err != nil {
			return err
		}
		if err := sw.Header(bookSheets[b.begun].header); err != nil {
			return err
		}
		b.sw = sw
		b.begun++
	}
	return nil
}

func (b *bookSink) Zoo(z zootour.Zoo) error {
	if err := b.begin(0); err != nil {
		return err
	}
	b.cells[0], b.cells[1], b.cells[2] = sheet.IntCell(z.ID), sheet.TextCell(z.Name), sheet.TextCell(z.Location)
	return b.sw.Row(b.cells[:3])
}

func (b *bookSink) Animal(a zootour.Animal) error {
	if err := b.begin(1); err != nil {
		return err
	}
	b.cells[0], b.cells[1], b.cells[2] = sheet.IntCell(a.ID), sheet.TextCell(a.Name), sheet.TextCell(a.Species)
	return b.sw.Row(b.cells[:3])
}

func (b *bookSink) Visit(v zootour.Visit) error {
	if v.Date.IsZero() {
		return zootour.Errorf(zootour.EINVALID, "visit %d has no date", v.ID)
	}
	if err := b.begin(2); err != nil {
		return err
	}
	b.cells[0], b.cells[1] = sheet.IntCell(v.ID), sheet.DateCell(v.Date)
	b.cells[2], b.cells[3] = sheet.IntCell(v.ZooID), sheet.IntCell(v.AnimalID)
	return b.sw.Row(b.cells[:4])
}
