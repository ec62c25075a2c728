package pgtest

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// ReplicaEnv is the environment variable that makes Replicated fail, not
// skip, where it cannot start its servers: CI sets it to "required".
const ReplicaEnv = "ZOOTOUR_TEST_REPLICA"

// A Server is a PostgreSQL server of a test's own, in a temporary folder,
// run as the postgres user when the test runs as root (the server refuses
// to run as root). It listens on 127.0.0.1 only, with trust
// authentication, and is stopped and removed when the test ends.
type Server struct {
	// URL is that of the server's database postgres, as user postgres.
	URL  string
	Port int

	bin, dir, data string
	settings       []string
	// running is whether the server runs; stopping whether the test's
	// end stops it, if it runs then.
	running, stopping bool
}

// NewServer starts a server of the test's own (initdb into a temporary
// folder) with the settings given ("name=value", as postgres -c takes
// them), so that a test can stop and start it without disturbing the
// server that other tests share. It skips the test where the machine has
// no PostgreSQL binaries or no postgres user.
func NewServer(tb testing.TB, settings ...string) *Server {
	tb.Helper()
	return newServer(tb, tb.Skipf, settings)
}

func newServer(tb testing.TB, skip func(string, ...any), settings []string) *Server {
	tb.Helper()
	s := &Server{bin: binaries(), settings: settings}
	if s.bin == "" {
		skip("needs PostgreSQL's server binaries (initdb, pg_ctl: pg_config --bindir, or /usr/lib/postgresql/VERSION/bin) to run a server of its own")
		return nil
	}
	s.makeDir(tb, skip)
	s.data = filepath.Join(s.dir, "data")
	if out, err := s.as(filepath.Join(s.bin, "initdb"), "-D", s.data, "-A", "trust", "-U", "postgres").CombinedOutput(); err != nil {
		skip("initdb: %v: %s", err, out)
		return nil
	}
	s.listen(tb)
	s.Start(tb)
	return s
}

// binaries returns the folder of PostgreSQL's server binaries: pg_config's
// if it has initdb, else the newest of /usr/lib/postgresql/*/bin (Debian's
// layout), or "" if there is none.
func binaries() string {
	has := func(dir string) bool {
		_, err := os.Stat(filepath.Join(dir, "initdb"))
		return err == nil
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if dir := strings.TrimSpace(string(out)); has(dir) {
			return dir
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { // by version: 9.6 < 15
		return versionOf(dirs[i]) < versionOf(dirs[j])
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		if has(dirs[i]) {
			return dirs[i]
		}
	}
	return ""
}

func versionOf(bin string) float64 {
	var v float64
	fmt.Sscanf(filepath.Base(filepath.Dir(bin)), "%g", &v)
	return v
}

// makeDir makes the server's folder, outside t.TempDir, whose parents the
// postgres user may not enter, and gives it to that user.
func (s *Server) makeDir(tb testing.TB, skip func(string, ...any)) {
	tb.Helper()
	dir, err := os.MkdirTemp("", "zootour-pg")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chown", "postgres", dir).CombinedOutput(); err != nil {
			skip("cannot give the server's folder to the postgres user: %v %s", err, out)
		}
	}
	s.dir = dir
}

// listen chooses a free port and the URL on it.
func (s *Server) listen(tb testing.TB) {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s.Port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.Port)
}

// as runs a command as the postgres user, if the test runs as root.
func (s *Server) as(args ...string) *exec.Cmd {
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--"}, args...)...)
	}
	return exec.Command(args[0], args[1:]...)
}

// Start starts the server, stopped before, and waits until it takes
// connections.
func (s *Server) Start(tb testing.TB) {
	tb.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", s.Port, s.dir)
	for _, set := range s.settings {
		opts += " -c " + set
	}
	s.ctl(tb, "start", "-o", opts)
	s.running = true
	if !s.stopping {
		s.stopping = true
		tb.Cleanup(func() {
			if s.running {
				s.Stop(tb)
			}
		})
	}
}

// Stop stops the server (a fast shutdown: sessions are ended).
func (s *Server) Stop(tb testing.TB) {
	tb.Helper()
	s.ctl(tb, "stop", "-m", "fast")
	s.running = false
}

