package api

import (
	"context"
	"net/http"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/httpx"
)

// The where-and-when routes: questions derived from visits.
// Their listings page like the others, with cursors of their own keys.

// onParam reads ?on=YYYY-MM-DD; without it the question is about today.
func onParam(r *http.Request) (zootour.Date, error) {
	d, err := httpx.DateParam(r, "on")
	if err == nil && d.IsZero() {
		d = zootour.DateOf(time.Now())
	}
	return d, err
}

// itinerary answers an animal's stays: GET /api/animals/{id}/itinerary.
func itinerary(s zootour.WhereWhen) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		return answer(w, r, func(ctx context.Context, after zootour.Cursor, limit int) ([]zootour.Stay, error) {
			return s.AnimalStays(ctx, id, zootour.StayQuery{After: after, Limit: limit})
		}, zootour.Stay.Cursor)
	}
}

// where answers the zoo an animal was at on a date, or null:
// GET /api/animals/{id}/where?on=.
func where(s zootour.WhereWhen) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		on, err := onParam(r)
		if err != nil {
			return err
		}
		z, err := s.AnimalWhere(r.Context(), id, on)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, z)
	}
}

// present answers the animals at a zoo on a date, or every stay there
// during a window: GET /api/zoos/{id}/present?on= or ?from=&to=.
func present(s zootour.WhereWhen) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		q, err := presentParams(r)
		if err != nil {
			return err
		}
		return answer(w, r, func(ctx context.Context, after zootour.Cursor, limit int) ([]zootour.Presence, error) {
			q.After, q.Limit = after, limit
			return s.ZooPresent(ctx, id, q)
		}, zootour.Presence.Position)
	}
}

// presentParams reads ?on= or a window ?from=&to=; with neither the
// question is about today. Both is bad input.
func presentParams(r *http.Request) (zootour.PresentQuery, error) {
	var q zootour.PresentQuery
	var err error
	if q.From, err = httpx.DateParam(r, "from"); err != nil {
		return q, err
	}
	if q.To, err = httpx.DateParam(r, "to"); err != nil {
		return q, err
	}
	if q.On, err = httpx.DateParam(r, "on"); err != nil {
		return q, err
	}
	if q.On.IsZero() && q.From.IsZero() && q.To.IsZero() {
		q.On = zootour.DateOf(time.Now())
	}
	return q, q.Validate()
}

// contacts answers the animals that shared a zoo with an animal:
// GET /api/animals/{id}/contacts?from=&to=.
func contacts(s zootour.WhereWhen) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		var q zootour.ContactQuery
		if q.From, err = httpx.DateParam(r, "from"); err != nil {
			return err
		}
		if q.To, err = httpx.DateParam(r, "to"); err != nil {
			return err
		}
		if err := q.Validate(); err != nil {
			return err
		}
		return answer(w, r, func(ctx context.Context, after zootour.Cursor, limit int) ([]zootour.Contact, error) {
			q.After, q.Limit = after, limit
			return s.AnimalContacts(ctx, id, q)
		}, zootour.Contact.Cursor)
	}
}

// census answers how many animals of each species every zoo held on a
// date: GET /api/census?on=.
func census(s zootour.WhereWhen) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		on, err := onParam(r)
		if err != nil {
			return err
		}
		return answer(w, r, func(ctx context.Context, after zootour.Cursor, limit int) ([]zootour.CensusRow, error) {
			return s.Census(ctx, zootour.CensusQuery{On: on, After: after, Limit: limit})
		}, zootour.CensusRow.Cursor)
	}
}
