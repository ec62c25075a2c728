package csvio

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"math"
	"slices"

	"github.com/zootour/zootour"
)

// A Report says what an import of some files would do.
type Report struct {
	// Counts are the records read of each kind, the rows with a fault
	// (a clash with an earlier row included) left out: what the import
	// adds when there are no faults.
	Counts zootour.Counts `json:"counts"`
	// Faults are the faults found, in the order of the files and their
	// lines; none if the import would succeed.
	Faults []*Error `json:"faults"`
	More   bool     `json:"more"` // there were more faults than Faults holds
}

// Check reads everything and reports what an import would do, changing
// nothing: the counts of each file, and every fault found (at most max,
// More set if there were more; max below 1 counts as 1).
//
// It first reads each file through, past bad rows, and finds the faults of
// its rows (as ImportFiles words them), a wrong header, an ID twice in a
// file and an animal with two visits on a date. If there are none, it
// imports f as a dry run (zootour.Source.DryRun), which finds what only the
// store can tell (a record that does not exist, a clash with what it
// holds): its error is then the one fault, located as ImportFiles does.
// Errors that are not faults of the files (the store unavailable, ctx
// done, a file that cannot be read) are returned as the error.
//
// To find the clashes it keeps 16 bytes per record, 32 a visit (see
// mark); the faults it keeps are bounded by max. progress is called as ImportFiles calls it, in each of the two
// readings, counting from 0 in each.
func Check(ctx context.Context, s zootour.Transfer, f *Files, max int, progress func(visits int64)) (Report, error) {
	if max < 1 {
		max = 1
	}
	c := &checker{ctx: ctx, files: f, max: max, progress: progress, report: Report{Faults: []*Error{}}}
	id := func(rec int64) mark { return mark{n: rec} }
	if err := checkFile(c, zooFormat, &c.report.Counts.Zoos, func(z zootour.Zoo) mark { return id(z.ID) }, nil); err != nil {
		return Report{}, err
	}
	if err := checkFile(c, animalFormat, &c.report.Counts.Animals, func(a zootour.Animal) mark { return id(a.ID) }, nil); err != nil {
		return Report{}, err
	}
	err := checkFile(c, visitFormat, &c.report.Counts.Visits,
		func(v zootour.Visit) mark { return id(v.ID) },
		func(v zootour.Visit) mark { return mark{n: v.AnimalID, d: v.Date} })
	if err != nil {
		return Report{}, err
	}
	if len(c.report.Faults) > 0 || c.report.More {
		return c.report, nil
	}
	if _, err := run(ctx, s, f, true, progress); err != nil {
		if !isFault(err) {
			return Report{}, err
		}
		c.report.Faults = []*Error{asError(f.name, "", err)}
	}
	return c.report, nil
}

// A checker keeps what Check has found so far.
type checker struct {
	ctx      context.Context
	files    *Files
	max      int
	progress func(int64)
	report   Report
}

// A mark is where a key of a record (its ID, or a visit's animal and date)
// is in its file. Check keeps one for every record of a file (two for a
// visit), as any record may clash with any other: 16 bytes each. MaxUnzip
// bounds them for a zip or a workbook (a zip of CSV files holds at most
// some 60 million visits, 2 GiB of marks), the files' size for a folder.
type mark struct {
	n    int64
	d    zootour.Date
	line int32 // negated once the mark is found to clash with an earlier one
}

func (m mark) at() int        { return int(max(m.line, -m.line)) }
func (m mark) clashing() bool { return m.line < 0 }

func (m mark) compare(o mark) int {
	if c := cmp.Compare(m.n, o.n); c != 0 {
		return c
	}
	return m.d.Compare(o.d)
}

func byLine(a, b mark) int { return cmp.Compare(a.at(), b.at()) }

