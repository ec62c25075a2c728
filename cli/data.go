package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/csvio"
	"github.com/zootour/zootour/generate"
	"github.com/zootour/zootour/web"
)

func (a *app) importCommand() *cobra.Command {
	return creates(a.command("import DIR", "add the records of DIR/zoos.csv, animals.csv and visits.csv, all or nothing", []string{"DIR"},
		func(ctx context.Context, s zootour.Store, args []string) error {
			var progress func(int64)
			if a.env.StderrIsTerminal {
				progress = func(n int64) { fmt.Fprintf(a.env.Stderr, "\rimporting: %d visits read", n) }
			}
			// What the import itself added, not the store's counts after
			// less before: other writers change those meanwhile, and an
			// import cancelled as it commits must not ask again.
			added, err := csvio.Import(ctx, s, args[0], progress)
			if progress != nil {
				fmt.Fprintln(a.env.Stderr)
			}
			if err != nil {
				return err
			}
			return a.printCounts("imported", added)
		}))
}

func (a *app) exportCommand() *cobra.Command {
	var force bool
	c := a.command("export DIR [--force]", "write every record to DIR/zoos.csv, animals.csv and visits.csv", []string{"DIR"},
		func(ctx context.Context, s zootour.Store, args []string) error {
			if !force {
				if err := csvio.Occupied(args[0]); err != nil {
					return err
				}
			}
			// Count what the export wrote, rather than asking the store
			// again: writers may have come and gone since its snapshot.
			var n zootour.Counts
			err := csvio.WriteDir(args[0], func(dst zootour.Sink) error {
				return s.Export(ctx, countingSink{dst, &n})
			})
			if err != nil {
				return err
			}
			return a.printCounts("exported", n)
		})
	c.Flags().BoolVar(&force, "force", false, "replace the data files DIR already holds")
	return c
}

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
	c := creates(a.command("serve [--addr HOST:PORT] [--public-read] [--base-url URL] [--tls-cert FILE --tls-key FILE]", "run the web interface and the JSON API", nil,
		func(ctx context.Context, s zootour.Store, _ []string) error {
			cfg.Stdout, cfg.Stderr = a.env.Stdout, a.env.Stderr
			cfg.Logger = slog.New(slog.NewTextHandler(a.env.Stderr, nil))
			return web.New(s, cfg).Run(ctx)
		}))
	c.Flags().StringVar(&cfg.Addr, "addr", web.DefaultAddr, "the address to listen on")
	c.Flags().BoolVar(&cfg.PublicRead, "public-read", false, "let anonymous people read")
	c.Flags().StringVar(&cfg.BaseURL, "base-url", "", "the address people use, behind a proxy (https://zoo.example.org): links, Location headers and Secure cookies follow it")
	c.Flags().StringVar(&cfg.TLSCert, "tls-cert", "", "serve HTTPS with this PEM certificate (with --tls-key)")
	c.Flags().StringVar(&cfg.TLSKey, "tls-key", "", "the PEM key of --tls-cert")
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
