package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/logsql"
)

// The accounts and the change log are package logsql's; these run its
// statements in this store's transactions, and add the row locks that
// SQLite's single writer makes needless: a write of a user or a token
// locks it before logsql reads what it logs as the record's before.
// A read of one statement runs on the pool, in a transaction of its own:
// the primary's, never a read replica's, as what they say takes effect at
// once (a revoked token, a changed role) and a sign-in has no actor yet to
// keep its next reads on the primary. The change log's reads go where read
// sends them.

// raced turns the violation of one of the constraints, which a check
// before the write found unbroken, into errRetry: another transaction
// broke it meanwhile, and the next attempt's check reports it as SQLite
// does.
func raced(err error, constraints ...string) error {
	code, constraint := pgError(err)
	if (code == uniqueViolation || code == foreignKeyViolation) && slices.Contains(constraints, constraint) {
		return errRetry
	}
	return err
}

// lockUser locks the user of that name, if there is one, for a write of it.
func lockUser(ctx context.Context, tx pgx.Tx, name string) error {
	_, err := tx.Exec(ctx, `SELECT 1 FROM users WHERE name = $1 FOR UPDATE`, name)
	return err
}

// CreateUser adds a user.
func (s *Store) CreateUser(ctx context.Context, name string, role zootour.Role, hash string) (u zootour.User, err error) {
	err = s.writeTx(ctx, func(tx txn) (err error) {
		u, err = logsql.CreateUser(ctx, txDB{Q: tx}, logDialect, tx.batch, name, role, hash)
		return raced(err, "users_name_key")
	})
	return u, internal(ctx, "create user", err)
}

// User returns the user of that name.
func (s *Store) User(ctx context.Context, name string) (zootour.User, error) {
	u, err := logsql.User(ctx, txDB{Q: s.pool}, logDialect, name)
	return u, internal(ctx, "read user", err)
}

// Users lists the users by name.
func (s *Store) Users(ctx context.Context) ([]zootour.User, error) {
	us, err := logsql.Users(ctx, txDB{Q: s.pool}, logDialect)
	return us, internal(ctx, "list users", err)
}

// UpdateUser changes a user's role or password and ends its sessions.
func (s *Store) UpdateUser(ctx context.Context, name string, up zootour.UserUpdate) (u zootour.User, err error) {
	err = s.writeTx(ctx, func(tx txn) (err error) {
		if err := lockUser(ctx, tx, name); err != nil {
			return err
		}
		u, err = logsql.UpdateUser(ctx, txDB{Q: tx}, logDialect, tx.batch, name, up)
		return err
	})
	return u, internal(ctx, "update user", err)
}

// DeleteUser removes a user with its tokens and sessions. The user's lock
// holds back a new token or session of the user, whose foreign key waits
// for it, so that every token deleted is logged.
func (s *Store) DeleteUser(ctx context.Context, name string) error {
	err := s.writeTx(ctx, func(tx txn) error {
		if err := lockUser(ctx, tx, name); err != nil {
			return err
		}
		return logsql.DeleteUser(ctx, txDB{Q: tx}, logDialect, tx.batch, name)
	})
	return internal(ctx, "delete user", err)
}

// PasswordHash returns the user and its password's hash, from one snapshot.
func (s *Store) PasswordHash(ctx context.Context, name string) (u zootour.User, hash string, err error) {
	err = snapshot(ctx, s.pool, func(tx pgx.Tx) (err error) {
		u, hash, err = logsql.PasswordHash(ctx, txDB{Q: tx}, logDialect, name)
		return err
	})
	return u, hash, internal(ctx, "read user", err)
}

// CreateToken stores a token of the user under its hash.
func (s *Store) CreateToken(ctx context.Context, user, label, hash string) (t zootour.Token, err error) {
	err = s.writeTx(ctx, func(tx txn) (err error) {
		t, err = logsql.CreateToken(ctx, txDB{Q: tx}, logDialect, tx.batch, user, label, hash)
		return raced(err, "tokens_user_id_fkey")
	})
	return t, internal(ctx, "create token", err)
}

// Tokens lists the tokens of a user, or of all, from one snapshot.
func (s *Store) Tokens(ctx context.Context, user string) (ts []zootour.Token, err error) {
	err = snapshot(ctx, s.pool, func(tx pgx.Tx) (err error) {
		ts, err = logsql.Tokens(ctx, txDB{Q: tx}, logDialect, user)
		return err
	})
	return ts, internal(ctx, "list tokens", err)
}

