package api

import (
	"bytes"
	_ "embed"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/accounts"
	"github.com/zootour/zootour/web/httpx"
)

// server is the API: its routes, what its handlers share, and the mux it
// is registered on.
type server struct {
	store httpx.ReadWriter
	auth  *httpx.Auth
	limit *httpx.Limiter
	log   *slog.Logger
	mux   *http.ServeMux
	// base is the path the API is mounted under: its Location headers
	// start with it (httpx.UnderBase).
	base string
}

// New returns the API over s, on a mux of its own. It answers the paths
// under /api as they are: mount it at /api/ and /api without stripping the
// prefix. Without opts.Auth only users with a token or session get in,
// and no one reads anonymously. The caller keeps owning s.
func New(s httpx.ReadWriter, opts httpx.Options) http.Handler {
	mux := http.NewServeMux()
	Register(mux, s, opts)
	return mux
}

// Register adds the API's routes to mux, for a server that serves more
// than the API on one mux: a request routes as if the API had it to
// itself, and a 405 names the methods of any route on mux.
func Register(mux *http.ServeMux, s httpx.ReadWriter, opts httpx.Options) { newServer(mux, s, opts) }

func newServer(mux *http.ServeMux, s httpx.ReadWriter, opts httpx.Options) *server {
	opts = opts.WithDefaults()
	if opts.Auth == nil {
		// No one signed in reads or writes: the safe default.
		opts.Auth = httpx.NewAuth(accounts.New(s), false)
	}
	a := &server{store: s, auth: opts.Auth, limit: opts.Limiter, log: opts.Logger, mux: mux, base: opts.BasePath}
	for _, rt := range a.routes() {
		a.mux.Handle(rt.method+" "+rt.path, rt.handler)
	}
	// Anything else under /api is answered in problem+json.
	a.mux.Handle("/api/", a.api(a.notFound))
	a.mux.Handle("/api", a.api(a.notFound))
	return a
}

// A route is one (method, path) the API answers, who may call it, and its
// handler. The path is written the same way in the ServeMux pattern and
// in the OpenAPI document, so a test can hold the two to the same set, and
// the document's security to who.
type route struct {
	method, path string
	who          access
	handler      http.Handler
}

// routes is the route table: every API route, in one place, with who may
// call it. The server that mounts the API adds its operational routes,
// which the OpenAPI document describes too.
func (a *server) routes() []route {
	s := a.store
	table := []struct {
		method, path string
		who          access
		h            apiFunc
	}{
		{"GET", "/api/zoos", reader, findZoos(s)},
		{"POST", "/api/zoos", editor, create("/api/zoos/", s.CreateZoo, zooKey)},
		{"GET", "/api/zoos/{id}", reader, get(s.Zoo)},
		{"PATCH", "/api/zoos/{id}", editor, update(s.UpdateZoo)},
		{"DELETE", "/api/zoos/{id}", editor, remove(s.DeleteZoo, true)},
		{"GET", "/api/zoos/{id}/visits", reader, related(s.ZooVisits, visitPos, false)},
		{"GET", "/api/zoos/{id}/animals", reader, related(s.ZooAnimals, zooAnimalPos, true)},
		{"GET", "/api/zoos/{id}/present", reader, present(s)},
		{"GET", "/api/zoos/{id}/history", signedIn, history(s, zootour.KindZoo)},

		{"GET", "/api/animals", reader, findAnimals(s)},
		{"POST", "/api/animals", editor, create("/api/animals/", s.CreateAnimal, animalKey)},
		{"GET", "/api/animals/{id}", reader, get(s.Animal)},
		{"PATCH", "/api/animals/{id}", editor, update(s.UpdateAnimal)},
		{"DELETE", "/api/animals/{id}", editor, remove(s.DeleteAnimal, true)},
		{"GET", "/api/animals/{id}/visits", reader, related(s.AnimalVisits, visitPos, false)},
		{"GET", "/api/animals/{id}/zoos", reader, related(s.AnimalZoos, animalZooPos, true)},
		{"GET", "/api/animals/{id}/itinerary", reader, itinerary(s)},
		{"GET", "/api/animals/{id}/where", reader, where(s)},
		{"GET", "/api/animals/{id}/contacts", reader, contacts(s)},
		{"GET", "/api/animals/{id}/history", signedIn, history(s, zootour.KindAnimal)},

		{"GET", "/api/visits", reader, findVisits(s)},
		{"POST", "/api/visits", editor, create("/api/visits/", s.CreateVisit, visitKey)},
		{"GET", "/api/visits/{id}", reader, get(s.Visit)},
		{"PATCH", "/api/visits/{id}", editor, update(s.UpdateVisit)},
		{"DELETE", "/api/visits/{id}", editor, remove(deleteVisit(s), false)},
		{"GET", "/api/visits/{id}/history", signedIn, history(s, zootour.KindVisit)},

		{"GET", "/api/census", reader, census(s)},

		{"GET", "/api/changes", signedIn, changes(s)},
		// An editor's route: revert asks for admin itself when the batch
		// holds users or tokens.
		{"POST", "/api/changes/{id}/revert", editor, revert(s, a.auth)},

		// Open to all: it describes how to sign in.
		{"GET", "/api/openapi.json", anyone, serveOpenAPI(a.base)},
	}
	routes := make([]route, len(table))
	for i, rt := range table {
		h := a.api(rt.h)
		switch rt.who {
		case anyone:
		case editor:
			h = a.api(a.guard(rt.who, a.idempotent(rt.h)))
		default:
			h = a.api(a.guard(rt.who, rt.h))
		}
		routes[i] = route{rt.method, rt.path, rt.who, httpx.UnderBase(a.base, h)}
	}
	return routes
}

