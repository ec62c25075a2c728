package pages

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/zootour/zootour/web/httpx"
)

// Who may write through the pages, by the API's rule (httpx.Guard): a
// loopback client that addresses the server by a loopback name, or a
// client signed in with the server's token. Signing in sets a session
// cookie whose value is signed with the pages' random secret, never the
// token itself.
//
// Forms are protected against cross-site posts twice: by the Guard's
// cross-origin check (Sec-Fetch-Site and Origin, which every current
// browser sends), and by a token in each form, an HMAC of the client's
// session (or of nothing, for a loopback client without one), for
// browsers that send neither header.

const (
	sessionCookie = "zootour_session"
	sessionLife   = 12 * time.Hour
)

// errSignIn refuses a write for want of a session, offering to sign in;
// the page shows it as a sentence.
var errSignIn = errors.New("sign in to make changes")

// access is what a client may do, for the templates.
type access struct {
	CanWrite  bool // it may add, edit and delete
	SignedIn  bool // it holds a valid session
	CanSignIn bool // the server has a token to sign in with
	Local     bool // it writes as a loopback client
}

func (u *ui) access(r *http.Request) access {
	_, signedIn := u.session(r)
	local := u.guard.Local(r)
	return access{
		CanWrite:  local || signedIn,
		SignedIn:  signedIn,
		CanSignIn: u.guard.HasToken(),
		Local:     local,
	}
}

func (u *ui) mac(parts ...string) []byte {
	m := hmac.New(sha256.New, u.secret)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0}) // so that ("ab","c") and ("a","bc") differ
	}
	return m.Sum(nil)
}

var raw64 = base64.RawURLEncoding

// newSession returns a cookie value: a random nonce, an expiry and their
// HMAC.
func (u *ui) newSession(now time.Time) string {
	var n [16]byte
	rand.Read(n[:])
	nonce := raw64.EncodeToString(n[:])
	exp := strconv.FormatInt(now.Add(sessionLife).Unix(), 10)
	return nonce + "." + exp + "." + raw64.EncodeToString(u.mac("session", nonce, exp))
}

// session returns the nonce of the client's session if it has a valid one:
// signed by this server, not expired, not signed out.
func (u *ui) session(r *http.Request) (string, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return "", false
	}
	nonce, rest, ok1 := strings.Cut(c.Value, ".")
	exp, sig, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 {
		return "", false
	}
	got, err := raw64.DecodeString(sig)
	if err != nil || !hmac.Equal(got, u.mac("session", nonce, exp)) {
		return "", false
	}
	if e, err := strconv.ParseInt(exp, 10, 64); err != nil || time.Now().Unix() >= e {
		return "", false
	}
	u.mu.Lock()
	_, revoked := u.revoked[nonce]
	u.mu.Unlock()
	return nonce, !revoked
}

// revoke makes a session invalid before it expires (sign out). Entries
// are kept only as long as the session could have lived.
func (u *ui) revoke(nonce string) {
	now := time.Now()
	u.mu.Lock()
	defer u.mu.Unlock()
	for n, until := range u.revoked {
		if now.After(until) {
			delete(u.revoked, n)
		}
	}
	u.revoked[nonce] = now.Add(sessionLife)
}

// formToken is the token that the client's forms carry: bound to its
// session, so that a token seen by one client is no use to another.
func (u *ui) formToken(r *http.Request) string {
	nonce, _ := u.session(r)
	return raw64.EncodeToString(u.mac("form", nonce))
}

// posted guards a form post: it refuses cross-origin posts and, for a
// write, clients that may not write; then it reads the form (at most
// maxFormBytes) and checks its token.
func (u *ui) posted(h pageFunc, write bool) pageFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if u.guard.CrossOrigin(r) {
			return &httpx.Error{Status: http.StatusForbidden, Detail: "This form was sent from another site, so it was refused. Open the page on this site and send it from there."}
		}
		if write && !u.access(r).CanWrite {
			return u.refuse()
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return &httpx.Error{Status: http.StatusRequestEntityTooLarge, Detail: "The form is too large."}
			}
			return &httpx.Error{Status: http.StatusBadRequest, Detail: "The form could not be read."}
		}
		got, want := r.PostForm.Get("csrf"), u.formToken(r)
		if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
			return &httpx.Error{Status: http.StatusForbidden, Detail: "This form has expired or did not come from this site. Go back, reload the page and send it again."}
		}
		return h(w, r)
	}
}

// mayWrite lets a form page show only to a client that may write; anyone
// else is sent to sign in.
func (u *ui) mayWrite(h pageFunc) pageFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if u.access(r).CanWrite {
			return h(w, r)
		}
		if u.guard.HasToken() {
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return nil
		}
		return u.refuse()
	}
}

// refuse answers a client that may not write.
func (u *ui) refuse() error {
	if !u.guard.HasToken() {
		return &httpx.Error{Status: http.StatusForbidden, Detail: "This server takes changes only from its own machine."}
	}
	return errSignIn
}

// signInPage is the data of the sign-in page.
type signInPage struct {
	layout
	Next  string
	Error string
}

func (u *ui) signInForm(w http.ResponseWriter, r *http.Request) error {
	p := &signInPage{layout: layout{Title: "Sign in"}, Next: safeNext(r.URL.Query().Get("next"))}
	u.render(w, r, http.StatusOK, "signin.html", p)
	return nil
}

func (u *ui) signIn(w http.ResponseWriter, r *http.Request) error {
	next := safeNext(r.PostForm.Get("next"))
	p := &signInPage{layout: layout{Title: "Sign in"}, Next: next}
	token := strings.TrimSpace(r.PostForm.Get("token"))
	switch {
	case !u.guard.HasToken():
		return &httpx.Error{Status: http.StatusForbidden, Detail: "This server has no token to sign in with: it takes changes only from its own machine."}
	case token == "":
		p.Error = "Enter the server's token."
		u.render(w, r, http.StatusBadRequest, "signin.html", p)
		return nil
	case !u.guard.IsToken(token):
		p.Error = "That is not this server's token."
		u.render(w, r, http.StatusForbidden, "signin.html", p)
		return nil
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: u.newSession(time.Now()), Path: "/",
		MaxAge: int(sessionLife / time.Second), HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: r.TLS != nil,
	})
	return redirect(w, r, next, "signed-in")
}

func (u *ui) signOut(w http.ResponseWriter, r *http.Request) error {
	if nonce, ok := u.session(r); ok {
		u.revoke(nonce)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	return redirect(w, r, "/", "signed-out")
}

// safeNext keeps a redirect on this site: a path, not a URL to elsewhere
// ("//host", or "/\host" and "/<tab>/host", which browsers read as "//host").
func safeNext(s string) string {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") {
		return "/"
	}
	for _, c := range s {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return "/"
		}
	}
	return s
}
