package bench

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/zootour/zootour/csvio"
	"github.com/zootour/zootour/generate"
	"github.com/zootour/zootour/sqlite"
)

// The command line's import (csvio.Import of the data files: what
// `zootour import DIR` runs) beside the sqlite3 shell's .import of the
// same files into tables with the same columns, constraints and indexes on
// visits (those zootour's own schema has), each into a fresh file. The
// shell keeps no stays, search keys or change log: it is the floor of
// what loading these files into SQLite costs.

// shellSchema returns the schema the shell imports into: zootour's tables
// of records without their derived columns (the search keys), and every
// index on visits, read from a store zootour made, so it follows the
// migrations.
func shellSchema(ctx context.Context, dir string) (string, error) {
	path := filepath.Join(dir, "schema.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		return "", err
	}
	if err := s.Close(); err != nil {
		return "", err
	}
	defer os.Remove(path)
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return "", err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT type, sql FROM sqlite_master
WHERE tbl_name IN ('zoos', 'animals', 'visits') AND sql IS NOT NULL AND (type = 'table' OR tbl_name = 'visits')
ORDER BY type = 'index', name`)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	derived := regexp.MustCompile(`(?s),\s*(name_key|species_key)[^,)]*`)
	var b strings.Builder
	for rows.Next() {
		var typ, text string
		if err := rows.Scan(&typ, &text); err != nil {
			return "", err
		}
		if typ == "table" {
			text = derived.ReplaceAllString(text, "")
		}
		b.WriteString(text + ";\n")
	}
	return b.String(), rows.Err()
}

// shellImport times the sqlite3 shell's import of the data files in dir
// into a fresh database with schema, or reports that there is no shell.
func shellImport(ctx context.Context, dir, schema string) (time.Duration, error) {
	shell, err := exec.LookPath("sqlite3")
	if err != nil {
		return 0, errNoShell
	}
	db := filepath.Join(dir, "shell.db")
	defer removeDB(db)
	script := schema + ".mode csv\n"
	for _, name := range []string{csvio.ZoosFile, csvio.AnimalsFile, csvio.VisitsFile} {
		table := strings.TrimSuffix(name, ".csv")
		script += fmt.Sprintf(".import --skip 1 %s %s\n", filepath.Join(dir, name), table)
	}
	cmd := exec.CommandContext(ctx, shell, "-bail", db)
	cmd.Stdin = strings.NewReader(script)
	began := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(began)
	if err != nil || len(out) > 0 {
		return 0, fmt.Errorf("bench: sqlite3 .import: %v: %s", err, out)
	}
	return took, nil
}

var errNoShell = fmt.Errorf("bench: no sqlite3 shell on PATH (apt-get install sqlite3)")

func removeDB(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}

// measureCSVImport writes the data set's files and times, reps times
// alternating, the command line's import of them (in a child process, as
// the command runs alone) and the shell's.
func measureCSVImport(ctx context.Context, cfg *Config, gen generate.Config, reps int, res *StoreResult) error {
	dir, err := os.MkdirTemp(cfg.Dir, "csv-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if err := generate.Write(dir, gen); err != nil {
		return err
	}
	schema, err := shellSchema(ctx, dir)
	if err != nil {
		return err
	}
	var cli, shell []float64
	for i := range reps {
		db := filepath.Join(dir, fmt.Sprintf("cli-%d.db", i))
		cr, _, err := inChild(ctx, childJob{Op: "import-csv", Store: SQLite, Where: db, Dir: dir})
		removeDB(db)
		if err != nil {
			return err
		}
		if cr.Visits != int64(gen.Visits) {
			return fmt.Errorf("bench: the CSV import added %d visits, want %d", cr.Visits, gen.Visits)
		}
		cli = append(cli, cr.Seconds)
		took, err := shellImport(ctx, dir, schema)
		if err == errNoShell {
			cfg.logf("%v: the shell's import is not measured", err)
			continue
		}
		if err != nil {
			return err
		}
		shell = append(shell, took.Seconds())
	}
	res.CSVImport = medianFloat(cli)
	res.ShellImport = medianFloat(shell)
	return nil
}
