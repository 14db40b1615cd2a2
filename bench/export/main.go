// Command export measures `export events` on a large archive (issue 10):
// rows per second and the exporting process's peak RSS at growing row
// counts, against a baseline in the same run — a bare scan of the events
// table written as CSV, the floor any export of it pays.
//
//	go run ./bench/export                 # 1,000,000 events, CSV and JSONL
//	go run ./bench/export -events 50000   # a quick check
//
// The archive is filled with SQL straight into the store's tables (the
// pipeline would take hours for a million events): posts with versions,
// and per 20 posts 20 new, 6 edited (with diffs), 4 removed (with evidence,
// half of them reported) and 1 restored event. Each export runs in a child
// process, so its peak RSS is the export's alone.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/archive/warc"
	"github.com/takedownwatch/takedownwatch/export"
	"github.com/takedownwatch/takedownwatch/stats"
)

// t0 is when the first event happened; event k (1-based) is at t0 + k s,
// so --until selects a prefix of the events.
var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

const timeLayout = "2006-01-02T15:04:05.000000Z"

type result struct {
	Kind    string  `json:"kind"` // "export csv", "export jsonl", "baseline: raw scan, csv"
	Rows    int     `json:"rows"`
	Seconds float64 `json:"seconds"`
	Bytes   int64   `json:"bytes"`
	PeakRSS int64   `json:"peak_rss_bytes"`
}

