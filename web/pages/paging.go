package pages

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/httpx"
)

// Listings on pages are paged by key, as in the store: ?after= holds the
// key of the last entry of the previous page. The store reads forward
// only, so the way back is carried in the URL: ?prev= lists the keys of
// the pages before (the latest trailMax of them, "0" for the first page).
// Beyond them, "First page" and the browser's Back button still work.

const trailMax = 20

// A pager holds the links between the pages of a listing ("" for none).
type pager struct {
	Label             string // names the navigation for screen readers
	First, Prev, Next string
	Download          *download // the whole listing as a file, where it has one
}

// A download is the pair of links beside a table that give what it shows,
// its window and filters and order but every page of it, as a CSV file or
// an Excel workbook: the API's listing of the same entries, which reads
// the session's cookie like a page (docs/spreadsheets.md).
type download struct{ CSV, XLSX string }

// downloadOf returns the download of the API listing at apiPath, given
// its parameters as name, value pairs; an empty value is left out.
func downloadOf(apiPath string, params ...string) *download {
	q := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		if params[i+1] != "" {
			q.Set(params[i], params[i+1])
		}
	}
	link := func(format string) string {
		q.Set("format", format)
		return apiPath + "?" + q.Encode()
	}
	return &download{CSV: link("csv"), XLSX: link("xlsx")}
}

// window returns the window's dates as download parameters.
func (w *window) params() []string {
	return []string{"from", w.From.Value, "to", w.To.Value}
}

// pageState is where a listing stands, read from the request.
type pageState struct {
	path              string
	keep              url.Values // the other parameters of the page: window, sort, other listings
	afterKey, prevKey string     // the names of its parameters: "after", "prev"
	after             string     // "" on the first page
	trail             []string
}

var errPageLink = &httpx.Error{Status: http.StatusBadRequest, Detail: "This page link is not valid (it may be from an older version of the page). Start again from the first page."}

// readPageState reads ?after= and ?prev=, and the parameters named in
// keep, which every link of the pager carries along.
func readPageState(r *http.Request, keep ...string) pageState {
	return readPageStateAs(r, "after", "prev", keep...)
}

// readPageStateAs reads the position of one of several listings on a
// page, whose parameters are named afterKey and prevKey.
func readPageStateAs(r *http.Request, afterKey, prevKey string, keep ...string) pageState {
	q := r.URL.Query()
	ps := pageState{path: r.URL.Path, keep: url.Values{}, afterKey: afterKey, prevKey: prevKey, after: q.Get(afterKey)}
	for _, k := range keep {
		if v := q.Get(k); v != "" {
			ps.keep.Set(k, v)
		}
	}
	if ps.after == "0" {
		ps.after = ""
	}
	if p := q.Get(prevKey); p != "" {
		ps.trail = strings.Split(p, ",")
	}
	return ps
}

func (ps pageState) link(after string, trail []string) string {
	v := url.Values{}
	for k, vs := range ps.keep {
		v[k] = vs
	}
	if after != "" && after != "0" {
		v.Set(ps.afterKey, after)
	}
	if len(trail) > 0 {
		v.Set(ps.prevKey, strings.Join(trail, ","))
	}
	if len(v) == 0 {
		return ps.path
	}
	return ps.path + "?" + v.Encode()
}

// links returns the pager of the page; next is the key after which the
// next page starts, "" if this is the last page.
func (ps pageState) links(label, next string) pager {
	p := pager{Label: label}
	if next != "" {
		here := ps.after
		if here == "" {
			here = "0"
		}
		trail := append(append([]string(nil), ps.trail...), here)
		if len(trail) > trailMax {
			trail = trail[len(trail)-trailMax:]
		}
		p.Next = ps.link(next, trail)
	}
	if n := len(ps.trail); n > 0 {
		p.Prev = ps.link(ps.trail[n-1], ps.trail[:n-1])
	}
	if ps.after != "" {
		p.First = ps.link("", nil)
	}
	return p
}

// offsetLinks returns the pager of an in-memory listing, paged by the
// offset in the parameter param; the page shows [start, end) of total.
func offsetLinks(r *http.Request, param, label string, start, end, total, per int) pager {
	link := func(at int) string {
		q := r.URL.Query()
		if at > 0 {
			q.Set(param, strconv.Itoa(at))
		} else {
			q.Del(param)
		}
		if len(q) == 0 {
			return r.URL.Path
		}
		return r.URL.Path + "?" + q.Encode()
	}
	p := pager{Label: label}
	if start > 0 {
		p.Prev = link(max(start-per, 0))
	}
	if start > per {
		p.First = link(0)
	}
	if end < total {
		p.Next = link(end)
	}
	return p
}

// afterCursor reads the key of a listing paged by a zootour.Cursor.
func (ps pageState) afterCursor() (zootour.Cursor, error) {
	c, err := zootour.ParseCursor(ps.after)
	if err != nil {
		return c, errPageLink
	}
	return c, nil
}

// afterID reads the key of a listing by ID.
func (ps pageState) afterID() (int64, error) {
	if ps.after == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(ps.after, 10, 64)
	if err != nil || id <= 0 {
		return 0, errPageLink
	}
	return id, nil
}

// afterPosition reads the key of a relationship listing: DATE.ID of the
// last entry's visit.
func (ps pageState) afterPosition() (zootour.Position, error) {
	if ps.after == "" {
		return zootour.Position{}, nil
	}
	ds, is, ok := strings.Cut(ps.after, ".")
	d, err1 := zootour.ParseDate(ds)
	id, err2 := strconv.ParseInt(is, 10, 64)
	if !ok || err1 != nil || err2 != nil || id <= 0 {
		return zootour.Position{}, errPageLink
	}
	return zootour.Position{Date: d, ID: id}, nil
}

// afterDate reads the key of a listing by date: YYYY-MM-DD.
func (ps pageState) afterDate() (zootour.Date, error) {
	if ps.after == "" {
		return zootour.Date{}, nil
	}
	d, err := zootour.ParseDate(ps.after)
	if err != nil {
		return d, errPageLink
	}
	return d, nil
}

// without returns the names in all except those in drop: the parameters
// one listing of a page keeps of the others.
func without(all []string, drop ...string) []string {
	var out []string
	for _, a := range all {
		if !slices.Contains(drop, a) {
			out = append(out, a)
		}
	}
	return out
}

func positionKey(p zootour.Position) string {
	return p.Date.String() + "." + strconv.FormatInt(p.ID, 10)
}

// cut trims a page fetched with one entry too many and returns the key
// of its last entry if there was more.
func cut[T any](items []T, n int, key func(T) string) ([]T, string) {
	if len(items) > n {
		return items[:n], key(items[n-1])
	}
	return items, ""
}

// idText and dateParam write an optional ID or date as a parameter: "" for
// none.
func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

func dateParam(d zootour.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}
