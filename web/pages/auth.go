package pages

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/accounts"
	"github.com/zootour/zootour/web/httpx"
)

// Who may do what on the pages follows the API's rule (httpx.Auth;
// docs/accounts.md): every request is a user's, by a session from the
// sign-in page or a bearer token, or anonymous. Reading needs a viewer
// (or public read), writing an editor, users and tokens an admin. No
// address is trusted for what it is.
//
// Forms are protected against cross-site posts twice: by the cross-origin
// check (Sec-Fetch-Site and Origin, which every current browser sends),
// and by a token in each form, an HMAC under the store's key of the
// client's session secret, for browsers that send neither header. Both
// live in the store, so a form shown before a restart still posts after
// it. A bearer token is not sent by a browser on its own, so a request
// that carries one may skip the form token (not the cross-origin check).

// access is what the client may do, for the templates.
type access struct {
	SignedIn bool
	Name     string
	Role     zootour.Role
	Session  bool // signed in by a session, which it may sign out
	CanWrite bool // an editor or an admin: it may add, edit and delete
	IsAdmin  bool // it may manage users and tokens
}

func accessOf(who httpx.Who) access {
	return access{
		SignedIn: !who.Anonymous(),
		Name:     who.User.Name,
		Role:     who.User.Role,
		Session:  who.Via == "session",
		CanWrite: who.Can(zootour.Editor),
		IsAdmin:  who.Can(zootour.Admin),
	}
}

// identify finds who made r and puts it in r's context, which also makes
// that user the actor of the request's writes in the change log.
func (u *ui) identify(r *http.Request) (*http.Request, error) {
	who, err := u.auth.Identify(r)
	if err != nil {
		return r, err
	}
	return r.WithContext(httpx.WithWho(r.Context(), who)), nil
}

// need lets h answer only a client whose role allows need: anyone else
// who is not signed in is sent to sign in, and a signed-in user whose
// role falls short gets a 403 page that names the role needed.
func (u *ui) need(role zootour.Role, h pageFunc) pageFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		who := httpx.WhoOf(r.Context())
		if err := u.auth.Allow(who, role); err != nil {
			if who.Anonymous() {
				return toSignIn(w, r)
			}
			return refuse(who, role)
		}
		return h(w, r)
	}
}

// refusal is the 403 of a role that falls short: its page offers to sign
// in as someone else.
type refusal struct{ error }

func (r *refusal) Unwrap() error { return r.error }

// refuse says which role a signed-in user lacks.
func refuse(who httpx.Who, need zootour.Role) error {
	return &refusal{&httpx.Error{Status: http.StatusForbidden, Detail: fmt.Sprintf(
		"You are signed in as %s, %s: this needs the %s role. An admin can give it to you.", who.User.Name, article(string(who.User.Role)), need)}}
}

// signedIn lets h answer signed-in users only, public read or not: the
// change log names people, so it is for those who sign in.
func (u *ui) signedIn(h pageFunc) pageFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if u.auth.SignedIn(httpx.WhoOf(r.Context())) != nil {
			return toSignIn(w, r)
		}
		return h(w, r)
	}
}

// toSignIn sends the client to the sign-in page, which brings it back:
// to the page asked for, or for a post to the page the form was on.
func toSignIn(w http.ResponseWriter, r *http.Request) error {
	next := r.URL.RequestURI()
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		next = "/"
		if ref, err := url.Parse(r.Referer()); err == nil && ref.Host == r.Host {
			// The browser's address holds the base path; next, like every
			// path the handlers write, is from the root (UnderBase).
			if rest, ok := strings.CutPrefix(ref.Path, basePath(r)); ok && strings.HasPrefix(rest, "/") {
				ref.Path, ref.RawPath = rest, ""
				next = safeNext(ref.RequestURI())
			}
		}
	}
	http.Redirect(w, r, "/signin?next="+url.QueryEscape(next), http.StatusSeeOther)
	return nil
}

// formToken is the token that the client's forms carry: bound to its
// session, so that a token seen by one client is no use to another.
func (u *ui) formToken(ctx context.Context) (string, error) {
	return u.auth.Accounts.Sign(ctx, "form", httpx.WhoOf(ctx).Session)
}