func main() {
	events := flag.Int("events", 1_000_000, "events in the archive")
	steps := flag.String("steps", "", "row counts to export, comma-separated (default: 10%, 25%, 50% and 100% of -events)")
	dir := flag.String("dir", "", "work directory, kept afterwards; an archive of -events events left there by a previous run is reused (default: a new temp dir, removed afterwards)")
	out := flag.String("out", "", "also write the results as JSON to this file")
	child := flag.String("child", "", "internal: run one measurement (csv, jsonl, raw or stats) in this process")
	rows := flag.Int("rows", 0, "internal: rows the child exports")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the full-size CSV export to this file")
	flag.Parse()
	ctx := context.Background()
	if *child != "" {
		if *cpuProfile != "" {
			f, err := os.Create(*cpuProfile)
			if err != nil {
				fmt.Fprintln(os.Stderr, "export bench child:", err)
				os.Exit(1)
			}
			_ = pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
		if err := runChild(ctx, *dir, *child, *rows); err != nil {
			fmt.Fprintln(os.Stderr, "export bench child:", err)
			pprof.StopCPUProfile()
			os.Exit(1)
		}
		return
	}
	if err := run(ctx, *events, *steps, *dir, *out, *cpuProfile); err != nil {
		fmt.Fprintln(os.Stderr, "export bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, events int, stepList, dir, out, cpuProfile string) error {
	if events < 31 {
		return errors.New("-events must be at least 31 (one round of the event mix)")
	}
	counts := []int{events / 10, events / 4, events / 2, events}
	if stepList != "" {
		counts = nil
		for _, s := range strings.Split(stepList, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n <= 0 || n > events {
				return fmt.Errorf("-steps: %q is not a row count between 1 and %d", s, events)
			}
			counts = append(counts, n)
		}
	}
	if dir == "" {
		d, err := os.MkdirTemp("", "takedownwatch-export-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	fmt.Printf("export bench: %d events in %s (%s, %d CPUs)\n", events, dir, runtime.Version(), runtime.NumCPU())
	began := time.Now()
	n, err := filled(ctx, filepath.Join(dir, "data"))
	switch {
	case err == nil && n == events:
		fmt.Printf("reusing the archive in %s: %d events\n", dir, n)
	case err == nil:
		return fmt.Errorf("%s holds an archive of %d events, not %d: give another -dir", dir, n, events)
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("the archive in %s: %w", dir, err)
	default:
		n, err := populate(ctx, filepath.Join(dir, "data"), events)
		if err != nil {
			return err
		}
		fmt.Printf("filled the archive: %d events in %.1f s\n", n, time.Since(began).Seconds())
	}

	self, err := os.Executable()
	if err != nil {
		return err
	}
	var results []result
	measure := func(kind string, rows int) (result, error) {
		args := []string{"-child", kind, "-rows", strconv.Itoa(rows), "-dir", dir}
		if cpuProfile != "" && kind == "csv" && rows == events {
			args = append(args, "-cpuprofile", cpuProfile)
		}
		cmd := exec.CommandContext(ctx, self, args...)
		cmd.Stderr = os.Stderr
		b, err := cmd.Output()
		if err != nil {
			return result{}, fmt.Errorf("%s of %d rows: %w", kind, rows, err)
		}
		var r result
		if err := json.Unmarshal(b, &r); err != nil {
			return result{}, fmt.Errorf("%s of %d rows: child said %q: %w", kind, rows, b, err)
		}
		r.PeakRSS = peakRSS(cmd.ProcessState)
		results = append(results, r)
		return r, nil
	}
	fmt.Printf("\n%-24s %10s %9s %12s %10s %10s\n", "", "rows", "seconds", "rows/s", "MB out", "peak RSS")
	line := func(r result, extra string) {
		fmt.Printf("%-24s %10d %9.2f %12.0f %10.1f %7.1f MiB%s\n", r.Kind, r.Rows, r.Seconds, float64(r.Rows)/r.Seconds,
			float64(r.Bytes)/1e6, float64(r.PeakRSS)/(1<<20), extra)
	}
	base, err := measure("raw", counts[len(counts)-1])
	if err != nil {
		return err
	}
	line(base, "  (baseline)")
	for _, format := range []string{"csv", "jsonl"} {
		for _, rows := range counts {
			r, err := measure(format, rows)
			if err != nil {
				return err
			}
			extra := ""
			if rows == base.Rows {
				extra = fmt.Sprintf("  rows/s %.2f× the baseline", (float64(r.Rows)/r.Seconds)/(float64(base.Rows)/base.Seconds))
			}
			line(r, extra)
		}
	}
	// The statistics of the whole archive (export stats, and what /stats
	// computes once per change of the archive): every post count and removal.
	st, err := measure("stats", 0)
	if err != nil {
		return err
	}
	line(st, "  (rows are statistics rows)")
	if out != "" {
		b, _ := json.MarshalIndent(results, "", "  ")
		if err := os.WriteFile(out, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// runChild runs one measurement and prints its result as JSON.
func runChild(ctx context.Context, dir, kind string, rows int) error {
	a, err := archive.OpenReader(ctx, filepath.Join(dir, "data"))
	if err != nil {
		return err
	}
	defer a.Close()
	path := filepath.Join(dir, fmt.Sprintf("out-%s-%d", kind, rows))
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer os.Remove(path)
	defer f.Close()
	began := time.Now()
	var n int
	switch kind {
	case "raw":
		n, err = rawScan(ctx, a.Store.DB(), f, rows)
	case "csv", "jsonl":
		// Events are one second apart: until selects the first rows.
		filter := store.Filter{Until: t0.Add(time.Duration(rows+1) * time.Second)}
		n, err = export.Write(ctx, f, export.Format(kind), export.Events(a.Store, filter))
	case "stats":
		n, err = export.Write(ctx, f, export.CSV, export.Stats(a.Store, stats.Options{}))
		rows = n // as many as the archive's groups make
	default:
		err = fmt.Errorf("unknown measurement %q", kind)
	}
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	secs := time.Since(began).Seconds()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if n != rows {
		return fmt.Errorf("%s exported %d rows, want %d", kind, n, rows)
	}
	label := map[string]string{"raw": "baseline: raw scan, csv", "csv": "export events csv", "jsonl": "export events jsonl",
		"stats": "export stats csv"}[kind]
	return json.NewEncoder(os.Stdout).Encode(result{Kind: label, Rows: n, Seconds: secs, Bytes: fi.Size()})
}

// rawScan writes the events table's own columns as CSV: no joins, no
// evidence or reports, no JSON — what reading the rows costs at least.
func rawScan(ctx context.Context, db *sql.DB, w io.Writer, limit int) (int, error) {
	rows, err := db.QueryContext(ctx, `SELECT * FROM events ORDER BY id LIMIT ?`, limit)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	_ = cw.Write(cols)
	vals := make([]sql.RawBytes, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	cells := make([]string, len(cols))
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, v := range vals {
			cells[i] = string(v)
		}
		if err := cw.Write(cells); err != nil {
			return n, err
		}
		n++
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n, err
	}
	return n, errors.Join(rows.Err(), bw.Flush())
}

// filled counts the events of an archive a previous run left in -dir.
func filled(ctx context.Context, dataDir string) (int, error) {
	if _, err := os.Stat(filepath.Join(dataDir, "meta.db")); err != nil {
		return 0, err
	}
	// As a writer: an archive a previous version left is migrated first.
	a, err := archive.OpenWriter(ctx, archive.Options{DataDir: dataDir, Software: "takedownwatch export bench"})
	if err != nil {
		return 0, err
	}
	defer a.Close()
	return a.Store.CountEvents(ctx, store.Filter{})
}

// populate fills an archive with about events events and returns how many
// it wrote.
func populate(ctx context.Context, dataDir string, events int) (int, error) {
	a, err := archive.OpenWriter(ctx, archive.Options{DataDir: dataDir, Software: "takedownwatch export bench"})
	if err != nil {
		return 0, err
	}
	defer a.Close()
	// One real capture for every piece of evidence to point at.
	c, err := a.Record(ctx, &warc.Exchange{URL: "https://gov.example/p/0", StatusCode: 404,
		Header: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<h1>Not found</h1>"), Date: t0}, archive.Meta{Kind: "permalink"})
	if err != nil {
		return 0, err
	}
	const actors, sourcesPerActor = 50, 2
	affiliations := []string{"government", "opposition", "media", "civil_society", "other"}
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		for i := range actors {
			if err := tx.UpsertActor(store.Actor{ID: fmt.Sprintf("actor%02d", i), Name: fmt.Sprintf("Actor %d", i),
				Affiliation: affiliations[i%len(affiliations)], Country: "KH"}); err != nil {
				return err
			}
			for j := range sourcesPerActor {
				if err := tx.UpsertSource(store.Source{ID: fmt.Sprintf("src%02d-%d", i, j), ActorID: fmt.Sprintf("actor%02d", i),
					Platform: "feed", URL: fmt.Sprintf("https://actor%02d.example/feed%d", i, j), Schedule: "@hourly", Vantage: "direct"}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	db := a.Store.DB()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = tx.PrepareContext(ctx, q)
		return st
	}
	insPost := prep(`INSERT INTO posts (id, platform, platform_id, source_id, post_url, canonical_url, published, first_seen,
    last_seen_live, state, reason, detail, first_seen_missing, current_version) VALUES (?, 'feed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	insVersion := prep(`INSERT INTO versions (id, post_id, digest, title, text, first_seen, last_seen, capture_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	insEvent := prep(`INSERT INTO events (id, type, at, post_id, source_id, reason, detail, last_seen_live, first_seen_missing, diff)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	insEvidence := prep(`INSERT INTO event_evidence (event_id, capture_id) VALUES (?, ?)`)
	insReport := prep(`INSERT INTO reports (id, channel, reporter, filed_at, kind, legal_basis, received_at) VALUES (?, 'moi', 'Ministry of Information', ?, 'government_request', 'Law on Telecommunications', ?)`)
	insReportPost := prep(`INSERT INTO report_posts (report_id, post_id, target_url, matched_at) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return 0, err
	}
	reasons := []string{"deleted", "withheld_legal", "account_gone", "unknown"}
	details := []string{"404", "451", "suspended", "soft-404"}
	text := "Our party calls on the National Election Committee to publish the full voter lists before the commune elections. " +
		"Journalists must be able to report on land disputes without fear of arrest or harassment."
	diff := "--- version 1\n+++ version 2\n@@ -1 +1 @@\n-Journalists must be able to report.\n+Journalists must be able to report on land disputes without fear.\n"
	ev := 0
	at := func() string { return t0.Add(time.Duration(ev) * time.Second).Format(timeLayout) }
	add := func(typ, post, src, reason, detail, live, missing, diff string) error {
		ev++
		_, err := insEvent.ExecContext(ctx, ev, typ, at(), post, src, nullStr(reason), nullStr(detail), nullStr(live), nullStr(missing), nullStr(diff))
		return err
	}
	for i := 0; ev < events; i++ {
		src := fmt.Sprintf("src%02d-%d", i%actors, (i/actors)%sourcesPerActor)
		pid := strconv.Itoa(i)
		id := store.PostID("feed", pid)
		url := fmt.Sprintf("https://%s.example/posts/%d", src, i)
		seen := t0.Add(time.Duration(ev+1) * time.Second).Format(timeLayout)
		removed := i%5 == 0
		state, reason, detail, missing := "live", "", "", ""
		if removed {
			state, reason, detail = "removed", reasons[(i/5)%4], details[(i/5)%4]
			missing = t0.Add(time.Duration(ev+3) * time.Second).Format(timeLayout)
		}
		if _, err := insPost.ExecContext(ctx, id, pid, src, url, url, seen, seen, seen, state, nullStr(reason), nullStr(detail), nullStr(missing), i+1); err != nil {
			return ev, fmt.Errorf("post %d: %w", i, err)
		}
		if _, err := insVersion.ExecContext(ctx, i+1, id, fmt.Sprintf("sha256:%064x", i), "Statement "+pid, text, seen, seen, c.ID); err != nil {
			return ev, fmt.Errorf("version %d: %w", i, err)
		}
		if err := add("new", id, src, "", "", "", "", ""); err != nil {
			return ev, err
		}
		if i%10 < 3 && ev < events {
			if err := add("edited", id, src, "", "", "", "", diff); err != nil {
				return ev, err
			}
		}
		if removed && ev < events {
			if i%10 == 0 {
				rid := "r" + pid
				if _, err := insReport.ExecContext(ctx, rid, seen, seen); err != nil {
					return ev, err
				}
				if _, err := insReportPost.ExecContext(ctx, rid, id, url, seen); err != nil {
					return ev, err
				}
			}
			if err := add("removed", id, src, reason, detail, seen, missing, ""); err != nil {
				return ev, err
			}
			if _, err := insEvidence.ExecContext(ctx, ev, c.ID); err != nil {
				return ev, err
			}
			if i%20 == 0 && ev < events {
				if err := add("restored", id, src, "", "", "", "", ""); err != nil {
					return ev, err
				}
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return ev, err
	}
	return ev, nil
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}
