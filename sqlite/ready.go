package sqlite

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/zootour/zootour"
	"golang.org/x/sys/unix"
)

// minFree is the disk space below which the store says it cannot take
// writes: a write needs room for its pages in the write-ahead log, and
// SQLite fails one that finds none only once it is under way.
const minFree = 4 << 20

// Ready reports whether the store can take writes now: the database
// answers, its file and folder are writable, and the disk has room.
func (s *Store) Ready(ctx context.Context) error {
	err := s.read(ctx, func(tx *txn) error {
		var one int
		return internal(tx.QueryRowContext(ctx, `SELECT 1`).Scan(&one))
	})
	if err != nil || s.path == "" {
		return err
	}
	// The folder too: the write-ahead log and its index live beside the
	// file.
	for _, p := range []string{s.path, filepath.Dir(s.path)} {
		if err := unix.Access(p, unix.W_OK); err != nil {
			return zootour.Unavailable("read-only", err)
		}
	}
	var fs unix.Statfs_t
	if err := unix.Statfs(filepath.Dir(s.path), &fs); err == nil && fs.Bavail*uint64(fs.Bsize) < minFree {
		return zootour.Unavailable("out of disk space", nil)
	}
	return nil
}

// Verify runs SQLite's quick_check of every page and index (it reads the
// whole file: seconds for millions of visits). A damaged file is marked
// so that the store answers nothing more from it.
func (s *Store) Verify(ctx context.Context) error {
	var problems []string
	err := s.read(ctx, func(tx *txn) error {
		rows, err := tx.QueryContext(ctx, `PRAGMA quick_check(10)`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				return err
			}
			problems = append(problems, p)
		}
		return rows.Err()
	})
	if sqliteCode(err)&0xff == 11 { // SQLITE_CORRUPT: too damaged to check
		problems, err = []string{err.Error()}, nil
	}
	if err != nil {
		return internal(err)
	}
	if len(problems) == 1 && problems[0] == "ok" {
		return nil
	}
	d := zootour.Damaged(strings.Join(problems, "; "))
	s.damaged.Store(d)
	return d
}
