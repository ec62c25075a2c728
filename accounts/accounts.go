// Package accounts signs people in: it makes and checks password hashes,
// makes tokens and sessions and keeps only their keyed hashes, and finds
// who is asking (docs/accounts.md). The stores keep what it
// hands them (zootour.Accounts); the web server and the command line use
// it, so that each rule is here once.
package accounts

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/zootour/zootour"
	"golang.org/x/crypto/argon2"
)

// Argon2id's parameters: OWASP's first choice for argon2id (19 MiB, two
// passes, one lane), about 30 ms a hash here, so that a flood of sign-ins
// costs memory in tens of megabytes, not gigabytes.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024 // KiB
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// Password lengths: long enough to mean something, short enough that
// hashing one is bounded.
const (
	MinPassword = 8
	MaxPassword = 1024
)

// CheckPassword checks a new password's length.
func CheckPassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case !utf8.ValidString(pw):
		return zootour.Errorf(zootour.EINVALID, "the password is not valid UTF-8")
	case n < MinPassword:
		return zootour.Errorf(zootour.EINVALID, "a password has at least %d characters", MinPassword)
	case len(pw) > MaxPassword:
		return zootour.Errorf(zootour.EINVALID, "a password has at most %d bytes", MaxPassword)
	}
	return nil
}

// HashPassword returns the argon2id hash of pw in the PHC string form,
// which carries its parameters, so that they can change later.
func HashPassword(pw string) (string, error) {
	if err := CheckPassword(pw); err != nil {
		return "", err
	}
	salt := make([]byte, saltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// dummyHash is checked against when there is no such user, so that a
// wrong name takes as long as a wrong password.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not anyone's password")
	return h
})

