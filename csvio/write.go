package csvio

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/zootour/zootour"
)

// WriteDir writes the three data files in dir, creating dir if need be:
// each file gets its header, then the records write hands to the
// zootour.Sink it is given (quoted as RFC 4180 asks, dates YYYY-MM-DD, IDs
// in decimal). The files are written under temporary names and renamed into
// place only if write and every write to disk succeeded, so a failure
// leaves dir as it was. It first removes the temporary files of writes
// that were killed; where the system can lock dir, it refuses (a conflict)
// while another WriteDir writes there. Export uses it; so can anything that
// makes data files without a store.
func WriteDir(dir string, write func(zootour.Sink) error) (err error) {
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return zootour.Errorf(zootour.EINVALID, "%s is a file, not a folder", dir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	unlock, locked, err := lockDir(dir)
	if err != nil {
		return err
	}
	defer unlock()
	removeStale(dir, locked)

	var files [3]*tempFile
	defer func() {
		for _, f := range files {
			if f != nil {
				f.discard()
			}
		}
	}()
	for i, f := range []struct {
		name   string
		header []string
	}{
		{ZoosFile, zooFormat.header},
		{AnimalsFile, animalFormat.header},
		{VisitsFile, visitFormat.header},
	} {
		if files[i], err = createTemp(dir, f.name); err != nil {
			return err
		}
		if err := files[i].csv.Write(f.header); err != nil {
			return err
		}
	}
	s := &sink{zoos: files[0].csv, animals: files[1].csv, visits: files[2].csv}
	if err := write(s); err != nil {
		return err
	}
	for _, f := range files {
		if err := f.finish(); err != nil {
			return err
		}
	}
	// Three renames are not one atomic step, but each is, and they can fail
	// only if the folder itself goes wrong in between.
	for i, f := range files {
		if err := os.Rename(f.tmp, f.path); err != nil {
			return err
		}
		files[i] = nil
	}
	return nil
}

// staleAge is how long a temporary file must have been left untouched to
// be taken for stale where dir cannot be locked. An export may write its
// visits for long after its zoos, so it is generous.
const staleAge = 24 * time.Hour

// removeStale removes the temporary files that writes into dir which were
// killed left behind: all of them when dir is locked, else those older than
// staleAge. It is best effort; writing reports any real trouble with dir.
func removeStale(dir string, locked bool) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	defer d.Close()
	for {
		entries, err := d.ReadDir(256) // a folder of any size in bounded memory
		for _, e := range entries {
			if !isTemp(e.Name()) || !e.Type().IsRegular() {
				continue
			}
			if !locked {
				fi, err := e.Info()
				if err != nil || time.Since(fi.ModTime()) < staleAge {
					continue
				}
			}
			os.Remove(filepath.Join(dir, e.Name()))
		}
		if err != nil {
			return
		}
	}
}

// isTemp says whether name is that of a temporary file of createTemp, such
// as ".zoos.csv.123456.tmp": os.CreateTemp puts digits for the "*".
func isTemp(name string) bool {
	for _, file := range []string{ZoosFile, AnimalsFile, VisitsFile} {
		rest, ok := strings.CutPrefix(name, "."+file+".")
		if !ok {
			continue
		}
		digits, ok := strings.CutSuffix(rest, ".tmp")
		if !ok || digits == "" {
			return false
		}
		for i := 0; i < len(digits); i++ {
			if digits[i] < '0' || digits[i] > '9' {
				return false
			}
		}
		return true
	}
	return false
}

// A tempFile is a data file being written under a temporary name.
type tempFile struct {
	path, tmp string
	file      *os.File
	buf       *bufio.Writer
	csv       *csv.Writer
}

func createTemp(dir, name string) (*tempFile, error) {
	f, err := os.CreateTemp(dir, "."+name+".*.tmp") // the pattern of isTemp
	if err != nil {
		return nil, err
	}
	buf := bufio.NewWriterSize(f, 64<<10)
	// csv.Writer ends lines with "\n", which every CSV reader accepts and
	// line-based tools handle better than "\r\n".
	return &tempFile{path: filepath.Join(dir, name), tmp: f.Name(), file: f, buf: buf, csv: csv.NewWriter(buf)}, nil
}

// finish flushes the file to disk and closes it, keeping its temporary name.
func (t *tempFile) finish() error {
	t.csv.Flush()
	if err := t.csv.Error(); err != nil {
		return err
	}
	if err := t.file.Chmod(0o644); err != nil {
		return err
	}
	if err := t.file.Sync(); err != nil {
		return err
	}
	f := t.file
	t.file = nil
	return f.Close()
}

// discard closes the file if it is open and removes it.
func (t *tempFile) discard() {
	if t.file != nil {
		t.file.Close()
	}
	os.Remove(t.tmp)
}

// A sink writes each record it receives as one row of its file.
type sink struct {
	zoos, animals, visits *csv.Writer
	row                   [4]string
}

func (s *sink) Zoo(z zootour.Zoo) error {
	s.row[0], s.row[1], s.row[2] = strconv.FormatInt(z.ID, 10), z.Name, z.Location
	return s.zoos.Write(s.row[:3])
}

func (s *sink) Animal(a zootour.Animal) error {
	s.row[0], s.row[1], s.row[2] = strconv.FormatInt(a.ID, 10), a.Name, a.Species
	return s.animals.Write(s.row[:3])
}

func (s *sink) Visit(v zootour.Visit) error {
	if v.Date.IsZero() {
		return zootour.Errorf(zootour.EINVALID, "visit %d has no date", v.ID)
	}
	s.row[0], s.row[1] = strconv.FormatInt(v.ID, 10), v.Date.String()
	s.row[2], s.row[3] = strconv.FormatInt(v.ZooID, 10), strconv.FormatInt(v.AnimalID, 10)
	return s.visits.Write(s.row[:4])
}

// Occupied returns a conflict if dir already holds any of the three data
// files: an export or generate writes over them only when asked to
// (--force), so that a real export is never replaced by surprise.
func Occupied(dir string) error {
	for _, name := range []string{ZoosFile, AnimalsFile, VisitsFile} {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			return zootour.Errorf(zootour.ECONFLICT, "the folder %s already holds %s: write into another folder, or add --force to replace its files", dir, name)
		}
	}
	return nil
}

// OccupiedFile returns a conflict if path already exists: an export
// writes over a workbook only when asked to (--force).
func OccupiedFile(path string) error {
	if _, err := os.Lstat(path); err == nil {
		return zootour.Errorf(zootour.ECONFLICT, "%s already exists: write to another file, or add --force to replace it", path)
	}
	return nil
}
