package pages

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/httpx"
)

// The admin's pages (docs/accounts.md): the users with their
// roles at /users, and each user at /users/{name} with its tokens. Every
// change here is logged as the admin's. A change of role or password ends
// the user's sessions (the store does it), so it holds from the next
// request. The last admin may not lose the role, so that someone can
// still manage the server from the pages.

// userRow is a user in the list.
type userRow struct {
	zootour.User
	Added  string
	Tokens int
}

// usersPage is the data of /users.
type usersPage struct {
	layout
	Users     []userRow
	Add       []*field // name, role, password, password2
	AddError  string
	AddAction string
}

func roleField(name string, role zootour.Role) *field {
	f := &field{Name: name, Label: "Role", Type: "select", Required: true,
		Hint: "A viewer reads; an editor also changes zoos, animals and visits; an admin also manages users and tokens."}
	for _, r := range zootour.Roles {
		f.Options = append(f.Options, option{Value: string(r), Label: string(r), Selected: r == role})
	}
	return f
}

func passwordFields(label string) (*field, *field) {
	return &field{Name: "password", Label: label, Type: "password", Required: true, Autocomplete: "new-password", Hint: "At least 8 characters."},
		&field{Name: "password2", Label: "The password again", Type: "password", Required: true, Autocomplete: "new-password"}
}

func addUserFields() []*field {
	pw, again := passwordFields("Password")
	return []*field{
		{Name: "name", Label: "Name", Type: "text", Required: true, MaxLength: zootour.MaxUserName, Autocomplete: "off",
			Hint: "Letters, digits, '.', '_' and '-'; at most 64."},
		roleField("role", zootour.Viewer), pw, again,
	}
}

func dateText(t time.Time) string { return t.UTC().Format("2006-01-02") }

// usersPage reads the users and how many tokens each has.
func (u *ui) usersPage(ctx context.Context) (*usersPage, error) {
	users, err := u.store.Users(ctx)
	if err != nil {
		return nil, err
	}
	tokens, err := u.store.Tokens(ctx, "")
	if err != nil {
		return nil, err
	}
	count := make(map[string]int)
	for _, t := range tokens {
		count[t.User]++
	}
	p := &usersPage{layout: layout{Title: "Users", Section: "users"}, Add: addUserFields(), AddAction: "/users"}
	for _, us := range users {
		p.Users = append(p.Users, userRow{User: us, Added: dateText(us.Created), Tokens: count[us.Name]})
	}
	return p, nil
}

func (u *ui) users(w http.ResponseWriter, r *http.Request) error {
	p, err := u.usersPage(r.Context())
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, "users.html", p)
	return nil
}

func (u *ui) addUser(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p, err := u.usersPage(ctx)
	if err != nil {
		return err
	}
	name, roleF := p.Add[0], p.Add[1]
	pw, ok := readNewUser(r, name, p.Add[2], p.Add[3])
	role, err := zootour.ParseRole(r.PostForm.Get("role"))
	if err != nil {
		roleF.Error, ok = sentence(err.Error()), false
	} else {
		*roleF = *roleField("role", role)
	}
	if ok {
		_, err = u.auth.Accounts.AddUser(ctx, name.Value, role, pw)
		switch zootour.ErrorCode(err) {
		case "":
			return redirect(w, r, "/users/"+name.Value, "user-added")
		case zootour.ECONFLICT:
			name.Error = fmt.Sprintf("There is a user named %s already.", name.Value)
		case zootour.EINVALID:
			p.AddError = sentence(err.Error())
		default:
			return err
		}
	}
	u.render(w, r, http.StatusBadRequest, "users.html", p)
	return nil
}

// tokenRow is a token in a user's list.
type tokenRow struct {
	zootour.Token
	Added, Used string
}

// userPage is the data of /users/{name}.
type userPage struct {
	layout
	User                zootour.User
	Added               string
	Self                bool // the admin looking is this user
	Role                *field
	Password, Password2 *field
	Label               *field
	Tokens              []tokenRow
	History             *historyPart
}

// theUser reads the user of the page's {name}: 404 if there is none.
func (u *ui) theUser(r *http.Request) (zootour.User, error) {
	name := r.PathValue("name")
	us, err := u.store.User(r.Context(), name)
	if c := zootour.ErrorCode(err); c == zootour.ENOTFOUND || c == zootour.EINVALID {
		return us, &httpx.Error{Status: http.StatusNotFound, Detail: fmt.Sprintf("There is no user named %q.", name)}
	}
	return us, err
}

func (u *ui) userPage(r *http.Request, us zootour.User) (*userPage, error) {
	ctx := r.Context()
	p := &userPage{layout: layout{Title: us.Name, Section: "users"}, User: us, Added: dateText(us.Created),
		Self: httpx.WhoOf(ctx).User.Name == us.Name, Role: roleField("role", us.Role),
		Label: &field{Name: "label", Label: "Label", Type: "text", MaxLength: zootour.MaxLabelLen, Autocomplete: "off",
			Hint: "What the token is for, such as the program or machine that uses it."}}
	p.Password, p.Password2 = passwordFields("New password")
	ts, err := u.store.Tokens(ctx, us.Name)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		row := tokenRow{Token: t, Added: timeText(t.Created), Used: "never"}
		if t.LastUsed != nil {
			row.Used = timeText(*t.LastUsed)
		}
		p.Tokens = append(p.Tokens, row)
	}
	p.History, err = u.history(r, zootour.KindUser, us.ID)
	return p, err
}

func (u *ui) user(w http.ResponseWriter, r *http.Request) error {
	us, err := u.theUser(r)
	if err != nil {
		return err
	}
	p, err := u.userPage(r, us)
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, "user.html", p)
	return nil
}