// PasswordMatches reports whether pw is the password of hash.
func PasswordMatches(hash, pw string) bool {
	var version int
	var m uint32
	var t uint32
	var p uint8
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || len(pw) > MaxPassword {
		return false
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m > 1<<20 || t > 16 || p == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// Secrets are 256 random bits, with a prefix that says what they are (so
// that a token found in a log or a repository is recognised).
const (
	tokenPrefix   = "zt_"
	sessionPrefix = "zs_"
	setupPrefix   = "zsetup_"
)

func newSecret(prefix string) string {
	var b [32]byte
	rand.Read(b[:])
	return prefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// ErrSignIn is the one answer to a wrong name or password, or a token or
// session that is not (or no longer) valid: which part was wrong is not
// told.
var ErrSignIn = errors.New("wrong name or password")

// Service finds and makes users, tokens and sessions over a store.
type Service struct {
	store zootour.Accounts
	now   func() time.Time

	mu  sync.Mutex
	key []byte
}

// New returns the service of a store.
func New(store zootour.Accounts) *Service { return &Service{store: store, now: time.Now} }

// SessionLife is how long a session lasts after sign-in.
const SessionLife = 12 * time.Hour

// hash returns the keyed hash of a secret (HMAC-SHA256 under the store's
// key): what the store keeps of tokens and sessions.
func (s *Service) hash(ctx context.Context, secret string) (string, error) {
	s.mu.Lock()
	key := s.key
	s.mu.Unlock()
	if key == nil {
		k, err := s.store.Secret(ctx)
		if err != nil {
			return "", err
		}
		s.mu.Lock()
		s.key, key = k, k
		s.mu.Unlock()
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(secret))
	return hex.EncodeToString(m.Sum(nil)), nil
}

// Sign returns an HMAC of the parts under the store's key, for values the
// server hands out and checks later (the pages' form tokens).
func (s *Service) Sign(ctx context.Context, parts ...string) (string, error) {
	return s.hash(ctx, strings.Join(parts, "\x00"))
}

// AddUser makes a user; an empty password leaves the user without one.
func (s *Service) AddUser(ctx context.Context, name string, role zootour.Role, password string) (zootour.User, error) {
	hash := ""
	if password != "" {
		var err error
		if hash, err = HashPassword(password); err != nil {
			return zootour.User{}, err
		}
	}
	return s.store.CreateUser(ctx, name, role, hash)
}

// SetPassword gives a user a new password, which ends the user's sessions.
func (s *Service) SetPassword(ctx context.Context, name, password string) (zootour.User, error) {
	hash, err := HashPassword(password)
	if err != nil {
		return zootour.User{}, err
	}
	return s.store.UpdateUser(ctx, name, zootour.UserUpdate{Password: &hash})
}

// SignIn checks a name and password and starts a session: it returns the
// session's secret, for the cookie. ErrSignIn if either is wrong.
func (s *Service) SignIn(ctx context.Context, name, password string) (string, zootour.User, error) {
	u, hash, err := s.store.PasswordHash(ctx, name)
	code := zootour.ErrorCode(err)
	switch {
	case err != nil && code != zootour.ENOTFOUND && code != zootour.EINVALID:
		return "", u, err
	case err != nil || hash == "":
		// No such user, or one without a password: as slow as a wrong
		// password, so that the time tells nothing.
		PasswordMatches(dummyHash(), password)
		return "", u, ErrSignIn
	case !PasswordMatches(hash, password):
		return "", u, ErrSignIn
	}
	secret := newSecret(sessionPrefix)
	h, err := s.hash(ctx, secret)
	if err != nil {
		return "", u, err
	}
	if err := s.store.CreateSession(ctx, h, u.Name, s.now().Add(SessionLife)); err != nil {
		return "", u, err
	}
	return secret, u, nil
}

// Session returns the user of a session's secret. ErrSignIn if it is not
// a live session.
func (s *Service) Session(ctx context.Context, secret string) (zootour.User, error) {
	if !strings.HasPrefix(secret, sessionPrefix) {
		return zootour.User{}, ErrSignIn
	}
	h, err := s.hash(ctx, secret)
	if err != nil {
		return zootour.User{}, err
	}
	return s.known(s.store.SessionUser(ctx, h, s.now()))
}

// SignOut ends the session of the secret.
func (s *Service) SignOut(ctx context.Context, secret string) error {
	h, err := s.hash(ctx, secret)
	if err != nil {
		return err
	}
	return s.store.DeleteSession(ctx, h)
}

// AddToken makes a token for a user and returns its secret, the only time
// it is shown.
func (s *Service) AddToken(ctx context.Context, user, label string) (string, zootour.Token, error) {
	secret := newSecret(tokenPrefix)
	h, err := s.hash(ctx, secret)
	if err != nil {
		return "", zootour.Token{}, err
	}
	t, err := s.store.CreateToken(ctx, user, label, h)
	return secret, t, err
}

// Bearer returns the user of a token's secret. ErrSignIn if no token has
// it.
func (s *Service) Bearer(ctx context.Context, secret string) (zootour.User, error) {
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 100 {
		return zootour.User{}, ErrSignIn
	}
	h, err := s.hash(ctx, secret)
	if err != nil {
		return zootour.User{}, err
	}
	return s.known(s.store.TokenUser(ctx, h, s.now()))
}

// known turns a store's not-found into ErrSignIn.
func (s *Service) known(u zootour.User, err error) (zootour.User, error) {
	if zootour.ErrorCode(err) == zootour.ENOTFOUND {
		return u, ErrSignIn
	}
	return u, err
}

// Setup is the one-time code of the page that makes the first admin,
// for a store with no users (docs/accounts.md). It is kept in memory
// only: a restart makes a new one.
type Setup struct {
	mu   sync.Mutex
	code string
}

// NewSetup returns a fresh setup code.
func NewSetup() *Setup { return &Setup{code: newSecret(setupPrefix)} }

// Code returns the code, "" once it has been used.
func (su *Setup) Code() string {
	su.mu.Lock()
	defer su.mu.Unlock()
	return su.code
}

// Valid reports whether code is the setup code, still unused.
func (su *Setup) Valid(code string) bool {
	su.mu.Lock()
	defer su.mu.Unlock()
	return su.code != "" && subtle.ConstantTimeCompare([]byte(code), []byte(su.code)) == 1
}

// Use makes the first admin with the code, which then is spent. It fails
// if the code is wrong or spent, or a user exists already.
func (su *Setup) Use(ctx context.Context, s *Service, code, name, password string) (zootour.User, error) {
	su.mu.Lock()
	defer su.mu.Unlock()
	if su.code == "" || subtle.ConstantTimeCompare([]byte(code), []byte(su.code)) != 1 {
		return zootour.User{}, zootour.Errorf(zootour.EINVALID, "this setup link has been used or is not this server's")
	}
	if err := CheckPassword(password); err != nil {
		return zootour.User{}, err
	}
	users, err := s.store.Users(ctx)
	if err != nil {
		return zootour.User{}, err
	}
	if len(users) > 0 {
		su.code = ""
		return zootour.User{}, zootour.Errorf(zootour.ECONFLICT, "this server has users already: sign in")
	}
	u, err := s.AddUser(ctx, name, zootour.Admin, password)
	if err == nil {
		su.code = ""
	}
	return u, err
}
