package httpx

import (
	"context"
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

// pageWithin is how long a download may take to write one page of rows:
// the server's write timeout would cut off a long download, so each page
// gets its own deadline, and only a client that stops reading is cut off.
const pageWithin = time.Minute

// Download answers the whole listing that fetch pages through as a file
// of format named name (its extension added): a header row of the items'
// fields, then a row per entry, a page of zootour.AllPageSize in memory at
// a time. CSV streams as it goes; a workbook is built (excelize spills
// large sheets to a temporary file) and then sent. An error before the
// first byte is answered as usual; one after it aborts the response, so
// that a client never takes a cut-short file for a whole one.
func Download[T any](w http.ResponseWriter, r *http.Request, format sheet.Format, name string, fetch Fetch[T], cursor func(T) zootour.Cursor) error {
	ctx := r.Context()
	first, err := fetch(ctx, zootour.Cursor{}, zootour.AllPageSize)
	if err != nil {
		return err
	}
	rc := http.NewResponseController(w)
	pages := func(after zootour.Cursor, limit int) ([]T, error) {
		rc.SetWriteDeadline(time.Now().Add(pageWithin))
		if after.IsZero() {
			return first, nil
		}
		return fetch(ctx, after, limit)
	}
	h := w.Header()
	h.Set("Content-Type", format.ContentType())
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + "." + string(format)}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	sheetName, _, _ := strings.Cut(name, "-")
	if i := strings.LastIndex(name, "-"); i >= 0 {
		sheetName = name[i+1:]
	}
	out, err := sheet.NewWriter(format, w, sheetName)
	if err != nil {
		return err
	}
	if err := sheet.WriteAll(out, sheet.For[T](), zootour.All(pages, cursor)); err != nil {
		// Headers may be out: abort rather than end the file as if whole.
		panic(http.ErrAbortHandler)
	}
	return nil
}

// DownloadName names the file of a download of the listing at path, an
// API path such as /api/zoos/3/animals: "zoos-3-animals".
func DownloadName(path string) string {
	path = strings.Trim(strings.TrimPrefix(path, "/api/"), "/")
	return strings.ReplaceAll(path, "/", "-")
}
