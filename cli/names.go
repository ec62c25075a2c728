package cli

import (
	"context"
	"iter"

	"github.com/zootour/zootour"
)

// zooNames gives the tables of the listings that carry zoo IDs only
// (stays, contacts, the census) the zoos' names, for people. It asks the
// store for names in batches and remembers the last batch, so that a zoo
// on many rows costs no query of its own; JSON output needs none of it.
type zooNames struct {
	known map[int64]string
	// batch returns the names of a batch of zoos that should hold id.
	batch func(id int64) (map[int64]string, error)
	// one looks a zoo up that its batch did not hold: made or deleted
	// since.
	one func(id int64) (zootour.Zoo, error)
}

// resolve makes sure that name(id) knows the zoo's name.
func (n *zooNames) resolve(id int64) error {
	if _, ok := n.known[id]; ok {
		return nil
	}
	known, err := n.batch(id)
	if err != nil {
		return err
	}
	n.known = known
	if _, ok := n.known[id]; ok {
		return nil
	}
	z, err := n.one(id)
	switch {
	case err == nil:
		n.known[id] = z.Name
	case zootour.ErrorCode(err) == zootour.ENOTFOUND:
		n.known[id] = "(deleted)"
	default:
		return err
	}
	return nil
}

// name returns the name of a zoo that resolve has seen.
func (n *zooNames) name(id int64) string {
	if n == nil {
		return ""
	}
	return n.known[id]
}

// zooNamesInOrder looks names up for a listing in zoo ID order (the
// census): each batch is the page of zoos from the one asked for, and
// replaces the one before, which the listing has left behind.
func zooNamesInOrder(ctx context.Context, s zootour.Store) *zooNames {
	return &zooNames{
		batch: func(id int64) (map[int64]string, error) {
			zs, err := s.FindZoos(ctx, zootour.ZooFilter{After: zootour.Cursor{ID: id - 1}, Limit: zootour.AllPageSize})
			if err != nil {
				return nil, err
			}
			known := make(map[int64]string, len(zs))
			for _, z := range zs {
				known[z.ID] = z.Name
			}
			return known, nil
		},
		one: func(id int64) (zootour.Zoo, error) { return s.Zoo(ctx, id) },
	}
}

// animalZooNames looks names up for a listing of an animal's stays or
// contacts, every one of them at a zoo the animal visited: one batch, the
// zoos of its visits, each once.
func animalZooNames(ctx context.Context, s zootour.Store, animal int64) *zooNames {
	return &zooNames{
		batch: func(int64) (map[int64]string, error) {
			known := map[int64]string{}
			q := zootour.Query{Distinct: true}
			for z, err := range byPosition(q, func(q zootour.Query) ([]zootour.AnimalZoo, error) { return s.AnimalZoos(ctx, animal, q) }) {
				if err != nil {
					return nil, err
				}
				known[z.ID] = z.Name
			}
			return known, nil
		},
		one: func(id int64) (zootour.Zoo, error) { return s.Zoo(ctx, id) },
	}
}

// withZooNames has names resolve the zoos that zoos lists of each entry
// of seq before the entry goes on to be printed; a failed lookup ends seq
// with its error. Without names (JSON output), seq is returned as it is.
func withZooNames[T any](seq iter.Seq2[T, error], names *zooNames, zoos func(T) []int64) iter.Seq2[T, error] {
	if names == nil {
		return seq
	}
	return func(yield func(T, error) bool) {
		for v, err := range seq {
			if err == nil {
				for _, id := range zoos(v) {
					if err = names.resolve(id); err != nil {
						break
					}
				}
			}
			if !yield(v, err) || err != nil {
				return
			}
		}
	}
}
