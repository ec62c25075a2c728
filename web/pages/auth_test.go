package pages

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/accounts"
	"github.com/zootour/zootour/sqlite"
	"github.com/zootour/zootour/web/httpx"
	"github.com/zootour/zootour/web/internal/webtest"
)

// The password of every user the tests make.
const password = "correct horse battery"

// handler returns the pages over s as a server makes them.
func handler(t *testing.T, s zootour.Store, publicRead bool, setup *accounts.Setup) http.Handler {
	return New(s, httpx.Options{Auth: httpx.NewAuth(accounts.New(s), publicRead), Setup: setup, Logger: webtest.Logger(t)})
}

// newEnvWith serves the pages over s, anonymous reads allowed if
// publicRead, with the setup code of a store without users if any.
func newEnvWith(t *testing.T, s zootour.Store, publicRead bool, setup *accounts.Setup) *webtest.Env {
	t.Helper()
	return webtest.NewEnv(t, s, handler(t, s, publicRead, setup))
}

// addUser makes a user of the role with the tests' password, unless one
// of that name exists.
func addUser(t *testing.T, s zootour.Store, name string, role zootour.Role) {
	t.Helper()
	_, err := accounts.New(s).AddUser(t.Context(), name, role, password)
	if err != nil && zootour.ErrorCode(err) != zootour.ECONFLICT {
		t.Fatal(err)
	}
}

// member returns a client signed in, through the form, as a user of the
// role named after it.
func member(t *testing.T, e *webtest.Env, role zootour.Role) *pageClient {
	t.Helper()
	return signedIn(t, e, string(role), role)
}

// signedIn returns a client signed in through the form as name, a user of
// the role (made if new).
func signedIn(t *testing.T, e *webtest.Env, name string, role zootour.Role) *pageClient {
	t.Helper()
	addUser(t, e.Store, name, role)
	c := newPageClient(t, e.URL)
	p := c.signIn(name, password)
	if p.status != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d\n%s", name, p.status, p.body)
	}
	return c
}

func (c *pageClient) signIn(name, pw string) page {
	c.t.Helper()
	return c.submit("/signin", "/signin", url.Values{"name": {name}, "password": {pw}})
}

// bearerClient returns a client that sends a new token of the user name
// (made with the role if new) on every request, and no cookies.
func bearerClient(t *testing.T, e *webtest.Env, name string, role zootour.Role) (*pageClient, string) {
	t.Helper()
	addUser(t, e.Store, name, role)
	secret, _, err := accounts.New(e.Store).AddToken(t.Context(), name, "test")
	if err != nil {
		t.Fatal(err)
	}
	c := newPageClient(t, e.URL)
	c.c.Jar = nil
	c.header = http.Header{"Authorization": {"Bearer " + secret}}
	return c, secret
}

// lastChange returns the path of the latest change of kind k.
func lastChange(t *testing.T, s zootour.Store, k zootour.Kind) string {
	t.Helper()
	cs, err := s.Changes(t.Context(), zootour.ChangeFilter{Kind: k, Limit: 1})
	if err != nil || len(cs) != 1 {
		t.Fatalf("the latest change of a %s: %v (%v)", k, cs, err)
	}
	return fmt.Sprintf("/changes/%d", cs[0].ID)
}

// anonToken is the form token of a client without a session.
func anonToken(t *testing.T, e *webtest.Env) string {
	t.Helper()
	return token(t, newPageClient(t, e.URL).must("/signin", http.StatusOK))
}

