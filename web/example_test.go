package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/zootour/zootour/sqlite"
	"github.com/zootour/zootour/web"
)

// Mount the whole server (pages, API, health and metrics) under /zoo in
// an application's own mux: BasePath puts every link, form, cookie and
// Location header it gives under /zoo.
func ExampleServer_Handler() {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, sqlite.Memory)
	if err != nil {
		panic(err)
	}
	defer s.Close()
	srv := web.New(s, web.Config{BasePath: "/zoo", Stderr: io.Discard, Logger: slog.New(slog.DiscardHandler)})

	mux := http.NewServeMux()
	mux.Handle("/zoo/", srv.Handler())
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "the application's own page") })
	ts := httptest.NewServer(mux)
	defer ts.Close()

	for _, path := range []string{"/zoo/healthz", "/zoo/zoos"} {
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Get(ts.URL + path)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println(strings.TrimSpace(fmt.Sprint(path, " ", resp.StatusCode, " ", resp.Header.Get("Location"))))
	}
	// Output:
	// /zoo/healthz 200
	// /zoo/zoos 303 /zoo/signin?next=%2Fzoos
}
