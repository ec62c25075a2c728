package accounts_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/accounts"
	"github.com/zootour/zootour/sqlite"
)

func TestPasswordHash(t *testing.T) {
	h, err := accounts.HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not argon2id in PHC form", h)
	}
	if !accounts.PasswordMatches(h, "correct horse") {
		t.Error("the password does not match its own hash")
	}
	for _, wrong := range []string{"correct horsE", "", "correct horse "} {
		if accounts.PasswordMatches(h, wrong) {
			t.Errorf("%q matches the hash of another password", wrong)
		}
	}
	h2, _ := accounts.HashPassword("correct horse")
	if h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{"", "$argon2id$", h[:len(h)-4] + "$x", strings.Replace(h, "m=19456", "m=999999999", 1)} {
		if accounts.PasswordMatches(bad, "correct horse") {
			t.Errorf("the malformed hash %q matched", bad)
		}
	}
	if _, err := accounts.HashPassword("short"); zootour.ErrorCode(err) != zootour.EINVALID {
		t.Errorf("HashPassword of a short password: %v, want invalid", err)
	}
	if _, err := accounts.HashPassword(strings.Repeat("x", accounts.MaxPassword+1)); zootour.ErrorCode(err) != zootour.EINVALID {
		t.Errorf("HashPassword of a long password: %v, want invalid", err)
	}
}

func open(t *testing.T) zootour.Store {
	s, err := sqlite.Open(t.Context(), sqlite.Memory)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSignInAndTokens(t *testing.T) {
	s := open(t)
	svc, ctx := accounts.New(s), t.Context()
	if _, err := svc.AddUser(ctx, "ann", zootour.Editor, "a good password"); err != nil {
		t.Fatal(err)
	}
	for _, try := range [][2]string{{"ann", "a bad password"}, {"bob", "a good password"}, {"", ""}, {"ann", ""}} {
		if _, _, err := svc.SignIn(ctx, try[0], try[1]); !errors.Is(err, accounts.ErrSignIn) {
			t.Errorf("SignIn(%q, %q) = %v, want ErrSignIn", try[0], try[1], err)
		}
	}
	secret, u, err := svc.SignIn(ctx, "ann", "a good password")
	if err != nil || u.Name != "ann" {
		t.Fatalf("SignIn = %v %v", u, err)
	}
	if got, err := svc.Session(ctx, secret); err != nil || got.Name != "ann" {
		t.Errorf("Session = %v %v, want ann", got, err)
	}
	// Another service over the same store (a restart) knows the session.
	if got, err := accounts.New(s).Session(ctx, secret); err != nil || got.Name != "ann" {
		t.Errorf("Session after a restart = %v %v, want ann", got, err)
	}
	if err := svc.SignOut(ctx, secret); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Session(ctx, secret); !errors.Is(err, accounts.ErrSignIn) {
		t.Errorf("Session after sign-out = %v, want ErrSignIn", err)
	}

	tok, meta, err := svc.AddToken(ctx, "ann", "ci")
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) < 3+43 || meta.Label != "ci" {
		t.Errorf("token %q (%+v): want zt_ and 256 bits in base64", tok, meta)
	}
	if got, err := svc.Bearer(ctx, tok); err != nil || got.Name != "ann" {
		t.Errorf("Bearer = %v %v, want ann", got, err)
	}
	for _, bad := range []string{tok + "x", tok[:len(tok)-1], "", secret} {
		if _, err := svc.Bearer(ctx, bad); !errors.Is(err, accounts.ErrSignIn) {
			t.Errorf("Bearer(%q) = %v, want ErrSignIn", bad, err)
		}
	}
	// The store keeps no secret.
	ts, _ := s.Tokens(ctx, "ann")
	log, _ := s.Changes(ctx, zootour.ChangeFilter{})
	for _, c := range log {
		if strings.Contains(string(c.After), tok[3:]) {
			t.Errorf("the log holds the token: %s", c.After)
		}
	}
	if len(ts) != 1 {
		t.Fatalf("Tokens = %+v", ts)
	}
	if err := s.DeleteToken(ctx, ts[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Bearer(ctx, tok); !errors.Is(err, accounts.ErrSignIn) {
		t.Errorf("Bearer of a revoked token = %v, want ErrSignIn", err)
	}
}

func TestSetupOnce(t *testing.T) {
	s := open(t)
	svc, ctx := accounts.New(s), t.Context()
	su := accounts.NewSetup()
	code := su.Code()
	if !su.Valid(code) || su.Valid(code+"x") || su.Valid("") {
		t.Error("Valid does not tell the code from others")
	}
	if _, err := su.Use(ctx, svc, code, "root", "short"); zootour.ErrorCode(err) != zootour.EINVALID {
		t.Errorf("Use with a short password = %v, want invalid", err)
	}
	if _, err := su.Use(ctx, svc, "wrong", "root", "a good password"); err == nil {
		t.Error("Use with a wrong code succeeded")
	}
	u, err := su.Use(ctx, svc, code, "root", "a good password")
	if err != nil || u.Role != zootour.Admin {
		t.Fatalf("Use = %+v %v, want an admin", u, err)
	}
	if _, err := su.Use(ctx, svc, code, "root2", "a good password"); err == nil {
		t.Error("the setup code worked twice")
	}
	if su.Code() != "" || su.Valid(code) {
		t.Error("a used code is still valid")
	}
	// A code made while users exist cannot make another admin.
	su2 := accounts.NewSetup()
	if _, err := su2.Use(ctx, svc, su2.Code(), "root3", "a good password"); zootour.ErrorCode(err) != zootour.ECONFLICT {
		t.Errorf("Use with users present = %v, want conflict", err)
	}
}
