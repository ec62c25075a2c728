package logsql

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/zootour/zootour"
)

const userCols = `u.id, u.name, u.role, u.created_at`

func scanUser(scan func(...any) error) (zootour.User, error) {
	var u zootour.User
	var role, at string
	if err := scan(&u.ID, &u.Name, &role, &at); err != nil {
		return u, err
	}
	u.Role = zootour.Role(role)
	t, err := ParseTime(at)
	u.Created = t
	return u, err
}

// one runs a query of at most one row; found reports whether it had one.
func one(ctx context.Context, db DB, sql string, args []any, row func(scan func(...any) error) error) (bool, error) {
	found := false
	err := db.Query(ctx, sql, args, func(scan func(...any) error) error {
		found = true
		return row(scan)
	})
	return found, err
}

func userByName(ctx context.Context, db DB, d Dialect, name string) (zootour.User, error) {
	if err := zootour.CheckUserName(name); err != nil {
		return zootour.User{}, err
	}
	var u zootour.User
	found, err := one(ctx, db, d.q(`SELECT `+userCols+` FROM users u WHERE u.name = ?1`), []any{name},
		func(scan func(...any) error) (err error) { u, err = scanUser(scan); return err })
	if err == nil && !found {
		err = zootour.Errorf(zootour.ENOTFOUND, "user %s does not exist", name)
	}
	return u, err
}

// CreateUser adds a user; password is the hash ("" for none).
func CreateUser(ctx context.Context, db DB, d Dialect, b *Batch, name string, role zootour.Role, password string) (zootour.User, error) {
	if err := zootour.CheckUserName(name); err != nil {
		return zootour.User{}, err
	}
	if _, err := zootour.ParseRole(string(role)); err != nil {
		return zootour.User{}, err
	}
	taken, err := one(ctx, db, d.q(`SELECT 1 FROM users WHERE name = ?1`), []any{name}, func(func(...any) error) error { return nil })
	if err != nil {
		return zootour.User{}, err
	}
	if taken {
		return zootour.User{}, zootour.Errorf(zootour.ECONFLICT, "user %s already exists", name)
	}
	u := zootour.User{Name: name, Role: role, Created: b.at}
	if err := insertUser(ctx, db, d, &u, password); err != nil {
		return u, err
	}
	return u, b.Add(ctx, db, zootour.Created(zootour.KindUser, u.ID, u))
}

// insertUser stores u, with its ID if it has one.
func insertUser(ctx context.Context, db DB, d Dialect, u *zootour.User, password string) error {
	if u.ID != 0 {
		return db.Exec(ctx, d.q(`INSERT INTO users (id, name, role, password, created_at) VALUES (?1, ?2, ?3, ?4, ?5)`),
			u.ID, u.Name, string(u.Role), password, Time(u.Created))
	}
	_, err := one(ctx, db, d.q(`INSERT INTO users (name, role, password, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id`),
		[]any{u.Name, string(u.Role), password, Time(u.Created)},
		func(scan func(...any) error) error { return scan(&u.ID) })
	return err
}

// User returns the user of that name.
func User(ctx context.Context, db DB, d Dialect, name string) (zootour.User, error) {
	return userByName(ctx, db, d, name)
}

// Users lists the users by name.
func Users(ctx context.Context, db DB, d Dialect) ([]zootour.User, error) {
	var out []zootour.User
	err := db.Query(ctx, `SELECT `+userCols+` FROM users u ORDER BY u.name`, nil, func(scan func(...any) error) error {
		u, err := scanUser(scan)
		out = append(out, u)
		return err
	})
	return out, err
}

// UpdateUser changes a user's role or password and ends its sessions.
func UpdateUser(ctx context.Context, db DB, d Dialect, b *Batch, name string, up zootour.UserUpdate) (zootour.User, error) {
	old, err := userByName(ctx, db, d, name)
	if err != nil {
		return old, err
	}
	u := old
	if up.Role != nil {
		if u.Role, err = zootour.ParseRole(string(*up.Role)); err != nil {
			return old, err
		}
	}
	if err := db.Exec(ctx, d.q(`UPDATE users SET role = ?1 WHERE id = ?2`), string(u.Role), u.ID); err != nil {
		return old, err
	}
	if up.Password != nil {
		if err := db.Exec(ctx, d.q(`UPDATE users SET password = ?1 WHERE id = ?2`), *up.Password, u.ID); err != nil {
			return old, err
		}
	}
	if err := db.Exec(ctx, d.q(`DELETE FROM sessions WHERE user_id = ?1`), u.ID); err != nil {
		return old, err
	}
	return u, b.Add(ctx, db, zootour.Updated(zootour.KindUser, u.ID, old, u))
}