// TestPagesRoles checks each role on each kind of route: reading, a
// write's form, a write, the change log and the admin's pages, with and
// without public read.
func TestPagesRoles(t *testing.T) {
	for _, public := range []bool{false, true} {
		t.Run(fmt.Sprintf("public=%v", public), func(t *testing.T) {
			e := newEnvWith(t, webtest.MemoryStore(t), public, nil)
			webtest.Seed(t, e.Store)
			clients := map[string]*pageClient{"anonymous": newPageClient(t, e.URL)}
			for _, r := range zootour.Roles {
				clients[string(r)] = member(t, e, r)
			}
			anon := anonToken(t, e)
			// A visit's creation to revert (an editor may), and a user's
			// (only an admin may).
			addUser(t, e.Store, "temp", zootour.Viewer)
			visitChange := lastChange(t, e.Store, zootour.KindVisit)
			userChange := lastChange(t, e.Store, zootour.KindUser)
			read := 200
			if !public {
				read = 303
			}
			type want map[string]int // by client: the status
			for _, tt := range []struct {
				method, path string
				want         want
			}{
				{"GET", "/", want{"anonymous": read, "viewer": 200, "editor": 200, "admin": 200}},
				{"GET", "/zoos/1", want{"anonymous": read, "viewer": 200, "editor": 200, "admin": 200}},
				{"GET", "/visits?zoo=1", want{"anonymous": read, "viewer": 200, "editor": 200, "admin": 200}},
				{"GET", "/census", want{"anonymous": read, "viewer": 200, "editor": 200, "admin": 200}},
				{"GET", "/zoos/99", want{"anonymous": map[bool]int{true: 404, false: 303}[public], "viewer": 404, "editor": 404, "admin": 404}},
				{"GET", "/zoos/new", want{"anonymous": 303, "viewer": 403, "editor": 200, "admin": 200}},
				{"GET", "/visits/1/edit", want{"anonymous": 303, "viewer": 403, "editor": 200, "admin": 200}},
				{"GET", "/animals/1/delete", want{"anonymous": 303, "viewer": 403, "editor": 200, "admin": 200}},
				{"POST", "/zoos", want{"anonymous": 303, "viewer": 403, "editor": 303, "admin": 303}},
				{"GET", "/changes", want{"anonymous": 303, "viewer": 200, "editor": 200, "admin": 200}},
				{"POST", visitChange + "/revert", want{"anonymous": 303, "viewer": 403, "editor": 303, "admin": 409}},
				{"POST", userChange + "/revert", want{"anonymous": 303, "viewer": 403, "editor": 403, "admin": 303}},
				{"GET", "/users", want{"anonymous": 303, "viewer": 403, "editor": 403, "admin": 200}},
				{"GET", "/users/viewer", want{"anonymous": 303, "viewer": 403, "editor": 403, "admin": 200}},
				{"POST", "/users", want{"anonymous": 303, "viewer": 403, "editor": 403, "admin": 400}},
				{"GET", "/signin", want{"anonymous": 200, "viewer": 200, "editor": 200, "admin": 200}},
			} {
				for _, who := range []string{"anonymous", "viewer", "editor", "admin"} {
					c := clients[who]
					var p page
					if tt.method == "GET" {
						p = c.get(tt.path)
					} else {
						tok := anon
						if who != "anonymous" {
							tok = token(t, c.must("/signin", http.StatusOK))
						}
						p = c.post(tt.path, url.Values{"csrf": {tok}, "name": {"Z " + who}, "location": {"L"}})
					}
					what := fmt.Sprintf("%s %s as %s", tt.method, tt.path, who)
					checkPage(t, what, p, tt.want[who])
					switch {
					case p.status == 303 && who == "anonymous":
						if loc := p.location(); !strings.HasPrefix(loc, "/signin?next=") {
							t.Errorf("%s: redirect to %q, not to sign in", what, loc)
						}
					case p.status == 403:
						has(t, what, p, "this needs the", "Sign in as someone else")
					}
				}
			}
			// Each sees the links of its role: the admin's page for admins,
			// the forms for editors, the change log for the signed-in.
			p := clients["viewer"].must("/zoos/1", 200)
			has(t, "viewer", p, `<span class="user" id="who">viewer <span class="badge">viewer</span></span>`, ">Sign out</button>", `href="/changes"`, "History")
			hasNot(t, "viewer", p, `href="/users"`, "/zoos/1/edit", ">Revert</button>")
			p = clients["editor"].must("/zoos/1", 200)
			has(t, "editor", p, "/zoos/1/edit", ">Revert</button>")
			hasNot(t, "editor", p, `href="/users"`)
			has(t, "admin", clients["admin"].must("/", 200), `href="/users"`)
			if public {
				p := clients["anonymous"].must("/zoos/1", 200)
				has(t, "anonymous", p, `<a href="/signin?next=%2fzoos%2f1">Sign in</a>`)
				hasNot(t, "anonymous", p, "History", `href="/changes"`, "/zoos/1/edit")
			}
		})
	}
}

