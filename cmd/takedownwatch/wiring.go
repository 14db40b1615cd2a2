package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/feeds"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/bluesky"
	"github.com/takedownwatch/takedownwatch/monitor/facebook"
	"github.com/takedownwatch/takedownwatch/monitor/feed"
	"github.com/takedownwatch/takedownwatch/monitor/fetch"
	"github.com/takedownwatch/takedownwatch/monitor/htmlpage"
	"github.com/takedownwatch/takedownwatch/monitor/mastodon"
	"github.com/takedownwatch/takedownwatch/monitor/telegram"
	"github.com/takedownwatch/takedownwatch/web"
)

// node is one writer process's parts, opened in pipeline order and closed
// in reverse: fetcher → archive (WARC flush, then database, then lock).
type node struct {
	closeOnce sync.Once
	closeErr  error
	cfg       *config.Config
	archive   *archive.Archive
	fetcher   *fetch.Client
	index     *liveIndex
	indexer   *monitor.Indexer
	reports   *reportDesk
	pipe      *monitor.Pipeline
	log       *logrus.Entry
}

// platforms are the collectors and checkers this build has, by platform.
// A platform whose checker learns from its own collection (Graph's page
// verdict, its pauses) is one value for both.
func platforms(cfg *config.Config) (map[string]monitor.Collector, map[string]monitor.Checker) {
	maxBody := int64(cfg.Fetch.MaxBody)
	bsky := bluesky.New(bluesky.WithMaxBody(maxBody))
	fb := facebook.New(facebook.WithMaxBody(maxBody))
	return map[string]monitor.Collector{
			"feed":     feed.New(feed.WithMaxBody(maxBody)),
			"mastodon": mastodon.New(mastodon.WithMaxBody(maxBody)),
			"html":     htmlpage.New(htmlpage.WithMaxBody(maxBody)),
			"bluesky":  bsky,
			"telegram": telegram.New(),
			"facebook": fb,
		}, map[string]monitor.Checker{
			"feed":     monitor.PermalinkChecker{},
			"mastodon": mastodon.Checker{},
			"html":     monitor.PermalinkChecker{},
			"bluesky":  bsky,
			"telegram": telegram.Checker{},
			"facebook": fb,
		}
}

// openNode opens the archive for writing and wires the pipeline.
//
//	schedule → fetch → archive → detect → (index → publish)
func openNode(ctx context.Context, cfg *config.Config, log *logrus.Logger, backfill int) (*node, error) {
	entry := logrus.NewEntry(log)
	a, err := archive.OpenWriter(ctx, archive.Options{DataDir: cfg.DataDir, Secrets: cfg.UpstreamTokens(), Software: "takedownwatch " + version})
	if err != nil {
		return nil, err
	}
	for _, r := range a.Recovered {
		entry.WithFields(logrus.Fields{"component": "archive", "file": r.File, "records": r.Records, "torn_bytes": r.TornBytes, "torn_file": r.TornFile}).
			Warn("sealed a WARC file a stopped process left open")
	}
	ix, err := openLiveIndex(a.Store, indexDir(cfg.DataDir), entry)
	if err != nil {
		a.Close()
		return nil, err
	}
	warnOutdated(ix, entry)
	indexer := ix.indexer
	f, err := fetch.New(cfg.Fetch, a, fetch.WithLogger(entry.WithField("component", "fetch")), fetch.WithSecrets(cfg.UpstreamTokens()...),
		fetch.WithTrustedHosts(cfg.Hosts()...))
	if err != nil {
		ix.Close()
		a.Close()
		return nil, fmt.Errorf("fetcher: %w", err)
	}
	cols, checks := platforms(cfg)
	var desk *reportDesk
	p, err := monitor.New(monitor.Options{Config: cfg, Archive: a, Fetcher: f, Collectors: cols, Checkers: checks,
		Log: entry, Backfill: backfill, OnChange: indexer.Notify,
		BeforeChecks: func(ctx context.Context) error { return desk.FetchAll(ctx) }})
	if err != nil {
		f.Close()
		ix.Close()
		a.Close()
		return nil, err
	}
	if err := p.SyncConfig(ctx); err != nil {
		f.Close()
		ix.Close()
		a.Close()
		return nil, err
	}
	desk = newReportDesk(cfg, a, f, p.Lifecycle(), entry)
	return &node{cfg: cfg, archive: a, fetcher: f, index: ix, indexer: indexer, reports: desk, pipe: p, log: entry}, nil
}

// Close flushes the index (what the archive holds and the index not yet)
// and closes, in order: fetcher, index, archive. Safe to call more than
// once.
func (n *node) Close() error {
	n.closeOnce.Do(func() {
		n.fetcher.Close()
		n.index.CancelReindex()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := n.indexer.CatchUp(ctx); err != nil {
			n.log.WithError(err).Warn("search index left behind the archive; it catches up at the next start")
		}
		n.closeErr = errors.Join(n.index.Close(), n.archive.Close())
	})
	return n.closeErr
}

// feedEpoch stands in for the update time of an empty feed.
var feedEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// webOptions wires the HTTP side's dependencies.
func webOptions(cfg *config.Config, a *archive.Archive, search web.Searcher, sink web.ReportSink, log *logrus.Entry) web.Options {
	seen := map[string]bool{}
	var plats []string
	for _, s := range cfg.Sources {
		if !seen[s.Platform] {
			seen[s.Platform] = true
			plats = append(plats, s.Platform)
		}
	}
	sort.Strings(plats)
	return web.Options{
		Store: a.Store, WARCDir: a.WARCDir(), Site: feeds.Site{BaseURL: cfg.HTTP.BaseURL, Epoch: feedEpoch},
		Platforms: plats, AdminToken: cfg.HTTP.AdminToken, ReadToken: cfg.HTTP.ReadToken, Log: log, Search: search,
		Reports: sink, ReportChannels: cfg.ReportChannels, Writes: a, Version: version,
	}
}
