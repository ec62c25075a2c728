package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/accounts"
	"github.com/zootour/zootour/cli"
)

// ztIn runs zootour as zt does, with stdin on its standard input.
func ztIn(t *testing.T, stdin, db string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"--db", db}, args...)...)
	cmd.Env = append(os.Environ(), "ZOOTOUR_DB=")
	cmd.Dir = t.TempDir()
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("running zootour %v: %v", args, err)
	}
	return r
}

// okInJSON runs zootour --json with stdin and decodes its one JSON value.
func okInJSON(t *testing.T, v any, stdin, db string, args ...string) {
	t.Helper()
	r := ztIn(t, stdin, db, append(args, "--json")...)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("zootour %s: exit %d, stderr %q", strings.Join(args, " "), r.code, r.stderr)
	}
	if err := json.Unmarshal([]byte(r.stdout), v); err != nil {
		t.Fatalf("zootour %s --json: %v in %q", strings.Join(args, " "), err, r.stdout)
	}
}

// refused checks that a run failed with the exit status, one sentence on
// standard error that holds want, and nothing on standard output.
func refused(t *testing.T, r result, code int, want string, args ...string) {
	t.Helper()
	cmdline := strings.Join(args, " ")
	if r.code != code {
		t.Errorf("zootour %s: exit %d, want %d (stderr %q)", cmdline, r.code, code, r.stderr)
	}
	if strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, want) {
		t.Errorf("zootour %s: stderr %q, want one sentence naming %q", cmdline, r.stderr, want)
	}
	if r.stdout != "" {
		t.Errorf("zootour %s: stdout %q on failure", cmdline, r.stdout)
	}
}

// cliActor is the actor the change log should name for this test's runs.
func cliActor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "cli:" + u.Username
	}
	if v := os.Getenv("USER"); v != "" {
		return "cli:" + v
	}
	return "cli:unknown"
}