// TestPagesSignIn checks the sign-in form: one answer for a wrong name or
// password, a session cookie that holds neither, and forms whose tokens
// are bound to the session.
func TestPagesSignIn(t *testing.T) {
	e := newEnv(t, webtest.MemoryStore(t))
	webtest.Seed(t, e.Store)
	addUser(t, e.Store, "alice", zootour.Editor)
	c := newPageClient(t, e.URL)

	// Without a session a page sends the client to sign in, and back.
	p := c.get("/zoos/new?x=1")
	checkPage(t, "anonymous form", p, http.StatusSeeOther)
	if got, want := p.location(), "/signin?next=%2Fzoos%2Fnew%3Fx%3D1"; got != want {
		t.Fatalf("redirect to %q, want %q", got, want)
	}
	p = c.must("/signin?next=%2Fzoos%2Fnew%3Fx%3D1", http.StatusOK)
	has(t, "sign-in page", p, `name="next" value="/zoos/new?x=1"`)

	for _, tt := range []struct{ name, pw string }{{"alice", "wrong password"}, {"nobody", password}, {"ALICE", password}} {
		p := c.submit("/signin", "/signin", url.Values{"name": {tt.name}, "password": {tt.pw}})
		checkPage(t, "wrong sign-in", p, http.StatusForbidden)
		has(t, "wrong sign-in", p, `<div class="problems" role="alert" id="signin-error"><p>Wrong name or password.</p></div>`, `value="`+tt.name+`"`)
		hasNot(t, "wrong sign-in", p, tt.pw)
	}
	p = c.submit("/signin", "/signin", url.Values{"name": {"alice"}, "password": {""}})
	checkPage(t, "empty password", p, http.StatusBadRequest)
	has(t, "empty password", p, "Enter your name and your password.")

	// The right password: a session, and back to the page asked for.
	anon := anonToken(t, e)
	p = c.post("/signin", url.Values{"csrf": {anon}, "name": {"alice"}, "password": {password}, "next": {"/zoos/new"}})
	checkPage(t, "sign in", p, http.StatusSeeOther)
	if p.location() != "/zoos/new" {
		t.Fatalf("sign in leads to %q", p.location())
	}
	var session *http.Cookie
	for _, ck := range (&http.Response{Header: p.header}).Cookies() {
		if ck.Name == httpx.SessionCookie {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteLaxMode || session.Path != "/" ||
		session.MaxAge != int(accounts.SessionLife.Seconds()) || session.Secure {
		t.Fatalf("session cookie %+v", session)
	}
	if strings.Contains(session.Value, password) || strings.Contains(session.Value, "alice") {
		t.Errorf("the session cookie holds the password or name: %q", session.Value)
	}
	p = c.must("/zoos/new", http.StatusOK)
	has(t, "signed in", p, "You are signed in as alice (editor).", ">Sign out</button>")

	// The form token is the session's: an anonymous one does not do.
	tok := token(t, p)
	if tok == anon {
		t.Fatal("the form token does not depend on the session")
	}
	p = c.post("/zoos", url.Values{"csrf": {anon}, "name": {"Ouwehand"}, "location": {"Rhenen"}})
	checkPage(t, "anonymous token with a session", p, http.StatusForbidden)
	has(t, "anonymous token with a session", p, "This form has expired")
	p = c.post("/zoos", url.Values{"csrf": {tok}, "name": {"Ouwehand"}, "location": {"Rhenen"}})
	checkPage(t, "write with a session", p, http.StatusSeeOther)
	// The change log names who made it.
	cs, err := e.Store.Changes(t.Context(), zootour.ChangeFilter{Kind: zootour.KindZoo, Limit: 1})
	if err != nil || len(cs) != 1 || cs[0].Actor != "alice" {
		t.Fatalf("the zoo's change: %+v (%v), want alice's", cs, err)
	}

	// A forged cookie is no one; next may not lead off the site.
	p = newPageClient(t, e.URL).send(withCookie(t, e.URL+"/zoos/new", "zs_forged"))
	checkPage(t, "forged cookie", p, http.StatusSeeOther)
	p = newPageClient(t, e.URL).post("/signin", url.Values{"csrf": {anon}, "name": {"alice"}, "password": {password}, "next": {"//evil.example/"}})
	if p.status != http.StatusSeeOther || p.location() != "/" {
		t.Fatalf("sign in with a foreign next: %d %q", p.status, p.location())
	}
}

func withCookie(t *testing.T, u, value string) *http.Request {
	req, err := http.NewRequestWithContext(t.Context(), "GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: httpx.SessionCookie, Value: value})
	return req
}

// serve sends one request to h, with the cookie if not nil.
func serve(h http.Handler, method, path string, form url.Values, cookie *http.Cookie) *httptest.ResponseRecorder {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, "http://zoo.example"+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func recorded(rec *httptest.ResponseRecorder) page {
	return page{rec.Code, rec.Header(), rec.Body.String()}
}

// TestPagesSessionsRestart checks that a session, and a form shown before,
// outlive the server: both are in the store.
func TestPagesSessionsRestart(t *testing.T) {
	file := filepath.Join(t.TempDir(), "zootour.db")
	s, err := sqlite.Open(t.Context(), file)
	if err != nil {
		t.Fatal(err)
	}
	webtest.Seed(t, s)
	addUser(t, s, "alice", zootour.Editor)
	h := handler(t, s, false, nil)
	anon := token(t, recorded(serve(h, "GET", "/signin", nil, nil)))
	rec := serve(h, "POST", "/signin", url.Values{"csrf": {anon}, "name": {"alice"}, "password": {password}}, nil)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("sign in: %d\n%s", rec.Code, rec.Body)
	}
	var cookie *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == httpx.SessionCookie {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatal("no session cookie")
	}
	form := recorded(serve(h, "GET", "/zoos/new", nil, cookie))
	checkPage(t, "form before the restart", form, http.StatusOK)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// A new server over the same file.
	s2, err := sqlite.Open(t.Context(), file)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s2.Close() })
	h2 := handler(t, s2, false, nil)
	p := recorded(serve(h2, "GET", "/zoos/1/edit", nil, cookie))
	checkPage(t, "form after the restart", p, http.StatusOK)
	has(t, "form after the restart", p, `<span class="user" id="who">alice`)
	rec = serve(h2, "POST", "/zoos", url.Values{"csrf": {token(t, form)}, "name": {"Ouwehand"}, "location": {"Rhenen"}}, cookie)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("a form of before the restart, posted after it: %d\n%s", rec.Code, rec.Body)
	}
}

