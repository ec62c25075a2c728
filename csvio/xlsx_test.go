package csvio

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"github.com/zootour/zootour"
)

// TestWorkbookRoundTrip exports a store as a workbook, imports it into an
// empty store and exports that as CSV files equal byte for byte to the
// first store's.
func TestWorkbookRoundTrip(t *testing.T) {
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			a := newStore(t)
			load(t, a, richer)
			_, want := csvOf(t, a)
			path := filepath.Join(t.TempDir(), "book.xlsx")
			if err := WriteWorkbook(path, func(dst zootour.Sink) error { return a.Export(ctx, dst) }); err != nil {
				t.Fatalf("WriteWorkbook: %v", err)
			}
			b := newStore(t)
			added, err := Import(ctx, b, path, nil)
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if want := (zootour.Counts{Zoos: 6, Animals: 3, Visits: 9}); added != want {
				t.Errorf("Import added %+v, want %+v", added, want)
			}
			_, got := csvOf(t, b)
			sameFiles(t, got, want)
			if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
				t.Errorf("the folder holds %d entries, want the workbook only", len(entries))
			}
		})
	}
}

// TestWorkbookCells checks how a workbook holds what it exports: IDs as
// numbers up to 2^53 and as text beyond, dates as date cells from
// 1900-03-01 and as text before.
func TestWorkbookCells(t *testing.T) {
	path := filepath.Join(t.TempDir(), "book.xlsx")
	s := newFake()
	load(t, s, richer)
	if err := WriteWorkbook(path, func(dst zootour.Sink) error { return s.Export(context.Background(), dst) }); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := strings.Join(f.GetSheetList(), ","), "zoos,animals,visits"; got != want {
		t.Errorf("sheets %s, want %s", got, want)
	}
	rows, err := f.GetRows("visits", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	// The visits in ID order: 10, 20, 30, 40, 41, 42, 43, 2^53, 2^63-2.
	for _, tt := range []struct {
		cell string
		typ  excelize.CellType
		raw  string
	}{
		{"A1", excelize.CellTypeInlineString, "id"},
		{"A2", excelize.CellTypeUnset, "10"},    // a number
		{"B2", excelize.CellTypeUnset, "44927"}, // 2023-01-01, a date cell
		{"B3", excelize.CellTypeInlineString, "0001-01-01"},
		{"B5", excelize.CellTypeInlineString, "1900-02-28"},
		{"B6", excelize.CellTypeUnset, "61"}, // 1900-03-01
		{"C2", excelize.CellTypeInlineString, "9007199254740993"},
		{"D2", excelize.CellTypeInlineString, "4611686018427387904"},
		{"A9", excelize.CellTypeUnset, "9007199254740992"}, // 2^53 itself is exact
		{"A10", excelize.CellTypeInlineString, "9223372036854775806"},
	} {
		typ, err := f.GetCellType("visits", tt.cell)
		if err != nil {
			t.Fatal(err)
		}
		col, row, _ := excelize.CellNameToCoordinates(tt.cell)
		raw := rows[row-1][col-1]
		if typ != tt.typ || raw != tt.raw {
			t.Errorf("%s holds %q of type %v, want %q of type %v", tt.cell, raw, typ, tt.raw, tt.typ)
		}
	}
}

// A book is a workbook a test writes by hand, XML and all, so that it
// holds exactly the cells it says, as other programs may write them.
type book struct {
	date1904 bool
	sheets   []bookSheet
	stored   bool // the parts stored as they are, not deflated
	cut      bool // the sheets' XML cut short, as a writer that failed may leave it
}

// A bookSheet holds rows by number; a row lists its cells from column A.
// A cell "n:45000" is a number, "b:1" a TRUE/FALSE, "e:#N/A" an error,
// "d:2020-01-01T00:00:00" an ISO 8601 date cell, "" is absent, anything
// else a string.
type bookSheet struct {
	name string
	rows map[int][]string
}

func (b book) bytes(t *testing.T) []byte {
	t.Helper()
	const main = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"`
	const rels = `xmlns="http://schemas.openxmlformats.org/package/2006/relationships"`
	var types, sheets, wbRels strings.Builder
	parts := map[string]string{}
	var order []string
	for i, s := range b.sheets {
		part := fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1)
		fmt.Fprintf(&types, `<Override PartName="/%s" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, part)
		fmt.Fprintf(&sheets, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, html.EscapeString(s.name), i+1, i+1)
		fmt.Fprintf(&wbRels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
		var data strings.Builder
		for r := 1; r <= 1000; r++ {
			cells, ok := s.rows[r]
			if !ok {
				continue
			}
			fmt.Fprintf(&data, `<row r="%d">`, r)
			for c, v := range cells {
				ref, _ := excelize.CoordinatesToCellName(c+1, r)
				switch {
				case v == "":
				case strings.HasPrefix(v, "n:"):
					fmt.Fprintf(&data, `<c r="%s"><v>%s</v></c>`, ref, v[2:])
				case len(v) > 2 && v[1] == ':' && strings.ContainsRune("bed", rune(v[0])):
					fmt.Fprintf(&data, `<c r="%s" t="%c"><v>%s</v></c>`, ref, v[0], html.EscapeString(v[2:]))
				default:
					fmt.Fprintf(&data, `<c r="%s" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>`, ref, html.EscapeString(v))
				}
			}
			data.WriteString(`</row>`)
		}
		parts[part] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet ` + main + `><sheetData>` + data.String() + `</sheetData></worksheet>`
		if b.cut {
			parts[part] = parts[part][:len(parts[part])-30]
		}
		order = append(order, part)
	}
	pr := ""
	if b.date1904 {
		pr = `<workbookPr date1904="1"/>`
	}
	parts["[Content_Types].xml"] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` + types.String() + `</Types>`
	parts["_rels/.rels"] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships ` + rels + `><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	parts["xl/workbook.xml"] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook ` + main + ` xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` + pr + `<sheets>` + sheets.String() + `</sheets></workbook>`
	parts["xl/_rels/workbook.xml.rels"] = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships ` + rels + `>` + wbRels.String() + `</Relationships>`
	order = append([]string{"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"}, order...)

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	method := zip.Deflate
	if b.stored {
		method = zip.Store
	}
	for _, name := range order {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(parts[name]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (b book) write(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := os.WriteFile(path, b.bytes(t), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func rows(r ...[]string) map[int][]string {
	m := map[int][]string{}
	for i, cells := range r {
		if cells != nil { // nil: a row the sheet does not have
			m[i+1] = cells
		}
	}
	return m
}

// handBook is a workbook as people make them: sheet names in another case,
// a sheet of notes, the header below an empty row, empty rows between,
// trailing empty cells, IDs as numbers and as text, dates as day numbers
// and as text.
var handBook = book{sheets: []bookSheet{
	{"Notes", rows([]string{"anything", "n:1"})},
	{"Zoos", rows(
		nil,
		[]string{"id", "name", "location", ""},
		[]string{"n:7", "Tierpark", "Berlin", ""},
		nil,
		[]string{"", "", ""},
		[]string{"9223372036854775807", " Zoo, \"Zürich\" ", "=A1"},
	)},
	{"animals", rows(
		[]string{"id", "name", "species"},
		[]string{"9007199254740993", "0042", "1.5E+3"},
	)},
	{"VISITS", rows(
		[]string{"id", "date", "zoo_id", "animal_id"},
		[]string{"n:1", "n:45000", "n:7", "9007199254740993"},
		[]string{"2", "2024-02-29", "9223372036854775807", "9007199254740993"},
		nil,
		[]string{"n:3", "1899-12-31", "n:7", "9007199254740993", "", ""},
		[]string{"n:4", "n:61", "n:7", "9007199254740993"},
	)},
}}

func TestImportWorkbook(t *testing.T) {
	want := map[string]string{
		ZoosFile:    zooHead + "7,Tierpark,Berlin\n" + `9223372036854775807,"Zoo, ""Zürich""",=A1` + "\n",
		AnimalsFile: animalHead + "9007199254740993,0042,1.5E+3\n",
		VisitsFile: visitHead +
			"1,2023-03-15,7,9007199254740993\n" +
			"2,2024-02-29,9223372036854775807,9007199254740993\n" +
			"3,1899-12-31,7,9007199254740993\n" +
			"4,1900-03-01,7,9007199254740993\n",
	}
	for name, newStore := range stores {
		t.Run(name, func(t *testing.T) {
			s := newStore(t)
			added, err := Import(context.Background(), s, handBook.write(t), nil)
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if want := (zootour.Counts{Zoos: 2, Animals: 1, Visits: 4}); added != want {
				t.Errorf("Import added %+v, want %+v", added, want)
			}
			_, got := csvOf(t, s)
			sameFiles(t, got, want)
		})
	}
}

// TestImportWorkbook1904 checks the day numbers of a workbook that counts
// them from 1904, as old Mac spreadsheets did.
func TestImportWorkbook1904(t *testing.T) {
	b := book{date1904: true, sheets: []bookSheet{
		{"zoos", rows([]string{"id", "name", "location"}, []string{"n:1", "a", "b"})},
		{"animals", rows([]string{"id", "name", "species"}, []string{"n:1", "a", "b"})},
		{"visits", rows([]string{"id", "date", "zoo_id", "animal_id"},
			[]string{"n:1", "n:0", "n:1", "n:1"}, []string{"n:2", "n:43538", "n:1", "n:1"})},
	}}
	s := newFake()
	if _, err := Import(context.Background(), s, b.write(t), nil); err != nil {
		t.Fatal(err)
	}
	_, got := csvOf(t, s)
	if want := visitHead + "1,1904-01-01,1,1\n2,2023-03-15,1,1\n"; got[VisitsFile] != want {
		t.Errorf("visits.csv:\n%s\nwant:\n%s", got[VisitsFile], want)
	}
}

func TestImportWorkbookErrors(t *testing.T) {
	zoos := bookSheet{"zoos", rows([]string{"id", "name", "location"}, []string{"n:2", "Zoo A", "b"})}
	animals := bookSheet{"animals", rows([]string{"id", "name", "species"}, []string{"n:2", "a", "b"})}
	visits := func(r ...[]string) bookSheet {
		return bookSheet{"visits", rows(append([][]string{{"id", "date", "zoo_id", "animal_id"}}, r...)...)}
	}
	made := func(sheets ...bookSheet) func(*testing.T) []byte {
		return func(t *testing.T) []byte { return book{sheets: sheets}.bytes(t) }
	}
	tests := []struct {
		name  string
		bytes func(*testing.T) []byte
		code  string
		text  string
	}{
		{"a wrong header", made(bookSheet{"zoos", rows(nil, []string{"id", "name", "place"}, []string{"n:2", "a", "b"})}),
			zootour.EINVALID, `book.xlsx sheet zoos row 2: the header is "id,name,place" but must be "id,name,location"`},
		{"an extra column", made(zoos, bookSheet{"animals", rows([]string{"id", "name", "species"}, []string{"n:3", "a", "b", "", "x"})}),
			zootour.EINVALID, `book.xlsx sheet animals row 2: column E holds "x", but the sheet has 3 columns (id,name,species)`},
		{"a missing column", made(zoos, bookSheet{"animals", rows([]string{"id", "name", "species"}, []string{"n:3", "a"})}),
			zootour.EINVALID, "book.xlsx sheet animals row 2: species is required"},
		{"an ID with an exponent", made(bookSheet{"zoos", rows([]string{"id", "name", "location"}, []string{"n:1.5E+3", "a", "b"})}),
			zootour.EINVALID, `book.xlsx sheet zoos row 2: id "1.5E+3" is a number with a decimal point or an exponent`},
		{"an ID with a decimal point", made(zoos, animals, visits([]string{"n:3", "n:45000", "n:2.0", "n:2"})),
			zootour.EINVALID, `book.xlsx sheet visits row 2: zoo_id "2.0" is a number with a decimal point`},
		{"an ID as text with a decimal point", made(zoos, animals, visits([]string{"n:3", "n:45000", "n:2", "2.0"})),
			zootour.EINVALID, `book.xlsx sheet visits row 2: animal_id "2.0" is a number with a decimal point`},
		{"a date with a time of day", made(zoos, animals, visits([]string{"n:3", "n:45000.5", "n:2", "n:2"})),
			zootour.EINVALID, `book.xlsx sheet visits row 2: date "45000.5" is a day number with a time of day`},
		{"a day number before March 1900", made(zoos, animals, visits([]string{"n:3", "n:60", "n:2", "n:2"})),
			zootour.EINVALID, `book.xlsx sheet visits row 2: date "60" is a day number outside 1900-03-01 to 9999-12-31`},
		{"a date in another format", made(zoos, animals, visits([]string{"n:3", "3/15/2023", "n:2", "n:2"})),
			zootour.EINVALID, `book.xlsx sheet visits row 2: date "3/15/2023" is not written YYYY-MM-DD`},
		{"a visit of a zoo not there, after empty rows", made(animals, visits(nil, []string{"n:3", "n:45000", "n:2", "n:2"})),
			zootour.EINVALID, "book.xlsx sheet visits row 3: zoo 2 does not exist"},
		{"a visit that clashes with the store", made(zoos, animals, visits([]string{"n:3", "n:45000", "n:2", "n:2"}, nil, []string{"", ""}, []string{"n:4", "2020-01-01", "n:2", "n:1"})),
			zootour.ECONFLICT, "book.xlsx sheet visits row 5: "},
		{"no sheet of data", made(bookSheet{"Sheet1", rows([]string{"id"})}, bookSheet{"Data", nil}),
			zootour.EINVALID, `book.xlsx has no sheet zoos, animals or visits; its sheets are "Sheet1", "Data"`},
		{"truncated", func(t *testing.T) []byte { b := handBook.bytes(t); return b[:len(b)/2] },
			zootour.EINVALID, "book.xlsx is damaged or not complete"},
		{"a bad checksum", func(t *testing.T) []byte {
			return corrupt(t, book{sheets: []bookSheet{zoos}, stored: true}.bytes(t), []byte("Zoo A"))
		}, zootour.EINVALID, "book.xlsx is damaged or not complete: xl/worksheets/sheet1.xml: zip: checksum error"},
		{"a sheet cut short", func(t *testing.T) []byte { return book{sheets: []bookSheet{zoos, animals}, cut: true}.bytes(t) },
			zootour.EINVALID, "book.xlsx is damaged or not complete: xl/worksheets/sheet1.xml does not end as XML of a sheet must"},
		{"a TRUE as an ID", made(bookSheet{"zoos", rows([]string{"id", "name", "location"}, []string{"n:2", "a", "b"}, []string{"b:1", "a", "b"})}),
			zootour.EINVALID, "book.xlsx sheet zoos row 3: id is a TRUE/FALSE cell (TRUE), not a number"},
		{"a FALSE as a name", made(bookSheet{"zoos", rows([]string{"id", "name", "location"}, []string{"n:3", "b:0", "b"})}),
			zootour.EINVALID, "book.xlsx sheet zoos row 2: name is a TRUE/FALSE cell (FALSE), not text"},
		{"an error cell as a name", made(zoos, bookSheet{"animals", rows([]string{"id", "name", "species"}, []string{"n:3", "e:#N/A", "b"})}),
			zootour.EINVALID, "book.xlsx sheet animals row 2: name is an error cell (#N/A), not text"},
		{"an error cell as a date", made(zoos, animals, visits([]string{"n:3", "e:#VALUE!", "n:2", "n:2"})),
			zootour.EINVALID, "book.xlsx sheet visits row 2: date is an error cell (#VALUE!), not a date"},
		{"a number ID beyond 2^53", made(zoos, animals, visits([]string{"n:3", "n:45000", "n:2", "n:9007199254740993"})),
			zootour.EINVALID, `book.xlsx sheet visits row 2: animal_id "9007199254740993" is a number cell beyond 2^53, which a spreadsheet cannot hold exactly: write the ID as text`},
		{"a date cell with a time of day", made(zoos, animals, visits([]string{"n:3", "d:2021-01-01T10:30:00", "n:2", "n:2"})),
			zootour.EINVALID, `book.xlsx sheet visits row 2: date "2021-01-01T10:30:00" is a date cell with a time of day`},
		{"a sheet twice, in another case", made(zoos, animals, bookSheet{"Zoos", rows([]string{"id", "name", "location"}, []string{"n:4", "c", "d"})}),
			zootour.EINVALID, `book.xlsx has sheets "zoos" and "Zoos", which are both the sheet zoos: keep one`},
		{"a part twice", func(t *testing.T) []byte {
			return withEntry(t, book{sheets: []bookSheet{zoos}}.bytes(t), `xl\worksheets\sheet1.xml`, "<worksheet/>")
		}, zootour.EINVALID, `book.xlsx holds the part xl\worksheets\sheet1.xml twice (as xl/worksheets/sheet1.xml)`},
	}
	for name, newStore := range stores {
		for _, tt := range tests {
			t.Run(name+"/"+tt.name, func(t *testing.T) {
				s := newStore(t)
				load(t, s, base)
				before, _ := s.Counts(context.Background())
				path := filepath.Join(t.TempDir(), "book.xlsx")
				if err := os.WriteFile(path, tt.bytes(t), 0o644); err != nil {
					t.Fatal(err)
				}
				_, err := Import(context.Background(), s, path, nil)
				if err == nil || !strings.Contains(err.Error(), tt.text) {
					t.Fatalf("Import: %v, want an error saying %q", err, tt.text)
				}
				if got := zootour.ErrorCode(err); got != tt.code {
					t.Errorf("ErrorCode = %q, want %q", got, tt.code)
				}
				if after, _ := s.Counts(context.Background()); after != before {
					t.Errorf("the failed import changed the counts from %+v to %+v", before, after)
				}
				if got := dump(t, s); !got.equal(base) {
					t.Errorf("the failed import changed the store: %+v", got)
				}
			})
		}
	}
}

// TestImportWorkbookMissingSheet checks that a sheet missing from a
// workbook counts as empty, like a missing file.
func TestImportWorkbookMissingSheet(t *testing.T) {
	b := book{sheets: []bookSheet{{"animals", rows([]string{"id", "name", "species"}, []string{"n:3", "a", "b"})}}}
	s := newFake()
	added, err := Import(context.Background(), s, b.write(t), nil)
	if err != nil || added != (zootour.Counts{Animals: 1}) {
		t.Fatalf("Import = %+v, %v; want 1 animal", added, err)
	}
}

// TestImportWorkbookTooLarge checks that a workbook which unzips to more
// than MaxUnzip is refused before it is unzipped, saying why.
func TestImportWorkbookTooLarge(t *testing.T) {
	b := handBook.bytes(t)
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	// Claim a size beyond the bound in the central directory: what the
	// check reads before it unzips anything.
	f := zr.File[len(zr.File)-1]
	var claim [4]byte
	claim[0], claim[1], claim[2], claim[3] = byte(f.UncompressedSize64), byte(f.UncompressedSize64>>8), byte(f.UncompressedSize64>>16), byte(f.UncompressedSize64>>24)
	dir := bytes.LastIndex(b, []byte("PK\x01\x02"))
	if dir < 0 || !bytes.Equal(b[dir+24:dir+28], claim[:]) {
		t.Fatal("cannot find the last part's size in the central directory")
	}
	b[dir+24], b[dir+25], b[dir+26], b[dir+27] = 0xff, 0xff, 0xff, 0x7f
	path := filepath.Join(t.TempDir(), "big.xlsx")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Open(path)
	if err == nil || !strings.Contains(err.Error(), "big.xlsx unzips to more than 1024 MiB") {
		t.Fatalf("Open: %v, want a refusal saying the bound", err)
	}
	if got := zootour.ErrorCode(err); got != zootour.EINVALID {
		t.Errorf("ErrorCode = %q, want %q", got, zootour.EINVALID)
	}
}

// TestWriteWorkbookFailure checks that a failed write leaves the file that
// was there, and no temporary file.
func TestWriteWorkbookFailure(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "book.xlsx")
	writeFiles(t, dir, map[string]string{"book.xlsx": "old"})
	boom := errors.New("boom")
	err := WriteWorkbook(path, func(s zootour.Sink) error {
		if err := s.Zoo(zootour.Zoo{ID: 1, Name: "a", Location: "b"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("WriteWorkbook: %v, want %v", err, boom)
	}
	err = WriteWorkbook(path, func(s zootour.Sink) error {
		if err := s.Animal(zootour.Animal{ID: 1, Name: "a", Species: "b"}); err != nil {
			return err
		}
		return s.Zoo(zootour.Zoo{ID: 1, Name: "a", Location: "b"})
	})
	if err == nil || !strings.Contains(err.Error(), "zoos came after animals") {
		t.Fatalf("WriteWorkbook of records out of order: %v", err)
	}
	if got := entries(t, dir); len(got) != 1 || readFile(t, path) != "old" {
		t.Errorf("the folder holds %v, and book.xlsx %q; want book.xlsx as it was", got, readFile(t, path))
	}
	if err := WriteWorkbook(dir, func(zootour.Sink) error { return nil }); zootour.ErrorCode(err) != zootour.EINVALID {
		t.Errorf("WriteWorkbook to a folder: %v, want an invalid error", err)
	}
}

// TestImportWorkbookOfExcelize reads a workbook as excelize writes one
// outside a stream: text in the shared strings, a date cell with a built-in
// date format, a formula's cached value.
func TestImportWorkbookOfExcelize(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	set := func(sheet, cell string, v any) {
		t.Helper()
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetSheetName("Sheet1", "zoos"); err != nil {
		t.Fatal(err)
	}
	for i, v := range []any{"id", "name", "location", 3, "Artis", "Amsterdam, NL"} {
		cell, _ := excelize.CoordinatesToCellName(i%3+1, i/3+1)
		set("zoos", cell, v)
	}
	if _, err := f.NewSheet("animals"); err != nil {
		t.Fatal(err)
	}
	for i, v := range []any{"id", "name", "species", "9223372036854775807", "Ruby", "red panda"} {
		cell, _ := excelize.CoordinatesToCellName(i%3+1, i/3+1)
		set("animals", cell, v)
	}
	if _, err := f.NewSheet("visits"); err != nil {
		t.Fatal(err)
	}
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14}) // m/d/yy, as a spreadsheet shows it
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range []any{"id", "date", "zoo_id", "animal_id", 1, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), 3, "9223372036854775807"} {
		cell, _ := excelize.CoordinatesToCellName(i%4+1, i/4+1)
		set("visits", cell, v)
	}
	if err := f.SetCellStyle("visits", "B2", "B2", date); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellFormula("visits", "C2", "=1+2"); err != nil { // its value, 3, is set above
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "excelize.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	s := newFake()
	if _, err := Import(context.Background(), s, path, nil); err != nil {
		t.Fatalf("Import: %v", err)
	}
	_, got := csvOf(t, s)
	sameFiles(t, got, map[string]string{
		ZoosFile:    zooHead + `3,Artis,"Amsterdam, NL"` + "\n",
		AnimalsFile: animalHead + "9223372036854775807,Ruby,red panda\n",
		VisitsFile:  visitHead + "1,2024-02-29,3,9223372036854775807\n",
	})
}

// withEntry returns the zip b with one more entry, name holding text.
func withEntry(t *testing.T, b []byte, name, text string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	w, err := zw.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(text))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestImportWorkbookDateCells reads date cells of ISO 8601 text (t="d"),
// as some programs write them, at midnight.
func TestImportWorkbookDateCells(t *testing.T) {
	b := book{sheets: []bookSheet{
		{"zoos", rows([]string{"id", "name", "location"}, []string{"n:1", "a", "b"})},
		{"animals", rows([]string{"id", "name", "species"}, []string{"n:1", "a", "b"})},
		{"visits", rows([]string{"id", "date", "zoo_id", "animal_id"},
			[]string{"n:1", "d:2020-01-01T00:00:00", "n:1", "n:1"},
			[]string{"n:2", "d:2020-01-02T00:00:00.000Z", "n:1", "n:1"},
			[]string{"n:3", "d:1899-12-31", "n:1", "n:1"},
			[]string{"n:4", "n:9007199254740992", "n:1", "n:1"})}, // 2^53 as a day number: refused as a date, not as an ID
	}}
	s := newFake()
	_, err := Import(context.Background(), s, b.write(t), nil)
	if want := `book.xlsx sheet visits row 5: date "9007199254740992" is a day number outside`; err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Import: %v, want an error saying %q", err, want)
	}
	b.sheets[2].rows[5] = []string{"n:9007199254740992", "d:2020-01-04T00:00", "n:1", "n:1"}
	if _, err := Import(context.Background(), s, b.write(t), nil); err != nil {
		t.Fatalf("Import: %v", err)
	}
	_, got := csvOf(t, s)
	if want := visitHead + "1,2020-01-01,1,1\n2,2020-01-02,1,1\n3,1899-12-31,1,1\n9007199254740992,2020-01-04,1,1\n"; got[VisitsFile] != want {
		t.Errorf("visits.csv:\n%s\nwant:\n%s", got[VisitsFile], want)
	}
}

// TestKindScanner reads the kinds of cells from XML as other programs may
// write it: prefixes, rows and cells without r, comments and CDATA that
// look like cells, a '>' in an attribute, and refuses rows out of order.
func TestKindScanner(t *testing.T) {
	const sheet = `<?xml version="1.0"?><x:worksheet xmlns:x="m"><!-- <c t="b"> --><x:sheetData>` +
		`<x:row r="2" x:spans="1:3"><x:c r="B2" t="b"><x:v>1</x:v></x:c><x:c t='e' s="1"><x:v>#N/A</x:v></x:c></x:row>` +
		`<x:row><x:c><x:v>3</x:v></x:c><x:c r="C3" t="inlineStr" foo="a>b"><x:is><x:t><![CDATA[<c t="b">]]></x:t></x:is></x:c><x:c t="d"/></x:row>` +
		`<x:row r="7"/></x:sheetData><x:c t="b"/></x:worksheet>`
	s := newKindScanner(strings.NewReader(sheet))
	for _, tt := range []struct {
		row  int
		want []cellKind
	}{
		{1, nil},
		{2, []cellKind{numberCell, boolCell, errorCell}},
		{3, []cellKind{numberCell, numberCell, textCell, dateCell}},
		{4, nil},
		{7, []cellKind{}},
		{8, nil},
	} {
		got, err := s.kinds(tt.row)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("row %d: kinds %v, %v; want %v", tt.row, got, err, tt.want)
		}
	}
	for _, bad := range []string{
		`<sheetData><row r="3"/><row r="2"/></sheetData>`,
		`<sheetData><row><c r="B1"/><c r="A1"/></row></sheetData>`,
		`<sheetData><row><c r="1A"/></row></sheetData>`,
	} {
		s := newKindScanner(strings.NewReader(bad))
		var err error
		for row := 1; row <= 3 && err == nil; row++ {
			_, err = s.kinds(row)
		}
		if err == nil {
			t.Errorf("kinds of %s: no error", bad)
		}
	}
}
