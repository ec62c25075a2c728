package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMistypedCommand checks that a mistyped command is named as such,
// with the commands it may have meant, even when flags meant for the
// command follow it (the group would otherwise fail on them first).
func TestMistypedCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "z.db")
	ok(t, db, "zoo", "add", "--name", "Artis", "--location", "Amsterdam")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"animl", "add", "--name", "X"}, `zootour: unknown command "animl" for "zootour"; did you mean "animal"?` + "\n"},
		{[]string{"animl"}, `zootour: unknown command "animl" for "zootour"; did you mean "animal"?` + "\n"},
		{[]string{"--json", "zoo", "lst", "--search", "art"}, `zootour: unknown command "lst" for "zootour zoo"; did you mean "list"?` + "\n"},
		{[]string{"zoo", "shwo", "1"}, `zootour: unknown command "shwo" for "zootour zoo"; did you mean "show"?` + "\n"},
		{[]string{"frobnicate", "--name", "X"}, `zootour: unknown command "frobnicate" for "zootour"; see 'zootour --help'.` + "\n"},
		{[]string{"help", "animl"}, `zootour: unknown command "animl" for "zootour"; did you mean "animal"?` + "\n"},
		{[]string{"help", "zoo", "frob"}, `zootour: unknown command "frob" for "zootour zoo"; see 'zootour zoo --help'.` + "\n"},
		// An unknown flag is still one, where no command is mistyped.
		{[]string{"zoo", "--nope"}, `zootour: unknown flag --nope for "zootour zoo"; see 'zootour zoo --help'.` + "\n"},
		{[]string{"zoo", "list", "--nope"}, `zootour: unknown flag --nope for "zootour zoo list"; see 'zootour zoo list --help'.` + "\n"},
	} {
		r := zt(t, db, tc.args...)
		if r.code != 2 || r.stderr != tc.want || r.stdout != "" {
			t.Errorf("zootour %s: exit %d, stderr %q, stdout %q; want exit 2 and %q", strings.Join(tc.args, " "), r.code, r.stderr, r.stdout, tc.want)
		}
	}
}

// TestUsageErrorsNameTheirFlag checks that a value a flag or argument
// cannot take is refused in one sentence that names it, never in the
// words of the Go parser, and that serve refuses a bad port as bad input
// before it creates a database.
func TestUsageErrorsNameTheirFlag(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "z.db")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--addr", "127.0.0.1:99999"}, `--addr "127.0.0.1:99999": the port must be a number from 0 to 65535, not "99999"`},
		{[]string{"serve", "--addr", ":abc"}, `the port must be a number from 0 to 65535, not "abc"`},
		{[]string{"serve", "--addr", "8080"}, `--addr "8080" is not HOST:PORT`},
		{[]string{"serve", "--max-upload", "0"}, `--max-upload must be a whole number of MiB from 1 to 4096, not "0"`},
		{[]string{"serve", "--max-upload", "9999"}, `--max-upload must be a whole number of MiB from 1 to 4096, not "9999"`},
		{[]string{"zoo", "show", "-1"}, `an ID must be a positive integer, not "-1"`},
		{[]string{"history", "--limit", "abc"}, `--limit must be a whole number, not "abc"`},
		{[]string{"check", "--max", "x"}, `--max must be a whole number, not "x"`},
		{[]string{"generate", filepath.Join(dir, "g"), "--seed", "-1"}, `--seed must be a whole number, 0 or more, not "-1"`},
		{[]string{"zoo", "rm", "1", "--cascade=maybe"}, `--cascade is true or false, not "maybe"`},
		{[]string{"zoo", "add", "--name"}, `--name needs a value`},
	} {
		r := zt(t, db, tc.args...)
		refused(t, r, 2, tc.want, tc.args...)
		if strings.Contains(r.stderr, "strconv") || strings.Contains(r.stderr, "listen tcp") {
			t.Errorf("zootour %s: stderr %q quotes a library", strings.Join(tc.args, " "), r.stderr)
		}
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("a refused command created %s", db)
	}
}