// openStore opens db in the test itself, to check what the commands did
// through the accounts service the web server uses.
func openStore(t *testing.T, db string) zootour.Store {
	t.Helper()
	s, err := cli.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestUsersAndTokens(t *testing.T) {
	ctx := context.Background()
	for name, newDB := range stores(t) {
		t.Run(name, func(t *testing.T) {
			db := newDB(t)
			// Spaces inside and at the end are the password's; only the
			// line end is not.
			const pw = "correct horse "
			var alice zootour.User
			okInJSON(t, &alice, pw+"\n", db, "user", "add", "alice", "--role", "editor", "--password-stdin")
			if alice.Name != "alice" || alice.Role != zootour.Editor || alice.ID <= 0 {
				t.Fatalf("user add = %+v, want alice, an editor, with an ID", alice)
			}
			svc := accounts.New(openStore(t, db))
			if _, _, err := svc.SignIn(ctx, "alice", pw); err != nil {
				t.Errorf("signing in with the password given on stdin: %v", err)
			}
			if _, _, err := svc.SignIn(ctx, "alice", strings.TrimSpace(pw)); err == nil {
				t.Errorf("the password lost its trailing space, or any password signs in")
			}

			for _, tc := range []struct {
				stdin string
				args  []string
				code  int
				want  string
			}{
				// Off a terminal, without --password-stdin, there is no one to ask.
				{"", []string{"user", "add", "bob", "--role", "viewer"}, 2, "--password-stdin"},
				{"long enough\n", []string{"user", "add", "bob", "--role", "owner", "--password-stdin"}, 2, "--role"},
				{"long enough\n", []string{"user", "add", "bob", "--password-stdin"}, 2, "--role is required"},
				{"long enough\n", []string{"user", "add", "bad name!", "--role", "viewer", "--password-stdin"}, 2, "bad name!"},
				{"long enough\n", []string{"user", "add", strings.Repeat("x", 65), "--role", "viewer", "--password-stdin"}, 2, "64"},
				{"short\n", []string{"user", "add", "bob", "--role", "viewer", "--password-stdin"}, 2, "at least 8"},
				{"", []string{"user", "add", "bob", "--role", "viewer", "--password-stdin"}, 2, "standard input is empty"},
				{"long enough\n", []string{"user", "add", "alice", "--role", "viewer", "--password-stdin"}, 4, "alice already exists"},
				{"", []string{"user", "edit", "alice"}, 2, "--role"},
				{"", []string{"user", "edit", "alice", "--role", "boss"}, 2, "--role"},
				{"", []string{"user", "edit", "nobody", "--role", "viewer"}, 3, "nobody"},
				{"", []string{"user", "edit", "alice", "--password-stdin"}, 2, "standard input is empty"},
				{"", []string{"user", "edit", "alice", "--password"}, 2, "--password-stdin"},
				{"", []string{"user", "rm", "nobody"}, 3, "nobody"},
				{"", []string{"user", "rm"}, 2, "NAME"},
				{"", []string{"token", "add"}, 2, "--user"},
				{"", []string{"token", "add", "--user", "nobody"}, 3, "nobody"},
				{"", []string{"token", "add", "--user", "alice", "--label", "a\x07b"}, 2, "label"},
				{"", []string{"token", "list", "--user", "no body"}, 2, "--user"},
				{"", []string{"token", "rm", "abc"}, 2, "token ID"},
				{"", []string{"token", "rm", "999"}, 3, "999"},
			} {
				refused(t, ztIn(t, tc.stdin, db, tc.args...), tc.code, tc.want, tc.args...)
			}
			var users []zootour.User
			okJSON(t, &users, db, "user", "list")
			if diff := cmp.Diff([]zootour.User{alice}, users); diff != "" {
				t.Errorf("after the refusals, users (-want +got):\n%s", diff)
			}
			if out := ok(t, db, "user", "list"); !strings.Contains(out, "alice") || !strings.Contains(out, "editor") || !strings.Contains(out, "ROLE") {
				t.Errorf("user list table = %q", out)
			}

			var edited zootour.User
			okJSON(t, &edited, db, "user", "edit", "alice", "--role", "admin")
			if edited.Role != zootour.Admin || edited.ID != alice.ID {
				t.Errorf("user edit --role admin = %+v", edited)
			}
			okInJSON(t, &edited, "a new password\r\n", db, "user", "edit", "alice", "--password-stdin")
			if edited.Role != zootour.Admin {
				t.Errorf("a new password changed the role: %+v", edited)
			}
			if _, _, err := svc.SignIn(ctx, "alice", "a new password"); err != nil {
				t.Errorf("signing in with the new password: %v", err)
			}
			if _, _, err := svc.SignIn(ctx, "alice", pw); err == nil {
				t.Errorf("the old password still signs in")
			}

			// The secret alone on stdout, the warning on stderr; with
			// --json one object that holds it.
			r := zt(t, db, "token", "add", "--user", "alice", "--label", "laptop")
			secret1 := strings.TrimSuffix(r.stdout, "\n")
			if r.code != 0 || !strings.HasPrefix(secret1, "zt_") || strings.Contains(secret1, "\n") || !strings.Contains(r.stderr, "will not be shown again") {
				t.Fatalf("token add: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			var made struct {
				Secret string `json:"token"`
				zootour.Token
			}
			okJSON(t, &made, db, "token", "add", "--user", "alice")
			if !strings.HasPrefix(made.Secret, "zt_") || made.Secret == secret1 || made.User != "alice" || made.ID <= 0 || made.Created.IsZero() {
				t.Fatalf("token add --json = %+v", made)
			}
			// Listings never show a secret.
			var tokens []zootour.Token
			okJSON(t, &tokens, db, "token", "list")
			table := ok(t, db, "token", "list", "--user", "alice")
			raw := ok(t, db, "token", "list", "--json")
			if len(tokens) != 2 || tokens[0].Label != "laptop" || tokens[1].ID != made.ID {
				t.Errorf("token list = %+v, want the laptop token and then %d", tokens, made.ID)
			}
			for _, out := range []string{table, raw} {
				if strings.Contains(out, secret1) || strings.Contains(out, made.Secret) || strings.Contains(out, "zt_") {
					t.Errorf("token list shows a secret: %q", out)
				}
			}
			if !strings.Contains(table, "laptop") || !strings.Contains(table, "never") {
				t.Errorf("token list table = %q", table)
			}
			for _, secret := range []string{secret1, made.Secret} {
				if u, err := svc.Bearer(ctx, secret); err != nil || u.Name != "alice" {
					t.Errorf("the printed token acts for %q, %v; want alice", u.Name, err)
				}
			}

			if out := ok(t, db, "token", "rm", strconv.FormatInt(made.ID, 10)); out != "deleted token "+strconv.FormatInt(made.ID, 10)+"\n" {
				t.Errorf("token rm said %q", out)
			}
			if _, err := svc.Bearer(ctx, made.Secret); err == nil {
				t.Errorf("a removed token still signs in")
			}
			refused(t, zt(t, db, "token", "rm", strconv.FormatInt(made.ID, 10)), 3, "does not exist", "token", "rm", "again")
			okJSON(t, &tokens, db, "token", "list")
			if len(tokens) != 1 || tokens[0].Label != "laptop" {
				t.Errorf("after token rm, tokens = %+v", tokens)
			}

			// The log has every change, by the command line's actor, and
			// no secret or hash.
			var log []zootour.Change
			okJSON(t, &log, db, "history")
			var got []string
			for _, c := range log {
				got = append(got, string(c.Action)+" "+string(c.Kind))
				if c.Actor != cliActor() {
					t.Errorf("change %d by %q, want %q", c.ID, c.Actor, cliActor())
				}
			}
			want := []string{"delete token", "create token", "create token", "update user", "update user", "create user"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("history, newest first (-want +got):\n%s", diff)
			}
			all := ok(t, db, "history", "--json")
			for _, secret := range []string{secret1, made.Secret, "argon2", pw} {
				if strings.Contains(all, secret) {
					t.Errorf("the change log holds %q", secret)
				}
			}

			if out := ok(t, db, "user", "rm", "alice"); out != "deleted user alice and 1 token(s)\n" {
				t.Errorf("user rm said %q", out)
			}
			okJSON(t, &users, db, "user", "list")
			okJSON(t, &tokens, db, "token", "list")
			if len(users) != 0 || len(tokens) != 0 {
				t.Errorf("after user rm: users %+v, tokens %+v", users, tokens)
			}
			if _, err := svc.Bearer(ctx, secret1); err == nil {
				t.Errorf("the token of a removed user still signs in")
			}
		})
	}
}

// TestFirstAdmin makes the first admin of a fresh install from the
// command line: user add may create the database, the other account
// commands may not.
func TestFirstAdmin(t *testing.T) {
	db := filepath.Join(t.TempDir(), "fresh.db")
	for _, args := range [][]string{{"user", "list"}, {"token", "list"}, {"history"}, {"revert", "1"}, {"user", "rm", "admin"}} {
		refused(t, zt(t, db, args...), 2, "there is no database at", args...)
		if _, err := os.Stat(db); !os.IsNotExist(err) {
			t.Fatalf("zootour %s created %s", strings.Join(args, " "), db)
		}
	}
	var admin zootour.User
	okInJSON(t, &admin, "first admin password\n", db, "user", "add", "admin", "--role", "admin", "--password-stdin")
	if admin.Role != zootour.Admin {
		t.Errorf("user add --role admin = %+v", admin)
	}
	if _, _, err := accounts.New(openStore(t, db)).SignIn(context.Background(), "admin", "first admin password"); err != nil {
		t.Errorf("the first admin cannot sign in: %v", err)
	}
}

// TestPasswordOnTerminal runs user add on a pseudo-terminal (with
// util-linux's script): it asks twice, shows nothing typed, and refuses
// two different answers.
func TestPasswordOnTerminal(t *testing.T) {
	script, err := exec.LookPath("script")
	if err != nil {
		t.Skip("needs script(1) from util-linux to make a terminal: apt-get install bsdutils")
	}
	db := filepath.Join(t.TempDir(), "tty.db")
	run := func(name, first, second string) (string, int) {
		cmd := exec.Command(script, "-qec", binary+" --db '"+db+"' user add "+name+" --role editor", "/dev/null")
		in, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var seen bytes.Buffer
		// Answer each prompt once it is shown, when echo is off.
		waitFor := func(prompt string) {
			buf := make([]byte, 256)
			for !strings.Contains(seen.String(), prompt) {
				n, err := out.Read(buf)
				seen.Write(buf[:n])
				if err != nil {
					t.Fatalf("no prompt %q on the terminal: %v; saw %q", prompt, err, seen.String())
				}
			}
		}
		waitFor("Password for " + name + ": ")
		io.WriteString(in, first+"\n")
		waitFor("The same again: ")
		io.WriteString(in, second+"\n")
		rest, _ := io.ReadAll(out)
		seen.Write(rest)
		in.Close()
		code := 0
		var exit *exec.ExitError
		if err := cmd.Wait(); errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return seen.String(), code
	}

	out, code := run("bob", "typed on a tty", "typed on a tty")
	if code != 0 || !strings.Contains(out, "bob") || !strings.Contains(out, "editor") {
		t.Fatalf("user add on a terminal: exit %d, output %q", code, out)
	}
	if strings.Contains(out, "typed on a tty") {
		t.Errorf("the password was shown on the terminal: %q", out)
	}
	if _, _, err := accounts.New(openStore(t, db)).SignIn(context.Background(), "bob", "typed on a tty"); err != nil {
		t.Errorf("bob cannot sign in with the password typed: %v", err)
	}
	out, code = run("carol", "typed on a tty", "typed differently")
	if code != 2 || !strings.Contains(out, "the two passwords differ") {
		t.Errorf("two different answers: exit %d, output %q", code, out)
	}
}

func TestHistoryAndRevert(t *testing.T) {
	for name, newDB := range stores(t) {
		t.Run(name, func(t *testing.T) {
			db := newDB(t)
			id := func(n int64) string { return strconv.FormatInt(n, 10) }
			var zoo, other zootour.Zoo
			okJSON(t, &zoo, db, "zoo", "add", "--name", "Artis", "--location", "Amsterdam")
			okJSON(t, &other, db, "zoo", "add", "--name", "Blijdorp", "--location", "Rotterdam")
			var panda zootour.Animal
			okJSON(t, &panda, db, "animal", "add", "--name", "Ruby", "--species", "red panda")
			var v1, v2, v3 zootour.Visit
			okJSON(t, &v1, db, "visit", "add", "--date", "2024-03-01", "--zoo", id(zoo.ID), "--animal", id(panda.ID))
			okJSON(t, &v2, db, "visit", "add", "--date", "2024-05-01", "--zoo", id(zoo.ID), "--animal", id(panda.ID))
			okJSON(t, &v3, db, "visit", "add", "--date", "2024-04-01", "--zoo", id(other.ID), "--animal", id(panda.ID))

			var log []zootour.Change
			okJSON(t, &log, db, "history", "--kind", "zoo", "--id", id(zoo.ID))
			if len(log) != 1 || log[0].Action != zootour.Create || log[0].Actor != cliActor() || log[0].RecordID != zoo.ID {
				t.Fatalf("history of the new zoo = %+v, want its create by %s", log, cliActor())
			}
			var after zootour.Zoo
			if err := json.Unmarshal(log[0].After, &after); err != nil || after != zoo {
				t.Errorf("the create's after = %s, want the zoo %+v", log[0].After, zoo)
			}

			ok(t, db, "zoo", "rm", id(zoo.ID), "--cascade")
			okJSON(t, &log, db, "history")
			if len(log) != 9 {
				t.Fatalf("history has %d entries, want 6 creates and 3 deletes: %+v", len(log), log)
			}
			for i := 1; i < len(log); i++ {
				if log[i].ID >= log[i-1].ID {
					t.Errorf("history is not newest first: %d after %d", log[i].ID, log[i-1].ID)
				}
			}
			// One entry per visit of the cascade and one for the zoo, as one batch.
			cascade := log[:3]
			wantDeleted := map[string]bool{"zoo " + id(zoo.ID): true, "visit " + id(v1.ID): true, "visit " + id(v2.ID): true}
			for _, c := range cascade {
				key := string(c.Kind) + " " + id(c.RecordID)
				if c.Action != zootour.Delete || !wantDeleted[key] || c.Batch != cascade[0].Batch || c.Actor != cliActor() || string(c.After) != "null" {
					t.Errorf("cascade entry %+v: want the delete of one of %v in one batch by %s", c, wantDeleted, cliActor())
				}
				delete(wantDeleted, key)
			}
			var batch []zootour.Change
			okJSON(t, &batch, db, "history", "--batch", id(cascade[0].Batch))
			if diff := cmp.Diff(cascade, batch); diff != "" {
				t.Errorf("history --batch (-want +got):\n%s", diff)
			}
			okJSON(t, &batch, db, "history", "--limit", "2")
			if diff := cmp.Diff(log[:2], batch); diff != "" {
				t.Errorf("history --limit 2 (-want +got):\n%s", diff)
			}
			okJSON(t, &batch, db, "history", "--actor", "someone-else")
			if len(batch) != 0 {
				t.Errorf("history --actor someone-else = %+v", batch)
			}
			okJSON(t, &batch, db, "history", "--actor", cliActor(), "--kind", "visit", "--from", "2000-01-01", "--to", "9999-12-31")
			if len(batch) != 5 {
				t.Errorf("history of visits by %s: %d entries, want 5", cliActor(), len(batch))
			}
			table := ok(t, db, "history")
			if !strings.Contains(table, "ACTOR") || !strings.Contains(table, cliActor()) || !strings.Contains(table, `name="Artis"`) {
				t.Errorf("history table = %q", table)
			}

			// Revert the cascade: the zoo and its visits come back with their IDs.
			var wrote []zootour.Change
			okJSON(t, &wrote, db, "revert", id(cascade[1].ID))
			if len(wrote) != 3 {
				t.Fatalf("revert wrote %+v, want three creates", wrote)
			}
			for _, c := range wrote {
				if c.Action != zootour.Create || c.Actor != cliActor() || c.Batch == cascade[0].Batch {
					t.Errorf("revert wrote %+v, want a create in a new batch by %s", c, cliActor())
				}
			}
			var z zootour.Zoo
			okJSON(t, &z, db, "zoo", "show", id(zoo.ID))
			if z != zoo {
				t.Errorf("zoo show after revert = %+v, want %+v", z, zoo)
			}
			for _, v := range []zootour.Visit{v1, v2} {
				var got zootour.Visit
				okJSON(t, &got, db, "visit", "show", id(v.ID))
				if got != v {
					t.Errorf("visit show %d after revert = %+v, want %+v", v.ID, got, v)
				}
			}
			var visits []zootour.Visit
			okJSON(t, &visits, db, "zoo", "visits", id(zoo.ID))
			if diff := cmp.Diff([]zootour.Visit{v1, v2}, visits); diff != "" {
				t.Errorf("zoo visits after revert (-want +got):\n%s", diff)
			}

			// Again: the zoo is back, so the delete cannot be undone twice.
			refused(t, zt(t, db, "revert", id(cascade[0].ID)), 4, "zoo "+id(zoo.ID), "revert", "again")
			okJSON(t, &log, db, "history")
			if len(log) != 12 {
				t.Errorf("after a refused revert the log has %d entries, want 12", len(log))
			}

			for _, tc := range []struct {
				args []string
				code int
				want string
			}{
				{[]string{"history", "--kind", "nope"}, 2, "--kind"},
				{[]string{"history", "--from", "2024-02-01", "--to", "2024-01-01"}, 2, "--from"},
				{[]string{"history", "--id", "1"}, 2, "--id needs --kind"},
				{[]string{"history", "--kind", "zoo", "--id", "abc"}, 2, "--id"},
				{[]string{"history", "--kind", "zoo", "--id", "0"}, 2, "--id"},
				{[]string{"history", "--from", "2024-13-01"}, 2, "--from"},
				{[]string{"history", "--to", "yesterday"}, 2, "--to"},
				{[]string{"history", "--actor", ""}, 2, "--actor"},
				{[]string{"history", "--batch", "x"}, 2, "--batch"},
				{[]string{"history", "--limit", "-1"}, 2, "--limit"},
				{[]string{"history", "extra"}, 2, "no arguments"},
				{[]string{"revert"}, 2, "CHANGE_ID"},
				{[]string{"revert", "abc"}, 2, "change ID"},
				{[]string{"revert", "99999"}, 3, "99999"},
			} {
				refused(t, zt(t, db, tc.args...), tc.code, tc.want, tc.args...)
			}
		})
	}
}
