package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"slices"
	"strings"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/findsql"
	"github.com/zootour/zootour/internal/staysql"
	"github.com/zootour/zootour/textkey"
)

// Zoos and animals are the same shape to the store: an ID, a name, one
// more text field, the name's collation key, and the folded words of their
// text in a full-text index of their own, all written by the transaction
// that writes the record (docs/finding.md). A kind holds what differs, so that every
// statement and rule below exists once for both.
type kind[T any] struct {
	name  string // "zoo", in messages
	table findsql.Table
	// cols are the columns that inserting a record writes, its ID first:
	// NULL for a new one (AUTOINCREMENT then gives the next) or the
	// imported ID.
	cols   string
	update string
	// values are the columns of insert and update after the ID: the
	// fields and their derived keys.
	values func(T) []any
	// fields are the scan targets of table.Cols.
	fields func(*T) []any
	// texts are what a search reads.
	texts    func(T) []string
	id       func(T) int64
	validate func(*T) error
}

var zoos = kind[zootour.Zoo]{
	name: "zoo",
	table: findsql.Table{Name: "zoos", Cols: "r.id, r.name, r.location",
		Owner: "zoo_id", Text: "zoo_text"},
	cols:     "id, name, location, name_key",
	update:   `UPDATE zoos SET name = ?, location = ?, name_key = ? WHERE id = ?`,
	values:   func(z zootour.Zoo) []any { return []any{z.Name, z.Location, textkey.Name(z.Name)} },
	fields:   func(z *zootour.Zoo) []any { return []any{&z.ID, &z.Name, &z.Location} },
	texts:    func(z zootour.Zoo) []string { return []string{z.Name, z.Location} },
	id:       func(z zootour.Zoo) int64 { return z.ID },
	validate: func(z *zootour.Zoo) error { return z.Validate() },
}

var animals = kind[zootour.Animal]{
	name: "animal",
	table: findsql.Table{Name: "animals", Cols: "r.id, r.name, r.species",
		Owner: "animal_id", Text: "animal_text"},
	cols:   "id, name, species, name_key, species_key",
	update: `UPDATE animals SET name = ?, species = ?, name_key = ?, species_key = ? WHERE id = ?`,
	values: func(a zootour.Animal) []any {
		return []any{a.Name, a.Species, textkey.Name(a.Name), textkey.Species(a.Species)}
	},
	fields:   func(a *zootour.Animal) []any { return []any{&a.ID, &a.Name, &a.Species} },
	texts:    func(a zootour.Animal) []string { return []string{a.Name, a.Species} },
	id:       func(a zootour.Animal) int64 { return a.ID },
	validate: func(a *zootour.Animal) error { return a.Validate() },
}

// add inserts r, with a new ID if id is 0, and its words.
func (k kind[T]) add(ctx context.Context, tx *txn, id int64, r T) (int64, error) {
	var idArg any
	if id != 0 {
		idArg = id
	}
	if err := tx.QueryRowContext(ctx, k.insert(1)+` RETURNING id`, append([]any{idArg}, k.values(r)...)...).Scan(&id); err != nil {
		if idArg == nil && usedUp(ctx, tx, k.table.Name, err) {
			return 0, zootour.IDsUsedUp(k.name)
		}
		return 0, err
	}
	return id, k.index(ctx, tx, id, r)
}

