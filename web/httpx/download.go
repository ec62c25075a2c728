package httpx

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/sheet"
)

// FormatParam reads ?format=: "" (or json) for the JSON page, else the
// spreadsheet format of a download (docs/spreadsheets.md).
func FormatParam(r *http.Request) (sheet.Format, error) {
	q := r.URL.Query()
	if !q.Has("format") || q.Get("format") == "json" {
		return "", nil
	}
	f, err := sheet.ParseFormat(q.Get("format"))
	if err != nil {
		return "", invalid("format %q is not known: use json, csv or xlsx", q.Get("format"))
	}
	if q.Has("limit") || q.Has("cursor") {
		return "", invalid("a download holds the whole listing: leave out limit and cursor, which page the JSON")
	}
	return f, nil
}

// A Fetch fetches a page of a listing: at most limit entries after the
// entry whose cursor is after (the zero Cursor for the first page).
type Fetch[T any] func(ctx context.Context, after zootour.Cursor, limit int) ([]T, error)

// pageWithin is how long a download may take to write what it has: the
// server's write timeout would cut off a long download, so every write
// gets a deadline of its own, and only a client that stops reading is
// cut off.
const pageWithin = time.Minute

// Download answers the whole listing that fetch pages through as a file
// of format named name (its extension added): a header row of the items'
// fields, then a row per entry, a page of zootour.AllPageSize in memory at
// a time. CSV streams as it goes; a workbook is built (excelize spills
// large sheets to a temporary file) and then sent.
//
// The request gives its Limiter slot back once it starts to write, and
// takes it again only to fetch a page, so that a client that reads slowly
// holds none; the downloads in flight have a bound of their own. An error
// before the first byte is answered as usual; one after it is returned as
// a *CutShort, which the caller logs before aborting the response, so
// that a client never takes a cut file for a whole one.
func Download[T any](w http.ResponseWriter, r *http.Request, format sheet.Format, name string, fetch Fetch[T], cursor func(T) zootour.Cursor) error {
	ctx := r.Context()
	done, err := startDownload(ctx)
	if err != nil {
		return err
	}
	defer done()
	first, err := fetch(ctx, zootour.Cursor{}, zootour.AllPageSize)
	if err != nil {
		return err
	}
	pages := func(after zootour.Cursor, limit int) ([]T, error) {
		if after.IsZero() {
			return first, nil
		}
		if err := takeSlot(ctx); err != nil {
			return nil, err
		}
		defer giveSlot(ctx)
		return fetch(ctx, after, limit)
	}
	h := w.Header()
	h.Set("Content-Type", format.ContentType())
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + "." + string(format)}))
	h.Set("Cache-Control", "private, no-store")
	sheetName := name
	if i := strings.LastIndex(name, "-"); i >= 0 {
		sheetName = name[i+1:]
	}
	sent := &sending{w: w, rc: http.NewResponseController(w), ctx: ctx}
	out, err := sheet.NewWriter(format, sent, sheetName)
	if err == nil {
		err = sheet.WriteAll(out, sheet.For[T](), zootour.All(pages, cursor))
	}
	switch {
	case err == nil:
		return nil
	case sent.n == 0:
		// Nothing is out: the error is answered as any other.
		h.Del("Content-Type")
		h.Del("Content-Disposition")
		return err
	}
	return &CutShort{Err: err, Sent: sent.n}
}

// A CutShort is a download that failed after some of it was sent: the
// response can only be aborted (panic(http.ErrAbortHandler)), after the
// failure is logged.
type CutShort struct {
	Err  error
	Sent int64 // bytes
}

func (c *CutShort) Error() string {
	return fmt.Sprintf("the download failed after %d bytes: %v", c.Sent, c.Err)
}

func (c *CutShort) Unwrap() error { return c.Err }

// sending writes a download to its client: the first byte gives the
// request's slot back, and every write has its own deadline.
type sending struct {
	w   http.ResponseWriter
	rc  *http.ResponseController
	ctx context.Context
	n   int64
}

func (s *sending) Write(b []byte) (int, error) {
	if s.n == 0 {
		giveSlot(s.ctx)
	}
	s.rc.SetWriteDeadline(time.Now().Add(pageWithin))
	n, err := s.w.Write(b)
	s.n += int64(n)
	return n, err
}

// DownloadName names the file of a download of the listing at path, an
// API path such as /api/zoos/3/animals: "zoos-3-animals".
func DownloadName(path string) string {
	path = strings.Trim(strings.TrimPrefix(path, "/api/"), "/")
	return strings.ReplaceAll(path, "/", "-")
}
