package api

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/zootour/zootour/web/httpx"
	"github.com/zootour/zootour/web/internal/webtest"
)

// TestInternalErrorHidden checks that a store failure is answered 500
// "internal error" and its detail goes only to the log.
func TestInternalErrorHidden(t *testing.T) {
	var log lockedBuffer
	s := brokenStore{webtest.MemoryStore(t)}
	e := webtest.NewEnv(t, s, New(s, httpx.Options{Logger: slog.New(slog.NewTextHandler(&log, nil))}))
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
	e := newEnv(t, webtest.MemoryStore(t), "")
	if r := webtest.Must(t, e.Do("GET", "/api/openapi.json", ""), 200); string(r.Body) != string(openAPI) {
		t.Error("/api/openapi.json is not the embedded document")
	}
}