// posted guards a form post: it refuses cross-origin posts, reads the
// form (at most maxFormBytes) and checks its token.
func (u *ui) posted(h pageFunc) pageFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := u.sameSite(r); err != nil {
			return err
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
		if err := r.ParseForm(); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return &httpx.Error{Status: http.StatusRequestEntityTooLarge, Detail: "The form is too large."}
			}
			return &httpx.Error{Status: http.StatusBadRequest, Detail: "The form could not be read."}
		}
		if err := u.checkToken(r, r.PostForm.Get("csrf")); err != nil {
			return err
		}
		return h(w, r)
	}
}

// sameSite refuses a post sent from another site. A multipart form (an
// import's upload) checks it, and its token, itself, so that nothing of
// the upload is read before.
func (u *ui) sameSite(r *http.Request) error {
	if u.auth.CrossOrigin(r) {
		return &httpx.Error{Status: http.StatusForbidden, Detail: "This form was sent from another site, so it was refused. Open the page on this site and send it from there."}
	}
	return nil
}

// checkToken refuses a form whose token got is not this client's; a
// request with a bearer token needs none.
func (u *ui) checkToken(r *http.Request, got string) error {
	if httpx.WhoOf(r.Context()).Via == "token" {
		return nil
	}
	want, err := u.formToken(r.Context())
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return &httpx.Error{Status: http.StatusForbidden, Detail: "This form has expired or did not come from this site. Go back, reload the page and send it again."}
	}
	return nil
}

