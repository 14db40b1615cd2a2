// Package index keeps the full-text search index of everything archived
// (every version of every post, Khmer, Thai, Lao and Burmese included) in
// bleve, and answers searches.
package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Doc is one version of one post, as the index keeps it.
type Doc struct {
	PostID    string
	VersionID int64
	Version   int // 1-based ordinal of the version
	Title     string
	Text      string // normalized text (HTML already stripped)

	Actor, Affiliation, Platform, Source, State, Reason string
	// Language is an ISO 639-1 code; "" = detect (DetectLanguage: "km",
	// "th", "lo", "my" for Khmer, Thai, Lao, Burmese script, "en" otherwise).
	Language string

	Published, FirstSeen, RemovedAt time.Time
	ReportIDs                       []string
}

// Options tune an Index. The zero value is usable.
type Options struct {
	// BatchSize is the most documents one bleve batch holds; Put splits
	// larger calls (the watermark goes with the last). Default 1000.
	BatchSize int
	// Aggregates, when set, answers facet counts for broad queries.
	Aggregates Aggregates
	// AggregateThreshold: a text query with more hits than this asks
	// Aggregates first (it may decline). Default 10000.
	AggregateThreshold uint64
	// CommonWords are added to the built-in common words (common.go) when
	// the index is created; an existing index keeps the list it has.
	CommonWords []string
	// CollapseExactLimit: with one hit per post, Total is counted exactly by
	// walking the hits when the query matches at most this many versions
	// and some of them are later versions; above it Total is estimated
	// (Result.Estimated). Default 10000.
	CollapseExactLimit int

	// scorch adds to bleve's scorch configuration (tests: keeping many
	// segments unmerged).
	scorch map[string]interface{}
	// maxSegmentDocs: default maxSegmentDocs (tests make it small).
	maxSegmentDocs int
}

func (o Options) withDefaults() Options {
	if o.BatchSize <= 0 {
		o.BatchSize = 1000
	}
	if o.AggregateThreshold == 0 {
		o.AggregateThreshold = 10000
	}
	if o.CollapseExactLimit <= 0 {
		o.CollapseExactLimit = 10000
	}
	if o.maxSegmentDocs <= 0 {
		o.maxSegmentDocs = maxSegmentDocs
	}
	return o
}

// Errors callers branch on.
var (
	// ErrLocked: another process holds the index as its writer.
	ErrLocked = errors.New("index: locked by another writer (use OpenReadOnly)")
	// ErrReadOnly: a write on an index opened with OpenReadOnly.
	ErrReadOnly = errors.New("index: opened read-only")
	// ErrClosed: a write on a closed index.
	ErrClosed = errors.New("index: closed")
	// ErrBadQuery wraps query-string syntax errors.
	ErrBadQuery = errors.New("index: bad query")
	// ErrDamaged: the files in the index's directory do not open as an
	// index (truncated, overwritten, half-copied). The index holds nothing
	// the archive does not: it can be set aside and rebuilt from it.
	ErrDamaged = errors.New("index: damaged")
)

// damaged is the error of an index in dir that bleve cannot open: ErrDamaged,
// unless the files could not be read at all (permissions), which a rebuild
// in the same place would not mend either.
func damaged(dir string, err error) error {
	if errors.Is(err, fs.ErrPermission) || strings.Contains(err.Error(), "permission denied") {
		return fmt.Errorf("index: open %s: %w", dir, err)
	}
	// bleve reports a metadata file it may not read as missing: the
	// files are asked for here, so a directory another user made (a
	// reindex run as root) is a permission error, not damage to set aside.
	if perr := readable(dir); perr != nil {
		return fmt.Errorf("index: open %s: %w (run as the user that owns the data directory)", dir, perr)
	}
	// (bleve's messages may go on over lines, the mapping's JSON after them)
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return fmt.Errorf("%w: %s: %s", ErrDamaged, dir, msg)
}

// readable returns a permission error when dir, or a file in it, may not
// be read by this process; nil otherwise (missing files included).
func readable(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return err
		}
		return nil
	}
	for _, e := range entries {
		if e.IsDir() {
			if err := readable(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
			continue
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			if errors.Is(err, fs.ErrPermission) {
				return err
			}
			continue
		}
		f.Close()
	}
	return nil
}