// checkFile reads one kind of c.files through and adds its faults to
// c.report, in the order of their lines: those of its rows, and those of
// records whose id (or busy, if not nil) key another record has too. It
// keeps at most one fault more than the report has room for, of each
// sort, however many rows are at fault.
func checkFile[T any](c *checker, f format[T], count *int64, id, busy func(T) mark) error {
	file, sheet := c.files.where(f.file, f.kind)
	room := max(0, c.max-len(c.report.Faults))
	var faults []*Error
	var ids, dates []mark
	var failed error
	var n int64
	scan(c.files, f, func(rec T, line int, err error) bool {
		if err == nil && (n+1)%1024 == 0 {
			err = c.ctx.Err()
		}
		if err == nil && line > math.MaxInt32 { // what a mark holds
			failed = &Error{File: file, Sheet: sheet, Line: line, Err: zootour.Errorf(zootour.EINVALID,
				"the file has more than %d lines, the most a check reads: split it", math.MaxInt32)}
			return false
		}
		if err != nil {
			if !isFault(err) {
				failed = err
				return false
			}
			if len(faults) <= room { // one more than room, to know there are more
				faults = append(faults, asError(file, sheet, err))
			}
			return true
		}
		n++
		m := id(rec)
		m.line = int32(line)
		ids = append(ids, m)
		if busy != nil {
			m := busy(rec)
			m.line = int32(line)
			dates = append(dates, m)
		}
		if f.kind == visitFormat.kind && n%ProgressEvery == 0 && c.progress != nil {
			c.progress(n)
		}
		return true
	})
	if failed != nil {
		return failed
	}
	if f.kind == visitFormat.kind && c.progress != nil {
		c.progress(n)
	}
	clashing, rows := clashFaults(f, file, sheet, ids, dates, room+1)
	*count = n - int64(rows)
	faults = append(faults, clashing...)
	slices.SortStableFunc(faults, func(a, b *Error) int { return cmp.Compare(a.Line, b.Line) })
	if len(faults) > room {
		faults, c.report.More = faults[:room], true
	}
	c.report.Faults = append(c.report.Faults, faults...)
	return nil
}

// clashFaults returns the faults of the first limit records of kind f
// whose ID (or, for visits, whose animal and date) an earlier one has, and
// how many rows clash in all. ids and dates, if any, hold a mark for each
// record, in the order of their lines; it reorders them.
func clashFaults[T any](f format[T], file, sheet string, ids, dates []mark, limit int) ([]*Error, int) {
	unit := "line"
	if sheet != "" {
		unit = "row"
	}
	idClashes, dateClashes := clashes(ids, limit), clashes(dates, limit)
	var faults []*Error
	for _, c := range idClashes {
		faults = append(faults, &Error{File: file, Sheet: sheet, Line: c.at(), Err: zootour.Errorf(zootour.ECONFLICT,
			"%s ID %d is already on %s %d", f.noun, c.n, unit, c.first)})
	}
	for _, c := range dateClashes {
		faults = append(faults, &Error{File: file, Sheet: sheet, Line: c.at(), Err: zootour.Errorf(zootour.ECONFLICT,
			"animal %d already has a visit on %s, on %s %d", c.n, c.d, unit, c.first)})
	}
	return faults, clashingRows(ids, dates)
}

// A clash is a record whose key an earlier record has: first is its line.
type clash struct {
	mark
	first int
}

// clashes marks the clashes among marks and returns the first limit of
// them, by line. It sorts marks by key.
func clashes(marks []mark, limit int) []clash {
	slices.SortFunc(marks, func(a, b mark) int {
		if c := a.compare(b); c != 0 {
			return c
		}
		return byLine(a, b)
	})
	var out []clash
	first := 0 // where the run of equal keys starts
	for i := 1; i < len(marks); i++ {
		if marks[i].compare(marks[first]) != 0 {
			first = i
			continue
		}
		out = append(out, clash{marks[i], marks[first].at()})
		marks[i].line = -marks[i].line
		if len(out) == 2*limit { // keep the first limit so far, not one a row
			out = firstClashes(out, limit)
		}
	}
	return firstClashes(out, limit)
}

// firstClashes returns the first limit of clashes, by line.
func firstClashes(clashes []clash, limit int) []clash {
	slices.SortFunc(clashes, func(a, b clash) int { return cmp.Compare(a.at(), b.at()) })
	return clashes[:min(len(clashes), limit)]
}

// clashingRows counts the rows with a clash, in ids or in dates (which are
// either empty or hold a mark of each row, as ids does).
func clashingRows(ids, dates []mark) int {
	n := 0
	if len(dates) == 0 {
		for _, m := range ids {
			if m.clashing() {
				n++
			}
		}
		return n
	}
	// Both by line again, so that the marks of one row meet.
	slices.SortFunc(ids, byLine)
	slices.SortFunc(dates, byLine)
	for i := range ids {
		if ids[i].clashing() || dates[i].clashing() {
			n++
		}
	}
	return n
}

// isFault says whether err is a fault of the files rather than a failure
// to read them or of the store.
func isFault(err error) bool {
	code := zootour.ErrorCode(err)
	return code == zootour.EINVALID || code == zootour.ECONFLICT
}

// asError returns err as an *Error, naming file and sheet if it names
// nothing yet.
func asError(file, sheet string, err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{File: file, Sheet: sheet, Err: err}
}

// MarshalJSON writes e as an object: the file, the sheet of a workbook,
// the line (the row of a sheet; 0 when not about one), the code and the
// reason.
func (e *Error) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		File   string `json:"file"`
		Sheet  string `json:"sheet,omitempty"`
		Line   int    `json:"line"`
		Code   string `json:"code"`
		Reason string `json:"reason"`
	}{e.File, e.Sheet, e.Line, zootour.ErrorCode(e.Err), zootour.ErrorMessage(e.Err)})
}
