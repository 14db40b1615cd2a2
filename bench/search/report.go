package main

import (
	"fmt"
	"io"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/standard"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/takedownwatch/takedownwatch/index"
)

// report prints both engines side by side with the targets.
func report(w io.Writer, cfg config, rs map[string]*result) {
	raw, prj := rs["raw"], rs["project"]
	fmt.Fprintf(w, "\nsearch bench: %d posts, batches of %d, %d queries per kind (%d for facets)\n\n", cfg.N, cfg.Batch, cfg.Queries, cfg.FacetQueries)
	if raw == nil || prj == nil {
		for _, r := range rs {
			fmt.Fprintf(w, "%s: %.0f docs/s, %.0f MiB disk, peak RSS %.0f MiB\n", r.Engine, r.DocsPerSec, mib(r.Disk), mib(r.PeakRSS))
		}
		return
	}
	fmt.Fprintf(w, "| measure | raw bleve | project | project/raw | target |\n|---|---:|---:|---:|---|\n")
	row := func(name string, a, b float64, unit, target string, ok bool) {
		mark := ""
		if target != "" {
			mark = " ✓"
			if !ok {
				mark = " ✗"
			}
		}
		fmt.Fprintf(w, "| %s | %.2f %s | %.2f %s | %.2f | %s%s |\n", name, a, unit, b, unit, b/a, target, mark)
	}
	if !cfg.Reuse { // else nothing was built
		row("indexing", raw.DocsPerSec, prj.DocsPerSec, "docs/s", "≥ 0.8×", prj.DocsPerSec >= 0.8*raw.DocsPerSec)
		row("indexing per CPU-second", raw.DocsPerCPUSec, prj.DocsPerCPUSec, "docs", "", true)
	}
	row("disk", mib(raw.Disk), mib(prj.Disk), "MiB", "", true)
	if prj.SettleSecs > 0 || raw.SettleSecs > 0 {
		row("merging after the build", raw.SettleSecs, prj.SettleSecs, "s", "", true)
		row("merging after the build, CPU", raw.SettleCPUSecs, prj.SettleCPUSecs, "s", "", true)
		row("disk when merged", mib(raw.SettleDisk), mib(prj.SettleDisk), "MiB", "", true)
	}
	if !cfg.Reuse {
		row("peak RSS (build)", mib(raw.BuildRSS), mib(prj.BuildRSS), "MiB", "< 1024 MiB", prj.BuildRSS < 1<<30)
	}
	row("peak RSS (build+queries)", mib(raw.PeakRSS), mib(prj.PeakRSS), "MiB", "< 1024 MiB", prj.PeakRSS < 1<<30)
	if prj.PeakRSSAnon > 0 {
		row("peak anonymous RSS (heap; sampled)", mib(raw.PeakRSSAnon), mib(prj.PeakRSSAnon), "MiB", "", true)
	}
	if cfg.MemLimit > 0 {
		row(fmt.Sprintf("memory cgroup peak (limit %.0f MiB)", mib(cfg.MemLimit)), mib(raw.CgroupPeak), mib(prj.CgroupPeak), "MiB", "", true)
	}
	if prj.EndRSSAnon > 0 {
		row("RSS after queries: heap", mib(raw.EndRSSAnon), mib(prj.EndRSSAnon), "MiB", "", true)
		row("RSS after queries: mapped index files", mib(raw.EndRSSFile), mib(prj.EndRSSFile), "MiB", "", true)
	}
	targets := map[string]float64{"match": 1.2, "phrase": 0.1, "facets_filter": 0.25, "facets_text": 0.25}
	for _, k := range []string{"match", "and", "phrase", "facets_filter", "facets_text", "date_range"} {
		a, b := raw.Latencies[k], prj.Latencies[k]
		if a == nil || b == nil {
			continue
		}
		row(k+" p50", a.P50, b.P50, "ms", "", true)
		t, ok := targets[k]
		ts := ""
		if ok {
			ts = fmt.Sprintf("≤ %.2g×", t)
		}
		row(k+" p99", a.P99, b.P99, "ms", ts, !ok || b.P99 <= t*a.P99)
	}
	if b := prj.Latencies["match_km"]; b != nil {
		fmt.Fprintf(w, "\nKhmer one-word match (raw bleve finds none: avg hits %.0f): project p50 %.2f ms, p99 %.2f ms, avg hits %.0f",
			hitsOf(raw, "match_km"), b.P50, b.P99, b.AvgHits)
		if km := rs["raw-km"]; km != nil && km.Latencies["match_km"] != nil {
			k := km.Latencies["match_km"]
			fmt.Fprintf(w, "; raw bleve + Khmer p50 %.2f ms, p99 %.2f ms, avg hits %.0f", k.P50, k.P99, k.AvgHits)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\naverage hits: ")
	for _, k := range []string{"match", "and", "phrase", "facets_filter", "facets_text", "date_range"} {
		if a, b := raw.Latencies[k], prj.Latencies[k]; a != nil && b != nil {
			fmt.Fprintf(w, "%s %.0f/%.0f  ", k, a.AvgHits, b.AvgHits)
		}
	}
	fmt.Fprintf(w, "(raw/project)\nfacet query shares: text %.3f, filter %.3f; project facets from: text %s, filter %s\n",
		prj.FacetShare, prj.FilterShare, prj.Latencies["facets_text"].From, prj.Latencies["facets_filter"].From)
	fmt.Fprintf(w, "project: reopen %.0f ms, read-only snapshot open %.0f ms; docs %d/%d\n", prj.ReopenMS, prj.ReadOnlyMS, raw.DocCount, prj.DocCount)
	if km := rs["raw-km"]; km != nil && !cfg.Reuse {
		reportKhmerBaseline(w, cfg.Seed, raw, km, prj)
	}
}

// reportKhmerBaseline sets the indexing figures beside those of raw bleve
// given the project's Khmer analysis ("raw-km"): the share of the gap to
// raw bleve that indexing Khmer at all accounts for.
func reportKhmerBaseline(w io.Writer, seed uint64, raw, km, prj *result) {
	fmt.Fprintf(w, "\nindexing against raw bleve with the project's text analyzer (Khmer clusters):\n\n")
	fmt.Fprintf(w, "| measure | raw bleve | raw bleve + Khmer | project | raw-km/raw | project/raw-km |\n|---|---:|---:|---:|---:|---:|\n")
	row := func(name string, a, b, c float64, unit string) {
		fmt.Fprintf(w, "| %s | %.2f %s | %.2f %s | %.2f %s | %.2f | %.2f |\n", name, a, unit, b, unit, c, unit, b/a, c/b)
	}
	row("indexing", raw.DocsPerSec, km.DocsPerSec, prj.DocsPerSec, "docs/s")
	row("indexing per CPU-second", raw.DocsPerCPUSec, km.DocsPerCPUSec, prj.DocsPerCPUSec, "docs")
	row("disk", mib(raw.Disk), mib(km.Disk), mib(prj.Disk), "MiB")
	row("peak RSS (build)", mib(raw.BuildRSS), mib(km.BuildRSS), mib(prj.BuildRSS), "MiB")
	// Where the gap comes from: the terms each analysis makes of a post,
	// and the postings (distinct terms of a post), which the indexing cost
	// follows.
	rawT, rawP := termsPerPost(seed, standard.Name)
	kmT, kmP := termsPerPost(seed, index.AnalyzerText)
	fmt.Fprintf(w, "\nterms of the text field per post (first %d posts), English / Khmer: raw bleve %.1f / %.1f, "+
		"raw bleve + Khmer %.1f / %.1f\n", termSample, rawT[0], rawT[1], kmT[0], kmT[1])
	fmt.Fprintf(w, "postings (distinct terms) per post, English / Khmer: raw bleve %.1f / %.1f, raw bleve + Khmer %.1f / %.1f\n",
		rawP[0], rawP[1], kmP[0], kmP[1])
}

const termSample = 2000

// termsPerPost is the average number of terms the analyzer makes of the
// text of the first termSample generated posts, and of distinct terms,
// English ([0]) and Khmer ([1]) apart.
func termsPerPost(seed uint64, analyzer string) (terms, postings [2]float64) {
	an, err := registry.NewCache().AnalyzerNamed(analyzer)
	if err != nil {
		return terms, postings
	}
	g := newGenerator(seed)
	var n [2]int
	distinct := map[string]bool{}
	for i := range termSample {
		d := g.post(i)
		k := 0
		if index.DetectLanguage(d.Text) == "km" {
			k = 1
		}
		n[k]++
		ts := an.Analyze([]byte(d.Text))
		clear(distinct)
		for _, t := range ts {
			distinct[string(t.Term)] = true
		}
		terms[k] += float64(len(ts))
		postings[k] += float64(len(distinct))
	}
	for k := range n {
		terms[k] /= float64(max(n[k], 1))
		postings[k] /= float64(max(n[k], 1))
	}
	return terms, postings
}

func hitsOf(r *result, kind string) float64 {
	if l := r.Latencies[kind]; l != nil {
		return l.AvgHits
	}
	return 0
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }
