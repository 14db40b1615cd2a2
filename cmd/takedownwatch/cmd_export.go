package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/export"
)

type exportOpts struct {
	format, out, since, until, actor, affiliation, platform string
	idsOnly, bom                                            bool
	stats                                                   statsFlags
	wacz                                                    waczOpts
}

func exportCmd() *command {
	return &command{
		name: "export", args: "events|posts|reports|metrics|stats --format csv|jsonl [--out FILE] [--bom] [--since T] [--until T] [--actor A] [--affiliation F] [--platform P] [--state S] [--ids-only] [--corrections] [--restricted]\n  | wacz --out FILE.wacz [--state S] [--since T] [--until T] [--actor A] [--affiliation F] [--platform P]",
		summary: "research exports, with the stable columns of docs/codebook.md",
		flags: func(fs *flag.FlagSet) any {
			o := &exportOpts{}
			fs.StringVar(&o.format, "format", "", "csv or jsonl (required)")
			fs.StringVar(&o.out, "out", "", "write to `FILE` instead of stdout")
			fs.StringVar(&o.since, "since", "", "from this time on: a date (UTC midnight) or RFC 3339")
			fs.StringVar(&o.until, "until", "", "before this time: a date (2026-02-01: to the end of January) or RFC 3339")
			fs.StringVar(&o.actor, "actor", "", "only this actor id")
			fs.StringVar(&o.affiliation, "affiliation", "", "only actors of this affiliation")
			fs.StringVar(&o.platform, "platform", "", "only this platform")
			fs.BoolVar(&o.idsOnly, "ids-only", false, "posts: only platform, platform_id, post_url, state, reason")
			fs.BoolVar(&o.bom, "bom", false, "csv: for spreadsheets: begin with a UTF-8 byte order mark (Excel otherwise misreads Khmer text), and start text that a spreadsheet would run as a formula (= + - @) with '")
			o.stats.register(fs)
			o.wacz.register(fs)
			return o
		},
		run: runExport,
	}
}

func runExport(ctx context.Context, e *env, opts any, args []string) error {
	o := opts.(*exportOpts)
	if len(args) != 1 {
		return usagef("export: name one kind: events, posts, reports, metrics, stats or wacz")
	}
	kind := args[0]
	if kind == "wacz" {
		return runExportWACZ(ctx, e, o)
	}
	if len(o.wacz.states) > 0 && kind != "posts" {
		return usagef("export: --state applies to posts and wacz (the other kinds are not posts)")
	}
	for _, s := range o.wacz.states {
		if !contains(store.States, s) {
			return usagef("export: --state %q: want one of %v", s, store.States)
		}
	}
	format, err := export.ParseFormat(o.format)
	if err != nil {
		return usagef("export: --format: %v", err)
	}
	f, err := o.filter("export")
	if err != nil {
		return err
	}
	f.States = o.wacz.states
	if o.idsOnly && kind != "posts" {
		return usagef("export: --ids-only applies to posts")
	}
	if o.bom && format != export.CSV {
		return usagef("export: --bom applies to --format csv (JSON Lines has no byte order mark)")
	}
	if err := o.stats.check(kind); err != nil {
		return err
	}
	cfg, a, err := e.loadArchive(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := checkActors(ctx, a.Store, "export", cfg.DataDir, o.actor); err != nil {
		return err
	}
	var table export.Table
	switch kind {
	case "events":
		table = export.Events(a.Store, f)
	case "posts":
		table = export.Posts(a.Store, f, o.idsOnly)
	case "metrics":
		table = export.Metrics(a.Store, f)
	case "reports":
		table = export.Reports(a.Store, f)
	case "stats":
		table = export.Stats(a.Store, o.stats.options(f))
	default:
		return usagef("export: unknown kind %q (want events, posts, reports, metrics, stats or wacz)", kind)
	}
	// A bar on a terminal only: stderr redirected to a log gets none.
	if table, err = export.WithProgress(ctx, table, progressBar(e.stderr, "export "+kind)); err != nil {
		return err
	}
	return writeOut(o.out, e.stdout, func(w io.Writer) error {
		// Excel reads a CSV file as the system's legacy code page unless it
		// begins with a BOM: Khmer text comes out as mojibake. Programs that
		// read CSV as UTF-8 take the BOM for part of the first column's
		// name, so it is asked for, never the default.
		if o.bom {
			if _, err := io.WriteString(w, "\ufeff"); err != nil {
				return err
			}
		}
		var opts []export.WriteOption
		if o.bom {
			// a file for a spreadsheet: text must not run as a formula
			opts = append(opts, export.DefuseFormulas())
		}
		n, err := export.Write(ctx, w, format, table, opts...)
		if err == nil {
			e.log.WithField("component", "export").Infof("exported %d %s", n, kind)
		}
		return err
	})
}

// writeOut writes to stdout, or to a file that appears only when complete:
// a failed export never leaves a half file that looks whole.
func writeOut(path string, stdout io.Writer, fn func(io.Writer) error) error {
	if path == "" {
		return fn(stdout)
	}
	// Said before the work, not after it, in the user's words rather
	// than the temporary file's.
	dir := dirOf(path)
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return usagef("--out %s is a directory: name the file to write", path)
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return usagef("--out %s: no directory %s to write it in", path, dir)
	}
	removeStaleTemps(dir, time.Now().Add(-staleTempAge))
	tmp, err := os.CreateTemp(dir, ".export-*")
	if err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := fn(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	return nil
}

// tempPatterns are the temporary files an export writes beside --out.
var tempPatterns = []string{".export-*", ".wacz-pages-*", ".wacz-index-*"}

// staleTempAge is the age after which such a file is taken as left by an
// export that was killed (a running one rewrites or reads its files well
// within it).
const staleTempAge = 24 * time.Hour

// removeStaleTemps removes the temporary files that exports killed before
// their end left in dir, unchanged since before the cutoff: nothing else
// ever removes them, and a WACZ export's are as large as the package.
func removeStaleTemps(dir string, cutoff time.Time) {
	for _, pat := range tempPatterns {
		names, _ := filepath.Glob(filepath.Join(dir, pat))
		for _, n := range names {
			if fi, err := os.Lstat(n); err == nil && fi.Mode().IsRegular() && fi.ModTime().Before(cutoff) {
				os.Remove(n)
			}
		}
	}
}

func dirOf(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if os.IsPathSeparator(path[i]) {
			return path[:i+1]
		}
	}
	return "."
}