// An access is who may call a route (docs/accounts.md).
type access int

const (
	// anyone may call the route, with any credentials or none, which
	// are not looked at: the document that says how to sign in.
	anyone access = iota
	// reader routes need a viewer, or anyone when the server reads publicly.
	reader
	// signedIn routes (the change log) need a user of any role, always:
	// public reading is of records, not of who changed them.
	signedIn
	// editor routes write: an editor, from the same origin.
	editor
)

// guard lets h run only for a request that acc allows, with who made it
// in its context, so that its writes are logged as that user's. A browser's
// cross-origin write is refused before the token is even looked up; a
// bad token is 401 whatever the route needs.
func (a *server) guard(acc access, h apiFunc) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if acc == editor && a.auth.CrossOrigin(r) {
			return &httpx.Error{Status: http.StatusForbidden, Detail: "cross-origin writes are not allowed"}
		}
		who, err := a.auth.Identify(r)
		if err != nil {
			return err
		}
		switch acc {
		case reader:
			err = a.auth.Allow(who, zootour.Viewer)
		case signedIn:
			err = a.auth.SignedIn(who)
		case editor:
			err = a.auth.Allow(who, zootour.Editor)
		}
		if err != nil {
			return err
		}
		r, release, err := a.limit.Hold(r)
		if err != nil {
			return err
		}
		defer release()
		return h(w, r.WithContext(httpx.WithWho(r.Context(), who)))
	}
}

// notFound answers a path under /api that no route has: 405 with Allow
// if some method has it, else 404.
func (a *server) notFound(w http.ResponseWriter, r *http.Request) error {
	if allow := httpx.Allowed(r, a.mux); allow != "" {
		w.Header().Set("Allow", allow)
		return &httpx.Error{Status: http.StatusMethodNotAllowed, Detail: r.Method + " is not allowed on " + r.URL.Path + "; use " + allow}
	}
	return zootour.Errorf(zootour.ENOTFOUND, "there is nothing at %s", r.URL.Path)
}

//go:embed openapi.json
var openAPI []byte

// serveOpenAPI answers the OpenAPI 3.1 document of the API, which also
// describes the operational routes of the server that mounts it; its
// server is the base path, where the document's paths are.
func serveOpenAPI(base string) apiFunc {
	doc := openAPI
	if base != "" {
		doc = bytes.Replace(openAPI, []byte(`"url": "/"`), []byte(`"url": "`+base+`/"`), 1)
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
		w.Write(doc)
		return nil
	}
}
