package api

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/internal/webtest"
)

// TestIdempotencyKey: a retry with the same key and request gets the
// first answer and writes nothing more; another request with the key is
// 422; racing retries write once.
func TestIdempotencyKey(t *testing.T) {
	s := webtest.MemoryStore(t)
	tok := webtest.User(t, s, "ann", zootour.Editor)
	other := webtest.User(t, s, "bob", zootour.Editor)
	e := webtest.NewEnv(t, s, New(s, defaultOptions(t))).As(tok)
	key := func(k string) []string { return []string{"Idempotency-Key", k} }

	first := webtest.Must(t, e.Do("POST", "/api/zoos", `{"name":"Artis","location":"Amsterdam"}`, key("k1")...), 201)
	again := webtest.Must(t, e.Do("POST", "/api/zoos", `{"name":"Artis","location":"Amsterdam"}`, key("k1")...), 201)
	if string(again.Body) != string(first.Body) || again.Header.Get("Location") != first.Header.Get("Location") {
		t.Errorf("the retry answered %s at %q, want the first answer %s at %q", again.Body, again.Header.Get("Location"), first.Body, first.Header.Get("Location"))
	}
	if again.Header.Get("Idempotent-Replayed") != "true" {
		t.Error("the retry does not say it was replayed")
	}
	zs, _ := s.FindZoos(t.Context(), zootour.ZooFilter{})
	if len(zs) != 1 {
		t.Fatalf("two posts with one key made %d zoos, want 1", len(zs))
	}
	// The same key with another request, or from another user: 422.
	before, log := webtest.Snap(t, s), webtest.Log(t, s)
	webtest.Must(t, e.Do("POST", "/api/zoos", `{"name":"Other","location":"Amsterdam"}`, key("k1")...), 422)
	webtest.Must(t, e.As(other).Do("POST", "/api/zoos", `{"name":"Artis","location":"Amsterdam"}`, key("k1")...), 422)
	webtest.Must(t, e.Do("PATCH", "/api/zoos/1", `{"name":"x"}`, key("k1")...), 422)
	if !webtest.Snap(t, s).Equal(before) || len(webtest.Log(t, s)) != len(log) {
		t.Error("a request with a used key changed the store")
	}
	// PATCH and DELETE replay too.
	p1 := webtest.Must(t, e.Do("PATCH", "/api/zoos/1", `{"name":"Artis Royal"}`, key("k2")...), 200)
	webtest.Must(t, e.Do("PATCH", "/api/zoos/1", `{"name":"Artis Royal"}`, key("k2")...), 200)
	var z zootour.Zoo
	json.Unmarshal(p1.Body, &z)
	if z.Name != "Artis Royal" || len(webtest.Log(t, s)) != len(log)+1 {
		t.Errorf("a replayed PATCH: %s, %d entries logged, want 1", p1.Body, len(webtest.Log(t, s))-len(log))
	}
	webtest.Must(t, e.Do("DELETE", "/api/zoos/1", "", key("k3")...), 204)
	webtest.Must(t, e.Do("DELETE", "/api/zoos/1", "", key("k3")...), 204)
	// A failed write keeps no key: its retry runs, and fails or not anew.
	webtest.Must(t, e.Do("POST", "/api/visits", `{"date":"2024-01-01","zoo_id":1,"animal_id":1}`, key("k4")...), 400)
	webtest.Must(t, e.Do("POST", "/api/zoos", `{"name":"","location":"x"}`, key("k5")...), 400)
	webtest.Must(t, e.Do("POST", "/api/zoos", `{"name":"ok now","location":"x"}`, key("k5")...), 201)
	// Bad keys.
	for _, bad := range []string{"", strings.Repeat("x", 256), "tab\there"} {
		webtest.Must(t, e.Do("POST", "/api/zoos", `{"name":"n","location":"l"}`, key(bad)...), 400)
	}

	// Racing retries of one create: one zoo, every answer the same.
	var wg sync.WaitGroup
	answers := make([]webtest.Reply, 8)
	for i := range answers {
		wg.Go(func() { answers[i] = e.Do("POST", "/api/zoos", `{"name":"Race","location":"r"}`, key("race")...) })
	}
	wg.Wait()
	for i, r := range answers {
		if r.Status != 201 || string(r.Body) != string(answers[0].Body) {
			t.Errorf("racing retry %d: %d %s, want 201 %s", i, r.Status, r.Body, answers[0].Body)
		}
	}
	n := 0
	zs, _ = s.FindZoos(t.Context(), zootour.ZooFilter{})
	for _, z := range zs {
		if z.Name == "Race" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("8 racing retries with one key made %d zoos, want 1", n)
	}
}
