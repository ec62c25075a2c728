package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/httpx"
	"github.com/zootour/zootour/web/internal/webtest"
)

// The roles of the route table: who sends the request.
const (
	asAnonymous = "anonymous"
	asPublic    = "anonymous, --public-read"
	asViewer    = "viewer"
	asEditor    = "editor"
	asAdmin     = "admin"
	asRevoked   = "revoked token"
	asGarbage   = "garbage token"
	asBasic     = "basic auth"
	asForeign   = "token not made here"
	asRemoved   = "token of a removed user"
)

var roles = []string{asAnonymous, asPublic, asViewer, asEditor, asAdmin, asRevoked, asGarbage, asBasic, asForeign, asRemoved}

// A class is who may call a route, as routes.go says.
type class int

const (
	open        class = iota // anyone, with any credentials
	readClass                // viewers, and anyone with --public-read
	logClass                 // any signed-in user, whatever --public-read says
	writeClass               // editors
	adminRevert              // a revert of users and tokens: admins
)

// want is the status that role gets from a route of class c that answers
// ok when allowed.
func want(c class, role string, ok int) int {
	switch role {
	case asRevoked, asGarbage, asBasic, asForeign, asRemoved:
		if c == open {
			return ok
		}
		return http.StatusUnauthorized
	case asAnonymous:
		if c == open {
			return ok
		}
		return http.StatusUnauthorized
	case asPublic:
		if c == open || c == readClass {
			return ok
		}
		return http.StatusUnauthorized
	case asViewer:
		if c == writeClass || c == adminRevert {
			return http.StatusForbidden
		}
		return ok
	case asEditor:
		if c == adminRevert {
			return http.StatusForbidden
		}
		return ok
	case asAdmin:
		return ok
	}
	panic(role)
}

// A world is a seeded store with a token for each role, served to one
// role (the public-read server differs from the others).
type world struct {
	e      *webtest.Env
	tokens map[string]string
	// visitCreated is the change that created visit 3 (an editor's revert),
	// userCreated the one that made a user (an admin's).
	visitCreated, userCreated int64
}

func newWorld(t *testing.T, s zootour.Store, role string) *world {
	t.Helper()
	webtest.Seed(t, s)
	w := &world{tokens: map[string]string{
		asViewer: webtest.User(t, s, "vic", zootour.Viewer),
		asEditor: webtest.User(t, s, "eddie", zootour.Editor),
		asAdmin:  webtest.User(t, s, "ada", zootour.Admin),
	}}
	// A revoked token of an admin: that it was an admin's gives it nothing.
	w.tokens[asRevoked] = webtest.User(t, s, "rev", zootour.Admin)
	toks, err := s.Tokens(t.Context(), "rev")
	if err != nil || len(toks) != 1 {
		t.Fatalf("tokens of rev: %v %v", toks, err)
	}
	if err := s.DeleteToken(t.Context(), toks[0].ID); err != nil {
		t.Fatal(err)
	}
	w.tokens[asRemoved] = webtest.User(t, s, "gone", zootour.Admin)
	if err := s.DeleteUser(t.Context(), "gone"); err != nil {
		t.Fatal(err)
	}
	w.tokens[asGarbage] = "zt_" + strings.Repeat("A", 43)
	w.tokens[asForeign] = "s3cret"
	w.visitCreated = changeOf(t, s, zootour.KindVisit, 3, zootour.Create)
	// A user without tokens: one with tokens made since cannot be
	// un-created, as its tokens are records of their own.
	una, err := s.CreateUser(t.Context(), "una", zootour.Viewer, "")
	if err != nil {
		t.Fatal(err)
	}
	w.userCreated = changeOf(t, s, zootour.KindUser, una.ID, zootour.Create)
	w.e = serve(t, s, role == asPublic)
	return w
}

// changeOf returns the ID of the change of record k id with the action.
func changeOf(t *testing.T, s zootour.Store, k zootour.Kind, id int64, action zootour.Action) int64 {
	t.Helper()
	cs, err := s.Changes(t.Context(), zootour.ChangeFilter{Kind: k, RecordID: id})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Action == action {
			return c.ID
		}
	}
	t.Fatalf("no %s of %s %d in %+v", action, k, id, cs)
	return 0
}

// do sends a request as role.
func (w *world) do(t *testing.T, role, method, path, body string) webtest.Reply {
	t.Helper()
	switch role {
	case asAnonymous, asPublic:
		return w.e.Do(method, path, body)
	case asBasic:
		return w.e.Do(method, path, body, "Authorization", "Basic ZWRkaWU6cGFzc3dvcmQ=")
	}
	return w.e.Do(method, path, body, webtest.Bearer(w.tokens[role])...)
}