// TestPagesRevoked checks that signing out, a change of role or password,
// the removal of a user and the revocation of a token hold from the next
// request.
func TestPagesRevoked(t *testing.T) {
	e := newEnv(t, webtest.MemoryStore(t))
	webtest.Seed(t, e.Store)
	admin := member(t, e, zootour.Admin)
	adminAct := func(path string, form url.Values) {
		t.Helper()
		p := admin.submit("/users", path, form)
		if p.status != http.StatusSeeOther {
			t.Fatalf("POST %s: %d\n%s", path, p.status, p.body)
		}
	}
	// isOut checks that c's session no longer opens a form.
	isOut := func(what string, c *pageClient) {
		t.Helper()
		p := c.get("/zoos/new")
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location(), "/signin") {
			t.Fatalf("%s: the session still opens a form (%d)", what, p.status)
		}
	}

	// Signing out ends the session in the store: a copy of the cookie is
	// of no use either.
	bob := signedIn(t, e, "bob", zootour.Editor)
	u, _ := url.Parse(e.URL)
	cookies := bob.c.Jar.Cookies(u)
	p := bob.submit("/zoos/new", "/signout", url.Values{})
	if p.status != http.StatusSeeOther || p.location() != "/signin" {
		t.Fatalf("sign out: %d %q", p.status, p.location())
	}
	has(t, "after sign-out", bob.must("/signin", 200), "You are signed out.")
	isOut("signed out", bob)
	copyOf := newPageClient(t, e.URL)
	copyOf.c.Jar.SetCookies(u, cookies)
	isOut("a copy of a signed-out cookie", copyOf)

	// A new role: the user signs in again, and has it.
	carol := signedIn(t, e, "carol", zootour.Editor)
	adminAct("/users/carol/role", url.Values{"role": {"viewer"}})
	isOut("after a change of role", carol)
	if p := carol.signIn("carol", password); p.status != http.StatusSeeOther {
		t.Fatalf("sign in again: %d", p.status)
	}
	checkPage(t, "carol as a viewer", carol.get("/zoos/new"), http.StatusForbidden)

	// A new password.
	dave := signedIn(t, e, "dave", zootour.Editor)
	adminAct("/users/dave/password", url.Values{"password": {"another long password"}, "password2": {"another long password"}})
	isOut("after a new password", dave)
	checkPage(t, "the old password", dave.signIn("dave", password), http.StatusForbidden)
	checkPage(t, "the new password", dave.signIn("dave", "another long password"), http.StatusSeeOther)

	// A removed user.
	erin := signedIn(t, e, "erin", zootour.Editor)
	p = admin.must("/users/erin/delete", http.StatusOK)
	has(t, "remove erin", p, "This removes the user erin (editor), with 0 tokens and every session.", "Remove erin</button>")
	adminAct("/users/erin/delete", url.Values{})
	isOut("after removal", erin)
	admin.must("/users/erin", http.StatusNotFound)

	// A revoked token: a 401 page from the next request on.
	frank, _ := bearerClient(t, e, "frank", zootour.Editor)
	checkPage(t, "token", frank.get("/zoos/new"), http.StatusOK)
	ts, err := e.Store.Tokens(t.Context(), "frank")
	if err != nil || len(ts) != 1 {
		t.Fatalf("frank's tokens: %v %v", ts, err)
	}
	adminAct(fmt.Sprintf("/users/frank/tokens/%d/delete", ts[0].ID), url.Values{})
	p = frank.get("/zoos/1")
	checkPage(t, "revoked token", p, http.StatusUnauthorized)
	has(t, "revoked token", p, "The token or session is not valid")
}

// TestPagesBearer checks that a bearer token works on the pages: it may
// skip the form token, which a browser does not send it with, but not
// the cross-origin check.
func TestPagesBearer(t *testing.T) {
	e := newEnv(t, webtest.MemoryStore(t))
	webtest.Seed(t, e.Store)
	c, _ := bearerClient(t, e, "bot", zootour.Editor)
	p := c.must("/zoos/1", http.StatusOK)
	has(t, "bearer", p, `<span class="user" id="who">bot`)
	hasNot(t, "bearer", p, ">Sign out</button>")
	p = c.post("/zoos", url.Values{"name": {"Ouwehand"}, "location": {"Rhenen"}})
	checkPage(t, "bearer write without a form token", p, http.StatusSeeOther)
	p = c.post("/zoos", url.Values{"name": {"X"}, "location": {"Y"}}, "Sec-Fetch-Site", "cross-site")
	checkPage(t, "cross-site bearer write", p, http.StatusForbidden)

	bad := newPageClient(t, e.URL)
	bad.header = http.Header{"Authorization": {"Bearer zt_not-a-token"}}
	p = bad.get("/zoos/1")
	checkPage(t, "bad bearer", p, http.StatusUnauthorized)
	has(t, "bad bearer", p, "The token or session is not valid")
	if p.header.Get("WWW-Authenticate") == "" {
		t.Error("a 401 page without WWW-Authenticate")
	}
	bad.header.Set("Authorization", "Basic Zm9vOmJhcg==")
	checkPage(t, "not a bearer", bad.get("/zoos/1"), http.StatusUnauthorized)
}

