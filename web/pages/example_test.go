package pages_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/accounts"
	"github.com/zootour/zootour/sqlite"
	"github.com/zootour/zootour/web/httpx"
	"github.com/zootour/zootour/web/pages"
)

// Mount the pages on their own under /registry, readable by anyone: with
// BasePath, the links they draw stay under /registry.
func ExampleNew() {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, sqlite.Memory)
	if err != nil {
		panic(err)
	}
	defer s.Close()
	if _, err := s.CreateZoo(ctx, zootour.Zoo{Name: "Artis", Location: "Amsterdam"}); err != nil {
		panic(err)
	}
	opts := httpx.Options{Auth: httpx.NewAuth(accounts.New(s), true), BasePath: "/registry"}
	mux := http.NewServeMux()
	mux.Handle("/registry/", http.StripPrefix("/registry", pages.New(s, opts)))
	ts := httptest.NewServer(mux)
	defer ts.Close()

	resp, err := http.Get(ts.URL + "/registry/zoos")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(resp.StatusCode, strings.Contains(string(body), `<a href="/registry/zoos/1">Artis</a>`))
	// Output: 200 true
}