// TestRoleTable sends every API route as every role, over a real
// connection on loopback, and checks the status: route x role -> status.
// A refused request changes neither the records nor the change log, and
// a 401 names the Bearer scheme.
func TestRoleTable(t *testing.T) {
	type row struct {
		pattern      string // the route, as routes.go has it
		method, path string
		body         string
		class        class
		ok           int
	}
	rows := []row{
		{"GET /api/zoos", "GET", "/api/zoos", "", readClass, 200},
		{"POST /api/zoos", "POST", "/api/zoos", `{"name":"C","location":"D"}`, writeClass, 201},
		{"GET /api/zoos/{id}", "GET", "/api/zoos/1", "", readClass, 200},
		{"PATCH /api/zoos/{id}", "PATCH", "/api/zoos/1", `{"name":"X"}`, writeClass, 200},
		{"DELETE /api/zoos/{id}", "DELETE", "/api/zoos/1?cascade=true", "", writeClass, 204},
		{"GET /api/zoos/{id}/visits", "GET", "/api/zoos/1/visits", "", readClass, 200},
		{"GET /api/zoos/{id}/animals", "GET", "/api/zoos/1/animals", "", readClass, 200},
		{"GET /api/zoos/{id}/present", "GET", "/api/zoos/1/present?on=2024-01-05", "", readClass, 200},
		{"GET /api/zoos/{id}/history", "GET", "/api/zoos/1/history", "", logClass, 200},
		{"GET /api/animals", "GET", "/api/animals", "", readClass, 200},
		{"POST /api/animals", "POST", "/api/animals", `{"name":"C","species":"D"}`, writeClass, 201},
		{"GET /api/animals/{id}", "GET", "/api/animals/1", "", readClass, 200},
		{"PATCH /api/animals/{id}", "PATCH", "/api/animals/1", `{"species":"X"}`, writeClass, 200},
		{"DELETE /api/animals/{id}", "DELETE", "/api/animals/2?cascade=true", "", writeClass, 204},
		{"GET /api/animals/{id}/visits", "GET", "/api/animals/1/visits", "", readClass, 200},
		{"GET /api/animals/{id}/zoos", "GET", "/api/animals/1/zoos", "", readClass, 200},
		{"GET /api/animals/{id}/itinerary", "GET", "/api/animals/1/itinerary", "", readClass, 200},
		{"GET /api/animals/{id}/where", "GET", "/api/animals/1/where?on=2024-01-05", "", readClass, 200},
		{"GET /api/animals/{id}/contacts", "GET", "/api/animals/1/contacts", "", readClass, 200},
		{"GET /api/animals/{id}/history", "GET", "/api/animals/1/history", "", logClass, 200},
		{"GET /api/visits", "GET", "/api/visits", "", readClass, 200},
		{"POST /api/visits", "POST", "/api/visits", `{"date":"2024-03-01","zoo_id":2,"animal_id":2}`, writeClass, 201},
		{"GET /api/visits/{id}", "GET", "/api/visits/1", "", readClass, 200},
		{"PATCH /api/visits/{id}", "PATCH", "/api/visits/1", `{"date":"2024-01-05"}`, writeClass, 200},
		{"DELETE /api/visits/{id}", "DELETE", "/api/visits/1", "", writeClass, 204},
		{"GET /api/visits/{id}/history", "GET", "/api/visits/1/history", "", logClass, 200},
		{"GET /api/census", "GET", "/api/census?on=2024-01-05", "", readClass, 200},
		{"GET /api/changes", "GET", "/api/changes", "", logClass, 200},
		{"POST /api/changes/{id}/revert", "POST", "/api/changes/{a visit's creation}/revert", "", writeClass, 200},
		{"POST /api/changes/{id}/revert", "POST", "/api/changes/{a user's creation}/revert", "", adminRevert, 200},
		{"GET /api/openapi.json", "GET", "/api/openapi.json", "", open, 200},
	}

	// The table covers every route.
	var covered, all []string
	for _, r := range rows {
		covered = append(covered, r.pattern)
	}
	for _, rt := range newServer(http.NewServeMux(), webtest.MemoryStore(t), defaultOptions(t)).routes() {
		all = append(all, rt.method+" "+rt.path)
	}
	slices.Sort(covered)
	slices.Sort(all)
	if covered = slices.Compact(covered); !slices.Equal(covered, all) {
		t.Fatalf("the table covers\n%q\nthe routes are\n%q", covered, all)
	}

	for _, r := range rows {
		for _, role := range roles {
			status := want(r.class, role, r.ok)
			t.Run(fmt.Sprintf("%s %s as %s", r.method, r.path, role), func(t *testing.T) {
				w := newWorld(t, webtest.MemoryStore(t), role)
				path := r.path
				switch path {
				case "/api/changes/{a visit's creation}/revert":
					path = fmt.Sprintf("/api/changes/%d/revert", w.visitCreated)
				case "/api/changes/{a user's creation}/revert":
					path = fmt.Sprintf("/api/changes/%d/revert", w.userCreated)
				}
				before, log := webtest.Snap(t, w.e.Store), webtest.Log(t, w.e.Store)
				got := w.do(t, role, r.method, path, r.body)
				if got.Status != status {
					t.Fatalf("%s %s as %s: %d, want %d: %s", r.method, path, role, got.Status, status, got.Body)
				}
				if status >= 400 {
					webtest.Must(t, got, status)
					if !webtest.Snap(t, w.e.Store).Equal(before) || len(webtest.Log(t, w.e.Store)) != len(log) {
						t.Error("a refused request changed the store")
					}
				}
				if auth := got.Header.Get("WWW-Authenticate"); (status == 401) != (auth == `Bearer realm="zootour"`) {
					t.Errorf("status %d with WWW-Authenticate %q", status, auth)
				}
			})
		}
	}
}

