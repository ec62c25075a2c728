package main_test

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestVersion checks that --version names the commit the binary was built
// from, as `go build` in a checkout records it.
func TestVersion(t *testing.T) {
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skip("not in a git checkout:", err)
	}
	bin := filepath.Join(t.TempDir(), "zootour")
	if out, err := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "commit " + strings.TrimSpace(string(head))
	if !regexp.MustCompile(`^zootour \S+, commit [0-9a-f]{40}`).Match(out) || !strings.Contains(string(out), want) || strings.Count(string(out), "\n") != 1 {
		t.Fatalf("zootour --version = %q, want one line naming %s", out, want)
	}
	// The binary the other tests use, built without the commit, still
	// answers.
	if r := zt(t, filepath.Join(t.TempDir(), "z.db"), "--version"); r.code != 0 || !strings.HasPrefix(r.stdout, "zootour ") {
		t.Fatalf("zootour --version: exit %d, %q", r.code, r.stdout)
	}
}