// usedUp reports whether err, of an insert into table with a new ID, is
// AUTOINCREMENT's SQLITE_FULL for want of an ID above the largest, not a
// full disk.
func usedUp(ctx context.Context, tx *txn, table string, err error) bool {
	if sqliteCode(err)&0xff != 13 {
		return false
	}
	var largest int64
	if tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM `+table).Scan(&largest) != nil {
		return false
	}
	return largest == math.MaxInt64
}

// index writes the folded words of record id into its text index,
// replacing any it had: the FTS5 table whose rowid is the record's ID.
func (k kind[T]) index(ctx context.Context, tx *txn, id int64, r T) error {
	if err := k.unindex(ctx, tx, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, k.insertWords(1), id, k.words(r))
	return internal(err)
}

// insert is the statement that inserts rows records (k.cols).
func (k kind[T]) insert(rows int) string {
	return insertRows(`INSERT INTO `+k.table.Name+` (`+k.cols+`)`, k.width(), rows)
}

// width is how many values inserting a record takes: its ID and values.
func (k kind[T]) width() int { return strings.Count(k.cols, ",") + 1 }

// insertWords is the statement that writes the words of rows records into
// the text index (rowid, words).
func (k kind[T]) insertWords(rows int) string {
	return insertRows(`INSERT INTO `+k.table.Text+` (rowid, words)`, 2, rows)
}

// insertRows is head, an INSERT naming cols columns, with rows rows of
// placeholders: plain ?, since modernc's driver looks a numbered one up by
// a walk of the list of names.
func insertRows(head string, cols, rows int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return head + " VALUES " + strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
}

// unindex takes record id out of its text index.
func (k kind[T]) unindex(ctx context.Context, tx *txn, id int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM `+k.table.Text+` WHERE rowid = ?`, id)
	return internal(err)
}

// words is the text index's column of r: its folded words, one space
// apart, which the index's tokenizer splits on white space only
// (migrations/0004_text.sql).
func (k kind[T]) words(r T) string { return strings.Join(textkey.Words(k.texts(r)...), " ") }

func (k kind[T]) create(ctx context.Context, s *Store, r T) (T, error) {
	var zero T
	if err := k.validate(&r); err != nil {
		return zero, err
	}
	err := s.write(ctx, func(tx *txn) error {
		id, err := k.add(ctx, tx, 0, r)
		if err != nil {
			return constraintError(err)
		}
		*k.fields(&r)[0].(*int64) = id
		return tx.logged(ctx, zootour.Created(k.kind(), id, r))
	})
	if err != nil {
		return zero, err
	}
	return r, nil
}

func (k kind[T]) get(ctx context.Context, s *Store, id int64) (T, error) {
	var r T
	err := s.read(ctx, func(tx *txn) (err error) {
		r, err = k.find(ctx, tx, id)
		return err
	})
	return r, err
}