// DeleteUser removes a user, logging each of its tokens' deletion too.
func DeleteUser(ctx context.Context, db DB, d Dialect, b *Batch, name string) error {
	u, err := userByName(ctx, db, d, name)
	if err != nil {
		return err
	}
	tokens, err := Tokens(ctx, db, d, name)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		if err := b.Add(ctx, db, zootour.Deleted(zootour.KindToken, t.ID, t)); err != nil {
			return err
		}
	}
	if err := deleteUser(ctx, db, d, u.ID); err != nil {
		return err
	}
	return b.Add(ctx, db, zootour.Deleted(zootour.KindUser, u.ID, u))
}

func deleteUser(ctx context.Context, db DB, d Dialect, id int64) error {
	for _, sql := range []string{`DELETE FROM sessions WHERE user_id = ?1`, `DELETE FROM tokens WHERE user_id = ?1`, `DELETE FROM users WHERE id = ?1`} {
		if err := db.Exec(ctx, d.q(sql), id); err != nil {
			return err
		}
	}
	return nil
}

// PasswordHash returns the user and its password's hash.
func PasswordHash(ctx context.Context, db DB, d Dialect, name string) (zootour.User, string, error) {
	u, err := userByName(ctx, db, d, name)
	if err != nil {
		return u, "", err
	}
	var hash string
	_, err = one(ctx, db, d.q(`SELECT password FROM users WHERE id = ?1`), []any{u.ID},
		func(scan func(...any) error) error { return scan(&hash) })
	return u, hash, err
}

const tokenCols = `t.id, u.name, t.label, t.created_at, t.last_used`

func scanToken(scan func(...any) error) (zootour.Token, error) {
	var t zootour.Token
	var at string
	var used *string
	if err := scan(&t.ID, &t.User, &t.Label, &at, &used); err != nil {
		return t, err
	}
	var err error
	if t.Created, err = ParseTime(at); err != nil {
		return t, err
	}
	if used != nil {
		u, err := ParseTime(*used)
		t.LastUsed = &u
		return t, err
	}
	return t, nil
}

// CreateToken stores a token of user under its hash.
func CreateToken(ctx context.Context, db DB, d Dialect, b *Batch, user, label, hash string) (zootour.Token, error) {
	label, err := cleanLabel(label)
	if err != nil {
		return zootour.Token{}, err
	}
	u, err := userByName(ctx, db, d, user)
	if err != nil {
		return zootour.Token{}, err
	}
	t := zootour.Token{User: u.Name, Label: label, Created: b.at}
	_, err = one(ctx, db, d.q(`INSERT INTO tokens (user_id, label, hash, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id`),
		[]any{u.ID, label, hash, Time(t.Created)}, func(scan func(...any) error) error { return scan(&t.ID) })
	if err != nil {
		return t, err
	}
	return t, b.Add(ctx, db, zootour.Created(zootour.KindToken, t.ID, t))
}

// cleanLabel checks a token's label, which may be empty.
func cleanLabel(label string) (string, error) {
	if label == "" {
		return "", nil
	}
	s, err := zootour.CleanText("label", label)
	if err == nil && len([]rune(s)) > zootour.MaxLabelLen {
		err = zootour.Errorf(zootour.EINVALID, "label is at most %d characters", zootour.MaxLabelLen)
	}
	return s, err
}

// Tokens lists the tokens of user ("" for all), by ID.
func Tokens(ctx context.Context, db DB, d Dialect, user string) ([]zootour.Token, error) {
	sql, args := `SELECT `+tokenCols+` FROM tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id`, []any(nil)
	if user != "" {
		if _, err := userByName(ctx, db, d, user); err != nil {
			return nil, err
		}
		sql = d.q(`SELECT ` + tokenCols + ` FROM tokens t JOIN users u ON u.id = t.user_id WHERE u.name = ?1 ORDER BY t.id`)
		args = []any{user}
	}
	var out []zootour.Token
	err := db.Query(ctx, sql, args, func(scan func(...any) error) error {
		t, err := scanToken(scan)
		out = append(out, t)
		return err
	})
	return out, err
}

