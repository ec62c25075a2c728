package postgres

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/findsql"
	"github.com/zootour/zootour/internal/staysql"
	"github.com/zootour/zootour/textkey"
)

// A public method is one transaction: a single statement is one by itself;
// methods of several statements use pgx.BeginFunc.

// Zoos and animals are the same shape to the store: an ID, a name, one
// more text field, the name's collation key (and an animal's species
// key), and the folded words of their text as the lexemes of a tsvector
// (column search, under a GIN index), all written by the statement that
// writes the record. A kind holds what differs, so that every statement
// and rule below exists once for both.
type kind[T any] struct {
	name   string // "zoo", in messages
	plural string // "zoos", the Kind of a RecordError
	table  findsql.Table
	// columns are the columns after id that values fills, in its order:
	// the fields, then the keys derived from them. search is not one of
	// them: it is written from the lexemes, as array_to_tsvector($n).
	columns []string
	values  func(T) []any
	// words is the table of the folded words that schema versions 3 and 4
	// kept, (word, table.Owner): only the backfill of version 3 writes it,
	// and version 5 makes search from it and drops it.
	words string
	// fields are the scan targets of table.Cols; the first is the ID.
	fields   func(*T) []any
	texts    func(T) []string // what a search reads
	validate func(*T) error
}

var zoos = kind[zootour.Zoo]{
	name:   "zoo",
	plural: "zoos",
	table: findsql.Table{Name: "zoos", Cols: "r.id, r.name, r.location",
		Owner: "zoo_id", Text: "search"},
	columns:  []string{"name", "location", "name_key"},
	words:    "zoo_words",
	values:   func(z zootour.Zoo) []any { return []any{z.Name, z.Location, textkey.Name(z.Name)} },
	fields:   func(z *zootour.Zoo) []any { return []any{&z.ID, &z.Name, &z.Location} },
	texts:    func(z zootour.Zoo) []string { return []string{z.Name, z.Location} },
	validate: (*zootour.Zoo).Validate,
}

var animals = kind[zootour.Animal]{
	name:   "animal",
	plural: "animals",
	table: findsql.Table{Name: "animals", Cols: "r.id, r.name, r.species",
		Owner: "animal_id", Text: "search"},
	columns: []string{"name", "species", "name_key", "species_key"},
	words:   "animal_words",
	values: func(a zootour.Animal) []any {
		return []any{a.Name, a.Species, textkey.Name(a.Name), textkey.Species(a.Species)}
	},
	fields:   func(a *zootour.Animal) []any { return []any{&a.ID, &a.Name, &a.Species} },
	texts:    func(a zootour.Animal) []string { return []string{a.Name, a.Species} },
	validate: (*zootour.Animal).Validate,
}

// id returns a pointer to the ID of r.
func (k kind[T]) id(r *T) *int64 { return k.fields(r)[0].(*int64) }

// scan reads a row of table.Cols.
func (k kind[T]) scan(row pgx.CollectableRow) (T, error) {
	var r T
	err := row.Scan(k.fields(&r)...)
	return r, err
}

// wordBytes returns the folded words of r, as the words table of schema
// versions 3 and 4 held them.
func (k kind[T]) wordBytes(r T) [][]byte {
	words := textkey.Words(k.texts(r)...)
	out := make([][]byte, len(words))
	for i, w := range words {
		out[i] = []byte(w)
	}
	return out
}

// lexemes returns the lexemes of r's search column, its folded words: a
// word longer than findsql.MaxLexeme (a name of 200 squared CJK compatibility
// characters, such as "㌖", folds to up to 3,600 bytes) as its longest
// prefix of whole characters that fits. A prefix match is unchanged for
// every search word that fits in a tsquery: such a word is a prefix of
// the word exactly when it is a prefix of its lexeme. Never nil, so that
// the array is empty, never NULL.
func (k kind[T]) lexemes(r T) []string {
	words := textkey.Words(k.texts(r)...)
	out := make([]string, 0, len(words))
	for _, w := range words {
		out = append(out, findsql.CutLexeme(w))
	}
	return out
}

// searchValue is the SQL of the search column from the lexemes in $n.
func searchValue(n int) string {
	return "array_to_tsvector($" + strconv.Itoa(n) + "::text[])"
}

