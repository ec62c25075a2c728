// Package csvio reads and writes the data files of zootour: zoos.csv,
// animals.csv and visits.csv in one folder (the README's "Data files"), in
// a zip, or as the sheets zoos, animals and visits of an .xlsx workbook.
//
// Records stream between the files and the store one at a time, so neither
// Import nor Export holds more than one row of a file in memory, and a
// reader refuses a row longer than 64 KiB before it has read it whole.
// Lines may end in LF, CRLF or a lone CR (old Mac files). The files of a
// zip are read as they unzip; a workbook's sheets through excelize, which
// keeps a sheet of up to 16 MiB in memory and a larger one in a temporary
// file, and writes a workbook from its temporary files.
package csvio

import (
	"context"
	"errors"
	"fmt"

	"github.com/zootour/zootour"
)

// The names of the data files in a folder.
const (
	ZoosFile    = "zoos.csv"
	AnimalsFile = "animals.csv"
	VisitsFile  = "visits.csv"
)

// ProgressEvery is how many visits an import reads between two calls of its
// progress function.
const ProgressEvery = 10000

// An Error says which data file, and which line of it, an import failed on:
// for a workbook, which sheet and which row. It wraps the reason, so
// zootour.ErrorCode still answers the code of a domain error (EINVALID for
// a bad row, ECONFLICT for a clash).
type Error struct {
	File  string // the file's name, such as "visits.csv", or the workbook's
	Sheet string // the sheet of a workbook, such as "visits"; "" for CSV
	Line  int    // 1-based, the row of a sheet; 0 when the error is not about one line
	Err   error
}

func (e *Error) Error() string {
	where, unit := e.File, "line"
	if e.Sheet != "" {
		where, unit = e.File+" sheet "+e.Sheet, "row"
	}
	if e.Line == 0 {
		return fmt.Sprintf("%s: %v", where, e.Err)
	}
	return fmt.Sprintf("%s %s %d: %v", where, unit, e.Line, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Import reads the data files at path, a folder, a .zip or an .xlsx
// workbook (see Open), and adds their records to s with the IDs they carry:
// ImportFiles, all or nothing.
func Import(ctx context.Context, s zootour.Transfer, path string, progress func(visits int64)) (zootour.Counts, error) {
	f, err := Open(path)
	if err != nil {
		return zootour.Counts{}, err
	}
	defer f.Close()
	return ImportFiles(ctx, s, f, progress)
}

// ImportFiles adds the records of f to s with the IDs they carry, in one
// call of s.Import: all or nothing. A missing file (or sheet), or an empty
// one without even a header, counts as empty. The records stream from the
// files as the store asks for them. An error is an *Error naming the file
// (and sheet), the line (or row) and the reason, and keeps the domain code
// of the reason (EINVALID for a bad row or a record that does not exist,
// ECONFLICT for a clash).
//
// progress, if not nil, is called with the number of visits read so far
// every ProgressEvery visits, on the goroutine the store reads them on, and
// once at the end. On success it returns what the import added, counted
// as the store took the records: not the store's counts before and
// after, which other writers change meanwhile.
func ImportFiles(ctx context.Context, s zootour.Transfer, f *Files, progress func(visits int64)) (zootour.Counts, error) {
	return run(ctx, s, f, false, progress)
}

// run imports f into s, or with dryRun only checks that it would import.
func run(ctx context.Context, s zootour.Transfer, f *Files, dryRun bool, progress func(visits int64)) (zootour.Counts, error) {
	im := &importer{ctx: ctx, files: f, progress: progress}
	err := s.Import(ctx, zootour.Source{
		Zoos:    stream(im, zooFormat, &im.zooErr, &im.read.Zoos),
		Animals: stream(im, animalFormat, &im.animalErr, &im.read.Animals),
		Visits:  stream(im, visitFormat, &im.visitErr, &im.read.Visits),
		DryRun:  dryRun,
	})
	if progress != nil {
		progress(im.read.Visits)
	}
	if err == nil {
		// All or nothing: what the store took, it added.
		return im.read, nil
	}
	// An error this package yielded already names its file and line,
	// whatever the store wrapped it in. The store may instead report an
	// earlier record, which it found wrong only once it had read on.
	yielded := []error{im.zooErr, im.animalErr, im.visitErr}
	for _, e := range yielded {
		if e != nil && errors.Is(err, e) {
			return zootour.Counts{}, e
		}
	}
	var re *zootour.RecordError
	if errors.As(err, &re) {
		return zootour.Counts{}, locate(f, re)
	}
	for _, e := range yielded {
		if e != nil {
			return zootour.Counts{}, e
		}
	}
	return zootour.Counts{}, err
}

// Export writes every record of s to the data files in dir, creating dir if
// need be. The files are replaced only when all three are written, so a
// failed export leaves dir as it was.
func Export(ctx context.Context, s zootour.Store, dir string) error {
	return WriteDir(dir, func(dst zootour.Sink) error { return s.Export(ctx, dst) })
}