func parseTimeFlag(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		if d, derr := time.Parse("2006-01-02", v); derr == nil {
			return d, nil
		}
		return time.Time{}, usagef("--%s %q: want a date (2026-01-31) or an RFC 3339 time (2026-01-31T00:00:00Z)", name, v)
	}
	return t, nil
}

// filter reads the selection flags every export takes (cmd names the
// command in errors). --until is exclusive, so a range that does not end
// after it starts is refused: it selects nothing, which an empty export
// would not say.
func (o *exportOpts) filter(cmd string) (store.Filter, error) {
	f := store.Filter{Actor: o.actor, Affiliation: o.affiliation, Platform: o.platform}
	var err error
	if f.Since, err = parseTimeFlag("since", o.since); err != nil {
		return f, err
	}
	if f.Until, err = parseTimeFlag("until", o.until); err != nil {
		return f, err
	}
	switch {
	case !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until):
		return f, usagef("%s: --since must be before --until (which is exclusive: --since 2026-01-31 --until 2026-02-01 is one day)", cmd)
	case o.affiliation != "" && !contains(config.Affiliations, o.affiliation):
		return f, usagef("%s: --affiliation %q: want one of %v", cmd, o.affiliation, config.Affiliations)
	case o.platform != "" && !contains(config.Platforms, o.platform):
		return f, usagef("%s: --platform %q: want one of %v", cmd, o.platform, config.Platforms)
	}
	return f, nil
}

// checkActors: an actor id the archive does not hold selects nothing, and
// an empty export or search reads as "no posts, no removals"; a mistyped
// id says so instead (a usage error, naming the ids there are).
func checkActors(ctx context.Context, st *store.Store, cmd, dataDir string, ids ...string) error {
	var unknown []string
	for _, id := range ids {
		if id == "" {
			continue
		}
		if _, err := st.Actor(ctx, id); errors.Is(err, store.ErrNotFound) {
			unknown = append(unknown, id)
		} else if err != nil {
			return err
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	actors, err := st.Actors(ctx)
	if err != nil {
		return err
	}
	known := make([]string, len(actors))
	for i, a := range actors {
		known[i] = a.ID
	}
	const most = 20
	list := strings.Join(known[:min(len(known), most)], ", ")
	if len(known) > most {
		list += fmt.Sprintf(", … (%d in all)", len(known))
	}
	if len(known) == 0 {
		list = "none yet"
	}
	return usagef("%s: --actor %q: no actor with that id in the archive in %s (actors: %s)", cmd, unknown[0], dataDir, list)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
