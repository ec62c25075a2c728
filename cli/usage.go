package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Usage errors: what cobra and pflag say of a malformed command line, said
// again as one sentence that names the command, flag or value at fault.

// usageMessage is the line Main prints for err, a usage error that cobra
// returned for args, cmd being the command it had got to.
func usageMessage(root, cmd *cobra.Command, args []string, err error) string {
	if cmd == nil {
		cmd = root
	}
	// A group parses the flags meant for the subcommand a user mistyped,
	// and fails on them before it sees that the subcommand does not exist:
	// "zootour animl add --name X" would say "unknown flag: --name".
	if cmd.HasSubCommands() {
		if _, rest, ferr := root.Find(args); ferr == nil {
			if word := firstWord(cmd, rest); word != "" && !isSubcommand(cmd, word) {
				err = unknownCommand(cmd, word)
			}
		}
	}
	var uc unknownCmd
	if errors.As(err, &uc) {
		if uc.suggests {
			return "zootour: " + uc.msg + "\n"
		}
		cmd = uc.of
	}
	return fmt.Sprintf("zootour: %s; see '%s --help'.\n", sentence(flagSentence(cmd, err)), cmd.CommandPath())
}

// unknownCmd is a word that is no subcommand of the command of; with
// suggestions, the question "did you mean" ends its sentence.
type unknownCmd struct {
	msg      string
	of       *cobra.Command
	suggests bool
}

func (e unknownCmd) Error() string { return e.msg }

// unknownCommand says that word is not a subcommand of cmd, and which ones
// it may have meant.
func unknownCommand(cmd *cobra.Command, word string) error {
	e := unknownCmd{msg: fmt.Sprintf("unknown command %q for %q", word, cmd.CommandPath()), of: cmd}
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2
	}
	var quoted []string
	for _, s := range slices.Compact(cmd.SuggestionsFor(word)) {
		quoted = append(quoted, fmt.Sprintf("%q", s))
	}
	if len(quoted) > 0 {
		e.msg += "; did you mean " + strings.Join(quoted, " or ") + "?"
		e.suggests = true
	}
	return e
}

func isSubcommand(cmd *cobra.Command, word string) bool {
	for _, c := range cmd.Commands() {
		if c.Name() == word || c.HasAlias(word) {
			return true
		}
	}
	return false
}

// firstWord returns the first of args that is neither a flag of cmd nor a
// flag's value, or "" if there is none or an unknown flag comes first
// (whether it takes a value, and so what the next word is, is unknown).
func firstWord(cmd *cobra.Command, args []string) string {
	flags := cmd.Flags()
	for i := 0; i < len(args); i++ {
		a := args[i]
		var f *pflag.Flag
		inline := false
		switch {
		case a == "--":
			if i+1 < len(args) {
				return args[i+1]
			}
			return ""
		case strings.HasPrefix(a, "--"):
			name, _, hasValue := strings.Cut(a[2:], "=")
			f, inline = flags.Lookup(name), hasValue
		case strings.HasPrefix(a, "-") && len(a) > 1:
			f, inline = flags.ShorthandLookup(a[1:2]), len(a) > 2
		default:
			return a
		}
		if f == nil {
			return ""
		}
		if !inline && f.NoOptDefVal == "" {
			i++ // the flag's value
		}
	}
	return ""
}

// flagSentence rewords pflag's errors, which quote the Go parser
// ("strconv.ParseUint: parsing \"-1\": invalid syntax").
func flagSentence(cmd *cobra.Command, err error) string {
	var invalid *pflag.InvalidValueError
	var needs *pflag.ValueRequiredError
	var unknown *pflag.NotExistError
	switch {
	case errors.As(err, &invalid):
		f, v := invalid.GetFlag(), invalid.GetValue()
		switch f.Value.Type() {
		case "int", "int64", "int32":
			return fmt.Sprintf("--%s must be a whole number, not %q", f.Name, v)
		case "uint", "uint64", "uint32":
			return fmt.Sprintf("--%s must be a whole number, 0 or more, not %q", f.Name, v)
		case "bool":
			return fmt.Sprintf("--%s is true or false, not %q", f.Name, v)
		}
		return fmt.Sprintf("--%s does not take %q", f.Name, v)
	case errors.As(err, &needs):
		if needs.GetSpecifiedShortnames() != "" {
			return fmt.Sprintf("-%s needs a value", needs.GetSpecifiedName()[:1])
		}
		return fmt.Sprintf("--%s needs a value", needs.GetSpecifiedName())
	case errors.As(err, &unknown):
		short := unknown.GetSpecifiedShortnames()
		if short != "" && strings.Trim(short, "0123456789") == "" && strings.Contains(cmd.Use, "ID") {
			// A negative number where the command takes an ID.
			return fmt.Sprintf("an ID must be a positive integer, not %q", "-"+short)
		}
		if short != "" {
			return fmt.Sprintf("unknown flag -%s for %q", unknown.GetSpecifiedName()[:1], cmd.CommandPath())
		}
		return fmt.Sprintf("unknown flag --%s for %q", unknown.GetSpecifiedName(), cmd.CommandPath())
	}
	return err.Error()
}