// Index is an open search index: the single writer (Open) or a read-only
// view (OpenReadOnly). Its methods are safe for concurrent use.
type Index struct {
	bi       bleve.Index
	dir      string
	opts     Options
	an       *analyzers
	readOnly bool
	snapDir  string // read-only: the snapshot directory removed on Close

	wmu    sync.Mutex   // serializes writes (Put, DeletePost, Close)
	mu     sync.RWMutex // guards langs, multi, closed (never held across bleve calls)
	langs  map[string]bool
	multi  bool // some document has Version ≥ 2
	closed bool

	fcache facetCache // facet postings of segments (see postings.go)
	advice advisor    // segments advised random access (advise.go)

	made       formats // the choices of analysis the index was made with
	incomplete string  // MarkIncomplete's why ("" when complete)

	common []string      // the index's common words (see common.go)
	pairs  pairsAnalyzer // built from common
}

// maxSegmentDocs caps the segments merging makes (see Open): a merge then
// reads and writes at most this many posts' worth of index, about 500 MB at
// 300-character posts; a million posts stay in about ten segments.
const maxSegmentDocs = 200_000

// Keys of values kept inside the index (bleve internal storage).
var (
	keyWatermark  = []byte("takedownwatch/watermark")
	keyLanguages  = []byte("takedownwatch/languages")
	keyMulti      = []byte("takedownwatch/multiversion") // set once a version ≥ 2 is put
	keyCommon     = []byte("takedownwatch/common-words")
	keyFlushed    = []byte("takedownwatch/flushed")     // written by Close to wait for the disk
	keyIncomplete = []byte("takedownwatch/incomplete")  // why the index lacks documents (MarkIncomplete)
	keyKeepStop   = []byte("takedownwatch/keep-stop")   // the text field keeps stop words, the pairs field pairs them (analysis.go)
	keyScripts    = []byte("takedownwatch/scripts")     // Thai, Lao and Burmese runs are clustered as Khmer ones (clusters.go)
	keyFold       = []byte("takedownwatch/look-alikes") // Khmer, Thai and Lao look-alike spellings are keyed alike (clusterKey)
	keyBridge     = []byte("takedownwatch/bridges")     // bigrams across invisible breaks (textAnalyzer)
	keyDigits     = []byte("takedownwatch/digits")      // Khmer, Thai, Lao and Burmese digits are numbers (scriptDigit)
	keySaraAe     = []byte("takedownwatch/sara-ae")     // Thai and Lao SARA E typed twice is SARA AE (saraE)
	keyQoo        = []byte("takedownwatch/qoo")         // Khmer ឲ keyed as ឱ (clusterKey)
)

// formats are the choices of analysis an index is made with, recorded in
// it as flag keys: an index goes on analyzing its documents and queries as
// it was made to, so that what it holds stays found, and says what it lacks
// (Outdated) until reindex makes a new one.
type formats struct {
	keepStop bool // stop words kept (analysis.go)
	// scripts: Thai, Lao and Burmese are indexed and clusters are keyed. An
	// index from before analyzes new posts as a new index does, which is no
	// less exact, but holds no terms for the posts of those scripts it had.
	scripts bool
	textFlags
}

// formatFlag is one of the formats: its key, the value a new index records,
// the field it sets, and what an index made without it does less well.
type formatFlag struct {
	key   []byte
	value string
	on    func(*formats) *bool
	lacks string
}

