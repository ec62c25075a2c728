package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/accounts"
	"golang.org/x/term"
)

// Users and their tokens (README, "Accounts and the change log"). The
// command line acts with the authority of whoever can open the database,
// so these commands need no sign-in; the change log names them cli:USER.

var (
	userColumns = columns[zootour.User]{
		[]string{"ID", "NAME", "ROLE", "CREATED"},
		func(u zootour.User) []string { return []string{id(u.ID), u.Name, string(u.Role), stamp(u.Created)} },
	}
	tokenColumns = columns[zootour.Token]{
		[]string{"ID", "USER", "LABEL", "CREATED", "LAST USED"},
		func(t zootour.Token) []string {
			used := "never"
			if t.LastUsed != nil {
				used = stamp(*t.LastUsed)
			}
			return []string{id(t.ID), t.User, t.Label, stamp(t.Created), used}
		},
	}
)

// stamp prints a moment as the API does, in UTC to the second.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// sliceSeq walks a listing the store hands over whole (users and tokens
// are few), so that it prints like the paged ones.
func sliceSeq[T any](s []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, v := range s {
			if !yield(v, nil) {
				return
			}
		}
	}
}

func (a *app) userCommand() *cobra.Command {
	var role string
	var fromStdin bool
	add := creates(a.command("add NAME --role ROLE [--password-stdin]", "add a user (with --role admin on a new store: its first admin) and print it", []string{"NAME"},
		func(ctx context.Context, s zootour.Store, args []string) error {
			name := args[0]
			if err := zootour.CheckUserName(name); err != nil {
				return err
			}
			r, err := parseRole(role)
			if err != nil {
				return err
			}
			// Say a name is taken before asking for a password.
			if _, err := s.User(ctx, name); err == nil {
				return zootour.Errorf(zootour.ECONFLICT, "user %s already exists", name)
			} else if zootour.ErrorCode(err) != zootour.ENOTFOUND {
				return err
			}
			pw, err := a.password(ctx, fromStdin, name)
			if err != nil {
				return err
			}
			u, err := accounts.New(s).AddUser(ctx, name, r, pw)
			return printResult(a, userColumns, u, err)
		}))
	add.Flags().StringVar(&role, "role", "", "the user's role: viewer, editor or admin")
	add.Flags().BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input instead of asking on the terminal")

	var editRole string
	var askPw, editStdin bool
	var edit *cobra.Command
	edit = a.command("edit NAME [--role ROLE] [--password | --password-stdin]", "change a user's role or password and print the user; it ends the user's sessions", []string{"NAME"},
		func(ctx context.Context, s zootour.Store, args []string) error {
			name := args[0]
			if err := zootour.CheckUserName(name); err != nil {
				return err
			}
			var up zootour.UserUpdate
			setRole := edit.Flags().Changed("role")
			switch {
			case askPw && editStdin:
				return zootour.Errorf(zootour.EINVALID, "give --password or --password-stdin, not both")
			case !setRole && !askPw && !editStdin:
				return zootour.Errorf(zootour.EINVALID, "nothing to change: give --role, --password or --password-stdin")
			}
			if setRole {
				r, err := parseRole(editRole)
				if err != nil {
					return err
				}
				up.Role = &r
			}
			if askPw || editStdin {
				// Say the user does not exist before asking for a password.
				if _, err := s.User(ctx, name); err != nil {
					return err
				}
				pw, err := a.password(ctx, editStdin, name)
				if err != nil {
					return err
				}
				hash, err := accounts.HashPassword(pw)
				if err != nil {
					return err
				}
				up.Password = &hash
			}
			u, err := s.UpdateUser(ctx, name, up)
			return printResult(a, userColumns, u, err)
		})
	edit.Flags().StringVar(&editRole, "role", "", "the user's new role: viewer, editor or admin")
	edit.Flags().BoolVar(&askPw, "password", false, "set a new password, asked on the terminal")
	edit.Flags().BoolVar(&editStdin, "password-stdin", false, "set a new password, read from the first line of standard input")

	return group("user", "the users who sign in to the web interface and the API, and their roles",
		add,
		a.command("list", "list the users by name", nil,
			func(ctx context.Context, s zootour.Store, _ []string) error {
				us, err := s.Users(ctx)
				if err != nil {
					return err
				}
				return printList(a.env.Stdout, a.asJSON, userColumns, sliceSeq(us))
			}),
		edit,
		a.command("rm NAME", "delete a user with the user's tokens and sessions", []string{"NAME"},
			func(ctx context.Context, s zootour.Store, args []string) error {
				name := args[0]
				if err := zootour.CheckUserName(name); err != nil {
					return err
				}
				u, err := s.User(ctx, name)
				if err != nil {
					return err
				}
				tokens, err := s.Tokens(ctx, name)
				if err != nil {
					return err
				}
				if err := s.DeleteUser(ctx, name); err != nil {
					return err
				}
				if a.asJSON {
					return printOne(a.env.Stdout, true, userColumns, u)
				}
				also := ""
				if n := len(tokens); n > 0 {
					also = fmt.Sprintf(" and %d token(s)", n)
				}
				_, err = fmt.Fprintf(a.env.Stdout, "deleted user %s%s\n", u.Name, also)
				return err
			}),
	)
}

