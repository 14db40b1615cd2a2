package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/web"
)

type serveOpts struct {
	listen string
	drain  time.Duration
}

func serveCmd() *command {
	return &command{
		name: "serve", args: "[--listen ADDR] [--drain D]",
		summary: "the daemon: scheduler and HTTP server, until SIGINT/SIGTERM (a second signal forces exit)",
		flags: func(fs *flag.FlagSet) any {
			o := &serveOpts{}
			fs.StringVar(&o.listen, "listen", "", "HTTP address (default: http.listen of the config)")
			fs.DurationVar(&o.drain, "drain", 30*time.Second, "how long running collections may finish on shutdown")
			return o
		},
		run: func(ctx context.Context, e *env, opts any, args []string) error {
			if len(args) > 0 {
				return usagef("serve takes no arguments")
			}
			cfg, err := e.loadConfig()
			if err != nil {
				return err
			}
			o := opts.(*serveOpts)
			if o.drain < 0 {
				return usagef("serve: --drain must not be negative")
			}
			if o.listen != "" {
				cfg.HTTP.Listen = o.listen
			}
			return serve(ctx, e, cfg, o.drain, false)
		},
	}
}

// serve runs the daemon until ctx ends. baseFromListener sets http.base_url
// to the address actually bound (the demo's port may be chosen by the
// kernel).
func serve(ctx context.Context, e *env, cfg *config.Config, drain time.Duration, baseFromListener bool) error {
	for _, u := range cfg.UnsetTokens() {
		if u.Public {
			// fail closed: an operator who asked for a private archive
			// never gets a public one from a missing EnvironmentFile
			return fmt.Errorf("serve: %s", u)
		}
	}
	// The port first: a busy one fails at once, before the archive and
	// the index are opened (and migrated).
	srv, err := web.Listen(cfg.HTTP.Listen)
	if err != nil {
		return fmt.Errorf("http: %w", err)
	}
	serving := false
	defer func() {
		if !serving {
			srv.Close()
		}
	}()
	if baseFromListener {
		cfg.HTTP.BaseURL = "http://" + srv.Addr()
	}
	n, err := openNode(ctx, cfg, e.log, 1)
	if err != nil {
		return err
	}
	defer n.Close()
	log := n.log.WithField("component", "serve")
	for _, w := range cfg.WeakTokens() {
		log.Warn(w)
	}
	for _, u := range cfg.UnsetTokens() {
		log.Warn(u.String())
	}

	sched, err := monitor.NewScheduler(n.pipe, n.log)
	if err != nil {
		return err
	}
	for i := range cfg.ReportChannels {
		ch := &cfg.ReportChannels[i]
		if err := sched.AddJob(ch.Schedule, "report channel "+ch.ID, func(ctx context.Context) error {
			_, err := n.reports.FetchChannel(ctx, ch)
			n.indexer.Notify()
			return err
		}); err != nil {
			return err
		}
	}
	forgetAddr, err := writeServeAddr(cfg.DataDir, srv.Addr())
	if err != nil {
		n.log.WithError(err).Warn("reindex will find this serve only through http.listen or --server")
		forgetAddr = func() {}
	}
	defer forgetAddr() // removing it twice is harmless
	opts := webOptions(cfg, n.archive, searcher{ix: n.index, idx: n.indexer}, n.reports, n.log)
	opts.Reindex = n.index
	handler := web.New(opts)
	indexCtx, stopIndexer := context.WithCancel(context.Background())
	indexerDone := make(chan struct{})
	go func() { defer close(indexerDone); n.indexer.Run(indexCtx) }()
	n.indexer.Notify() // catch up with what a stopped process left
	n.index.startRebuildIfIncomplete()
	httpErr := make(chan error, 1)
	serving = true
	go func() { httpErr <- srv.Serve(handler) }()
	sched.Start()
	dataDir, _ := filepath.Abs(cfg.DataDir) // a relative one is the working directory's: say which
	log.WithFields(logrus.Fields{"listen": "http://" + srv.Addr(), "sources": len(cfg.Sources), "data_dir": dataDir,
		"version": version, "config": cfg.File}).Info("takedownwatch is running")
	fmt.Fprintf(e.stdout, "takedownwatch listening on http://%s (health: http://%s/healthz); Ctrl-C stops\n", srv.Addr(), srv.Addr())

	select {
	case <-ctx.Done():
	case err := <-httpErr:
		if err != nil {
			log.WithError(err).Error("http server failed; stopping")
		}
	}
	log.Info("stopping: scheduler, running collections, HTTP, index, archive")
	forceOnSecondSignal(log, forgetAddr)

	drainCtx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	sched.Stop(drainCtx)
	shutCtx, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	if err := srv.Shutdown(shutCtx); err != nil && !errors.Is(err, context.Canceled) {
		log.WithError(err).Warn("http shutdown")
	}
	forgetAddr()
	stopIndexer()
	<-indexerDone
	if err := n.Close(); err != nil {
		return fmt.Errorf("closing the archive: %w", err)
	}
	log.Info("stopped cleanly")
	return nil
}

// forceOnSecondSignal exits at once on another SIGINT/SIGTERM/SIGHUP
// during the graceful stop: the archive's write order keeps that safe.
// One that comes within a second of the stop's start is the same signal
// delivered twice (to the process and to its group, as timeout(1) and
// terminals do), not a second request. cleanup runs before the exit.
func forceOnSecondSignal(log *logrus.Entry, cleanup func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	begun := time.Now()
	go func() {
		for range ch {
			if time.Since(begun) < time.Second {
				continue
			}
			log.Warn("second signal: exiting now")
			cleanup()
			os.Exit(1)
		}
	}()
}
