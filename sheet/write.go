package sheet

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/xuri/excelize/v2"
	"github.com/zootour/zootour"
)

// A Format is a kind of spreadsheet file.
type Format string

const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// ParseFormat reads a format's name.
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case CSV, XLSX:
		return Format(s), nil
	}
	return "", zootour.Errorf(zootour.EINVALID, "format %q is not known: use csv or xlsx", s)
}

// ContentType is the media type of a file of format f.
func (f Format) ContentType() string {
	if f == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// A Writer writes one table: a header, then rows, then Close.
type Writer interface {
	Header(names []string) error
	Row(cells []Cell) error
	// Close finishes the file; nothing is complete before it returns nil.
	Close() error
	// Abort drops what is not written yet and frees what the writer
	// holds (a workbook's temporary files), after a failure.
	Abort()
}

// NewWriter returns a writer of format f to w, naming the sheet of a
// workbook sheetName.
func NewWriter(f Format, w io.Writer, sheetName string) (Writer, error) {
	if f == XLSX {
		wb := NewWorkbook()
		sw, err := wb.Sheet(sheetName)
		if err != nil {
			wb.Close()
			return nil, err
		}
		return &bookWriter{SheetWriter: sw, wb: wb, w: w}, nil
	}
	return NewCSV(w), nil
}

// NewCSV returns a writer of RFC 4180 CSV to w, lines ending in LF like
// the data files, in constant memory: it buffers at most 64 KiB.
func NewCSV(w io.Writer) Writer {
	b := bufio.NewWriterSize(w, 64<<10)
	return &csvWriter{buf: b, csv: csv.NewWriter(b)}
}

type csvWriter struct {
	buf *bufio.Writer
	csv *csv.Writer
	row []string
}

func (c *csvWriter) Header(names []string) error { return c.csv.Write(names) }

func (c *csvWriter) Row(cells []Cell) error {
	c.row = c.row[:0]
	for _, cell := range cells {
		c.row = append(c.row, cell.Text)
	}
	return c.csv.Write(c.row)
}

func (c *csvWriter) Abort() {}

func (c *csvWriter) Close() error {
	c.csv.Flush()
	if err := c.csv.Error(); err != nil {
		return err
	}
	return c.buf.Flush()
}

// A Workbook is an Excel workbook written a sheet at a time, each streamed
// (excelize keeps at most a few megabytes of a sheet in memory and the
// rest in a temporary file until the workbook is written).
type Workbook struct {
	f         *excelize.File
	dateStyle int
	headStyle int
	open      *SheetWriter
	sheets    int
	err       error
}

// NewWorkbook returns an empty workbook.
func NewWorkbook() *Workbook {
	f := excelize.NewFile()
	wb := &Workbook{f: f}
	format := "yyyy-mm-dd"
	wb.dateStyle, wb.err = f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if wb.err == nil {
		wb.headStyle, wb.err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	}
	return wb
}

// Sheet adds a sheet named name and returns its writer; the sheet before
// it is finished first, so sheets are written one after the other.
func (wb *Workbook) Sheet(name string) (*SheetWriter, error) {
	if wb.err != nil {
		return nil, wb.err
	}
	if err := wb.finish(); err != nil {
		return nil, err
	}
	if wb.sheets == 0 {
		// A new file holds one sheet, Sheet1: the first sheet is it, renamed.
		if err := wb.f.SetSheetName("Sheet1", name); err != nil {
			return nil, err
		}
	} else if _, err := wb.f.NewSheet(name); err != nil {
		return nil, err
	}
	wb.sheets++
	sw, err := wb.f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	wb.open = &SheetWriter{wb: wb, sw: sw}
	return wb.open, nil
}

func (wb *Workbook) finish() error {
	if wb.open == nil {
		return nil
	}
	open := wb.open
	wb.open = nil
	return open.sw.Flush()
}

// WriteTo finishes the last sheet and writes the workbook to w.
func (wb *Workbook) WriteTo(w io.Writer) (int64, error) {
	if wb.err != nil {
		return 0, wb.err
	}
	if err := wb.finish(); err != nil {
		return 0, err
	}
	return wb.f.WriteTo(w)
}

// Close removes what the workbook kept in temporary files.
func (wb *Workbook) Close() error { return wb.f.Close() }

// A SheetWriter writes the rows of one sheet of a workbook: the header in
// bold and frozen, integers as numbers where a spreadsheet keeps them
// exactly (and as text beyond 2^53, where it would not), dates as dates.
type SheetWriter struct {
	wb   *Workbook
	sw   *excelize.StreamWriter
	rows int
	vals []any
}

// MaxExact is the largest integer a spreadsheet's numbers (IEEE doubles)
// hold exactly: a larger ID is written as text so that no digit is lost.
const MaxExact = 1 << 53

// firstDate is the first date a workbook holds as a date: Excel counts
// days from 1900 and wrongly takes 1900 for a leap year, so an earlier
// date is written as text (YYYY-MM-DD), which import reads the same.
var firstDate = zootour.MustDate("1900-03-01")

// Header writes the header row and freezes it.
func (s *SheetWriter) Header(names []string) error {
	if err := s.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	s.vals = s.vals[:0]
	for _, n := range names {
		s.vals = append(s.vals, excelize.Cell{StyleID: s.wb.headStyle, Value: n})
	}
	return s.write()
}

// Row writes one row.
func (s *SheetWriter) Row(cells []Cell) error {
	s.vals = s.vals[:0]
	for _, c := range cells {
		s.vals = append(s.vals, s.value(c))
	}
	return s.write()
}

func (s *SheetWriter) value(c Cell) any {
	switch c.Kind {
	case Empty:
		return nil
	case Int:
		if c.Int > MaxExact || c.Int < -MaxExact {
			return c.Text
		}
		return c.Int
	case Date:
		if c.Date.Before(firstDate) {
			return c.Text
		}
		return excelize.Cell{StyleID: s.wb.dateStyle, Value: c.Date.Time()}
	}
	return c.Text
}

func (s *SheetWriter) write() error {
	if s.rows >= excelize.TotalRows {
		return zootour.Errorf(zootour.EINVALID, "a sheet holds at most %d rows, its header among them: "+
			"narrow the listing, or take it as CSV", excelize.TotalRows)
	}
	s.rows++
	cell, err := excelize.CoordinatesToCellName(1, s.rows)
	if err != nil {
		return err
	}
	return s.sw.SetRow(cell, s.vals)
}

// Close does nothing: a sheet is finished by the next one or the
// workbook's WriteTo.
func (s *SheetWriter) Close() error { return nil }

// Abort does nothing: the workbook's Close frees what its sheets hold.
func (s *SheetWriter) Abort() {}

// bookWriter is a Writer of a workbook of one sheet.
type bookWriter struct {
	*SheetWriter
	wb *Workbook
	w  io.Writer
}

func (b *bookWriter) Close() error {
	defer b.wb.Close()
	_, err := b.wb.WriteTo(b.w)
	return err
}

func (b *bookWriter) Abort() { b.wb.Close() }

// DateOfSerial returns the date of a spreadsheet's day number (days since
// 1899-12-30, the count that dates after February 1900 follow), as a
// workbook stores a date cell.
func DateOfSerial(serial float64) (zootour.Date, error) {
	if serial < 61 || serial >= 2958466 { // 1900-03-01 .. 9999-12-31
		return zootour.Date{}, zootour.Errorf(zootour.EINVALID, "%v is not a day number a date is kept as", serial)
	}
	t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(serial))
	return zootour.DateOf(t), nil
}

// WriteAll writes the header of cols and a row per item of seq to w, and
// closes w when all went well.
func WriteAll[T any](w Writer, cols *Columns[T], seq iter.Seq2[T, error]) error {
	if err := w.Header(cols.Header()); err != nil {
		return err
	}
	var cells []Cell
	var failed error
	seq(func(t T, err error) bool {
		if err != nil {
			failed = err
			return false
		}
		if cells, err = cols.Cells(t, cells); err != nil {
			failed = err
			return false
		}
		if err := w.Row(cells); err != nil {
			failed = fmt.Errorf("writing a row: %w", err)
			return false
		}
		return true
	})
	if failed != nil {
		w.Abort()
		return failed
	}
	return w.Close()
}
