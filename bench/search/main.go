// Command search benchmarks the project's search index (package index)
// against raw bleve on the same generated posts, in the same run: indexing
// speed, disk, peak RSS and query latencies. Each engine runs in a child
// process of its own so that peak RSS is per engine. See README.md.
//
//	go run ./bench/search -n 1000000
//	go run ./bench/search -n 20000 -queries 50   # a smoke run
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"

	"github.com/takedownwatch/takedownwatch/index"
)

type config struct {
	N            int    `json:"n"`
	Queries      int    `json:"queries"`
	FacetQueries int    `json:"facet_queries"`
	Seed         uint64 `json:"seed"`
	Batch        int    `json:"batch"`
	// CPUProfile: a file name prefix; each engine writes its indexing and
	// each query kind's CPU profile to PREFIX.ENGINE.PHASE.prof.
	CPUProfile string `json:"-"`
	// Settle: before the queries, wait until scorch's merger has been idle
	// this long (0: query at once, while it still merges).
	Settle time.Duration `json:"settle"`
	// Reuse: query the index already in -dir instead of building one (posts
	// are still generated, for the phrases and the aggregates).
	Reuse bool `json:"reuse,omitempty"`
	// Slowest: print this many of the slowest queries of each kind.
	Slowest int `json:"-"`
	// MemLimit: run each engine in a memory cgroup of this many bytes.
	MemLimit int64 `json:"mem_limit,omitempty"`
}

func main() {
	var cfg config
	flag.IntVar(&cfg.N, "n", 100000, "posts to index")
	flag.IntVar(&cfg.Queries, "queries", 200, "measured queries per kind (match, and, phrase, date)")
	flag.IntVar(&cfg.FacetQueries, "facet-queries", 30, "measured queries per facet kind")
	flag.Uint64Var(&cfg.Seed, "seed", 1, "generator seed")
	flag.IntVar(&cfg.Batch, "batch", 1000, "documents per batch")
	flag.DurationVar(&cfg.Settle, "settle", 5*time.Second, "before the queries, wait until segment merging has been idle this long (0: query while it still merges)")
	flag.StringVar(&cfg.CPUProfile, "cpuprofile", "", "write CPU profiles of indexing and of each query kind to `PREFIX`.ENGINE.PHASE.prof")
	flag.BoolVar(&cfg.Reuse, "reuse", false, "query the indexes a run with the same -dir and -n left (see -keep) instead of building them")
	flag.IntVar(&cfg.Slowest, "slowest", 0, "print the `N` slowest queries of each kind")
	keep := flag.Bool("keep", false, "keep the indexes in -dir at the end (for -reuse)")
	memLimit := flag.String("memlimit", "", "run each engine in a memory cgroup with this limit (e.g. 1GiB; Linux, needs the right to create cgroups)")
	cgroup := flag.String("cgroup", "", "internal: the child's cgroup directory")
	dir := flag.String("dir", "", "work directory (default: a temporary one, removed at the end)")
	engines := flag.String("engines", "raw,project", "engines to run, in order")
	out := flag.String("out", "", "also write the results as JSON to this file")
	child := flag.String("child", "", "internal: run one engine in this process and print its result as JSON")
	flag.Parse()

	if *memLimit != "" {
		n, err := parseBytes(*memLimit)
		if err != nil {
			fmt.Fprintln(os.Stderr, "search bench: -memlimit:", err)
			os.Exit(2)
		}
		cfg.MemLimit = n
	}
	if *child != "" {
		if err := joinMemGroup(*cgroup); err != nil {
			fmt.Fprintln(os.Stderr, "search bench:", err)
			os.Exit(1)
		}
		stop := sampleAnon()
		res, err := runChild(*child, *dir, cfg)
		if res != nil {
			res.PeakRSSAnon = stop()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "search bench:", err)
			os.Exit(1)
		}
		json.NewEncoder(os.Stdout).Encode(res)
		return
	}
	if cfg.Reuse && cfg.MemLimit > 0 {
		fmt.Fprintln(os.Stderr, "search bench: note: with -reuse the indexes' pages may already be in the page cache, charged to the cgroup that built them; the memory limit then tests little")
	}
	if (cfg.Reuse || *keep) && *dir == "" {
		fmt.Fprintln(os.Stderr, "search bench: -reuse and -keep need -dir")
		os.Exit(2)
	}
	if err := runParent(strings.Split(*engines, ","), *dir, *out, *keep, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "search bench:", err)
		os.Exit(1)
	}
}

