package csvio

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"github.com/zootour/zootour"
)

// readers hand a reader the same bytes in differently sized pieces, so that
// a CR and what follows it fall into separate reads.
var readers = map[string]func(io.Reader) io.Reader{
	"whole":    func(r io.Reader) io.Reader { return r },
	"one byte": iotest.OneByteReader,
	"halves":   iotest.HalfReader,
}

// TestReadLoneCR checks that a lone CR (old Mac line ends) ends a line
// outside quotes and stays inside them, and that CRLF stays one line end.
func TestReadLoneCR(t *testing.T) {
	tests := []struct {
		name, data string
		want       []zootour.Zoo
		line       int    // of the error, if any
		text       string // part of the error
	}{
		{name: "CR only", data: "id,name,location\r1,a,b\r2,c,d\r",
			want: []zootour.Zoo{{ID: 1, Name: "a", Location: "b"}, {ID: 2, Name: "c", Location: "d"}}},
		{name: "no line end at the end", data: "id,name,location\r1,a,b\r2,c,d",
			want: []zootour.Zoo{{ID: 1, Name: "a", Location: "b"}, {ID: 2, Name: "c", Location: "d"}}},
		{name: "mixed line ends", data: "\uFEFFid,name,location\r\n1,a,b\r2,c,d\n3,e,f\r\n",
			want: []zootour.Zoo{{ID: 1, Name: "a", Location: "b"}, {ID: 2, Name: "c", Location: "d"}, {ID: 3, Name: "e", Location: "f"}}},
		{name: "CR CR LF and blank lines", data: "id,name,location\r\r\n\r\r1,a,b\r\r\n",
			want: []zootour.Zoo{{ID: 1, Name: "a", Location: "b"}}},
		{name: "quoted fields", data: "id,name,location\r1,\"a, \"\"b\"\"\",\"c\"\r\"2\",\"x\",\"\"\"\"\r",
			want: []zootour.Zoo{{ID: 1, Name: `a, "b"`, Location: "c"}, {ID: 2, Name: "x", Location: `"`}}},
		{name: "CR inside quotes stays", data: "id,name,location\r1,\"a\rb\",c\r2,d,e\r",
			line: 2, text: "name contains the control character U+000D"},
		{name: "CRLF inside quotes stays one line end", data: "id,name,location\r\n1,a,b\r\n2,\"a\r\nb\",c\r\n3,d\r\n",
			want: []zootour.Zoo{{ID: 1, Name: "a", Location: "b"}}, line: 3, text: "name contains the control character U+000A"},
		{name: "line numbers", data: "id,name,location\r1,a,b\r\r4,x\r",
			want: []zootour.Zoo{{ID: 1, Name: "a", Location: "b"}}, line: 4, text: "2 fields but 3 are expected"},
		{name: "line numbers past a quoted line end", data: "id,name,location\r1,\"a\nb\",c\r3\r",
			line: 2, text: "control character U+000A"},
		{name: "unclosed quote", data: "id,name,location\r1,\"a,b\r2,c,d\r",
			line: 2, text: "a quoted field does not end properly"},
		{name: "CR after a closing quote", data: "id,name,location\r1,a,\"b\"\r2,c,d",
			want: []zootour.Zoo{{ID: 1, Name: "a", Location: "b"}, {ID: 2, Name: "c", Location: "d"}}},
	}
	for _, tt := range tests {
		for rname, wrap := range readers {
			t.Run(tt.name+"/"+rname, func(t *testing.T) {
				got, err := collect(ReadZoos(wrap(strings.NewReader(tt.data))))
				if !slices.Equal(got, tt.want) {
					t.Errorf("read %+v, want %+v", got, tt.want)
				}
				if tt.text == "" {
					if err != nil {
						t.Fatalf("error %v", err)
					}
					return
				}
				var fe *Error
				if !errors.As(err, &fe) || fe.Line != tt.line || !strings.Contains(err.Error(), tt.text) {
					t.Fatalf("error %v, want one on line %d saying %q", err, tt.line, tt.text)
				}
			})
		}
	}
}

// TestImportLoneCR imports files with CR line ends, and finds the line of a
// record the store complains about after reading on.
func TestImportLoneCR(t *testing.T) {
	files := manyVisits(100_000)
	for name, text := range files {
		files[name] = strings.ReplaceAll(text, "\n", "\r")
	}
	dir := t.TempDir()
	writeFiles(t, dir, files)
	s := newFake()
	added, err := Import(context.Background(), s, dir, nil)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if want := (zootour.Counts{Zoos: 1, Animals: 100, Visits: 100_000}); added != want {
		t.Errorf("Import added %+v, want %+v", added, want)
	}

	dir = t.TempDir()
	writeFiles(t, dir, map[string]string{VisitsFile: "id,date,zoo_id,animal_id\r2,2021-01-01,1,1\r\r3,2021-01-02,99,1\r4,2021-01-03,1,1\r"})
	s = newFake()
	load(t, s, base)
	_, err = Import(context.Background(), s, dir, nil)
	var fe *Error
	if !errors.As(err, &fe) || fe.File != VisitsFile || fe.Line != 4 {
		t.Fatalf("Import: %v, want an error on visits.csv line 4", err)
	}
}

