package csvio

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zootour/zootour"
)

// richer holds, beyond tricky, what a workbook may get wrong: text that
// looks like a number or a date, white space and the line separators a
// text field may hold (CR and LF are control characters, which no field
// holds), dates on both sides of 1900-03-01 and of the 1904 epoch, and IDs
// on both sides of 2^53.
var richer = records{
	Zoos: append(append([]zootour.Zoo(nil), tricky.Zoos...),
		zootour.Zoo{ID: 1 << 53, Name: "0042", Location: "2024-01-02"},
		zootour.Zoo{ID: big + 1, Name: "1.5E+3", Location: "line\u2028separator\u2029paragraph"},
		zootour.Zoo{ID: 42, Name: `say "hi", then "bye"`, Location: "<b>&amp;</b>"},
	),
	Animals: append(append([]zootour.Animal(nil), tricky.Animals...),
		zootour.Animal{ID: 9007199254740993, Name: "Ωmega", Species: "Ursus arctos, 熊"},
	),
	Visits: append(append([]zootour.Visit(nil), tricky.Visits...),
		zootour.Visit{ID: 40, Date: zootour.MustDate("1900-02-28"), ZooID: 42, AnimalID: 9007199254740993},
		zootour.Visit{ID: 41, Date: zootour.MustDate("1900-03-01"), ZooID: 42, AnimalID: 9007199254740993},
		zootour.Visit{ID: 42, Date: zootour.MustDate("1904-01-01"), ZooID: 1 << 53, AnimalID: 5},
		zootour.Visit{ID: 43, Date: zootour.MustDate("2024-02-29"), ZooID: big + 1, AnimalID: 9007199254740993},
		zootour.Visit{ID: 1 << 53, Date: zootour.MustDate("1899-12-31"), ZooID: 1, AnimalID: 9007199254740993},
	),
}

// csvOf exports s to a fresh folder and returns the folder and its files.
func csvOf(t *testing.T, s zootour.Store) (string, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	if err := Export(context.Background(), s, dir); err != nil {
		t.Fatalf("Export: %v", err)
	}
	files := map[string]string{}
	for _, f := range dataFiles {
		files[f] = readFile(t, filepath.Join(dir, f))
	}
	return dir, files
}

func sameFiles(t *testing.T, got, want map[string]string) {
	t.Helper()
	for _, f := range dataFiles {
		if got[f] != want[f] {
			t.Errorf("%s:\n%s\nwant:\n%s", f, got[f], want[f])
		}
	}
}

// An entry is one file of a zip a test writes.
type entry struct{ name, text string }

func writeZip(t *testing.T, path string, entries ...entry) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.text)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestZipRoundTrip takes CSV files into a zip, at its top and in a folder,
// imports the zip and exports CSV files equal byte for byte.
func TestZipRoundTrip(t *testing.T) {
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			a := newStore(t)
			load(t, a, richer)
			_, want := csvOf(t, a)
			for _, folder := range []string{"", "export/", "a/b/"} {
				var es []entry
				es = append(es, entry{folder, ""}) // a folder's own entry
				for _, f := range dataFiles {
					es = append(es, entry{folder + f, want[f]})
				}
				es = append(es, entry{"README.txt", "ignored"}, entry{"__MACOSX/" + folder + "._zoos.csv", "ignored"})
				if folder == "" {
					es = es[1:]
				}
				path := writeZip(t, filepath.Join(t.TempDir(), "data.zip"), es...)
				b := newStore(t)
				added, err := Import(context.Background(), b, path, nil)
				if err != nil {
					t.Fatalf("Import of a zip with the files in %q: %v", folder, err)
				}
				if want := (zootour.Counts{Zoos: 6, Animals: 3, Visits: 9}); added != want {
					t.Errorf("Import added %+v, want %+v", added, want)
				}
				_, got := csvOf(t, b)
				sameFiles(t, got, want)
			}
		})
	}
}

