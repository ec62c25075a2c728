package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/csvio"
	"github.com/zootour/zootour/generate"
	"github.com/zootour/zootour/web"
	"github.com/zootour/zootour/web/httpx"
)

// importHelp is the long help of import: the format of the files.
const importHelp = `import adds the records of PATH, with the IDs they carry, to the store.
PATH is a folder, a .zip or an .xlsx workbook; which it is, is told by its
content, not its name.

A folder holds up to three CSV files (UTF-8, comma-separated, RFC 4180
quoting, a header row); a missing one counts as empty:

  zoos.csv      id,name,location
  animals.csv   id,name,species
  visits.csv    id,date,zoo_id,animal_id     (dates YYYY-MM-DD)

A .zip holds the same files, at its top level or all in one folder; its
other entries are ignored. An .xlsx workbook holds the sheets zoos, animals
and visits, each with the same header in its first row that is not empty;
a missing sheet counts as empty, and empty rows are skipped. Dates are date
cells or text YYYY-MM-DD; IDs are whole numbers or text, read exactly as
written (a number such as 1.5E+3 or 12.0 is refused, not rounded).

The import is all or nothing: if any row is invalid, names a zoo or animal
that does not exist, or conflicts (an ID taken, an animal twice on one
date), nothing changes and the error names the file (and sheet), the line
(or row) and the reason.

--check reads everything and checks it against the store as the import
would, changing nothing (not even creating the database): it prints the
counts and every fault, one a line (FILE line N: reason), at most
--max-faults of them.

Exit status: 0 imported (with --check: no faults), 2 invalid input (with
--check: faults found) or a usage error, 3 not found, 4 a conflict with what
is stored, 1 anything else.`

func (a *app) importCommand() *cobra.Command {
	var check bool
	var maxFaults int
	c := creates(a.command("import PATH [--check [--max-faults N]]", "add the records of a folder, a .zip or an .xlsx workbook, all or nothing", []string{"PATH"},
		func(ctx context.Context, s zootour.Store, args []string) error {
			f, err := csvio.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			if check {
				return a.check(ctx, s, f, maxFaults)
			}
			progress := a.progress("importing")
			// What the import itself added, not the store's counts after
			// less before: other writers change those meanwhile, and an
			// import cancelled as it commits must not ask again.
			added, err := csvio.ImportFiles(ctx, s, f, progress)
			if progress != nil {
				fmt.Fprintln(a.env.Stderr)
			}
			if err != nil {
				return err
			}
			return a.printCounts("imported", added)
		}))
	c.Long = importHelp
	run := c.RunE
	c.RunE = func(cmd *cobra.Command, args []string) error {
		if maxFaults < 1 {
			return cmdError{zootour.Errorf(zootour.EINVALID, "--max-faults must be at least 1, not %d", maxFaults)}
		}
		if check && isFile(a.dsn()) {
			// A check changes nothing, so it does not create the
			// database: one not there yet is checked as empty.
			if _, err := os.Stat(a.dsn()); errors.Is(err, fs.ErrNotExist) {
				a.dbFlag = "memory:"
			}
		}
		return run(cmd, args)
	}
	c.Flags().BoolVar(&check, "check", false, "check everything and print the faults, changing nothing")
	c.Flags().IntVar(&maxFaults, "max-faults", 100, "with --check, how many faults to print at most")
	return c
}

// progress returns the progress function of an import on a terminal, and
// nil elsewhere.
func (a *app) progress(doing string) func(int64) {
	if !a.env.StderrIsTerminal {
		return nil
	}
	return func(n int64) { fmt.Fprintf(a.env.Stderr, "\r%s: %d visits read", doing, n) }
}

// check runs import --check: the report on standard output, and an
// invalid error (exit 2) if it holds faults.
func (a *app) check(ctx context.Context, s zootour.Store, f *csvio.Files, max int) error {
	progress := a.progress("checking")
	r, err := csvio.Check(ctx, s, f, max, progress)
	if progress != nil {
		fmt.Fprintln(a.env.Stderr)
	}
	if err != nil {
		return err
	}
	if err := a.printReport(r); err != nil {
		return err
	}
	switch {
	case r.More:
		return zootour.Errorf(zootour.EINVALID, "the files have more than %d faults: nothing was imported", len(r.Faults))
	case len(r.Faults) == 1:
		return zootour.Errorf(zootour.EINVALID, "the files have a fault: nothing was imported")
	case len(r.Faults) > 0:
		return zootour.Errorf(zootour.EINVALID, "the files have %d faults: nothing was imported", len(r.Faults))
	}
	return nil
}

// printReport prints what import --check found: the counts, then each
// fault on a line of its own.
func (a *app) printReport(r csvio.Report) error {
	if a.asJSON {
		return json.NewEncoder(a.env.Stdout).Encode(r)
	}
	n := r.Counts
	faults := "no faults"
	switch {
	case r.More:
		faults = fmt.Sprintf("more than %d faults, the first %d listed", len(r.Faults), len(r.Faults))
	case len(r.Faults) == 1:
		faults = "1 fault"
	case len(r.Faults) > 1:
		faults = fmt.Sprintf("%d faults", len(r.Faults))
	}
	w := bufio.NewWriter(a.env.Stdout)
	fmt.Fprintf(w, "checked %d zoos, %d animals, %d visits: %s\n", n.Zoos, n.Animals, n.Visits, faults)
	for _, f := range r.Faults {
		fmt.Fprintln(w, strings.Join(strings.Fields(f.Error()), " ")) // one line, whatever a reason holds
	}
	return w.Flush()
}

