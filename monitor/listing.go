package monitor

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor/canon"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

// plannedItem is one listing item with what must be fetched before its
// metadata is written (media of a new version: archive before metadata).
type plannedItem struct {
	item   Item // with its platform id as the listing gave it (the key is ownKey's)
	digest string
	media  []int64
}

// recordMode says what record takes from a listing.
type recordMode int

const (
	// recordAll: everything the listing shows (a listing read now).
	recordAll recordMode = iota
	// recordNewOnly: only posts the archive does not hold, as first seen
	// then; nothing about the others, the account or the source (an
	// answer read again from the archive, older than what the archive
	// knows of them since).
	recordNewOnly
)

// record writes what a listing read at now shows: new posts, new versions
// (edits) and the last time each post was seen live. Media of new versions
// are fetched and archived first, then one transaction writes posts,
// versions and events together, and takes the listing's answers in.
func (p *Pipeline) record(ctx context.Context, src *config.Source, row *store.Source, l *Listing, res *SourceResult, now time.Time, mode recordMode) error {
	seen := map[string]bool{}
	var plan []plannedItem
	for _, it := range l.Items {
		if it.PlatformID == "" || seen[it.PlatformID] {
			continue
		}
		seen[it.PlatformID] = true
		if mode == recordNewOnly {
			// posts the archive holds are left alone: nor their media fetched
			known, err := p.holds(ctx, src, it.PlatformID)
			if err != nil {
				return err
			}
			if known {
				continue
			}
		}
		pi := plannedItem{item: it, digest: normalize.Digest(it.Text)}
		if len(it.Media) > 0 && p.cfg.Fetch.Media.Enabled {
			// the key is settled in the transaction (apply's ownKey);
			// here it only says whose content the media would be
			key, err := p.ownKey(func(platform, id string) (*store.Post, error) {
				return p.arc.Store.PostByKey(ctx, platform, id)
			}, src, it.PlatformID)
			if err != nil {
				return err
			}
			changed, err := p.isNewContent(ctx, src.Platform, key, pi.digest)
			if err != nil {
				return err
			}
			if changed {
				pi.media = p.fetchMedia(ctx, src, it.Media)
				res.Media += len(pi.media)
			}
		}
		plan = append(plan, pi)
	}
	// The counts are of what was committed: a transaction that failed (a
	// full disk) or is run again counts nothing of its own.
	before := *res
	err := p.arc.Store.Write(ctx, func(tx *store.Tx) error {
		*res = before
		if mode == recordAll {
			if err := p.recordAccount(tx, row, Answer{Class: ClassLive}, now, res); err != nil {
				return err
			}
		}
		// with the posts read from them, and never without
		if err := tx.TakeIn(l.Captures); err != nil {
			return err
		}
		if mode == recordAll {
			// before markMissing ends the live span of a post this
			// listing no longer shows: the 304s since the last one did
			if _, err := tx.CatchUpListed(src.ID); err != nil {
				return err
			}
		}
		keys := make(map[string]string, len(plan))
		for _, pi := range plan {
			// on the transaction's reads: another source may have taken
			// the id since the media were fetched
			key, err := p.ownKey(tx.Post, src, pi.item.PlatformID)
			if err != nil {
				return err
			}
			if mode == recordNewOnly {
				if _, err := tx.Post(src.Platform, key); err == nil {
					continue
				} else if !errors.Is(err, store.ErrNotFound) {
					return err
				}
			}
			keys[pi.item.PlatformID], pi.item.PlatformID = key, key
			kinds, err := p.apply(tx, src, l, pi, now)
			if err != nil {
				return err
			}
			for _, kind := range kinds {
				switch kind {
				case store.EventNew:
					res.New++
				case store.EventEdited:
					res.Edited++
				case store.EventRestored:
					res.Restored++
				}
			}
		}
		if mode == recordNewOnly {
			return nil
		}
		if err := p.markMissing(tx, src.ID, keyed(l, keys), now); err != nil {
			return err
		}
		if err := p.recordMetrics(tx, src.ID, l, now, res); err != nil {
			return err
		}
		if l.Cursor != "" {
			if err := tx.SetSourceCursor(src.ID, l.Cursor); err != nil {
				return err
			}
		}
		if err := tx.SourceListed(src.ID, now); err != nil {
			return err
		}
		return tx.SourceAttempt(src.ID, now, "", nil)
	})
	if err != nil {
		*res = before
	}
	return err
}