var formatFlags = []formatFlag{
	{keyKeepStop, "1", func(f *formats) *bool { return &f.keepStop },
		"was made dropping stop words: a phrase with one (\"results of\") also finds posts without it"},
	{keyScripts, "km th lo my", func(f *formats) *bool { return &f.scripts },
		"was made before Thai, Lao and Burmese were indexed, and before Khmer and Thai signs typed out of order were matched: " +
			"posts in those scripts indexed before are not found, nor those signs"},
	{keyFold, "1", func(f *formats) *bool { return &f.fold },
		"was made before spellings that look alike were matched (Khmer subscript ដ and ត, subscript រ typed first, េ typed with ា or ី; Thai ำ typed as ํ and า): " +
			"a word written one way does not find it written the other"},
	{keyBridge, "1", func(f *formats) *bool { return &f.bridge },
		"was made before words split by an invisible space (U+200B) were found as typed without it: " +
			"a Khmer phrase searched as people type it misses the posts that wrote it with one"},
	{keyDigits, "1", func(f *formats) *bool { return &f.digits },
		"was made before Khmer, Thai, Lao and Burmese digits were searched as numbers: " +
			"a number written in those digits and the same number in ASCII digits do not find each other"},
	{keyQoo, "1", func(f *formats) *bool { return &f.qoo },
		"was made before ឲ្យ and ឱ្យ, two spellings of one Khmer word, were matched: " +
			"a word written one way does not find it written the other"},
	{keySaraAe, "1", func(f *formats) *bool { return &f.saraAe },
		"was made before Thai and Lao SARA AE typed as SARA E twice was matched: " +
			"a word written one way does not find it written the other"},
}

// newFormats are the formats of an index made now: every flag on.
func newFormats() formats {
	var f formats
	for _, fl := range formatFlags {
		*fl.on(&f) = true
	}
	return f
}

// Open opens the index in dir as its single writer, creating it with the
// explicit mapping when dir holds none. A second writer gets ErrLocked.
func Open(dir string, opts Options) (*Index, error) {
	ix, err := newIndex(dir, opts)
	if err != nil {
		return nil, err
	}
	// unsafe_batch: a batch returns once it is searchable, not once it is on
	// disk, so segments are built while earlier ones are written and the
	// persister can merge several in memory before writing them (fewer,
	// larger files and less merging later). What must be durable waits for
	// it itself: a Put with a watermark, DeletePost, Close (see persist).
	//
	// scorchMergePlanOptions: no merge makes a segment of more than
	// maxSegmentDocs. Merging reads its segments through memory maps, and
	// bleve's default (5M documents) ends a bulk load of 1M posts by
	// merging everything into one segment: 2.4 GB of mapped pages and
	// half a GB of heap at once, and the whole index rewritten again.
	// (The rest of the merge plan stays bleve's default.)
	cfg := map[string]interface{}{"bolt_timeout": "1s", "unsafe_batch": true,
		"scorchMergePlanOptions": map[string]interface{}{"MaxSegmentSize": ix.opts.maxSegmentDocs}}
	for k, v := range opts.scorch {
		cfg[k] = v
	}
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); errors.Is(err, os.ErrNotExist) {
		ix.bi, err = bleve.NewUsing(dir, NewMapping(), scorch.Name, scorch.Name, cfg)
		if err != nil {
			return nil, fmt.Errorf("index: create %s: %w", dir, err)
		}
		common := append(defaultCommonWords(), opts.CommonWords...)
		v, _ := json.Marshal(common)
		b := ix.bi.NewBatch()
		b.SetInternal(keyCommon, v)
		for _, f := range formatFlags {
			b.SetInternal(f.key, []byte(f.value))
		}
		if err := ix.persist(context.Background(), b); err != nil {
			ix.bi.Close()
			return nil, fmt.Errorf("index: create %s: %w", dir, err)
		}
	} else {
		ix.bi, err = bleve.OpenUsing(dir, cfg)
		if err != nil {
			if strings.Contains(err.Error(), "timeout") {
				return nil, fmt.Errorf("%w: %s", ErrLocked, dir)
			}
			return nil, damaged(dir, err)
		}
	}
	removeStaleSnapshots(dir, time.Hour)
	if err := ix.loadLanguages(); err != nil {
		ix.bi.Close()
		return nil, damaged(dir, err)
	}
	return ix, nil
}

func newIndex(dir string, opts Options) (*Index, error) {
	return &Index{dir: dir, opts: opts.withDefaults(), langs: map[string]bool{}}, nil
}