// TestVisitToMissingZoo checks that a visit naming a zoo that does not
// exist is bad input (exit 2), worded apart from the zoo not being found
// (exit 3).
func TestVisitToMissingZoo(t *testing.T) {
	for name, newDB := range stores(t) {
		t.Run(name, func(t *testing.T) {
			db := newDB(t)
			ok(t, db, "animal", "add", "--name", "Ruby", "--species", "red panda")
			args := []string{"visit", "add", "--date", "2024-05-01", "--zoo", "999", "--animal", "1"}
			r := zt(t, db, args...)
			refused(t, r, 2, "zoo 999 does not exist: a visit needs an existing zoo", args...)
			nf := zt(t, db, "zoo", "show", "999")
			refused(t, nf, 3, "zoo 999 does not exist", "zoo", "show", "999")
			if r.stderr == nf.stderr {
				t.Errorf("an invalid visit and a zoo not found both say %q", r.stderr)
			}
		})
	}
}

// TestBadDB checks that a --db that names no store zootour knows, or a
// PostgreSQL server it cannot reach, is said in one sentence naming it.
func TestBadDB(t *testing.T) {
	for _, tc := range []struct {
		db   string
		code int
		want []string
	}{
		{"mysql://x", 2, []string{`unknown scheme "mysql://"`, "postgres://", "memory:"}},
		{"file:z.db", 2, []string{"not a file: URI"}},
		{"postgres://nobody@127.0.0.1:1/x", 1, []string{"cannot connect to PostgreSQL at 127.0.0.1:1 (from --db or ZOOTOUR_DB): connection refused."}},
	} {
		for _, args := range [][]string{{"zoo", "list"}, {"zoo", "add", "--name", "Artis", "--location", "Amsterdam"}} {
			r := zt(t, tc.db, args...)
			for _, want := range tc.want {
				refused(t, r, tc.code, want, append([]string{"--db", tc.db}, args...)...)
			}
			if strings.Count(r.stderr, "refused") > 1 || strings.Contains(r.stderr, "sqlite:") {
				t.Errorf("--db %s %s: stderr %q repeats itself or quotes a library", tc.db, strings.Join(args, " "), r.stderr)
			}
		}
	}
}

// TestHelp checks that zootour help and every command's --help succeed on
// standard output, each with examples, and that the root's help lists the
// exit statuses.
func TestHelp(t *testing.T) {
	db := filepath.Join(t.TempDir(), "z.db")
	root := ok(t, db, "help")
	for _, want := range []string{"Exit status: 0 success, 2 a usage error or invalid input, 3 not found,", "Examples:"} {
		if !strings.Contains(root, want) {
			t.Errorf("zootour help lacks %q:\n%s", want, root)
		}
	}
	if out := ok(t, db, "help", "visit", "add"); !strings.Contains(out, "zootour visit add --date") {
		t.Errorf("zootour help visit add = %q", out)
	}
	seen := 0
	var walk func(path []string)
	walk = func(path []string) {
		out := ok(t, db, append(path, "--help")...)
		seen++
		if !strings.Contains(out, "\nExamples:\n") {
			t.Errorf("zootour %s --help has no examples:\n%s", strings.Join(path, " "), out)
		}
		if strings.Contains(out, " a animal") {
			t.Errorf("zootour %s --help says \"a animal\"", strings.Join(path, " "))
		}
		_, list, found := strings.Cut(out, "\nAvailable Commands:\n")
		if !found {
			return
		}
		list, _, _ = strings.Cut(list, "\n\n")
		for line := range strings.Lines(list) {
			walk(append(path[:len(path):len(path)], strings.Fields(line)[0]))
		}
	}
	walk(nil)
	if seen < 40 {
		t.Errorf("walked the help of %d commands, want them all (40 or more)", seen)
	}
}
