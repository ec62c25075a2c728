// Package api answers the JSON API under /api: the records, their
// relationships, the where-and-when questions and the change log, each
// listing paged by cursor, every failure an application/problem+json
// (RFC 9457).
//
// Every route is listed once, in one route table, with who may call it; the
// OpenAPI document (openapi.json, embedded and served at
// /api/openapi.json) describes the same set, with the operational routes
// of the server that mounts the API, and tests hold the two together. Who
// is asking, and how many requests are served at once, the API shares
// with the pages through package httpx.
package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/web/httpx"
)

// The API's handlers are built from a few generic shapes, one per kind of
// route, so that the three kinds of record behave alike by construction.

// listing is the answer to every listing: a page of items and the cursor
// of the next page, null on the last.
type listing[T any] struct {
	Items []T     `json:"items"`
	Next  *string `json:"next"`
}

// answer answers a listing that fetch pages through: a page of JSON after
// ?cursor= of ?limit= entries, or with ?format=csv or xlsx the whole
// listing as a download (docs/spreadsheets.md). Every listing route
// answers through it, so that each offers both.
func answer[T any](w http.ResponseWriter, r *http.Request, fetch httpx.Fetch[T], cursor func(T) zootour.Cursor) error {
	format, err := httpx.FormatParam(r)
	if err != nil {
		return err
	}
	if format != "" {
		return httpx.Download(w, r, format, httpx.DownloadName(r.URL.Path), fetch, cursor)
	}
	after, limit, err := httpx.PageParams(r)
	if err != nil {
		return err
	}
	items, err := fetch(r.Context(), after, limit+1)
	if err != nil {
		return err
	}
	return writePage(w, items, limit, cursor)
}

// writePage answers the first limit of items (fetched as limit+1) and a
// cursor after the last of them if there were more.
func writePage[T any](w http.ResponseWriter, items []T, limit int, cursor func(T) zootour.Cursor) error {
	l := listing[T]{Items: items}
	if len(items) > limit {
		l.Items = items[:limit]
		c := cursor(items[limit-1]).String()
		l.Next = &c
	}
	if l.Items == nil {
		l.Items = []T{}
	}
	return writeJSON(w, http.StatusOK, l)
}

func zooKey(z zootour.Zoo) int64       { return z.ID }
func animalKey(a zootour.Animal) int64 { return a.ID }
func visitKey(v zootour.Visit) int64   { return v.ID }

func visitPos(v zootour.Visit) zootour.Position         { return v.Position() }
func zooAnimalPos(e zootour.ZooAnimal) zootour.Position { return e.Position() }
func animalZooPos(e zootour.AnimalZoo) zootour.Position { return e.Position() }

// The listings of records take the filters of docs/finding.md.

// findZoos answers GET /api/zoos?q=&sort=.
func findZoos(s zootour.ZooReader) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, err := zooFilter(r)
		if err != nil {
			return err
		}
		return answer(w, r, func(ctx context.Context, after zootour.Cursor, limit int) ([]zootour.Zoo, error) {
			f.After, f.Limit = after, limit
			return s.FindZoos(ctx, f)
		}, func(z zootour.Zoo) zootour.Cursor { return zootour.ZooCursor(z, f.Order()) })
	}
}

func zooFilter(r *http.Request) (f zootour.ZooFilter, err error) {
	if f.Search, err = httpx.SearchParam(r); err != nil {
		return f, err
	}
	f.Sort, err = httpx.SortParam(r, "zoo")
	return f, err
}

// findAnimals answers GET /api/animals?q=&species=&sort=.
func findAnimals(s zootour.AnimalReader) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, err := animalFilter(r)
		if err != nil {
			return err
		}
		return answer(w, r, func(ctx context.Context, after zootour.Cursor, limit int) ([]zootour.Animal, error) {
			f.After, f.Limit = after, limit
			return s.FindAnimals(ctx, f)
		}, func(a zootour.Animal) zootour.Cursor { return zootour.AnimalCursor(a, f.Order()) })
	}
}

