// Package logsql keeps the change log and the accounts in SQL that both
// stores run as it is: the tables of the same names and columns
// (sqlite/migrations/0005_accounts.sql, postgres/migrations/
// 0006_accounts.sql), times as text in one fixed UTC form, so that a date
// window is a comparison of strings in either engine (docs/accounts.md).
package logsql

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/findsql"
	"github.com/zootour/zootour/internal/staysql"
)

// A DB is a transaction of either store.
type DB = staysql.DB

// A Dialect is what differs between the stores' SQL here: placeholders.
type Dialect struct {
	Mark string // "?" or "$"
}

// q writes the placeholders of sql (written ?1, ?2 ...) in d's mark.
func (d Dialect) q(sql string) string {
	if d.Mark == "?" {
		return sql
	}
	return strings.ReplaceAll(sql, "?", d.Mark)
}

// timeForm is how times are stored: UTC, to the microsecond (what
// PostgreSQL keeps), of fixed width so that text order is time order.
const timeForm = "2006-01-02T15:04:05.000000Z"

// Time writes t as the log stores it.
func Time(t time.Time) string { return t.UTC().Format(timeForm) }

// ParseTime reads a time that Time wrote.
func ParseTime(s string) (time.Time, error) { return time.Parse(timeForm, s) }

// A Batch writes the entries of one transaction: the first entry's ID is
// the batch of all (stored as NULL on that entry itself, so that no entry
// is written twice).
type Batch struct {
	d     Dialect
	actor string
	at    time.Time
	id    int64
	wrote []zootour.Change
	// key is the request's idempotency key, stored with the first entry.
	key    zootour.Idempotency
	hasKey bool
}

// NewBatch begins the batch of a transaction, as the actor ctx names, at
// the present time, with the idempotency key ctx carries. A transaction
// that starts again starts a new batch.
func NewBatch(ctx context.Context, d Dialect) *Batch {
	b := &Batch{d: d, actor: zootour.ActorOf(ctx), at: time.Now().UTC().Truncate(time.Microsecond)}
	b.key, b.hasKey = zootour.IdempotencyOf(ctx)
	return b
}

// Wrote returns the entries the batch has written.
func (b *Batch) Wrote() []zootour.Change { return b.wrote }

// Add appends e to the log.
func (b *Batch) Add(ctx context.Context, db DB, e zootour.Entry) error {
	var batch, kind, record any
	if b.id != 0 {
		batch = b.id
	}
	if e.Kind != "" {
		kind, record = string(e.Kind), e.RecordID
	}
	var id int64
	err := db.Query(ctx, b.d.q(`INSERT INTO changes (at, actor, batch, action, kind, record_id, before, after)
		VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id`),
		[]any{Time(b.at), b.actor, batch, string(e.Action), kind, record, text(e.Before), text(e.After)},
		func(scan func(...any) error) error { return scan(&id) })
	if err != nil {
		return fmt.Errorf("log a change: %w", err)
	}
	if b.id == 0 {
		b.id = id
		if b.hasKey {
			if err := b.storeKey(ctx, db); err != nil {
				return err
			}
		}
	}
	b.wrote = append(b.wrote, zootour.Change{ID: id, At: b.at, Actor: b.actor, Batch: b.id,
		Action: e.Action, Kind: e.Kind, RecordID: e.RecordID, Before: e.Before, After: e.After})
	return nil
}

// storeKey keeps the batch's idempotency key with its batch. A key kept
// already, and not expired, fails the insert, and so the write: the
// caller answers the retry from the first write's batch.
func (b *Batch) storeKey(ctx context.Context, db DB) error {
	expired := Time(b.at.Add(-zootour.IdempotencyLife))
	if err := db.Exec(ctx, b.d.q(`DELETE FROM idempotency WHERE at < ?1`), expired); err != nil {
		return fmt.Errorf("forget expired idempotency keys: %w", err)
	}
	if err := db.Exec(ctx, b.d.q(`INSERT INTO idempotency (key, fingerprint, batch, at) VALUES (?1, ?2, ?3, ?4)`),
		b.key.Key, b.key.Fingerprint, b.id, Time(b.at)); err != nil {
		return zootour.Errorf(zootour.ECONFLICT, "the idempotency key %q is taken by another write", b.key.Key)
	}
	return nil
}

