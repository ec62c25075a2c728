package main_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// trickyFiles are data files with what is easy to get wrong: non-ASCII
// text, quoted commas and quotes, a line separator (CR and LF are control
// characters, which no field holds), IDs beyond 2^53, dates before 1900.
var trickyFiles = map[string]string{
	"zoos.csv": "id,name,location\n" +
		`1,"Zoo, Berlin","Berlin ""Mitte"""` + "\n" +
		"9007199254740993,Zürich Zoo 動物園,=SUM(A1)\n" +
		"9223372036854775807,Line\u2028Separator,0042\n",
	"animals.csv": "id,name,species\n" +
		`5,"""Bob""","Panthera leo, 🦁"` + "\n" +
		"4611686018427387904,Anna,Elephas maximus\n",
	"visits.csv": "id,date,zoo_id,animal_id\n" +
		"10,2023-01-01,9007199254740993,4611686018427387904\n" +
		"20,0001-01-01,9223372036854775807,5\n" +
		"30,1900-03-01,1,5\n" +
		"9223372036854775806,9999-12-31,1,4611686018427387904\n",
}

var dataFiles = []string{"zoos.csv", "animals.csv", "visits.csv"}

func writeData(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func readData(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, name := range dataFiles {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = string(b)
	}
	return files
}

func sameData(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for _, name := range dataFiles {
		if got[name] != want[name] {
			t.Errorf("%s: %s:\n%s\nwant:\n%s", what, name, got[name], want[name])
		}
	}
}

// zipOf zips files into path, each under folder.
func zipOf(t *testing.T, path, folder string, files map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range dataFiles {
		w, err := zw.Create(folder + name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[name]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSpreadsheetRoundTrips takes the same records through a zip and a
// workbook and back to CSV files equal byte for byte: CSV -> zip -> store
// -> CSV, and store -> .xlsx -> a fresh store -> CSV.
func TestSpreadsheetRoundTrips(t *testing.T) {
	for name, newDB := range stores(t) {
		t.Run(name, func(t *testing.T) {
			tmp := t.TempDir()
			zipped := filepath.Join(tmp, "data.zip")
			zipOf(t, zipped, "export/", trickyFiles)
			a := newDB(t)
			if out := ok(t, a, "import", zipped); !strings.Contains(out, "imported 3 zoos, 2 animals, 4 visits") {
				t.Errorf("import of the zip said %q", out)
			}
			ok(t, a, "export", filepath.Join(tmp, "fromzip"))
			sameData(t, "CSV -> zip -> store -> CSV", readData(t, filepath.Join(tmp, "fromzip")), trickyFiles)

			book := filepath.Join(tmp, "book.xlsx")
			if out := ok(t, a, "export", book); !strings.Contains(out, "exported 3 zoos, 2 animals, 4 visits") {
				t.Errorf("export of the workbook said %q", out)
			}
			b := newDB(t)
			var added struct{ Zoos, Animals, Visits int }
			okJSON(t, &added, b, "import", book)
			if added.Zoos != 3 || added.Animals != 2 || added.Visits != 4 {
				t.Errorf("import --json of the workbook said %+v", added)
			}
			ok(t, b, "export", filepath.Join(tmp, "frombook"))
			sameData(t, "store -> xlsx -> store -> CSV", readData(t, filepath.Join(tmp, "frombook")), trickyFiles)
		})
	}
}

// TestExportWorkbookRefusesAFileThere: export FILE.xlsx refuses a file
// that exists (exit 4, the file as it was) unless --force, which replaces
// it, and leaves no temporary file either way.
func TestExportWorkbookRefusesAFileThere(t *testing.T) {
	db := filepath.Join(t.TempDir(), "z.db")
	ok(t, db, "zoo", "add", "--name", "Artis", "--location", "Amsterdam")
	dir := t.TempDir()
	book := filepath.Join(dir, "Book.XLSX") // told by the name, in any case
	ok(t, db, "export", book)
	before, err := os.ReadFile(book)
	if err != nil {
		t.Fatal(err)
	}
	ok(t, db, "zoo", "add", "--name", "Blijdorp", "--location", "Rotterdam")
	r := zt(t, db, "export", book)
	if r.code != 4 || !strings.Contains(r.stderr, "--force") || !strings.Contains(r.stderr, "Book.XLSX") || r.stdout != "" {
		t.Errorf("export onto a workbook there: exit %d, stdout %q, stderr %q; want 4 naming the file and --force", r.code, r.stdout, r.stderr)
	}
	if after, _ := os.ReadFile(book); !bytes.Equal(after, before) {
		t.Fatal("export replaced the workbook without --force")
	}
	fresh := filepath.Join(t.TempDir(), "f.db")
	if out := ok(t, fresh, "import", book); !strings.Contains(out, "imported 1 zoos") {
		t.Errorf("the workbook refused to be replaced holds %q, want the first export's 1 zoo", out)
	}

	if out := ok(t, db, "export", book, "--force"); !strings.Contains(out, "exported 2 zoos") {
		t.Errorf("export --force said %q", out)
	}
	fresh = filepath.Join(t.TempDir(), "f.db")
	if out := ok(t, fresh, "import", book); !strings.Contains(out, "imported 2 zoos") {
		t.Errorf("the workbook export --force wrote imports as %q, want 2 zoos", out)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the folder holds %d entries, want the workbook alone", len(entries))
	}
}

// TestImportRefusesBadSpreadsheets: a damaged zip or workbook, a wrong
// header in a zip or a sheet, files in two folders, a sheet with an extra
// column are each a clear error (exit 2) and change nothing.
func TestImportRefusesBadSpreadsheets(t *testing.T) {
	tmp := t.TempDir()
	db := filepath.Join(tmp, "z.db")
	ok(t, db, "zoo", "add", "--name", "Before", "--location", "There")
	book := filepath.Join(tmp, "good.xlsx")
	ok(t, db, "export", book)
	bookBytes, err := os.ReadFile(book)
	if err != nil {
		t.Fatal(err)
	}

	path := func(name string, b []byte) string {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	badHeader := filepath.Join(tmp, "header.zip")
	zipOf(t, badHeader, "", map[string]string{"zoos.csv": "id,name,place\n7,a,b\n"})
	twoFolders := filepath.Join(tmp, "two.zip")
	{
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		for _, name := range []string{"a/zoos.csv", "b/visits.csv"} {
			w, _ := zw.Create(name)
			w.Write([]byte(trickyFiles[filepath.Base(name)]))
		}
		zw.Close()
		path("two.zip", buf.Bytes())
	}
	for _, tc := range []struct {
		name, path, want string
	}{
		{"a truncated workbook", path("cut.xlsx", bookBytes[:len(bookBytes)*2/3]), "cut.xlsx is damaged or not complete"},
		{"not a zip", path("text.zip", []byte("id,name,location\n")), "text.zip is not a zip file"},
		{"a wrong header in a zip", badHeader, `zoos.csv line 1: the header is "id,name,place" but must be "id,name,location"`},
		{"files in two folders", twoFolders, "two.zip holds a/zoos.csv and b/visits.csv, in different folders"},
		{"no sheet of data", path("sheets.xlsx", workbookWith(t, "Sheet1")), `sheets.xlsx has no sheet zoos, animals or visits; its sheets are "Sheet1"`},
		{"a wrong header in a sheet", path("head.xlsx", workbookWith(t, "zoos", "id", "name")),
			`head.xlsx sheet zoos row 1: the header is "id,name" but must be "id,name,location"`},
		{"an extra column", path("extra.xlsx", workbookWith(t, "animals", "id", "name", "species", "", "n:7", "a", "b", "x")),
			`extra.xlsx sheet animals row 2: column D holds "x", but the sheet has 3 columns (id,name,species)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := zt(t, db, "import", tc.path)
			if r.code != 2 || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("import: exit %d, stderr %q; want exit 2 saying %q", r.code, r.stderr, tc.want)
			}
			var zoos []struct{ Name string }
			okJSON(t, &zoos, db, "zoo", "list")
			if len(zoos) != 1 || zoos[0].Name != "Before" {
				t.Errorf("a failed import changed the zoos: %+v", zoos)
			}
		})
	}
}

// workbookWith makes a workbook of one sheet whose first row holds the
// first cells up to "", the second row the rest ("n:7" a number).
func workbookWith(t *testing.T, sheet string, cells ...string) []byte {
	t.Helper()
	rows := [][]string{nil}
	for _, c := range cells {
		if c == "" {
			rows = append(rows, nil)
			continue
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], c)
	}
	var data strings.Builder
	for _, row := range rows {
		data.WriteString(`<row>`)
		for _, v := range row {
			if n, ok := strings.CutPrefix(v, "n:"); ok {
				data.WriteString(`<c><v>` + n + `</v></c>`)
			} else {
				data.WriteString(`<c t="inlineStr"><is><t>` + v + `</t></is></c>`)
			}
		}
		data.WriteString(`</row>`)
	}
	const rels = `http://schemas.openxmlformats.org/package/2006/relationships`
	parts := []struct{ name, text string }{
		{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`},
		{"_rels/.rels", `<Relationships xmlns="` + rels + `"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="` + sheet + `" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="` + rels + `"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + data.String() + `</sheetData></worksheet>`},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p.text))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestImportCheck: import --check prints the counts and every fault, one
// a line, exits 2 if there are faults and 0 if none, and changes nothing
// (it does not even create the database).
func TestImportCheck(t *testing.T) {
	for name, newDB := range stores(t) {
		t.Run(name, func(t *testing.T) {
			db := newDB(t)
			ok(t, db, "zoo", "add", "--name", "Before", "--location", "There")
			bad := filepath.Join(t.TempDir(), "bad")
			writeData(t, bad, map[string]string{
				"zoos.csv":    "id,name,location\n1,taken,x\n2,,x\n3,a,b\n3,a,b\n",
				"animals.csv": "id,name,species\n1,a\n",
				"visits.csv":  "id,date,zoo_id,animal_id\n1,2024-13-01,3,1\n",
			})
			r := zt(t, db, "import", bad, "--check")
			want := "checked 2 zoos, 0 animals, 0 visits: 4 faults\n" +
				"zoos.csv line 3: name is required\n" +
				"zoos.csv line 5: zoo ID 3 is already on line 4\n" +
				"animals.csv line 2: 2 fields but 3 are expected (id,name,species)\n" +
				`visits.csv line 2: date "2024-13-01" is not a calendar date between 0001-01-01 and 9999-12-31` + "\n"
			if r.code != 2 || r.stdout != want || !strings.Contains(r.stderr, "4 faults") {
				t.Errorf("import --check: exit %d, stdout:\n%s\nstderr %q; want exit 2 and:\n%s", r.code, r.stdout, r.stderr, want)
			}
			r = zt(t, db, "import", bad, "--check", "--max-faults", "2", "--json")
			var report struct {
				Counts struct{ Zoos, Animals, Visits int }
				Faults []struct {
					File, Code, Reason string
					Line               int
				}
				More bool
			}
			if err := json.Unmarshal([]byte(r.stdout), &report); err != nil {
				t.Fatalf("import --check --json: %v in %q", err, r.stdout)
			}
			if r.code != 2 || report.Counts.Zoos != 2 || len(report.Faults) != 2 || !report.More ||
				report.Faults[1].File != "zoos.csv" || report.Faults[1].Line != 5 || report.Faults[1].Code != "conflict" {
				t.Errorf("import --check --max-faults 2 --json: exit %d, %+v", r.code, report)
			}

			// The one fault is with the store: zoo 1 is there.
			clash := filepath.Join(t.TempDir(), "clash.zip")
			zipOf(t, clash, "", map[string]string{"zoos.csv": "id,name,location\n7,a,b\n\n1,c,d\n"})
			r = zt(t, db, "import", clash, "--check")
			if r.code != 2 || !strings.Contains(r.stdout, "\nzoos.csv line 4: ") || strings.Count(r.stdout, "\n") != 2 {
				t.Errorf("import --check of a clash with the store: exit %d, stdout %q", r.code, r.stdout)
			}

			good := filepath.Join(t.TempDir(), "good")
			writeData(t, good, map[string]string{"zoos.csv": "id,name,location\n7,a,b\n", "visits.csv": "id,date,zoo_id,animal_id\n"})
			if out := ok(t, db, "import", good, "--check"); out != "checked 1 zoos, 0 animals, 0 visits: no faults\n" {
				t.Errorf("import --check of good files said %q", out)
			}
			var zoos []struct{ Name string }
			okJSON(t, &zoos, db, "zoo", "list")
			if len(zoos) != 1 || zoos[0].Name != "Before" {
				t.Errorf("import --check changed the zoos: %+v", zoos)
			}
			ok(t, db, "import", good) // what it checked imports
		})
	}
	missing := filepath.Join(t.TempDir(), "none.db")
	good := filepath.Join(t.TempDir(), "good")
	writeData(t, good, map[string]string{"zoos.csv": "id,name,location\n7,a,b\n"})
	ok(t, missing, "import", good, "--check")
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("import --check created the database: %v", err)
	}
}

// TestImportHelpSaysTheFormat: import --help documents the files, the
// zip and the workbook, all or nothing, and the exit statuses.
func TestImportHelpSaysTheFormat(t *testing.T) {
	out := ok(t, "memory:", "import", "--help")
	for _, want := range []string{
		"zoos.csv      id,name,location", "animals.csv   id,name,species", "visits.csv    id,date,zoo_id,animal_id",
		".zip", ".xlsx", "sheets zoos, animals", "all or nothing", "--check", "--max-faults",
		"Exit status: 0", "2 invalid input", "3 not found", "4 a conflict", "1 anything else",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("import --help lacks %q:\n%s", want, out)
		}
	}
}
