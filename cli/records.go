package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/zootour/zootour"
)

func (a *app) zooCommand() *cobra.Command {
	var name, location string
	add := creates(a.command("add --name N --location L", "add a zoo and print it", nil,
		func(ctx context.Context, s zootour.Store, _ []string) error {
			z, err := s.CreateZoo(ctx, zootour.Zoo{Name: name, Location: location})
			return printResult(a, zooColumns, z, err)
		}))
	add.Flags().StringVar(&name, "name", "", "the zoo's name")
	add.Flags().StringVar(&location, "location", "", "the zoo's location")

	var u zootour.ZooUpdate
	edit := a.command("edit ID [--name N] [--location L]", "change a zoo's name or location and print it", []string{"ID"},
		func(ctx context.Context, s zootour.Store, args []string) error {
			id, err := parseID("zoo", args[0])
			if err != nil {
				return err
			}
			z, err := s.UpdateZoo(ctx, id, u)
			return printResult(a, zooColumns, z, err)
		})
	stringFlag(edit, &u.Name, "name", "the zoo's new name")
	stringFlag(edit, &u.Location, "location", "the zoo's new location")

	var visits, animals zootour.Query
	return group("zoo", "zoos, their visits and their animals",
		add,
		a.zooListCommand(),
		a.showCommand("zoo", func(ctx context.Context, s zootour.Store, id int64) error {
			z, err := s.Zoo(ctx, id)
			return printResult(a, zooColumns, z, err)
		}),
		edit,
		a.rmCommand("zoo", func(ctx context.Context, s zootour.Store, id int64, cascade bool) error {
			z, err := s.Zoo(ctx, id)
			if err != nil {
				return err
			}
			return printDeleted(a, "zoo", zooColumns, z, s.DeleteZoo(ctx, id, cascade))
		}),
		a.listingCommand("visits ID [--from DATE] [--to DATE]", "list a zoo's visits by date", "zoo", &visits, false,
			func(ctx context.Context, s zootour.Store, id int64) error {
				return printList(a.env.Stdout, a.asJSON, visitColumns, byPosition(visits, func(q zootour.Query) ([]zootour.Visit, error) { return s.ZooVisits(ctx, id, q) }))
			}),
		a.listingCommand("animals ID [--distinct] [--from DATE] [--to DATE]", "list the animals of a zoo's visits, one per visit or --distinct", "zoo", &animals, true,
			func(ctx context.Context, s zootour.Store, id int64) error {
				return printList(a.env.Stdout, a.asJSON, zooAnimalColumns, byPosition(animals, func(q zootour.Query) ([]zootour.ZooAnimal, error) { return s.ZooAnimals(ctx, id, q) }))
			}), a.presentCommand(),
	)
}

func (a *app) animalCommand() *cobra.Command {
	var name, species string
	add := creates(a.command("add --name N --species S", "add an animal and print it", nil,
		func(ctx context.Context, s zootour.Store, _ []string) error {
			an, err := s.CreateAnimal(ctx, zootour.Animal{Name: name, Species: species})
			return printResult(a, animalColumns, an, err)
		}))
	add.Flags().StringVar(&name, "name", "", "the animal's name")
	add.Flags().StringVar(&species, "species", "", "the animal's species")

	var u zootour.AnimalUpdate
	edit := a.command("edit ID [--name N] [--species S]", "change an animal's name or species and print it", []string{"ID"},
		func(ctx context.Context, s zootour.Store, args []string) error {
			id, err := parseID("animal", args[0])
			if err != nil {
				return err
			}
			an, err := s.UpdateAnimal(ctx, id, u)
			return printResult(a, animalColumns, an, err)
		})
	stringFlag(edit, &u.Name, "name", "the animal's new name")
	stringFlag(edit, &u.Species, "species", "the animal's new species")

	var visits, zoos zootour.Query
	return group("animal", "animals, their visits and their zoos",
		add,
		a.animalListCommand(),
		a.showCommand("animal", func(ctx context.Context, s zootour.Store, id int64) error {
			an, err := s.Animal(ctx, id)
			return printResult(a, animalColumns, an, err)
		}),
		edit,
		a.rmCommand("animal", func(ctx context.Context, s zootour.Store, id int64, cascade bool) error {
			an, err := s.Animal(ctx, id)
			if err != nil {
				return err
			}
			return printDeleted(a, "animal", animalColumns, an, s.DeleteAnimal(ctx, id, cascade))
		}),
		a.listingCommand("visits ID [--from DATE] [--to DATE]", "list an animal's visits by date", "animal", &visits, false,
			func(ctx context.Context, s zootour.Store, id int64) error {
				return printList(a.env.Stdout, a.asJSON, visitColumns, byPosition(visits, func(q zootour.Query) ([]zootour.Visit, error) { return s.AnimalVisits(ctx, id, q) }))
			}),
		a.listingCommand("zoos ID [--distinct] [--from DATE] [--to DATE]", "list the zoos of an animal's visits, one per visit or --distinct", "animal", &zoos, true,
			func(ctx context.Context, s zootour.Store, id int64) error {
				return printList(a.env.Stdout, a.asJSON, animalZooColumns, byPosition(zoos, func(q zootour.Query) ([]zootour.AnimalZoo, error) { return s.AnimalZoos(ctx, id, q) }))
			}), a.itineraryCommand(),
		a.whereCommand(),
		a.contactsCommand(),
	)
}

