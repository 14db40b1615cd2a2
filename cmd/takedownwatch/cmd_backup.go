package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/takedownwatch/takedownwatch/archive"
)

type backupOpts struct{ noVerify bool }

func backupCmd() *command {
	return &command{
		name: "backup", args: "DEST [--no-verify]",
		summary: "copy the archive (database, then WARC files) to a new directory, beside a running serve, and verify the copy",
		flags: func(fs *flag.FlagSet) any {
			o := &backupOpts{}
			fs.BoolVar(&o.noVerify, "no-verify", false, "skip the fixity check of the copy (it reads every record again)")
			return o
		},
		run: func(ctx context.Context, e *env, opts any, args []string) error {
			o := opts.(*backupOpts)
			if len(args) != 1 {
				return usagef("usage: takedownwatch backup DEST [--no-verify]")
			}
			_, a, err := e.loadArchive(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			start := time.Now()
			// the copy is verified before it takes its name: a backup
			// stopped while it verifies never looks like a checked one
			var check func(dir string) error
			if !o.noVerify {
				check = func(dir string) error {
					fmt.Fprintf(e.stdout, "backup: copied in %s; verifying the copy\n", time.Since(start).Round(time.Millisecond))
					b, err := archive.OpenReader(ctx, dir)
					if err != nil {
						return fmt.Errorf("backup: open the copy: %w", err)
					}
					defer b.Close()
					start := time.Now()
					vbar := progressBar(e.stderr, "verify the copy: WARC files")
					vr, err := b.Verify(ctx, func(done, total int, _ string) {
						if vbar != nil {
							vbar(done, total)
						}
					})
					if err != nil {
						return fmt.Errorf("backup: verify the copy: %w", err)
					}
					printVerifyNotes(e.stdout, vr, false, vr.OK(), start, 10)
					if !vr.OK() {
						return &quietError{fmt.Errorf("the copy failed verify: it is kept in %s, not under %s", dir, args[0])}
					}
					return nil
				}
			}
			bar := progressBar(e.stderr, "backup: MiB")
			rep, err := a.Backup(ctx, args[0], func(done, total int64) {
				if bar != nil {
					bar(int(done>>20), int(total>>20))
				}
			}, check)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "backup: the database and %d WARC files (%.1f MiB) in %s (%s)\n",
				rep.Files, float64(rep.Bytes)/(1<<20), rep.Dir, time.Since(start).Round(time.Millisecond))
			fmt.Fprintf(e.stdout, "to restore: stop serve, put %s where data_dir points, and run takedownwatch reindex (the search index is not copied: it is rebuilt from the archive)\n", rep.Dir)
			return nil
		},
	}
}
