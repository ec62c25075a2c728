package csvio

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"iter"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/zootour/zootour"
)

var seeds = []string{
	"",
	"\uFEFF",
	visitHead,
	visitHead + "1,2023-01-01,1,1\n2,2023-01-02,9007199254740993,9223372036854775807\n",
	"\uFEFFid,date,zoo_id,animal_id\r\n1,2023-01-01,1,1\r\n\r\n\r\n",
	visitHead + "\"1\",\"2023-01-01\",\"1\",\"1\"\n",
	visitHead + "1,2023-02-30,1,1\n",
	visitHead + "1,2023-01-01,1\n",
	visitHead + "1,\"2023-01-01,1,1\n",
	visitHead + "1,2023\"-01-01,1,1\n",
	visitHead + "0,2023-01-01,1,1\n",
	visitHead + "9223372036854775808,2023-01-01,1,1\n",
	visitHead + "1,2023-01-01,\xff,1\n",
	zooHead + "1,\"Zoo, Berlin\",\"Berlin \"\"Mitte\"\"\"\n2,  Zürich  ,=SUM(A1)\n",
	zooHead + "1,\"a\nb\",c\n",
	zooHead + "1, \u00a0x\u2028 ,y\n",
	zooHead + "1,\xe2\x82,y\n",
	animalHead + "1,a,b\n",
	"id,name,location,extra\n",
}

// roundTrip checks what fuzzing data as one kind of file must hold: reading
// never panics, a failure is an invalid *Error naming a line of that file,
// and the records read write back and read again as the same records.
func roundTrip[T comparable](t *testing.T, data []byte, f format[T], write func(*sink, T) error, newSink func(*csv.Writer) *sink) {
	var got []T
	for rec, err := range read(bytes.NewReader(data), f) {
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) || fe.File != f.file || fe.Line < 1 || zootour.ErrorCode(err) != zootour.EINVALID {
				t.Fatalf("error %q is not an invalid *Error naming a line of %s", err, f.file)
			}
			break
		}
		got = append(got, rec)
	}

	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(f.header)
	s := newSink(w)
	for _, rec := range got {
		if err := write(s, rec); err != nil {
			t.Fatalf("writing %+v: %v", rec, err)
		}
	}
	w.Flush()
	again, err := collect(read(bytes.NewReader(buf.Bytes()), f))
	if err != nil {
		t.Fatalf("reading back %q: %v", buf.String(), err)
	}
	if !slices.Equal(again, got) {
		t.Fatalf("read back %+v, want %+v (written as %q)", again, got, buf.String())
	}
}

func collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for rec, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, rec)
	}
	return out, nil
}

func FuzzReadVisits(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		roundTrip(t, data, visitFormat, (*sink).Visit, func(w *csv.Writer) *sink { return &sink{visits: w} })
	})
}

func FuzzReadZoos(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		roundTrip(t, data, zooFormat, (*sink).Zoo, func(w *csv.Writer) *sink { return &sink{zoos: w} })
	})
}

func TestReadExported(t *testing.T) {
	// The exported readers are the same code as Import's; check they are wired.
	zoos, err := collect(ReadZoos(strings.NewReader(zooHead + "7,a,b\n")))
	if err != nil || !slices.Equal(zoos, []zootour.Zoo{{ID: 7, Name: "a", Location: "b"}}) {
		t.Errorf("ReadZoos = %v, %v", zoos, err)
	}
	animals, err := collect(ReadAnimals(strings.NewReader(animalHead + "7,a,b\n")))
	if err != nil || !slices.Equal(animals, []zootour.Animal{{ID: 7, Name: "a", Species: "b"}}) {
		t.Errorf("ReadAnimals = %v, %v", animals, err)
	}
	visits, err := collect(ReadVisits(strings.NewReader(visitHead + "7,2020-02-29,1,2\n")))
	want := []zootour.Visit{{ID: 7, Date: zootour.MustDate("2020-02-29"), ZooID: 1, AnimalID: 2}}
	if err != nil || !slices.Equal(visits, want) {
		t.Errorf("ReadVisits = %v, %v", visits, err)
	}
}

// TestReadStopsEarly checks that a reader stops reading when its consumer
// stops, so a store that fails on the first record does not read the rest.
func TestReadStopsEarly(t *testing.T) {
	r := &countingReader{r: strings.NewReader(manyVisits(100_000)[VisitsFile])}
	for range ReadVisits(r) {
		break
	}
	if r.n > 64<<10 {
		t.Errorf("read %d bytes for one record", r.n)
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// BenchmarkReadVisits reports the bytes allocated per visit read, which
// stay the same however long the file is: the reader keeps no rows.
func BenchmarkReadVisits(b *testing.B) {
	const n = 100_000
	data := []byte(manyVisits(n)[VisitsFile])
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for b.Loop() {
		for _, err := range ReadVisits(bytes.NewReader(data)) {
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N*n), "B/visit")
}

// FuzzGuard checks that the guard reads a file whose lines end in CR, or in
// CRLF, as encoding/csv reads the same file with LF: the same records (a CR
// inside quotes stays a CR) and an error where it has one.
func FuzzGuard(f *testing.F) {
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Add([]byte("a,\"b\nc\"\n\"d\"\"\"\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.IndexByte(data, '\r') >= 0 {
			t.Skip()
		}
		want, wantErr := readAll(csv.NewReader(bytes.NewReader(data)))
		for name, ends := range map[string][]byte{"CR": []byte("\r"), "CRLF": []byte("\r\n")} {
			in := bytes.ReplaceAll(data, []byte("\n"), ends)
			for rname, wrap := range readers {
				got, err := readAll(csv.NewReader(newGuard(bufio.NewReader(wrap(bytes.NewReader(in))))))
				if name == "CR" {
					for _, rec := range got {
						for i := range rec {
							rec[i] = strings.ReplaceAll(rec[i], "\r", "\n")
						}
					}
				}
				if !slices.EqualFunc(got, want, slices.Equal) || (err == nil) != (wantErr == nil) {
					t.Fatalf("%s line ends, %s: read %q, %v; with LF %q, %v", name, rname, got, err, want, wantErr)
				}
			}
		}
	})
}

func readAll(cr *csv.Reader) ([][]string, error) {
	cr.FieldsPerRecord = -1
	var out [][]string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, rec)
	}
}
