// Package sqlite is the SQLite store of zootour, its embedded default.
//
// A Store keeps one database file. Writes go through a single connection,
// so writers queue in Go instead of meeting SQLITE_BUSY; reads use a pool of
// connections that see consistent snapshots thanks to the write-ahead log.
// The schema is applied on open from the embedded migrations.
//
// This is the only file that imports the SQLite driver.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/internal/logsql"
	"github.com/zootour/zootour/internal/staysql"
	moderncsqlite "modernc.org/sqlite"
)

var _ zootour.Store = (*Store)(nil)

// Store is a zootour.Store kept in a SQLite database file.
type Store struct {
	writer *sql.DB // one connection: writes are serialised here
	reader *sql.DB // query_only connections for reads

	listings *listings // prepared on reader

	// The statements of fixed shape, prepared on each pool.
	readStmts, writeStmts *stmtCache

	// pin holds an in-memory database open: SQLite frees it when its last
	// connection closes.
	pin *sql.Conn

	oneByOne bool // imports records one by one, never the fast way (tests)

	// path is the database file, "" for one in memory.
	path string

	// damaged, once Verify has found damage, says what: every call then
	// fails with it rather than answer from damaged pages (read, write,
	// and the listings of relations.go).
	damaged atomic.Pointer[zootour.Error]
}

// pragmas are set on every connection of both pools: foreign_keys is per
// connection in SQLite.
//
// The page cache is what bounds the memory of a connection, and every
// connection has its own: a query or import that touches more pages than
// the cache holds recycles them, one that touches fewer keeps them all.
// With modernc's allocator each 4 KiB page costs 8 KiB, and CREATE INDEX
// sorts in memory up to the cache's size before it spills to a temporary
// file, so cache_size(-65536) let one import grow to 280-380 MB before the
// cache filled (and the count of visits after it another 130 MB on a
// reader). 8 MiB (16 MiB resident) keeps an import of any size under about
// 75 MB and measured as fast, for imports and for queries alike: pages
// beyond it come from the operating system's file cache.
var pragmas = []string{
	"foreign_keys(1)",
	"journal_mode(WAL)",
	"busy_timeout(5000)",
	"synchronous(NORMAL)",
	"cache_size(-8192)",
	// The write-ahead log is cut back to this size whenever it starts
	// over: without it, the log keeps the size of the largest transaction
	// (an import's hundreds of megabytes, or, after one that failed for
	// want of space, a full disk).
	"journal_size_limit(4194304)",
}

