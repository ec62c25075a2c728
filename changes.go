package zootour

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// An Action is what a change did.
type Action string

// The actions of the change log.
const (
	Create Action = "create"
	Update Action = "update"
	Delete Action = "delete"
	Import Action = "import"
)

// A Kind names a kind of record in the change log.
type Kind string

// The kinds of record the change log names.
const (
	KindZoo    Kind = "zoo"
	KindAnimal Kind = "animal"
	KindVisit  Kind = "visit"
	KindUser   Kind = "user"
	KindToken  Kind = "token"
)

// Kinds lists every kind.
var Kinds = []Kind{KindZoo, KindAnimal, KindVisit, KindUser, KindToken}

// ParseKind reads a kind's name.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if string(k) == s {
			return k, nil
		}
	}
	return "", Errorf(EINVALID, "kind %q is not one of zoo, animal, visit, user, token", s)
}

// A Change is one entry of the change log: one record changed, or one
// import (docs/accounts.md). Every change of a request or command
// shares its Batch, the ID of the batch's first entry. Before is null on
// a create and After on a delete; an import has no kind or record, and
// its After holds the counts it added. No secret is ever in it.
type Change struct {
	ID       int64           `json:"id"`
	At       time.Time       `json:"at"`
	Actor    string          `json:"actor"`
	Batch    int64           `json:"batch"`
	Action   Action          `json:"action"`
	Kind     Kind            `json:"kind"`
	RecordID int64           `json:"record_id"`
	Before   json.RawMessage `json:"before"`
	After    json.RawMessage `json:"after"`
}

// MarshalJSON writes the kind and record of an import as null.
func (c Change) MarshalJSON() ([]byte, error) {
	// The fields in the order of Change, which a download's columns follow.
	out := struct {
		ID       int64           `json:"id"`
		At       time.Time       `json:"at"`
		Actor    string          `json:"actor"`
		Batch    int64           `json:"batch"`
		Action   Action          `json:"action"`
		Kind     *Kind           `json:"kind"`
		RecordID *int64          `json:"record_id"`
		Before   json.RawMessage `json:"before"`
		After    json.RawMessage `json:"after"`
	}{ID: c.ID, At: c.At.UTC(), Actor: c.Actor, Batch: c.Batch, Action: c.Action, Before: c.Before, After: c.After}
	if c.Kind != "" {
		out.Kind = &c.Kind
		out.RecordID = &c.RecordID
	}
	return json.Marshal(out)
}

// Cursor returns where c stands in a listing of changes.
func (c Change) Cursor() Cursor { return Cursor{ID: c.ID} }

// A ChangeFilter selects entries of the change log, newest first.
type ChangeFilter struct {
	Kind     Kind  // "" for every kind
	RecordID int64 // 0 for every record (needs Kind)
	Actor    string
	Batch    int64
	// From and To, when set, keep entries made on those UTC dates,
	// inclusive.
	From, To Date
	// After, when set, starts after the entry of that ID.
	After Cursor
	Limit int
}

// Validate checks f.
func (f ChangeFilter) Validate() error {
	if f.Kind != "" {
		if _, err := ParseKind(string(f.Kind)); err != nil {
			return err
		}
	}
	if f.RecordID < 0 {
		return Errorf(EINVALID, "record_id must be a positive integer, not %d", f.RecordID)
	}
	if f.RecordID != 0 && f.Kind == "" {
		return Errorf(EINVALID, "record_id needs a kind")
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return Errorf(EINVALID, "the window's from date %s comes after its to date %s", f.From, f.To)
	}
	if f.Limit < 0 {
		return Errorf(EINVALID, "limit must not be negative")
	}
	return nil
}

// ChangeLog reads the change log and reverts its batches.
type ChangeLog interface {
	// Changes lists the entries that f selects, newest first.
	Changes(ctx context.Context, f ChangeFilter) ([]Change, error)
	// Change returns one entry. ENOTFOUND if there is none.
	Change(ctx context.Context, id int64) (Change, error)
	// Revert undoes the whole batch of entry id in one transaction, itself
	// logged, and returns the entries it wrote. ECONFLICT, with nothing
	// changed, when a record changed after the batch, a restored record's
	// ID, or a restored visit's animal and date, is taken, a restored
	// visit's zoo or animal is gone, or the batch is an import.
	Revert(ctx context.Context, id int64) ([]Change, error)
	// Idempotent returns what the store keeps of an idempotency key made
	// within IdempotencyLife; false if it keeps nothing.
	Idempotent(ctx context.Context, key string) (Idempotency, bool, error)
}

