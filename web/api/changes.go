package api

import (
	"context"
	"net/http"
	"unicode/utf8"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/httpx"
)

// The change log's routes (docs/accounts.md): the latest changes,
// one record's history, and the revert of a batch.

// maxActor bounds ?actor=: a user's name, or cli: and an OS user's name.
const maxActor = 200

// changes answers GET /api/changes?kind=&record_id=&actor=&from=&to=,
// newest first.
func changes(s zootour.ChangeLog) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var f zootour.ChangeFilter
		q := r.URL.Query()
		var err error
		if q.Has("kind") {
			if f.Kind, err = zootour.ParseKind(q.Get("kind")); err != nil {
				return err
			}
		}
		if f.RecordID, err = httpx.IDParam(r, "record_id"); err != nil {
			return err
		}
		if f.Actor = q.Get("actor"); !utf8.ValidString(f.Actor) || len(f.Actor) > maxActor {
			return invalid("actor is a user's name or cli:USER, at most %d bytes of UTF-8", maxActor)
		}
		if f.From, err = httpx.DateParam(r, "from"); err != nil {
			return err
		}
		if f.To, err = httpx.DateParam(r, "to"); err != nil {
			return err
		}
		if err := f.Validate(); err != nil {
			return err
		}
		return answer(w, r, func(ctx context.Context, after zootour.Cursor, limit int) ([]zootour.Change, error) {
			if err := changeCursor(after); err != nil {
				return nil, err
			}
			f.After, f.Limit = after, limit
			return s.Changes(ctx, f)
		}, zootour.Change.Cursor)
	}
}

// changeCursor checks the ?cursor= of a listing of changes, whose cursors
// hold an entry's ID only.
func changeCursor(after zootour.Cursor) error {
	if !after.Date.IsZero() || after.Text != "" {
		return invalid("cursor is not one this API gave out for changes; start again without it")
	}
	return nil
}

// history answers one record's entries, newest first, also once the
// record is deleted: GET /api/zoos/{id}/history. A record with no entries
// (imported, say) answers an empty listing if it exists and 404 if not,
// so that a mistyped ID is told apart from a quiet record.
func history(s httpx.ReadWriter, k zootour.Kind) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		return answer(w, r, func(ctx context.Context, after zootour.Cursor, limit int) ([]zootour.Change, error) {
			if err := changeCursor(after); err != nil {
				return nil, err
			}
			items, err := s.Changes(ctx, zootour.ChangeFilter{Kind: k, RecordID: id, After: after, Limit: limit})
			if err == nil && len(items) == 0 && after.IsZero() {
				err = exists(ctx, s, k, id)
			}
			return items, err
		}, zootour.Change.Cursor)
	}
}

// exists says whether record k id is stored: nil, or a not-found error.
func exists(ctx context.Context, s zootour.Reader, k zootour.Kind, id int64) error {
	var err error
	switch k {
	case zootour.KindZoo:
		_, err = s.Zoo(ctx, id)
	case zootour.KindAnimal:
		_, err = s.Animal(ctx, id)
	case zootour.KindVisit:
		_, err = s.Visit(ctx, id)
	}
	if zootour.ErrorCode(err) == zootour.ENOTFOUND {
		return zootour.Errorf(zootour.ENOTFOUND, "%s %d does not exist and has no history", k, id)
	}
	return err
}

// revert undoes the batch of a change and answers the entries it wrote:
// POST /api/changes/{id}/revert. The route needs an editor; a batch that
// changed users or tokens needs an admin, as making those changes did.
func revert(s zootour.ChangeLog, auth *httpx.Auth) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		c, err := s.Change(r.Context(), id)
		if err != nil {
			return err
		}
		batch, err := s.Changes(r.Context(), zootour.ChangeFilter{Batch: c.Batch})
		if err != nil {
			return err
		}
		for _, e := range batch {
			if e.Kind == zootour.KindUser || e.Kind == zootour.KindToken {
				if err := auth.Allow(httpx.WhoOf(r.Context()), zootour.Admin); err != nil {
					return err
				}
				break
			}
		}
		wrote, err := s.Revert(r.Context(), id)
		if err != nil {
			return err
		}
		if wrote == nil {
			wrote = []zootour.Change{}
		}
		return writeJSON(w, http.StatusOK, struct {
			Items []zootour.Change `json:"items"`
		}{wrote})
	}
}