func (a *app) tokenCommand() *cobra.Command {
	var user, label string
	var add *cobra.Command
	add = a.command("add --user NAME [--label TEXT]", "make a personal API token for a user and print it, the only time it is shown", nil,
		func(ctx context.Context, s zootour.Store, _ []string) error {
			if !add.Flags().Changed("user") {
				return zootour.Errorf(zootour.EINVALID, "--user is required: the name of the user the token acts for")
			}
			if err := zootour.CheckUserName(user); err != nil {
				return zootour.Errorf(zootour.EINVALID, "--user: %s", zootour.ErrorMessage(err))
			}
			secret, t, err := accounts.New(s).AddToken(ctx, user, label)
			if err != nil {
				return err
			}
			if a.asJSON {
				return json.NewEncoder(a.env.Stdout).Encode(struct {
					Secret string `json:"token"`
					zootour.Token
				}{secret, t})
			}
			// The secret alone on standard output, so that a script can
			// take it with $(...); the warning for people beside it.
			if _, err := fmt.Fprintln(a.env.Stdout, secret); err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.env.Stderr, "token %d for %s: store it now, it will not be shown again.\n", t.ID, t.User)
			return err
		})
	add.Flags().StringVar(&user, "user", "", "the user the token acts for")
	add.Flags().StringVar(&label, "label", "", "what the token is for, to recognise it in token list")

	var listUser string
	var list *cobra.Command
	list = a.command("list [--user NAME]", "list tokens by ID (never their secrets), all or one user's", nil,
		func(ctx context.Context, s zootour.Store, _ []string) error {
			if list.Flags().Changed("user") {
				if err := zootour.CheckUserName(listUser); err != nil {
					return zootour.Errorf(zootour.EINVALID, "--user: %s", zootour.ErrorMessage(err))
				}
			}
			ts, err := s.Tokens(ctx, listUser)
			if err != nil {
				return err
			}
			return printList(a.env.Stdout, a.asJSON, tokenColumns, sliceSeq(ts))
		})
	list.Flags().StringVar(&listUser, "user", "", "only this user's tokens")

	return group("token", "personal API tokens, which act for their user",
		add,
		list,
		a.idCommand("rm ID", "revoke a token", "token", func(ctx context.Context, s zootour.Store, tid int64) error {
			ts, err := s.Tokens(ctx, "")
			if err != nil {
				return err
			}
			i := slices.IndexFunc(ts, func(t zootour.Token) bool { return t.ID == tid })
			if err := s.DeleteToken(ctx, tid); err != nil {
				return err
			}
			if i < 0 {
				// Made between the listing and the delete: nothing to show
				// but its ID.
				ts, i = append(ts, zootour.Token{ID: tid}), len(ts)
			}
			return printDeleted(a, "token", tokenColumns, ts[i], nil)
		}),
	)
}

// parseRole reads --role, which is required where it is defined.
func parseRole(s string) (zootour.Role, error) {
	if s == "" {
		return "", zootour.Errorf(zootour.EINVALID, "--role is required: viewer, editor or admin")
	}
	r, err := zootour.ParseRole(s)
	if err != nil {
		return "", zootour.Errorf(zootour.EINVALID, "--role: %s", zootour.ErrorMessage(err))
	}
	return r, nil
}

// password gets a new password for user: the first line of standard input
// with --password-stdin, otherwise asked twice on the terminal, not shown.
func (a *app) password(ctx context.Context, fromStdin bool, user string) (string, error) {
	if fromStdin {
		pw, err := readLine(a.env.Stdin)
		if err != nil {
			return "", err
		}
		return pw, accounts.CheckPassword(pw)
	}
	f, ok := a.env.Stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", zootour.Errorf(zootour.EINVALID, "standard input is not a terminal to ask for the password on: give it on standard input with --password-stdin")
	}
	pw, err := ask(ctx, f, a.env.Stderr, "Password for "+user+": ")
	if err != nil {
		return "", err
	}
	if err := accounts.CheckPassword(pw); err != nil {
		return "", err
	}
	again, err := ask(ctx, f, a.env.Stderr, "The same again: ")
	if err != nil {
		return "", err
	}
	if again != pw {
		return "", zootour.Errorf(zootour.EINVALID, "the two passwords differ")
	}
	return pw, nil
}

// readLine reads the first line of r without its line end; anything else
// in the line (spaces included) is part of the password.
func readLine(r io.Reader) (string, error) {
	// A line longer than any password is refused by CheckPassword; reading
	// no further keeps memory bounded.
	br := bufio.NewReader(io.LimitReader(r, accounts.MaxPassword+3))
	line, err := br.ReadString('\n')
	switch {
	case err == io.EOF && line == "":
		return "", zootour.Errorf(zootour.EINVALID, "--password-stdin: standard input is empty; give the password on its first line")
	case err != nil && err != io.EOF:
		return "", fmt.Errorf("--password-stdin: reading standard input: %w", err)
	case strings.HasSuffix(line, "\r\n"):
		return line[:len(line)-2], nil
	case strings.HasSuffix(line, "\n"):
		return line[:len(line)-1], nil
	}
	return line, nil
}

// errInterrupted answers a password prompt left with Ctrl-C: the process
// catches the signal (to close the store), so the read must give way.
var errInterrupted = errors.New("interrupted")

// ask prompts on w and reads a line from the terminal f with echo off.
func ask(ctx context.Context, f *os.File, w io.Writer, prompt string) (string, error) {
	fd := int(f.Fd())
	state, err := term.GetState(fd)
	if err != nil {
		return "", err
	}
	if err := echoOff(fd); err != nil {
		return "", err
	}
	// Echo comes back as it was whichever way the read ends.
	defer term.Restore(fd, state)
	fmt.Fprint(w, prompt)
	type answer struct {
		b   []byte
		err error
	}
	got := make(chan answer, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		got <- answer{b, err}
	}()
	select {
	case r := <-got:
		fmt.Fprintln(w)
		return string(r.b), r.err
	case <-ctx.Done():
		fmt.Fprintln(w)
		return "", errInterrupted
	}
}