// dsn returns the driver's name for the file at path with the pragmas.
// The file: URI form keeps a '?' or '#' in path from being read as a query.
func dsn(path string, extra ...string) string {
	q := url.Values{"_pragma": pragmas}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Add(extra[i], extra[i+1])
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Memory is the path that Open takes for a database kept in memory, gone
// when the store closes. SQLite's URI for it, "file::memory:", means the
// same.
const Memory = ":memory:"

// memoryURI is SQLite's own name for Memory; taken as a path it would be
// a file of that name.
const memoryURI = "file::memory:"

// memories numbers the in-memory databases of this process: each store
// gets its own, shared by its connections through SQLite's memdb VFS.
var memories atomic.Int64

// Open opens the zootour database at path, creating the file if there is
// none, and brings its schema up to date. It refuses a file that is not a
// SQLite database, a SQLite database that is not zootour's, and one whose
// schema is newer than this program knows. Memory (or "file::memory:")
// is a database in memory; any other "file:" URI is refused (EINVALID),
// since Open takes paths and would make a file named after the URI.
func Open(ctx context.Context, path string) (*Store, error) {
	switch {
	case path == "":
		return nil, errors.New("sqlite: no database path given")
	case path == memoryURI:
		path = Memory
	case strings.HasPrefix(path, "file:"):
		return nil, zootour.Errorf(zootour.EINVALID, "sqlite: %q is a URI, not a file path: give the database's path, or %q for one in memory", path, Memory)
	}
	// An absolute path makes the file: URI unambiguous ("//x" is no host).
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	var vfs []string
	if path == Memory {
		abs = fmt.Sprintf("/zootour-memory-%d", memories.Add(1))
		vfs = []string{"vfs", "memdb"}
	}
	// BEGIN IMMEDIATE takes the write lock at once, so a transaction never
	// has to upgrade a read lock, which is where SQLITE_BUSY comes from.
	writer, err := sql.Open("sqlite", dsn(abs, append(vfs, "_txlock", "immediate")...))
	if err != nil {
		return nil, err
	}
	writer.SetMaxOpenConns(1)
	var pin *sql.Conn
	if path == Memory {
		// The reader pool's connections come and go; this one keeps the
		// database alive until Close.
		if pin, err = writer.Conn(ctx); err != nil {
			writer.Close()
			return nil, fmt.Errorf("sqlite: %w", err)
		}
		writer.SetMaxOpenConns(2)
	}
	if err := migrate(ctx, writer, path); err != nil {
		writer.Close()
		return nil, openError(path, err)
	}

	reader, err := sql.Open("sqlite", dsn(abs, append(vfs, "_query_only", "1")...))
	if err != nil {
		writer.Close()
		return nil, err
	}
	n := max(4, runtime.NumCPU())
	reader.SetMaxOpenConns(n)
	reader.SetMaxIdleConns(n)
	l, err := prepareListings(ctx, reader)
	if err != nil {
		reader.Close()
		writer.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	st := &Store{writer: writer, reader: reader, listings: l, pin: pin,
		readStmts: newStmtCache(reader), writeStmts: newStmtCache(writer)}
	if path != Memory {
		st.path = abs
	}
	fixed := staysql.Statements(dialect)
	if err := errors.Join(st.readStmts.prepare(ctx, fixed...), st.writeStmts.prepare(ctx, fixed...)); err != nil {
		st.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	return st, nil
}

// openError explains a failure to open path.
func openError(path string, err error) error {
	if sqliteCode(err) == codeNotADB {
		return fmt.Errorf("sqlite: %s is not a SQLite database", path)
	}
	return fmt.Errorf("sqlite: open %s: %w", path, err)
}

// Close closes both connection pools.
func (s *Store) Close() error {
	var unpin error
	if s.pin != nil {
		unpin = s.pin.Close()
	}
	return errors.Join(s.listings.close(), s.readStmts.close(), s.writeStmts.close(), s.reader.Close(), unpin, s.writer.Close())
}

// SQLite extended result codes that the store turns into domain errors.
const (
	codeConstraint = 19   // SQLITE_CONSTRAINT, the primary code of the ones below
	codeNotADB     = 26   // SQLITE_NOTADB
	codeCheck      = 275  // SQLITE_CONSTRAINT_CHECK
	codeForeignKey = 787  // SQLITE_CONSTRAINT_FOREIGNKEY
	codeNotNull    = 1299 // SQLITE_CONSTRAINT_NOTNULL
	codePrimaryKey = 1555 // SQLITE_CONSTRAINT_PRIMARYKEY
	codeUnique     = 2067 // SQLITE_CONSTRAINT_UNIQUE
)

// sqliteCode returns the extended result code of a SQLite error in err's
// chain, or 0.
func sqliteCode(err error) int {
	var e *moderncsqlite.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}

// logDialect is this store's SQL for package logsql.
var logDialect = logsql.Dialect{Mark: "?"}

// write runs fn in a transaction on the writer connection; what it
// changes is logged as the actor of ctx, as one batch.
func (s *Store) write(ctx context.Context, fn func(tx *txn) error) error {
	if d := s.damaged.Load(); d != nil {
		return d
	}
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return internal(err)
	}
	defer tx.Rollback()
	if err := fn(&txn{tx, s.writeStmts, logsql.NewBatch(ctx, logDialect)}); err != nil {
		return err
	}
	return internal(tx.Commit())
}

// read runs fn in a read transaction, which sees one snapshot throughout.
func (s *Store) read(ctx context.Context, fn func(tx *txn) error) error {
	if d := s.damaged.Load(); d != nil {
		return d
	}
	tx, err := s.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return internal(err)
	}
	defer tx.Rollback()
	if err := fn(&txn{Tx: tx, stmts: s.readStmts}); err != nil {
		return err
	}
	return internal(tx.Commit())
}

// internal marks an unexpected error as coming from this store. A domain
// error passes through unchanged, and a fault of the file or the machine
// that may pass is EUNAVAILABLE (README, "Serving safely").
func internal(err error) error {
	if err == nil || zootour.ErrorCode(err) != zootour.EINTERNAL {
		return err
	}
	if why := unavailable[sqliteCode(err)&0xff]; why != "" {
		return zootour.Unavailable(why, fmt.Errorf("sqlite: %w", err))
	}
	return fmt.Errorf("sqlite: %w", err)
}

// unavailable names the primary result codes of faults that pass: the
// file locked by another process, the disk full, the file read-only or
// failing to read or write.
var unavailable = map[int]string{
	5:  "busy",                              // SQLITE_BUSY
	6:  "busy",                              // SQLITE_LOCKED
	8:  "read-only",                         // SQLITE_READONLY
	10: "failing to read or write its file", // SQLITE_IOERR
	13: "out of disk space",                 // SQLITE_FULL
	14: "unable to open its file",           // SQLITE_CANTOPEN
}

// constraintError turns a constraint violation the store did not foresee
// into a domain error. The store checks what it can before writing, so
// this is a safety net; the message names the rule, not the record.
func constraintError(err error) error {
	switch sqliteCode(err) {
	case codeUnique, codePrimaryKey:
		return zootour.Errorf(zootour.ECONFLICT, "the record conflicts with one already stored")
	case codeForeignKey:
		return zootour.Errorf(zootour.EINVALID, "the record refers to a zoo or animal that does not exist")
	case codeCheck, codeNotNull:
		return zootour.Errorf(zootour.EINVALID, "the record breaks a rule of the schema")
	}
	return internal(err)
}