func (ix *Index) loadLanguages() error {
	v, err := ix.bi.GetInternal(keyLanguages)
	if err != nil {
		return fmt.Errorf("index: read languages: %w", err)
	}
	common := defaultCommonWords()
	if c, err := ix.bi.GetInternal(keyCommon); err != nil {
		return fmt.Errorf("index: read common words: %w", err)
	} else if len(c) > 0 {
		if err := json.Unmarshal(c, &common); err != nil {
			return fmt.Errorf("index: read common words: %w", err)
		}
	}
	for _, f := range formatFlags {
		b, err := ix.bi.GetInternal(f.key)
		if err != nil {
			return fmt.Errorf("index: read flag %s: %w", f.key, err)
		}
		*f.on(&ix.made) = len(b) > 0
	}
	why, err := ix.bi.GetInternal(keyIncomplete)
	if err != nil {
		return fmt.Errorf("index: read flag %s: %w", keyIncomplete, err)
	}
	ix.incomplete = string(why)
	if m, err := ix.bi.GetInternal(keyMulti); err != nil {
		return fmt.Errorf("index: read flag %s: %w", keyMulti, err)
	} else if len(m) > 0 {
		ix.multi = true
	}
	ix.common, ix.pairs = common, newPairsAnalyzer(common, ix.made.keepStop)
	if ix.an, err = newAnalyzers(ix.made.keepStop, ix.made.textFlags); err != nil {
		return err
	}
	if len(v) == 0 {
		return nil
	}
	var ls []string
	if err := json.Unmarshal(v, &ls); err != nil {
		return fmt.Errorf("index: read languages: %w", err)
	}
	for _, l := range ls {
		ix.langs[l] = true
	}
	return nil
}

// Close closes the index (and removes a read-only snapshot). Closing twice
// is a no-op; writes after Close answer ErrClosed.
func (ix *Index) Close() error {
	ix.wmu.Lock()
	defer ix.wmu.Unlock()
	ix.mu.Lock()
	closed := ix.closed
	ix.closed = true
	ix.mu.Unlock()
	if closed {
		return nil
	}
	var err error
	if !ix.readOnly {
		// batches without a watermark may not be on disk yet
		b := ix.bi.NewBatch()
		b.SetInternal(keyFlushed, []byte("1"))
		err = ix.persist(context.Background(), b)
	}
	if cerr := ix.bi.Close(); err == nil {
		err = cerr
	}
	if ix.snapDir != "" {
		if rerr := os.RemoveAll(ix.snapDir); err == nil && rerr != nil {
			err = rerr
		}
	}
	if err != nil {
		return fmt.Errorf("index: close %s: %w", ix.dir, err)
	}
	return nil
}

// DocID is the bleve document id of one version: post id + "/" + version id.
func DocID(postID string, versionID int64) string {
	return postID + "/" + strconv.FormatInt(versionID, 10)
}

// splitDocID undoes DocID.
func splitDocID(id string) (string, int64) {
	i := strings.LastIndexByte(id, '/')
	if i < 0 {
		return id, 0
	}
	v, _ := strconv.ParseInt(id[i+1:], 10, 64)
	return id[:i], v
}

// maxIndexedText is how much of a version's text (with its title) is
// indexed: the rest is archived and shown, not searchable. Analysis holds
// every token of a document at once, and a publisher's megabyte item took
// the daemon from 18 MB to 1.4 GB; no post of the platforms watched comes
// near it (Facebook's cap is 63,206 characters).
const maxIndexedText = 64 << 10

// maxBatchText bounds the text one bleve batch analyses, whatever its
// count of documents: a batch's analysis is held in memory until it is
// indexed.
const maxBatchText = 8 << 20

// batchEnd is where the batch that starts at docs[start] ends: at most
// BatchSize documents and maxBatchText of text (at least one document).
func (ix *Index) batchEnd(docs []Doc, start int) int {
	end, size := start, 0
	for end < len(docs) && end-start < ix.opts.BatchSize {
		size += min(len(docs[end].Title)+len(docs[end].Text), maxIndexedText)
		if end > start && size > maxBatchText {
			break
		}
		end++
	}
	return end
}