// TestZipMissingFile checks that a file missing from a zip counts as
// empty, and that an error names the file as the zip holds it.
func TestZipMissingFile(t *testing.T) {
	s := newFake()
	path := writeZip(t, filepath.Join(t.TempDir(), "data.zip"),
		entry{"x/" + ZoosFile, zooHead + "7,a,b\n"}, entry{"x/" + VisitsFile, visitHead})
	if added, err := Import(context.Background(), s, path, nil); err != nil || added != (zootour.Counts{Zoos: 1}) {
		t.Fatalf("Import = %+v, %v; want 1 zoo", added, err)
	}
	path = writeZip(t, filepath.Join(t.TempDir(), "data.zip"),
		entry{"x/" + AnimalsFile, animalHead + "7,a,b\n8,c\n"})
	_, err := Import(context.Background(), s, path, nil)
	var fe *Error
	if !errors.As(err, &fe) || fe.File != "x/animals.csv" || fe.Line != 3 || zootour.ErrorCode(err) != zootour.EINVALID {
		t.Fatalf("Import: %v, want an invalid error on x/animals.csv line 3", err)
	}
}

// corrupt returns a copy of b with the byte at the middle of the first
// occurrence of within changed, a letter to the next one.
func corrupt(t *testing.T, b []byte, within []byte) []byte {
	t.Helper()
	i := bytes.Index(b, within)
	if i < 0 {
		t.Fatalf("%q is not in the file", within)
	}
	c := bytes.Clone(b)
	c[i+len(within)/2]++
	return c
}

