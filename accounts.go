package zootour

import (
	"context"
	"time"
)

// A Role says what a user may do (docs/accounts.md): a viewer
// reads, an editor also writes records and imports, an admin also
// manages users and tokens. Each role allows what the ones before it do.
type Role string

// The roles, from least to most allowed.
const (
	Viewer Role = "viewer"
	Editor Role = "editor"
	Admin  Role = "admin"
)

// Roles lists the roles from least to most allowed.
var Roles = []Role{Viewer, Editor, Admin}

// ParseRole reads a role's name.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	return "", Errorf(EINVALID, "role %q is not one of viewer, editor, admin", s)
}

func (r Role) rank() int {
	for i, x := range Roles {
		if x == r {
			return i + 1
		}
	}
	return 0
}

// Allows reports whether a user of role r may do what needs role need.
func (r Role) Allows(need Role) bool { return r.rank() > 0 && r.rank() >= need.rank() }

// MaxUserName is the most characters a user's name may hold.
const MaxUserName = 64

// CheckUserName checks a user's name: 1 to 64 letters (ASCII), digits,
// '.', '_' and '-'.
func CheckUserName(name string) error {
	if name == "" {
		return Errorf(EINVALID, "a user's name is required")
	}
	if len(name) > MaxUserName {
		return Errorf(EINVALID, "a user's name is at most %d characters, not %d", MaxUserName, len(name))
	}
	for _, c := range name {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-'
		if !ok {
			return Errorf(EINVALID, "user name %q may hold only letters, digits, '.', '_' and '-'", name)
		}
	}
	return nil
}

// MaxLabelLen is the most characters a token's label may hold.
const MaxLabelLen = 100

// A User is someone who signs in. The password is not part of it: the
// store keeps only its slow hash (package accounts makes and checks it).
type User struct {
	ID      int64     `json:"id"`
	Name    string    `json:"name"`
	Role    Role      `json:"role"`
	Created time.Time `json:"created_at"`
}

// A Token is a user's personal API token. Its secret is shown once, when
// it is made, and the store keeps only a keyed hash of it.
type Token struct {
	ID       int64      `json:"id"`
	User     string     `json:"user"`
	Label    string     `json:"label"`
	Created  time.Time  `json:"created_at"`
	LastUsed *time.Time `json:"last_used"`
}

// A UserUpdate holds what to change on a user; nil fields stay.
// Password is the new password's hash.
type UserUpdate struct {
	Role     *Role
	Password *string
}

// Accounts keeps users, their tokens and their sessions. Every change of
// a user or a token is logged (ChangeLog); sessions are not records and
// are not logged. Secrets reach the store only as hashes.
type Accounts interface {
	// CreateUser adds a user with the password hash (empty: no password,
	// so no sign-in until one is set). ECONFLICT if the name is taken.
	CreateUser(ctx context.Context, name string, role Role, passwordHash string) (User, error)
	// User returns the user of that name. ENOTFOUND if there is none.
	User(ctx context.Context, name string) (User, error)
	// Users lists every user by name.
	Users(ctx context.Context) ([]User, error)
	// UpdateUser changes a user's role or password, and ends the user's
	// sessions, so that the change holds from the next request.
	UpdateUser(ctx context.Context, name string, u UserUpdate) (User, error)
	// DeleteUser removes a user with the user's tokens and sessions.
	DeleteUser(ctx context.Context, name string) error
	// PasswordHash returns the user and the hash of the user's password.
	PasswordHash(ctx context.Context, name string) (User, string, error)

	// CreateToken stores a token of the user under its keyed hash.
	CreateToken(ctx context.Context, user, label, hash string) (Token, error)
	// Tokens lists the tokens of a user ("" for every user's), by ID.
	Tokens(ctx context.Context, user string) ([]Token, error)
	// DeleteToken revokes a token. ENOTFOUND if there is none.
	DeleteToken(ctx context.Context, id int64) error
	// TokenUser returns the user whose token has the hash, and notes the
	// token's use at now. ENOTFOUND if no token has it.
	TokenUser(ctx context.Context, hash string, now time.Time) (User, error)

	// CreateSession stores a session of the user under the hash of its
	// secret, valid until expires.
	CreateSession(ctx context.Context, hash, user string, expires time.Time) error
	// SessionUser returns the user of the unexpired session with the hash.
	// ENOTFOUND if there is none.
	SessionUser(ctx context.Context, hash string, now time.Time) (User, error)
	// DeleteSession ends a session; ending one that is gone is no error.
	DeleteSession(ctx context.Context, hash string) error

	// Secret returns the store's key for keyed hashes, made on first use.
	Secret(ctx context.Context) ([]byte, error)
}

type actorKey struct{}

// WithActor returns a context whose writes the change log attributes to
// actor: a user's name, or "cli:USER" for the command line.
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// NoActor is the actor of writes whose context names none (a program
// that uses the stores as a library without WithActor).
const NoActor = "unknown"

// ActorOf returns the actor that WithActor put in ctx, or NoActor.
func ActorOf(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok && a != "" {
		return a
	}
	return NoActor
}
