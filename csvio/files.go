package csvio

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
	"github.com/zootour/zootour"
)

// Files are the data files of one import: a folder, a .zip holding the
// three CSV files, or an .xlsx workbook with sheets zoos, animals and
// visits. Open them with Open. Each import or check reads them afresh, so
// they can be checked first and imported after.
type Files struct {
	name string // the folder's path, or the zip's or workbook's base name: what errors call it
	dir  string // a folder's path

	zip     *zip.ReadCloser
	entries map[string]*zip.File // by the data file's name

	book     *excelize.File
	sheets   map[string]string    // the sheet's name in the book, by kind
	date1904 bool                 // the book counts days from 1904
	bookZip  *zip.ReadCloser      // the book's zip, to read its sheets' cell kinds from
	parts    map[string]*zip.File // the part holding each of sheets, by kind
}

// The first bytes of the kinds of file Open tells apart.
var (
	zipMagic      = []byte("PK\x03\x04")
	emptyZipMagic = []byte("PK\x05\x06")
	oleMagic      = []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") // .xls, or an encrypted .xlsx
)

// Open opens the data files at path. A folder holds zoos.csv, animals.csv
// and visits.csv. Any other file is told by its content, not its name: a
// zip holding xl/workbook.xml is a workbook, whose sheets zoos, animals and
// visits (in any case) hold the same columns; any other zip holds the three
// CSV files (their names in any case) at its top level or all in one
// folder, and its other entries are ignored. A file or sheet twice, in
// names that differ only by case (or, in a zip, by \ for /), is refused.
// A missing file or sheet counts as empty, but a zip or workbook holding
// none of them is invalid, as is one that is damaged.
// Every error of Open is EINVALID and names the file, but one that the
// file system returns.
func Open(path string) (*Files, error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, zootour.Errorf(zootour.EINVALID, "%s does not exist", path)
	case err != nil:
		return nil, err
	case fi.IsDir():
		return openFolder(path)
	}
	magic, err := readMagic(path)
	if err != nil {
		return nil, err
	}
	name := filepath.Base(path)
	switch ext := strings.ToLower(filepath.Ext(name)); {
	case bytes.HasPrefix(magic, zipMagic) || bytes.HasPrefix(magic, emptyZipMagic):
		return openZip(path, name)
	case bytes.HasPrefix(magic, oleMagic):
		return nil, zootour.Errorf(zootour.EINVALID, "%s is an old Excel workbook (.xls) or one with a password: "+
			"save it as an .xlsx workbook without a password", name)
	case ext == ".zip" || ext == ".xlsx":
		return nil, zootour.Errorf(zootour.EINVALID, "%s is not a zip file, as a %s must be: it may be damaged", name, ext)
	}
	return nil, zootour.Errorf(zootour.EINVALID, "%s is a file, not a folder, a .zip or an .xlsx workbook", path)
}

// Close releases the files.
func (f *Files) Close() error {
	switch {
	case f.zip != nil:
		return f.zip.Close()
	case f.book != nil:
		return errors.Join(f.book.Close(), f.bookZip.Close())
	}
	return nil
}

// openFolder checks the data files of the folder dir before the store
// starts a transaction, so that the plainest mistakes fail fast.
func openFolder(dir string) (*Files, error) {
	for _, name := range dataFiles {
		fi, err := os.Stat(filepath.Join(dir, name))
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, &Error{File: name, Err: err}
		case fi.IsDir():
			return nil, &Error{File: name, Err: zootour.Errorf(zootour.EINVALID, "is a folder, not a file")}
		}
	}
	return &Files{name: dir, dir: dir}, nil
}

// dataFiles are the names of the data files, in the order of an import.
var dataFiles = []string{ZoosFile, AnimalsFile, VisitsFile}

// readMagic returns the first bytes of the file at path, as many as it has
// up to 8.
func readMagic(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, 8)
	n, err := io.ReadFull(f, b)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return b[:n], err
}

// openZip opens a zip of CSV files, or a workbook.
func openZip(path, name string) (*Files, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, damaged(name, err)
	}
	if isWorkbook(&zr.Reader) {
		if err := checkBook(name, &zr.Reader); err != nil {
			zr.Close()
			return nil, err
		}
		f, err := openBook(path, name, zr)
		if err != nil {
			zr.Close()
		}
		return f, err
	}
	entries, err := zipEntries(name, &zr.Reader)
	if err != nil {
		zr.Close()
		return nil, err
	}
	return &Files{name: name, zip: zr, entries: entries}, nil
}

