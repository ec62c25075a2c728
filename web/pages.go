package web

import (
	"html/template"
	"net/http"
)

// pages registers the pages for people on mux: everything outside /api and
// the operational routes. For now a home page that points to the API; the
// HTML interface replaces this file. It must keep answering unknown paths
// with an HTML 404 (or 405 with Allow).
func (srv *Server) pages(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		writeHTML(w, http.StatusOK, "zootour", `<p>The JSON API lives under <a href="/api/zoos">/api</a>; it is described in <a href="/api/openapi.json">/api/openapi.json</a>.</p>`)
	})
	mux.HandleFunc("/", srv.pageNotFound)
}

// pageNotFound answers a path that no route has, as HTML.
func (srv *Server) pageNotFound(w http.ResponseWriter, r *http.Request) {
	if allow := srv.allowed(r); allow != "" {
		w.Header().Set("Allow", allow)
		writeHTML(w, http.StatusMethodNotAllowed, "Method not allowed", "<p>"+template.HTMLEscapeString(r.Method)+" is not allowed here.</p>")
		return
	}
	writeHTML(w, http.StatusNotFound, "Not found", `<p>There is nothing at `+template.HTMLEscapeString(r.URL.Path)+`. <a href="/">Home</a>.</p>`)
}

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body><h1>{{.Title}}</h1>{{.Body}}</body></html>
`))

// writeHTML answers a minimal page; body is trusted HTML.
func writeHTML(w http.ResponseWriter, status int, title, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	pageTemplate.Execute(w, struct {
		Title string
		Body  template.HTML
	}{title, template.HTML(body)})
}