// TestPagesSetup checks the one-time link that makes the first admin.
func TestPagesSetup(t *testing.T) {
	setup := accounts.NewSetup()
	e := newEnvWith(t, webtest.MemoryStore(t), false, setup)
	code := setup.Code()
	c := newPageClient(t, e.URL)
	has(t, "sign-in before setup", c.must("/signin", http.StatusOK), "This server has no users yet.")
	checkPage(t, "wrong code", c.get("/setup?code=zsetup_wrong"), http.StatusForbidden)
	p := c.must("/setup?code="+url.QueryEscape(code), http.StatusOK)
	has(t, "setup", p, "Make the first admin", "This link works once.", `name="password2"`, `autocomplete="new-password"`)
	tok := token(t, p)
	post := func(form url.Values) page {
		form.Set("csrf", tok)
		form.Set("code", code)
		return c.post("/setup", form)
	}
	p = post(url.Values{"name": {"root admin"}, "password": {password}, "password2": {"not the same"}})
	checkPage(t, "bad setup", p, http.StatusBadRequest)
	has(t, "bad setup", p, "may hold only letters, digits", "The two passwords differ")
	hasNot(t, "bad setup", p, password)
	p = post(url.Values{"name": {"root"}, "password": {"short"}, "password2": {"short"}})
	has(t, "short password", p, "A password has at least 8 characters.")

	p = post(url.Values{"name": {"root"}, "password": {password}, "password2": {password}})
	if p.status != http.StatusSeeOther || p.location() != "/" {
		t.Fatalf("setup: %d %q\n%s", p.status, p.location(), p.body)
	}
	p = c.must("/", http.StatusOK)
	has(t, "home after setup", p, "You are the first admin, and signed in.", `<span class="user" id="who">root <span class="badge">admin</span>`, `href="/users"`)
	if us, err := e.Store.User(t.Context(), "root"); err != nil || us.Role != zootour.Admin {
		t.Fatalf("the first admin: %+v (%v)", us, err)
	}

	// The link is spent.
	hasNot(t, "sign-in after setup", newPageClient(t, e.URL).must("/signin", http.StatusOK), "no users yet")
	p = c.get("/setup?code=" + url.QueryEscape(code))
	checkPage(t, "setup again", p, http.StatusGone)
	has(t, "setup again", p, "This setup link has been used")
	c, tok = newPageClient(t, e.URL), anonToken(t, e)
	p = post(url.Values{"name": {"mallory"}, "password": {password}, "password2": {password}})
	checkPage(t, "setup post again", p, http.StatusGone)
	if _, err := e.Store.User(t.Context(), "mallory"); zootour.ErrorCode(err) != zootour.ENOTFOUND {
		t.Fatalf("a second setup made a user (%v)", err)
	}
	// A server made with users has no setup page.
	e2 := newEnv(t, webtest.MemoryStore(t))
	checkPage(t, "no setup", newPageClient(t, e2.URL).get("/setup?code="+url.QueryEscape(code)), http.StatusGone)
}

var revertForm = regexp.MustCompile(`<form class="revert" method="post" action="(/changes/(\d+)/revert)">`)

