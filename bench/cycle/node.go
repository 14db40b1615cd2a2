package main

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"strings"
	"sync"

	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/feed"
	"github.com/takedownwatch/takedownwatch/monitor/fetch"
)

// benchConfig is the config a user would write for these feeds, built in
// code: defaults, one actor and one feed source per URL, no spacing between
// requests to a host (the sandbox is ours to hammer).
func benchConfig(o *options, dataDir string, urls []string) (*config.Config, error) {
	cfg := config.Default()
	cfg.DataDir = dataDir
	cfg.Fetch.PerHostInterval = 0
	cfg.Fetch.PerHostConcurrency = o.perHost
	cfg.Fetch.Media.Enabled = o.media
	for i, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("feed URL %d: %w", i+1, err)
		}
		// http://127.0.0.N:port/actor0001/feed.rss
		name := path.Base(path.Dir(u.Path))
		cfg.Actors = append(cfg.Actors, config.Actor{
			ID: name, Name: "Actor " + strings.TrimPrefix(name, "actor"),
			Affiliation: config.Affiliations[i%len(config.Affiliations)], Country: "KH",
		})
		cfg.Sources = append(cfg.Sources, config.Source{
			ID: name + "-feed", Actor: name, Platform: "feed", URL: raw,
			Schedule: "@every 1m", Vantage: config.Direct,
		})
	}
	cfg.ApplyDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return cfg, nil
}

// The rest of this file is cmd/takedownwatch/wiring.go, copied (package
// main cannot be imported), with the pipeline's worker count as a
// parameter and snapshot's backfill left at its default (one listing page).
// Keep it in step with that file.

// node is one writer process's parts, opened in pipeline order and closed
// in reverse: fetcher → archive (WARC flush, then database, then lock).
type node struct {
	closeOnce sync.Once
	closeErr  error
	cfg       *config.Config
	archive   *archive.Archive
	fetcher   *fetch.Client
	pipe      *monitor.Pipeline
	log       *logrus.Entry
}

// collectors are the platforms this build can collect.
func collectors(cfg *config.Config) map[string]monitor.Collector {
	return map[string]monitor.Collector{
		"feed": feed.New(feed.WithMaxBody(int64(cfg.Fetch.MaxBody))),
	}
}

// checkers are the platforms whose single posts this build can check.
func checkers() map[string]monitor.Checker {
	return map[string]monitor.Checker{"feed": monitor.PermalinkChecker{}}
}

// openNode opens the archive for writing and wires the pipeline.
//
//	schedule → fetch → archive → detect → (index → publish)
func openNode(ctx context.Context, cfg *config.Config, log *logrus.Logger, workers int) (*node, error) {
	entry := logrus.NewEntry(log)
	a, err := archive.OpenWriter(ctx, archive.Options{DataDir: cfg.DataDir, Secrets: cfg.UpstreamTokens(), Software: "takedownwatch bench"})
	if err != nil {
		return nil, err
	}
	for _, r := range a.Recovered {
		entry.WithFields(logrus.Fields{"component": "archive", "file": r.File, "records": r.Records, "torn_bytes": r.TornBytes, "torn_file": r.TornFile}).
			Warn("sealed a WARC file a stopped process left open")
	}
	f, err := fetch.New(cfg.Fetch, a, fetch.WithLogger(entry.WithField("component", "fetch")), fetch.WithSecrets(cfg.UpstreamTokens()...),
		fetch.WithTrustedHosts(cfg.Hosts()...))
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("fetcher: %w", err)
	}
	p, err := monitor.New(monitor.Options{Config: cfg, Archive: a, Fetcher: f, Collectors: collectors(cfg), Checkers: checkers(), Log: entry, Workers: workers})
	if err != nil {
		f.Close()
		a.Close()
		return nil, err
	}
	if err := p.SyncConfig(ctx); err != nil {
		f.Close()
		a.Close()
		return nil, err
	}
	return &node{cfg: cfg, archive: a, fetcher: f, pipe: p, log: entry}, nil
}

// Close is safe to call more than once.
func (n *node) Close() error {
	n.closeOnce.Do(func() {
		n.fetcher.Close()
		n.closeErr = n.archive.Close()
	})
	return n.closeErr
}
