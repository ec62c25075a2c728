package cli

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/zootour/zootour"
)

// The list commands find records: a search, filters and an order, paged
// through the store a page at a time (docs/finding.md).

// findFlags are the flags every list command shares.
type findFlags struct {
	search, sort string
}

func (f *findFlags) add(c *cobra.Command, kind string) {
	if kind != "visit" {
		c.Flags().StringVar(&f.search, "search", "", "only the "+kind+"s whose words start with these words (case and accents ignored), or with this ID")
	}
	names := ""
	for i, s := range zootour.Sorts(kind) {
		if i > 0 {
			names += ", "
		}
		names += string(s)
	}
	c.Flags().StringVar(&f.sort, "sort", "", "the order: "+names+" (default id, or name with --search)")
}

// parse reads the search and the order; an empty --search given on the
// command line is refused, not taken for no search.
func (f *findFlags) parse(c *cobra.Command, kind string) (zootour.Search, zootour.Sort, error) {
	var q zootour.Search
	if c.Flags().Changed("search") {
		var err error
		if q, err = zootour.ParseSearch(f.search); err != nil {
			return q, "", zootour.Errorf(zootour.EINVALID, "--search: %v", err)
		}
	}
	s, err := zootour.ParseSort(f.sort, zootour.Sorts(kind))
	if err != nil {
		return q, "", zootour.Errorf(zootour.EINVALID, "--%v", err)
	}
	return q, s, nil
}

func (a *app) zooListCommand() *cobra.Command {
	var f findFlags
	var c *cobra.Command
	c = a.command("list [--search WORDS] [--sort ORDER]", "list zoos, by ID, by name, or found by words", nil,
		func(ctx context.Context, s zootour.Store, _ []string) error {
			q, order, err := f.parse(c, "zoo")
			if err != nil {
				return err
			}
			filter := zootour.ZooFilter{Search: q, Sort: order}
			return printList(a.env.Stdout, a.asJSON, zooColumns, zootour.All(
				func(after zootour.Cursor, limit int) ([]zootour.Zoo, error) {
					filter.After, filter.Limit = after, limit
					return s.FindZoos(ctx, filter)
				},
				func(z zootour.Zoo) zootour.Cursor { return zootour.ZooCursor(z, filter.Order()) }))
		})
	f.add(c, "zoo")
	return c
}

func (a *app) animalListCommand() *cobra.Command {
	var f findFlags
	var species string
	var c *cobra.Command
	c = a.command("list [--search WORDS] [--species S] [--sort ORDER]", "list animals, by ID, by name, or found by words or species", nil,
		func(ctx context.Context, s zootour.Store, _ []string) error {
			q, order, err := f.parse(c, "animal")
			if err != nil {
				return err
			}
			filter := zootour.AnimalFilter{Search: q, Sort: order, Species: species}
			if c.Flags().Changed("species") {
				if _, err := zootour.CleanText("--species", species); err != nil {
					return err
				}
			}
			return printList(a.env.Stdout, a.asJSON, animalColumns, zootour.All(
				func(after zootour.Cursor, limit int) ([]zootour.Animal, error) {
					filter.After, filter.Limit = after, limit
					return s.FindAnimals(ctx, filter)
				},
				func(an zootour.Animal) zootour.Cursor { return zootour.AnimalCursor(an, filter.Order()) }))
		})
	f.add(c, "animal")
	c.Flags().StringVar(&species, "species", "", "only the animals of this species (case ignored)")
	return c
}

func (a *app) visitListCommand() *cobra.Command {
	var f findFlags
	var zoo, animal, from, to string
	var c *cobra.Command
	c = a.command("list [--zoo ID] [--animal ID] [--from DATE] [--to DATE] [--sort ORDER]", "list visits, by ID or by date, of a zoo, an animal or a window", nil,
		func(ctx context.Context, s zootour.Store, _ []string) error {
			_, order, err := f.parse(c, "visit")
			if err != nil {
				return err
			}
			filter := zootour.VisitFilter{Sort: order}
			if c.Flags().Changed("zoo") {
				if filter.ZooID, err = parseID("zoo", zoo); err != nil {
					return err
				}
			}
			if c.Flags().Changed("animal") {
				if filter.AnimalID, err = parseID("animal", animal); err != nil {
					return err
				}
			}
			if filter.From, err = parseDateFlag("from", from); err != nil {
				return err
			}
			if filter.To, err = parseDateFlag("to", to); err != nil {
				return err
			}
			if err := filter.Validate(); err != nil {
				return err
			}
			return printList(a.env.Stdout, a.asJSON, visitColumns, zootour.All(
				func(after zootour.Cursor, limit int) ([]zootour.Visit, error) {
					filter.After, filter.Limit = after, limit
					return s.FindVisits(ctx, filter)
				},
				func(v zootour.Visit) zootour.Cursor { return zootour.VisitCursor(v, filter.Order()) }))
		})
	f.add(c, "visit")
	c.Flags().StringVar(&zoo, "zoo", "", "only the visits to this zoo (ID)")
	c.Flags().StringVar(&animal, "animal", "", "only the visits of this animal (ID)")
	c.Flags().StringVar(&from, "from", "", "only visits on or after this date")
	c.Flags().StringVar(&to, "to", "", "only visits on or before this date")
	return c
}