// TestPagesHistory checks the History of records after edits through the
// forms, and that Revert on it undoes them, or says why it cannot.
func TestPagesHistory(t *testing.T) {
	webtest.ForEachStore(t, func(t *testing.T, open webtest.Opener) {
		e := newEnv(t, open(t))
		webtest.Seed(t, e.Store)
		c := member(t, e, zootour.Editor)
		p := c.submit("/zoos/1/edit", "/zoos/1/edit", url.Values{"name": {"Artis Royal"}, "location": {"Amsterdam"}})
		checkPage(t, "edit", p, http.StatusSeeOther)
		p = c.submit("/visits/2/edit", "/visits/2/edit", url.Values{"date": {"2024-03-05"}, "zoo": {"2"}, "animal": {"2"}})
		checkPage(t, "edit visit", p, http.StatusSeeOther)

		p = c.must("/zoos/1", http.StatusOK)
		has(t, "zoo history", p, `<h2 id="history-h">History</h2>`, `<strong class="actor">editor</strong> changed <a href="/zoos/1">zoo 1</a>`,
			`<span class="field">Name:</span> <del>Artis</del> <span aria-hidden="true">→</span><span class="visually-hidden">became</span> <ins>Artis Royal</ins>`,
			`<strong class="actor">unknown</strong> added <a href="/zoos/1">zoo 1</a>`, "UTC</time>")
		hasNot(t, "zoo history", p, "<span class=\"field\">Location:</span> <del>")
		p = c.must("/visits/2", http.StatusOK)
		has(t, "visit history", p, `<span class="field">Date:</span> <del>2024-01-02</del>`, `<ins>2024-03-05</ins>`,
			`<del><a href="/zoos/1">Artis Royal (zoo 1)</a></del>`, `<ins><a href="/zoos/2">Blijdorp (zoo 2)</a></ins>`)
		if n := strings.Count(p.body, `<span class="field">Animal:</span>`); n != 1 {
			t.Errorf("the animal, which the edit kept, is in %d entries of the history, not only its creation's", n)
		}

		// Revert the visit's change from its page: back there, the old date.
		m := revertForm.FindStringSubmatch(p.body)
		if m == nil {
			t.Fatalf("no Revert on the visit's history:\n%s", p.body)
		}
		p = c.post(m[1], url.Values{"csrf": {token(t, p)}, "back": {"/visits/2"}})
		if p.status != http.StatusSeeOther || p.location() != "/visits/2" {
			t.Fatalf("revert: %d %q\n%s", p.status, p.location(), p.body)
		}
		p = c.must("/visits/2", http.StatusOK)
		has(t, "after the revert", p, `<p class="flash" role="status">Undone: the change of visit 2 that editor made on `,
			`<dt>Date</dt><dd><time datetime="2024-01-02">2024-01-02</time></dd>`, `<strong class="actor">editor</strong> changed <a href="/visits/2">visit 2</a>`)
		if v, err := e.Store.Visit(t.Context(), 2); err != nil || v.Date != zootour.MustDate("2024-01-02") || v.ZooID != 1 {
			t.Fatalf("after the revert: %+v (%v)", v, err)
		}

		// A change with a later one on top cannot be undone: 409, nothing
		// changed.
		p = c.submit("/zoos/1/edit", "/zoos/1/edit", url.Values{"name": {"Artis"}, "location": {"Amsterdam"}})
		checkPage(t, "edit back", p, http.StatusSeeOther)
		cs, err := e.Store.Changes(t.Context(), zootour.ChangeFilter{Kind: zootour.KindZoo, RecordID: 1})
		if err != nil || len(cs) != 3 {
			t.Fatalf("zoo 1's changes: %v (%v)", cs, err)
		}
		before := webtest.Snap(t, e.Store)
		p = c.submit("/zoos/1", fmt.Sprintf("/changes/%d/revert", cs[1].ID), url.Values{"back": {"/zoos/1"}})
		checkPage(t, "revert under a later change", p, http.StatusConflict)
		has(t, "revert under a later change", p, fmt.Sprintf("Change %d was not undone, and nothing was changed: zoo 1 changed after this batch", cs[1].ID), `<a href="/zoos/1">Go back</a>`)
		if after := webtest.Snap(t, e.Store); !after.Equal(before) {
			t.Fatal("a refused revert changed the store")
		}
		// Reverting a create deletes the record: back to its history.
		p = c.submit("/zoos/new", "/zoos", url.Values{"name": {"Wildlands"}, "location": {"Emmen"}})
		checkPage(t, "new zoo", p, http.StatusSeeOther)
		zp := c.must(p.location(), http.StatusOK)
		m = revertForm.FindStringSubmatch(zp.body)
		p = c.post(m[1], url.Values{"csrf": {token(t, zp)}, "back": {p.location()}})
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location(), "/changes?kind=zoo&record_id=") {
			t.Fatalf("revert of a create: %d %q", p.status, p.location())
		}
		has(t, "history of a gone zoo", c.must(p.location(), http.StatusOK), "Undone: the addition of zoo", "deleted <a href=")
		// An unknown change.
		checkPage(t, "unknown change", c.submit("/zoos/1", "/changes/99999/revert", url.Values{}), http.StatusNotFound)
	})
}

