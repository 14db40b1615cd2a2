package main

import (
	"context"
	"flag"
	"fmt"
)

func snapshotCmd() *command {
	return &command{
		name: "snapshot", args: "",
		summary: "run one full cycle now (collect every source), then exit;\nexits 0 when the cycle ran, whatever the sources answered (see `sources`)",
		flags:   func(fs *flag.FlagSet) any { return nil },
		run: func(ctx context.Context, e *env, _ any, args []string) error {
			if len(args) > 0 {
				return usagef("snapshot takes no arguments")
			}
			cfg, err := e.loadConfig()
			if err != nil {
				return err
			}
			n, err := openNode(ctx, cfg, e.log)
			if err != nil {
				return err
			}
			defer n.Close()
			res, err := n.pipe.Cycle(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "snapshot: %d sources (%d failed, %d unchanged), %d items, %d new, %d edited, %d media archived in %s\n",
				res.Sources, res.Failed, res.NotModified, res.Items, res.New, res.Edited, res.Media, res.Duration.Round(1e6))
			if res.Failed > 0 {
				fmt.Fprintln(e.stdout, "run `takedownwatch sources` to see what failed")
			}
			return nil
		},
	}
}
