package pgserver

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5"
)

// A Replication is a primary and a streaming replica of it, servers of
// the program's own.
type Replication struct {
	Primary, Replica *Server
}

// NewReplication starts a primary (wal_level=replica, replication
// connections trusted from 127.0.0.1) and a hot standby of it on another
// port, made by pg_basebackup -R, which streams from the primary until
// stopped. The caller removes both with Remove.
func NewReplication() (*Replication, error) {
	primary, err := New("wal_level=replica", "max_wal_senders=4", "wal_keep_size=64MB")
	if err != nil {
		return nil, err
	}
	replica := &Server{bin: primary.bin, settings: []string{"hot_standby=on"}}
	if err := replica.makeDir(); err != nil {
		return nil, errors.Join(err, primary.Remove())
	}
	// initdb's pg_hba.conf trusts replication connections from 127.0.0.1
	// as it trusts the others (-A trust).
	if out, err := replica.as(filepath.Join(replica.bin, "pg_basebackup"), "-R", "-D", replica.data, "--checkpoint=fast",
		"-h", "127.0.0.1", "-p", fmt.Sprint(primary.Port), "-U", "postgres").CombinedOutput(); err != nil {
		os.RemoveAll(replica.dir)
		return nil, errors.Join(fmt.Errorf("pgserver: pg_basebackup: %v: %s", err, out), primary.Remove())
	}
	err = replica.listen()
	if err == nil {
		err = replica.Start()
	}
	if err != nil {
		os.RemoveAll(replica.dir)
		return nil, errors.Join(err, primary.Remove())
	}
	return &Replication{Primary: primary, Replica: replica}, nil
}

// Remove removes both servers, the replica first.
func (r *Replication) Remove() error {
	return errors.Join(r.Replica.Remove(), r.Primary.Remove())
}

// PauseReplay pauses the replica's replay of the primary's WAL until
// ResumeReplay: the replica goes on answering, from where it stopped. A
// pause takes effect at the next record replayed, so PauseReplay writes to
// the primary (a commit record) until it holds.
func (r *Replication) PauseReplay(ctx context.Context) error {
	if err := execSQL(ctx, r.Replica.URL, "SELECT pg_wal_replay_pause()"); err != nil {
		return err
	}
	replica, err := pgx.Connect(ctx, r.Replica.URL)
	if err != nil {
		return fmt.Errorf("pgserver: connect to %s: %w", r.Replica.URL, err)
	}
	defer replica.Close(context.WithoutCancel(ctx))
	for {
		var state string
		if err := replica.QueryRow(ctx, "SELECT pg_get_wal_replay_pause_state()").Scan(&state); err != nil {
			return fmt.Errorf("pgserver: the replica's pause: %w", err)
		}
		if state == "paused" {
			return nil
		}
		if err := execSQL(ctx, r.Primary.URL, "SELECT txid_current()"); err != nil {
			return err
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ResumeReplay resumes the replica's replay after PauseReplay.
func (r *Replication) ResumeReplay(ctx context.Context) error {
	return execSQL(ctx, r.Replica.URL, "SELECT pg_wal_replay_resume()")
}

// WaitReplayed waits until the replica has replayed everything the primary
// had flushed when it was called: after a bulk load, so that a replica
// that is measured holds all of it.
func (r *Replication) WaitReplayed(ctx context.Context) error {
	primary, err := pgx.Connect(ctx, r.Primary.URL)
	if err != nil {
		return fmt.Errorf("pgserver: connect to %s: %w", r.Primary.URL, err)
	}
	defer primary.Close(context.WithoutCancel(ctx))
	var flushed string
	if err := primary.QueryRow(ctx, "SELECT pg_current_wal_flush_lsn()::text").Scan(&flushed); err != nil {
		return fmt.Errorf("pgserver: the primary's WAL position: %w", err)
	}
	replica, err := pgx.Connect(ctx, r.Replica.URL)
	if err != nil {
		return fmt.Errorf("pgserver: connect to %s: %w", r.Replica.URL, err)
	}
	defer replica.Close(context.WithoutCancel(ctx))
	for {
		var done bool
		if err := replica.QueryRow(ctx, "SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)", flushed).Scan(&done); err != nil {
			return fmt.Errorf("pgserver: the replica's replay, waiting for %s: %w", flushed, err)
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("pgserver: the replica's replay, waiting for %s: %w", flushed, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// execSQL runs one statement on a connection of its own.
func execSQL(ctx context.Context, url, sql string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("pgserver: connect to %s: %w", url, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("pgserver: %s: %w", sql, err)
	}
	return nil
}
