package api

import (
	_ "embed"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/httpx"
)

// server is the API: its routes, what its handlers share, and the mux it
// is registered on.
type server struct {
	store httpx.ReadWriter
	guard *httpx.Guard
	limit *httpx.Limiter
	log   *slog.Logger
	mux   *http.ServeMux
}

// New returns the API over s, on a mux of its own. It answers the paths
// under /api as they are: mount it at /api/ and /api without stripping the
// prefix. The caller keeps owning s.
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
	a := &server{store: s, guard: opts.Guard, limit: opts.Limiter, log: opts.Logger, mux: mux}
	for _, rt := range a.routes() {
		a.mux.Handle(rt.method+" "+rt.path, rt.handler)
	}
	// Anything else under /api is answered in problem+json.
	a.mux.Handle("/api/", a.api(a.notFound))
	a.mux.Handle("/api", a.api(a.notFound))
	return a
}

// A route is one (method, path) the API answers, with its handler. The
// path is written the same way in the ServeMux pattern and in the OpenAPI
// document, so a test can hold the two to the same set.
type route struct {
	method, path string
	handler      http.Handler
}

// routes is the route table: every API route, in one place. The server
// that mounts the API adds its operational routes, which the OpenAPI
// document describes too.
func (a *server) routes() []route {
	s := a.store
	read := func(h apiFunc) http.Handler { return a.limit.Limit(a.api(h), a.busy) }
	write := func(h apiFunc) http.Handler { return a.limit.Limit(a.api(a.authorized(h)), a.busy) }
	return []route{
		{"GET", "/api/zoos", read(findZoos(s))},
		{"POST", "/api/zoos", write(create("/api/zoos/", s.CreateZoo, zooKey))},
		{"GET", "/api/zoos/{id}", read(get(s.Zoo))},
		{"PATCH", "/api/zoos/{id}", write(update(s.UpdateZoo))},
		{"DELETE", "/api/zoos/{id}", write(remove(s.DeleteZoo, true))},
		{"GET", "/api/zoos/{id}/visits", read(related(s.ZooVisits, visitPos, false))},
		{"GET", "/api/zoos/{id}/animals", read(related(s.ZooAnimals, zooAnimalPos, true))},
		{"GET", "/api/zoos/{id}/present", read(present(s))},

		{"GET", "/api/animals", read(findAnimals(s))},
		{"POST", "/api/animals", write(create("/api/animals/", s.CreateAnimal, animalKey))},
		{"GET", "/api/animals/{id}", read(get(s.Animal))},
		{"PATCH", "/api/animals/{id}", write(update(s.UpdateAnimal))},
		{"DELETE", "/api/animals/{id}", write(remove(s.DeleteAnimal, true))},
		{"GET", "/api/animals/{id}/visits", read(related(s.AnimalVisits, visitPos, false))},
		{"GET", "/api/animals/{id}/zoos", read(related(s.AnimalZoos, animalZooPos, true))},
		{"GET", "/api/animals/{id}/itinerary", read(itinerary(s))},
		{"GET", "/api/animals/{id}/where", read(where(s))},
		{"GET", "/api/animals/{id}/contacts", read(contacts(s))},

		{"GET", "/api/visits", read(findVisits(s))},
		{"POST", "/api/visits", write(create("/api/visits/", s.CreateVisit, visitKey))},
		{"GET", "/api/visits/{id}", read(get(s.Visit))},
		{"PATCH", "/api/visits/{id}", write(update(s.UpdateVisit))},
		{"DELETE", "/api/visits/{id}", write(remove(deleteVisit(s), false))},

		{"GET", "/api/census", read(census(s))},

		{"GET", "/api/openapi.json", http.HandlerFunc(serveOpenAPI)},
	}
}

// busy answers a request beyond the Limiter's bound.
func (a *server) busy(w http.ResponseWriter, r *http.Request) {
	a.problem(w, r, &httpx.Error{Status: http.StatusServiceUnavailable, Detail: "the server is busy: try again in a moment"})
}

// authorized lets h run only if the client may write, by the Guard's rule:
//
//   - a browser's cross-origin request (Sec-Fetch-Site, Origin) never;
//   - a request with "Authorization: Bearer T" if the server has a token
//     and T is it (403 if not, wherever the client is);
//   - otherwise a loopback client, if it addresses the server by a
//     loopback name;
//   - anyone else: 401 if the server has a token, 403 if it has none.
func (a *server) authorized(h apiFunc) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if a.guard.CrossOrigin(r) {
			return &httpx.Error{Status: http.StatusForbidden, Detail: "cross-origin writes are not allowed"}
		}
		if auth := r.Header.Get("Authorization"); auth != "" && a.guard.HasToken() {
			scheme, token, _ := strings.Cut(auth, " ")
			if !strings.EqualFold(scheme, "Bearer") {
				w.Header().Set("WWW-Authenticate", `Bearer realm="zootour"`)
				return &httpx.Error{Status: http.StatusUnauthorized, Detail: "Authorization must be Bearer TOKEN"}
			}
			if !a.guard.IsToken(strings.TrimSpace(token)) {
				return &httpx.Error{Status: http.StatusForbidden, Detail: "the token is not this server's"}
			}
			return h(w, r)
		}
		if httpx.LoopbackClient(r) {
			if !a.guard.Local(r) {
				return &httpx.Error{Status: http.StatusForbidden, Detail: "writes without a token must address the server as localhost or a loopback IP, not " + r.Host}
			}
			return h(w, r)
		}
		if !a.guard.HasToken() {
			return &httpx.Error{Status: http.StatusForbidden, Detail: "this server takes writes only from its own machine: it has no token"}
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="zootour"`)
		return &httpx.Error{Status: http.StatusUnauthorized, Detail: "writes from other machines need Authorization: Bearer TOKEN"}
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
// describes the operational routes of the server that mounts it.
func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(openAPI)))
	w.Write(openAPI)
}
