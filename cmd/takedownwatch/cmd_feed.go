package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"strings"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/feeds"
	"github.com/takedownwatch/takedownwatch/web"
)

type feedOpts struct {
	format, out, q string
	states         stringList
	limit          int
	corrections    bool
}

// stringList is a repeatable flag.
type stringList []string

func (s *stringList) String() string     { return "" }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func feedCmd() *command {
	return &command{
		name: "feed", args: "NAME --format rss|atom|json [--out FILE] [--limit N] [--corrections] | search --q QUERY [--state S] --format …",
		summary: "write one feed, as served under /feeds/NAME.EXT (e.g. removals, actors/hun-sen), for static hosting",
		flags: func(fs *flag.FlagSet) any {
			o := &feedOpts{}
			fs.StringVar(&o.format, "format", "", "rss, atom or json (default: the extension NAME ends in, as in the feed's URL, else atom)")
			fs.StringVar(&o.out, "out", "", "write to `FILE` instead of stdout")
			fs.IntVar(&o.limit, "limit", feeds.DefaultLimit, "items, at most 500")
			fs.BoolVar(&o.corrections, "corrections", false, "keep likely corrections in removal feeds")
			fs.StringVar(&o.q, "q", "", "saved search: the query (NAME search)")
			fs.Var(&o.states, "state", "saved search: a post state (repeatable)")
			return o
		},
		run: func(ctx context.Context, e *env, opts any, args []string) error {
			o := opts.(*feedOpts)
			if len(args) != 1 {
				return usagef("feed: name one feed (events, removals, actors/ID, affiliations/NAME, platforms/NAME, reasons/REASON, search --q QUERY)")
			}
			// a name as the URL ends (removals.rss) says its format
			name := args[0]
			if i := strings.LastIndexByte(name, '.'); i > 0 {
				base, ext := name[:i], name[i+1:]
				if _, err := feeds.ParseFormat(ext); err == nil {
					if o.format != "" && o.format != ext {
						return usagef("feed: %s is %s, --format says %s", name, ext, o.format)
					}
					name, o.format = base, ext
				}
			}
			if o.format == "" {
				o.format = "atom"
			}
			format, err := feeds.ParseFormat(o.format)
			if err != nil {
				return usagef("feed: --format: %v", err)
			}
			if o.limit < 1 || o.limit > feeds.MaxLimit {
				return usagef("feed: --limit must be 1 to %d", feeds.MaxLimit)
			}
			cfg, a, err := e.loadArchive(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			// A saved search reads the index, which the other feeds do
			// without; opened read-only, so beside a running serve too.
			var search feeds.Searcher
			if name == "search" {
				for _, st := range o.states {
					if !contains(store.States, st) {
						return usagef("feed: --state %q: want one of %v", st, store.States)
					}
				}
				ix, err := openIndexReader(a.Store, cfg.DataDir)
				if err != nil {
					return err
				}
				defer ix.Close()
				warnOutdated(ix, e.log)
				search = searcher{ix: ix}
			} else if o.q != "" || len(o.states) > 0 {
				return usagef("feed: --q and --state apply to the feed named search")
			}
			f, err := feeds.Build(ctx, a.Store, search, name,
				feeds.Params{Limit: o.limit, Corrections: o.corrections, Q: o.q, States: o.states})
			var qe *web.QueryError
			if errors.As(err, &qe) {
				return usagef("feed: --q: %s", qe.Msg)
			}
			if errors.Is(err, feeds.ErrUnknown) {
				return usagef("feed: no feed named %q", name)
			}
			if err != nil {
				return err
			}
			site := feeds.Site{BaseURL: cfg.HTTP.BaseURL, Epoch: feedEpoch}
			return writeOut(o.out, e.stdout, func(w io.Writer) error { return site.Render(w, format, f) })
		},
	}
}