// placeholders returns "$from, ..., $(from+n-1)".
func placeholders(from, n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = "$" + strconv.Itoa(from+i)
	}
	return strings.Join(ps, ", ")
}

// insertSQL adds a record with the next ID of its sequence. $1... are the
// values, then the lexemes as an array; withID, then the ID, which the
// identity column takes as given (BY DEFAULT).
func (k kind[T]) insertSQL(withID bool) string {
	n := len(k.columns)
	cols, vals := strings.Join(k.columns, ", "), placeholders(1, n)+", "+searchValue(n+1)
	if withID {
		cols, vals = "id, "+cols, "$"+strconv.Itoa(n+2)+", "+vals
	}
	return `INSERT INTO ` + k.table.Name + ` (` + cols + `, search) VALUES (` + vals + `) RETURNING id`
}

// updateSQL writes the values of record $1 from $2 on, then its lexemes.
func (k kind[T]) updateSQL() string {
	n := len(k.columns)
	return `UPDATE ` + k.table.Name + ` SET (` + strings.Join(k.columns, ", ") + `, search) = ROW(` +
		placeholders(2, n) + `, ` + searchValue(n+2) + `) WHERE id = $1`
}

func (k kind[T]) create(ctx context.Context, s *Store, r T) (T, error) {
	var zero T
	if err := k.validate(&r); err != nil {
		return zero, err
	}
	err := s.writeTx(ctx, func(tx txn) error {
		id, err := k.add(ctx, tx, 0, r)
		if err != nil {
			return err
		}
		*k.id(&r) = id
		return tx.logged(ctx, zootour.Created(k.kind(), id, r))
	})
	if err != nil {
		return zero, internal(ctx, "create "+k.name, err)
	}
	return r, nil
}

// add inserts r, validated, with the ID id (a revert's restore) or, for
// 0, the next of the sequence, and returns its ID. A restored ID was
// handed out before, by the sequence or by an import, which moves the
// sequence past its IDs: the sequence never hands it out again.
func (k kind[T]) add(ctx context.Context, tx pgx.Tx, id int64, r T) (int64, error) {
	args := append(k.values(r), k.lexemes(r))
	if id != 0 {
		args = append(args, id)
	}
	err := tx.QueryRow(ctx, k.insertSQL(id != 0), args...).Scan(&id)
	switch code, constraint := pgError(err); {
	case code == uniqueViolation && constraint == k.table.Name+"_pkey":
		return 0, zootour.IDTaken(k.name, id)
	case code == sequenceLimit:
		return 0, zootour.IDsUsedUp(k.name)
	}
	return id, err
}

// set writes r, validated, over record id, with its keys and lexemes.
func (k kind[T]) set(ctx context.Context, tx pgx.Tx, id int64, r T) error {
	_, err := tx.Exec(ctx, k.updateSQL(), append(append([]any{id}, k.values(r)...), k.lexemes(r))...)
	return err
}

// kind names the records of k in the change log.
func (k kind[T]) kind() zootour.Kind { return zootour.Kind(k.name) }

// find reads a record; lock, if not empty, is a locking clause (FOR UPDATE).
func (k kind[T]) find(ctx context.Context, q querier, id int64, lock string) (T, error) {
	var r T
	if err := zootour.CheckID(k.name+" ID", id); err != nil {
		return r, err
	}
	err := q.QueryRow(ctx, `SELECT `+k.table.Cols+` FROM `+k.table.Name+` AS r WHERE r.id = $1 `+lock, id).
		Scan(k.fields(&r)...)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, zootour.NotFound(k.name, id)
	}
	if err != nil {
		return r, internal(ctx, "read "+k.name, err)
	}
	return r, nil
}

