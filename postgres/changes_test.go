package postgres_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/zootour/zootour"
)

// TestRevertConcurrentWrites reverts batches while other writers write
// the same visits, zoos and animals: every call must succeed or fail with
// a domain error (a deadlock would be an internal one), the stays must be
// those the visits give, and each record's entries, in ID order, must
// chain (each before the after of the one before) to the record as it is.
func TestRevertConcurrentWrites(t *testing.T) {
	s, ctx := open(t), t.Context()
	var zs, as []int64
	for range 3 {
		zs = append(zs, must(s.CreateZoo(ctx, zootour.Zoo{Name: "Z", Location: "L"}))(t).ID)
		as = append(as, must(s.CreateAnimal(ctx, zootour.Animal{Name: "A", Species: "S"}))(t).ID)
	}
	start := zootour.MustDate("2024-01-01")
	names := []string{"A", "B", "C"}
	const writers, ops, days = 6, 60, 10

	var wg sync.WaitGroup
	errs := make(chan error, writers*ops)
	for w := range writers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for range ops {
				var err error
				switch n := r.IntN(10); {
				case n < 3:
					_, err = s.CreateVisit(ctx, zootour.Visit{Date: start.AddDays(r.IntN(days)), ZooID: zs[r.IntN(3)], AnimalID: as[r.IntN(3)]})
				case n < 5:
					var vs []zootour.Visit
					if vs, err = s.FindVisits(ctx, zootour.VisitFilter{}); err == nil && len(vs) > 0 {
						v := vs[r.IntN(len(vs))]
						if r.IntN(2) == 0 {
							err = s.DeleteVisit(ctx, v.ID)
						} else {
							_, err = s.UpdateVisit(ctx, v.ID, zootour.VisitUpdate{ZooID: &zs[r.IntN(3)], AnimalID: &as[r.IntN(3)]})
						}
					}
				case n < 6:
					_, err = s.UpdateAnimal(ctx, as[r.IntN(3)], zootour.AnimalUpdate{Name: &names[r.IntN(len(names))]})
				case n < 7:
					err = s.DeleteZoo(ctx, zs[r.IntN(3)], true)
				default:
					var log []zootour.Change
					if log, err = s.Changes(ctx, zootour.ChangeFilter{Limit: 20}); err == nil && len(log) > 0 {
						_, err = s.Revert(ctx, log[r.IntN(len(log))].ID)
					}
				}
				if err != nil && zootour.ErrorCode(err) == "" {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if diffs, err := s.Check(ctx, 0); err != nil || len(diffs) != 0 {
		t.Errorf("Check = %q, %v; want no differences", diffs, err)
	}
	checkChains(t, s)
}

// checkChains checks that each record's entries chain to the record as
// it is now.
func checkChains(t *testing.T, s zootour.Store) {
	t.Helper()
	ctx := t.Context()
	log := must(s.Changes(ctx, zootour.ChangeFilter{}))(t)
	slices.Reverse(log)
	type key struct {
		k  zootour.Kind
		id int64
	}
	last := map[key]json.RawMessage{}
	for _, c := range log {
		if c.Kind == "" {
			continue
		}
		k := key{c.Kind, c.RecordID}
		if prev, seen := last[k]; seen && !sameJSON(prev, c.Before) {
			t.Errorf("entry %d: %s %d before %s, but the entry before left it %s", c.ID, c.Kind, c.RecordID, c.Before, prev)
		}
		last[k] = c.After
	}
	for k, after := range last {
		var now any
		var err error
		switch k.k {
		case zootour.KindZoo:
			now, err = s.Zoo(ctx, k.id)
		case zootour.KindAnimal:
			now, err = s.Animal(ctx, k.id)
		case zootour.KindVisit:
			now, err = s.Visit(ctx, k.id)
		default:
			continue
		}
		var raw json.RawMessage
		if zootour.ErrorCode(err) != zootour.ENOTFOUND {
			raw = must(json.Marshal(now))(t)
		}
		if !sameJSON(raw, after) {
			t.Errorf("%s %d is %s, but its last entry left it %s", k.k, k.id, raw, after)
		}
	}
}

// sameJSON compares JSON values by meaning; nil is no record.
func sameJSON(a, b json.RawMessage) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && reflect.DeepEqual(x, y)
}

// TestDeleteUserRacesTokens creates tokens and sessions of a user while
// the user is deleted: each call succeeds or fails as not found, and
// every token created is logged as deleted too.
func TestDeleteUserRacesTokens(t *testing.T) {
	s, ctx := open(t), t.Context()
	for round := range 5 {
		name := fmt.Sprint("u", round)
		must(s.CreateUser(ctx, name, zootour.Editor, ""))(t)
		var wg sync.WaitGroup
		errs := make(chan error, 41)
		for i := range 20 {
			wg.Go(func() {
				if _, err := s.CreateToken(ctx, name, "", fmt.Sprint(name, "-", i)); err != nil && zootour.ErrorCode(err) != zootour.ENOTFOUND {
					errs <- err
				}
			})
			wg.Go(func() {
				err := s.CreateSession(ctx, fmt.Sprint(name, "-s", i), name, time.Now().Add(time.Hour))
				if err != nil && zootour.ErrorCode(err) != zootour.ENOTFOUND {
					errs <- err
				}
			})
		}
		wg.Go(func() {
			if err := s.DeleteUser(ctx, name); err != nil {
				errs <- err
			}
		})
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	}
	created, deleted := map[int64]bool{}, map[int64]bool{}
	for _, c := range must(s.Changes(ctx, zootour.ChangeFilter{Kind: zootour.KindToken}))(t) {
		switch c.Action {
		case zootour.Create:
			created[c.RecordID] = true
		case zootour.Delete:
			if deleted[c.RecordID] {
				t.Errorf("token %d deleted twice in the log", c.RecordID)
			}
			deleted[c.RecordID] = true
		}
	}
	if !reflect.DeepEqual(created, deleted) {
		t.Errorf("tokens created %v, deleted %v: want each created one logged as deleted", created, deleted)
	}
	if ts := must(s.Tokens(ctx, ""))(t); len(ts) != 0 {
		t.Errorf("tokens left: %v", ts)
	}
}

// TestTokenUse notes a token's use when the last one noted is stale, and
// only then.
func TestTokenUse(t *testing.T) {
	s, ctx := open(t), t.Context()
	must(s.CreateUser(ctx, "ann", zootour.Viewer, ""))(t)
	tok := must(s.CreateToken(ctx, "ann", "", "h"))(t)
	at := tok.Created.Add(10 * time.Minute)
	used := func() string {
		t.Helper()
		ts := must(s.Tokens(ctx, "ann"))(t)
		if len(ts) != 1 || ts[0].LastUsed == nil {
			return ""
		}
		return ts[0].LastUsed.UTC().String()
	}
	if u := must(s.TokenUser(ctx, "h", at))(t); u.Name != "ann" {
		t.Errorf("TokenUser = %+v", u)
	}
	first := used()
	if first != at.UTC().Truncate(time.Microsecond).String() {
		t.Errorf("last used %q after a first use at %v", first, at)
	}
	must(s.TokenUser(ctx, "h", at.Add(30*time.Second)))(t)
	if got := used(); got != first {
		t.Errorf("a use 30s later wrote last used %q, want it left at %q", got, first)
	}
	must(s.TokenUser(ctx, "h", at.Add(90*time.Second)))(t)
	if got := used(); got == first {
		t.Errorf("a use 90s later left last used at %q", got)
	}
	if n := len(must(s.Changes(ctx, zootour.ChangeFilter{Kind: zootour.KindToken}))(t)); n != 1 {
		t.Errorf("the token has %d entries after its uses, want its create only", n)
	}
	_, err := s.TokenUser(ctx, "nope", at)
	wantCode(t, "TokenUser of an unknown hash", err, zootour.ENOTFOUND)
}