func tokenByID(ctx context.Context, db DB, d Dialect, id int64) (zootour.Token, bool, error) {
	var t zootour.Token
	found, err := one(ctx, db, d.q(`SELECT `+tokenCols+` FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ?1`), []any{id},
		func(scan func(...any) error) (err error) { t, err = scanToken(scan); return err })
	return t, found, err
}

// DeleteToken revokes token id.
func DeleteToken(ctx context.Context, db DB, d Dialect, b *Batch, id int64) error {
	if err := zootour.CheckID("token ID", id); err != nil {
		return err
	}
	t, found, err := tokenByID(ctx, db, d, id)
	if err != nil {
		return err
	}
	if !found {
		return zootour.Errorf(zootour.ENOTFOUND, "token %d does not exist", id)
	}
	if err := db.Exec(ctx, d.q(`DELETE FROM tokens WHERE id = ?1`), id); err != nil {
		return err
	}
	return b.Add(ctx, db, zootour.Deleted(zootour.KindToken, id, t))
}

// TokenUse is what a store needs to know of a token shown to it.
type TokenUse struct {
	User     zootour.User
	ID       int64
	LastUsed *time.Time
}

// TokenUser returns the use of the token with the hash.
func TokenUser(ctx context.Context, db DB, d Dialect, hash string) (TokenUse, error) {
	var use TokenUse
	found, err := one(ctx, db, d.q(`SELECT `+userCols+`, t.id, t.last_used FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ?1`), []any{hash},
		func(scan func(...any) error) error {
			var used *string
			var err error
			use.User, err = scanUser(func(dest ...any) error { return scan(append(dest, &use.ID, &used)...) })
			if err == nil && used != nil {
				t, perr := ParseTime(*used)
				use.LastUsed, err = &t, perr
			}
			return err
		})
	if err == nil && !found {
		err = zootour.Errorf(zootour.ENOTFOUND, "no such token")
	}
	return use, err
}

// TouchEvery is how stale a token's last use may grow before a use
// writes it again: a write per request would make every read a write.
const TouchEvery = time.Minute

// Stale reports whether use should be written at now.
func (use TokenUse) Stale(now time.Time) bool {
	return use.LastUsed == nil || now.Sub(*use.LastUsed) >= TouchEvery
}

// TouchToken notes a use of token id at now. It is not a change of the
// token, and is not logged.
func TouchToken(ctx context.Context, db DB, d Dialect, id int64, now time.Time) error {
	return db.Exec(ctx, d.q(`UPDATE tokens SET last_used = ?1 WHERE id = ?2`), Time(now), id)
}

// CreateSession stores a session, and forgets the expired ones.
func CreateSession(ctx context.Context, db DB, d Dialect, hash, user string, expires time.Time) error {
	u, err := userByName(ctx, db, d, user)
	if err != nil {
		return err
	}
	if err := db.Exec(ctx, d.q(`DELETE FROM sessions WHERE expires_at < ?1`), Time(time.Now())); err != nil {
		return err
	}
	return db.Exec(ctx, d.q(`INSERT INTO sessions (hash, user_id, expires_at) VALUES (?1, ?2, ?3)`), hash, u.ID, Time(expires))
}

// SessionUser returns the user of the unexpired session with the hash.
func SessionUser(ctx context.Context, db DB, d Dialect, hash string, now time.Time) (zootour.User, error) {
	var u zootour.User
	found, err := one(ctx, db, d.q(`SELECT `+userCols+` FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = ?1 AND s.expires_at > ?2`),
		[]any{hash, Time(now)}, func(scan func(...any) error) (err error) { u, err = scanUser(scan); return err })
	if err == nil && !found {
		err = zootour.Errorf(zootour.ENOTFOUND, "no such session")
	}
	return u, err
}

// DeleteSession ends a session.
func DeleteSession(ctx context.Context, db DB, d Dialect, hash string) error {
	return db.Exec(ctx, d.q(`DELETE FROM sessions WHERE hash = ?1`), hash)
}

