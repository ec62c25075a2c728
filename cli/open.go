package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/postgres"
	"github.com/zootour/zootour/sqlite"
)

// isFile reports whether dsn names a SQLite file.
func isFile(dsn string) bool {
	return dsn != "memory:" && dsn != "" && scheme(dsn) == "" && !strings.HasPrefix(dsn, "file:")
}

// scheme returns the URL scheme that dsn starts with ("mysql" for
// mysql://x), or "" if it is no URL. A path never has one: "://" after a
// name of letters is no path anyone means.
func scheme(dsn string) string {
	s, _, ok := strings.Cut(dsn, "://")
	if !ok || s == "" {
		return ""
	}
	for i, r := range s {
		letter := 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
		if !letter && (i == 0 || !('0' <= r && r <= '9' || r == '+' || r == '-' || r == '.')) {
			return ""
		}
	}
	return s
}

// Open returns the store that dsn names: "memory:" for an in-memory SQLite database,
// a postgres:// or postgresql:// URL for PostgreSQL, and anything else is
// the path of a SQLite database file, created if it does not exist. A URL
// of any other scheme, and a SQLite file: URI, are refused (EINVALID).
// The options apply to a PostgreSQL store only.
func Open(ctx context.Context, dsn string, opts ...postgres.Option) (zootour.Store, error) {
	switch s := scheme(dsn); {
	case dsn == "memory:":
		return sqlite.Open(ctx, sqlite.Memory)
	case s == "postgres" || s == "postgresql":
		st, err := postgres.Open(ctx, dsn, opts...)
		if err != nil {
			return nil, connectError(err)
		}
		return st, nil
	case s != "":
		return nil, zootour.Errorf(zootour.EINVALID, "--db (or ZOOTOUR_DB) has the unknown scheme %q: give a postgres:// or postgresql:// URL, a SQLite file's path, or memory:", s+"://")
	case strings.HasPrefix(dsn, "file:"):
		return nil, zootour.Errorf(zootour.EINVALID, "--db (or ZOOTOUR_DB) takes a SQLite file's path, not a file: URI")
	case dsn == "":
		return nil, zootour.Errorf(zootour.EINVALID, "--db must not be empty")
	}
	return sqlite.Open(ctx, dsn)
}

// connectError says in one sentence why PostgreSQL could not be reached,
// or that the URL is malformed (EINVALID). pgx reports every attempt (with
// TLS, then without, for each address), most often the same failure twice.
func connectError(err error) error {
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) {
		return zootour.Errorf(zootour.EINVALID, "--db (or ZOOTOUR_DB) is not a PostgreSQL URL that can be read: %v", pe)
	}
	var ce *pgconn.ConnectError
	if !errors.As(err, &ce) {
		return err
	}
	where := net.JoinHostPort(ce.Config.Host, strconv.Itoa(int(ce.Config.Port)))
	return fmt.Errorf("cannot connect to PostgreSQL at %s (from --db or ZOOTOUR_DB): %v", where, lastCause(ce.Unwrap()))
}

// lastCause follows err's chain to its end, taking the last of joined
// errors (the last attempt): the failure itself, without the layers that
// only say where it happened.
func lastCause(err error) error {
	for {
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			errs := u.Unwrap()
			if len(errs) == 0 {
				return err
			}
			err = errs[len(errs)-1]
		case interface{ Unwrap() error }:
			next := u.Unwrap()
			if next == nil {
				return err
			}
			err = next
		default:
			return err
		}
	}
}

// readReplica checks --db-read (or ZOOTOUR_DB_READ), read, against the
// store dsn names and returns the option that sends reads to it: only a
// PostgreSQL store has replicas, and the URL must be one that can be read,
// which is said of --db-read, not of --db.
func readReplica(dsn, read string) (postgres.Option, error) {
	if s := scheme(dsn); s != "postgres" && s != "postgresql" {
		return nil, zootour.Errorf(zootour.EINVALID, "--db-read (or ZOOTOUR_DB_READ) names a read replica of PostgreSQL: --db must then be a postgres:// URL")
	}
	if s := scheme(read); s != "postgres" && s != "postgresql" {
		return nil, zootour.Errorf(zootour.EINVALID, "--db-read (or ZOOTOUR_DB_READ) must be a postgres:// or postgresql:// URL")
	}
	if _, err := pgconn.ParseConfig(read); err != nil {
		return nil, zootour.Errorf(zootour.EINVALID, "--db-read (or ZOOTOUR_DB_READ) is not a PostgreSQL URL that can be read: %v", err)
	}
	return postgres.WithReadReplica(read), nil
}

// partitions checks --db-partitions (or ZOOTOUR_DB_PARTITIONS), n, against
// the store dsn names and returns the option that asks for it: only a
// PostgreSQL store partitions its visits.
func partitions(dsn, n string) (postgres.Option, error) {
	if s := scheme(dsn); s != "postgres" && s != "postgresql" {
		return nil, zootour.Errorf(zootour.EINVALID, "--db-partitions (or ZOOTOUR_DB_PARTITIONS) partitions a PostgreSQL database: --db must then be a postgres:// URL")
	}
	k, err := strconv.Atoi(n)
	if err != nil || k < postgres.MinPartitions || k > postgres.MaxPartitions {
		return nil, zootour.Errorf(zootour.EINVALID, "--db-partitions (or ZOOTOUR_DB_PARTITIONS) must be a whole number from %d to %d, not %q",
			postgres.MinPartitions, postgres.MaxPartitions, n)
	}
	return postgres.WithPartitionedVisits(k), nil
}
