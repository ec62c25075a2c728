package cli

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"
	"github.com/zootour/zootour"
)

// checkCommand checks the store's storage for damage (SQLite's pages),
// then rebuilds what the store derives from the records (the stays of the
// visits) and reports every difference: exit 0 when there is none, 1 when
// there is any.
func (a *app) checkCommand() *cobra.Command {
	var most int
	var repair bool
	c := a.command("check [--max N] [--repair]", "check the file for damage, rebuild the stays from the visits and report any difference (exit 1 if there is one)", nil,
		func(ctx context.Context, s zootour.Store, _ []string) error {
			if most < 0 {
				return zootour.Errorf(zootour.EINVALID, "--max must be 0 (all) or more, not %d", most)
			}
			if v, ok := s.(zootour.Verifier); ok {
				if err := v.Verify(ctx); err != nil {
					return err
				}
			}
			c, ok := s.(zootour.Checker)
			if !ok {
				return fmt.Errorf("this store keeps no derived data to check")
			}
			if repair {
				if err := c.Rebuild(ctx); err != nil {
					return err
				}
			}
			diffs, err := c.Check(ctx, most)
			if err != nil {
				return err
			}
			if a.asJSON {
				if diffs == nil {
					diffs = []string{}
				}
				if err := json.NewEncoder(a.env.Stdout).Encode(map[string]any{"differences": diffs}); err != nil {
					return err
				}
			} else {
				for _, d := range diffs {
					fmt.Fprintln(a.env.Stdout, d)
				}
				if len(diffs) == 0 {
					fmt.Fprintln(a.env.Stdout, "the stays agree with the visits")
				}
			}
			if len(diffs) > 0 {
				return fmt.Errorf("%d differences between the stays and the visits: zootour check --repair rebuilds the stays from the visits", len(diffs))
			}
			return nil
		})
	c.Flags().IntVar(&most, "max", 100, "report at most this many differences (0 for all)")
	c.Flags().BoolVar(&repair, "repair", false, "first rebuild the stays from the visits, in one transaction")
	return c
}
