package web

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/zootour/zootour"
)

// The where-and-when routes: questions derived from visits (DESIGN.md).
// Their listings page like the others, with cursors of their own keys.

// onParam reads ?on=YYYY-MM-DD; without it the question is about today.
func onParam(r *http.Request) (zootour.Date, error) {
	d, err := dateParam(r, "on")
	if err == nil && d.IsZero() {
		d = zootour.DateOf(time.Now())
	}
	return d, err
}

// keyPage reads ?limit= and ?cursor= of a listing whose cursor parse
// decodes (reporting a bad one as false); after is the zero K without one.
func keyPage[K any](r *http.Request, parse func(string) (K, bool)) (after K, limit int, err error) {
	if limit, err = limitParam(r); err != nil {
		return after, 0, err
	}
	s, found, err := cursorText(r)
	if err != nil || !found {
		return after, limit, err
	}
	after, ok := parse(s)
	if !ok {
		return after, 0, errCursor
	}
	return after, limit, nil
}

func textCursor(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func parseDateCursor(s string) (zootour.Date, bool) {
	d, err := zootour.ParseDate(s)
	return d, err == nil
}

func parsePosCursor(s string) (zootour.Position, bool) {
	ds, is, found := strings.Cut(s, ":")
	d, err1 := zootour.ParseDate(ds)
	id, err2 := parseCursorID(is)
	return zootour.Position{Date: d, ID: id}, found && err1 == nil && err2 == nil
}

func parseIDCursor(s string) (int64, bool) {
	id, err := parseCursorID(s)
	return id, err == nil
}

// A census cursor is "zooID:species"; the species may itself hold colons.
func censusCursor(r zootour.CensusRow) string {
	return textCursor(strconv.FormatInt(r.ZooID, 10) + ":" + r.Species)
}

func parseCensusCursor(s string) (zootour.CensusKey, bool) {
	is, species, found := strings.Cut(s, ":")
	id, err := parseCursorID(is)
	return zootour.CensusKey{ZooID: id, Species: species}, found && err == nil
}

// itinerary answers an animal's stays: GET /api/animals/{id}/itinerary.
func itinerary(s zootour.Store) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		after, limit, err := keyPage(r, parseDateCursor)
		if err != nil {
			return err
		}
		stays, err := s.AnimalStays(r.Context(), id, after, limit+1)
		if err != nil {
			return err
		}
		return writePage(w, stays, limit, func(st zootour.Stay) string { return textCursor(st.From.String()) })
	}
}

// where answers the zoo an animal was at on a date, or null:
// GET /api/animals/{id}/where?on=.
func where(s zootour.Store) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
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

// present answers the animals at a zoo on a date: GET /api/zoos/{id}/present?on=.
func present(s zootour.Store) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		on, err := onParam(r)
		if err != nil {
			return err
		}
		after, limit, err := keyPage(r, parsePosCursor)
		if err != nil {
			return err
		}
		items, err := s.ZooPresent(r.Context(), id, on, after, limit+1)
		if err != nil {
			return err
		}
		return writePage(w, items, limit, func(p zootour.Presence) string { return posCursor(p.Position()) })
	}
}

// contacts answers the animals that shared a zoo with an animal:
// GET /api/animals/{id}/contacts?from=&to=.
func contacts(s zootour.Store) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r)
		if err != nil {
			return err
		}
		var q zootour.ContactQuery
		if q.From, err = dateParam(r, "from"); err != nil {
			return err
		}
		if q.To, err = dateParam(r, "to"); err != nil {
			return err
		}
		after, limit, err := keyPage(r, parseIDCursor)
		if err != nil {
			return err
		}
		q.After = after
		q.Limit = limit + 1
		items, err := s.AnimalContacts(r.Context(), id, q)
		if err != nil {
			return err
		}
		return writePage(w, items, limit, func(c zootour.Contact) string { return idCursor(c.ID) })
	}
}

// census answers how many animals of each species every zoo held on a
// date: GET /api/census?on=.
func census(s zootour.Store) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		on, err := onParam(r)
		if err != nil {
			return err
		}
		after, limit, err := keyPage(r, parseCensusCursor)
		if err != nil {
			return err
		}
		rows, err := s.Census(r.Context(), on, after, limit+1)
		if err != nil {
			return err
		}
		return writePage(w, rows, limit, censusCursor)
	}
}
