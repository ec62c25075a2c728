package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/zootour/zootour"
)

// Where and when: the questions derived from visits (docs/stays.md).

var presenceColumns = columns[zootour.Presence]{
	[]string{"ID", "NAME", "SPECIES", "SINCE", "UNTIL"},
	func(p zootour.Presence) []string {
		return []string{id(p.ID), p.Name, p.Species, p.From.String(), optDate(p.To)}
	},
}

// stayColumns, contactColumns and censusColumns show each zoo's name,
// which names has looked up, beside its ID.
func stayColumns(names *zooNames) columns[zootour.Stay] {
	return columns[zootour.Stay]{
		[]string{"ZOO", "NAME", "FROM", "TO", "VISITS", "DAYS"},
		func(s zootour.Stay) []string {
			to, days := "(still there)", ""
			if s.To != nil {
				to, days = s.To.String(), fmt.Sprint(s.From.DaysUntil(*s.To))
			}
			return []string{id(s.ZooID), names.name(s.ZooID), s.From.String(), to, fmt.Sprint(s.Visits), days}
		},
	}
}

func contactColumns(names *zooNames) columns[zootour.Contact] {
	return columns[zootour.Contact]{
		[]string{"ID", "NAME", "SPECIES", "TOGETHER (ZOO NAME: FROM..UNTIL)"},
		func(c zootour.Contact) []string {
			var parts []string
			for _, o := range c.Overlaps {
				parts = append(parts, fmt.Sprintf("%d %s: %s..%s", o.ZooID, names.name(o.ZooID), o.From, optDate(o.To)))
			}
			return []string{id(c.ID), c.Name, c.Species, strings.Join(parts, "; ")}
		},
	}
}

func censusColumns(names *zooNames) columns[zootour.CensusRow] {
	return columns[zootour.CensusRow]{
		[]string{"ZOO", "NAME", "SPECIES", "COUNT"},
		func(r zootour.CensusRow) []string {
			return []string{id(r.ZooID), names.name(r.ZooID), r.Species, fmt.Sprint(r.Count)}
		},
	}
}

// tableNames is names for a table, nil (no lookups) for JSON.
func (a *app) tableNames(names func() *zooNames) *zooNames {
	if a.asJSON {
		return nil
	}
	return names()
}

func stayZoos(s zootour.Stay) []int64 { return []int64{s.ZooID} }

func contactZoos(c zootour.Contact) []int64 {
	ids := make([]int64, len(c.Overlaps))
	for i, o := range c.Overlaps {
		ids[i] = o.ZooID
	}
	return ids
}

func censusZoos(r zootour.CensusRow) []int64 { return []int64{r.ZooID} }

// optDate prints an open end as "now".
func optDate(d *zootour.Date) string {
	if d == nil {
		return "now"
	}
	return d.String()
}

// onFlag adds --on to c, a date that defaults to today.
func onFlag(c *cobra.Command, on *string) {
	c.Flags().StringVar(on, "on", "", "the date, YYYY-MM-DD (default today)")
}

func parseOn(s string) (zootour.Date, error) {
	if s == "" {
		return zootour.DateOf(time.Now()), nil
	}
	return parseDateFlag("on", s)
}

func (a *app) itineraryCommand() *cobra.Command {
	return a.idCommand("itinerary ID", "list an animal's stays: its visits with consecutive visits to one zoo merged", "animal",
		func(ctx context.Context, s zootour.Store, animal int64) error {
			names := a.tableNames(func() *zooNames { return animalZooNames(ctx, s, animal) })
			return printList(a.env.Stdout, a.asJSON, stayColumns(names), withZooNames(zootour.All(
				func(after zootour.Cursor, limit int) ([]zootour.Stay, error) {
					return s.AnimalStays(ctx, animal, zootour.StayQuery{After: after, Limit: limit})
				},
				zootour.Stay.Cursor), names, stayZoos))
		})
}