// Put indexes docs and records watermark in the same bleve batch, so the
// index never claims more than it holds: after a crash it may be behind the
// caller's commits (re-put from Watermark; re-putting a version replaces it),
// never ahead. More than Options.BatchSize docs go in several batches, the
// watermark with the last. Put returns when the docs are searchable and,
// with a watermark, on disk: the caller may then forget what it recorded.
// An empty watermark leaves the recorded one as it is and does not wait for
// the disk (a bulk load: Close, or the next Put with a watermark, does).
func (ix *Index) Put(ctx context.Context, docs []Doc, watermark string) error {
	unlock, err := ix.lockWrites()
	if err != nil {
		return err
	}
	defer unlock()
	for start, end := 0, 0; ; start = end {
		if err := ctx.Err(); err != nil {
			return err
		}
		end = ix.batchEnd(docs, start)
		last := end == len(docs)
		b := ix.bi.NewBatch()
		var newLangs []string
		multi := false
		for i := start; i < end; i++ {
			d := &docs[i]
			multi = multi || d.Version >= 2
			if d.PostID == "" {
				return fmt.Errorf("index: put: document %d has no post id", i)
			}
			lang := d.Language
			if lang == "" {
				lang = DetectLanguage(d.Title + " " + d.Text)
			}
			if !ix.langs[lang] && !contains(newLangs, lang) {
				newLangs = append(newLangs, lang)
			}
			if err := b.IndexAdvanced(ix.document(d, lang)); err != nil {
				return fmt.Errorf("index: put %s: %w", DocID(d.PostID, d.VersionID), err)
			}
		}
		if len(newLangs) > 0 {
			all := append(ix.Languages(), newLangs...)
			sort.Strings(all)
			v, _ := json.Marshal(all)
			b.SetInternal(keyLanguages, v)
		}
		if multi && !ix.multi {
			b.SetInternal(keyMulti, []byte("1"))
		}
		var err error
		if last && watermark != "" {
			b.SetInternal(keyWatermark, []byte(watermark))
			err = ix.persist(ctx, b)
		} else {
			err = ix.bi.Batch(b)
		}
		if err != nil {
			return fmt.Errorf("index: put batch: %w", err)
		}
		ix.mu.Lock()
		for _, l := range newLangs {
			ix.langs[l] = true
		}
		ix.multi = ix.multi || multi
		ix.mu.Unlock()
		if last {
			return nil
		}
	}
}

// persist applies b and waits until it is on disk. The index runs scorch
// with unsafe batches; scorch persists snapshots in order, so everything
// applied before b is on disk too.
func (ix *Index) persist(ctx context.Context, b *bleve.Batch) error {
	done := make(chan error, 1)
	b.SetPersistedCallback(func(err error) { done <- err })
	if err := ix.bi.Batch(b); err != nil {
		return err
	}
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("persist: %w", err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("persist: %w", ctx.Err())
	}
}

// lockWrites takes the writer's lock for a write, or says why there is
// none to take (a read-only or closed index).
func (ix *Index) lockWrites() (unlock func(), err error) {
	if ix.readOnly {
		return nil, ErrReadOnly
	}
	ix.wmu.Lock()
	if ix.isClosed() {
		ix.wmu.Unlock()
		return nil, ErrClosed
	}
	return ix.wmu.Unlock, nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// Languages returns the languages of the documents indexed so far.
func (ix *Index) Languages() []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	out := make([]string, 0, len(ix.langs))
	for l := range ix.langs {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}

func (ix *Index) isClosed() bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.closed
}

// DeletePost removes every version of a post.
func (ix *Index) DeletePost(ctx context.Context, postID string) error {
	unlock, err := ix.lockWrites()
	if err != nil {
		return err
	}
	defer unlock()
	tq := query.NewTermQuery(postID)
	tq.SetField(FieldPostID)
	for {
		req := bleve.NewSearchRequestOptions(tq, 1000, 0, false)
		req.Score = "none"
		res, err := ix.bi.SearchInContext(ctx, req)
		if err != nil {
			return fmt.Errorf("index: delete post %s: %w", postID, err)
		}
		if len(res.Hits) == 0 {
			return nil
		}
		b := ix.bi.NewBatch()
		for _, h := range res.Hits {
			b.Delete(h.ID)
		}
		if err := ix.persist(ctx, b); err != nil {
			return fmt.Errorf("index: delete post %s: %w", postID, err)
		}
	}
}