// TestPagesChanges checks the Latest changes page: its filters, its
// pages, and that it is for signed-in users only.
func TestPagesChanges(t *testing.T) {
	e := newEnvWith(t, webtest.MemoryStore(t), true, nil)
	webtest.Seed(t, e.Store)
	c := member(t, e, zootour.Viewer)
	ed := member(t, e, zootour.Editor)
	for i := range 60 {
		p := ed.submit("/zoos/new", "/zoos", url.Values{"name": {fmt.Sprintf("Zoo %02d", i)}, "location": {"L"}})
		checkPage(t, "new zoo", p, http.StatusSeeOther)
	}
	p := newPageClient(t, e.URL).get("/changes")
	if p.status != http.StatusSeeOther {
		t.Fatalf("anonymous with public read: /changes %d, want a redirect to sign in", p.status)
	}
	p = c.must("/changes", http.StatusOK)
	if got := strings.Count(p.body, `<li class="change"`); got != changesPerPage {
		t.Fatalf("the first page lists %d changes", got)
	}
	has(t, "changes", p, "Zoo 59", `rel="next"`)
	hasNot(t, "changes", p, ">Revert</button>") // a viewer's
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`).FindStringSubmatch(p.body)
	p = c.must(strings.ReplaceAll(next[1], "&amp;", "&"), http.StatusOK)
	has(t, "second page", p, "Zoo 00", "added <a href=\"/zoos/1\">zoo 1</a>", `rel="prev"`)

	p = c.must("/changes?kind=visit", http.StatusOK)
	if got := strings.Count(p.body, `<li class="change"`); got != 3 {
		t.Errorf("kind=visit lists %d changes", got)
	}
	has(t, "by kind", p, `<option value="visit" selected>`, "Show all")
	p = c.must("/changes?actor=editor&kind=zoo&record_id=3", http.StatusOK)
	if got := strings.Count(p.body, `<li class="change"`); got != 1 {
		t.Errorf("one record's changes: %d", got)
	}
	today := time.Now().UTC().Format("2006-01-02")
	if got := strings.Count(c.must("/changes?from="+today+"&to="+today, http.StatusOK).body, `<li class="change"`); got != changesPerPage {
		t.Errorf("changes of today: %d on the first page", got)
	}
	for path, want := range map[string]string{
		"/changes?record_id=3":                   "Choose the kind of the record too.",
		"/changes?kind=cat":                      "&#34;cat&#34; is not one of",
		"/changes?kind=zoo&record_id=x":          "A record ID is a whole number above 0.",
		"/changes?from=2024-13-01":               "is not a calendar date",
		"/changes?from=2024-02-01&to=2024-01-01": "The to date comes before the from date.",
	} {
		has(t, path, c.must(path, http.StatusBadRequest), want)
	}
	c.must("/changes?after=x", http.StatusBadRequest)
	c.must("/changes?batch=0", http.StatusBadRequest)
	if got := strings.Count(c.must("/changes?from=2000-01-01&to=2000-12-31", http.StatusOK).body, `<li class="change"`); got != 0 {
		t.Errorf("changes in 2000: %d", got)
	}
}

// TestPagesDeleteTyped checks that a delete that takes more than a few
// visits asks for the record's name, and that Latest changes brings it
// all back.
func TestPagesDeleteTyped(t *testing.T) {
	webtest.ForEachStore(t, func(t *testing.T, open webtest.Opener) {
		e := newEnv(t, open(t))
		webtest.Seed(t, e.Store)
		ctx := t.Context()
		for i := range 4 { // zoo 1 then has 6 visits
			if _, err := e.Store.CreateVisit(ctx, zootour.Visit{Date: zootour.MustDate("2023-01-01").AddDays(i), ZooID: 1, AnimalID: 2}); err != nil {
				t.Fatal(err)
			}
		}
		c := member(t, e, zootour.Editor)
		p := c.must("/zoos/1/delete", http.StatusOK)
		has(t, "confirm", p, "This deletes 6 visits too.", `<label for="f-confirm_name">Type the zoo&#39;s name to confirm</label>`,
			"Its name is Artis.", "Latest changes lists the delete, with a Revert button that brings the zoo back with its ID and its visits.")
		before := webtest.Snap(t, e.Store)
		for _, typed := range []string{"", "artis", "Artis Zoo"} {
			p = c.submit("/zoos/1/delete", "/zoos/1/delete", url.Values{"cascade": {"yes"}, "visits": {"6"}, "confirm_name": {typed}})
			checkPage(t, "typed "+typed, p, http.StatusBadRequest)
			has(t, "typed "+typed, p, "That is not the zoo&#39;s name, so nothing was deleted. Type Artis exactly.", `aria-invalid="true"`)
		}
		if after := webtest.Snap(t, e.Store); !after.Equal(before) {
			t.Fatal("a delete with the wrong name changed the store")
		}
		// The zoo of 1 visit asks no name.
		hasNot(t, "zoo 2", c.must("/zoos/2/delete", http.StatusOK), "confirm_name")

		p = c.submit("/zoos/1/delete", "/zoos/1/delete", url.Values{"cascade": {"yes"}, "visits": {"6"}, "confirm_name": {" Artis "}})
		if p.status != http.StatusSeeOther || p.location() != "/zoos" {
			t.Fatalf("delete: %d %q\n%s", p.status, p.location(), p.body)
		}
		has(t, "after the delete", c.must("/zoos", http.StatusOK), "The zoo was deleted. Latest changes can bring it back.")
		p = c.must("/zoos/1", http.StatusNotFound)
		has(t, "gone", p, `<a href="/changes?kind=zoo&amp;record_id=1">See its history</a>`)

		// Latest changes: the zoo's delete and its visits' in one batch;
		// Revert brings them back with their IDs.
		p = c.must("/changes?kind=zoo&record_id=1", http.StatusOK)
		has(t, "history of zoo 1", p, `<strong class="actor">editor</strong> deleted <a href="/zoos/1">zoo 1</a>`, "made together with others", `<del>Artis</del>`)
		m := revertForm.FindStringSubmatch(p.body)
		if m == nil {
			t.Fatal("no Revert for the delete")
		}
		p = c.post(m[1], url.Values{"csrf": {token(t, p)}, "back": {"/changes?kind=zoo&record_id=1"}})
		if p.status != http.StatusSeeOther || p.location() != "/changes?kind=zoo&record_id=1" {
			t.Fatalf("revert: %d %q\n%s", p.status, p.location(), p.body)
		}
		has(t, "after the revert", c.must(p.location(), http.StatusOK), "Undone: the deletion of zoo 1 that editor made on ", "with the 6 other changes made with it.")
		if after := webtest.Snap(t, e.Store); !after.Equal(before) {
			t.Fatalf("the revert did not bring everything back:\n%+v\n%+v", after, before)
		}
	})
}

