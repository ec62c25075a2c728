package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/zootour/zootour"
	"github.com/zootour/zootour/postgres/pgtest"
)

// TestImportBesideDelete runs an import while another transaction holds
// a zoo its visits refer to and then deletes that zoo's visits, as a
// cascade delete does: the two must queue, one after the other, never
// deadlock (40P01), into an empty visits table (the bulk path) and into
// one with visits.
func TestImportBesideDelete(t *testing.T) {
	for _, visitsFirst := range []bool{false, true} {
		url := pgtest.URL(t)
		s := openURL(t, url)
		ctx := context.Background()
		z, err := s.CreateZoo(ctx, zootour.Zoo{Name: "Z", Location: "L"})
		if err != nil {
			t.Fatal(err)
		}
		a, err := s.CreateAnimal(ctx, zootour.Animal{Name: "A", Species: "S"})
		if err != nil {
			t.Fatal(err)
		}
		if visitsFirst {
			if _, err := s.CreateVisit(ctx, zootour.Visit{Date: zootour.MustDate("1000-01-01"), ZooID: z.ID, AnimalID: a.ID}); err != nil {
				t.Fatal(err)
			}
		}
		var vs []zootour.Visit
		day := zootour.MustDate("1500-01-01")
		for i := range 12000 {
			vs = append(vs, zootour.Visit{ID: int64(1000 + i), Date: day.AddDays(i), ZooID: z.ID, AnimalID: a.ID})
		}
		other := connect(t, url)
		tx, err := other.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, `SELECT id FROM zoos WHERE id = $1 FOR UPDATE`, z.ID); err != nil {
			t.Fatal(err)
		}
		imported := make(chan error, 1)
		go func() {
			imported <- s.Import(ctx, zootour.Source{Visits: func(yield func(zootour.Visit, error) bool) {
				for _, v := range vs {
					if !yield(v, nil) {
						return
					}
				}
			}})
		}()
		time.Sleep(300 * time.Millisecond) // the import under way, waiting or not
		_, derr := tx.Exec(ctx, `DELETE FROM visits WHERE zoo_id = $1`, z.ID)
		if derr == nil {
			derr = tx.Commit(ctx)
		} else {
			tx.Rollback(ctx)
		}
		ierr := <-imported
		if derr != nil || ierr != nil {
			t.Errorf("visits first %v: the delete: %v; the import: %v; want both to succeed in turn", visitsFirst, derr, ierr)
		}
	}
}
