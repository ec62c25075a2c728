package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/logsql"
)

// The accounts and the change log are package logsql's; these run its
// statements in this store's transactions.

// CreateUser adds a user.
func (s *Store) CreateUser(ctx context.Context, name string, role zootour.Role, hash string) (u zootour.User, err error) {
	err = s.write(ctx, func(tx *txn) (err error) {
		u, err = logsql.CreateUser(ctx, txDB{Q: tx}, logDialect, tx.batch, name, role, hash)
		return err
	})
	return u, internal(err)
}

// User returns the user of that name.
func (s *Store) User(ctx context.Context, name string) (u zootour.User, err error) {
	err = s.read(ctx, func(tx *txn) (err error) {
		u, err = logsql.User(ctx, txDB{Q: tx}, logDialect, name)
		return err
	})
	return u, internal(err)
}

// Users lists the users by name.
func (s *Store) Users(ctx context.Context) (us []zootour.User, err error) {
	err = s.read(ctx, func(tx *txn) (err error) {
		us, err = logsql.Users(ctx, txDB{Q: tx}, logDialect)
		return err
	})
	return us, internal(err)
}

// UpdateUser changes a user's role or password and ends its sessions.
func (s *Store) UpdateUser(ctx context.Context, name string, up zootour.UserUpdate) (u zootour.User, err error) {
	err = s.write(ctx, func(tx *txn) (err error) {
		u, err = logsql.UpdateUser(ctx, txDB{Q: tx}, logDialect, tx.batch, name, up)
		return err
	})
	return u, internal(err)
}

// DeleteUser removes a user with its tokens and sessions.
func (s *Store) DeleteUser(ctx context.Context, name string) error {
	return internal(s.write(ctx, func(tx *txn) error {
		return logsql.DeleteUser(ctx, txDB{Q: tx}, logDialect, tx.batch, name)
	}))
}

// PasswordHash returns the user and its password's hash.
func (s *Store) PasswordHash(ctx context.Context, name string) (u zootour.User, hash string, err error) {
	err = s.read(ctx, func(tx *txn) (err error) {
		u, hash, err = logsql.PasswordHash(ctx, txDB{Q: tx}, logDialect, name)
		return err
	})
	return u, hash, internal(err)
}

// CreateToken stores a token of the user under its hash.
func (s *Store) CreateToken(ctx context.Context, user, label, hash string) (t zootour.Token, err error) {
	err = s.write(ctx, func(tx *txn) (err error) {
		t, err = logsql.CreateToken(ctx, txDB{Q: tx}, logDialect, tx.batch, user, label, hash)
		return err
	})
	return t, internal(err)
}

// Tokens lists the tokens of a user, or of all.
func (s *Store) Tokens(ctx context.Context, user string) (ts []zootour.Token, err error) {
	err = s.read(ctx, func(tx *txn) (err error) {
		ts, err = logsql.Tokens(ctx, txDB{Q: tx}, logDialect, user)
		return err
	})
	return ts, internal(err)
}

// DeleteToken revokes a token.
func (s *Store) DeleteToken(ctx context.Context, id int64) error {
	return internal(s.write(ctx, func(tx *txn) error {
		return logsql.DeleteToken(ctx, txDB{Q: tx}, logDialect, tx.batch, id)
	}))
}

// TokenUser returns the user of the token with the hash. A use is
// written only when the last one noted is older than logsql.TouchEvery,
// and never holds up the answer: a reader does not wait on the writer.
func (s *Store) TokenUser(ctx context.Context, hash string, now time.Time) (zootour.User, error) {
	var use logsql.TokenUse
	err := s.read(ctx, func(tx *txn) (err error) {
		use, err = logsql.TokenUser(ctx, txDB{Q: tx}, logDialect, hash)
		return err
	})
	if err != nil {
		return use.User, internal(err)
	}
	if use.Stale(now) {
		go s.touch(use.ID, now)
	}
	return use.User, nil
}

// touch notes a token's use; a failure only leaves an older time.
func (s *Store) touch(id int64, now time.Time) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return
	}
	defer tx.Rollback()
	if logsql.TouchToken(ctx, txDB{Q: &txn{Tx: tx}}, logDialect, id, now) == nil {
		tx.Commit()
	}
}

// CreateSession stores a session.
func (s *Store) CreateSession(ctx context.Context, hash, user string, expires time.Time) error {
	return internal(s.write(ctx, func(tx *txn) error {
		return logsql.CreateSession(ctx, txDB{Q: tx}, logDialect, hash, user, expires)
	}))
}

// SessionUser returns the user of a live session.
func (s *Store) SessionUser(ctx context.Context, hash string, now time.Time) (u zootour.User, err error) {
	err = s.read(ctx, func(tx *txn) (err error) {
		u, err = logsql.SessionUser(ctx, txDB{Q: tx}, logDialect, hash, now)
		return err
	})
	return u, internal(err)
}