// sessionCookie sets (or, with an empty secret, deletes) the cookie of a
// browser's session. Lax, not Strict, so that a link to a page from
// elsewhere arrives signed in; a post from elsewhere carries no cookie.
func (u *ui) sessionCookie(w http.ResponseWriter, r *http.Request, secret string) {
	c := &http.Cookie{Name: httpx.SessionCookie, Value: secret, Path: cookiePath(r), HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: u.auth.Secure(r), MaxAge: int(accounts.SessionLife.Seconds())}
	if secret == "" {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

// signInPage is the data of the sign-in page.
type signInPage struct {
	layout
	Next     string
	Name     *field
	Password *field
	Error    string
	NoUsers  bool // the first admin is still to be made, by the setup link
}

func (u *ui) newSignInPage(next string) *signInPage {
	return &signInPage{
		NoUsers:  u.setup != nil && u.setup.Code() != "",
		layout:   layout{Title: "Sign in", Section: "signin"},
		Next:     next,
		Name:     &field{Name: "name", Label: "Name", Type: "text", Autocomplete: "username", Required: true, MaxLength: zootour.MaxUserName},
		Password: &field{Name: "password", Label: "Password", Type: "password", Autocomplete: "current-password", Required: true},
	}
}

func (u *ui) signInForm(w http.ResponseWriter, r *http.Request) error {
	u.render(w, r, http.StatusOK, "signin.html", u.newSignInPage(safeNext(r.URL.Query().Get("next"))))
	return nil
}

// signIn checks a name and password and starts a stored session. A wrong
// name and a wrong password get the same answer, so that the form does not
// tell which names exist.
func (u *ui) signIn(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := u.newSignInPage(safeNext(r.PostForm.Get("next")))
	name, pw := strings.TrimSpace(r.PostForm.Get("name")), r.PostForm.Get("password")
	p.Name.Value = name
	if name == "" || pw == "" {
		p.Error = "Enter your name and your password."
		u.render(w, r, http.StatusBadRequest, "signin.html", p)
		return nil
	}
	if err := u.auth.Limited(r); err != nil {
		return err
	}
	secret, _, err := u.auth.Accounts.SignIn(ctx, name, pw)
	if errors.Is(err, accounts.ErrSignIn) {
		u.auth.Failed(r)
		p.Error = sentence(accounts.ErrSignIn.Error())
		u.render(w, r, http.StatusForbidden, "signin.html", p)
		return nil
	} else if err != nil {
		return err
	}
	if old := httpx.WhoOf(ctx); old.Via == "session" {
		// Someone else was signed in on this browser: that session ends.
		if err := u.auth.Accounts.SignOut(ctx, old.Session); err != nil {
			return err
		}
	}
	u.sessionCookie(w, r, secret)
	return redirect(w, r, p.Next, "signed-in")
}

// signOut ends the session in the store, so that a copy of the cookie is
// no use either.
func (u *ui) signOut(w http.ResponseWriter, r *http.Request) error {
	if who := httpx.WhoOf(r.Context()); who.Via == "session" {
		if err := u.auth.Accounts.SignOut(r.Context(), who.Session); err != nil {
			return err
		}
	}
	u.sessionCookie(w, r, "")
	to := "/"
	if !u.auth.PublicRead {
		to = "/signin"
	}
	return redirect(w, r, to, "signed-out")
}

// setupPage is the data of the page that makes the first admin.
type setupPage struct{ formPage }

func (u *ui) setupForm(code string) *setupPage {
	return &setupPage{formPage{
		layout: layout{Title: "Make the first admin", Section: "signin"}, // no sign-in link, which would carry the code
		Action: "/setup", Submit: "Make the admin and sign in", Cancel: "/",
		Hidden: []hidden{{"code", code}},
		Fields: []*field{
			{Name: "name", Label: "Your user name", Type: "text", Required: true, MaxLength: zootour.MaxUserName, Autocomplete: "username",
				Hint: "Letters, digits, '.', '_' and '-'; at most 64."},
			{Name: "password", Label: "Password", Type: "password", Required: true, Autocomplete: "new-password",
				Hint: "At least 8 characters."},
			{Name: "password2", Label: "The password again", Type: "password", Required: true, Autocomplete: "new-password"},
		},
	}}
}

// setupGone answers a setup link that can no longer be used.
func (u *ui) setupGone(code string) error {
	if u.setup == nil || u.setup.Code() == "" {
		return &httpx.Error{Status: http.StatusGone, Detail: "This setup link has been used: the first admin exists. Sign in, or ask an admin for an account."}
	}
	if !u.setup.Valid(code) {
		return &httpx.Error{Status: http.StatusForbidden, Detail: "This is not this server's setup link: copy the whole link that the server printed when it started."}
	}
	return nil
}

// setupGet answers the one-time link that a store without users prints on
// start: a form for the first admin.
func (u *ui) setupGet(w http.ResponseWriter, r *http.Request) error {
	code := r.URL.Query().Get("code")
	if err := u.setupGone(code); err != nil {
		return err
	}
	p := u.setupForm(code)
	p.Description = "This server has no users yet. Choose the name and password of its first admin, who can then add everyone else. This link works once."
	u.render(w, r, http.StatusOK, "form.html", p)
	return nil
}

// setupPost makes the first admin, spends the code and signs the admin in.
func (u *ui) setupPost(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	code := r.PostForm.Get("code")
	if err := u.setupGone(code); err != nil {
		return err
	}
	p := u.setupForm(code)
	name := p.Fields[0]
	pw, ok := readNewUser(r, name, p.Fields[1], p.Fields[2])
	if !ok {
		u.render(w, r, http.StatusBadRequest, "form.html", p)
		return nil
	}
	// The first admin makes itself: the change log names it.
	ctx = zootour.WithActor(ctx, name.Value)
	if _, err := u.setup.Use(ctx, u.auth.Accounts, code, name.Value, pw); err != nil {
		if zootour.ErrorCode(err) == zootour.EINVALID && u.setup.Code() != "" {
			p.Error = sentence(err.Error())
			u.render(w, r, http.StatusBadRequest, "form.html", p)
			return nil
		}
		return err
	}
	secret, _, err := u.auth.Accounts.SignIn(ctx, name.Value, pw)
	if err != nil {
		return err
	}
	u.sessionCookie(w, r, secret)
	return redirect(w, r, "/", "first-admin")
}

// readNewUser reads and checks a new user's name (if name is not nil) and
// password, typed twice, marking each field's problem. The password is
// returned, never kept in a field, so that no page shows it again.
func readNewUser(r *http.Request, name, pw, again *field) (string, bool) {
	ok := true
	if name != nil {
		name.Value = strings.TrimSpace(r.PostForm.Get(name.Name))
		if err := zootour.CheckUserName(name.Value); err != nil {
			name.Error, ok = sentence(err.Error()), false
		}
	}
	password := r.PostForm.Get(pw.Name)
	if err := accounts.CheckPassword(password); err != nil {
		pw.Error, ok = sentence(err.Error()), false
	} else if r.PostForm.Get(again.Name) != password {
		again.Error, ok = "The two passwords differ: type the same one twice.", false
	}
	return password, ok
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
