package main

import (
	"context"
	"flag"
	"fmt"
)

func snapshotCmd() *command {
	return &command{
		name: "snapshot", args: "[--backfill N]",
		summary: "run one full cycle now (collect every source), then exit;\nexits 0 when the cycle ran, whatever the sources answered (see `sources`)",
		flags: func(fs *flag.FlagSet) any {
			n := fs.Int("backfill", 1, "sources never collected before read `N` pages of their listing (platforms with paged listings)")
			return n
		},
		run: func(ctx context.Context, e *env, opts any, args []string) error {
			if len(args) > 0 {
				return usagef("snapshot takes no arguments")
			}
			cfg, err := e.loadConfig()
			if err != nil {
				return err
			}
			backfill := *opts.(*int)
			if backfill < 1 {
				return usagef("snapshot: --backfill must be at least 1")
			}
			n, err := openNode(ctx, cfg, e.log, backfill)
			if err != nil {
				return err
			}
			defer n.Close()
			res, err := n.pipe.Cycle(ctx)
			if err != nil {
				return err
			}
			indexed, err := n.indexer.CatchUp(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "snapshot: %d sources (%d failed, %d unchanged), %d items, %d new, %d edited, %d media archived in %s\n",
				res.Sources, res.Failed, res.NotModified, res.Items, res.New, res.Edited, res.Media, res.Duration.Round(1e6))
			fmt.Fprintf(e.stdout, "checks: %d checked (%d transient), %d removed, %d restricted, %d restored, %d waiting; %d metrics anomalies\n",
				res.Checks.Checked, res.Checks.Transient, res.Checks.Removed+res.AccountRemovals, res.Checks.Restricted,
				res.Checks.Restored, res.Checks.Backlog-res.Checks.Checked, res.Anomalies)
			fmt.Fprintf(e.stdout, "search index: %d posts (re)indexed\n", indexed)
			if res.Failed > 0 {
				fmt.Fprintln(e.stdout, "run `takedownwatch sources` to see what failed")
			}
			return nil
		},
	}
}