// DeleteSession ends a session.
func (s *Store) DeleteSession(ctx context.Context, hash string) error {
	return internal(s.write(ctx, func(tx *txn) error {
		return logsql.DeleteSession(ctx, txDB{Q: tx}, logDialect, hash)
	}))
}

// Secret returns the key of the store's keyed hashes.
func (s *Store) Secret(ctx context.Context) (key []byte, err error) {
	err = s.read(ctx, func(tx *txn) (err error) {
		key, err = logsql.LoadSecret(ctx, txDB{Q: tx})
		return err
	})
	if err != nil || key != nil {
		return key, internal(err)
	}
	err = s.write(ctx, func(tx *txn) (err error) {
		key, err = logsql.Secret(ctx, txDB{Q: tx}, logDialect)
		return err
	})
	return key, internal(err)
}

// Changes lists the entries of the change log that f selects.
func (s *Store) Changes(ctx context.Context, f zootour.ChangeFilter) (cs []zootour.Change, err error) {
	err = s.read(ctx, func(tx *txn) (err error) {
		cs, err = logsql.Changes(ctx, txDB{Q: tx}, logDialect, f)
		return err
	})
	return cs, internal(err)
}

// Change returns one entry of the change log.
func (s *Store) Change(ctx context.Context, id int64) (c zootour.Change, err error) {
	err = s.read(ctx, func(tx *txn) (err error) {
		c, err = logsql.Change(ctx, txDB{Q: tx}, logDialect, id)
		return err
	})
	return c, internal(err)
}

// Revert undoes the batch of entry id in one transaction.
func (s *Store) Revert(ctx context.Context, id int64) (wrote []zootour.Change, err error) {
	err = s.write(ctx, func(tx *txn) error {
		if err := logsql.Revert(ctx, txDB{Q: tx}, logDialect, tx.batch, id, records{tx}); err != nil {
			return err
		}
		wrote = tx.batch.Wrote()
		return nil
	})
	return wrote, internal(err)
}

// records are the zoos, animals and visits as a revert puts them back.
type records struct{ tx *txn }

func (r records) Get(ctx context.Context, k zootour.Kind, id int64) (json.RawMessage, error) {
	var v any
	var err error
	switch k {
	case zootour.KindZoo:
		v, err = zoos.find(ctx, r.tx, id)
	case zootour.KindAnimal:
		v, err = animals.find(ctx, r.tx, id)
	case zootour.KindVisit:
		v, err = findVisit(ctx, r.tx, id)
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
		return putRecord(ctx, r, zoos, k, id, raw)
	case zootour.KindAnimal:
		return putRecord(ctx, r, animals, k, id, raw)
	case zootour.KindVisit:
		var v zootour.Visit
		if err := json.Unmarshal(raw, &v); err != nil {
			return fmt.Errorf("visit %d in the log: %w", id, err)
		}
		v.ID = id
		if err := v.Validate(); err != nil {
			return err
		}
		if err := checkVisit(ctx, r.tx, v); err != nil {
			return err
		}
		old, err := findVisit(ctx, r.tx, id)
		if zootour.ErrorCode(err) == zootour.ENOTFOUND {
			return insertVisit(ctx, r.tx, &v)
		}
		if err != nil {
			return err
		}
		return setVisit(ctx, r.tx, old, v)
	}
	return fmt.Errorf("no records of kind %q", k)
}

// putRecord writes a zoo or animal from its JSON with its ID.
func putRecord[T any](ctx context.Context, r records, k kind[T], kd zootour.Kind, id int64, raw json.RawMessage) error {
	var rec T
	if err := json.Unmarshal(raw, &rec); err != nil {
		return fmt.Errorf("%s %d in the log: %w", kd, id, err)
	}
	if err := k.validate(&rec); err != nil {
		return err
	}
	_, err := k.find(ctx, r.tx, id)
	if zootour.ErrorCode(err) == zootour.ENOTFOUND {
		_, err = k.add(ctx, r.tx, id, rec)
		return constraintError(err)
	}
	if err != nil {
		return err
	}
	return k.set(ctx, r.tx, id, rec)
}

func (r records) Delete(ctx context.Context, k zootour.Kind, id int64) error {
	switch k {
	case zootour.KindZoo:
		return zoos.dropBare(ctx, r.tx, id)
	case zootour.KindAnimal:
		return animals.dropBare(ctx, r.tx, id)
	case zootour.KindVisit:
		v, err := findVisit(ctx, r.tx, id)
		if err != nil {
			return err
		}
		return dropVisit(ctx, r.tx, v)
	}
	return fmt.Errorf("no records of kind %q", k)
}

// Idempotent returns what the store keeps of an idempotency key.
func (s *Store) Idempotent(ctx context.Context, key string) (k zootour.Idempotency, found bool, err error) {
	err = s.read(ctx, func(tx *txn) (err error) {
		k, found, err = logsql.Idempotent(ctx, txDB{Q: tx}, logDialect, key, time.Now())
		return err
	})
	return k, found, internal(err)
}
