package web

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/accounts"
	"github.com/zootour/zootour/web/internal/webtest"
)

var linkAttr = regexp.MustCompile(`\s(href|action|src)="([^"]*)"`)

// TestBasePath serves the whole server under /zoo, as behind a proxy
// that forwards https://example.org/zoo/ whole: a person signs in and
// walks the pages, whose every link, form, asset, redirect and cookie is
// under /zoo; a program's create answers a Location under /zoo; and
// nothing outside /zoo is answered.
func TestBasePath(t *testing.T) {
	s := webtest.MemoryStore(t)
	webtest.Seed(t, s)
	const name, password = "rina", "a long password"
	if _, err := accounts.New(s).AddUser(t.Context(), name, zootour.Editor, password); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(New(s, Config{BaseURL: "http://127.0.0.1/zoo", Logger: webtest.Logger(t), Stderr: io.Discard}).Handler())
	t.Cleanup(ts.Close)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) (*http.Response, string) {
		t.Helper()
		resp, err := c.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	location := func(resp *http.Response) string {
		u, err := url.Parse(resp.Header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		return u.RequestURI()
	}

	if resp, _ := get("/zoos/1"); resp.StatusCode != 404 {
		t.Errorf("/zoos/1, outside the base path: %d", resp.StatusCode)
	}
	if resp, _ := get("/zoo"); resp.StatusCode != http.StatusPermanentRedirect || location(resp) != "/zoo/" {
		t.Errorf("/zoo: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, _ := get("/zoo/zoos/1")
	if resp.StatusCode != http.StatusSeeOther || location(resp) != "/zoo/signin?next=%2Fzoos%2F1" {
		t.Fatalf("signed out, /zoo/zoos/1: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, form := get("/zoo/signin?next=%2Fzoos%2F1")
	m := csrfField.FindStringSubmatch(form)
	if resp.StatusCode != 200 || m == nil || m[1] == "" || !strings.Contains(form, `action="/zoo/signin"`) {
		t.Fatalf("the sign-in page: %d\n%s", resp.StatusCode, form)
	}
	resp, err := c.PostForm(ts.URL+"/zoo/signin", url.Values{"csrf": {m[1]}, "name": {name}, "password": {password}, "next": {"/zoos/1"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || location(resp) != "/zoo/zoos/1" {
		t.Fatalf("signing in: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, ck := range resp.Cookies() {
		if ck.Path != "/zoo/" {
			t.Errorf("cookie %s has Path %q, want /zoo/", ck.Name, ck.Path)
		}
	}

	// Every page reached from the zoo's page links only under /zoo, and
	// each link it gives answers.
	seen := map[string]bool{}
	queue := []string{"/zoo/zoos/1", "/zoo/", "/zoo/animals/1", "/zoo/visits", "/zoo/import", "/zoo/changes"}
	for len(queue) > 0 && len(seen) < 60 {
		path := queue[0]
		queue = queue[1:]
		if seen[path] {
			continue
		}
		seen[path] = true
		resp, body := get(path)
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d", path, resp.StatusCode)
			continue
		}
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			continue
		}
		for _, m := range linkAttr.FindAllStringSubmatch(body, -1) {
			link := strings.ReplaceAll(m[2], "&amp;", "&")
			switch {
			case strings.HasPrefix(link, "#"):
			case !strings.HasPrefix(link, "/zoo/"):
				t.Errorf("%s: %s=%q, outside /zoo/", path, m[1], link)
			case m[1] == "href":
				queue = append(queue, link) // forms post: not followed
			}
		}
	}
	if len(seen) < 20 {
		t.Errorf("only %d pages walked", len(seen))
	}

	// A program's write answers its record's URL under /zoo.
	token, _, err := accounts.New(s).AddToken(t.Context(), name, "program")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", ts.URL+"/zoo/api/zoos", strings.NewReader(`{"name":"Artis","location":"Amsterdam"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 201 || resp.Header.Get("Location") != "http://127.0.0.1/zoo/api/zoos/3" {
		t.Errorf("POST /zoo/api/zoos: %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp, _ := get("/zoo/healthz"); resp.StatusCode != 200 {
		t.Errorf("/zoo/healthz: %d", resp.StatusCode)
	}
	// Unclean paths are sent to their clean form under the base path, not
	// from the root as the mux would.
	for from, to := range map[string]string{"/zoo//zoos": "/zoo/zoos", "/zoo/api/zoos/../visits": "/zoo/api/visits", "/zoo/zoos/./1": "/zoo/zoos/1"} {
		if resp, _ := get(from); resp.StatusCode/100 != 3 || location(resp) != to {
			t.Errorf("%s: %d to %q, want %s", from, resp.StatusCode, resp.Header.Get("Location"), to)
		}
	}
	// The API's document names its server under the base path.
	if _, doc := get("/zoo/api/openapi.json"); !strings.Contains(doc, `"url": "/zoo/"`) {
		t.Errorf("the OpenAPI document does not put its server under /zoo: %.300s", doc)
	}
}

// TestBasePathRefused checks the base paths that are not clean paths.
func TestBasePathRefused(t *testing.T) {
	s := webtest.MemoryStore(t)
	for _, cfg := range []Config{
		{BasePath: "zoo"},
		{BasePath: "/zoo/../x"},
		{BasePath: "/z oo"},
		{BasePath: `/z"oo`},
		{BasePath: "/z<b>"},
		{BasePath: "/a", BaseURL: "https://example.org/b"},
	} {
		cfg.Addr, cfg.Stderr = "127.0.0.1:0", io.Discard
		if _, err := New(s, cfg).Listen(); zootour.ErrorCode(err) != zootour.EINVALID {
			t.Errorf("%+v: %v", cfg, err)
		}
	}
}
