package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/takedownwatch/takedownwatch/archive/warc"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
)

// Targets of the acceptance point (issue 3).
const (
	// TargetWARCBytesPerPost bounds what an unchanged cycle may add.
	TargetWARCBytesPerPost = 1024
	// TargetShareOfURLWatch is the largest share of urlwatch's CPU per URL
	// our unchanged cycle may spend (checked by bench/run.sh).
	TargetShareOfURLWatch = 1.0 / 3
)

// results is what results.json holds. Field names are what bench/run.sh reads.
type results struct {
	Date       string `json:"date"`
	GoVersion  string `json:"go_version"`
	GOOS       string `json:"goos"`
	GOARCH     string `json:"goarch"`
	NumCPU     int    `json:"num_cpu"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	// Commit is the takedownwatch revision measured ("+dirty": with
	// uncommitted changes).
	Commit string `json:"commit"`

	Sources            int    `json:"sources"`
	PostsPerSource     int    `json:"posts_per_source"`
	Hosts              int    `json:"hosts"`
	Workers            int    `json:"workers"`
	PerHostConcurrency int    `json:"per_host_concurrency"`
	PerHostInterval    string `json:"per_host_interval"`
	Media              bool   `json:"media"`
	MediaEvery         int    `json:"media_every"`
	MediaBytes         int    `json:"media_bytes"`
	Sandbox            string `json:"sandbox"` // "child process" or "in-process"

	Out     string `json:"out"`
	DataDir string `json:"data_dir,omitempty"` // kept archive, with -keep

	// SetupSeconds: sandbox start and publishing, config, opening the archive.
	SetupSeconds float64       `json:"setup_seconds"`
	Cycles       []cycleResult `json:"cycles"`
	// SandboxLife is the child's whole life (start, publish, serve).
	SandboxLife *usageJSON `json:"sandbox_life,omitempty"`
	// Unchanged is the median of the unchanged cycles (cycle 2 on).
	Unchanged *unchangedMedian `json:"unchanged_median,omitempty"`
	Targets   []target         `json:"targets"`
}

// unchangedMedian summarizes the unchanged cycles by their medians: one
// cycle of 1,000 sources lasts about a second, short enough for noise.
type unchangedMedian struct {
	Cycles                 int     `json:"cycles"`
	WallSeconds            float64 `json:"wall_seconds"`
	SourcesPerSecond       float64 `json:"sources_per_second"`
	CPUMsPerURL            float64 `json:"cpu_ms_per_url"`
	CPUSecondsPer1000Posts float64 `json:"cpu_seconds_per_1000_posts"`
	WARCBytesPerPost       float64 `json:"warc_bytes_per_post"`
}

func (r *results) summarize() {
	if len(r.Cycles) < 2 {
		return
	}
	un := r.Cycles[1:]
	med := func(f func(c cycleResult) float64) float64 {
		v := make([]float64, len(un))
		for i, c := range un {
			v[i] = f(c)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	r.Unchanged = &unchangedMedian{
		Cycles:                 len(un),
		WallSeconds:            med(func(c cycleResult) float64 { return c.WallSeconds }),
		SourcesPerSecond:       med(func(c cycleResult) float64 { return c.SourcesPerSecond }),
		CPUMsPerURL:            med(func(c cycleResult) float64 { return c.CPUMsPerURL }),
		CPUSecondsPer1000Posts: med(func(c cycleResult) float64 { return c.CPUSecondsPer1000Posts }),
		WARCBytesPerPost:       med(func(c cycleResult) float64 { return c.WARCBytesPerPost }),
	}
}

type usageJSON struct {
	CPUSeconds   float64 `json:"cpu_seconds"`
	PeakRSSBytes int64   `json:"peak_rss_bytes"`
}

// cycleResult is one cycle's figures. CPU is this process's (getrusage
// RUSAGE_SELF): the whole pipeline, plus the sandbox when it runs
// in-process.
type cycleResult struct {
	Name                   string  `json:"name"`
	WallSeconds            float64 `json:"wall_seconds"`
	SourcesPerSecond       float64 `json:"sources_per_second"`
	CPUSeconds             float64 `json:"cpu_seconds"`
	CPUUserSeconds         float64 `json:"cpu_user_seconds"`
	CPUSysSeconds          float64 `json:"cpu_sys_seconds"`
	CPUMsPerURL            float64 `json:"cpu_ms_per_url"`
	CPUSecondsPer1000Posts float64 `json:"cpu_seconds_per_1000_posts"`
	// SandboxCPUSeconds is the child's CPU in the cycle (/proc, 10 ms ticks).
	SandboxCPUSeconds   float64 `json:"sandbox_cpu_seconds"`
	PeakRSSBytes        int64   `json:"peak_rss_bytes"`
	SandboxPeakRSSBytes int64   `json:"sandbox_peak_rss_bytes"`
	AllocBytes          uint64  `json:"alloc_bytes"`
	GCs                 uint32  `json:"gcs"`

	WARCBytesAdded   int64                  `json:"warc_bytes_added"`
	WARCBytesPerPost float64                `json:"warc_bytes_per_post"`
	Records          map[string]recordCount `json:"records"`

	Sources   int `json:"sources"`
	Failed    int `json:"failed"`
	Items     int `json:"items"`
	New       int `json:"new"`
	Edited    int `json:"edited"`
	Unchanged int `json:"unchanged"`
	Media     int `json:"media"`
	// Checked are permalink checks the detector made in the cycle (none
	// are due yet: the first re-check comes detector.recheck[0] after
	// first sight).
	Checked int `json:"checked"`
}

type recordCount struct {
	Count int   `json:"count"`
	Bytes int64 `json:"bytes"` // compressed, as stored
}

type target struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Limit float64 `json:"limit"`
	OK    bool    `json:"ok"`
}

// watched is how many posts the feeds show: the listing window caps them.
func (o *options) watched() int {
	return o.sources * min(o.posts, sandbox.DefaultListingLimit)
}

// warcSizes maps each WARC file (by final name) to its size.
func warcSizes(dir string) (map[string]int64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, err
		}
		out[strings.TrimSuffix(e.Name(), warc.OpenSuffix)] = info.Size()
	}
	return out, nil
}

func sumSizes(m map[string]int64) int64 {
	var n int64
	for _, v := range m {
		n += v
	}
	return n
}

// countRecords reads every WARC file back and counts records by type into
// the cycle that wrote them: sizes[k] are the files' sizes before cycle
// k+1, sizes[k+1] after it.
func countRecords(dir string, sizes []map[string]int64, cycles []cycleResult) error {
	for i := range cycles {
		cycles[i].Records = map[string]recordCount{}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), warc.Ext) && !strings.HasSuffix(e.Name(), warc.Ext+warc.OpenSuffix) {
			continue
		}
		file := strings.TrimSuffix(e.Name(), warc.OpenSuffix)
		err := warc.Scan(filepath.Join(dir, e.Name()), func(rec *warc.Record) error {
			if len(rec.Problems) > 0 {
				return fmt.Errorf("record %s at %s@%d: %v", rec.RecordID, file, rec.Offset, errors.Join(rec.Problems...))
			}
			for k := range cycles {
				if rec.Offset >= sizes[k][file] && rec.Offset < sizes[k+1][file] {
					label := rec.Type
					if rec.Type == "revisit" {
						label += "/" + path.Base(rec.Profile)
					}
					rc := cycles[k].Records[label]
					rc.Count++
					rc.Bytes += rec.Length
					cycles[k].Records[label] = rc
					break
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("read back %s: %w", e.Name(), err)
		}
	}
	return nil
}

// check fills the targets and returns an error when the run itself went
// wrong (failed sources, posts not found): then its figures mean nothing.
func (r *results) check(o *options) error {
	var errs []error
	watched := o.watched()
	for k, c := range r.Cycles {
		if c.Failed > 0 {
			errs = append(errs, fmt.Errorf("%s: %d sources failed (run with -log-level info)", c.Name, c.Failed))
		}
		if k == 0 {
			if c.New != watched {
				errs = append(errs, fmt.Errorf("%s: %d new posts, want %d", c.Name, c.New, watched))
			}
			if want := mediaWanted(o); c.Media != want {
				errs = append(errs, fmt.Errorf("%s: %d media archived, want %d", c.Name, c.Media, want))
			}
			continue
		}
		if c.Unchanged != c.Sources || c.New+c.Edited > 0 {
			errs = append(errs, fmt.Errorf("%s: %d of %d sources answered 304, %d new, %d edited: want every source unchanged", c.Name, c.Unchanged, c.Sources, c.New, c.Edited))
		}
		r.Targets = append(r.Targets, target{
			Name:  c.Name + ": WARC bytes per post",
			Value: c.WARCBytesPerPost, Limit: TargetWARCBytesPerPost, OK: c.WARCBytesPerPost < TargetWARCBytesPerPost,
		})
		others := 0
		for label, rc := range c.Records {
			if label != "request" && label != "warcinfo" && !strings.HasPrefix(label, "revisit/") {
				others += rc.Count
			}
		}
		r.Targets = append(r.Targets, target{
			Name:  c.Name + ": records other than request, revisit and warcinfo",
			Value: float64(others), Limit: 0, OK: others == 0,
		})
	}
	return errors.Join(errs...)
}

// mediaWanted is how many enclosures cycle 1 should archive.
func mediaWanted(o *options) int {
	if !o.media || o.mediaEvery == 0 {
		return 0
	}
	shown := min(o.posts, sandbox.DefaultListingLimit) // newest posts: j = 0 …
	return o.sources * ((shown + o.mediaEvery - 1) / o.mediaEvery)
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func (r *results) print(w io.Writer) {
	media := "off"
	if r.Media {
		media = "on"
	}
	if r.MediaEvery > 0 {
		media += fmt.Sprintf(" (1 in %d posts has a %s enclosure)", r.MediaEvery, fmtBytes(int64(r.MediaBytes)))
	}
	fmt.Fprintf(w, "takedownwatch cycle bench — %s, commit %s, %s %s/%s, %d CPUs (GOMAXPROCS %d)\n",
		r.Date, r.Commit, r.GoVersion, r.GOOS, r.GOARCH, r.NumCPU, r.GOMAXPROCS)
	fmt.Fprintf(w, "%d feed sources × %d posts on %d sandbox hosts (sandbox: %s); %d workers, per-host concurrency %d, interval %s; media %s\n",
		r.Sources, r.PostsPerSource, r.Hosts, r.Sandbox, r.Workers, r.PerHostConcurrency, r.PerHostInterval, media)
	fmt.Fprintf(w, "setup (sandbox, config, archive open): %.2f s\n\n", r.SetupSeconds)

	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', tabwriter.AlignRight)
	row := func(label string, cell func(c cycleResult) string) {
		fmt.Fprintf(tw, "%-28s\t", label)
		for _, c := range r.Cycles {
			fmt.Fprint(tw, cell(c)+"\t")
		}
		fmt.Fprintln(tw)
	}
	row("", func(c cycleResult) string { return c.Name })
	row("wall", func(c cycleResult) string { return fmt.Sprintf("%.2f s", c.WallSeconds) })
	row("sources/s", func(c cycleResult) string { return fmt.Sprintf("%.0f", c.SourcesPerSecond) })
	row("CPU user+sys (this process)", func(c cycleResult) string {
		return fmt.Sprintf("%.2f s (%.2f+%.2f)", c.CPUSeconds, c.CPUUserSeconds, c.CPUSysSeconds)
	})
	row("CPU ms per URL", func(c cycleResult) string { return fmt.Sprintf("%.3f", c.CPUMsPerURL) })
	row("CPU s per 1,000 posts", func(c cycleResult) string { return fmt.Sprintf("%.3f", c.CPUSecondsPer1000Posts) })
	if r.Sandbox == "child process" {
		row("sandbox child CPU", func(c cycleResult) string { return fmt.Sprintf("%.2f s", c.SandboxCPUSeconds) })
	}
	row("Go heap allocated / GCs", func(c cycleResult) string { return fmt.Sprintf("%s / %d", fmtBytes(int64(c.AllocBytes)), c.GCs) })
	row("new / edited / 304 / failed", func(c cycleResult) string {
		return fmt.Sprintf("%d / %d / %d / %d", c.New, c.Edited, c.Unchanged, c.Failed)
	})
	row("permalink checks", func(c cycleResult) string { return fmt.Sprint(c.Checked) })
	row("media archived", func(c cycleResult) string { return fmt.Sprint(c.Media) })
	row("WARC bytes added", func(c cycleResult) string { return fmtBytes(c.WARCBytesAdded) })
	row("WARC bytes per post", func(c cycleResult) string { return fmt.Sprintf("%.1f B", c.WARCBytesPerPost) })
	row("peak RSS, this process", func(c cycleResult) string { return fmtBytes(c.PeakRSSBytes) })
	if r.Sandbox == "child process" {
		row("peak RSS, sandbox child", func(c cycleResult) string { return fmtBytes(c.SandboxPeakRSSBytes) })
	}
	tw.Flush()

	fmt.Fprintln(w, "\nWARC records added:")
	for _, c := range r.Cycles {
		var parts []string
		for _, label := range slices.Sorted(maps.Keys(c.Records)) {
			rc := c.Records[label]
			parts = append(parts, fmt.Sprintf("%s ×%d (%s, %.0f B each)", label, rc.Count, fmtBytes(rc.Bytes), float64(rc.Bytes)/float64(rc.Count)))
		}
		fmt.Fprintf(w, "  %s: %s\n", c.Name, strings.Join(parts, "; "))
	}
	if u := r.Unchanged; u != nil && u.Cycles > 1 {
		fmt.Fprintf(w, "\nmedian of the %d unchanged cycles: wall %.2f s, %.0f sources/s, %.3f CPU ms per URL, %.3f CPU s per 1,000 posts, %.1f WARC B per post\n",
			u.Cycles, u.WallSeconds, u.SourcesPerSecond, u.CPUMsPerURL, u.CPUSecondsPer1000Posts, u.WARCBytesPerPost)
	}
	if r.SandboxLife != nil {
		fmt.Fprintf(w, "\nsandbox child, whole life: CPU %.2f s, peak RSS %s\n", r.SandboxLife.CPUSeconds, fmtBytes(r.SandboxLife.PeakRSSBytes))
	}
	if len(r.Targets) > 0 {
		fmt.Fprintln(w, "\ntargets:")
		for _, t := range r.Targets {
			verdict := "ok"
			if !t.OK {
				verdict = "MISSED"
			}
			fmt.Fprintf(w, "  %-70s %10.1f (limit %g) %s\n", t.Name, t.Value, t.Limit, verdict)
		}
	}
	fmt.Fprintf(w, "\nresults: %s\n", filepath.Join(r.Out, "results.json"))
}

func fmtBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// commit names the revision this binary was built from: the VCS stamp of
// `go build`, else what git says about the working directory.
func commit() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev, dirty string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+dirty"
				}
			}
		}
		if rev != "" {
			return rev[:min(12, len(rev))] + dirty
		}
	}
	out, err := exec.Command("git", "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	rev := strings.TrimSpace(string(out))
	if err := exec.Command("git", "diff", "--quiet", "HEAD").Run(); err != nil {
		rev += "+dirty"
	}
	return rev
}