// holds reports whether the archive holds the post src lists as id. The
// post under id is looked up once: ownKey decides from it, and only a key
// of src's own (another actor's post under id) is looked up again.
func (p *Pipeline) holds(ctx context.Context, src *config.Source, id string) (bool, error) {
	post, err := p.arc.Store.PostByKey(ctx, src.Platform, id)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	key, err := p.ownKey(func(string, string) (*store.Post, error) { return post, nil }, src, id)
	if err != nil || key == id {
		return err == nil, err
	}
	if _, err := p.arc.Store.PostByKey(ctx, src.Platform, key); errors.Is(err, store.ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return true, nil
}

// ownKey is the platform id under which src keeps a listed item: the id
// itself, unless the post with that id belongs to a source of another
// actor, and then the id, store.OwnSep and src's id. Ids are only unique within
// what a platform instance publishes (two sites' feeds both number guids
// from 1; a Mastodon status id is its instance's), and a source answers
// for itself alone: a government feed that lists an opposition post's
// guid must not edit, restore or move that post, and a removal the
// opposition's own feed and permalink show must stay found. Sources of
// one actor share posts, as one site's feeds overlap; a post of a source
// no longer configured is taken over by whoever lists it.
func (p *Pipeline) ownKey(get func(platform, id string) (*store.Post, error), src *config.Source, id string) (string, error) {
	post, err := get(src.Platform, id)
	if errors.Is(err, store.ErrNotFound) {
		return id, nil
	}
	if err != nil {
		return "", err
	}
	if post.SourceID == src.ID {
		return id, nil
	}
	if owner := p.source(post.SourceID); owner != nil && owner.Actor != src.Actor {
		return id + store.OwnSep + src.ID, nil
	}
	return id, nil
}

// keyed is l with its items' platform ids as the source keeps them.
func keyed(l *Listing, keys map[string]string) *Listing {
	out := *l
	out.Items = make([]Item, len(l.Items))
	for i, it := range l.Items {
		if k, ok := keys[it.PlatformID]; ok {
			it.PlatformID = k
		}
		out.Items[i] = it
	}
	return &out
}

// isNewContent reports whether an item's content is not yet archived as the
// post's current version.
func (p *Pipeline) isNewContent(ctx context.Context, platform, id, digest string) (bool, error) {
	post, err := p.arc.Store.PostByKey(ctx, platform, id)
	if errors.Is(err, store.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	if post.CurrentVersion == 0 {
		return true, nil
	}
	v, err := p.arc.Store.Version(ctx, post.CurrentVersion)
	if err != nil {
		return false, err
	}
	return v.Digest != digest, nil
}

// apply writes one item inside the listing's transaction and returns the
// types of the events it caused. The decision is taken on the
// transaction's own reads, so two sources listing one item cannot both
// insert it.
func (p *Pipeline) apply(tx *store.Tx, src *config.Source, l *Listing, pi plannedItem, now time.Time) ([]string, error) {
	it := pi.item
	post, err := tx.Post(src.Platform, it.PlatformID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	evidence := l.Captures
	if post == nil {
		post = &store.Post{
			Platform: src.Platform, PlatformID: it.PlatformID, SourceID: src.ID, PostURL: it.URL,
			CanonicalURL: canonicalURL(it.URL), Published: it.Published, FirstSeen: now, ListedAt: now,
		}
		p.life.FirstSeen(post, now)
		if err := tx.InsertPost(post); err != nil {
			return nil, err
		}
		v, err := p.addVersion(tx, post, pi, l, now)
		if err != nil {
			return nil, err
		}
		post.CurrentVersion = v.ID
		if err := tx.UpdatePost(post); err != nil {
			return nil, err
		}
		if err := p.correctsRemoval(tx, src.ID, v.Text, now); err != nil {
			return nil, err
		}
		if err := tx.AddEvent(&store.Event{Type: store.EventNew, At: now, PostID: post.ID, SourceID: src.ID, Evidence: evidence}); err != nil {
			return nil, err
		}
		kinds := []string{store.EventNew}
		n, err := p.matchReports(tx, src, post, now)
		if err != nil {
			return nil, err
		}
		for i := 0; i < n; i++ {
			kinds = append(kinds, store.EventReported)
		}
		return kinds, nil
	}

	var kinds []string
	if post.SourceID != src.ID && p.source(post.SourceID) == nil {
		// the actor's source that found it is no longer configured: this
		// one lists it now, and collects and checks it from here on (a
		// post of another actor's former source stays that actor's)
		former, err := tx.Source(post.SourceID)
		if err != nil {
			return nil, err
		}
		if former.ActorID == src.Actor {
			post.SourceID = src.ID
		}
	}
	post.ListedAt = now
	if tr := p.life.Seen(post, now, evidence); tr.Event != "" {
		if err := tx.AddEvent(&store.Event{Type: tr.Event, At: now, PostID: post.ID, SourceID: src.ID, Detail: tr.Detail, Evidence: evidence}); err != nil {
			return nil, err
		}
		kinds = append(kinds, tr.Event)
	}
	if it.URL != "" {
		post.PostURL, post.CanonicalURL = it.URL, canonicalURL(it.URL)
	}
	if post.Published.IsZero() {
		post.Published = it.Published
	}
	var cur *store.Version
	if post.CurrentVersion != 0 {
		if cur, err = tx.Version(post.CurrentVersion); err != nil {
			return nil, err
		}
	}
	if cur != nil && (cur.Digest == pi.digest || it.FormerText != "" && cur.Digest == normalize.Digest(it.FormerText) ||
		normalize.Digest(normalize.Text(cur.Text)) == pi.digest) {
		// the same content, or the same as an earlier build read it: from
		// the item as that build would have (FormerText), or the stored
		// text as this build normalizes it (a build that composes, folds
		// or decodes what an earlier one kept as it came). The archive
		// keeps the earlier reading rather than call an upgrade an edit.
		if err := tx.TouchVersion(cur.ID, now); err != nil {
			return nil, err
		}
		return kinds, tx.UpdatePost(post)
	}
	v, err := p.addVersion(tx, post, pi, l, now)
	if err != nil {
		return nil, err
	}
	post.CurrentVersion = v.ID
	if err := tx.UpdatePost(post); err != nil {
		return nil, err
	}
	if cur == nil {
		return kinds, nil
	}
	n, err := tx.VersionCount(post.ID)
	if err != nil {
		return nil, err
	}
	return append(kinds, store.EventEdited), tx.AddEvent(&store.Event{
		Type: store.EventEdited, At: now, PostID: post.ID, SourceID: src.ID,
		Diff: UnifiedDiff(cur.Text, v.Text, n-1, n), Evidence: evidence,
	})
}

func (p *Pipeline) addVersion(tx *store.Tx, post *store.Post, pi plannedItem, l *Listing, now time.Time) (*store.Version, error) {
	v := &store.Version{
		PostID: post.ID, Digest: pi.digest, Title: pi.item.Title, Text: pi.item.Text, Media: pi.item.Media,
		FirstSeen: now, LastSeen: now,
	}
	if len(l.Captures) > 0 {
		v.CaptureID = l.Captures[len(l.Captures)-1]
	}
	if err := tx.AddVersion(v); err != nil {
		return nil, err
	}
	for _, c := range pi.media {
		if err := tx.LinkMedia(v.ID, c); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// fetchMedia archives each media URL once: a URL already archived is not
// fetched again, its capture is reused.
func (p *Pipeline) fetchMedia(ctx context.Context, src *config.Source, urls []string) []int64 {
	var ids []int64
	for _, u := range urls {
		if c, err := p.arc.LastCapture(ctx, u); err == nil {
			ids = append(ids, c.ID)
			continue
		}
		resp, err := p.fetch.Fetch(ctx, &FetchRequest{
			URL: u, Kind: KindMedia, SourceID: src.ID, Vantage: src.Vantage,
			MaxBody: int64(p.cfg.Fetch.Media.MaxBytes),
		})
		if err != nil {
			p.log.WithFields(logrus.Fields{"source": src.ID, "media": redactURL(u)}).WithError(err).Debug("media not archived")
			continue
		}
		if resp.Capture != nil {
			ids = append(ids, resp.Evidence()...)
		}
	}
	return ids
}

// UnifiedDiff is the edit as a unified diff of the normalized texts.
func UnifiedDiff(from, to string, fromVersion, toVersion int) string {
	d, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(strings.TrimSuffix(from, "\n")), B: difflib.SplitLines(strings.TrimSuffix(to, "\n")),
		FromFile: fmt.Sprintf("version %d", fromVersion), ToFile: fmt.Sprintf("version %d", toVersion),
		Context: 3,
	})
	if err != nil {
		return ""
	}
	return d
}

// canonicalURL is the form posts and takedown reports are matched by.
func canonicalURL(raw string) string { return canon.URL(raw) }

// redactURL keeps a URL's query out of logs, where tokens may hide.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.RawQuery, u.User, u.Fragment = "", nil, ""
	return u.String()
}

// metricHistory is how many earlier values of a metric the anomaly rule
// weighs.
const metricHistory = 30

// recordMetrics keeps the account's metrics as a time series and tells of
// a jump (metrics_anomaly with {name, from, to}).
func (p *Pipeline) recordMetrics(tx *store.Tx, srcID string, l *Listing, now time.Time, res *SourceResult) error {
	if len(l.Metrics) == 0 {
		return nil
	}
	rule := AnomalyRule{MinChangePct: p.cfg.Detector.MetricsAnomaly.MinChangePct, RobustZ: p.cfg.Detector.MetricsAnomaly.RobustZ}
	values := make([]store.MetricValue, 0, len(l.Metrics))
	for _, m := range l.Metrics {
		hist, err := tx.MetricHistory(srcID, m.Name, metricHistory)
		if err != nil {
			return err
		}
		if rule.Anomalous(hist, m.Value) {
			from := hist[len(hist)-1]
			if err := tx.AddEvent(&store.Event{Type: store.EventMetricsAnomaly, At: now, SourceID: srcID,
				Metric: &store.Metric{Name: m.Name, From: from, To: m.Value}, Evidence: l.Captures}); err != nil {
				return err
			}
			res.Anomalies++
			p.log.WithFields(logrus.Fields{"source": srcID, "metric": m.Name, "from": from, "to": m.Value}).Warn("metrics anomaly")
		}
		values = append(values, store.MetricValue{Name: m.Name, Value: m.Value})
	}
	var capture int64
	if len(l.Captures) > 0 {
		capture = l.Captures[len(l.Captures)-1]
	}
	return tx.AddMetrics(srcID, now, capture, values)
}

// accountReportWindow is how far before its filing a report naming a
// whole account reaches: the posts it most likely complains about.
const accountReportWindow = 30 * 24 * time.Hour

// matchReports links a post seen for the first time to the reports that
// named it before (or named its account, within the window), each with a
// reported event, and puts it on the reported schedule.
func (p *Pipeline) matchReports(tx *store.Tx, src *config.Source, post *store.Post, now time.Time) (int, error) {
	named, err := tx.ReportsNaming(post.CanonicalURL)
	if err != nil {
		return 0, err
	}
	byAccount, err := tx.ReportsNaming(canonicalURL(src.URL))
	if err != nil {
		return 0, err
	}
	published := post.Published
	if published.IsZero() {
		published = post.FirstSeen
	}
	for _, r := range byAccount {
		if !published.After(r.FiledAt) && published.After(r.FiledAt.Add(-accountReportWindow)) {
			named = append(named, r)
		}
	}
	n := 0
	for _, r := range named {
		linked, err := tx.LinkReport(r.Report.ID, post.ID, r.URL, now)
		if err != nil {
			return n, err
		}
		if !linked {
			continue
		}
		n++
		ev := &store.Event{Type: store.EventReported, At: now, PostID: post.ID, SourceID: post.SourceID,
			Detail: ReportDetail(r.Report.Reporter, r.Report.Kind)}
		if r.Report.CaptureID != 0 {
			ev.Evidence = []int64{r.Report.CaptureID}
		}
		if err := tx.AddEvent(ev); err != nil {
			return n, err
		}
		p.life.Reported(post, r.FiledAt, now)
	}
	if n > 0 {
		return n, tx.UpdatePost(post)
	}
	return 0, nil
}

// ReportDetail is a reported event's detail: who reported, and how.
func ReportDetail(reporter, kind string) string {
	if kind == "" {
		return reporter
	}
	return reporter + " (" + strings.ReplaceAll(kind, "_", " ") + ")"
}
