package cli

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestExamples checks that every command has examples, and that each
// example runs a real command with flags it has.
func TestExamples(t *testing.T) {
	root := (&app{}).rootCommand()
	used := map[string]bool{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		path := c.CommandPath()
		used[path] = true
		if c.Example == "" {
			t.Errorf("%s has no examples", path)
		}
		for line := range strings.Lines(c.Example) {
			_, cmdline, found := strings.Cut(line, "zootour ")
			if !found {
				t.Errorf("%s: example %q does not run zootour", path, line)
				continue
			}
			args := words(strings.TrimSuffix(strings.TrimSpace(cmdline), ")"))
			found2, rest, err := root.Find(args)
			if err == nil {
				err = found2.ParseFlags(rest)
			}
			switch {
			case err != nil:
				t.Errorf("%s: example %q: %v", path, line, err)
			case c.HasParent() && !strings.HasPrefix(found2.CommandPath(), path) && c.Name() != "help":
				t.Errorf("%s: example %q runs %s", path, line, found2.CommandPath())
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	for path := range examples {
		if !used[path] {
			t.Errorf("examples of %q, which is no command", path)
		}
	}
}

// words splits a command line at spaces, keeping "double quoted" words
// whole.
func words(s string) []string {
	var out []string
	var w strings.Builder
	quoted, in := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, in = !quoted, true
		case r == ' ' && !quoted:
			if in {
				out = append(out, w.String())
				w.Reset()
			}
			in = false
		default:
			w.WriteRune(r)
			in = true
		}
	}
	if in {
		out = append(out, w.String())
	}
	return out
}
