package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/sirupsen/logrus"
	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/index"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/web"
)

// storeAggregates lets the index take facet counts of searches without
// text from SQL (posts by actor, reason, …) instead of walking every hit.
type storeAggregates struct{ st *store.Store }

func (a storeAggregates) Aggregate(ctx context.Context, q index.Query, facets []string, size int) (*index.Aggregate, error) {
	if q.HasText() || len(q.Languages) > 0 {
		return nil, nil // the store has neither the words nor the language
	}
	total, counts, err := a.st.Aggregate(ctx, store.AggFilter{
		States: q.States, Reasons: q.Reasons, Actors: q.Actors, Affiliations: q.Affiliations, Platforms: q.Platforms,
		Since: q.Since, Until: q.Until, RemovedSince: q.RemovedSince, RemovedUntil: q.RemovedUntil,
	}, facets, size)
	if err != nil {
		return nil, err
	}
	out := &index.Aggregate{Total: uint64(total), Facets: map[string][]index.FacetCount{}}
	for name, cs := range counts {
		for _, c := range cs {
			out.Facets[name] = append(out.Facets[name], index.FacetCount{Term: c.Term, Count: c.Count})
		}
	}
	return out, nil
}

func indexDir(dataDir string) string { return filepath.Join(dataDir, archive.IndexDir) }

func openIndexDir(st *store.Store, dir string) (*index.Index, error) {
	ix, err := index.Open(dir, index.Options{Aggregates: storeAggregates{st}})
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	return ix, nil
}

// warnOutdated logs what an index made by an older version lacks, so a
// user who only searches learns it as well as one who runs serve.
func warnOutdated(ix outdater, log logrus.FieldLogger) {
	if why := outdated(ix); why != "" {
		log.WithField("component", "index").Warn(why)
	}
}

type outdater interface{ Outdated() string }

// outdated says what ix, made by an older version, lacks and what mends
// it ("" when nothing): for the log and for the search page.
func outdated(ix outdater) string {
	why := ix.Outdated()
	if why == "" {
		return ""
	}
	return "The search index " + why + "; `takedownwatch reindex` rebuilds it (serve may go on running)."
}

// warnBehind logs how many changes of the archive the index does not hold
// yet, so that a search beside a stopped (or busy) writer does not pass
// for complete. It reads only: the next serve or snapshot catches up.
func warnBehind(ctx context.Context, st *store.Store, ix monitor.Index, log *logrus.Logger) {
	n, err := monitor.NewIndexer(st, ix, logrus.NewEntry(log)).Lag(ctx)
	if err != nil || n == 0 {
		return
	}
	log.WithField("component", "index").Warnf("the search index is %d change(s) behind the archive, which these results leave out; "+
		"a running serve catches up, else the next snapshot or serve does", n)
}

// openIndexReader opens the index beside a running writer.
func openIndexReader(st *store.Store, dataDir string) (*index.Index, error) {
	ix, err := index.OpenReadOnlyWith(indexDir(dataDir), index.Options{Aggregates: storeAggregates{st}})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no search index in %s yet: `snapshot` and `serve` index as they go; `reindex` builds it from the archive", dataDir)
	}
	if errors.Is(err, index.ErrDamaged) {
		return nil, fmt.Errorf("the search index cannot be read (%w): `reindex` rebuilds it from the archive, "+
			"and `serve` sets it aside and rebuilds it itself; the archive is not touched", err)
	}
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	return ix, nil
}

// textIndex is what searches need of an index: a read-only one, or a
// writer's liveIndex.
type textIndex interface {
	Search(ctx context.Context, q index.Query) (*index.Result, error)
	outdater
}

// searcher serves the web layer's searches from the index.
type searcher struct {
	ix  textIndex
	idx *monitor.Indexer // nil for a read-only process
}

// Notice is what results say of the index: a writer's liveIndex says
// more (a rebuild running) than outdated does.
func (s searcher) Notice() string {
	if l, ok := s.ix.(*liveIndex); ok {
		return l.notice()
	}
	return outdated(s.ix)
}

var (
	_ web.Searcher = searcher{}
	_ web.Noticer  = searcher{}
)

func (s searcher) Search(ctx context.Context, q web.SearchQuery) (*web.SearchResult, error) {
	res, err := s.ix.Search(ctx, index.Query{
		Q: q.Q, States: q.States, Reasons: q.Reasons, Actors: q.Actors, Affiliations: q.Affiliations,
		Platforms: q.Platforms, Languages: q.Langs, Since: q.Since, Until: q.Until,
		RemovedSince: q.RemovedSince, RemovedUntil: q.RemovedUntil, Sort: q.Sort, Limit: q.Limit, Offset: q.Offset,
		Facets: q.Facets, Highlight: true, Wider: true,
	})
	if errors.Is(err, index.ErrBadQuery) {
		return nil, badQuery(err)
	}
	if err != nil {
		return nil, err
	}
	out := &web.SearchResult{Total: res.Total, Took: res.Took, Facets: map[string][]store.Count{},
		Wider: res.Wider, WiderTotal: res.WiderTotal, Hint: res.Hint, Estimated: res.Estimated, FacetsOfVersions: res.FacetsOfVersions}
	out.Notice = s.Notice()
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, web.SearchHit{PostID: h.PostID, VersionID: h.VersionID, Version: h.Version, Score: h.Score,
			Snippet: h.Snippet, Actor: h.Actor, State: h.State, Reason: h.Reason, Platform: h.Platform,
			Published: h.Published, RemovedAt: h.RemovedAt})
	}
	for name, cs := range res.Facets {
		for _, c := range cs {
			out.Facets[name] = append(out.Facets[name], store.Count{Term: c.Term, Count: c.Count})
		}
	}
	return out, nil
}

// badQuery is an index.ErrBadQuery as the reader is told it: what is
// wrong with the query, without the package's prefix.
func badQuery(err error) *web.QueryError {
	return &web.QueryError{Msg: strings.TrimPrefix(err.Error(), index.ErrBadQuery.Error()+": ")}
}

// PostIDs are the posts of a saved search, newest first; a search of
// removed posts only takes the latest removed, so that the removal of an
// old post (the usual case) is among the limit's posts.
func (s searcher) PostIDs(ctx context.Context, q string, states []string, limit int) ([]string, error) {
	sort := "newest"
	if len(states) == 1 && states[0] == store.StateRemoved {
		sort = "removed"
	}
	res, err := s.ix.Search(ctx, index.Query{Q: q, States: states, Sort: sort, Limit: limit})
	if errors.Is(err, index.ErrBadQuery) {
		return nil, badQuery(err)
	}
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(res.Hits))
	for _, h := range res.Hits {
		ids = append(ids, h.PostID)
	}
	return ids, nil
}

// Lag is how far the index is behind the archive (for /metrics).
func (s searcher) Lag(ctx context.Context) (int64, error) {
	if s.idx == nil {
		return 0, errors.New("no indexer in this process")
	}
	return s.idx.Lag(ctx)
}