// LoadSecret returns the key of the store's keyed hashes, nil if none has
// been made: a read, for a store whose writer may be busy.
func LoadSecret(ctx context.Context, db DB) ([]byte, error) {
	var v string
	found, err := one(ctx, db, `SELECT value FROM secrets WHERE name = 'hash'`, nil, func(scan func(...any) error) error { return scan(&v) })
	if err != nil || !found {
		return nil, err
	}
	return hex.DecodeString(v)
}

// Secret returns the key of the store's keyed hashes, made on first use
// by whoever asks first (the insert does nothing if one is there).
func Secret(ctx context.Context, db DB, d Dialect) ([]byte, error) {
	var key [32]byte
	rand.Read(key[:])
	if err := db.Exec(ctx, d.q(`INSERT INTO secrets (name, value) VALUES ('hash', ?1) ON CONFLICT (name) DO NOTHING`), hex.EncodeToString(key[:])); err != nil {
		return nil, err
	}
	var v string
	if _, err := one(ctx, db, `SELECT value FROM secrets WHERE name = 'hash'`, nil, func(scan func(...any) error) error { return scan(&v) }); err != nil {
		return nil, err
	}
	return hex.DecodeString(v)
}

// errNoComeback skips a revoked token in a revert: its secret is not
// kept, and credentials coming back unasked would be a surprise.
var errNoComeback = errors.New("a revoked token does not come back")

// accountRecords puts users and tokens back for a revert, and hands the
// other kinds to the store.
type accountRecords struct {
	db   DB
	d    Dialect
	rest Records
}

func (a accountRecords) Get(ctx context.Context, k zootour.Kind, id int64) (json.RawMessage, error) {
	switch k {
	case zootour.KindUser:
		var u zootour.User
		found, err := one(ctx, a.db, a.d.q(`SELECT `+userCols+` FROM users u WHERE u.id = ?1`), []any{id},
			func(scan func(...any) error) (err error) { u, err = scanUser(scan); return err })
		if err != nil || !found {
			return nil, err
		}
		return json.Marshal(u)
	case zootour.KindToken:
		t, found, err := tokenByID(ctx, a.db, a.d, id)
		if err != nil || !found {
			return nil, err
		}
		return json.Marshal(t)
	}
	return a.rest.Get(ctx, k, id)
}

func (a accountRecords) Put(ctx context.Context, k zootour.Kind, id int64, raw json.RawMessage) error {
	switch k {
	case zootour.KindUser:
		var u zootour.User
		if err := json.Unmarshal(raw, &u); err != nil {
			return fmt.Errorf("user %d in the log: %w", id, err)
		}
		now, err := a.Get(ctx, k, id)
		if err != nil {
			return err
		}
		if now != nil {
			return a.db.Exec(ctx, a.d.q(`UPDATE users SET role = ?1 WHERE id = ?2`), string(u.Role), id)
		}
		if _, err := userByName(ctx, a.db, a.d, u.Name); err == nil {
			return zootour.Errorf(zootour.ECONFLICT, "the name %s is taken", u.Name)
		}
		// A user comes back without a password (none is logged): an admin
		// sets one (user edit --password-stdin).
		return insertUser(ctx, a.db, a.d, &u, "")
	case zootour.KindToken:
		return errNoComeback
	}
	return a.rest.Put(ctx, k, id, raw)
}

func (a accountRecords) Delete(ctx context.Context, k zootour.Kind, id int64) error {
	switch k {
	case zootour.KindUser:
		// Tokens made since are records of their own: they go first, by
		// a revert of theirs or a revoke, each logged.
		has, err := one(ctx, a.db, a.d.q(`SELECT 1 FROM tokens WHERE user_id = ?1`), []any{id}, func(func(...any) error) error { return nil })
		if err != nil {
			return err
		}
		if has {
			return zootour.Errorf(zootour.ECONFLICT, "user %d has tokens now: revoke them first", id)
		}
		return deleteUser(ctx, a.db, a.d, id)
	case zootour.KindToken:
		return a.db.Exec(ctx, a.d.q(`DELETE FROM tokens WHERE id = ?1`), id)
	}
	return a.rest.Delete(ctx, k, id)
}