func (s *Server) ctl(tb testing.TB, action string, args ...string) {
	tb.Helper()
	cmd := append([]string{filepath.Join(s.bin, "pg_ctl"), "-D", s.data, "-w", "-l", filepath.Join(s.dir, "log"), action}, args...)
	if out, err := s.as(cmd...).CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		tb.Fatalf("pg_ctl %s: %v: %s\n%s", action, err, out, log)
	}
}

// A Replication is a primary and a streaming replica of it, servers of
// the test's own.
type Replication struct {
	Primary, Replica *Server
}

// Replicated starts a primary (wal_level=replica, replication connections
// trusted from 127.0.0.1) and a hot standby of it on another port, made by
// pg_basebackup -R, which streams from the primary until stopped. Both go
// when the test ends, the replica first.
//
// It skips the test unless ZOOTOUR_TEST_POSTGRES is set (the switch for
// every PostgreSQL test, though these servers are the test's own) and the
// machine has PostgreSQL's binaries; with ZOOTOUR_TEST_REPLICA=required it
// fails instead.
func Replicated(tb testing.TB) *Replication {
	tb.Helper()
	skip := tb.Skipf
	if os.Getenv(ReplicaEnv) == "required" {
		skip = tb.Fatalf
	}
	if os.Getenv(Env) == "" {
		skip("replica tests start a PostgreSQL primary and a streaming replica of their own, from PostgreSQL's binaries: %s=postgres://postgres@127.0.0.1:5432/test?sslmode=disable go test ./...", Env)
		return nil
	}
	primary := newServer(tb, skip, []string{"wal_level=replica", "max_wal_senders=4", "wal_keep_size=64MB"})
	if primary == nil {
		return nil
	}
	replica := &Server{bin: primary.bin, settings: []string{"hot_standby=on"}}
	replica.makeDir(tb, skip)
	replica.data = filepath.Join(replica.dir, "data")
	// initdb's pg_hba.conf trusts replication connections from 127.0.0.1
	// as it trusts the others (-A trust).
	if out, err := replica.as(filepath.Join(replica.bin, "pg_basebackup"), "-R", "-D", replica.data, "--checkpoint=fast",
		"-h", "127.0.0.1", "-p", fmt.Sprint(primary.Port), "-U", "postgres").CombinedOutput(); err != nil {
		tb.Fatalf("pg_basebackup: %v: %s", err, out)
	}
	replica.listen(tb)
	replica.Start(tb)
	return &Replication{Primary: primary, Replica: replica}
}

// URLs creates a fresh schema on the primary, dropped when the test ends,
// and returns the URLs of the primary and of the replica with that schema
// selected (search_path), as URL does. The replica has the schema once it
// has replayed its creation.
func (r *Replication) URLs(tb testing.TB) (primary, replica string) {
	tb.Helper()
	schema := newSchema(tb, r.Primary.URL)
	return withSchema(tb, r.Primary.URL, schema), withSchema(tb, r.Replica.URL, schema)
}

func withSchema(tb testing.TB, base, schema string) string {
	tb.Helper()
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// PauseReplay pauses the replica's replay of the primary's WAL until
// ResumeReplay or the test's end: the replica goes on answering, from
// where it stopped. A pause takes effect at the next record replayed, so
// PauseReplay writes to the primary (a commit record) until it holds.
func (r *Replication) PauseReplay(tb testing.TB) {
	tb.Helper()
	execSQL(tb, r.Replica.URL, "SELECT pg_wal_replay_pause()")
	tb.Cleanup(func() {
		if r.Replica.running {
			execSQL(tb, r.Replica.URL, "SELECT pg_wal_replay_resume()")
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	replica, err := pgx.Connect(ctx, r.Replica.URL)
	if err != nil {
		tb.Fatal(err)
	}
	defer replica.Close(ctx)
	for {
		var state string
		if err := replica.QueryRow(ctx, "SELECT pg_get_wal_replay_pause_state()").Scan(&state); err != nil {
			tb.Fatalf("pgtest: the replica's pause: %v", err)
		}
		if state == "paused" {
			return
		}
		execSQL(tb, r.Primary.URL, "SELECT txid_current()")
		time.Sleep(10 * time.Millisecond)
	}
}

// ResumeReplay resumes the replica's replay after PauseReplay.
func (r *Replication) ResumeReplay(tb testing.TB) {
	tb.Helper()
	execSQL(tb, r.Replica.URL, "SELECT pg_wal_replay_resume()")
}