func animalFilter(r *http.Request) (f zootour.AnimalFilter, err error) {
	if f.Search, err = httpx.SearchParam(r); err != nil {
		return f, err
	}
	if r.URL.Query().Has("species") {
		if f.Species, err = zootour.CleanText("species", r.URL.Query().Get("species")); err != nil {
			return f, err
		}
	}
	f.Sort, err = httpx.SortParam(r, "animal")
	return f, err
}

// findVisits answers GET /api/visits?zoo_id=&animal_id=&from=&to=&sort=.
func findVisits(s zootour.VisitReader) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, err := visitFilter(r)
		if err != nil {
			return err
		}
		return answer(w, r, func(ctx context.Context, after zootour.Cursor, limit int) ([]zootour.Visit, error) {
			f.After, f.Limit = after, limit
			return s.FindVisits(ctx, f)
		}, func(v zootour.Visit) zootour.Cursor { return zootour.VisitCursor(v, f.Order()) })
	}
}

func visitFilter(r *http.Request) (f zootour.VisitFilter, err error) {
	if f.ZooID, err = httpx.IDParam(r, "zoo_id"); err != nil {
		return f, err
	}
	if f.AnimalID, err = httpx.IDParam(r, "animal_id"); err != nil {
		return f, err
	}
	if f.From, err = httpx.DateParam(r, "from"); err != nil {
		return f, err
	}
	if f.To, err = httpx.DateParam(r, "to"); err != nil {
		return f, err
	}
	if f.Sort, err = httpx.SortParam(r, "visit"); err != nil {
		return f, err
	}
	return f, f.Validate()
}

// get answers one record: GET /api/zoos/{id}.
func get[T any](fetch func(context.Context, int64) (T, error)) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		t, err := fetch(r.Context(), id)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, t)
	}
}

// create stores the record in the body and answers it, 201, with its URL
// (prefix and ID) in Location: POST /api/zoos. The store assigns IDs, so a
// body that names one is refused rather than silently given another.
func create[T any](prefix string, store func(context.Context, T) (T, error), key func(T) int64) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var t T
		if err := readJSON(w, r, &t); err != nil {
			return err
		}
		if key(t) != 0 {
			return invalid("id is assigned by the server: leave it out")
		}
		t, err := store(r.Context(), t)
		if err != nil {
			return err
		}
		w.Header().Set("Location", prefix+strconv.FormatInt(key(t), 10))
		return writeJSON(w, http.StatusCreated, t)
	}
}

// update changes the fields present in the body and answers the record:
// PATCH /api/zoos/{id}. A field left out or null stays as it is.
func update[T, U any](store func(context.Context, int64, U) (T, error)) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		var u U
		if err := readJSON(w, r, &u); err != nil {
			return err
		}
		t, err := store(r.Context(), id, u)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, t)
	}
}

// remove deletes a record and answers 204: DELETE /api/zoos/{id}, with
// ?cascade=true where the kind has visits to take along.
func remove(store func(context.Context, int64, bool) error, cascadable bool) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		cascade := false
		if cascadable {
			if cascade, err = httpx.BoolParam(r, "cascade"); err != nil {
				return err
			}
		}
		if err := store(r.Context(), id, cascade); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

func deleteVisit(s zootour.Writer) func(context.Context, int64, bool) error {
	return func(ctx context.Context, id int64, _ bool) error { return s.DeleteVisit(ctx, id) }
}

// related answers a relationship listing, paged by the (date, ID) of each
// entry's visit: GET /api/zoos/{id}/animals. distinct says whether the
// listing takes ?distinct=.
func related[T any](fetch func(context.Context, int64, zootour.Query) ([]T, error), pos func(T) zootour.Position, distinct bool) apiFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpx.PathID(r)
		if err != nil {
			return err
		}
		q, err := queryParams(r, distinct)
		if err != nil {
			return err
		}
		return answer(w, r, func(ctx context.Context, after zootour.Cursor, limit int) ([]T, error) {
			q.After, q.Limit = after, limit
			return fetch(ctx, id, q)
		}, pos)
	}
}