// Idempotent returns what is kept of key, if it is younger than
// zootour.IdempotencyLife at now.
func Idempotent(ctx context.Context, db DB, d Dialect, key string, now time.Time) (zootour.Idempotency, bool, error) {
	k := zootour.Idempotency{Key: key}
	var at string
	found, err := one(ctx, db, d.q(`SELECT fingerprint, batch, at FROM idempotency WHERE key = ?1 AND at >= ?2`),
		[]any{key, Time(now.Add(-zootour.IdempotencyLife))}, func(scan func(...any) error) error { return scan(&k.Fingerprint, &k.Batch, &at) })
	if err != nil || !found {
		return k, false, err
	}
	k.At, err = ParseTime(at)
	return k, true, err
}

// text is a JSON value as the log stores it: NULL for none.
func text(raw json.RawMessage) any {
	if raw == nil {
		return nil
	}
	return string(raw)
}

const changeCols = `id, at, actor, coalesce(batch, id), action, kind, record_id, before, after`

// scanChange reads a row of changeCols.
func scanChange(scan func(...any) error) (zootour.Change, error) {
	var c zootour.Change
	var at, action string
	var kind, before, after *string
	var record *int64
	if err := scan(&c.ID, &at, &c.Actor, &c.Batch, &action, &kind, &record, &before, &after); err != nil {
		return c, err
	}
	t, err := ParseTime(at)
	if err != nil {
		return c, fmt.Errorf("change %d: time %q: %w", c.ID, at, err)
	}
	c.At, c.Action = t, zootour.Action(action)
	if kind != nil {
		c.Kind = zootour.Kind(*kind)
	}
	if record != nil {
		c.RecordID = *record
	}
	if before != nil {
		c.Before = json.RawMessage(*before)
	}
	if after != nil {
		c.After = json.RawMessage(*after)
	}
	return c, nil
}

// ChangesQuery is the listing of f, newest first.
func ChangesQuery(d Dialect, f zootour.ChangeFilter) findsql.Query {
	p := &findsql.Params{Mark: d.Mark}
	var where []string
	if f.Kind != "" {
		where = append(where, "kind = "+p.Add(string(f.Kind)))
	}
	if f.RecordID != 0 {
		where = append(where, "record_id = "+p.Add(f.RecordID))
	}
	if f.Actor != "" {
		where = append(where, "actor = "+p.Add(f.Actor))
	}
	if f.Batch != 0 {
		b := p.Add(f.Batch)
		where = append(where, "(id = "+b+" OR batch = "+b+")")
	}
	if !f.From.IsZero() {
		where = append(where, "at >= "+p.Add(f.From.String()))
	}
	if !f.To.IsZero() {
		where = append(where, "at < "+p.Add(f.To.AddDays(1).String()))
	}
	if f.After.ID != 0 {
		where = append(where, "id < "+p.Add(f.After.ID))
	}
	sql := `SELECT ` + changeCols + ` FROM changes`
	if len(where) > 0 {
		sql += ` WHERE ` + strings.Join(where, " AND ")
	}
	sql += ` ORDER BY id DESC`
	if f.Limit > 0 {
		sql += ` LIMIT ` + p.Add(f.Limit)
	}
	return findsql.Query{SQL: sql, Args: p.Args}
}

// Changes lists the entries f selects.
func Changes(ctx context.Context, db DB, d Dialect, f zootour.ChangeFilter) ([]zootour.Change, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	q := ChangesQuery(d, f)
	var out []zootour.Change
	err := db.Query(ctx, q.SQL, q.Args, func(scan func(...any) error) error {
		c, err := scanChange(scan)
		out = append(out, c)
		return err
	})
	return out, err
}