// storedZip returns a zip of files stored without compression, so that a
// test can find their bytes in it.
func storedZip(t *testing.T, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(e.text))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestZipErrors(t *testing.T) {
	good := []entry{
		{ZoosFile, zooHead + "2,a,b\n"},
		{AnimalsFile, animalHead + "2,cat,b\n"},
		{VisitsFile, visitHead + "2,2021-01-01,2,2\n"},
	}
	zipped := func(entries ...entry) func(t *testing.T) []byte {
		return func(t *testing.T) []byte { return storedZip(t, entries...) }
	}
	tests := []struct {
		name  string
		bytes func(t *testing.T) []byte
		text  string
	}{
		{"a wrong header", zipped(good[0], entry{AnimalsFile, "id,name,kind\n2,a,b\n"}),
			`animals.csv line 1: the header is "id,name,kind" but must be "id,name,species"`},
		{"a wrong header in a folder", zipped(entry{"d/" + ZoosFile, "id;name;location\n"}),
			`d/zoos.csv line 1: the header is "id;name;location"`},
		{"a bad row", zipped(good[0], good[1], entry{VisitsFile, visitHead + "2,2021-01-01,2,2\n3,2021-02-30,2,2\n"}),
			`visits.csv line 3: date "2021-02-30" is not a calendar date`},
		{"a visit of a zoo not there", zipped(good[1], entry{VisitsFile, visitHead + "2,2021-01-01,2,2\n"}),
			"visits.csv line 2: zoo 2 does not exist"},
		{"files in two folders", zipped(entry{"a/" + ZoosFile, good[0].text}, entry{"b/" + AnimalsFile, good[1].text}),
			"data.zip holds a/zoos.csv and b/animals.csv, in different folders"},
		{"a file at the top and one in a folder", zipped(good[0], entry{"b/" + VisitsFile, good[2].text}),
			"data.zip holds zoos.csv and b/visits.csv, in different folders"},
		{"the same file in two folders", zipped(entry{"a/" + ZoosFile, good[0].text}, entry{"b/" + ZoosFile, good[0].text}),
			"data.zip holds a/zoos.csv and b/zoos.csv, in different folders"},
		{"a file twice", zipped(good[0], good[1], good[0]), "data.zip holds zoos.csv twice"},
		{"a file twice, once with backslashes", zipped(entry{"d/" + ZoosFile, good[0].text}, entry{`d\` + ZoosFile, good[0].text}),
			`data.zip holds d/zoos.csv and d\zoos.csv, the same file twice: keep one`},
		{"a file twice, in another case", zipped(good[0], entry{"Zoos.CSV", zooHead + "3,a,b\n"}),
			"data.zip holds zoos.csv and Zoos.CSV, the same file twice: keep one"},
		{"a folder twice, in another case", zipped(entry{"d/" + ZoosFile, good[0].text}, entry{"D/" + ZoosFile, good[0].text}),
			"data.zip holds d/zoos.csv and D/zoos.csv, the same file twice: keep one"},
		{"too large", func(t *testing.T) []byte { return claimSize(t, storedZip(t, good...), 0x7fffffff) },
			"data.zip unzips to more than 1024 MiB of data files, the most an import reads from a zip"},
		{"no data file", zipped(entry{"zoos.txt", "x"}), "data.zip holds none of zoos.csv, animals.csv, visits.csv"},
		{"truncated", func(t *testing.T) []byte { b := storedZip(t, good...); return b[:len(b)-30] },
			"data.zip is damaged or not complete"},
		{"a bad checksum", func(t *testing.T) []byte { return corrupt(t, storedZip(t, good...), []byte("2,cat,")) },
			"animals.csv: the zip is damaged: zip: checksum error"},
		{"not a zip", func(*testing.T) []byte { return []byte(zooHead) }, "data.zip is not a zip file"},
	}
	for name, newStore := range stores {
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				s := newStore(t)
				load(t, s, base)
				path := filepath.Join(t.TempDir(), "data.zip")
				if err := os.WriteFile(path, tt.bytes(t), 0o644); err != nil {
					t.Fatal(err)
				}
				_, err := Import(context.Background(), s, path, nil)
				if err == nil || !strings.Contains(err.Error(), tt.text) {
					t.Fatalf("Import: %v, want an error saying %q", err, tt.text)
				}
				if got := zootour.ErrorCode(err); got != zootour.EINVALID {
					t.Errorf("ErrorCode = %q, want %q", got, zootour.EINVALID)
				}
				if got := dump(t, s); !got.equal(base) {
					t.Errorf("the failed import changed the store: %+v", got)
				}
			})
		}
	}
}

// TestOpenTellsByContent checks that what a file is does not depend on its
// name: a zip named .xlsx is a zip of CSV files, a workbook named .zip a
// workbook, an old .xls refused with a hint.
func TestOpenTellsByContent(t *testing.T) {
	dir := t.TempDir()
	zipAsBook := writeZip(t, filepath.Join(dir, "data.xlsx"), entry{ZoosFile, zooHead + "2,a,b\n"})
	book := filepath.Join(dir, "book.zip")
	if err := WriteWorkbook(book, func(s zootour.Sink) error { return s.Zoo(zootour.Zoo{ID: 3, Name: "a", Location: "b"}) }); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]records{
		zipAsBook: {Zoos: []zootour.Zoo{{ID: 2, Name: "a", Location: "b"}}},
		book:      {Zoos: []zootour.Zoo{{ID: 3, Name: "a", Location: "b"}}},
	} {
		s := newFake()
		if _, err := Import(context.Background(), s, path, nil); err != nil {
			t.Fatalf("Import(%s): %v", path, err)
		}
		if got := dump(t, s); !got.equal(want) {
			t.Errorf("Import(%s) = %+v, want %+v", path, got, want)
		}
	}
	xls := filepath.Join(dir, "old.xls")
	writeFiles(t, dir, map[string]string{"old.xls": "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 and more"})
	if _, err := Open(xls); err == nil || !strings.Contains(err.Error(), "save it as an .xlsx workbook") {
		t.Errorf("Open(old.xls): %v, want a hint to save it as .xlsx", err)
	}
	if _, err := Open(filepath.Join(dir, "none.zip")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("Open of a missing file: %v", err)
	}
}

// claimSize returns the zip b with the size its central directory gives
// its last entry, what Open reads before it unzips anything, made size.
func claimSize(t *testing.T, b []byte, size uint32) []byte {
	t.Helper()
	b = bytes.Clone(b)
	dir := bytes.LastIndex(b, []byte("PK\x01\x02"))
	if dir < 0 {
		t.Fatal("no central directory")
	}
	binary.LittleEndian.PutUint32(b[dir+24:], size)
	return b
}

// TestZipNamesInAnyCase reads data files whose names are in another case,
// as Windows tools may write them.
func TestZipNamesInAnyCase(t *testing.T) {
	s := newFake()
	path := writeZip(t, filepath.Join(t.TempDir(), "data.zip"),
		entry{`Export\ZOOS.CSV`, zooHead + "7,a,b\n"}, entry{"Export/Animals.csv", animalHead + "8,c,d\n"})
	if added, err := Import(context.Background(), s, path, nil); err != nil || added != (zootour.Counts{Zoos: 1, Animals: 1}) {
		t.Fatalf("Import = %+v, %v; want 1 zoo and 1 animal", added, err)
	}
}
