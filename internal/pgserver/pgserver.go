// Package pgserver runs PostgreSQL servers of a program's own: one in a
// temporary folder (New), or a primary and a streaming replica of it
// (NewReplication). The tests use it through postgres/pgtest, which turns
// its errors into skips and failures; the benchmarks (bench/scaling.go)
// call it directly (docs/replicas.md, "Tests").
//
// A server runs from PostgreSQL's binaries (pg_config --bindir, or the
// newest /usr/lib/postgresql/VERSION/bin), as the postgres user when the
// program runs as root (the server refuses to run as root), listens on
// 127.0.0.1 only with trust authentication, and keeps its data in a
// temporary folder that Remove deletes.
package pgserver

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// ErrUnavailable is what the errors of a machine that cannot run a server
// of its own match (errors.Is): no PostgreSQL binaries, no postgres user to
// give the folder to, an initdb that fails. A test skips on it; any other
// error is a failure.
var ErrUnavailable = errors.New("pgserver: no PostgreSQL server can run here")

// unavailable is an error that matches ErrUnavailable and reads as its
// message alone.
type unavailable struct{ msg string }

func (e *unavailable) Error() string { return e.msg }
func (e *unavailable) Unwrap() error { return ErrUnavailable }

func unavailablef(format string, args ...any) error {
	return &unavailable{msg: fmt.Sprintf(format, args...)}
}

// A Server is a PostgreSQL server of the program's own.
type Server struct {
	// URL is that of the server's database postgres, as user postgres.
	URL  string
	Port int

	bin, dir, data string
	settings       []string
	running        bool
}

// New starts a server (initdb into a temporary folder) with the settings
// given ("name=value", as postgres -c takes them). The caller removes it
// with Remove.
func New(settings ...string) (*Server, error) {
	s := &Server{bin: binaries(), settings: settings}
	if s.bin == "" {
		return nil, unavailablef("needs PostgreSQL's server binaries (initdb, pg_ctl: pg_config --bindir, or /usr/lib/postgresql/VERSION/bin) to run a server of its own")
	}
	if err := s.makeDir(); err != nil {
		return nil, err
	}
	if out, err := s.as(filepath.Join(s.bin, "initdb"), "-D", s.data, "-A", "trust", "-U", "postgres").CombinedOutput(); err != nil {
		os.RemoveAll(s.dir)
		return nil, unavailablef("initdb: %v: %s", err, out)
	}
	if err := s.listen(); err != nil {
		os.RemoveAll(s.dir)
		return nil, err
	}
	if err := s.Start(); err != nil {
		os.RemoveAll(s.dir)
		return nil, err
	}
	return s, nil
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

// makeDir makes the server's folder in the temporary directory, not in a
// test's t.TempDir, whose parents the postgres user may not enter, and
// gives it to that user.
func (s *Server) makeDir() error {
	dir, err := os.MkdirTemp("", "zootour-pg")
	if err != nil {
		return fmt.Errorf("pgserver: the server's folder: %w", err)
	}
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chown", "postgres", dir).CombinedOutput(); err != nil {
			os.RemoveAll(dir)
			return unavailablef("cannot give the server's folder to the postgres user: %v %s", err, out)
		}
	}
	s.dir, s.data = dir, filepath.Join(dir, "data")
	return nil
}

// listen chooses a free port and the URL on it.
func (s *Server) listen() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("pgserver: a free port: %w", err)
	}
	s.Port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.Port)
	return nil
}

// as runs a command as the postgres user, if the program runs as root.
func (s *Server) as(args ...string) *exec.Cmd {
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--"}, args...)...)
	}
	return exec.Command(args[0], args[1:]...)
}

// Start starts the server, stopped before, and waits until it takes
// connections. fsync is off: the data is thrown away with the folder.
func (s *Server) Start() error {
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", s.Port, s.dir)
	for _, set := range s.settings {
		opts += " -c " + set
	}
	if err := s.ctl("start", "-o", opts); err != nil {
		return err
	}
	s.running = true
	return nil
}

// Stop stops the server (a fast shutdown: sessions are ended).
func (s *Server) Stop() error {
	if err := s.ctl("stop", "-m", "fast"); err != nil {
		return err
	}
	s.running = false
	return nil
}

// Running reports whether the server runs: started and not stopped since.
func (s *Server) Running() bool { return s.running }

// Remove stops the server if it runs and deletes its folder.
func (s *Server) Remove() error {
	var err error
	if s.running {
		err = s.Stop()
	}
	return errors.Join(err, os.RemoveAll(s.dir))
}

func (s *Server) ctl(action string, args ...string) error {
	cmd := append([]string{filepath.Join(s.bin, "pg_ctl"), "-D", s.data, "-w", "-l", filepath.Join(s.dir, "log"), action}, args...)
	if out, err := s.as(cmd...).CombinedOutput(); err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "log"))
		return fmt.Errorf("pgserver: pg_ctl %s: %v: %s\n%s", action, err, out, log)
	}
	return nil
}