func (a *app) whereCommand() *cobra.Command {
	var on string
	c := a.idCommand("where ID [--on DATE]", "print the zoo an animal was at on a date (JSON null if none yet)", "animal",
		func(ctx context.Context, s zootour.Store, animal int64) error {
			d, err := parseOn(on)
			if err != nil {
				return err
			}
			z, err := s.AnimalWhere(ctx, animal, d)
			switch {
			case err != nil:
				return err
			case z != nil:
				return printOne(a.env.Stdout, a.asJSON, zooColumns, *z)
			case a.asJSON:
				return json.NewEncoder(a.env.Stdout).Encode(nil)
			}
			_, err = fmt.Fprintf(a.env.Stdout, "animal %d was at no zoo on %s\n", animal, d)
			return err
		})
	onFlag(c, &on)
	return c
}

func (a *app) presentCommand() *cobra.Command {
	var on, from, to string
	c := a.idCommand("present ID [--on DATE | --from DATE --to DATE]", "list the animals at a zoo on a date, or every stay there during a window", "zoo",
		func(ctx context.Context, s zootour.Store, zoo int64) error {
			var q zootour.PresentQuery
			var err error
			if q.From, err = parseDateFlag("from", from); err != nil {
				return err
			}
			if q.To, err = parseDateFlag("to", to); err != nil {
				return err
			}
			if on != "" || (from == "" && to == "") {
				if q.On, err = parseOn(on); err != nil {
					return err
				}
			}
			if err := q.Validate(); err != nil {
				return err
			}
			return printList(a.env.Stdout, a.asJSON, presenceColumns, zootour.All(
				func(after zootour.Cursor, limit int) ([]zootour.Presence, error) {
					q.After, q.Limit = after, limit
					return s.ZooPresent(ctx, zoo, q)
				},
				zootour.Presence.Position))
		})
	onFlag(c, &on)
	c.Flags().StringVar(&from, "from", "", "the window's first day, with --to: every stay that overlaps it")
	c.Flags().StringVar(&to, "to", "", "the window's last day, with --from")
	return c
}

func (a *app) contactsCommand() *cobra.Command {
	var from, to string
	c := a.idCommand("contacts ID [--from DATE] [--to DATE]", "list the animals that shared a zoo with an animal, and when", "animal",
		func(ctx context.Context, s zootour.Store, animal int64) error {
			var q zootour.ContactQuery
			var err error
			if q.From, err = parseDateFlag("from", from); err != nil {
				return err
			}
			if q.To, err = parseDateFlag("to", to); err != nil {
				return err
			}
			if err := q.Validate(); err != nil {
				return err
			}
			names := a.tableNames(func() *zooNames { return animalZooNames(ctx, s, animal) })
			return printList(a.env.Stdout, a.asJSON, contactColumns(names), withZooNames(zootour.All(
				func(after zootour.Cursor, limit int) ([]zootour.Contact, error) {
					q.After, q.Limit = after, limit
					return s.AnimalContacts(ctx, animal, q)
				},
				zootour.Contact.Cursor), names, contactZoos))
		})
	c.Flags().StringVar(&from, "from", "", "only overlaps with a day on or after this date")
	c.Flags().StringVar(&to, "to", "", "only overlaps with a day on or before this date")
	return c
}

func (a *app) censusCommand() *cobra.Command {
	var on string
	c := a.command("census [--on DATE]", "count the animals present on a date, by zoo and species", nil,
		func(ctx context.Context, s zootour.Store, _ []string) error {
			d, err := parseOn(on)
			if err != nil {
				return err
			}
			names := a.tableNames(func() *zooNames { return zooNamesInOrder(ctx, s) })
			return printList(a.env.Stdout, a.asJSON, censusColumns(names), withZooNames(zootour.All(
				func(after zootour.Cursor, limit int) ([]zootour.CensusRow, error) {
					return s.Census(ctx, zootour.CensusQuery{On: d, After: after, Limit: limit})
				},
				zootour.CensusRow.Cursor), names, censusZoos))
		})
	onFlag(c, &on)
	return c
}
