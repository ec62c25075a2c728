// Package cli is zootour's command line: flags and arguments in, a store
// chosen by --db, records out as tables or JSON, and an exit status that
// says what kind of failure it was.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/user"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/zootour/zootour"
	"github.com/zootour/zootour/postgres"
)

// Exit statuses, as the README's command line section promises them.
const (
	ExitOK       = 0
	ExitInternal = 1
	ExitUsage    = 2
	ExitNotFound = 3
	ExitConflict = 4
)

// exitOf maps a domain error code to an exit status; anything else is 1.
var exitOf = map[string]int{
	zootour.EINVALID:     ExitUsage,
	zootour.ENOTFOUND:    ExitNotFound,
	zootour.ECONFLICT:    ExitConflict,
	zootour.EUNAVAILABLE: ExitInternal,
}

// DefaultDB is the SQLite file used when neither --db nor ZOOTOUR_DB is set.
const DefaultDB = "zootour.db"

// Env is what a run of the command line sees of the world, so that tests
// can run it in-process.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// StderrIsTerminal turns on progress lines for long imports.
	StderrIsTerminal bool
}

// cmdError marks an error returned by a command's own code, as opposed to
// one cobra returns for a malformed command line.
type cmdError struct{ err error }

func (e cmdError) Error() string { return e.err.Error() }
func (e cmdError) Unwrap() error { return e.err }

// Main runs the command line with args (without the program name) and
// returns the exit status.
func Main(ctx context.Context, args []string, env Env) int {
	app := &app{env: env}
	root := app.rootCommand()
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	var ce cmdError
	if !errors.As(err, &ce) {
		// cobra's own errors: unknown commands, flags or arguments.
		io.WriteString(env.Stderr, usageMessage(root, cmd, args, err))
		return ExitUsage
	}
	code := zootour.ErrorCode(ce.err)
	if code == zootour.EINTERNAL {
		// The command line has no log to keep details from: show them.
		fmt.Fprintf(env.Stderr, "zootour: %s.\n", sentence(ce.err.Error()))
		return ExitInternal
	}
	fmt.Fprintf(env.Stderr, "zootour: %s.\n", sentence(ce.err.Error()))
	return exitOf[code]
}

// sentence makes one line of a message (drivers' errors may span several)
// that ends in exactly one period.
func sentence(s string) string {
	return strings.TrimRight(strings.Join(strings.Fields(s), " "), ".")
}