// TestPagesUsers walks the admin's pages: adding users, roles, passwords,
// tokens shown once, and the last admin kept.
func TestPagesUsers(t *testing.T) {
	e := newEnv(t, webtest.MemoryStore(t))
	webtest.Seed(t, e.Store)
	admin := member(t, e, zootour.Admin)
	p := admin.must("/users", http.StatusOK)
	has(t, "users", p, `<a href="/users/admin">admin</a> <span class="muted">(you)</span></td><td>admin</td>`, "Add a user", `<option value="viewer" selected>viewer</option>`)

	add := func(form url.Values) page { return admin.submit("/users", "/users", form) }
	p = add(url.Values{"name": {"bad name"}, "role": {"chief"}, "password": {"short"}, "password2": {"short"}})
	checkPage(t, "bad user", p, http.StatusBadRequest)
	has(t, "bad user", p, "may hold only letters, digits", "Role &#34;chief&#34; is not one of viewer, editor, admin.", "A password has at least 8 characters.", `value="bad name"`)
	hasNot(t, "bad user", p, `value="short"`)
	p = add(url.Values{"name": {"admin"}, "role": {"editor"}, "password": {password}, "password2": {password}})
	has(t, "taken", p, "There is a user named admin already.")
	p = add(url.Values{"name": {"gina"}, "role": {"editor"}, "password": {password}, "password2": {password + "x"}})
	has(t, "mismatch", p, "The two passwords differ")
	p = add(url.Values{"name": {"gina"}, "role": {"editor"}, "password": {password}, "password2": {password}})
	if p.status != http.StatusSeeOther || p.location() != "/users/gina" {
		t.Fatalf("add gina: %d %q\n%s", p.status, p.location(), p.body)
	}
	p = admin.must("/users/gina", http.StatusOK)
	has(t, "gina", p, "The user was added.", "<h1>gina</h1>", `<option value="editor" selected>editor</option>`, "No tokens.",
		`<strong class="actor">admin</strong> added <a href="/users/gina">user gina</a>`, `<span class="field">Role:</span> <ins>editor</ins>`)
	gina := newPageClient(t, e.URL)
	checkPage(t, "gina signs in", gina.signIn("gina", password), http.StatusSeeOther)

	// A token: shown once, on the answer to the post; it works on the
	// pages and the list shows when it was last used.
	p = admin.submit("/users/gina", "/users/gina/tokens", url.Values{"label": {"laptop script"}})
	checkPage(t, "new token", p, http.StatusCreated)
	m := regexp.MustCompile(`<code id="token-secret" aria-labelledby="token-label">(zt_[^<]+)</code>`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no token on the page:\n%s", p.body)
	}
	has(t, "new token", p, "it is shown only this once", "Token “laptop script” of gina")
	p = admin.must("/users/gina", http.StatusOK)
	has(t, "gina's tokens", p, "<td>laptop script</td>", "<td>never</td>")
	hasNot(t, "gina's tokens", p, m[1])
	bot := newPageClient(t, e.URL)
	bot.header = http.Header{"Authorization": {"Bearer " + m[1]}}
	has(t, "token on the pages", bot.must("/zoos/new", http.StatusOK), `<span class="user" id="who">gina`)
	hasNot(t, "gina's tokens", admin.must("/users/gina", http.StatusOK), "<td>never</td>")
	p = admin.submit("/users/gina", "/users/gina/tokens", url.Values{"label": {strings.Repeat("x", 101)}})
	checkPage(t, "long label", p, http.StatusBadRequest)
	checkPage(t, "someone else's token", admin.submit("/users/gina", "/users/admin/tokens/1/delete", url.Values{}), http.StatusNotFound)

	// The only admin keeps the role and the account.
	p = admin.submit("/users/admin", "/users/admin/role", url.Values{"role": {"editor"}})
	checkPage(t, "demote the last admin", p, http.StatusConflict)
	has(t, "demote the last admin", p, "admin is the only admin: make another user an admin first")
	checkPage(t, "remove the last admin", admin.submit("/users/admin", "/users/admin/delete", url.Values{}), http.StatusConflict)
	p = admin.submit("/users/gina", "/users/gina/role", url.Values{"role": {"admin"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("make gina an admin: %d\n%s", p.status, p.body)
	}
	has(t, "role changed", admin.must("/users/gina", http.StatusOK), "The role was changed; the user&#39;s sessions have ended.", `<option value="admin" selected>admin</option>`)
	checkPage(t, "gina after her new role", gina.get("/users"), http.StatusSeeOther)
	// Two admins now: one may step down.
	p = admin.submit("/users/admin", "/users/admin/role", url.Values{"role": {"viewer"}})
	checkPage(t, "step down", p, http.StatusSeeOther)
	checkPage(t, "a signed-out admin", admin.get("/users"), http.StatusSeeOther)
	admin.signIn("admin", password)
	checkPage(t, "an admin no more", admin.get("/users"), http.StatusForbidden)
	checkPage(t, "unknown user", signedIn(t, e, "gina", zootour.Admin).get("/users/nobody"), http.StatusNotFound)
}