func runParent(engines []string, dir, out string, keep bool, cfg config) error {
	if dir == "" {
		d, err := os.MkdirTemp("", "search-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	results := map[string]*result{}
	for _, e := range engines {
		edir := filepath.Join(dir, e)
		if !cfg.Reuse {
			os.RemoveAll(edir)
		}
		var g *memGroup
		if cfg.MemLimit > 0 {
			if g, err = newMemGroup(fmt.Sprintf("search-bench-%d-%s", os.Getpid(), e), cfg.MemLimit); err != nil {
				return err
			}
		}
		cmd := exec.Command(exe, "-child", e, "-dir", edir,
			"-n", fmt.Sprint(cfg.N), "-queries", fmt.Sprint(cfg.Queries),
			"-facet-queries", fmt.Sprint(cfg.FacetQueries), "-seed", fmt.Sprint(cfg.Seed),
			"-batch", fmt.Sprint(cfg.Batch), "-cpuprofile", cfg.CPUProfile, "-settle", cfg.Settle.String(),
			fmt.Sprintf("-reuse=%t", cfg.Reuse), "-slowest", fmt.Sprint(cfg.Slowest))
		if g != nil {
			cmd.Args = append(cmd.Args, "-cgroup", g.dir)
		}
		var stdout bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
		err := cmd.Run()
		var cgPeak int64
		if g != nil {
			cgPeak = g.peak()
			g.remove()
		}
		if err != nil {
			return fmt.Errorf("%s: %w", e, err)
		}
		var r result
		if err := json.Unmarshal(stdout.Bytes(), &r); err != nil {
			return fmt.Errorf("%s: result: %w", e, err)
		}
		r.CgroupPeak = cgPeak
		results[e] = &r
		if !keep && !cfg.Reuse {
			os.RemoveAll(edir)
		}
	}
	report(os.Stdout, cfg, results)
	if out != "" {
		b, _ := json.MarshalIndent(map[string]any{"config": cfg, "results": results}, "", "  ")
		if err := os.WriteFile(out, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

type latency struct {
	N       int     `json:"n"`
	P50     float64 `json:"p50_ms"`
	P99     float64 `json:"p99_ms"`
	AvgHits float64 `json:"avg_hits"`
	From    string  `json:"facets_from,omitempty"`
}

type result struct {
	Engine    string  `json:"engine"`
	N         int     `json:"n"`
	IndexSecs float64 `json:"index_seconds"`
	// IndexCPUSecs: the process's CPU time (user+sys, all threads) while
	// indexing, less the time spent generating posts; less sensitive to
	// other load on the machine than docs/s.
	IndexCPUSecs  float64 `json:"index_cpu_seconds"`
	DocsPerCPUSec float64 `json:"docs_per_cpu_sec"`
	DocsPerSec    float64 `json:"docs_per_sec"`
	BuildRSS      int64   `json:"build_peak_rss_bytes"`
	PeakRSS       int64   `json:"peak_rss_bytes"`
	// SettleSecs, SettleCPUSecs: how long segment merging went on after the
	// build (see config.Settle), and the CPU it took; SettleDisk: disk use
	// after it.
	SettleSecs    float64 `json:"settle_seconds,omitempty"`
	SettleCPUSecs float64 `json:"settle_cpu_seconds,omitempty"`
	SettleDisk    int64   `json:"settle_disk_bytes,omitempty"`
	// EndRSSAnon, EndRSSFile: the resident set after the queries, heap and
	// mapped index files apart (Linux only).
	EndRSSAnon int64 `json:"end_rss_anon_bytes,omitempty"`
	EndRSSFile int64 `json:"end_rss_file_bytes,omitempty"`
	// PeakRSSAnon: the most anonymous memory (heap, stacks) seen by
	// sampling /proc/self/status every 100 ms; CgroupPeak: with -memlimit,
	// the most the cgroup was charged (resident pages and page cache).
	PeakRSSAnon int64               `json:"peak_rss_anon_bytes,omitempty"`
	CgroupPeak  int64               `json:"cgroup_peak_bytes,omitempty"`
	Disk        int64               `json:"disk_bytes"`
	ReopenMS    float64             `json:"reopen_ms"`
	ReadOnlyMS  float64             `json:"read_only_open_ms,omitempty"`
	Latencies   map[string]*latency `json:"latencies"`
	GoMaxProcs  int                 `json:"gomaxprocs"`
	DocCount    uint64              `json:"doc_count"`
	FacetShare  float64             `json:"facet_query_share"`
	FilterShare float64             `json:"filter_query_share"`
}

// engine is what the bench drives: the project's index or raw bleve.
type engine interface {
	put(ctx context.Context, docs []index.Doc, mark string) error
	reopen() error
	close() error
	docCount() (uint64, error)
	waitMerged(ctx context.Context, quiet time.Duration) error
	match(ctx context.Context, w string) (uint64, error)
	and(ctx context.Context, w1, w2 string) (uint64, error)
	phrase(ctx context.Context, p string) (uint64, error)
	facetsText(ctx context.Context, w string) (uint64, string, error)
	facetsFilter(ctx context.Context, affiliation string) (uint64, string, error)
	dateRange(ctx context.Context, since, until time.Time) (uint64, error)
}

func runChild(name, dir string, cfg config) (*result, error) {
	ctx := context.Background()
	g := newGenerator(cfg.Seed)
	agg := newCube()
	var e engine
	var err error
	switch name {
	case "raw":
		e, err = openRaw(dir, cfg.Reuse, standard.Name)
	case "raw-km":
		e, err = openRaw(dir, cfg.Reuse, index.AnalyzerText)
	case "project":
		e, err = openProject(dir, agg)
	default:
		return nil, fmt.Errorf("unknown engine %q", name)
	}
	if err != nil {
		return nil, err
	}
	stopProfile := profile(cfg.CPUProfile, name, "index")
	// Indexing: generate and put batch by batch (generation time is
	// excluded from the indexing time).
	var phrases []string
	var indexTime, genTime time.Duration
	cpu0 := cpuTime()
	batch := make([]index.Doc, 0, cfg.Batch)
	every := max(1, cfg.N/(4*cfg.Queries))
	lastReport := time.Now()
	for i := 0; i < cfg.N; {
		batch = batch[:0]
		genStart := time.Now()
		for ; i < cfg.N && len(batch) < cfg.Batch; i++ {
			d := g.post(i)
			agg.add(&d)
			if i%every == 0 && d.Language == "en" {
				if p := phraseFrom(d.Text, i); p != "" {
					phrases = append(phrases, p)
				}
			}
			batch = append(batch, d)
		}
		genTime += time.Since(genStart)
		if cfg.Reuse {
			continue
		}
		start := time.Now()
		mark := "" // as reindex does: the watermark with the last batch
		if i == cfg.N {
			mark = fmt.Sprint(i)
		}
		if err := e.put(ctx, batch, mark); err != nil {
			return nil, err
		}
		indexTime += time.Since(start)
		if time.Since(lastReport) > 30*time.Second {
			fmt.Fprintf(os.Stderr, "%s: %d/%d posts, %.0f docs/s\n", name, i, cfg.N, float64(i)/indexTime.Seconds())
			lastReport = time.Now()
		}
	}
	start := time.Now()
	if err := e.close(); err != nil { // flushes: counted in the indexing time
		return nil, err
	}
	indexTime += time.Since(start)
	cpu := cpuTime() - cpu0 - genTime
	stopProfile()
	res := &result{Engine: name, N: cfg.N, IndexSecs: indexTime.Seconds(), IndexCPUSecs: cpu.Seconds(),
		DocsPerCPUSec: float64(cfg.N) / cpu.Seconds(),
		DocsPerSec:    float64(cfg.N) / indexTime.Seconds(), GoMaxProcs: runtime.GOMAXPROCS(0),
		Latencies: map[string]*latency{}}
	res.BuildRSS = peakRSS()
	res.Disk = diskUsage(dir)
	if cfg.Reuse {
		fmt.Fprintf(os.Stderr, "%s: reusing the index in %s, %.0f MiB on disk\n", name, dir, float64(res.Disk)/(1<<20))
	} else {
		fmt.Fprintf(os.Stderr, "%s: indexed %d posts in %.1fs (%.0f docs/s, %.0f docs per CPU-second), %.0f MiB on disk, peak RSS %.0f MiB\n",
			name, cfg.N, res.IndexSecs, res.DocsPerSec, res.DocsPerCPUSec, float64(res.Disk)/(1<<20), float64(res.BuildRSS)/(1<<20))
	}

	start = time.Now()
	if err := e.reopen(); err != nil {
		return nil, err
	}
	res.ReopenMS = ms(time.Since(start))
	if p, ok := e.(*projectEngine); ok {
		start = time.Now()
		ro, err := index.OpenReadOnly(p.dir)
		if err != nil {
			return nil, err
		}
		res.ReadOnlyMS = ms(time.Since(start))
		ro.Close()
	}
	if res.DocCount, err = e.docCount(); err != nil {
		return nil, err
	}
	if cfg.Settle > 0 {
		start, cpu0 := time.Now(), cpuTime()
		if err := e.waitMerged(ctx, cfg.Settle); err != nil {
			return nil, err
		}
		res.SettleSecs, res.SettleCPUSecs = time.Since(start).Seconds()-cfg.Settle.Seconds(), (cpuTime() - cpu0).Seconds()
		res.SettleDisk = diskUsage(dir)
		fmt.Fprintf(os.Stderr, "%s: segment merging went on for %.1fs (%.1f CPU-seconds) after the build, %.0f MiB on disk then\n",
			name, res.SettleSecs, res.SettleCPUSecs, float64(res.SettleDisk)/(1<<20))
	}

	// The query workload: the same for both engines (its own seed).
	qr := rand.New(rand.NewPCG(cfg.Seed, 99))
	words := func(n int) []string {
		var out []string
		for len(out) < n {
			// log-uniform rank: common and rare words alike
			rank := int(math.Exp(qr.Float64() * math.Log(float64(len(g.enWords)))))
			w := g.enWords[min(rank, len(g.enWords)-1)]
			if !stopWords[w] {
				out = append(out, w)
			}
		}
		return out
	}
	// Khmer words, drawn as the English ones are: raw bleve finds none
	// of them, so only the engines that index Khmer are compared on them.
	kmWords := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			rank := int(math.Exp(qr.Float64() * math.Log(float64(len(g.kmWords)))))
			out[i] = g.kmWords[min(rank, len(g.kmWords)-1)]
		}
		return out
	}
	warm := 20
	run := func(kind string, n int, f func(i int) (uint64, string, error), label func(i int) string) error {
		for i := 0; i < min(warm, n); i++ {
			if _, _, err := f(i); err != nil {
				return fmt.Errorf("%s: %w", kind, err)
			}
		}
		type timed struct {
			d    time.Duration
			i    int
			hits uint64
		}
		lat := make([]timed, 0, n)
		var hits uint64
		var from string
		for i := 0; i < n; i++ {
			start := time.Now()
			h, f, err := f(i)
			if err != nil {
				return fmt.Errorf("%s: %w", kind, err)
			}
			lat = append(lat, timed{time.Since(start), i, h})
			hits += h
			from = f
		}
		sort.Slice(lat, func(i, j int) bool { return lat[i].d < lat[j].d })
		for k := n - 1; k >= max(0, n-cfg.Slowest); k-- {
			q := lat[k]
			fmt.Fprintf(os.Stderr, "%s: slow %s %8.2f ms  %7d hits  %s\n", name, kind, ms(q.d), q.hits, label(q.i))
		}
		l := &latency{N: n, P50: ms(lat[n/2].d), P99: ms(lat[min(n-1, int(math.Ceil(0.99*float64(n)))-1)].d),
			AvgHits: float64(hits) / float64(n), From: from}
		res.Latencies[kind] = l
		fmt.Fprintf(os.Stderr, "%s: %-13s p50 %8.2f ms  p99 %8.2f ms  avg hits %.0f %s\n", name, kind, l.P50, l.P99, l.AvgHits, from)
		return nil
	}
	nq := cfg.Queries
	mw := words(nq + warm)
	aw := words(2 * (nq + warm))
	if len(phrases) == 0 {
		return nil, fmt.Errorf("no phrases sampled")
	}
	dates := make([]time.Time, nq+warm)
	for i := range dates {
		dates[i] = epoch.Add(time.Duration(qr.Int64N(int64(span - 30*24*time.Hour)))).Truncate(time.Hour)
	}
	kw := kmWords(nq + warm) // drawn last: the other kinds stay as runs before had them
	noFrom := func(f func(i int) (uint64, error)) func(int) (uint64, string, error) {
		return func(i int) (uint64, string, error) { h, err := f(i); return h, "", err }
	}
	steps := []struct {
		kind  string
		n     int
		f     func(i int) (uint64, string, error)
		label func(i int) string
	}{
		{"match", nq, noFrom(func(i int) (uint64, error) { return e.match(ctx, mw[i%len(mw)]) }),
			func(i int) string { return mw[i%len(mw)] }},
		{"match_km", nq, noFrom(func(i int) (uint64, error) { return e.match(ctx, kw[i%len(kw)]) }),
			func(i int) string { return kw[i%len(kw)] }},
		{"and", nq, noFrom(func(i int) (uint64, error) { return e.and(ctx, aw[2*i%len(aw)], aw[(2*i+1)%len(aw)]) }),
			func(i int) string { return aw[2*i%len(aw)] + " " + aw[(2*i+1)%len(aw)] }},
		{"phrase", nq, noFrom(func(i int) (uint64, error) { return e.phrase(ctx, phrases[i%len(phrases)]) }),
			func(i int) string { return `"` + phrases[i%len(phrases)] + `"` }},
		{"date_range", nq, noFrom(func(i int) (uint64, error) {
			d := dates[i%len(dates)]
			return e.dateRange(ctx, d, d.Add(30*24*time.Hour))
		}), func(i int) string { return dates[i%len(dates)].Format(time.DateOnly) }},
		{"facets_text", cfg.FacetQueries, func(int) (uint64, string, error) { return e.facetsText(ctx, facetWord) },
			func(int) string { return facetWord }},
		{"facets_filter", cfg.FacetQueries, func(int) (uint64, string, error) { return e.facetsFilter(ctx, "government") },
			func(int) string { return "affiliation:government" }},
	}
	logRSS := func(when string) {
		if anon, file := rssSplit(); anon+file > 0 {
			fmt.Fprintf(os.Stderr, "%s: %-19s RSS heap %.0f MiB, mapped index files %.0f MiB\n",
				name, when, float64(anon)/(1<<20), float64(file)/(1<<20))
		}
	}
	logRSS("before the queries")
	for _, s := range steps {
		stop := profile(cfg.CPUProfile, name, s.kind)
		err := run(s.kind, s.n, s.f, s.label)
		stop()
		if err != nil {
			return nil, err
		}
		// Which kind of query maps how much of the index: peak RSS is
		// mostly mapped segment files, and this says where they come from.
		logRSS("after " + s.kind)
	}
	res.FacetShare = res.Latencies["facets_text"].AvgHits / float64(cfg.N)
	res.FilterShare = res.Latencies["facets_filter"].AvgHits / float64(cfg.N)
	res.EndRSSAnon, res.EndRSSFile = rssSplit() // before close unmaps the segments
	if err := e.close(); err != nil {
		return nil, err
	}
	res.PeakRSS = peakRSS()
	return res, nil
}

// profile starts a CPU profile to prefix.engine.phase.prof and returns
// what stops it; without a prefix it does nothing.
func profile(prefix, engine, phase string) (stop func()) {
	if prefix == "" {
		return func() {}
	}
	f, err := os.Create(fmt.Sprintf("%s.%s.%s.prof", prefix, engine, phase))
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "search bench: cpu profile:", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

// stopWords: bleve's standard analyzer drops English stop words, so raw
// bleve would answer them with nothing; the bench does not query them.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an and are as at be but by for if in into is it no not of on or
such that the their then there these they this to was will with has have had his her its
were which been would who we one also more than other over about after from said`) {
		stopWords[w] = true
	}
}

// phraseFrom takes two or three consecutive words of an English post (within
// one sentence), lower-cased, as a phrase query.
func phraseFrom(text string, i int) string {
	sentences := strings.Split(text, ".")
	s := strings.Fields(strings.ToLower(sentences[i%len(sentences)]))
	n := 2 + i%2
	if len(s) < n {
		return ""
	}
	at := (i / 7) % (len(s) - n + 1)
	return strings.Join(s[at:at+n], " ")
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func diskUsage(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// parseBytes reads a size such as 1GiB, 512MiB or 1073741824.
func parseBytes(s string) (int64, error) {
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		n      int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}} {
		if v, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = v, u.n
			break
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
}
