package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"
	"strings"

	"github.com/spf13/cobra"
	"github.com/zootour/zootour"
)

// The change log and its reverts (README, "Accounts and the change log").

var changeColumns = columns[zootour.Change]{
	[]string{"ID", "AT", "ACTOR", "BATCH", "ACTION", "KIND", "RECORD", "CHANGE"},
	func(c zootour.Change) []string {
		kind, rec := "-", "-"
		if c.Kind != "" {
			kind, rec = string(c.Kind), id(c.RecordID)
		}
		return []string{id(c.ID), stamp(c.At), c.Actor, id(c.Batch), string(c.Action), kind, rec, summary(c)}
	},
}

// summary says in one line what an entry changed: the fields of a record
// made or deleted, the fields an update changed, the counts of an import.
func summary(c zootour.Change) string {
	var parts []string
	if c.Action == zootour.Update {
		bkeys, before := fields(c.Before)
		akeys, after := fields(c.After)
		for _, k := range akeys {
			if b, ok := before[k]; !ok || b != after[k] {
				parts = append(parts, k+": "+orNone(b)+" -> "+after[k])
			}
		}
		for _, k := range bkeys {
			if _, ok := after[k]; !ok {
				parts = append(parts, k+": "+before[k]+" -> (none)")
			}
		}
		if len(parts) == 0 {
			// A new password, which the log never shows.
			return "(no field shown changed)"
		}
		return strings.Join(parts, ", ")
	}
	raw := c.After
	if raw == nil {
		raw = c.Before
	}
	keys, vals := fields(raw)
	for _, k := range keys {
		if k != "id" { // the RECORD column has it
			parts = append(parts, k+"="+vals[k])
		}
	}
	return strings.Join(parts, " ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// fields reads a JSON object's keys, in order, and their values as JSON.
func fields(raw json.RawMessage) ([]string, map[string]string) {
	vals := map[string]string{}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, vals
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		k, ok := t.(string)
		var v json.RawMessage
		if err != nil || !ok || dec.Decode(&v) != nil {
			break
		}
		keys = append(keys, k)
		vals[k] = string(v)
	}
	return keys, vals
}

func (a *app) historyCommand() *cobra.Command {
	var kind, record, actor, from, to, batch string
	var limit int
	var c *cobra.Command
	c = a.command("history [--kind K] [--id N] [--actor A] [--from DATE] [--to DATE] [--batch N] [--limit N]",
		"list the change log, newest first: who changed which record, when, and how", nil,
		func(ctx context.Context, s zootour.Store, _ []string) error {
			f, err := parseHistoryFlags(c, kind, record, actor, from, to, batch, limit)
			if err != nil {
				return err
			}
			seq := zootour.All(
				func(after zootour.Cursor, n int) ([]zootour.Change, error) {
					f.After, f.Limit = after, n
					return s.Changes(ctx, f)
				},
				zootour.Change.Cursor)
			if limit > 0 {
				seq = take(seq, limit)
			}
			return printList(a.env.Stdout, a.asJSON, changeColumns, seq)
		})
	fl := c.Flags()
	fl.StringVar(&kind, "kind", "", "only changes of this kind of record: zoo, animal, visit, user or token")
	fl.StringVar(&record, "id", "", "only changes of the record with this ID (needs --kind), also after it was deleted")
	fl.StringVar(&actor, "actor", "", "only changes made by this user, or by cli:USER for the command line")
	fl.StringVar(&from, "from", "", "only changes made on or after this date (UTC), YYYY-MM-DD")
	fl.StringVar(&to, "to", "", "only changes made on or before this date (UTC), YYYY-MM-DD")
	fl.StringVar(&batch, "batch", "", "only the changes of this batch (one command or request), what revert undoes")
	fl.IntVar(&limit, "limit", 0, "at most this many changes, the newest (default all)")
	return c
}

// parseHistoryFlags checks history's flags, each refusal naming its flag.
func parseHistoryFlags(c *cobra.Command, kind, record, actor, from, to, batch string, limit int) (zootour.ChangeFilter, error) {
	var f zootour.ChangeFilter
	var err error
	changed := c.Flags().Changed
	if changed("kind") {
		if f.Kind, err = zootour.ParseKind(kind); err != nil {
			return f, zootour.Errorf(zootour.EINVALID, "--kind must be one of zoo, animal, visit, user, token, not %q", kind)
		}
	}
	if changed("id") {
		if f.Kind == "" {
			return f, zootour.Errorf(zootour.EINVALID, "--id needs --kind, the kind of record the ID is of")
		}
		if f.RecordID, err = parseID("record", record); err != nil {
			return f, zootour.Errorf(zootour.EINVALID, "--id: %s", zootour.ErrorMessage(err))
		}
	}
	if changed("actor") {
		if actor == "" {
			return f, zootour.Errorf(zootour.EINVALID, "--actor must not be empty")
		}
		f.Actor = actor
	}
	if f.From, err = parseDateFlag("from", from); err != nil {
		return f, err
	}
	if f.To, err = parseDateFlag("to", to); err != nil {
		return f, err
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		return f, zootour.Errorf(zootour.EINVALID, "--from %s comes after --to %s", f.From, f.To)
	}
	if changed("batch") {
		if f.Batch, err = parseID("batch", batch); err != nil {
			return f, zootour.Errorf(zootour.EINVALID, "--batch: %s", zootour.ErrorMessage(err))
		}
	}
	if limit < 0 {
		return f, zootour.Errorf(zootour.EINVALID, "--limit must not be negative, not %d", limit)
	}
	return f, f.Validate()
}

// take stops seq after n entries.
func take[T any](seq iter.Seq2[T, error], n int) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		i := 0
		for v, err := range seq {
			if i == n || !yield(v, err) || err != nil {
				return
			}
			i++
		}
	}
}

func (a *app) revertCommand() *cobra.Command {
	return a.command("revert CHANGE_ID", "undo a change's whole batch in one logged transaction and print the entries it wrote; a conflict if a record changed since", []string{"CHANGE_ID"},
		func(ctx context.Context, s zootour.Store, args []string) error {
			cid, err := parseID("change", args[0])
			if err != nil {
				return err
			}
			wrote, err := s.Revert(ctx, cid)
			if err != nil {
				return err
			}
			return printList(a.env.Stdout, a.asJSON, changeColumns, sliceSeq(wrote))
		})
}
