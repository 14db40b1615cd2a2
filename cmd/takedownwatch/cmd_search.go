package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/index"
	"github.com/takedownwatch/takedownwatch/internal/clip"
	"github.com/takedownwatch/takedownwatch/web"
)

type searchOpts struct {
	states, actors stringList
	since, until   string
	limit, offset  int
	json           bool
	sort           string
}

func searchCmd() *command {
	return &command{
		name: "search", args: "QUERY [--state S] [--actor A] [--since T] [--until T] [--limit N] [--offset N] [--sort relevance|newest|removed] [--json]",
		summary: "full-text search of every archived version (bleve query syntax; Khmer, Thai, Lao, Burmese too); works beside a running serve",
		flags: func(fs *flag.FlagSet) any {
			o := &searchOpts{}
			fs.Var(&o.states, "state", "post state (repeatable): live, suspect, removed, restricted, hidden")
			fs.Var(&o.actors, "actor", "actor id (repeatable)")
			fs.StringVar(&o.since, "since", "", "published from this time on: a date (UTC midnight) or RFC 3339")
			fs.StringVar(&o.until, "until", "", "published before this time: a date (2026-02-01: to the end of January) or RFC 3339")
			fs.IntVar(&o.limit, "limit", 20, "hits, 1 to 100")
			fs.IntVar(&o.offset, "offset", 0, "hits to skip, 0 to 10000: the next page is --offset LIMIT")
			fs.StringVar(&o.sort, "sort", "relevance", "relevance, newest or removed")
			fs.BoolVar(&o.json, "json", false, `print {"total": N, "hits": [...]}`)
			return o
		},
		run: func(ctx context.Context, e *env, opts any, args []string) error {
			o := opts.(*searchOpts)
			if len(args) > 1 {
				return usagef("search: quote the query as one argument")
			}
			v := map[string][]string{"state": o.states, "actor": o.actors, "sort": {o.sort}, "limit": {fmt.Sprint(o.limit)}, "offset": {fmt.Sprint(o.offset)}}
			if len(args) == 1 {
				v["q"] = args
			}
			if o.since != "" {
				v["since"] = []string{o.since}
			}
			if o.until != "" {
				v["until"] = []string{o.until}
			}
			q, err := web.ParseSearch(v, 20)
			if err != nil {
				return usagef("search: %v", err)
			}
			cfg, a, err := e.loadArchive(ctx)
			if err != nil {
				return err
			}
			defer a.Close()
			if err := checkActors(ctx, a.Store, "search", cfg.DataDir, o.actors...); err != nil {
				return err
			}
			ix, err := openIndexReader(a.Store, cfg.DataDir)
			if err != nil {
				return err
			}
			defer ix.Close()
			warnOutdated(ix, e.log)
			warnBehind(ctx, a.Store, ix, e.log)
			res, err := searcher{ix: ix}.Search(ctx, q)
			if err != nil {
				if qe, ok := err.(*web.QueryError); ok {
					return usagef("search: %v", qe)
				}
				return err
			}
			if o.json {
				enc := json.NewEncoder(e.stdout)
				enc.SetEscapeHTML(false)
				return enc.Encode(web.SearchJSON(ctx, a.Store, res, false))
			}
			if err := printHits(ctx, e.stdout, a, res); err != nil {
				return err
			}
			if next := q.Offset + len(res.Hits); len(res.Hits) > 0 && uint64(next) < res.Total {
				fmt.Fprintf(e.stdout, "results %d to %d of %d: --offset %d for the next %d\n", q.Offset+1, next, res.Total, next, q.Limit)
			}
			return nil
		},
	}
}

