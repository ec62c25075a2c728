// Package pages serves the pages for people: server-rendered HTML from
// html/template, with the templates, CSS and icon embedded, so that the
// binary needs nothing from the network and the pages work without
// JavaScript. Reads are open to all; writes follow the API's rule, kept in
// package httpx (loopback clients, or a signed-in session elsewhere; see
// auth.go). Every handler is small and returns an error, which one adapter
// turns into an HTML error page.
package pages

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/httpx"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Sizes of the pages. Listings are paged by key, never by offset.
const (
	recordsPerPage = 50   // zoos, animals, visits by ID
	visitsPerPage  = 100  // a zoo's visits, an animal's itinerary
	nameSortMax    = 5000 // sort by name only lists up to this size
	summaryMax     = 5000 // visits read to sum up a zoo's animals
	recentVisits   = 10   // visits on the home page
	searchMax      = 50   // matches shown per kind of record
	chooserMax     = 500  // zoos or animals offered in a <datalist>
	pickMax        = 20   // records a search field offers to choose from
	maxFormBytes   = 64 << 10
	summaryPerPage = 100 // animals summed up per page of a zoo
	htmlType       = "text/html; charset=utf-8"
)

// ui holds what the pages share: the store, the rule of who may write,
// the mux they are registered on, and a random secret, made when the pages
// are, that signs sessions and form tokens.
type ui struct {
	store     httpx.ReadWriter
	guard     *httpx.Guard
	limit     *httpx.Limiter
	log       *slog.Logger
	mux       *http.ServeMux
	zoos      *kind
	animals   *kind
	secret    []byte
	templates map[string]*template.Template
	static    map[string]asset

	mu      sync.Mutex
	revoked map[string]time.Time // signed-out session nonces, until they expire
}

// New returns the pages over s, on a mux of their own: everything outside
// /api and the operational routes, with an HTML 404 (or 405 with Allow)
// for paths that no route has. The caller keeps owning s.
func New(s httpx.ReadWriter, opts httpx.Options) http.Handler {
	mux := http.NewServeMux()
	Register(mux, s, opts)
	return mux
}

// Register adds the pages to mux, for a server that serves more than the
// pages on one mux: they take every path that no other route has, and a
// 405 names the methods of any route on mux.
func Register(mux *http.ServeMux, s httpx.ReadWriter, opts httpx.Options) {
	opts = opts.WithDefaults()
	u := &ui{
		store:     s,
		guard:     opts.Guard,
		limit:     opts.Limiter,
		log:       opts.Logger,
		mux:       mux,
		zoos:      zooKind(s),
		animals:   animalKind(s),
		secret:    make([]byte, 32),
		templates: parseTemplates(),
		static:    loadStatic(),
		revoked:   make(map[string]time.Time),
	}
	rand.Read(u.secret) // never fails (crypto/rand panics rather than return short)
	u.routes()
}