type app struct {
	env      Env
	dbFlag   string
	readFlag string // --db-read: a PostgreSQL read replica
	partFlag string // --db-partitions: visits in N tables, chosen when a PostgreSQL database is made
	asJSON   bool
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "zootour",
		Short: "zootour keeps track of animals touring zoos",
		Long: `zootour keeps track of animals touring zoos: zoos, animals and the visits
that join them (a date, one zoo, one animal).

The store is chosen by --db or ZOOTOUR_DB: a file path is a SQLite database
(default zootour.db), a postgres:// URL is PostgreSQL, memory: is in memory.
With PostgreSQL, --db-read or ZOOTOUR_DB_READ names a streaming replica that
takes the reads.

Exit status: 0 success, 2 a usage error or invalid input, 3 not found,
4 a conflict with what is stored, 1 anything else. Errors are one sentence
on standard error.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return errors.New("a command is required")
		},
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.Version = version()
	root.SetVersionTemplate("zootour {{.Version}}\n")
	root.PersistentFlags().StringVar(&a.dbFlag, "db", "", "the store: a SQLite file, a postgres:// URL, or memory: (default $ZOOTOUR_DB, then zootour.db)")
	root.PersistentFlags().StringVar(&a.partFlag, "db-partitions", "", "with a new PostgreSQL --db, keep the visits in N tables by animal (default $ZOOTOUR_DB_PARTITIONS; docs/partitioning.md)")
	root.PersistentFlags().StringVar(&a.readFlag, "db-read", "", "a streaming replica of the PostgreSQL --db to send reads to (default $ZOOTOUR_DB_READ; docs/replicas.md)")
	root.PersistentFlags().BoolVar(&a.asJSON, "json", false, "print records as JSON")
	root.SetHelpCommand(helpCommand())
	root.AddCommand(
		actsForOthers(checksAddr(a.serveCommand())),
		a.importCommand(),
		a.exportCommand(),
		a.generateCommand(),
		a.zooCommand(),
		a.animalCommand(),
		a.visitCommand(),
		a.censusCommand(),
		a.checkCommand(),
		a.userCommand(),
		a.tokenCommand(),
		a.historyCommand(),
		a.revertCommand(),
	)
	root.InitDefaultHelpCmd() // cobra adds it on Execute: now, for its examples
	addExamples(root)
	return root
}

// helpCommand is cobra's help command, but a topic that is no command is
// a usage error (cobra prints the root's help and succeeds).
func helpCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "print the help of any command",
		RunE: func(c *cobra.Command, args []string) error {
			root := c.Root()
			cmd, rest, err := root.Find(args)
			if err != nil {
				return err
			}
			if word := firstWord(cmd, rest); word != "" {
				if cmd.HasSubCommands() {
					return unknownCommand(cmd, word)
				}
				return fmt.Errorf("%q has no subcommand %q", cmd.CommandPath(), word)
			}
			cmd.InitDefaultHelpFlag()
			cmd.InitDefaultVersionFlag()
			return cmd.Help()
		},
	}
}

// noArgs rejects arguments, naming them, for commands that take none.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		if cmd.HasSubCommands() {
			return unknownCommand(cmd, args[0])
		}
		return fmt.Errorf("%q takes no arguments, got %q", cmd.CommandPath(), args[0])
	}
	return nil
}

// group returns a command that only holds subcommands.
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return fmt.Errorf("%q needs a subcommand", cmd.CommandPath())
		},
	}
	c.AddCommand(subs...)
	return c
}

// run wraps a command's body: it opens the store, runs body as the
// command line's actor, closes the store, and marks errors as the
// command's own.
func (a *app) run(body func(ctx context.Context, s zootour.Store, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		ctx := cmd.Context()
		if cmd.Annotations[othersAct] == "" {
			ctx = zootour.WithActor(ctx, a.actor())
		}
		s, err := a.open(ctx, cmd.Annotations[createsDB] != "")
		if err != nil {
			return cmdError{err}
		}
		err = body(ctx, s, args)
		if cerr := s.Close(); err == nil && cerr != nil {
			err = cerr
		}
		if err != nil {
			return cmdError{err}
		}
		return nil
	}
}

// dsn returns the store to use: --db, then $ZOOTOUR_DB, then DefaultDB.
func (a *app) dsn() string {
	if v := a.flagOrEnv(a.dbFlag, "ZOOTOUR_DB"); v != "" {
		return v
	}
	return DefaultDB
}

// flagOrEnv returns a global flag's value if it was given, else that of
// the environment variable that stands for it.
func (a *app) flagOrEnv(flag, env string) string {
	if flag != "" {
		return flag
	}
	return a.env.Getenv(env)
}

// createsDB marks, in a command's annotations, a command that may create
// the SQLite file --db names: serve, import and the add commands (user
// add among them: it makes a fresh install's first admin). Every
// other command reads or changes what is there, and a file that does not
// exist is a mistyped --db, not an empty store to make.
const createsDB = "creates-db"

func creates(c *cobra.Command) *cobra.Command { return annotate(c, createsDB) }

// othersAct marks a command whose writes are made for other people (the
// web server's requests name their own users), so that the change log
// does not put them on whoever started it.
const othersAct = "others-act"

func actsForOthers(c *cobra.Command) *cobra.Command { return annotate(c, othersAct) }

func annotate(c *cobra.Command, key string) *cobra.Command {
	if c.Annotations == nil {
		c.Annotations = map[string]string{}
	}
	c.Annotations[key] = "yes"
	return c
}

// actor is who the change log says made the command's writes: cli:USER,
// USER being the operating system's user, as the README says.
func (a *app) actor() string {
	name := ""
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	if name == "" {
		name = a.env.Getenv("USER")
	}
	if name == "" {
		name = "unknown"
	}
	return "cli:" + name
}

func (a *app) open(ctx context.Context, mayCreate bool) (zootour.Store, error) {
	dsn := a.dsn()
	if !mayCreate && isFile(dsn) {
		if _, err := os.Stat(dsn); errors.Is(err, fs.ErrNotExist) {
			return nil, zootour.Errorf(zootour.EINVALID, "there is no database at %s: check --db (or ZOOTOUR_DB); import, serve and the add commands create one", dsn)
		}
	}
	var opts []postgres.Option
	if read := a.flagOrEnv(a.readFlag, "ZOOTOUR_DB_READ"); read != "" {
		opt, err := readReplica(dsn, read)
		if err != nil {
			return nil, err
		}
		opts = append(opts, opt)
	}
	if parts := a.flagOrEnv(a.partFlag, "ZOOTOUR_DB_PARTITIONS"); parts != "" {
		opt, err := partitions(dsn, parts)
		if err != nil {
			return nil, err
		}
		opts = append(opts, opt)
	}
	return Open(ctx, dsn, opts...)
}

// exactArgs is cobra.ExactArgs with names for the arguments in the message.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != len(names) {
			return fmt.Errorf("%q takes %d argument(s), %s, but got %d", cmd.CommandPath(), len(names), strings.Join(names, " "), len(args))
		}
		return nil
	}
}

// parseID reads a record ID from the command line.
func parseID(what, s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, zootour.Errorf(zootour.EINVALID, "%s ID must be a positive integer up to %d, not %q", what, int64(1<<63-1), s)
	}
	return id, nil
}

// parseDateFlag reads an optional date flag; "" means not given.
func parseDateFlag(flag, s string) (zootour.Date, error) {
	if s == "" {
		return zootour.Date{}, nil
	}
	d, err := zootour.ParseDate(s)
	if err != nil {
		return d, zootour.Errorf(zootour.EINVALID, "--%s: %v", flag, err)
	}
	return d, nil
}

// isTerminal reports whether f is a terminal, for progress lines.
func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// OSEnv returns the Env of the running process.
func OSEnv() Env {
	return Env{
		Stdin:            os.Stdin,
		Stdout:           os.Stdout,
		Stderr:           os.Stderr,
		Getenv:           os.Getenv,
		StderrIsTerminal: isTerminal(os.Stderr),
	}
}
