// Package pages serves the pages for people: server-rendered HTML from
// html/template, with the templates, CSS and icon embedded, so that the
// binary needs nothing from the network and the pages work without
// JavaScript. Who may read, write and manage users follows the API's rule,
// kept in package httpx (users with roles, signed in by a session or a
// token). Every handler is small and returns an error, which
// one adapter turns into an HTML error page.
package pages

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/accounts"
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

// ui holds what the pages share: the store, the rule of who may do what,
// the setup code of a store without users, and the mux they are
// registered on.
type ui struct {
	store     httpx.ReadWriter
	auth      *httpx.Auth
	setup     *accounts.Setup
	limit     *httpx.Limiter
	log       *slog.Logger
	mux       *http.ServeMux
	zoos      *kind
	animals   *kind
	templates map[string]*template.Template
	static    map[string]asset
	imports   *imports
	// base is the path the pages are mounted under ("" at the root),
	// which every link, form and redirect they give starts with.
	base string
}

// New returns the pages over s, on a mux of their own: everything outside
// /api and the operational routes, with an HTML 404 (or 405 with Allow)
// for paths that no route has. The caller keeps owning s. Uploaded
// imports are removed as they expire; a server that must remove them when
// it stops uses Register.
func New(s httpx.ReadWriter, opts httpx.Options) http.Handler {
	mux := http.NewServeMux()
	Register(mux, s, opts)
	return mux
}

// Register adds the pages to mux, for a server that serves more than the
// pages on one mux: they take every path that no other route has, and a
// 405 names the methods of any route on mux. The import page imports into
// s if s is also a zootour.Transfer (a zootour.Store is). Close what it
// returns once the server has stopped: that ends any import's check or
// import (which then changes nothing) and removes the uploaded files.
func Register(mux *http.ServeMux, s httpx.ReadWriter, opts httpx.Options) io.Closer {
	opts = opts.WithDefaults()
	if opts.Auth == nil {
		// No rule given: users of the store only, no public read.
		opts.Auth = httpx.NewAuth(accounts.New(s), false)
	}
	u := &ui{
		store:     s,
		auth:      opts.Auth,
		setup:     opts.Setup,
		limit:     opts.Limiter,
		log:       opts.Logger,
		mux:       mux,
		zoos:      zooKind(s),
		animals:   animalKind(s),
		templates: parseTemplates(),
		static:    loadStatic(),
		base:      opts.BasePath,
	}
	u.imports = newImports(s, opts)
	u.routes()
	return u.imports
}

// routes registers the pages on their mux.
func (u *ui) routes() {
	mux := u.mux
	read := func(h pageFunc) http.Handler { return u.page(u.need(zootour.Viewer, h)) }
	form := func(h pageFunc) http.Handler { return u.page(u.need(zootour.Editor, h)) }
	write := func(h pageFunc) http.Handler { return u.page(u.need(zootour.Editor, u.posted(h))) }
	admin := func(h pageFunc) http.Handler { return u.page(u.need(zootour.Admin, h)) }
	adminWrite := func(h pageFunc) http.Handler { return u.page(u.need(zootour.Admin, u.posted(h))) }
	open := func(h pageFunc) http.Handler { return u.page(h) }
	openPost := func(h pageFunc) http.Handler { return u.page(u.posted(h)) }

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

	mux.Handle("GET /import", form(u.importForm))
	mux.Handle("POST /import", u.streamed(u.need(zootour.Editor, u.upload)))
	mux.Handle("GET /import/{id}", form(u.importJob))
	mux.Handle("POST /import/{id}", write(u.confirmImport))
	mux.Handle("POST /import/{id}/discard", write(u.discardImport))

	mux.Handle("GET /visits", read(u.visits))
	mux.Handle("GET /visits/new", form(u.newVisit))
	mux.Handle("POST /visits", write(u.createVisit))
	mux.Handle("GET /visits/{id}", read(u.visit))
	mux.Handle("GET /visits/{id}/edit", form(u.editVisit))
	mux.Handle("POST /visits/{id}/edit", write(u.updateVisit))
	mux.Handle("GET /visits/{id}/delete", form(u.confirmDeleteVisit))
	mux.Handle("POST /visits/{id}/delete", write(u.deleteVisit))

	// The change log is for signed-in users, public read or not; a revert
	// needs an editor, or an admin for users and tokens (see revert).
	mux.Handle("GET /changes", u.page(u.signedIn(u.changes)))
	mux.Handle("POST /changes/{id}/revert", write(u.revert))

	mux.Handle("GET /users", admin(u.users))
	mux.Handle("POST /users", adminWrite(u.addUser))
	mux.Handle("GET /users/{name}", admin(u.user))
	mux.Handle("POST /users/{name}/role", adminWrite(u.setRole))
	mux.Handle("POST /users/{name}/password", adminWrite(u.resetPassword))
	mux.Handle("GET /users/{name}/delete", admin(u.confirmRemoveUser))
	mux.Handle("POST /users/{name}/delete", adminWrite(u.removeUser))
	mux.Handle("POST /users/{name}/tokens", adminWrite(u.addToken))
	mux.Handle("POST /users/{name}/tokens/{id}/delete", adminWrite(u.revokeToken))

	mux.Handle("GET /setup", open(u.setupGet))
	mux.Handle("POST /setup", openPost(u.setupPost))
	mux.Handle("GET /signin", open(u.signInForm))
	mux.Handle("POST /signin", openPost(u.signIn))
	mux.Handle("POST /signout", openPost(u.signOut))

	mux.HandleFunc("GET /static/{name}", u.serveStatic)
	mux.Handle("/", u.page(u.notFound))
}