// Outdated says what an index made by an older version of this package
// does less well than a new one, or what it lacks (MarkIncomplete); ""
// when nothing. Reindex makes a new one.
func (ix *Index) Outdated() string {
	var why []string
	ix.mu.RLock()
	if ix.incomplete != "" {
		why = append(why, ix.incomplete)
	}
	ix.mu.RUnlock()
	for _, f := range formatFlags {
		if !*f.on(&ix.made) {
			why = append(why, f.lacks)
		}
	}
	return strings.Join(why, "; it ")
}

// MarkIncomplete records on disk that the index lacks documents only a
// rebuild adds, why saying which ("holds only what was indexed since …");
// Outdated and Incomplete say so until a rebuild replaces the index.
func (ix *Index) MarkIncomplete(why string) error {
	unlock, err := ix.lockWrites()
	if err != nil {
		return err
	}
	defer unlock()
	b := ix.bi.NewBatch()
	b.SetInternal(keyIncomplete, []byte(why))
	if err := ix.persist(context.Background(), b); err != nil {
		return fmt.Errorf("index: mark incomplete: %w", err)
	}
	ix.mu.Lock()
	ix.incomplete = why
	ix.mu.Unlock()
	return nil
}

// Incomplete reports whether MarkIncomplete marked the index.
func (ix *Index) Incomplete() bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.incomplete != ""
}

// Watermark returns what the last successful Put recorded ("" if none).
func (ix *Index) Watermark() (string, error) {
	v, err := ix.bi.GetInternal(keyWatermark)
	if err != nil {
		return "", fmt.Errorf("index: read watermark: %w", err)
	}
	return string(v), nil
}

// DocCount returns the number of documents (post versions) in the index.
func (ix *Index) DocCount() (uint64, error) {
	n, err := ix.bi.DocCount()
	if err != nil {
		return 0, fmt.Errorf("index: doc count: %w", err)
	}
	return n, nil
}

// Field names of the mapping.
const (
	FieldText        = "text"  // title + text, language-aware, Khmer clusters
	FieldPairs       = "pairs" // adjacent word pairs, for phrases
	FieldPostID      = "post_id"
	FieldVersion     = "version" // stored: the version's ordinal
	FieldLater       = "later"   // "1" on versions ≥ 2
	FieldActor       = "actor"
	FieldAffiliation = "affiliation"
	FieldPlatform    = "platform"
	FieldSource      = "source"
	FieldState       = "state"
	FieldReason      = "reason"
	FieldLanguage    = "language"
	FieldPublished   = "published"
	FieldFirstSeen   = "first_seen"
	FieldRemovedAt   = "removed_at"
	FieldReportIDs   = "report_ids"
	FieldMonth       = "month" // published as YYYY-MM (UTC), for the month facet
)

// NewMapping returns the explicit index mapping: a static default mapping
// (no dynamic fields, no _all, no doc values on the text), keyword fields for
// filters and facets, dates for ranges and sorts. Documents are built by the
// index itself (the text analyzer depends on the document's language), the
// mapping tells queries how each field is analyzed.
func NewMapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	im.DefaultAnalyzer = AnalyzerText
	im.DefaultField = FieldText

	dm := bleve.NewDocumentStaticMapping()
	text := bleve.NewTextFieldMapping()
	text.Analyzer = AnalyzerText
	text.Store = true
	text.IncludeTermVectors = true
	text.IncludeInAll = false
	text.DocValues = false
	dm.AddFieldMappingsAt(FieldText, text)

	pairs := bleve.NewTextFieldMapping()
	pairs.Analyzer = AnalyzerPairs
	pairs.Store = false
	pairs.IncludeTermVectors = true
	pairs.IncludeInAll = false
	pairs.DocValues = false
	dm.AddFieldMappingsAt(FieldPairs, pairs)

	kw := func(name string, store, docValues bool) {
		f := bleve.NewKeywordFieldMapping()
		f.Store = store
		f.DocValues = docValues
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		dm.AddFieldMappingsAt(name, f)
	}
	kw(FieldPostID, true, false)
	kw(FieldActor, true, true)
	kw(FieldAffiliation, false, true)
	kw(FieldPlatform, true, true)
	kw(FieldSource, false, false)
	kw(FieldState, true, false)
	kw(FieldReason, true, true)
	kw(FieldLanguage, false, false)
	kw(FieldReportIDs, false, false)
	kw(FieldMonth, false, true)
	kw(FieldLater, false, false)

	num := func(name string) {
		f := bleve.NewNumericFieldMapping()
		f.Index = false
		f.Store = true
		f.DocValues = false
		f.IncludeInAll = false
		dm.AddFieldMappingsAt(name, f)
	}
	num(FieldVersion)

	date := func(name string, store, docValues bool) {
		f := bleve.NewDateTimeFieldMapping()
		f.Store = store
		f.DocValues = docValues
		f.IncludeInAll = false
		dm.AddFieldMappingsAt(name, f)
	}
	date(FieldPublished, true, true)
	date(FieldFirstSeen, true, false) // kept, not searchable
	date(FieldRemovedAt, true, true)

	im.DefaultMapping = dm
	return im
}

