package pages

import (
	"regexp"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/internal/webtest"
)

// TestArticles checks that the forms say "an animal", never "a animal".
func TestArticles(t *testing.T) {
	e := newEnv(t, webtest.MemoryStore(t))
	c := member(t, e, zootour.Editor)
	wrong := regexp.MustCompile(`(?i)\ba [aeiou]`)
	for _, path := range []string{"/animals/new", "/zoos/new", "/visits/new"} {
		p := c.must(path, 200)
		if m := wrong.FindString(p.body); m != "" {
			t.Errorf("%s says %q", path, m)
		}
	}
	has(t, "/animals/new", c.must("/animals/new", 200), "Add an animal")
}
