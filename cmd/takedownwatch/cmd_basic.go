package main

import (
	"context"
	"errors"

	"fmt"
	"runtime"
	"runtime/debug"
	"text/tabwriter"
	"time"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/clip"
)

// version is stamped at build time: -ldflags "-X main.version=v1.2.3".
var version = "dev"

func versionCmd() *command {
	return &command{
		name: "version", summary: "print version and build information",
		run: func(_ context.Context, e *env, _ any, args []string) error {
			if len(args) > 0 {
				return usagef("version takes no arguments")
			}
			fmt.Fprintf(e.stdout, "takedownwatch %s\n", version)
			fmt.Fprintf(e.stdout, "go: %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
			if bi, ok := debug.ReadBuildInfo(); ok {
				for _, s := range bi.Settings {
					switch s.Key {
					case "vcs.revision", "vcs.time", "vcs.modified", "CGO_ENABLED":
						fmt.Fprintf(e.stdout, "%s: %s\n", s.Key, s.Value)
					}
				}
			}
			return nil
		},
	}
}

func configCmd() *command {
	return &command{
		name: "config", args: "check",
		summary: "check the config file: prints ok, or one line per error as FILE:LINE:COL: KEY: message",
		run: func(_ context.Context, e *env, _ any, args []string) error {
			if len(args) != 1 || args[0] != "check" {
				return usagef("usage: takedownwatch config check [--config FILE]")
			}
			_, err := config.Load(e.configPath)
			var list config.ErrorList
			switch {
			case err == nil:
				fmt.Fprintln(e.stdout, "ok")
				return nil
			case errors.As(err, &list):
				for _, fe := range list {
					fmt.Fprintln(e.stdout, fe.Error())
				}
				return &quietError{fmt.Errorf("%d config error(s)", len(list))}
			default:
				return err
			}
		},
	}
}

func verifyCmd() *command {
	return &command{
		name: "verify", summary: "fixity check: re-read every WARC record and compare its digests with the metadata",
		run: func(ctx context.Context, e *env, _ any, args []string) error {
			if len(args) > 0 {
				return usagef("verify takes no arguments")
			}
			cfg, err := e.loadConfig()
			if err != nil {
				return err
			}
			a, err := e.openReader(ctx, cfg)
			if err != nil {
				return err
			}
			defer a.Close()
			start := time.Now()
			bar := progressBar(e.stderr, "verify: WARC files")
			rep, err := a.Verify(ctx, func(done, total int, file string) {
				e.log.WithField("component", "verify").Debugf("%d/%d %s", done, total, file)
				if bar != nil {
					bar(done, total)
				}
			})
			if err != nil {
				return err
			}
			for _, p := range rep.Problems {
				fmt.Fprintln(e.stdout, "FAIL", p.String())
			}
			for _, f := range rep.InFlight {
				fmt.Fprintln(e.stdout, "note: unfinished record at the end of a file still open for writing (no metadata points to it):", f)
			}
			for _, t := range rep.TornFiles {
				fmt.Fprintln(e.stdout, "note: torn tail kept aside from a crash:", t)
			}
			status := "ok"
			if !rep.OK() {
				status = "FAILED"
			}
			fmt.Fprintf(e.stdout, "verify %s: %d files, %d records, %d captures checked, %d unreferenced records, %d problems (%s)\n",
				status, rep.Files, rep.Records, rep.Captures, rep.Unreferenced, len(rep.Problems), time.Since(start).Round(time.Millisecond))
			if !rep.OK() {
				return &quietError{fmt.Errorf("verify found %d problems", len(rep.Problems))}
			}
			return nil
		},
	}
}

func sourcesCmd() *command {
	return &command{
		name: "sources", summary: "every source with its state, last success, last error, posts and removals",
		run: func(ctx context.Context, e *env, _ any, args []string) error {
			if len(args) > 0 {
				return usagef("sources takes no arguments")
			}
			cfg, err := e.loadConfig()
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "SOURCE\tACTOR\tPLATFORM\tSTATE\tLAST SUCCESS\tFAILURES\tPOSTS\tREMOVED\tBACKLOG\tLAST ERROR")
			seen := map[string]bool{}
			var channels []store.ChannelHealth
			if archive.Exists(cfg.DataDir) {
				a, err := e.openReader(ctx, cfg)
				if err != nil {
					return err
				}
				defer a.Close()
				list, err := a.Store.Sources(ctx)
				if err != nil {
					return err
				}
				if channels, err = a.Store.ReportChannels(ctx); err != nil {
					return err
				}
				for _, s := range list {
					seen[s.ID] = true
					state := s.Status
					if !s.Active {
						state = "inactive"
					}
					if s.Pending.Class != "" && state != "gone" {
						state += " (account " + s.Pending.Class + "?)"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n", s.ID, s.ActorID, s.Platform, state,
						orDash(s.LastSuccess), s.ConsecutiveFailures, s.Posts, s.Removals, s.Backlog, clip.Text(s.LastError, 80))
				}
			}
			for _, s := range cfg.Sources {
				if !seen[s.ID] {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n", s.ID, s.Actor, s.Platform, "never run", "-", 0, 0, 0, 0, "")
				}
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if len(cfg.ReportChannels) == 0 {
				return nil
			}
			// Report channels fail like sources do, and a broken one must
			// not read as "no reports".
			health := map[string]store.ChannelHealth{}
			for _, h := range channels {
				health[h.ID] = h
			}
			fmt.Fprintln(e.stdout)
			tw = tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "REPORT CHANNEL\tKIND\tSTATE\tLAST SUCCESS\tFAILURES\tLAST ERROR")
			for _, ch := range cfg.ReportChannels {
				h := health[ch.ID]
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", ch.ID, ch.Kind, h.State(), orDash(h.LastSuccess), h.Failures,
					clip.Text(lastChannelError(h), 80))
			}
			return tw.Flush()
		},
	}
}

// lastChannelError is the last failure with its time, "" when none.
func lastChannelError(h store.ChannelHealth) string {
	if h.Error == "" {
		return ""
	}
	return h.LastError.UTC().Format(time.RFC3339) + " " + h.Error
}

func orDash(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}