// change reads the record under a row lock, applies apply and writes it
// back with its keys and lexemes. FOR NO KEY UPDATE, the lock of the
// write itself: it holds back the other writers of the record, but not
// the foreign key check of a new visit (an import's, which would
// otherwise wait for this while this waits for the import's table locks).
func (k kind[T]) change(ctx context.Context, s *Store, id int64, apply func(T) (T, error)) (T, error) {
	var r T
	err := s.writeTx(ctx, func(tx txn) error {
		old, err := k.find(ctx, tx, id, "FOR NO KEY UPDATE")
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
		return zero, internal(ctx, "update "+k.name, err)
	}
	return r, nil
}

// remove deletes a record and, with cascade, its visits and
// the stays they made; without, a record that has visits is a conflict.
// The record is locked first, as change locks it, so that the two take
// their locks in one order; FOR UPDATE, so that no new visit can refer to
// it meanwhile.
//
// A cascade rebuilds the stays of every animal whose visits it deletes, and
// locks those animals as a write of their visits does, before the record:
// a writer holding an animal's lock may write a stay at this zoo, whose
// foreign key waits for the zoo's lock; had the zoo been locked first, each
// would wait for the other. The animals are read before the record is
// locked, and again after: if more have come meanwhile, the transaction
// starts again with them too.
//
// Each visit a cascade deletes is logged, in ID order, before the record.
func (k kind[T]) remove(ctx context.Context, s *Store, id int64, cascade bool) error {
	if err := zootour.CheckID(k.name+" ID", id); err != nil {
		return err
	}
	touchedSQL := `SELECT DISTINCT animal_id FROM visits WHERE ` + k.table.Owner + ` = $1 ORDER BY animal_id`
	var locked []int64 // the animals an attempt locks before the record
	err := s.writeTx(ctx, func(tx txn) error {
		if cascade {
			rows, _ := tx.Query(ctx, touchedSQL, id)
			before, err := pgx.CollectRows(rows, pgx.RowTo[int64])
			if err != nil {
				return err
			}
			locked = union(locked, before)
			if _, err := lockAnimals(ctx, tx, locked...); err != nil {
				return err
			}
		}
		old, err := k.find(ctx, tx, id, "FOR UPDATE")
		if err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, touchedSQL, id)
		touched, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		if len(touched) > 0 && !cascade {
			return zootour.HasVisits(k.name, id)
		}
		if len(union(locked, touched)) > len(locked) {
			locked = union(locked, touched)
			return errRetry
		}
		if cascade {
			rows, _ := tx.Query(ctx, `DELETE FROM visits WHERE `+k.table.Owner+` = $1 RETURNING id, date, zoo_id, animal_id`, id)
			gone, err := pgx.CollectRows(rows, scanVisit)
			if err != nil {
				return err
			}
			slices.SortFunc(gone, func(a, b zootour.Visit) int { return cmp.Compare(a.ID, b.ID) })
			for _, v := range gone {
				if err := tx.logged(ctx, zootour.Deleted(zootour.KindVisit, v.ID, v)); err != nil {
					return err
				}
			}
			// Before the record goes: the stays refer to it.
			for _, a := range touched {
				if err := staysql.Rebuild(ctx, txDB{Q: tx}, dialect, a); err != nil {
					return err
				}
			}
		}
		if err := k.drop(ctx, tx, id); err != nil {
			return err
		}
		return tx.logged(ctx, zootour.Deleted(k.kind(), id, old))
	})
	return internal(ctx, "delete "+k.name, err)
}

// hasVisits reports whether record id has visits.
func (k kind[T]) hasVisits(ctx context.Context, tx pgx.Tx, id int64) (bool, error) {
	var has bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM visits WHERE `+k.table.Owner+` = $1)`, id).Scan(&has)
	return has, err
}

// dropBare deletes record id, which must have no visits (a revert's
// delete). The caller holds the record's lock.
func (k kind[T]) dropBare(ctx context.Context, tx pgx.Tx, id int64) error {
	has, err := k.hasVisits(ctx, tx, id)
	if err != nil {
		return err
	}
	if has {
		return zootour.HasVisits(k.name, id)
	}
	return k.drop(ctx, tx, id)
}

// drop deletes record id, which has no visits.
func (k kind[T]) drop(ctx context.Context, tx pgx.Tx, id int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM `+k.table.Name+` WHERE id = $1`, id)
	// The checks before find the visits first; the foreign keys stay the
	// last word.
	if code, constraint := pgError(err); code == foreignKeyViolation &&
		(constraint == "visits_"+k.name+"_fkey" || constraint == "stays_"+k.name+"_fkey") {
		return zootour.HasVisits(k.name, id)
	}
	return err
}