func (k kind[T]) change(ctx context.Context, s *Store, id int64, apply func(T) (T, error)) (T, error) {
	var r T
	err := s.write(ctx, func(tx *txn) error {
		old, err := k.find(ctx, tx, id)
		if err != nil {
			return err
		}
		if r, err = apply(old); err != nil {
			return err
		}
		if err := k.set(ctx, tx, id, r); err != nil {
			return err
		}
		return tx.logged(ctx, zootour.Updated(k.kind(), id, old, r))
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return r, nil
}

// set writes r over record id, with its keys and words.
func (k kind[T]) set(ctx context.Context, tx *txn, id int64, r T) error {
	if _, err := tx.ExecContext(ctx, k.update, append(k.values(r), id)...); err != nil {
		return constraintError(err)
	}
	return k.index(ctx, tx, id, r)
}

// kind names the records of k in the change log.
func (k kind[T]) kind() zootour.Kind { return zootour.Kind(k.name) }

// remove deletes a record and, with cascade, its visits; without, a
// record that has visits is a conflict. Each visit a cascade deletes is
// logged before the record.
func (k kind[T]) remove(ctx context.Context, s *Store, id int64, cascade bool) error {
	return s.write(ctx, func(tx *txn) error {
		old, err := k.find(ctx, tx, id)
		if err != nil {
			return err
		}
		var gone []zootour.Visit
		if !cascade {
			has, err := k.hasVisits(ctx, tx, id)
			if err != nil {
				return err
			}
			if has {
				return zootour.HasVisits(k.name, id)
			}
		} else if gone, err = scanAll(ctx, tx, findsql.Query{SQL: `SELECT ` + visitCols + ` FROM visits v WHERE v.` + k.table.Owner + ` = ? ORDER BY v.id`, Args: []any{id}}, visitFields); err != nil {
			return err
		}
		// Each visit the cascade deletes is logged; the animals whose stays
		// it changes are those of its visits (the animal itself, or every
		// animal that came to the zoo).
		var touched []int64
		for _, v := range gone {
			if err := tx.logged(ctx, zootour.Deleted(zootour.KindVisit, v.ID, v)); err != nil {
				return err
			}
			touched = append(touched, v.AnimalID)
		}
		slices.Sort(touched)
		touched = slices.Compact(touched)
		if _, err := tx.ExecContext(ctx, `DELETE FROM visits WHERE `+k.table.Owner+` = ?`, id); err != nil {
			return internal(err)
		}
		for _, a := range touched {
			if err := staysql.Rebuild(ctx, txDB{Q: tx}, dialect, a); err != nil {
				return internal(err)
			}
		}
		if err := k.drop(ctx, tx, id); err != nil {
			return err
		}
		return tx.logged(ctx, zootour.Deleted(k.kind(), id, old))
	})
}

// hasVisits reports whether record id has visits.
func (k kind[T]) hasVisits(ctx context.Context, tx *txn, id int64) (bool, error) {
	return exists(ctx, tx, `SELECT EXISTS (SELECT 1 FROM visits WHERE `+k.table.Owner+` = ?)`, id)
}

// dropBare deletes record id, which may not have visits (a revert's
// delete).
func (k kind[T]) dropBare(ctx context.Context, tx *txn, id int64) error {
	has, err := k.hasVisits(ctx, tx, id)
	if err != nil {
		return err
	}
	if has {
		return zootour.HasVisits(k.name, id)
	}
	return k.drop(ctx, tx, id)
}

// drop deletes record id, which has no visits, with its words.
func (k kind[T]) drop(ctx context.Context, tx *txn, id int64) error {
	if err := k.unindex(ctx, tx, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM `+k.table.Name+` WHERE id = ?`, id)
	return deleteError(err)
}

// list runs a listing built by findsql.
func (k kind[T]) list(ctx context.Context, s *Store, f findsql.RecordFilter) ([]T, error) {
	q := findsql.Records(finding, k.table, f)
	var out []T
	err := s.read(ctx, func(tx *txn) (err error) {
		out, err = scanAll(ctx, tx, q, k.fields)
		return err
	})
	return out, err
}

// find returns the record with the given ID: an invalid error for an ID
// that cannot be one, a not-found error if there is none.
func (k kind[T]) find(ctx context.Context, tx *txn, id int64) (T, error) {
	var r T
	if err := zootour.CheckID(k.name+" ID", id); err != nil {
		return r, err
	}
	err := tx.QueryRowContext(ctx, `SELECT `+k.table.Cols+` FROM `+k.table.Name+` AS r WHERE r.id = ?`, id).
		Scan(k.fields(&r)...)
	if errors.Is(err, sql.ErrNoRows) {
		return r, zootour.NotFound(k.name, id)
	}
	return r, internal(err)
}

// scanAll runs q and scans every row with the targets fields gives.
func scanAll[T any](ctx context.Context, tx *txn, q findsql.Query, fields func(*T) []any) ([]T, error) {
	rows, err := tx.QueryContext(ctx, q.SQL, q.Args...)
	if err != nil {
		return nil, internal(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var r T
		if err := rows.Scan(fields(&r)...); err != nil {
			return nil, internal(err)
		}
		out = append(out, r)
	}
	return out, internal(rows.Err())
}

// CreateZoo validates z, stores it with a new ID and returns it.
func (s *Store) CreateZoo(ctx context.Context, z zootour.Zoo) (zootour.Zoo, error) {
	return zoos.create(ctx, s, z)
}

// Zoo returns the zoo with the given ID.
func (s *Store) Zoo(ctx context.Context, id int64) (zootour.Zoo, error) { return zoos.get(ctx, s, id) }

// UpdateZoo changes the fields set in u and returns the zoo.
func (s *Store) UpdateZoo(ctx context.Context, id int64, u zootour.ZooUpdate) (zootour.Zoo, error) {
	return zoos.change(ctx, s, id, u.Apply)
}

// DeleteZoo removes a zoo, and with cascade its visits.
func (s *Store) DeleteZoo(ctx context.Context, id int64, cascade bool) error {
	return zoos.remove(ctx, s, id, cascade)
}

// FindZoos lists the zoos that f selects.
func (s *Store) FindZoos(ctx context.Context, f zootour.ZooFilter) ([]zootour.Zoo, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return zoos.list(ctx, s, findsql.ForZoos(f))
}

// CreateAnimal validates a, stores it with a new ID and returns it.
func (s *Store) CreateAnimal(ctx context.Context, a zootour.Animal) (zootour.Animal, error) {
	return animals.create(ctx, s, a)
}

// Animal returns the animal with the given ID.
func (s *Store) Animal(ctx context.Context, id int64) (zootour.Animal, error) {
	return animals.get(ctx, s, id)
}

// UpdateAnimal changes the fields set in u and returns the animal.
func (s *Store) UpdateAnimal(ctx context.Context, id int64, u zootour.AnimalUpdate) (zootour.Animal, error) {
	return animals.change(ctx, s, id, u.Apply)
}

// DeleteAnimal removes an animal, and with cascade its visits.
func (s *Store) DeleteAnimal(ctx context.Context, id int64, cascade bool) error {
	return animals.remove(ctx, s, id, cascade)
}

// FindAnimals lists the animals that f selects.
func (s *Store) FindAnimals(ctx context.Context, f zootour.AnimalFilter) ([]zootour.Animal, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return animals.list(ctx, s, findsql.ForAnimals(f))
}

// findZoo and findAnimal are the lookups other statements of the store
// build on.
func findZoo(ctx context.Context, tx *txn, id int64) (zootour.Zoo, error) {
	return zoos.find(ctx, tx, id)
}

func findAnimal(ctx context.Context, tx *txn, id int64) (zootour.Animal, error) {
	return animals.find(ctx, tx, id)
}

// exists runs a SELECT EXISTS query.
func exists(ctx context.Context, tx *txn, query string, args ...any) (bool, error) {
	var ok bool
	err := tx.QueryRowContext(ctx, query, args...).Scan(&ok)
	return ok, internal(err)
}

// limitOf returns the LIMIT for a listing: -1, no limit, for 0.
func limitOf(limit int) (int, error) {
	switch {
	case limit < 0:
		return 0, zootour.Errorf(zootour.EINVALID, "limit must not be negative")
	case limit == 0:
		return -1, nil
	}
	return limit, nil
}

// deleteError maps a failed DELETE of a zoo or animal: a foreign key still
// pointing at it means visits remain, a conflict. The store checks for
// visits first; this catches what that check could miss.
func deleteError(err error) error {
	if sqliteCode(err) == codeForeignKey {
		return zootour.Errorf(zootour.ECONFLICT, "the record still has visits")
	}
	return internal(err)
}

// The SQL of the find listings, as the store runs it, for EXPLAIN (the
// benchmarks' plans).

// ZooFindSQL returns the query of FindZoos(f).
func ZooFindSQL(f zootour.ZooFilter) (string, []any) {
	q := findsql.Records(finding, zoos.table, findsql.ForZoos(f))
	return q.SQL, q.Args
}

// AnimalFindSQL returns the query of FindAnimals(f).
func AnimalFindSQL(f zootour.AnimalFilter) (string, []any) {
	q := findsql.Records(finding, animals.table, findsql.ForAnimals(f))
	return q.SQL, q.Args
}

// VisitFindSQL returns the query of FindVisits(f).
func VisitFindSQL(f zootour.VisitFilter) (string, []any) {
	q := findsql.Visits(finding, visitCols, f)
	return q.SQL, q.Args
}