// routes registers the pages on their mux.
func (u *ui) routes() {
	mux := u.mux
	read := func(h pageFunc) http.Handler { return u.page(h) }
	form := func(h pageFunc) http.Handler { return u.page(u.mayWrite(h)) }
	write := func(h pageFunc) http.Handler { return u.page(u.posted(h, true)) }

	mux.Handle("GET /{$}", read(u.home))
	mux.Handle("GET /search", read(u.search))

	for _, k := range []*kind{u.zoos, u.animals} {
		mux.Handle("GET "+k.Path, read(u.list(k)))
		mux.Handle("GET "+k.Path+"/new", form(u.newRecord(k)))
		mux.Handle("POST "+k.Path, write(u.createRecord(k)))
		mux.Handle("GET "+k.Path+"/{id}/edit", form(u.editRecord(k)))
		mux.Handle("POST "+k.Path+"/{id}/edit", write(u.updateRecord(k)))
		mux.Handle("GET "+k.Path+"/{id}/delete", form(u.confirmDelete(k)))
		mux.Handle("POST "+k.Path+"/{id}/delete", write(u.deleteRecord(k)))
	}
	mux.Handle("GET /zoos/{id}", read(u.zoo))
	mux.Handle("GET /animals/{id}", read(u.animal))
	mux.Handle("GET /animals/{id}/contacts", read(u.contacts))

	mux.Handle("GET /census", read(u.census))

	mux.Handle("GET /visits", read(u.visits))
	mux.Handle("GET /visits/new", form(u.newVisit))
	mux.Handle("POST /visits", write(u.createVisit))
	mux.Handle("GET /visits/{id}", read(u.visit))
	mux.Handle("GET /visits/{id}/edit", form(u.editVisit))
	mux.Handle("POST /visits/{id}/edit", write(u.updateVisit))
	mux.Handle("GET /visits/{id}/delete", form(u.confirmDeleteVisit))
	mux.Handle("POST /visits/{id}/delete", write(u.deleteVisit))

	mux.Handle("GET /signin", read(u.signInForm))
	mux.Handle("POST /signin", u.page(u.posted(u.signIn, false)))
	mux.Handle("POST /signout", u.page(u.posted(u.signOut, false)))

	mux.HandleFunc("GET /static/{name}", u.serveStatic)
	mux.Handle("/", u.page(u.notFound))
}

// pageFunc is a page handler: it renders or redirects on success and
// returns any failure for page to answer as an HTML error page.
type pageFunc func(w http.ResponseWriter, r *http.Request) error

// page adapts h to http.Handler: it sets the headers every page carries,
// bounds the requests served at once like the API, and answers errors.
func (u *ui) page(h pageFunc) http.Handler {
	serve := u.limit.Limit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			u.fail(w, r, err)
		}
	}), u.busy)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		// Everything comes from this server; nothing may frame the pages.
		hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		// Pages carry form tokens and change with every write.
		hd.Set("Cache-Control", "no-store")
		serve.ServeHTTP(w, r)
	})
}

// busy answers a request beyond the Limiter's bound.
func (u *ui) busy(w http.ResponseWriter, r *http.Request) {
	u.fail(w, r, &httpx.Error{Status: http.StatusServiceUnavailable, Detail: "The server is busy: try again in a moment."})
}

// errorPage is the data of an error page.
type errorPage struct {
	layout
	Status  int
	Message string
	SignIn  bool // offer a link to sign in
}

// fail answers err as an HTML page with the status of its kind. Internal
// errors are logged with their detail and shown as "internal error".
func (u *ui) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, msg, ok := httpx.Status(err)
	switch {
	case errors.Is(err, errSignIn):
		status, msg = http.StatusForbidden, sentence(err.Error())
	case !ok:
		msg = "Something went wrong on the server (an internal error). It has been logged."
		u.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	case zootour.ErrorCode(err) != zootour.EINTERNAL:
		msg = sentence(msg) // the store's words, not the pages' own
	}
	title := http.StatusText(status)
	if status == http.StatusNotFound {
		title = "Not found"
	}
	p := &errorPage{layout: layout{Title: title}, Status: status, Message: msg}
	p.SignIn = errors.Is(err, errSignIn)
	u.render(w, r, status, "error.html", p)
}

// notFound answers any path that no route has: 405 with Allow if some
// method has it, else 404.
func (u *ui) notFound(w http.ResponseWriter, r *http.Request) error {
	if allow := httpx.Allowed(r, u.mux); allow != "" {
		w.Header().Set("Allow", allow)
		return &httpx.Error{Status: http.StatusMethodNotAllowed, Detail: r.Method + " is not allowed here."}
	}
	return &httpx.Error{Status: http.StatusNotFound, Detail: "There is no page at " + r.URL.Path + "."}
}

// notFoundError says, for a person, that a record does not exist.
func notFoundError(kind string, id int64) error {
	return &httpx.Error{Status: http.StatusNotFound, Detail: fmt.Sprintf("There is no %s %d: it may have been deleted.", kind, id)}
}