// Change returns entry id.
func Change(ctx context.Context, db DB, d Dialect, id int64) (zootour.Change, error) {
	if err := zootour.CheckID("change ID", id); err != nil {
		return zootour.Change{}, err
	}
	var c zootour.Change
	found := false
	err := db.Query(ctx, d.q(`SELECT `+changeCols+` FROM changes WHERE id = ?1`), []any{id},
		func(scan func(...any) error) (err error) {
			c, err = scanChange(scan)
			found = true
			return err
		})
	if err == nil && !found {
		err = zootour.Errorf(zootour.ENOTFOUND, "change %d does not exist", id)
	}
	return c, err
}

// Records is what a revert needs of a store's zoos, animals and visits,
// without logging: each store's own writes, as its Import and its public
// writes use them.
type Records interface {
	// Get returns the JSON of the record, nil if there is none.
	Get(ctx context.Context, k zootour.Kind, id int64) (json.RawMessage, error)
	// Put stores the record with its ID, as a new record or over the one
	// there.
	Put(ctx context.Context, k zootour.Kind, id int64, raw json.RawMessage) error
	// Delete removes the record, which has no visits left.
	Delete(ctx context.Context, k zootour.Kind, id int64) error
}

// Revert undoes the batch of entry id, logging each step in b: records
// that changed after the batch, and restores that break a rule, are
// conflicts. The caller's transaction makes it all or nothing.
func Revert(ctx context.Context, db DB, d Dialect, b *Batch, id int64, recs Records) error {
	c, err := Change(ctx, db, d, id)
	if err != nil {
		return err
	}
	batch, err := Changes(ctx, db, d, zootour.ChangeFilter{Batch: c.Batch})
	if err != nil {
		return err
	}
	steps, err := zootour.RevertSteps(batch)
	if err != nil {
		return err
	}
	recs = accountRecords{db: db, d: d, rest: recs}
	for _, s := range steps {
		now, err := recs.Get(ctx, s.Kind, s.ID)
		if err != nil {
			return err
		}
		if !zootour.SameRecord(s.Kind, now, s.Want) {
			return zootour.Changed(s.Kind, s.ID)
		}
		var e zootour.Entry
		switch {
		case s.Put == nil:
			err = recs.Delete(ctx, s.Kind, s.ID)
			e = zootour.Entry{Action: zootour.Delete, Kind: s.Kind, RecordID: s.ID, Before: now}
		case now == nil:
			err = recs.Put(ctx, s.Kind, s.ID, s.Put)
			e = zootour.Entry{Action: zootour.Create, Kind: s.Kind, RecordID: s.ID, After: s.Put}
		default:
			err = recs.Put(ctx, s.Kind, s.ID, s.Put)
			e = zootour.Entry{Action: zootour.Update, Kind: s.Kind, RecordID: s.ID, Before: now, After: s.Put}
		}
		if errors.Is(err, errNoComeback) {
			continue
		}
		if err != nil {
			return cannot(s, err)
		}
		if err := b.Add(ctx, db, e); err != nil {
			return err
		}
	}
	if len(b.wrote) == 0 {
		return zootour.Errorf(zootour.ECONFLICT, "change %d revoked tokens, which do not come back: make new ones", id)
	}
	return nil
}

// cannot turns a refused step into the conflict of the revert.
func cannot(s zootour.RevertStep, err error) error {
	switch zootour.ErrorCode(err) {
	case zootour.EINVALID, zootour.ECONFLICT, zootour.ENOTFOUND:
		what := "restore"
		if s.Put == nil {
			what = "delete"
		}
		return zootour.Errorf(zootour.ECONFLICT, "cannot %s %s %d: %s", what, s.Kind, s.ID, zootour.ErrorMessage(err))
	}
	return err
}
