package postgres_test

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/zootour/zootour"
)

// ownServer starts a PostgreSQL server of the test's own (initdb into a
// temporary folder, run as the postgres user), so that the test can
// restart it without disturbing the server other tests share. It skips
// where the machine has no PostgreSQL binaries or no postgres user.
func ownServer(t *testing.T) (url string, restart func()) {
	t.Helper()
	bin := "/usr/lib/postgresql/15/bin"
	if _, err := os.Stat(filepath.Join(bin, "initdb")); err != nil {
		t.Skip("needs PostgreSQL 15's binaries in " + bin + " to run a server of its own")
	}
	as := func(args ...string) *exec.Cmd {
		if os.Geteuid() == 0 {
			return exec.Command("runuser", append([]string{"-u", "postgres", "--"}, args...)...)
		}
		return exec.Command(args[0], args[1:]...)
	}
	dir, err := os.MkdirTemp("", "zootour-pg")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chown", "postgres", dir).CombinedOutput(); err != nil {
			t.Skipf("cannot give the server's folder to the postgres user: %v %s", err, out)
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := as(filepath.Join(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres").CombinedOutput(); err != nil {
		t.Skipf("initdb: %v: %s", err, out)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", port, dir)
	ctl := func(action string) {
		t.Helper()
		args := []string{filepath.Join(bin, "pg_ctl"), "-D", data, "-w", "-l", filepath.Join(dir, "log"), action}
		if action != "stop" {
			args = append(args, "-o", opts)
		} else {
			args = append(args, "-m", "fast")
		}
		if out, err := as(args...).CombinedOutput(); err != nil {
			t.Fatalf("pg_ctl %s: %v: %s", action, err, out)
		}
	}
	ctl("start")
	t.Cleanup(func() { ctl("stop") })
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port), func() {
		ctl("stop")
		time.Sleep(200 * time.Millisecond)
		ctl("start")
	}
}

// TestServerRestarted restarts a real PostgreSQL server under the store:
// while it is down every call is EUNAVAILABLE (503), never internal, and
// after it is back the store answers again with everything it had.
func TestServerRestarted(t *testing.T) {
	url, restart := ownServer(t)
	s := openURL(t, url)
	ctx := t.Context()
	z, err := s.CreateZoo(ctx, zootour.Zoo{Name: "Z", Location: "L"})
	if err != nil {
		t.Fatal(err)
	}
	down := make(chan struct{})
	var during []error
	go func() {
		defer close(down)
		deadline := time.Now().Add(3 * time.Second)
		for time.Now().Before(deadline) {
			_, err := s.CreateZoo(ctx, zootour.Zoo{Name: "during", Location: "L"})
			if err != nil {
				during = append(during, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	time.Sleep(100 * time.Millisecond)
	restart()
	<-down
	for _, err := range during {
		if zootour.ErrorCode(err) != zootour.EUNAVAILABLE {
			t.Errorf("a write while the server restarts: %v (code %s), want unavailable", err, zootour.ErrorCode(err))
		}
	}
	if err := s.Ready(ctx); err != nil {
		t.Fatalf("Ready after the restart: %v", err)
	}
	got, err := s.Zoo(ctx, z.ID)
	if err != nil || got != z {
		t.Errorf("the zoo after the restart: %+v %v", got, err)
	}
	t.Logf("%d writes failed while the server restarted", len(during))
}