// lookup reads one record for a page, turning not found into a 404 that
// names it.
func lookup[T any](r *http.Request, kind string, fetch func(context.Context, int64) (T, error)) (T, int64, error) {
	var zero T
	id, err := pageID(r, kind)
	if err != nil {
		return zero, 0, err
	}
	t, err := fetch(r.Context(), id)
	if zootour.ErrorCode(err) == zootour.ENOTFOUND {
		return zero, id, notFoundError(kind, id)
	}
	return t, id, err
}

// pageID reads the {id} of a page's path. A path with something else in
// its place names no page: 404, as for any unknown path.
func pageID(r *http.Request, kind string) (int64, error) {
	id, err := httpx.PathID(r)
	if err != nil {
		return 0, &httpx.Error{Status: http.StatusNotFound, Detail: fmt.Sprintf("There is no page at %s: %q is not the ID of %s.", r.URL.Path, r.PathValue("id"), article(kind))}
	}
	return id, nil
}

// sentence makes a store message read as a sentence on a page.
func sentence(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// layout is what every page's template needs besides its own data.
type layout struct {
	Title   string
	Section string // the navigation entry to mark current
	Access  access
	CSRF    string // the form token of this client
	Flash   string
	Q       string // the search box
	CSS     string // the stylesheet's URL, versioned
	Icon    string
}

func (l *layout) base() *layout { return l }

// view is the data of any page: it embeds layout.
type view interface{ base() *layout }

// render executes the page's template into a buffer, so that a template
// failure can still be answered with a status, then writes it.
func (u *ui) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	l := v.base()
	l.Access = u.access(r)
	l.CSRF = u.formToken(r)
	l.CSS = u.static["style.css"].url
	l.Icon = u.static["favicon.svg"].url
	if l.Flash == "" {
		l.Flash = takeFlash(w, r)
	}
	var buf bytes.Buffer
	if err := u.templates[name].ExecuteTemplate(&buf, "layout", v); err != nil {
		u.log.Error("render", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", htmlType)
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// redirect ends a successful write: post/redirect/get, with a flash
// message for the page it lands on.
func redirect(w http.ResponseWriter, r *http.Request, to, flash string) error {
	if flash != "" {
		setFlash(w, flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// Flash messages travel in a short-lived cookie holding one of a few
// codes, so no text a client sends is ever shown as a message.
var flashes = map[string]string{
	"zoo-created":    "The zoo was added.",
	"zoo-saved":      "The zoo was saved.",
	"zoo-deleted":    "The zoo was deleted.",
	"animal-created": "The animal was added.",
	"animal-saved":   "The animal was saved.",
	"animal-deleted": "The animal was deleted.",
	"visit-created":  "The visit was added.",
	"visit-saved":    "The visit was saved.",
	"visit-deleted":  "The visit was deleted.",
	"signed-in":      "You are signed in.",
	"signed-out":     "You are signed out.",
}

const flashCookie = "zootour_flash"

func setFlash(w http.ResponseWriter, code string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: code, Path: "/", MaxAge: 60,
		HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return flashes[c.Value]
}

// parseTemplates parses each page with the layout and the shared parts.
func parseTemplates() map[string]*template.Template {
	pages, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	shared := []string{"templates/layout.html", "templates/parts.html"}
	ts := make(map[string]*template.Template)
	for _, p := range pages {
		name := strings.TrimPrefix(p, "templates/")
		if name == "layout.html" || name == "parts.html" {
			continue
		}
		t := template.New(name).Funcs(templateFuncs)
		ts[name] = template.Must(t.ParseFS(templateFS, append(shared, p)...))
	}
	return ts
}

var templateFuncs = template.FuncMap{
	"count":  formatCount,
	"plural": plural,
	"odd":    func(i int) bool { return i%2 == 1 },
	"add": func(ns ...int) int {
		s := 0
		for _, n := range ns {
			s += n
		}
		return s
	},
}

// formatCount writes n with thousands separators: 12,345.
func formatCount(n any) string {
	var s string
	switch v := n.(type) {
	case int:
		s = strconv.Itoa(v)
	case int64:
		s = strconv.FormatInt(v, 10)
	default:
		return fmt.Sprint(n)
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
