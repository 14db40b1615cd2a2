package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/takedownwatch/takedownwatch/archive"
)

type reportsOpts struct {
	skipInvalid bool
}

func reportsCmd() *command {
	return &command{
		name: "reports", args: "import FILE [--skip-invalid]",
		summary: "import takedown reports from a file (the CSV/JSON report record, or Lumen notice JSON):\n" +
			"all or nothing unless --skip-invalid; every URL naming an archived post is linked",
		flags: func(fs *flag.FlagSet) any {
			o := &reportsOpts{}
			fs.BoolVar(&o.skipInvalid, "skip-invalid", false, "store the valid reports and list the invalid ones")
			return o
		},
		run: func(ctx context.Context, e *env, opts any, args []string) error {
			o := opts.(*reportsOpts)
			if len(args) != 2 || args[0] != "import" {
				return usagef("usage: takedownwatch reports import FILE [--skip-invalid]")
			}
			name := args[1]
			data, err := os.ReadFile(name)
			if err != nil {
				return fmt.Errorf("reports import: %w", err)
			}
			cfg, err := e.loadConfig()
			if err != nil {
				return err
			}
			n, err := openNode(ctx, cfg, e.log, 1)
			var locked *archive.LockedError
			if errors.As(err, &locked) {
				return fmt.Errorf("%w\nwhile serve runs, it takes reports as JSON records at POST /api/reports (admin token)", err)
			}
			if err != nil {
				return err
			}
			defer n.Close()
			res, rowErrs, err := n.reports.Import(ctx, name, data, o.skipInvalid)
			if err != nil {
				return fmt.Errorf("reports import %s: %w", name, err)
			}
			for _, re := range rowErrs {
				fmt.Fprintf(e.stderr, "%s: %s\n", name, re.Error())
			}
			if len(rowErrs) > 0 && !o.skipInvalid {
				return &quietError{fmt.Errorf("%d invalid report(s): nothing imported (--skip-invalid imports the valid ones)", len(rowErrs))}
			}
			fmt.Fprintf(e.stdout, "reports import: %d stored, %d already stored, %d posts linked, %d target URLs never archived, %d invalid skipped\n",
				res.Stored, res.Duplicates, res.Linked, len(res.NeverArchived), len(rowErrs))
			if e.logLevel == "debug" {
				b, _ := json.Marshal(res)
				fmt.Fprintln(e.stdout, string(b))
			}
			return nil
		},
	}
}