// exportHelp is the long help of export.
const exportHelp = `export writes every record of the store, from one consistent snapshot.

PATH is a folder, which gets zoos.csv, animals.csv and visits.csv (the files
import reads; see zootour import --help), or a file named .xlsx, which
becomes a workbook with the sheets zoos, animals and visits. IDs above 2^53,
which a spreadsheet's numbers cannot hold exactly, are written as text, and
dates before 1900-03-01 as text YYYY-MM-DD; import reads either back as it
was. The files are written under temporary names and renamed into place at
the end, so a failed export leaves PATH as it was.

export refuses (exit 4) a folder that already holds any of the three files,
or a workbook that already exists, unless --force.`

func (a *app) exportCommand() *cobra.Command {
	var force bool
	c := a.command("export PATH [--force]", "write every record to a folder of CSV files or to an .xlsx workbook", []string{"PATH"},
		func(ctx context.Context, s zootour.Store, args []string) error {
			path := args[0]
			write, occupied := csvio.WriteDir, csvio.Occupied
			if isWorkbookName(path) {
				write, occupied = csvio.WriteWorkbook, csvio.OccupiedFile
			}
			if !force {
				if err := occupied(path); err != nil {
					return err
				}
			}
			// Count what the export wrote, rather than asking the store
			// again: writers may have come and gone since its snapshot.
			var n zootour.Counts
			err := write(path, func(dst zootour.Sink) error {
				return s.Export(ctx, countingSink{dst, &n})
			})
			if err != nil {
				return err
			}
			return a.printCounts("exported", n)
		})
	c.Long = exportHelp
	c.Flags().BoolVar(&force, "force", false, "replace the data files PATH already holds, or the workbook")
	return c
}

// isWorkbookName says whether export writes path as a workbook: by its
// name, as there is nothing there yet to tell by content.
func isWorkbookName(path string) bool { return strings.EqualFold(filepath.Ext(path), ".xlsx") }

// printCounts says how many records an import or export moved.
func (a *app) printCounts(verb string, n zootour.Counts) error {
	if a.asJSON {
		return json.NewEncoder(a.env.Stdout).Encode(n)
	}
	_, err := fmt.Fprintf(a.env.Stdout, "%s %d zoos, %d animals, %d visits\n", verb, n.Zoos, n.Animals, n.Visits)
	return err
}

func (a *app) serveCommand() *cobra.Command {
	cfg := web.Config{Addr: web.DefaultAddr}
	var maxUpload int64
	c := creates(a.command("serve [--addr HOST:PORT] [--public-read] [--base-url URL] [--tls-cert FILE --tls-key FILE] [--max-upload MIB]", "run the web interface and the JSON API", nil,
		func(ctx context.Context, s zootour.Store, _ []string) error {
			cfg.MaxUpload = maxUpload << 20
			cfg.Stdout, cfg.Stderr = a.env.Stdout, a.env.Stderr
			cfg.Logger = slog.New(slog.NewTextHandler(a.env.Stderr, nil))
			return web.New(s, cfg).Run(ctx)
		}))
	c.Flags().StringVar(&cfg.Addr, "addr", web.DefaultAddr, "the address to listen on")
	c.Flags().BoolVar(&cfg.PublicRead, "public-read", false, "let anonymous people read")
	c.Flags().StringVar(&cfg.BaseURL, "base-url", "", "the address people use, behind a proxy (https://zoo.example.org): links, Location headers and Secure cookies follow it")
	c.Flags().StringVar(&cfg.TLSCert, "tls-cert", "", "serve HTTPS with this PEM certificate (with --tls-key)")
	c.Flags().StringVar(&cfg.TLSKey, "tls-key", "", "the PEM key of --tls-cert")
	c.Flags().Int64Var(&maxUpload, "max-upload", httpx.DefaultMaxUpload>>20, "the largest upload of the import page, in MiB")
	return c
}

func (a *app) generateCommand() *cobra.Command {
	var c generate.Config
	var force bool
	cmd := &cobra.Command{
		Use:   "generate DIR [--zoos N] [--animals N] [--visits N] [--seed N] [--force]",
		Short: "write synthetic data files to DIR, the same files for the same flags",
		Args:  exactArgs("DIR"),
		RunE: func(_ *cobra.Command, args []string) error {
			if err := c.Validate(); err != nil {
				return cmdError{err}
			}
			if !force {
				if err := csvio.Occupied(args[0]); err != nil {
					return cmdError{err}
				}
			}
			if err := generate.Write(args[0], c); err != nil {
				return cmdError{err}
			}
			return a.printCounts("generated", zootour.Counts{Zoos: int64(c.Zoos), Animals: int64(c.Animals), Visits: int64(c.Visits)})
		},
	}
	cmd.Flags().IntVar(&c.Zoos, "zoos", 100, "how many zoos")
	cmd.Flags().IntVar(&c.Animals, "animals", 1000, "how many animals")
	cmd.Flags().IntVar(&c.Visits, "visits", 10000, "how many visits")
	cmd.Flags().Uint64Var(&c.Seed, "seed", 1, "the seed of the random choices")
	cmd.Flags().BoolVar(&force, "force", false, "replace the data files DIR already holds")
	return cmd
}

// countingSink passes records on to a Sink and counts them.
type countingSink struct {
	zootour.Sink
	n *zootour.Counts
}

func (c countingSink) Zoo(z zootour.Zoo) error       { c.n.Zoos++; return c.Sink.Zoo(z) }
func (c countingSink) Animal(a zootour.Animal) error { c.n.Animals++; return c.Sink.Animal(a) }
func (c countingSink) Visit(v zootour.Visit) error   { c.n.Visits++; return c.Sink.Visit(v) }