// damaged says that the zip (or workbook) name cannot be read as one.
func damaged(name string, err error) error {
	return &zootour.Error{Code: zootour.EINVALID, Message: name + " is damaged or not complete: " + err.Error(), Err: err}
}

// zipEntries finds the data files in a zip: at its top level or in one
// folder, each once, their names in any case. Folders, other files, and
// whatever macOS adds (__MACOSX/) are ignored. The data files may unzip to
// MaxUnzip together, as a workbook may: archive/zip fails an entry longer
// than it says, so this bounds what an import or a check reads.
func zipEntries(name string, zr *zip.Reader) (map[string]*zip.File, error) {
	entries := map[string]*zip.File{}
	var first *zip.File
	var folder string
	var total uint64
	for _, e := range zr.File {
		p := slashed(e.Name) // as some Windows tools write them
		dir, base := path.Split(p)
		file := dataFile(base)
		if file == "" || strings.HasPrefix(p, "__MACOSX/") {
			continue
		}
		// Names that differ only by the slash or the case are one file on
		// Windows and macOS, and would be read as one here.
		switch prev, ok := entries[file]; {
		case ok && prev.Name == e.Name:
			return nil, zootour.Errorf(zootour.EINVALID, "%s holds %s twice: keep one", name, e.Name)
		case ok && strings.EqualFold(slashed(prev.Name), p):
			return nil, zootour.Errorf(zootour.EINVALID, "%s holds %s and %s, the same file twice: keep one", name, prev.Name, e.Name)
		case first != nil && dir != folder:
			return nil, zootour.Errorf(zootour.EINVALID, "%s holds %s and %s, in different folders: "+
				"put the data files at the top of the zip, or all in one folder", name, first.Name, e.Name)
		case first == nil:
			first, folder = e, dir
		}
		if total += e.UncompressedSize64; total > MaxUnzip {
			return nil, zootour.Errorf(zootour.EINVALID, "%s unzips to more than %d MiB of data files, the most an import reads from a zip: "+
				"split it", name, MaxUnzip>>20)
		}
		entries[file] = e
	}
	if len(entries) == 0 {
		return nil, zootour.Errorf(zootour.EINVALID, "%s holds none of %s, at its top or in a folder",
			name, strings.Join(dataFiles, ", "))
	}
	return entries, nil
}

// slashed returns the name of a zip's entry with its backslashes made
// slashes.
func slashed(name string) string { return strings.ReplaceAll(name, `\`, "/") }

// dataFile returns the data file that base names, in any case, or "".
func dataFile(base string) string {
	for _, f := range dataFiles {
		if strings.EqualFold(base, f) {
			return f
		}
	}
	return ""
}

// openCSV opens the data file named file, or returns nil if there is none.
func (f *Files) openCSV(file string) (io.ReadCloser, error) {
	if f.zip != nil {
		e, ok := f.entries[file]
		if !ok {
			return nil, nil
		}
		rc, err := e.Open()
		if err != nil {
			return nil, &Error{File: e.Name, Err: damagedEntry(err)}
		}
		return zipEntry{rc}, nil
	}
	r, err := os.Open(filepath.Join(f.dir, file))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, &Error{File: file, Err: err}
	}
	return r, nil
}

// A zipEntry reads a file in a zip, and words its failures (a checksum
// that does not match, data that does not inflate) as invalid input.
type zipEntry struct{ io.ReadCloser }

func (z zipEntry) Read(p []byte) (int, error) {
	n, err := z.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = damagedEntry(err)
	}
	return n, err
}

func damagedEntry(err error) error {
	return &zootour.Error{Code: zootour.EINVALID, Message: "the zip is damaged: " + err.Error(), Err: err}
}

// where returns the file and the sheet that errors about the data file
// file, of kind kind, name.
func (f *Files) where(file, kind string) (string, string) {
	switch {
	case f.book != nil:
		if s, ok := f.sheets[kind]; ok {
			return f.name, s
		}
		return f.name, kind
	case f.zip != nil:
		if e, ok := f.entries[file]; ok {
			return e.Name, ""
		}
	}
	return file, ""
}

// scan reads the records of kind fm from f, as scanCSV does; a missing file
// has none.
func scan[T any](f *Files, fm format[T], emit emit[T]) {
	if f.book != nil {
		scanSheet(f, fm, emit)
		return
	}
	r, err := f.openCSV(fm.file)
	if err != nil {
		var zero T
		emit(zero, 0, err)
		return
	}
	if r == nil {
		return
	}
	defer r.Close()
	name, _ := f.where(fm.file, fm.kind)
	scanCSV(r, fm, name, emit)
}
