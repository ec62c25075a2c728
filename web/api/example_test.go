package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/accounts"
	"github.com/zootour/zootour/sqlite"
	"github.com/zootour/zootour/web/api"
	"github.com/zootour/zootour/web/httpx"
)

// Mount the JSON API on its own, in an application's mux at /api/, here
// readable by anyone (public read) and writable by tokens of editors.
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
	mux := http.NewServeMux()
	mux.Handle("/api/", api.New(s, httpx.Options{Auth: httpx.NewAuth(accounts.New(s), true)}))
	ts := httptest.NewServer(mux)
	defer ts.Close()

	resp, err := http.Get(ts.URL + "/api/zoos")
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Print(string(body))
	// Output: {"items":[{"id":1,"name":"Artis","location":"Amsterdam"}],"next":null}
}