// TestReadHugeRecord checks that a record far longer than any valid one
// fails once the reader has read a bounded part of it, with a short error
// naming the line and the field.
func TestReadHugeRecord(t *testing.T) {
	huge := strings.Repeat("9", 10_000_000)
	readVisits := func(r io.Reader) error { _, err := collect(ReadVisits(r)); return err }
	readZoos := func(r io.Reader) error { _, err := collect(ReadZoos(r)); return err }
	tests := []struct {
		name, data string
		read       func(io.Reader) error
		file       string
		line       int
		text       []string
	}{
		{"huge date", visitHead + "1,2020-01-01,1,1\n2," + huge + ",1,1\n", readVisits, VisitsFile, 3,
			[]string{"passes 65536 bytes", "field date", `"9999999999`}},
		{"huge last field without a line end", visitHead + "1,2020-01-01,1," + huge, readVisits, VisitsFile, 2,
			[]string{"field animal_id"}},
		{"huge quoted name", zooHead + "1,\"" + huge + "\",b\n", readZoos, ZoosFile, 2,
			[]string{"field name", "quote"}},
		{"a header with no line end", huge, readZoos, ZoosFile, 1,
			[]string{"header"}},
		{"too many fields", zooHead + "1" + strings.Repeat(",", 10_000_000) + "\n", readZoos, ZoosFile, 2,
			[]string{"at least 65536 fields but 3 are expected"}},
		{"a quote never closed", zooHead + "1,a,b\n2,\"abc,b\n" + strings.Repeat("3,c,d\n", 1_000_000), readZoos, ZoosFile, 3,
			[]string{"field name", "quote on line 3", "closing quote"}},
		{"a quote never closed in a CR file", "id,name,location\r1,\"abc,b\r" + strings.Repeat("3,c,d\r", 1_000_000), readZoos, ZoosFile, 2,
			[]string{"field name", "quote on line 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &countingReader{r: strings.NewReader(tt.data)}
			err := tt.read(r)
			var fe *Error
			if !errors.As(err, &fe) || fe.File != tt.file || fe.Line != tt.line || zootour.ErrorCode(err) != zootour.EINVALID {
				t.Fatalf("error %.300q, want an invalid *Error for %s line %d", err, tt.file, tt.line)
			}
			if msg := err.Error(); len(msg) > 300 {
				t.Errorf("the error is %d bytes long: %.300q", len(msg), msg)
			}
			for _, s := range tt.text {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
			if r.n > 1<<20 {
				t.Errorf("read %d bytes before failing", r.n)
			}
		})
	}
}

// TestErrorsQuoteAShortPrefix checks that an error quoting a field quotes
// at most its first 40 characters, cut between characters, and its length.
func TestErrorsQuoteAShortPrefix(t *testing.T) {
	long := func(s string, n int) string { return strings.Repeat(s, n) }
	tests := []struct {
		name string
		read func() error
		text string
	}{
		{"id not a number", func() error {
			_, err := collect(ReadZoos(strings.NewReader(zooHead + long("x", 1000) + ",a,b\n")))
			return err
		},
			`id "` + long("x", 40) + `…" (1000 characters) is not a positive integer`},
		{"id of many digits", func() error {
			_, err := collect(ReadZoos(strings.NewReader(zooHead + long("7", 1000) + ",a,b\n")))
			return err
		},
			`id "` + long("7", 40) + `…" (1000 characters) is too large`},
		{"zoo_id of accented letters", func() error {
			_, err := collect(ReadVisits(strings.NewReader(visitHead + "1,2020-01-01," + long("é", 50) + ",1\n")))
			return err
		}, `zoo_id "` + long("é", 40) + `…" (50 characters) is not a positive integer`},
		{"date", func() error {
			_, err := collect(ReadVisits(strings.NewReader(visitHead + "1,2020-01-01" + long("x", 5000) + ",1,1\n")))
			return err
		}, `date "2020-01-01` + long("x", 30) + `…" (5010 characters) is not written YYYY-MM-DD`},
		{"header", func() error { _, err := collect(ReadZoos(strings.NewReader(long("h", 2000) + "\n"))); return err },
			`the header is "` + long("h", 40) + `…" (2000 characters) but must be "id,name,location"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.read()
			if err == nil || !strings.Contains(err.Error(), tt.text) {
				t.Fatalf("error %.200q does not say %q", err, tt.text)
			}
			if !utf8.ValidString(err.Error()) {
				t.Errorf("error %q is not valid UTF-8", err)
			}
		})
	}
}

// TestLocateLoneCR checks that finding the line of a record the store
// complains about reads the file as the import does.
func TestLocateLoneCR(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{ZoosFile: "id,name,location\r1,a,b\r2,c,d\r"})
	err := locate(&Files{name: dir, dir: dir}, &zootour.RecordError{Kind: "zoos", Record: 2, Err: zootour.Errorf(zootour.ECONFLICT, "boom")})
	var fe *Error
	if !errors.As(err, &fe) || fe.Line != 3 {
		t.Errorf("locate: %v, want zoos.csv line 3", err)
	}
}