// DeleteToken revokes a token, locked first so that it is logged once.
func (s *Store) DeleteToken(ctx context.Context, id int64) error {
	err := s.writeTx(ctx, func(tx txn) error {
		if _, err := lockRows(ctx, tx, "tokens", "FOR UPDATE", id); err != nil {
			return err
		}
		return logsql.DeleteToken(ctx, txDB{Q: tx}, logDialect, tx.batch, id)
	})
	return internal(ctx, "delete token", err)
}

// TokenUser returns the user of the token with the hash. A use is
// written only when the last one noted is older than logsql.TouchEvery,
// by a statement of its own after the read, whose failure only leaves an
// older time.
func (s *Store) TokenUser(ctx context.Context, hash string, now time.Time) (zootour.User, error) {
	use, err := logsql.TokenUser(ctx, txDB{Q: s.pool}, logDialect, hash)
	if err != nil {
		return use.User, internal(ctx, "read token", err)
	}
	if use.Stale(now) {
		_ = logsql.TouchToken(ctx, txDB{Q: s.pool}, logDialect, use.ID, now)
	}
	return use.User, nil
}

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, hash, user string, expires time.Time) error {
	err := s.writeTx(ctx, func(tx txn) error {
		return raced(logsql.CreateSession(ctx, txDB{Q: tx}, logDialect, hash, user, expires), "sessions_user_id_fkey")
	})
	return internal(ctx, "create session", err)
}

// SessionUser returns the user of a live session.
func (s *Store) SessionUser(ctx context.Context, hash string, now time.Time) (zootour.User, error) {
	u, err := logsql.SessionUser(ctx, txDB{Q: s.pool}, logDialect, hash, now)
	return u, internal(ctx, "read session", err)
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	return internal(ctx, "delete session", logsql.DeleteSession(ctx, txDB{Q: s.pool}, logDialect, hash))
}

// Secret returns the key of the store's keyed hashes.
func (s *Store) Secret(ctx context.Context) (key []byte, err error) {
	err = s.writeTx(ctx, func(tx txn) (err error) {
		key, err = logsql.Secret(ctx, txDB{Q: tx}, logDialect)
		return err
	})
	return key, internal(ctx, "read the secret", err)
}

// Changes lists the entries of the change log that f selects.
func (s *Store) Changes(ctx context.Context, f zootour.ChangeFilter) (cs []zootour.Change, err error) {
	err = s.read(ctx, func(db *pgxpool.Pool) (err error) {
		cs, err = logsql.Changes(ctx, txDB{Q: db}, logDialect, f)
		return err
	})
	return cs, internal(ctx, "list changes", err)
}

// Change returns one entry of the change log.
func (s *Store) Change(ctx context.Context, id int64) (c zootour.Change, err error) {
	err = s.read(ctx, func(db *pgxpool.Pool) (err error) {
		c, err = logsql.Change(ctx, txDB{Q: db}, logDialect, id)
		return err
	})
	return c, internal(ctx, "read change", err)
}

// Revert undoes the batch of entry id in one transaction, under the
// locks of lockBatch.
func (s *Store) Revert(ctx context.Context, id int64) (wrote []zootour.Change, err error) {
	err = s.writeTx(ctx, func(tx txn) error {
		if err := lockBatch(ctx, tx, id); err != nil {
			return err
		}
		err := logsql.Revert(ctx, txDB{Q: tx}, logDialect, tx.batch, id, records{tx, s.visitByID})
		if err := raced(err, "users_name_key"); err != nil {
			return err
		}
		wrote = tx.batch.Wrote()
		return nil
	})
	return wrote, internal(ctx, "revert", err)
}

// lockBatch locks the rows that undoing the batch of entry id writes,
// before it reads any: the animals of its visits, with its animals, then
// its zoos, visits, users and tokens, each in ID order. The other writes
// take their locks in that order (the animals of visits first), so that a
// revert waits for them, or they for it, and no two wait for each other;
// and a record stays as the revert reads it until it commits. Zoos,
// animals and visits are locked FOR NO KEY UPDATE, as lockAnimals locks:
// that holds back their writers but not the foreign key check of a new
// visit (an import's among them, which would otherwise wait for the
// revert while the revert waits for the import's table locks); a delete
// meets such a visit as visits (drop). Users and tokens are locked FOR
// UPDATE, as lockUser locks.
func lockBatch(ctx context.Context, tx pgx.Tx, id int64) error {
	c, err := logsql.Change(ctx, txDB{Q: tx}, logDialect, id)
	if err != nil {
		return err
	}
	batch, err := logsql.Changes(ctx, txDB{Q: tx}, logDialect, zootour.ChangeFilter{Batch: c.Batch})
	if err != nil {
		return err
	}
	ids := map[zootour.Kind][]int64{}
	for _, e := range batch {
		ids[e.Kind] = append(ids[e.Kind], e.RecordID)
		if e.Kind != zootour.KindVisit {
			continue
		}
		for _, raw := range []json.RawMessage{e.Before, e.After} {
			var v zootour.Visit
			if raw != nil && json.Unmarshal(raw, &v) == nil {
				ids[zootour.KindAnimal] = append(ids[zootour.KindAnimal], v.AnimalID)
			}
		}
	}
	for _, l := range []struct {
		k    zootour.Kind
		mode string
	}{
		{zootour.KindAnimal, "FOR NO KEY UPDATE"},
		{zootour.KindZoo, "FOR NO KEY UPDATE"},
		{zootour.KindVisit, "FOR NO KEY UPDATE"},
		{zootour.KindUser, "FOR UPDATE"},
		{zootour.KindToken, "FOR UPDATE"},
	} {
		if _, err := lockRows(ctx, tx, string(l.k)+"s", l.mode, ids[l.k]...); err != nil {
			return err
		}
	}
	return nil
}