// pageFunc is a page handler: it renders or redirects on success and
// returns any failure for page to answer as an HTML error page.
type pageFunc func(w http.ResponseWriter, r *http.Request) error

// page adapts h to http.Handler: it sets the headers every page carries,
// bounds the requests served at once like the API, finds who is asking
// (a bad token is a 401 page) and answers errors.
func (u *ui) page(h pageFunc) http.Handler {
	serve := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Who is asking first: a slot is for a request known to be
		// allowed to ask (httpx.Limiter).
		r, err := u.identify(r)
		if err == nil {
			var release func()
			if release, err = u.limit.Acquire(r); err == nil {
				defer release()
				err = h(w, r)
			}
		}
		if err != nil {
			u.fail(w, r, err)
		}
	})
	return httpx.UnderBase(u.base, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		// Everything comes from this server; nothing may frame the pages.
		hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		// Pages carry form tokens and change with every write.
		hd.Set("Cache-Control", "no-store")
		serve.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), baseKey{}, u.base)))
	}))
}

// errorPage is the data of an error page.
type errorPage struct {
	layout
	Status     int
	Message    string
	SignIn     bool   // offer a link to sign in
	HistoryURL string // the history of a record that is gone
	Back       string // the page to go back to
}

// fail answers err as an HTML page with the status of its kind. Internal
// errors are logged with their detail and shown as "internal error".
func (u *ui) fail(w http.ResponseWriter, r *http.Request, err error) {
	httpx.SetRetryAfter(w, err)
	status, msg, ok := httpx.Status(err)
	switch {
	case !ok:
		msg = "Something went wrong on the server (an internal error). It has been logged."
		u.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	default:
		msg = sentence(msg) // the store's or the API's words, not always the pages' own
	}
	title := http.StatusText(status)
	if status == http.StatusNotFound {
		title = "Not found"
	}
	p := &errorPage{layout: layout{Title: title}, Status: status, Message: msg}
	who := httpx.WhoOf(r.Context())
	// Offer to sign in to whoever has no credentials that count, or (as
	// someone else) to a user whose role falls short.
	var short *refusal
	p.SignIn = status == http.StatusUnauthorized || errors.As(err, &short)
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="zootour"`)
	}
	var gone *missing
	if errors.As(err, &gone) && !who.Anonymous() {
		p.HistoryURL = historyURL(gone.kind, gone.id)
	}
	var back *withBack
	if errors.As(err, &back) {
		p.Back = back.back
	}
	u.render(w, r, status, "error.html", p)
}

// missing is the 404 of a record that does not exist; it may have been
// deleted, so the page links to its history, where a revert can bring it
// back.
type missing struct {
	err  *httpx.Error
	kind zootour.Kind
	id   int64
}

func (m *missing) Error() string { return m.err.Detail }
func (m *missing) Unwrap() error { return m.err }

// withBack is an error whose page links back to where the client was.
type withBack struct {
	error
	back string
}

func (b *withBack) Unwrap() error { return b.error }

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
	return &missing{&httpx.Error{Status: http.StatusNotFound, Detail: fmt.Sprintf("There is no %s %d: it may have been deleted.", kind, id)}, zootour.Kind(kind), id}
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
	Here    string // this page, for the sign-in link to come back to
}

func (l *layout) base() *layout { return l }

// view is the data of any page: it embeds layout.
type view interface{ base() *layout }

// render executes the page's template into a buffer, so that a template
// failure can still be answered with a status, then writes it.
func (u *ui) render(w http.ResponseWriter, r *http.Request, status int, name string, v view) {
	l := v.base()
	l.Access = accessOf(httpx.WhoOf(r.Context()))
	var err error
	if l.CSRF, err = u.formToken(r.Context()); err != nil {
		u.log.Error("form token", "err", err) // its forms will be refused
	}
	l.CSS = u.static["style.css"].url
	l.Icon = u.static["favicon.svg"].url
	if r.Method == http.MethodGet && r.URL.Path != "/signin" {
		l.Here = r.URL.RequestURI()
	}
	if l.Flash == "" {
		l.Flash = u.flashText(r, takeFlash(w, r))
	}
	var buf bytes.Buffer
	if err := u.templates[name].ExecuteTemplate(&buf, "layout", v); err != nil {
		u.log.Error("render", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	out := u.underBase(buf.Bytes())
	w.Header().Set("Content-Type", htmlType)
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(status)
	w.Write(out)
}

// rooted are the attributes whose values the templates write as paths
// from the root ("/zoos/1"), and so the attributes underBase moves.
var rooted = [][]byte{[]byte(` href="/`), []byte(` action="/`), []byte(` src="/`)}

// underBase moves the links, forms and assets of a rendered page under
// the base path, in one place, so that the templates and the handlers
// write every path from the root as if the pages were mounted there.
func (u *ui) underBase(page []byte) []byte {
	if u.base == "" {
		return page
	}
	for _, attr := range rooted {
		moved := append(attr[:len(attr)-1:len(attr)-1], u.base+"/"...)
		page = bytes.ReplaceAll(page, attr, moved)
	}
	return page
}

// baseKey is the context key of the base path, for what a handler writes
// outside the page: cookies, and paths it reads back from the client.
type baseKey struct{}

func basePath(r *http.Request) string {
	b, _ := r.Context().Value(baseKey{}).(string)
	return b
}

// cookiePath is the Path of the pages' cookies: the base path, so that
// another application on the same host never gets them.
func cookiePath(r *http.Request) string { return basePath(r) + "/" }

// redirect ends a successful write: post/redirect/get, with a flash
// message for the page it lands on.
func redirect(w http.ResponseWriter, r *http.Request, to, flash string) error {
	if flash != "" {
		setFlash(w, r, flash)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// Flash messages travel in a short-lived cookie holding one of a few
// codes, so no text a client sends is ever shown as a message; the
// code "reverted.ID" names a change, whose words come from the store.
var flashes = map[string]string{
	"zoo-created":    "The zoo was added.",
	"zoo-saved":      "The zoo was saved.",
	"zoo-deleted":    "The zoo was deleted. Latest changes can bring it back.",
	"animal-created": "The animal was added.",
	"animal-saved":   "The animal was saved.",
	"animal-deleted": "The animal was deleted. Latest changes can bring it back.",
	"visit-created":  "The visit was added.",
	"visit-saved":    "The visit was saved.",
	"visit-deleted":  "The visit was deleted. Latest changes can bring it back.",
	"signed-out":     "You are signed out.",
	"first-admin":    "You are the first admin, and signed in. Add the others under Users.",
	"user-added":     "The user was added.",
	"role-changed":   "The role was changed; the user's sessions have ended.",
	"password-set":   "The password was set; the user's sessions have ended.",
	"user-removed":   "The user was removed, with their tokens and sessions.",
	"token-revoked":  "The token was revoked: it no longer works.",
}

// flashText returns the words of a flash code for the page of r.
func (u *ui) flashText(r *http.Request, code string) string {
	switch {
	case code == "signed-in":
		if who := httpx.WhoOf(r.Context()); !who.Anonymous() {
			return fmt.Sprintf("You are signed in as %s (%s).", who.User.Name, who.User.Role)
		}
		return ""
	case strings.HasPrefix(code, "reverted."):
		id, err := strconv.ParseInt(strings.TrimPrefix(code, "reverted."), 10, 64)
		if err != nil || id <= 0 {
			return ""
		}
		return u.revertedText(r.Context(), id)
	}
	return flashes[code]
}

const flashCookie = "zootour_flash"

func setFlash(w http.ResponseWriter, r *http.Request, code string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: code, Path: cookiePath(r), MaxAge: 60,
		HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: cookiePath(r), MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return c.Value
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