// union returns the sorted IDs of a and b, each once.
func union(a, b []int64) []int64 {
	return slices.Compact(slices.Sorted(slices.Values(append(slices.Clip(a), b...))))
}

// list runs a listing built by findsql.
func (k kind[T]) list(ctx context.Context, s *Store, f findsql.RecordFilter) ([]T, error) {
	q := findsql.Records(findDialect, k.table, f)
	var out []T
	err := s.read(ctx, func(db *pgxpool.Pool) (err error) {
		rows, _ := db.Query(ctx, q.SQL, q.Args...)
		out, err = pgx.CollectRows(rows, k.scan)
		return err
	})
	if err != nil {
		return nil, internal(ctx, "find "+k.plural, err)
	}
	return out, nil
}

// CreateZoo validates z and inserts it with the next ID of its sequence.
func (s *Store) CreateZoo(ctx context.Context, z zootour.Zoo) (zootour.Zoo, error) {
	return zoos.create(ctx, s, z)
}

// Zoo returns the zoo with the given ID.
func (s *Store) Zoo(ctx context.Context, id int64) (z zootour.Zoo, err error) {
	err = s.read(ctx, func(db *pgxpool.Pool) error {
		z, err = zoos.find(ctx, db, id, "")
		return err
	})
	return z, err
}

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

// The SQL of the find listings, as the store runs it, for EXPLAIN (the
// benchmarks' plans).

// ZooFindSQL returns the query of FindZoos(f).
func ZooFindSQL(f zootour.ZooFilter) (string, []any) {
	q := findsql.Records(findDialect, zoos.table, findsql.ForZoos(f))
	return q.SQL, q.Args
}

// AnimalFindSQL returns the query of FindAnimals(f).
func AnimalFindSQL(f zootour.AnimalFilter) (string, []any) {
	q := findsql.Records(findDialect, animals.table, findsql.ForAnimals(f))
	return q.SQL, q.Args
}

// VisitFindSQL returns the query of FindVisits(f).
func VisitFindSQL(f zootour.VisitFilter) (string, []any) {
	q := findsql.Visits(findDialect, visitCols, f)
	return q.SQL, q.Args
}

// CreateAnimal validates a and inserts it with the next ID of its sequence.
func (s *Store) CreateAnimal(ctx context.Context, a zootour.Animal) (zootour.Animal, error) {
	return animals.create(ctx, s, a)
}