func (a *app) visitCommand() *cobra.Command {
	var date, zoo, animal string
	add := creates(a.command("add --date D --zoo ID --animal ID", "record a visit and print it", nil,
		func(ctx context.Context, s zootour.Store, _ []string) error {
			var v zootour.Visit
			var err error
			switch {
			case date == "":
				return zootour.Errorf(zootour.EINVALID, "--date is required")
			case zoo == "":
				return zootour.Errorf(zootour.EINVALID, "--zoo is required")
			case animal == "":
				return zootour.Errorf(zootour.EINVALID, "--animal is required")
			}
			if v.Date, err = parseDateFlag("date", date); err != nil {
				return err
			}
			if v.ZooID, err = parseID("zoo", zoo); err != nil {
				return err
			}
			if v.AnimalID, err = parseID("animal", animal); err != nil {
				return err
			}
			v, err = s.CreateVisit(ctx, v)
			return printResult(a, visitColumns, v, err)
		}))
	add.Flags().StringVar(&date, "date", "", "the date of the visit, YYYY-MM-DD")
	add.Flags().StringVar(&zoo, "zoo", "", "the zoo's ID")
	add.Flags().StringVar(&animal, "animal", "", "the animal's ID")

	return group("visit", "visits: an animal at a zoo on a date",
		add,
		a.visitListCommand(),
		a.showCommand("visit", func(ctx context.Context, s zootour.Store, id int64) error {
			v, err := s.Visit(ctx, id)
			return printResult(a, visitColumns, v, err)
		}),
		a.idCommand("rm ID", "delete a visit", "visit", func(ctx context.Context, s zootour.Store, id int64) error {
			v, err := s.Visit(ctx, id)
			if err != nil {
				return err
			}
			return printDeleted(a, "visit", visitColumns, v, s.DeleteVisit(ctx, id))
		}),
	)
}

// command builds a leaf command that opens the store and runs body. args
// names its positional arguments.
func (a *app) command(use, short string, args []string, body func(ctx context.Context, s zootour.Store, args []string) error) *cobra.Command {
	c := &cobra.Command{Use: use, Short: short, Args: noArgs, RunE: a.run(body)}
	if args != nil {
		c.Args = exactArgs(args...)
	}
	return c
}

// idCommand builds a command that takes one record ID.
func (a *app) idCommand(use, short, what string, body func(ctx context.Context, s zootour.Store, id int64) error) *cobra.Command {
	return a.command(use, short, []string{"ID"}, func(ctx context.Context, s zootour.Store, args []string) error {
		id, err := parseID(what, args[0])
		if err != nil {
			return err
		}
		return body(ctx, s, id)
	})
}

func (a *app) showCommand(what string, body func(ctx context.Context, s zootour.Store, id int64) error) *cobra.Command {
	return a.idCommand("show ID", "print one "+what, what, body)
}

func (a *app) rmCommand(what string, body func(ctx context.Context, s zootour.Store, id int64, cascade bool) error) *cobra.Command {
	var cascade bool
	c := a.idCommand("rm ID [--cascade]", "delete "+article(what)+"; refused while it has visits, unless --cascade deletes them too", what,
		func(ctx context.Context, s zootour.Store, id int64) error { return body(ctx, s, id, cascade) })
	c.Flags().BoolVar(&cascade, "cascade", false, "delete the "+what+"'s visits too")
	return c
}

// article puts "a" or "an" before noun, as its first letter says.
func article(noun string) string {
	if noun != "" && strings.ContainsRune("aeiou", rune(noun[0])) {
		return "an " + noun
	}
	return "a " + noun
}

// listingCommand builds a relationship listing: one record ID, a date
// window, and --distinct where it makes sense. The flags are parsed into q
// before body runs.
func (a *app) listingCommand(use, short, what string, q *zootour.Query, distinct bool, body func(ctx context.Context, s zootour.Store, id int64) error) *cobra.Command {
	var from, to string
	c := a.idCommand(use, short, what, func(ctx context.Context, s zootour.Store, id int64) error {
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
		return body(ctx, s, id)
	})
	c.Flags().StringVar(&from, "from", "", "only visits on or after this date, YYYY-MM-DD")
	c.Flags().StringVar(&to, "to", "", "only visits on or before this date, YYYY-MM-DD")
	if distinct {
		c.Flags().BoolVar(&q.Distinct, "distinct", false, "list each once, at its first visit")
	}
	return c
}

// printResult prints rec unless err is set.
func printResult[T any](a *app, c columns[T], rec T, err error) error {
	if err != nil {
		return err
	}
	return printOne(a.env.Stdout, a.asJSON, c, rec)
}

// printDeleted reports a deletion: the deleted record with --json, a
// sentence otherwise.
func printDeleted[T any](a *app, what string, c columns[T], rec T, err error) error {
	if err != nil {
		return err
	}
	if a.asJSON {
		return printOne(a.env.Stdout, true, c, rec)
	}
	_, err = fmt.Fprintf(a.env.Stdout, "deleted %s %s\n", what, c.row(rec)[0])
	return err
}

// stringFlag defines a string flag that sets *p only when given, so that
// an edit changes only the fields named on the command line.
func stringFlag(c *cobra.Command, p **string, name, usage string) {
	c.Flags().Func(name, usage, func(s string) error {
		*p = &s
		return nil
	})
}
