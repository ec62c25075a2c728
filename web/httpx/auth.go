package httpx

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/accounts"
)

// SessionCookie holds the secret of a signed-in browser's session.
const SessionCookie = "zootour_session"

// Who is who made a request: a user, signed in by a session or a bearer
// token, or no one (anonymous).
type Who struct {
	User zootour.User
	// Via is "session", "token", or "" for anonymous.
	Via string
	// Session is the session's secret, when Via is "session".
	Session string
}

// Anonymous reports whether no one is signed in.
func (w Who) Anonymous() bool { return w.Via == "" }

// Can reports whether w's role allows what needs role need.
func (w Who) Can(need zootour.Role) bool { return !w.Anonymous() && w.User.Role.Allows(need) }

// An Auth finds who is asking, for the API and the pages alike
// (docs/accounts.md). No address is trusted for what it is: a request is
// a user's only by a session or a token.
type Auth struct {
	Accounts *accounts.Service
	// PublicRead lets anonymous requests read.
	PublicRead bool
	// SecureCookies marks the session cookie Secure on every answer, not
	// only over TLS: the server sits behind an https base URL.
	SecureCookies bool
	csrf          *http.CrossOriginProtection
	failures      *Failures
}

// NewAuth returns the Auth of an accounts service.
func NewAuth(svc *accounts.Service, publicRead bool) *Auth {
	return &Auth{Accounts: svc, PublicRead: publicRead, csrf: http.NewCrossOriginProtection(), failures: NewFailures()}
}

// Secure reports whether a cookie set in answer to r must be Secure.
func (a *Auth) Secure(r *http.Request) bool { return r.TLS != nil || a.SecureCookies }

// Limited answers 429 when r's address has failed to sign in, or shown a
// wrong token, too often of late: a guess at a password or a token then
// waits out the minute.
func (a *Auth) Limited(r *http.Request) error {
	if wait, ok := a.failures.Blocked(ClientAddr(r)); ok {
		return &Error{Status: http.StatusTooManyRequests, RetryAfter: wait,
			Detail: fmt.Sprintf("too many failed sign-ins or wrong tokens from your address: try again in %d seconds", retrySeconds(wait))}
	}
	return nil
}

// Failed counts a failed sign-in, or a wrong token, against r's address.
func (a *Auth) Failed(r *http.Request) { a.failures.Fail(ClientAddr(r)) }

// ClientAddr is the address a request came from, as the connection says:
// headers are the client's to forge.
func ClientAddr(r *http.Request) string { return hostOnly(r.RemoteAddr) }

// errBadCredentials answers a token or session that is not valid: 401,
// as the request has no credentials that count.
var errBadCredentials = &Error{Status: http.StatusUnauthorized, Detail: "the token or session is not valid (revoked, expired or mistyped): sign in again"}

// Identify returns who made r. A bearer token wins over a cookie; a bad
// token is an error (401), a stale cookie is only no one.
func (a *Auth) Identify(r *http.Request) (Who, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
			return Who{}, &Error{Status: http.StatusUnauthorized, Detail: `the Authorization header must be "Bearer TOKEN"`}
		}
		if err := a.Limited(r); err != nil {
			return Who{}, err
		}
		u, err := a.Accounts.Bearer(r.Context(), strings.TrimSpace(token))
		if errors.Is(err, accounts.ErrSignIn) {
			a.Failed(r)
			return Who{}, errBadCredentials
		}
		if err != nil {
			return Who{}, err
		}
		return Who{User: u, Via: "token"}, nil
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return Who{}, nil
	}
	u, err := a.Accounts.Session(r.Context(), c.Value)
	if errors.Is(err, accounts.ErrSignIn) {
		return Who{}, nil
	}
	if err != nil {
		return Who{}, err
	}
	return Who{User: u, Via: "session", Session: c.Value}, nil
}

type whoKey struct{}

// WithWho returns ctx carrying w, with w's user as the actor of its
// writes in the change log.
func WithWho(ctx context.Context, w Who) context.Context {
	ctx = context.WithValue(ctx, whoKey{}, w)
	if !w.Anonymous() {
		ctx = zootour.WithActor(ctx, w.User.Name)
	}
	return ctx
}

// WhoOf returns who made the request of ctx (anonymous if none is known).
func WhoOf(ctx context.Context) Who {
	w, _ := ctx.Value(whoKey{}).(Who)
	return w
}

// Allow says whether w may do what needs role need: nil, or an *Error
// of 401 (no one is signed in) or 403 (the role does not allow it).
// Reading (Viewer) is open to anyone when PublicRead is on.
func (a *Auth) Allow(w Who, need zootour.Role) error {
	switch {
	case w.Anonymous() && need == zootour.Viewer && a.PublicRead:
		return nil
	case w.Anonymous():
		return &Error{Status: http.StatusUnauthorized, Detail: "sign in, or send Authorization: Bearer TOKEN"}
	case !w.User.Role.Allows(need):
		return &Error{Status: http.StatusForbidden, Detail: "user " + w.User.Name + " is a " + string(w.User.Role) + "; this needs the " + string(need) + " role"}
	}
	return nil
}

// SignedIn says whether w is someone, whatever PublicRead says: the change
// log is for signed-in users only.
func (a *Auth) SignedIn(w Who) error {
	if w.Anonymous() {
		return &Error{Status: http.StatusUnauthorized, Detail: "sign in, or send Authorization: Bearer TOKEN"}
	}
	return nil
}

// CrossOrigin reports whether r is a browser's cross-origin request that
// may not write, by Sec-Fetch-Site and Origin.
func (a *Auth) CrossOrigin(r *http.Request) bool { return a.csrf.Check(r) != nil }