// Animal returns the animal with the given ID.
func (s *Store) Animal(ctx context.Context, id int64) (a zootour.Animal, err error) {
	err = s.read(ctx, func(db *pgxpool.Pool) error {
		a, err = animals.find(ctx, db, id, "")
		return err
	})
	return a, err
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

// CreateVisit validates v and inserts it; the constraints of the table
// decide whether its zoo and animal exist and its date is free. The
// animal's stays change with it, in the same transaction, under the
// animal's lock.
func (s *Store) CreateVisit(ctx context.Context, v zootour.Visit) (zootour.Visit, error) {
	if err := v.Validate(); err != nil {
		return zootour.Visit{}, err
	}
	err := s.writeTx(ctx, func(tx txn) error {
		v.ID = 0 // a new ID, in every attempt
		if err := insertVisit(ctx, tx, &v); err != nil {
			return err
		}
		return tx.logged(ctx, zootour.Created(zootour.KindVisit, v.ID, v))
	})
	if err != nil {
		return zootour.Visit{}, visitError(ctx, s.pool, "create visit", v, err)
	}
	return v, nil
}

// insertVisit stores v with its ID (a revert's restore) or, for 0, the
// next of the sequence, and its animal's stays, under the animal's lock.
func insertVisit(ctx context.Context, tx pgx.Tx, v *zootour.Visit) error {
	locked, err := lockAnimals(ctx, tx, v.AnimalID)
	if err != nil {
		return err
	}
	sql, args := "INSERT INTO visits (date, zoo_id, animal_id) VALUES ($1, $2, $3) RETURNING id", []any{v.Date, v.ZooID, v.AnimalID}
	if v.ID != 0 {
		sql, args = "INSERT INTO visits (id, date, zoo_id, animal_id) VALUES ($4, $1, $2, $3) RETURNING id", append(args, v.ID)
	}
	if err := tx.QueryRow(ctx, sql, args...).Scan(&v.ID); err != nil {
		if code, _ := pgError(err); code == sequenceLimit {
			return zootour.IDsUsedUp("visit")
		}
		return err
	}
	if !locked {
		return errRetry
	}
	return restay(ctx, tx, v.AnimalID, v.Date)
}

// visitError translates the constraint a write of v broke into the error
// the Store contract gives for it, asking q (the pool, or the transaction
// back at a savepoint before the write) what else it needs.
func visitError(ctx context.Context, q querier, op string, v zootour.Visit, err error) error {
	code, constraint := pgError(err)
	if code == uniqueViolation {
		var lookupErr error
		if constraint, lookupErr = keyOf(ctx, q, constraint); lookupErr != nil {
			return internal(ctx, op, lookupErr)
		}
	}
	switch {
	case code == uniqueViolation && (constraint == "visits_pkey" || constraint == "visit_ids_pkey"):
		// visit_ids_pkey: an ID taken in another partition (docs/partitioning.md).
		return zootour.IDTaken("visit", v.ID)
	case code == foreignKeyViolation && constraint == "visits_zoo_fkey":
		return zootour.Missing("zoo", v.ZooID)
	case code == foreignKeyViolation && constraint == "visits_animal_fkey":
		return zootour.Missing("animal", v.AnimalID)
	case code == uniqueViolation && constraint == "visits_animal_date_key":
		// The server checks the unique index before the foreign keys; a
		// missing zoo is the first fault, as the other stores report it.
		// (The animal exists: it has the other visit.)
		var zooExists bool
		if err := q.QueryRow(ctx, zooExistsSQL, v.ZooID).Scan(&zooExists); err != nil {
			return internal(ctx, op, err)
		}
		if !zooExists {
			return zootour.Missing("zoo", v.ZooID)
		}
		return zootour.DateTaken(v.AnimalID, v.Date)
	}
	return internal(ctx, op, err)
}

// Visit returns the visit with the given ID.
func (s *Store) Visit(ctx context.Context, id int64) (v zootour.Visit, err error) {
	err = s.read(ctx, func(db *pgxpool.Pool) error {
		v, err = getVisit(ctx, db, s.visitByID, id)
		return err
	})
	return v, err
}

// getVisit reads visit id with byID, the store's visitByID.
func getVisit(ctx context.Context, q querier, byID string, id int64) (zootour.Visit, error) {
	if err := zootour.CheckID("visit ID", id); err != nil {
		return zootour.Visit{}, err
	}
	v := zootour.Visit{ID: id}
	err := q.QueryRow(ctx, byID, id).Scan(&v.Date, &v.ZooID, &v.AnimalID)
	if errors.Is(err, pgx.ErrNoRows) {
		return zootour.Visit{}, zootour.NotFound("visit", id)
	}
	if err != nil {
		return zootour.Visit{}, internal(ctx, "read visit", err)
	}
	return v, nil
}

// UpdateVisit reads the visit, applies u and writes it back, and brings
// the stays of its animal before and after up to date. The animals are
// locked (lockAnimals) between the read and the write, which writes only
// if the visit is still as read: else the transaction starts again.
func (s *Store) UpdateVisit(ctx context.Context, id int64, u zootour.VisitUpdate) (zootour.Visit, error) {
	var v zootour.Visit
	err := s.writeTx(ctx, func(tx txn) error {
		old, err := getVisit(ctx, tx, s.visitByID, id)
		if err != nil {
			return err
		}
		if v, err = u.Apply(old); err != nil {
			return err
		}
		if err := setVisit(ctx, tx, old, v); err != nil {
			return err
		}
		return tx.logged(ctx, zootour.Updated(zootour.KindVisit, id, old, v))
	})
	if err != nil {
		return zootour.Visit{}, visitError(ctx, s.pool, "update visit", v, err)
	}
	return v, nil
}

// setVisit writes v over old, the visit as read, and the stays of both.
// It writes only if the visit is still old, under the locks of both
// animals; else the transaction starts again (errRetry).
func setVisit(ctx context.Context, tx pgx.Tx, old, v zootour.Visit) error {
	locked, err := lockAnimals(ctx, tx, old.AnimalID, v.AnimalID)
	if err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, `UPDATE visits SET date = $2, zoo_id = $3, animal_id = $4
WHERE id = $1 AND date = $5 AND zoo_id = $6 AND animal_id = $7`,
		old.ID, v.Date, v.ZooID, v.AnimalID, old.Date, old.ZooID, old.AnimalID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 || !locked {
		return errRetry
	}
	if err := restay(ctx, tx, old.AnimalID, old.Date); err != nil {
		return err
	}
	if v.AnimalID == old.AnimalID && v.Date == old.Date {
		return nil // a change of zoo on one date: the restay above saw it
	}
	return restay(ctx, tx, v.AnimalID, v.Date)
}

// DeleteVisit deletes the visit with the given ID, and brings the stays
// of its animal up to date, under the animal's lock.
func (s *Store) DeleteVisit(ctx context.Context, id int64) error {
	if err := zootour.CheckID("visit ID", id); err != nil {
		return err
	}
	err := s.writeTx(ctx, func(tx txn) error {
		v, err := getVisit(ctx, tx, s.visitByID, id)
		if err != nil {
			return err
		}
		if err := dropVisit(ctx, tx, v); err != nil {
			return err
		}
		return tx.logged(ctx, zootour.Deleted(zootour.KindVisit, id, v))
	})
	return internal(ctx, "delete visit", err)
}

// dropVisit deletes v, the visit as read, and brings its animal's stays
// up to date, under the animal's lock. It deletes only if the visit is
// still v (the lock covers the animal's visits, and the log says what
// went); else the transaction starts again (errRetry).
func dropVisit(ctx context.Context, tx pgx.Tx, v zootour.Visit) error {
	if _, err := lockAnimals(ctx, tx, v.AnimalID); err != nil {
		return err
	}
	tag, err := tx.Exec(ctx, "DELETE FROM visits WHERE id = $1 AND date = $2 AND zoo_id = $3 AND animal_id = $4",
		v.ID, v.Date, v.ZooID, v.AnimalID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return errRetry
	}
	return restay(ctx, tx, v.AnimalID, v.Date)
}

// findDialect is PostgreSQL's to findsql: $n placeholders, and a search
// as a tsquery against the tsvector column table.Text.
var findDialect = findsql.Dialect{Mark: "$", Text: findsql.TSVector}

// visitCols are the columns, and scanVisit the scan, of every listing of
// whole visits.
const visitCols = "v.id, v.date, v.zoo_id, v.animal_id"

// FindVisits lists the visits that f selects, with the SQL findsql builds.
func (s *Store) FindVisits(ctx context.Context, f zootour.VisitFilter) ([]zootour.Visit, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	q := findsql.Visits(findDialect, visitCols, f)
	var visits []zootour.Visit
	err := s.read(ctx, func(db *pgxpool.Pool) (err error) {
		rows, _ := db.Query(ctx, q.SQL, q.Args...)
		visits, err = pgx.CollectRows(rows, scanVisit)
		return err
	})
	if err != nil {
		return nil, internal(ctx, "find visits", err)
	}
	return visits, nil
}

// Counts counts the records of each kind.
func (s *Store) Counts(ctx context.Context) (zootour.Counts, error) {
	var c zootour.Counts
	// One statement, so the three counts come from one snapshot.
	err := s.read(ctx, func(db *pgxpool.Pool) error {
		return db.QueryRow(ctx, `SELECT (SELECT count(*) FROM zoos), (SELECT count(*) FROM animals), (SELECT count(*) FROM visits)`).
			Scan(&c.Zoos, &c.Animals, &c.Visits)
	})
	if err != nil {
		return zootour.Counts{}, internal(ctx, "count", err)
	}
	return c, nil
}

// querier is what the pool and a transaction have in common.
type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// pageLimit returns the LIMIT for a listing: NULL, which is no limit, for 0.
func pageLimit(n int) any {
	if n <= 0 {
		return nil
	}
	return n
}

func scanVisit(row pgx.CollectableRow) (zootour.Visit, error) {
	var v zootour.Visit
	err := row.Scan(&v.ID, &v.Date, &v.ZooID, &v.AnimalID)
	return v, err
}
