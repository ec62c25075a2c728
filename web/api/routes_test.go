package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/httpx"
	"github.com/zootour/zootour/web/internal/webtest"
)

// TestInternalErrorHidden checks that a store failure is answered 500
// "internal error" and its detail goes only to the log.
func TestInternalErrorHidden(t *testing.T) {
	var log webtest.LockedBuffer
	s := brokenStore{webtest.MemoryStore(t)}
	e := webtest.NewEnv(t, s, New(s, httpx.Options{Logger: slog.New(slog.NewTextHandler(&log, nil))})).As(webtest.User(t, s, "vic", zootour.Viewer))
	r := webtest.Must(t, e.Do("GET", "/api/visits", ""), 500)
	if p := webtest.Decode[problem](t, r); p.Detail != "internal error" || strings.Contains(string(r.Body), "disk on fire") {
		t.Errorf("problem %s", r.Body)
	}
	if !strings.Contains(log.String(), "disk on fire") {
		t.Errorf("the log lacks the detail: %s", log.String())
	}
}

// TestRoutesMatchOpenAPI holds the route table, the mux and the OpenAPI
// document's paths under /api to the same set of (method, path) pairs;
// the server that mounts the API checks the document's other paths.
func TestRoutesMatchOpenAPI(t *testing.T) {
	a := newServer(http.NewServeMux(), webtest.MemoryStore(t), httpx.Options{Logger: webtest.Logger(t)})
	var patterns []string
	for _, rt := range a.routes() {
		patterns = append(patterns, rt.method+" "+rt.path)
	}
	webtest.MatchOpenAPI(t, openAPI, a.mux, patterns, func(path string) bool { return strings.HasPrefix(path, "/api/") })

	// Every $ref points at something, and the document is what is served.
	var whole any
	if err := json.Unmarshal(openAPI, &whole); err != nil {
		t.Fatal(err)
	}
	for _, ref := range regexp.MustCompile(`"\$ref": "#/([^"]+)"`).FindAllStringSubmatch(string(openAPI), -1) {
		node := whole
		for _, part := range strings.Split(ref[1], "/") {
			m, ok := node.(map[string]any)
			if !ok || m[part] == nil {
				t.Errorf("$ref #/%s does not resolve", ref[1])
				break
			}
			node = m[part]
		}
	}
	e := serve(t, webtest.MemoryStore(t), false)
	for _, env := range []*webtest.Env{e, e.As("zt_garbage")} {
		if r := webtest.Must(t, env.Do("GET", "/api/openapi.json", ""), 200); string(r.Body) != string(openAPI) {
			t.Error("/api/openapi.json is not the embedded document")
		}
	}

	// Each operation's security and refusals say who the route lets in.
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	someone := []map[string][]string{{"bearerAuth": {}}, {"cookieAuth": {}}}
	wantSecurity := map[access][]map[string][]string{
		anyone:   {},
		reader:   append(slices.Clone(someone), map[string][]string{}),
		signedIn: someone,
		editor:   someone,
	}
	for _, rt := range a.routes() {
		var op struct {
			Security  []map[string][]string      `json:"security"`
			Responses map[string]json.RawMessage `json:"responses"`
		}
		if err := json.Unmarshal(doc.Paths[rt.path][strings.ToLower(rt.method)], &op); err != nil {
			t.Fatalf("%s %s: %v", rt.method, rt.path, err)
		}
		if got, want := jsonString(t, op.Security), jsonString(t, wantSecurity[rt.who]); op.Security == nil || got != want {
			t.Errorf("%s %s: security %s, want %s", rt.method, rt.path, got, want)
		}
		_, has401 := op.Responses["401"]
		_, has403 := op.Responses["403"]
		if has401 != (rt.who != anyone) || has403 != (rt.who == editor) {
			t.Errorf("%s %s: 401 documented %t, 403 %t", rt.method, rt.path, has401, has403)
		}
	}
	var schemes struct {
		Components struct {
			SecuritySchemes map[string]map[string]string `json:"securitySchemes"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPI, &schemes); err != nil {
		t.Fatal(err)
	}
	ss := schemes.Components.SecuritySchemes
	if ss["bearerAuth"]["type"] != "http" || ss["bearerAuth"]["scheme"] != "bearer" ||
		ss["cookieAuth"]["type"] != "apiKey" || ss["cookieAuth"]["in"] != "cookie" || ss["cookieAuth"]["name"] != httpx.SessionCookie {
		t.Errorf("security schemes %v", ss)
	}
}