var keywordAnalyzer analysis.Analyzer = keywordAn{}

type keywordAn struct{}

func (keywordAn) Analyze(b []byte) analysis.TokenStream {
	return analysis.TokenStream{{Term: b, Start: 0, End: len(b), Position: 1, Type: analysis.AlphaNumeric}}
}

// document builds the bleve document of d (the same fields NewMapping declares).
func (ix *Index) document(d *Doc, lang string) *document.Document {
	doc := document.NewDocument(DocID(d.PostID, d.VersionID))
	body := d.Text
	if d.Title != "" && !strings.HasPrefix(d.Text, d.Title) {
		body = d.Title + "\n" + d.Text
	}
	if len(body) > maxIndexedText {
		cut := maxIndexedText
		for cut > 0 && !utf8.RuneStart(body[cut]) {
			cut--
		}
		body = body[:cut]
	}
	bodyB := []byte(body)
	doc.AddField(document.NewTextFieldCustom(FieldText, nil, bodyB,
		bindex.IndexField|bindex.StoreField|bindex.IncludeTermVectors, ix.an.textFor(lang)))
	// (not stored, so analyzed in place: its own copy of the text)
	doc.AddField(document.NewTextFieldCustom(FieldPairs, nil, []byte(body),
		bindex.IndexField|bindex.IncludeTermVectors, ix.pairs))
	kw := func(name, v string, opts bindex.FieldIndexingOptions) {
		if v != "" {
			doc.AddField(document.NewTextFieldCustom(name, nil, []byte(v), opts, keywordAnalyzer))
		}
	}
	const idx, st, dv = bindex.IndexField, bindex.StoreField, bindex.DocValues
	kw(FieldPostID, d.PostID, idx|st)
	kw(FieldActor, d.Actor, idx|st|dv)
	kw(FieldAffiliation, d.Affiliation, idx|dv)
	kw(FieldPlatform, d.Platform, idx|st|dv)
	kw(FieldSource, d.Source, idx)
	kw(FieldState, d.State, idx|st)
	kw(FieldReason, d.Reason, idx|st|dv)
	kw(FieldLanguage, lang, idx)
	for _, r := range d.ReportIDs {
		kw(FieldReportIDs, r, idx)
	}
	// version: stored only (numbers index up to 16 prefix terms each); the
	// filter "a later version" is one keyword term
	doc.AddField(document.NewNumericFieldWithIndexingOptions(FieldVersion, nil, float64(d.Version), st))
	if d.Version >= 2 {
		kw(FieldLater, "1", idx)
	}
	date := func(name string, t time.Time, opts bindex.FieldIndexingOptions) {
		if t.IsZero() {
			return
		}
		f, err := document.NewDateTimeFieldWithIndexingOptions(name, nil, t, time.RFC3339, opts)
		if err == nil { // out of range dates are left out
			doc.AddField(f)
		}
	}
	date(FieldPublished, d.Published, idx|st|dv)
	date(FieldFirstSeen, d.FirstSeen, st)
	date(FieldRemovedAt, d.RemovedAt, idx|st|dv)
	if !d.Published.IsZero() {
		kw(FieldMonth, d.Published.UTC().Format("2006-01"), idx|dv)
	}
	return doc
}