// TestRevocation checks that a revoked token, a removed user and a
// changed role take effect on the very next request.
func TestRevocation(t *testing.T) {
	s := webtest.MemoryStore(t)
	webtest.Seed(t, s)
	e := serve(t, s, false)
	tok := webtest.User(t, s, "eve", zootour.Editor)
	other := webtest.Token(t, s, "eve")
	as := e.As(tok)
	webtest.Must(t, as.Do("GET", "/api/zoos/1", ""), 200)
	webtest.Must(t, as.Do("PATCH", "/api/zoos/1", `{"name":"A"}`), 200)

	// Demoted: reads on, writes refused at once.
	demoted := zootour.Viewer
	if _, err := s.UpdateUser(t.Context(), "eve", zootour.UserUpdate{Role: &demoted}); err != nil {
		t.Fatal(err)
	}
	webtest.Must(t, as.Do("PATCH", "/api/zoos/1", `{"name":"B"}`), 403)
	webtest.Must(t, as.Do("GET", "/api/zoos/1", ""), 200)

	// Revoked: the token is worth nothing from the next request on; the
	// user's other token still works.
	toks, err := s.Tokens(t.Context(), "eve")
	if err != nil || len(toks) != 2 {
		t.Fatalf("tokens %+v %v", toks, err)
	}
	if err := s.DeleteToken(t.Context(), toks[0].ID); err != nil {
		t.Fatal(err)
	}
	webtest.Must(t, as.Do("GET", "/api/zoos/1", ""), 401)
	webtest.Must(t, e.As(other).Do("GET", "/api/zoos/1", ""), 200)

	// Removed: every token of the user with it.
	if err := s.DeleteUser(t.Context(), "eve"); err != nil {
		t.Fatal(err)
	}
	webtest.Must(t, e.As(other).Do("GET", "/api/zoos/1", ""), 401)
	if z, err := s.Zoo(t.Context(), 1); err != nil || z.Name != "A" {
		t.Errorf("zoo 1 is %+v, %v: a refused write went through", z, err)
	}
}

// TestCrossOriginAndHeaders checks that a browser's cross-origin write is
// refused even with an editor's token, and that no header makes a
// request someone's.
func TestCrossOriginAndHeaders(t *testing.T) {
	s := webtest.MemoryStore(t)
	webtest.Seed(t, s)
	e := serve(t, s, false)
	tok := webtest.User(t, s, "eddie", zootour.Editor)
	const body = `{"name":"A","location":"B"}`
	for _, tt := range []struct {
		name    string
		headers []string
		status  int
	}{
		{"cross-site browser", []string{"Sec-Fetch-Site", "cross-site"}, 403},
		{"foreign origin", []string{"Origin", "https://evil.example"}, 403},
		{"same-origin browser", []string{"Sec-Fetch-Site", "same-origin"}, 201},
		{"lower-case scheme", []string{"Authorization", "bearer " + tok}, 201},
		{"forged forwarding headers", []string{"Authorization", "", "X-Forwarded-For", "127.0.0.1", "X-Real-Ip", "127.0.0.1", "Forwarded", "for=127.0.0.1"}, 401},
		{"empty bearer", []string{"Authorization", "Bearer "}, 401},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := webtest.Snap(t, s)
			webtest.Must(t, e.As(tok).Do("POST", "/api/zoos", body, tt.headers...), tt.status)
			if tt.status >= 400 && !webtest.Snap(t, s).Equal(before) {
				t.Error("a refused write changed the store")
			}
		})
	}
}

// defaultOptions are the API's options with no one signed in.
func defaultOptions(t *testing.T) httpx.Options { return httpx.Options{Logger: webtest.Logger(t)} }