func printHits(ctx context.Context, w io.Writer, a *archive.Archive, res *web.SearchResult) error {
	about := ""
	if res.Estimated {
		about = "about "
	}
	fmt.Fprintf(w, "%s%d result(s) in %s\n", about, res.Total, res.Took.Round(10*time.Microsecond)) // most take under a millisecond
	if res.Wider != "" {
		fmt.Fprintf(w, "%s (its last letter with more signs, as a compound may write it) finds %d\n", res.Wider, res.WiderTotal)
	}
	if res.Hint != "" {
		fmt.Fprintf(w, "%s\n", res.Hint)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	urls, _ := a.Store.PostURLs(ctx, res.PostIDs()) // none on failure: the hits still print
	counts, _ := a.Store.VersionCounts(ctx, res.PostIDs())
	for _, h := range res.Hits {
		url := urls[h.PostID]
		state := h.State
		if h.Reason != "" {
			state += " (" + h.Reason + ")"
		}
		if !h.RemovedAt.IsZero() {
			state += " " + h.RemovedAt.UTC().Format(hitTime)
		}
		published := "-"
		if !h.Published.IsZero() {
			published = h.Published.UTC().Format(hitTime)
		}
		version := fmt.Sprintf("v%d", h.Version)
		if n := counts[h.PostID]; n > 1 {
			version += fmt.Sprintf(" of %d", n) // a hit on an older version says so
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", h.PostID, h.Actor, published, state, version, url)
		fmt.Fprintf(tw, "\t%s\n", plainSnippet(h.Snippet))
	}
	return tw.Flush()
}

// hitTime is how a hit's times print: to the minute, UTC, as the web
// pages show them (--sort newest and removed order by them).
const hitTime = "2006-01-02 15:04Z"

// plainSnippet shows a snippet on a terminal: marks as »…«, no HTML.
func plainSnippet(s string) string {
	r := strings.NewReplacer("<mark>", "»", "</mark>", "«", "&lt;", "<", "&gt;", ">", "&amp;", "&", "&#34;", `"`, "&#39;", "'", "&quot;", `"`)
	return clip.Text(r.Replace(s), 160)
}

type reindexOpts struct{ server string }

func reindexCmd() *command {
	return &command{
		name: "reindex", args: "[--server URL]",
		summary: "rebuild the search index from the archive (beside, then swapped in: nothing is lost if it stops); a running serve is asked to do it",
		flags: func(fs *flag.FlagSet) any {
			o := &reindexOpts{}
			fs.StringVar(&o.server, "server", "", "the running serve to ask when it holds the data directory (default: the address serve recorded in the data directory, else http.listen of the config)")
			return o
		},
		run: func(ctx context.Context, e *env, opts any, args []string) error {
			if len(args) > 0 {
				return usagef("reindex takes no arguments")
			}
			cfg, err := e.loadConfig()
			if err != nil {
				return err
			}
			// The writer lock: a running serve owns the index, and
			// rebuilds it itself when asked.
			a, err := archive.OpenWriter(ctx, archive.Options{DataDir: cfg.DataDir, Secrets: cfg.UpstreamTokens()})
			var locked *archive.LockedError
			if errors.As(err, &locked) {
				server := opts.(*reindexOpts).server
				if server == "" {
					var rerr error
					if server, rerr = readServeAddr(cfg.DataDir); rerr != nil {
						return fmt.Errorf("%w\nreindex: %w", err, rerr)
					}
				}
				if server == "" {
					server = "http://" + dialAddr(cfg.HTTP.Listen)
				}
				return reindexInServe(ctx, e, strings.TrimRight(server, "/"), cfg.HTTP, err)
			}
			if err != nil {
				return err
			}
			defer a.Close()
			return rebuildInto(ctx, e, a, indexDir(cfg.DataDir))
		},
	}
}

// rebuildInto builds a fresh index beside dir and swaps it in.
func rebuildInto(ctx context.Context, e *env, a *archive.Archive, dir string) error {
	start := time.Now()
	n, err := buildBeside(ctx, a.Store, dir, progressBar(e.stderr, "reindex"), func(phase string) {
		fmt.Fprintln(e.stderr, "reindex: "+phaseWords[phase])
	})
	if err == nil {
		var restore func(bool)
		if restore, err = index.MoveIntoPlace(dir+rebuildSuffix, dir); err == nil {
			restore(false)
		}
	}
	if err != nil {
		return fmt.Errorf("reindex: %w (the old index is untouched)", err)
	}
	fmt.Fprintf(e.stdout, "reindex: %d posts in %s\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}