// records are the zoos, animals and visits as a revert puts them back,
// with the primitives of the public writes. lockBatch holds their locks.
type records struct {
	tx        txn
	visitByID string // the store's
}

func (r records) Get(ctx context.Context, k zootour.Kind, id int64) (json.RawMessage, error) {
	var v any
	var err error
	switch k {
	case zootour.KindZoo:
		v, err = zoos.find(ctx, r.tx, id, "")
	case zootour.KindAnimal:
		v, err = animals.find(ctx, r.tx, id, "")
	case zootour.KindVisit:
		v, err = getVisit(ctx, r.tx, r.visitByID, id)
	default:
		return nil, fmt.Errorf("no records of kind %q", k)
	}
	if zootour.ErrorCode(err) == zootour.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

func (r records) Put(ctx context.Context, k zootour.Kind, id int64, raw json.RawMessage) error {
	switch k {
	case zootour.KindZoo:
		return putRecord(ctx, r.tx, zoos, id, raw)
	case zootour.KindAnimal:
		return putRecord(ctx, r.tx, animals, id, raw)
	case zootour.KindVisit:
		var v zootour.Visit
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("visit %d in the log: %w", id, err)
		}
		v.ID = id
		if err := v.Validate(); err != nil {
			return err
		}
		old, err := getVisit(ctx, r.tx, r.visitByID, id)
		if err != nil && zootour.ErrorCode(err) != zootour.ENOTFOUND {
			return err
		}
		// At a savepoint, so that a broken constraint leaves the
		// transaction able to ask visitError's questions.
		err = pgx.BeginFunc(ctx, r.tx, func(sp pgx.Tx) error {
			if old.ID == 0 {
				return insertVisit(ctx, sp, &v)
			}
			return setVisit(ctx, sp, old, v)
		})
		if err != nil && !errors.Is(err, errRetry) {
			return visitError(ctx, r.tx, "restore visit", v, err)
		}
		return err
	}
	return fmt.Errorf("no records of kind %q", k)
}

// putRecord writes a zoo or animal from its JSON with its ID.
func putRecord[T any](ctx context.Context, tx pgx.Tx, k kind[T], id int64, raw json.RawMessage) error {
	var rec T
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("%s %d in the log: %w", k.name, id, err)
	}
	if err := k.validate(&rec); err != nil {
		return err
	}
	*k.id(&rec) = id
	_, err := k.find(ctx, tx, id, "")
	if zootour.ErrorCode(err) == zootour.ENOTFOUND {
		_, err = k.add(ctx, tx, id, rec)
		return err
	}
	if err != nil {
		return err
	}
	return k.set(ctx, tx, id, rec)
}

func (r records) Delete(ctx context.Context, k zootour.Kind, id int64) error {
	switch k {
	case zootour.KindZoo:
		return zoos.dropBare(ctx, r.tx, id)
	case zootour.KindAnimal:
		return animals.dropBare(ctx, r.tx, id)
	case zootour.KindVisit:
		v, err := getVisit(ctx, r.tx, r.visitByID, id)
		if err != nil {
			return err
		}
		return dropVisit(ctx, r.tx, v)
	}
	return fmt.Errorf("no records of kind %q", k)
}

// Idempotent returns what the store keeps of an idempotency key.
func (s *Store) Idempotent(ctx context.Context, key string) (zootour.Idempotency, bool, error) {
	k, found, err := logsql.Idempotent(ctx, txDB{Q: s.pool}, logDialect, key, time.Now())
	return k, found, internal(ctx, "read idempotency key", err)
}