// lastAdmin reports whether us is the only admin.
func (u *ui) lastAdmin(ctx context.Context, us zootour.User) (bool, error) {
	if us.Role != zootour.Admin {
		return false, nil
	}
	users, err := u.store.Users(ctx)
	if err != nil {
		return false, err
	}
	n := 0
	for _, x := range users {
		if x.Role == zootour.Admin {
			n++
		}
	}
	return n <= 1, nil
}

func lastAdminText(name string) string {
	return name + " is the only admin: make another user an admin first, so that someone can still manage the users."
}

func (u *ui) setRole(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	us, err := u.theUser(r)
	if err != nil {
		return err
	}
	p, err := u.userPage(r, us)
	if err != nil {
		return err
	}
	role, err := zootour.ParseRole(r.PostForm.Get("role"))
	if err != nil {
		p.Role.Error = sentence(err.Error())
		u.render(w, r, http.StatusBadRequest, "user.html", p)
		return nil
	}
	if role != zootour.Admin {
		last, err := u.lastAdmin(ctx, us)
		if err != nil {
			return err
		}
		if last {
			p.Role.Error = lastAdminText(us.Name)
			u.render(w, r, http.StatusConflict, "user.html", p)
			return nil
		}
	}
	if _, err := u.store.UpdateUser(ctx, us.Name, zootour.UserUpdate{Role: &role}); err != nil {
		return err
	}
	return redirect(w, r, "/users/"+us.Name, "role-changed")
}

func (u *ui) resetPassword(w http.ResponseWriter, r *http.Request) error {
	us, err := u.theUser(r)
	if err != nil {
		return err
	}
	p, err := u.userPage(r, us)
	if err != nil {
		return err
	}
	pw, ok := readNewUser(r, nil, p.Password, p.Password2)
	if !ok {
		u.render(w, r, http.StatusBadRequest, "user.html", p)
		return nil
	}
	if _, err := u.auth.Accounts.SetPassword(r.Context(), us.Name, pw); err != nil {
		return err
	}
	return redirect(w, r, "/users/"+us.Name, "password-set")
}

// removePage asks to confirm the removal of a user.
func (u *ui) removePage(r *http.Request, us zootour.User) (*deletePage, error) {
	ts, err := u.store.Tokens(r.Context(), us.Name)
	if err != nil {
		return nil, err
	}
	what := fmt.Sprintf("the user %s (%s), with %s and every session", us.Name, us.Role, plural(len(ts), "token", "tokens"))
	return &deletePage{
		layout: layout{Title: "Remove " + us.Name, Section: "users"},
		What:   what, Verb: "removes", Button: "Remove " + us.Name,
		Undo:   "An admin can undo this from Latest changes; the user then comes back without a password or tokens, so set a new password.",
		Action: "/users/" + us.Name + "/delete", Cancel: "/users/" + us.Name,
	}, nil
}

func (u *ui) confirmRemoveUser(w http.ResponseWriter, r *http.Request) error {
	us, err := u.theUser(r)
	if err != nil {
		return err
	}
	p, err := u.removePage(r, us)
	if err != nil {
		return err
	}
	u.render(w, r, http.StatusOK, "delete.html", p)
	return nil
}

func (u *ui) removeUser(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	us, err := u.theUser(r)
	if err != nil {
		return err
	}
	last, err := u.lastAdmin(ctx, us)
	if err != nil {
		return err
	}
	if last {
		return &httpx.Error{Status: http.StatusConflict, Detail: lastAdminText(us.Name)}
	}
	if err := u.store.DeleteUser(ctx, us.Name); zootour.ErrorCode(err) == zootour.ENOTFOUND {
		return &httpx.Error{Status: http.StatusNotFound, Detail: fmt.Sprintf("There is no user named %q.", us.Name)}
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/users", "user-removed")
}

// tokenPage shows a new token's secret, the only time it is shown: on the
// answer to the post itself, never in a URL or a cookie.
type tokenPage struct {
	layout
	User   string
	Label  string
	Secret string
}

func (u *ui) addToken(w http.ResponseWriter, r *http.Request) error {
	us, err := u.theUser(r)
	if err != nil {
		return err
	}
	label := strings.TrimSpace(r.PostForm.Get("label"))
	secret, t, err := u.auth.Accounts.AddToken(r.Context(), us.Name, label)
	if zootour.ErrorCode(err) == zootour.EINVALID {
		p, perr := u.userPage(r, us)
		if perr != nil {
			return perr
		}
		p.Label.Value, p.Label.Error = label, sentence(err.Error())
		u.render(w, r, http.StatusBadRequest, "user.html", p)
		return nil
	} else if err != nil {
		return err
	}
	p := &tokenPage{layout: layout{Title: "New token for " + us.Name, Section: "users"}, User: us.Name, Label: t.Label, Secret: secret}
	u.render(w, r, http.StatusCreated, "token.html", p)
	return nil
}

func (u *ui) revokeToken(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	us, err := u.theUser(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	gone := &httpx.Error{Status: http.StatusNotFound, Detail: fmt.Sprintf("%s has no token %s: it may have been revoked already.", us.Name, r.PathValue("id"))}
	if err != nil || id <= 0 {
		return gone
	}
	ts, err := u.store.Tokens(ctx, us.Name)
	if err != nil {
		return err
	}
	found := false
	for _, t := range ts {
		found = found || t.ID == id
	}
	if !found {
		return gone
	}
	if err := u.store.DeleteToken(ctx, id); zootour.ErrorCode(err) == zootour.ENOTFOUND {
		return gone
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/users/"+us.Name, "token-revoked")
}
