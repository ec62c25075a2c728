package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"strconv"
	"text/tabwriter"

	"github.com/zootour/zootour"
)

// pageSize is how many records a listing fetches at a time: the command
// line streams listings page by page, so memory does not grow with them.

// columns says how to print one kind of record as a table row.
type columns[T any] struct {
	header []string
	row    func(T) []string
}

var (
	zooColumns = columns[zootour.Zoo]{
		[]string{"ID", "NAME", "LOCATION"},
		func(z zootour.Zoo) []string { return []string{id(z.ID), z.Name, z.Location} },
	}
	animalColumns = columns[zootour.Animal]{
		[]string{"ID", "NAME", "SPECIES"},
		func(a zootour.Animal) []string { return []string{id(a.ID), a.Name, a.Species} },
	}
	visitColumns = columns[zootour.Visit]{
		[]string{"ID", "DATE", "ZOO", "ANIMAL"},
		func(v zootour.Visit) []string {
			return []string{id(v.ID), v.Date.String(), id(v.ZooID), id(v.AnimalID)}
		},
	}
	zooAnimalColumns = columns[zootour.ZooAnimal]{
		[]string{"DATE", "VISIT", "ANIMAL", "NAME", "SPECIES"},
		func(e zootour.ZooAnimal) []string {
			return []string{e.Date.String(), id(e.VisitID), id(e.ID), e.Name, e.Species}
		},
	}
	animalZooColumns = columns[zootour.AnimalZoo]{
		[]string{"DATE", "VISIT", "ZOO", "NAME", "LOCATION"},
		func(e zootour.AnimalZoo) []string {
			return []string{e.Date.String(), id(e.VisitID), id(e.ID), e.Name, e.Location}
		},
	}
)

func id(n int64) string { return strconv.FormatInt(n, 10) }

// printOne prints a single record: a JSON object, or a one-row table.
func printOne[T any](w io.Writer, asJSON bool, c columns[T], v T) error {
	if asJSON {
		return json.NewEncoder(w).Encode(v)
	}
	tw := newTable(w)
	writeRow(tw, c.header)
	writeRow(tw, c.row(v))
	return tw.Flush()
}

// printList streams a listing: a JSON array written element by element, or
// a table flushed every page (so columns line up within a page). Nothing
// is written until the listing's first page has come: a listing that
// fails at once (its zoo does not exist) prints nothing, not a lone "[".
func printList[T any](w io.Writer, asJSON bool, c columns[T], seq iter.Seq2[T, error]) error {
	seq, err := started(seq)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if asJSON {
		err = writeJSONArray(bw, seq)
	} else {
		err = writeTable(bw, c, seq)
	}
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

// started reads the first entry of seq, and returns its error if that is
// where seq fails; otherwise a sequence of all of seq again.
func started[T any](seq iter.Seq2[T, error]) (iter.Seq2[T, error], error) {
	next, stop := iter.Pull2(seq)
	first, err, ok := next()
	if ok && err != nil {
		stop()
		return nil, err
	}
	return func(yield func(T, error) bool) {
		defer stop()
		if !ok || !yield(first, nil) {
			return
		}
		for {
			v, err, ok := next()
			if !ok || !yield(v, err) {
				return
			}
		}
	}, nil
}

func writeJSONArray[T any](w *bufio.Writer, seq iter.Seq2[T, error]) error {
	w.WriteString("[")
	n := 0
	for v, err := range seq {
		if err != nil {
			return err
		}
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if n > 0 {
			w.WriteString(",")
		}
		w.WriteString("\n")
		w.Write(b)
		n++
	}
	if n > 0 {
		w.WriteString("\n")
	}
	_, err := w.WriteString("]\n")
	return err
}

func writeTable[T any](w io.Writer, c columns[T], seq iter.Seq2[T, error]) error {
	tw := newTable(w)
	writeRow(tw, c.header)
	n := 0
	for v, err := range seq {
		if err != nil {
			return err
		}
		writeRow(tw, c.row(v))
		if n++; n%zootour.AllPageSize == 0 {
			if err := tw.Flush(); err != nil {
				return err
			}
		}
	}
	if n == 0 {
		fmt.Fprintln(tw, "(none)")
	}
	return tw.Flush()
}

func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
}

func writeRow(w io.Writer, cells []string) {
	for i, c := range cells {
		if i > 0 {
			io.WriteString(w, "\t")
		}
		io.WriteString(w, c)
	}
	io.WriteString(w, "\n")
}

// byPosition walks a relationship listing, a page at a time.
func byPosition[T interface{ Position() zootour.Position }](q zootour.Query, list func(zootour.Query) ([]T, error)) iter.Seq2[T, error] {
	return zootour.All(
		func(after zootour.Cursor, limit int) ([]T, error) {
			q.After, q.Limit = after, limit
			return list(q)
		},
		T.Position)
}
