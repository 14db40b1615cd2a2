package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
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
			cfg, err := config.Load(e.configPath)
			var list config.ErrorList
			switch {
			case err == nil:
				fmt.Fprintln(e.stdout, "ok")
				// the file is right; the environment it names may not be
				for _, u := range cfg.UnsetTokens() {
					fmt.Fprintf(e.stderr, "warning: %s\n", u)
				}
				if len(cfg.Sources) == 0 {
					fmt.Fprintln(e.stderr, "warning: sources: none: nothing is collected, and serve or snapshot deactivates every source of the archive")
				}
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

type verifyOpts struct{ strict, json bool }

func verifyCmd() *command {
	return &command{
		name: "verify", args: "[--strict] [--json]",
		summary: "fixity check: re-read every WARC record and compare its digests with the metadata",
		flags: func(fs *flag.FlagSet) any {
			o := &verifyOpts{}
			fs.BoolVar(&o.strict, "strict", false, "fail on WARC records no capture points to, as on damage (without it they are listed as notes)")
			fs.BoolVar(&o.json, "json", false, "print the report as one JSON object (for a fixity log)")
			return o
		},
		run: func(ctx context.Context, e *env, opts any, args []string) error {
			o := opts.(*verifyOpts)
			if len(args) > 0 {
				return usagef("verify takes no arguments")
			}
			_, a, err := e.loadArchive(ctx)
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
			failed := len(rep.Problems)
			if o.strict {
				failed += len(rep.Unreferenced)
			}
			if o.json {
				if err := writeVerifyJSON(e.stdout, rep, failed == 0, start); err != nil {
					return err
				}
			} else {
				printVerify(e.stdout, rep, o.strict, failed == 0, start)
			}
			if failed > 0 {
				return &quietError{fmt.Errorf("verify found %d problems", failed)}
			}
			return nil
		},
	}
}

func printVerify(w io.Writer, rep *archive.VerifyReport, strict, ok bool, start time.Time) {
	printVerifyNotes(w, rep, strict, ok, start, 0)
}

// printVerifyNotes is printVerify naming at most maxUnreferenced records
// without metadata (0: all) when they are notes, not failures: backup's
// check of its copy counts them, and verify lists each.
func printVerifyNotes(w io.Writer, rep *archive.VerifyReport, strict, ok bool, start time.Time, maxUnreferenced int) {
	for _, p := range rep.Problems {
		fmt.Fprintln(w, "FAIL", p.String())
	}
	for i, u := range rep.Unreferenced {
		if strict {
			fmt.Fprintln(w, "FAIL", u.String()+": no capture points to it")
			continue
		}
		if maxUnreferenced > 0 && i == maxUnreferenced {
			fmt.Fprintf(w, "note: and %d more records no capture points to (takedownwatch verify lists each)\n", len(rep.Unreferenced)-i)
			break
		}
		fmt.Fprintln(w, "note: no capture points to", u.String())
	}
	if len(rep.Unreferenced) > 0 && !strict {
		fmt.Fprintln(w, "note: a crash or a failed metadata write leaves such records behind; anything else was added to the file since. "+
			"Nothing takedownwatch serves or exports reads them, but the WARC files carry them (--strict fails on them)")
	}
	for _, f := range rep.InFlight {
		fmt.Fprintln(w, "note: past what metadata names, at the end of a file left open (being written, or copied by backup while it was):", f)
	}
	for _, t := range rep.TornFiles {
		fmt.Fprintln(w, "note: torn tail kept aside from a crash:", t)
	}
	for _, m := range rep.Malformed {
		fmt.Fprintln(w, "note: whole, but its HTTP block does not parse (as it was written; replay tools may stumble on it):", m.String())
	}
	status := "ok"
	if !ok {
		status = "FAILED"
	}
	fmt.Fprintf(w, "verify %s: %d files, %d records, %d captures checked, %d unreferenced records, %d problems (%s)\n",
		status, rep.Files, rep.Records, rep.Captures, len(rep.Unreferenced), len(rep.Problems), time.Since(start).Round(time.Millisecond))
}

// writeVerifyJSON prints rep as one object: a fixity check an archivist
// keeps with the date, beside the archive it vouches for.
func writeVerifyJSON(w io.Writer, rep *archive.VerifyReport, ok bool, start time.Time) error {
	type problem struct {
		CaptureID int64  `json:"capture_id,omitempty"`
		File      string `json:"file"`
		Offset    int64  `json:"offset"`
		Message   string `json:"message"`
	}
	type unreferenced struct {
		File      string `json:"file"`
		Offset    int64  `json:"offset"`
		Type      string `json:"type"`
		TargetURI string `json:"target_uri,omitempty"`
		Date      string `json:"date,omitempty"`
	}
	out := struct {
		OK           bool           `json:"ok"`
		CheckedAt    string         `json:"checked_at"`
		Seconds      float64        `json:"seconds"`
		Files        int            `json:"files"`
		Records      int            `json:"records"`
		Captures     int            `json:"captures"`
		Problems     []problem      `json:"problems"`
		Unreferenced []unreferenced `json:"unreferenced"`
		InFlight     []string       `json:"in_flight"`
		TornFiles    []string       `json:"torn_files"`
		Malformed    []problem      `json:"malformed"` // whole, but their HTTP block does not parse
	}{OK: ok, CheckedAt: start.UTC().Format(time.RFC3339), Seconds: time.Since(start).Seconds(),
		Files: rep.Files, Records: rep.Records, Captures: rep.Captures,
		Problems: []problem{}, Unreferenced: []unreferenced{}, InFlight: append([]string{}, rep.InFlight...), TornFiles: append([]string{}, rep.TornFiles...),
		Malformed: []problem{}}
	for _, p := range rep.Problems {
		out.Problems = append(out.Problems, problem{p.CaptureID, p.File, p.Offset, p.Msg})
	}
	for _, p := range rep.Malformed {
		out.Malformed = append(out.Malformed, problem{p.CaptureID, p.File, p.Offset, p.Msg})
	}
	for _, u := range rep.Unreferenced {
		v := unreferenced{File: u.File, Offset: u.Offset, Type: u.Type, TargetURI: u.TargetURI}
		if !u.Date.IsZero() {
			v.Date = u.Date.UTC().Format(time.RFC3339)
		}
		out.Unreferenced = append(out.Unreferenced, v)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
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
			fmt.Fprintln(tw, "SOURCE\tACTOR\tPLATFORM\tSTATE\tLAST SUCCESS\tFAILURES\tPOSTS\tREMOVED NOW\tBACKLOG\tLAST ERROR")
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
					seen[s.ID] = true
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n", s.ID, s.Actor, s.Platform, "never run", "-", 0, 0, 0, 0, "")
				}
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if len(seen) == 0 {
				// an empty table alone reads as "nothing is wrong"
				where := "the config lists none"
				if _, err := os.Stat(e.configPath); !e.configGiven && errors.Is(err, os.ErrNotExist) {
					where = "no " + e.configPath + " here (--config FILE names one; examples/takedownwatch.yaml is one)"
				}
				arc := "the archive in " + cfg.DataDir + " has none"
				if !archive.Exists(cfg.DataDir) {
					arc = "there is no archive in " + cfg.DataDir + " yet"
				}
				fmt.Fprintf(e.stderr, "no sources: %s, and %s\n", where, arc)
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
