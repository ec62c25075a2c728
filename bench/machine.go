package bench

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Machine describes where a run took place.
type Machine struct {
	CPU      string // model name
	Cores    int
	Memory   string // total, as /proc/meminfo says
	OS       string // kernel release
	Go       string
	SQLite   string
	Postgres string
	// Commit is the checkout's last commit when the run started, as git
	// says it (empty outside a git checkout).
	Commit string
}

// machine gathers what it can; what it cannot stays empty.
func machine(ctx context.Context, cfg Config) Machine {
	m := Machine{Cores: runtime.NumCPU(), Go: runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for line := range strings.Lines(string(b)) {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				m.Memory = strings.TrimSpace(v)
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.OS = runtime.GOOS + " " + strings.TrimSpace(string(b))
	}
	if db, err := sql.Open("sqlite", ":memory:"); err == nil {
		db.QueryRowContext(ctx, "SELECT sqlite_version()").Scan(&m.SQLite)
		m.SQLite += " (modernc.org/sqlite)"
		db.Close()
	}
	if out, err := exec.CommandContext(ctx, "git", "log", "-1", "--format=%h %cd %s", "--date=format:%Y-%m-%d %H:%M").Output(); err == nil {
		m.Commit = strings.TrimSpace(string(out))
	}
	if cfg.Postgres != "" {
		if conn, err := pgx.Connect(ctx, cfg.Postgres); err == nil {
			conn.QueryRow(ctx, "SHOW server_version").Scan(&m.Postgres)
			conn.Close(ctx)
		}
	}
	return m
}
