// Package csvio reads and writes the data files of zootour: zoos.csv,
// animals.csv and visits.csv in one folder (the README's "Data files").
//
// Records stream between the files and the store one at a time, so neither
// Import nor Export holds more than one row of a file in memory, and a
// reader refuses a row longer than 64 KiB before it has read it whole.
// Lines may end in LF, CRLF or a lone CR (old Mac files).
package csvio

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

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

// An Error says which data file, and which line of it, an import failed on.
// It wraps the reason, so zootour.ErrorCode still answers the code of a
// domain error (EINVALID for a bad row, ECONFLICT for a clash).
type Error struct {
	File string // the file's name, such as "visits.csv"
	Line int    // 1-based; 0 when the error is not about one line
	Err  error
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("%s line %d: %v", e.File, e.Line, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Import reads the data files in dir and adds their records to s with the
// IDs they carry, in one call of s.Import: all or nothing. A missing file,
// or an empty one without even a header, counts as empty, but dir must be a
// folder. The records stream from the files as the store asks for them. An
// error is an *Error naming the file, the line and the reason, and keeps
// the domain code of the reason (EINVALID for a bad row or a record that
// does not exist, ECONFLICT for a clash).
//
// progress, if not nil, is called with the number of visits read so far
// every ProgressEvery visits, on the goroutine the store reads them on, and
// once at the end. On success it returns what the import added, counted
// as the store took the records: not the store's counts before and
// after, which other writers change meanwhile.
func Import(ctx context.Context, s zootour.Transfer, dir string, progress func(visits int64)) (zootour.Counts, error) {
	if err := checkFolder(dir); err != nil {
		return zootour.Counts{}, err
	}
	// Check the files before the store starts a transaction, so that the
	// plainest mistakes fail fast.
	for _, name := range []string{ZoosFile, AnimalsFile, VisitsFile} {
		fi, err := os.Stat(filepath.Join(dir, name))
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return zootour.Counts{}, &Error{File: name, Err: err}
		case fi.IsDir():
			return zootour.Counts{}, &Error{File: name, Err: zootour.Errorf(zootour.EINVALID, "is a folder, not a file")}
		}
	}

	im := &importer{ctx: ctx, dir: dir, progress: progress}
	err := s.Import(ctx, zootour.Source{
		Zoos:    stream(im, zooFormat, &im.zooErr, &im.read.Zoos),
		Animals: stream(im, animalFormat, &im.animalErr, &im.read.Animals),
		Visits:  stream(im, visitFormat, &im.visitErr, &im.read.Visits),
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
		return zootour.Counts{}, locate(dir, re)
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

// checkFolder returns an invalid error unless dir is an existing folder.
func checkFolder(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return zootour.Errorf(zootour.EINVALID, "the folder %s does not exist", dir)
	case err != nil:
		return err
	case !fi.IsDir():
		return zootour.Errorf(zootour.EINVALID, "%s is a file, not a folder", dir)
	}
	return nil
}