// An Entry is a change as a store writes it into the log: the store adds
// the ID, time, actor and batch.
type Entry struct {
	Action   Action
	Kind     Kind
	RecordID int64
	Before   json.RawMessage
	After    json.RawMessage
}

// Created, Updated and Deleted make the entry of a record's change; the
// JSON of the record is what the API shows of it.
func Created(k Kind, id int64, after any) Entry {
	return Entry{Action: Create, Kind: k, RecordID: id, After: mustJSON(after)}
}

// Updated makes the entry of a record changed from before to after.
func Updated(k Kind, id int64, before, after any) Entry {
	return Entry{Action: Update, Kind: k, RecordID: id, Before: mustJSON(before), After: mustJSON(after)}
}

// Deleted makes the entry of a record deleted.
func Deleted(k Kind, id int64, before any) Entry {
	return Entry{Action: Delete, Kind: k, RecordID: id, Before: mustJSON(before)}
}

// Imported makes the entry of an import that added the counts.
func Imported(added Counts) Entry { return Entry{Action: Import, After: mustJSON(added)} }

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("zootour: a record that cannot be JSON: %v", err))
	}
	return b
}

// A RevertStep is one record put back by a revert: the record Kind and ID
// must now be Want (nil: absent), and becomes Put (nil: deleted).
type RevertStep struct {
	Kind Kind
	ID   int64
	Want json.RawMessage
	Put  json.RawMessage
}

// RevertSteps returns what undoing a batch does, in the order to do it:
// the batch's entries undone newest first, so that a cascade's zoo comes
// back before its visits and a created visit goes before its zoo. A
// record changed twice in the batch is undone to its first before. An
// import cannot be reverted (ECONFLICT).
func RevertSteps(batch []Change) ([]RevertStep, error) {
	if len(batch) == 0 {
		return nil, Errorf(ENOTFOUND, "the batch has no entries")
	}
	entries := slices.Clone(batch)
	slices.SortFunc(entries, func(a, b Change) int { return cmp.Compare(a.ID, b.ID) })
	var steps []RevertStep
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if e.Action == Import {
			return nil, Errorf(ECONFLICT, "change %d is an import, which cannot be reverted", e.ID)
		}
		steps = append(steps, RevertStep{Kind: e.Kind, ID: e.RecordID, Want: e.After, Put: e.Before})
	}
	return steps, nil
}

// SameRecord reports whether two JSON forms of a record of kind k hold
// the same fields (nil for absent).
func SameRecord(k Kind, a, b json.RawMessage) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ca, errA := canonical(k, a)
	cb, errB := canonical(k, b)
	return errA == nil && errB == nil && bytes.Equal(ca, cb)
}

// canonical decodes raw as the record of kind k and encodes it again.
func canonical(k Kind, raw json.RawMessage) ([]byte, error) {
	var v any
	switch k {
	case KindZoo:
		v = new(Zoo)
	case KindAnimal:
		v = new(Animal)
	case KindVisit:
		v = new(Visit)
	case KindUser:
		v = new(User)
	case KindToken:
		v = new(Token)
	default:
		return nil, Errorf(EINVALID, "kind %q", k)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, err
	}
	if t, ok := v.(*Token); ok {
		t.LastUsed = nil // a use is no change of the token
	}
	return json.Marshal(v)
}

// Changed says that a revert found a record changed after its batch.
func Changed(k Kind, id int64) *Error {
	return Errorf(ECONFLICT, "%s %d changed after this batch; revert the later changes first", k, id)
}

// Idempotency keys (README, "Serving safely"): a write made with a key
// stores the key, with a fingerprint of its request, beside its batch in
// its own transaction, so that a retry of the same request is answered
// from the batch instead of writing again.

// An Idempotency is what a store keeps of a key: the request's
// fingerprint, the batch its write logged and when.
type Idempotency struct {
	Key         string
	Fingerprint string
	Batch       int64
	At          time.Time
}

// IdempotencyLife is how long a key is kept.
const IdempotencyLife = 24 * time.Hour

type idempotencyKey struct{}

// WithIdempotency returns a context whose write stores key and the
// request's fingerprint with its batch, in its transaction. A second
// write with the key fails (as the key is taken) and changes nothing.
func WithIdempotency(ctx context.Context, key, fingerprint string) context.Context {
	return context.WithValue(ctx, idempotencyKey{}, Idempotency{Key: key, Fingerprint: fingerprint})
}

// IdempotencyOf returns the key WithIdempotency put in ctx, if any.
func IdempotencyOf(ctx context.Context) (Idempotency, bool) {
	k, ok := ctx.Value(idempotencyKey{}).(Idempotency)
	return k, ok
}
