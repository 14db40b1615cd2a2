package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Filter narrows exports. Zero fields do not filter.
type Filter struct {
	Since, Until time.Time // events: event time; posts: published, else first seen
	Actor        string
	Affiliation  string
	Platform     string
	// States: posts in these states only (posts and their counts; the
	// other kinds have no state of their own).
	States []string
}

// where is f as a condition on rows with that time and platform: a
// post's own platform (an imported Facebook post may sit under a source of
// another platform, and rows show the post's), a metric's source's.
func (f Filter) where(timeExpr, platformExpr string) (string, []any) {
	var conds []string
	var args []any
	if !f.Since.IsZero() {
		conds, args = append(conds, timeExpr+" >= ?"), append(args, formatTime(f.Since))
	}
	if !f.Until.IsZero() {
		conds, args = append(conds, timeExpr+" < ?"), append(args, formatTime(f.Until))
	}
	if f.Actor != "" {
		conds, args = append(conds, "s.actor_id = ?"), append(args, f.Actor)
	}
	if f.Affiliation != "" {
		conds, args = append(conds, "a.affiliation = ?"), append(args, f.Affiliation)
	}
	if f.Platform != "" {
		conds, args = append(conds, platformExpr+" = ?"), append(args, f.Platform)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// postWhere is where for posts (alias p): by publication time, else
// first seen, and by state.
func (f Filter) postWhere() (string, []any) {
	where, args := f.where("coalesce(p.published, p.first_seen)", "p.platform")
	if len(f.States) == 0 {
		return where, args
	}
	b, _ := json.Marshal(f.States)
	cond := "p.state IN (SELECT value FROM json_each(?))"
	if where == "" {
		return " WHERE " + cond, []any{string(b)}
	}
	return where + " AND " + cond, append(args, string(b))
}

// EventRow is one event with what an export or a feed shows of it.
type EventRow struct {
	Event
	PostURL, Platform, PlatformID string
	Actor, Affiliation, ActorName string
	ReportIDs                     []string
	// Folded counts the removals an account_gone event stands for.
	Folded int
	// ReportLag is first_seen_missing minus the earliest filing among the
	// post's reports, for removals of reported posts; nil otherwise.
	ReportLag *time.Duration
}

// eventSelect reads events with what exports and feeds show of them. A
// million-event export pays for every column and lookup here, so: the
// event's own columns come mostly packed (eventColumns), the actor comes
// from sourceInfos rather than two joins, the post's reports come
// with their filing times in one lookup (the lag is worked out in Go), and
// only an account_gone event, the one that can have removals folded into
// it, counts them.
const eventSelect = `SELECT ` + eventColumns + `,
    p.post_url, p.platform, p.platform_id, p.source_id,
    (SELECT group_concat(capture_id) FROM event_evidence ev WHERE ev.event_id = e.id),
    (SELECT group_concat(rt.report_id || char(30) || coalesce(r.filed_at, ''), char(31))
        FROM report_posts rt JOIN reports r ON r.id = rt.report_id WHERE rt.post_id = e.post_id)
FROM events e
LEFT JOIN posts p ON p.id = e.post_id`

// eventColumns are the events table's own columns as rawEvent scans them.
// The driver takes a lock and a type check per column and the database/sql
// layer a conversion, which for sixteen columns was a fifth of a large
// export's CPU; so the columns that hold only ids, names of our own
// vocabulary, times and counts come packed in one string, separated by
// U+001F, and only free text (detail, diff) and the metric's floats keep
// columns of their own.
const eventColumns = `e.id,
    e.type || x'1f' || e.at || x'1f' || coalesce(e.post_id, '') || x'1f' || coalesce(e.source_id, '') || x'1f' ||
    coalesce(e.reason, '') || x'1f' || e.likely_correction || x'1f' || coalesce(e.last_seen_live, '') || x'1f' ||
    coalesce(e.first_seen_missing, '') || x'1f' || coalesce(e.metric_name, '') || x'1f' || coalesce(e.parent_id, '') || x'1f' ||
    CASE WHEN e.type = '` + EventAccountGone + `' THEN (SELECT count(*) FROM events c WHERE c.parent_id = e.id) ELSE '' END,
    e.detail, e.diff, e.metric_from, e.metric_to`

// The fields of eventColumns' packed column, in order.
const (
	packedType = iota
	packedAt
	packedPost
	packedSource
	packedReason
	packedLikelyCorrection
	packedLastSeenLive
	packedFirstSeenMissing
	packedMetricName
	packedParent
	packedFolded
	packedFields
)

// rawEvent is an event row as read, before its post, source, evidence and
// reports are joined to it: scratch space that a stream reuses for every
// row, so that only the finished EventRow is kept (a new rawEvent per row
// was most of what a long export allocated).
type rawEvent struct {
	r            *EventRow
	packed       string
	f            [packedFields]string // packed, split
	detail, diff sql.NullString
	mfrom, mto   sql.NullFloat64
}

// dest points the scan at r.
func (x *rawEvent) dest(r *EventRow) []any {
	x.r = r
	return []any{&x.r.ID, &x.packed, &x.detail, &x.diff, &x.mfrom, &x.mto}
}

// unpack splits the packed column into x.f. Every packed field is either
// generated (ids, times, numbers) or checked on the way in (source ids,
// reasons, metric names), so none holds the separator; a row that splits
// otherwise is reported rather than read askew.
func (x *rawEvent) unpack() error {
	rest := x.packed
	for i := range packedFields - 1 {
		f, r, ok := strings.Cut(rest, "\x1f")
		if !ok {
			return fmt.Errorf("store: event %d: %d packed fields, want %d", x.r.ID, i+1, packedFields)
		}
		x.f[i], rest = f, r
	}
	if strings.Contains(rest, "\x1f") {
		return fmt.Errorf("store: event %d: more than %d packed fields", x.r.ID, packedFields)
	}
	x.f[packedFields-1] = rest
	return nil
}

// postRef is what an event shows of its post.
type postRef struct{ url, platform, platformID, source string }

// reportRef is a report naming a post, with its filing time as stored.
type reportRef struct{ id, filed string }

// row finishes the event with its post, the source's actor, its evidence
// and the reports naming its post.
func (x *rawEvent) row(p postRef, infos map[string]sourceInfo, evidence []int64, reports []reportRef) *EventRow {
	r, f := x.r, &x.f
	r.Type, r.PostID, r.SourceID, r.Reason = f[packedType], f[packedPost], f[packedSource], f[packedReason]
	r.LikelyCorrection = f[packedLikelyCorrection] == "1"
	r.Detail, r.Diff = x.detail.String, x.diff.String
	r.PostURL, r.Platform, r.PlatformID = p.url, p.platform, p.platformID
	// Mostly empty: strconv would allocate an error for each.
	if f[packedParent] != "" {
		r.ParentID, _ = strconv.ParseInt(f[packedParent], 10, 64)
	}
	if f[packedFolded] != "" {
		r.Folded, _ = strconv.Atoi(f[packedFolded])
	}
	si := infos[x.sourceOf(p)]
	r.Actor, r.Affiliation, r.ActorName = si.actor, si.affiliation, si.actorName
	if r.Platform == "" {
		r.Platform = si.platform
	}
	r.At, r.LastSeenLive, r.FirstSeenMissing = parseTimeString(f[packedAt]), parseTimeString(f[packedLastSeenLive]), parseTimeString(f[packedFirstSeenMissing])
	if f[packedMetricName] != "" {
		r.Metric = &Metric{Name: f[packedMetricName], From: x.mfrom.Float64, To: x.mto.Float64}
	}
	r.Evidence = evidence
	if r.Evidence == nil {
		r.Evidence = []int64{}
	}
	// The lag runs from the earliest filing before the post went missing
	// (or, without that time, before the event).
	cutoff := f[packedFirstSeenMissing]
	if cutoff == "" {
		cutoff = f[packedAt]
	}
	var firstFiled string
	r.ReportIDs = make([]string, len(reports))
	for i, rep := range reports {
		r.ReportIDs[i] = rep.id
		// Stored times are fixed-width UTC: text order is time order.
		if rep.filed != "" && rep.filed <= cutoff && (firstFiled == "" || rep.filed < firstFiled) {
			firstFiled = rep.filed
		}
	}
	sort.Strings(r.ReportIDs)
	if filed := parseTimeString(firstFiled); r.Type == EventRemoved && !filed.IsZero() && !r.FirstSeenMissing.IsZero() {
		lag := r.FirstSeenMissing.Sub(filed)
		r.ReportLag = &lag
	}
	return r
}

// sourceOf is the event's own source, else its post's.
func (x *rawEvent) sourceOf(p postRef) string {
	if s := x.f[packedSource]; s != "" {
		return s
	}
	return p.source
}

// sourceInfo is what an event shows of its source and actor, and the
// platforms of the source's posts (source_platforms).
type sourceInfo struct {
	actor, affiliation, actorName, platform string
	postPlatforms                           []string
}

// sourceInfos reads every source with its actor. A deployment watches
// hundreds of sources, not millions: events look them up in this map
// rather than joining two tables per event.
func (s *Store) sourceInfos(ctx context.Context) (map[string]sourceInfo, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT s.id, coalesce(s.actor_id, ''), coalesce(a.affiliation, ''), coalesce(a.name, ''), s.platform,
    coalesce((SELECT group_concat(platform, char(31)) FROM source_platforms WHERE source_id = s.id), '')
FROM sources s LEFT JOIN actors a ON a.id = s.actor_id`)
	if err != nil {
		return nil, fmt.Errorf("store: sources: %w", err)
	}
	defer rows.Close()
	infos := map[string]sourceInfo{}
	for rows.Next() {
		var id string
		var si sourceInfo
		var platforms string
		if err := rows.Scan(&id, &si.actor, &si.affiliation, &si.actorName, &si.platform, &platforms); err != nil {
			return nil, fmt.Errorf("store: sources: %w", err)
		}
		if platforms != "" {
			si.postPlatforms = strings.Split(platforms, "\x1f")
		}
		infos[id] = si
	}
	return infos, rows.Err()
}

// sourceCond selects the events whose source (the event's own, which is
// its post's when it was given none) has this actor and affiliation, and
// whose platform (the post's, else the source's, as rows show it) is
// platform; empty values do not narrow, and with none set there is no
// condition.
//
// Each also narrows through the set of sources that can hold such events:
// e.source_id IN the set lets events_source find a quiet actor's, or an
// unused platform's, few events without reading every event of the
// archive. A platform's are the sources of that platform and those
// holding posts of it (source_platforms).
func sourceCond(infos map[string]sourceInfo, actor, affiliation, platform string) (string, []any) {
	var conds []string
	var args []any
	if platform != "" {
		conds = append(conds, "coalesce(p.platform, (SELECT platform FROM sources WHERE id = coalesce(e.source_id, p.source_id))) = ?")
		args = append(args, platform)
	}
	set := matchSources(infos, actor, affiliation, platform)
	if set == nil {
		return strings.Join(conds, " AND "), args
	}
	ids := []string{}
	for id := range set {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	b, _ := json.Marshal(ids)
	conds = append(conds, "e.source_id IN (SELECT value FROM json_each(?))")
	return strings.Join(conds, " AND "), append(args, string(b))
}

// matchSources is the set of sources with this actor and affiliation that
// can hold events of platform (its own, or its posts'); nil when none is
// set.
func matchSources(infos map[string]sourceInfo, actor, affiliation, platform string) map[string]bool {
	if actor == "" && affiliation == "" && platform == "" {
		return nil
	}
	set := map[string]bool{}
	for id, si := range infos {
		if (actor == "" || si.actor == actor) && (affiliation == "" || si.affiliation == affiliation) &&
			(platform == "" || si.platform == platform || slices.Contains(si.postPlatforms, platform)) {
			set[id] = true
		}
	}
	return set
}

// eventWhere is f as a condition on eventSelect's rows.
func eventWhere(f Filter, infos map[string]sourceInfo) (string, []any) {
	var conds []string
	var args []any
	if !f.Since.IsZero() {
		conds, args = append(conds, "e.at >= ?"), append(args, formatTime(f.Since))
	}
	if !f.Until.IsZero() {
		conds, args = append(conds, "e.at < ?"), append(args, formatTime(f.Until))
	}
	if c, a := sourceCond(infos, f.Actor, f.Affiliation, f.Platform); c != "" {
		conds, args = append(conds, c), append(args, a...)
	}
	return strings.Join(conds, " AND "), args
}

func scanEvent(rows *sql.Rows, infos map[string]sourceInfo) (*EventRow, error) {
	var x rawEvent
	var p postRef
	var url, platform, platformID, source, evidence, reports sql.NullString
	if err := rows.Scan(append(x.dest(new(EventRow)), &url, &platform, &platformID, &source, &evidence, &reports)...); err != nil {
		return nil, err
	}
	if err := x.unpack(); err != nil {
		return nil, err
	}
	p = postRef{url.String, platform.String, platformID.String, source.String}
	var refs []reportRef
	if reports.String != "" {
		for _, rep := range strings.Split(reports.String, "\x1f") {
			id, filed, _ := strings.Cut(rep, "\x1e")
			refs = append(refs, reportRef{id, filed})
		}
	}
	return x.row(p, infos, splitInts(evidence.String), refs), nil
}

// eventRange is how many event ids one query of EachEvent covers: small
// enough that the ranges in flight hold a few MB, large enough that the
// per-query cost is noise. A variable for tests.
var eventRange int64 = 2048

// EachEvent streams events in id order. The per-event lookups are CPU work
// in a pure-Go SQLite, so a long stream is read as ranges of ids on
// several read connections at once and handed to fn in order; at most
// 2×workers ranges are held at any time, so memory stays flat however many
// events there are. Events written after the stream began are not in it.
func (s *Store) EachEvent(ctx context.Context, f Filter, fn func(*EventRow) error) error {
	last, err := s.LastEventID(ctx)
	if err != nil {
		return err
	}
	st, err := s.newEventStream(ctx, f)
	if err != nil {
		return err
	}
	// A time filter narrows the ids to read: every range costs its post
	// and evidence queries whether or not its events are in the span.
	first := int64(0)
	if st.timeWhere != "" {
		var lo, hi sql.NullInt64
		if err := s.r.QueryRowContext(ctx, `SELECT min(id), max(id) FROM events e WHERE `+st.timeWhere, st.timeArgs...).Scan(&lo, &hi); err != nil {
			return fmt.Errorf("store: events: %w", err)
		}
		if !lo.Valid {
			return nil
		}
		first, last = lo.Int64-1, min(last, hi.Int64)
	}
	// One read connection stays free for whoever else reads meanwhile.
	workers := min(runtime.GOMAXPROCS(0), readConns-1)
	if workers < 2 || last-first <= eventRange {
		return s.eventRange(ctx, st, new(rangeScratch), first, last, fn)
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel() // before waiting: the readers stop on it
		wg.Wait()
	}()
	type part struct {
		rows []*EventRow
		err  error
	}
	type job struct {
		lo, hi int64
		out    chan part
	}
	jobs := make(chan job)
	order := make(chan chan part, workers)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(jobs)
		defer close(order)
		for lo := first; lo < last; lo += eventRange {
			j := job{lo, min(lo+eventRange, last), make(chan part, 1)}
			select {
			case order <- j.out:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := new(rangeScratch)
			for j := range jobs {
				var p part
				p.err = s.eventRange(ctx, st, sc, j.lo, j.hi, func(r *EventRow) error {
					p.rows = append(p.rows, r)
					return nil
				})
				j.out <- p
			}
		}()
	}
	for out := range order {
		var p part
		select {
		case p = <-out:
		case <-ctx.Done():
			return ctx.Err()
		}
		if p.err != nil {
			return p.err
		}
		for _, r := range p.rows {
			if err := fn(r); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

// eventStream is what every range of one EachEvent shares.
type eventStream struct {
	timeWhere string // conditions on e.at, "" for none
	timeArgs  []any
	infos     map[string]sourceInfo
	sources   map[string]bool        // the filter's sources; nil: every one
	platform  string                 // the filter's platform (of the post, else the source); "": every one
	reports   map[string][]reportRef // by post id
}

// newEventStream reads what a stream needs once: the sources with their
// actors, and the reports naming posts (one row per report and post: they
// number in the thousands where events number in the millions).
func (s *Store) newEventStream(ctx context.Context, f Filter) (*eventStream, error) {
	infos, err := s.sourceInfos(ctx)
	if err != nil {
		return nil, err
	}
	st := &eventStream{infos: infos, sources: matchSources(infos, f.Actor, f.Affiliation, ""), platform: f.Platform, reports: map[string][]reportRef{}}
	var conds []string
	if !f.Since.IsZero() {
		conds, st.timeArgs = append(conds, "e.at >= ?"), append(st.timeArgs, formatTime(f.Since))
	}
	if !f.Until.IsZero() {
		conds, st.timeArgs = append(conds, "e.at < ?"), append(st.timeArgs, formatTime(f.Until))
	}
	st.timeWhere = strings.Join(conds, " AND ")
	rows, err := s.r.QueryContext(ctx, `SELECT rt.post_id, rt.report_id, coalesce(r.filed_at, '') FROM report_posts rt JOIN reports r ON r.id = rt.report_id`)
	if err != nil {
		return nil, fmt.Errorf("store: reports of posts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var post string
		var ref reportRef
		if err := rows.Scan(&post, &ref.id, &ref.filed); err != nil {
			return nil, fmt.Errorf("store: reports of posts: %w", err)
		}
		st.reports[post] = append(st.reports[post], ref)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: reports of posts: %w", err)
	}
	return st, nil
}

// eventRange streams the events with lo < id <= hi that st selects. The
// range's posts and evidence are read in one query each rather than
// looked up event by event: a post has several events, and a lookup per
// event was most of an export's time.
func (s *Store) eventRange(ctx context.Context, st *eventStream, sc *rangeScratch, lo, hi int64, fn func(*EventRow) error) error {
	if sc.posts == nil {
		sc.posts, sc.evidence = map[string]postRef{}, map[int64][]int64{}
	}
	clear(sc.posts)
	clear(sc.evidence)
	posts, evidence := sc.posts, sc.evidence
	prows, err := s.r.QueryContext(ctx, `SELECT p.id, p.post_url, p.platform, p.platform_id, p.source_id FROM posts p
WHERE p.id IN (SELECT post_id FROM events WHERE id > ? AND id <= ? AND post_id IS NOT NULL)`, lo, hi)
	if err != nil {
		return fmt.Errorf("store: posts of events: %w", err)
	}
	for prows.Next() {
		var id string
		var p postRef
		if err := prows.Scan(&id, &p.url, &p.platform, &p.platformID, &p.source); err != nil {
			prows.Close()
			return fmt.Errorf("store: posts of events: %w", err)
		}
		posts[id] = p
	}
	prows.Close()
	if err := prows.Err(); err != nil {
		return fmt.Errorf("store: posts of events: %w", err)
	}
	erows, err := s.r.QueryContext(ctx, `SELECT event_id, capture_id FROM event_evidence WHERE event_id > ? AND event_id <= ?
ORDER BY event_id, capture_id`, lo, hi)
	if err != nil {
		return fmt.Errorf("store: evidence of events: %w", err)
	}
	for erows.Next() {
		var ev, c int64
		if err := erows.Scan(&ev, &c); err != nil {
			erows.Close()
			return fmt.Errorf("store: evidence of events: %w", err)
		}
		evidence[ev] = append(evidence[ev], c)
	}
	erows.Close()
	if err := erows.Err(); err != nil {
		return fmt.Errorf("store: evidence of events: %w", err)
	}

	where := ""
	if st.timeWhere != "" {
		where = " AND " + st.timeWhere
	}
	args := append([]any{lo, hi}, st.timeArgs...)
	rows, err := s.r.QueryContext(ctx, `SELECT `+eventColumns+` FROM events e WHERE e.id > ? AND e.id <= ?`+where+` ORDER BY e.id`, args...)
	if err != nil {
		return fmt.Errorf("store: events: %w", err)
	}
	defer rows.Close()
	// Rows are allocated a range at a time; fn may keep them.
	x := &sc.x
	var chunk []EventRow
	for rows.Next() {
		if len(chunk) == 0 {
			chunk = make([]EventRow, min(hi-lo, eventRange))
		}
		if err := rows.Scan(x.dest(&chunk[0])...); err != nil {
			return fmt.Errorf("store: events: %w", err)
		}
		if err := x.unpack(); err != nil {
			return err
		}
		p := posts[x.f[packedPost]]
		if st.sources != nil && !st.sources[x.sourceOf(p)] || st.platform != "" && st.platformOf(x, p) != st.platform {
			chunk[0] = EventRow{} // the next row scans into it afresh
			continue
		}
		chunk = chunk[1:]
		if err := fn(x.row(p, st.infos, evidence[x.r.ID], st.reports[x.f[packedPost]])); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: events: %w", err)
	}
	return nil
}

// platformOf is the platform an event's row shows: its post's, else its
// source's.
func (st *eventStream) platformOf(x *rawEvent, p postRef) string {
	if p.platform != "" {
		return p.platform
	}
	return st.infos[x.sourceOf(p)].platform
}

// rangeScratch is what one reader of an EachEvent reuses from range to
// range.
type rangeScratch struct {
	posts    map[string]postRef
	evidence map[int64][]int64
	x        rawEvent
}

// LastEventID is the id of the newest event (0 when there is none): what
// every view of the events so far is a function of.
func (s *Store) LastEventID(ctx context.Context) (int64, error) {
	var last int64
	if err := s.r.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM events`).Scan(&last); err != nil {
		return 0, fmt.Errorf("store: last event: %w", err)
	}
	return last, nil
}

// EventQuery selects events for feeds and the API.
type EventQuery struct {
	Types                        []string // none: every type
	Actor, Affiliation, Platform string
	Reason                       string   // removals with this reason
	PostIDs                      []string // only events of these posts (a saved search)
	// Fold leaves out removals folded into an account_gone event: the
	// account's event stands for them.
	Fold bool
	// NoCorrections leaves out removals that are likely corrections.
	NoCorrections bool
	// After pages forward from an event id; with it (or Ascending) events
	// come in id order, without it the newest come first.
	After     int64
	Ascending bool
	Limit     int
}

// Events returns the events q selects.
func (s *Store) Events(ctx context.Context, q EventQuery) ([]*EventRow, error) {
	infos, err := s.sourceInfos(ctx)
	if err != nil {
		return nil, err
	}
	var conds []string
	var args []any
	if len(q.Types) > 0 {
		b, _ := json.Marshal(q.Types)
		conds, args = append(conds, "e.type IN (SELECT value FROM json_each(?))"), append(args, string(b))
	}
	if c, a := sourceCond(infos, q.Actor, q.Affiliation, q.Platform); c != "" {
		conds, args = append(conds, c), append(args, a...)
	}
	if q.Reason != "" {
		conds, args = append(conds, "e.reason = ?"), append(args, q.Reason)
	}
	if q.PostIDs != nil {
		b, _ := json.Marshal(q.PostIDs)
		conds, args = append(conds, "e.post_id IN (SELECT value FROM json_each(?))"), append(args, string(b))
	}
	if q.Fold {
		conds = append(conds, "e.parent_id IS NULL")
	}
	if q.NoCorrections {
		conds = append(conds, "e.likely_correction = 0")
	}
	order := " ORDER BY e.id DESC"
	if q.After > 0 {
		conds, args = append(conds, "e.id > ?"), append(args, q.After)
	}
	if q.After > 0 || q.Ascending {
		order = " ORDER BY e.id"
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := s.r.QueryContext(ctx, eventSelect+where+order+" LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: events: %w", err)
	}
	defer rows.Close()
	var out []*EventRow
	for rows.Next() {
		r, err := scanEvent(rows, infos)
		if err != nil {
			return nil, fmt.Errorf("store: events: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// TextAt returns a post's text as archived at a time: the newest version
// first seen by then (else the first version).
func (s *Store) TextAt(ctx context.Context, postID string, at time.Time) (string, error) {
	var text string
	err := s.r.QueryRowContext(ctx, `SELECT text FROM versions WHERE post_id = ?
ORDER BY (first_seen <= ?) DESC, CASE WHEN first_seen <= ? THEN first_seen END DESC, id LIMIT 1`,
		postID, formatTime(at), formatTime(at)).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: text of %s: %w", postID, err)
	}
	return text, nil
}

// PostRow is one post with what an export shows of it.
type PostRow struct {
	Post
	Actor, Affiliation string
	Versions           int
	ReportIDs          []string
	Text               string // of the current version
}

// EachPost streams posts ordered by first sight.
func (s *Store) EachPost(ctx context.Context, f Filter, fn func(*PostRow) error) error {
	where, args := f.postWhere()
	return s.eachPostWhere(ctx, where, args, ` ORDER BY p.first_seen, p.id`, fn)
}

func (s *Store) eachPostWhere(ctx context.Context, where string, args []any, tail string, fn func(*PostRow) error) error {
	rows, err := s.r.QueryContext(ctx, `
SELECT `+prefixed("p.", postColumns)+`, coalesce(s.actor_id, ''), coalesce(a.affiliation, ''),
    (SELECT count(*) FROM versions v WHERE v.post_id = p.id),
    (SELECT group_concat(rt.report_id, char(31)) FROM report_posts rt WHERE rt.post_id = p.id),
    coalesce((SELECT v.text FROM versions v WHERE v.id = p.current_version), ''),
    CASE WHEN `+stillListed+` THEN s.last_success END
FROM posts p
LEFT JOIN sources s ON s.id = p.source_id
LEFT JOIN actors a ON a.id = s.actor_id`+where+tail, args...)
	if err != nil {
		return fmt.Errorf("store: posts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r PostRow
		var reports, stillListed sql.NullString
		p, err := scanPost(multiScanner{rows, []any{&r.Actor, &r.Affiliation, &r.Versions, &reports, &r.Text, &stillListed}})
		if err != nil {
			return fmt.Errorf("store: posts: %w", err)
		}
		if stillListed.Valid {
			// a live post its source's last whole listing showed, answered
			// 304 since: seen live then too, which the row shows before
			// CatchUpListed writes it (a read, a check, a gone account)
			p.LastSeenLive = parseTime(stillListed)
		}
		r.Post = *p
		r.ReportIDs = splitSorted(reports.String, "\x1f")
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// multiScanner lets scanPost read a row that carries extra columns.
type multiScanner struct {
	rows  *sql.Rows
	extra []any
}

func (m multiScanner) Scan(dest ...any) error { return m.rows.Scan(append(dest, m.extra...)...) }

func prefixed(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

func splitInts(s string) []int64 {
	out := []int64{}
	for _, part := range strings.Split(s, ",") {
		if n, err := strconv.ParseInt(part, 10, 64); err == nil {
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func splitSorted(s, sep string) []string {
	out := []string{}
	if s == "" {
		return out
	}
	out = append(out, strings.Split(s, sep)...)
	sort.Strings(out)
	return out
}

// MetricRow is one metric value with its source's actor and platform.
type MetricRow struct {
	Source, Actor, Platform string
	At                      time.Time
	Name                    string
	Value                   float64
}

// EachMetric streams metric values by source, name and time.
func (s *Store) EachMetric(ctx context.Context, f Filter, fn func(*MetricRow) error) error {
	where, args := f.where("m.at", "s.platform")
	rows, err := s.r.QueryContext(ctx, `
SELECT m.source_id, coalesce(s.actor_id, ''), coalesce(s.platform, ''), m.at, m.name, m.value
FROM metrics m
LEFT JOIN sources s ON s.id = m.source_id
LEFT JOIN actors a ON a.id = s.actor_id`+where+`
ORDER BY m.source_id, m.name, m.at`, args...)
	if err != nil {
		return fmt.Errorf("store: metrics: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r MetricRow
		var at sql.NullString
		if err := rows.Scan(&r.Source, &r.Actor, &r.Platform, &at, &r.Name, &r.Value); err != nil {
			return fmt.Errorf("store: metrics: %w", err)
		}
		r.At = parseTime(at)
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// MetricSeries lists the metric series of an actor's sources (Source,
// Platform and Name set), by source and name. It reads through the primary
// key only: each source's names by skipping along it, so an actor with
// years of snapshots costs a few seeks.
func (s *Store) MetricSeries(ctx context.Context, actorID string) ([]MetricRow, error) {
	var sources, series []MetricRow // Source and Platform; then Name too
	err := s.eachRow(ctx, `SELECT id, platform FROM sources WHERE actor_id = ? ORDER BY id`, func(rows *sql.Rows) error {
		sources = append(sources, MetricRow{Actor: actorID})
		return rows.Scan(&sources[len(sources)-1].Source, &sources[len(sources)-1].Platform)
	}, actorID)
	for _, src := range sources {
		if err != nil {
			break
		}
		err = s.eachRow(ctx, `WITH RECURSIVE names(name) AS (
    SELECT min(name) FROM metrics WHERE source_id = ?1
    UNION ALL
    SELECT (SELECT min(name) FROM metrics WHERE source_id = ?1 AND name > names.name) FROM names WHERE names.name IS NOT NULL)
SELECT name FROM names WHERE name IS NOT NULL`, func(rows *sql.Rows) error {
			series = append(series, src)
			return rows.Scan(&series[len(series)-1].Name)
		}, src.Source)
	}
	if err != nil {
		return nil, fmt.Errorf("store: metric series: %w", err)
	}
	return series, nil
}

// LatestMetrics returns the n latest values of each metric of an actor's
// sources, by source, name and newest first: each series read from its end
// (see MetricSeries), so a page needs no scan of years of snapshots.
func (s *Store) LatestMetrics(ctx context.Context, actorID string, n int) ([]MetricRow, error) {
	series, err := s.MetricSeries(ctx, actorID)
	if err != nil {
		return nil, err
	}
	var out []MetricRow
	for _, se := range series {
		err = s.eachRow(ctx, `SELECT at, value FROM metrics WHERE source_id = ? AND name = ? ORDER BY at DESC LIMIT ?`, func(rows *sql.Rows) error {
			r := se
			var at sql.NullString
			if err := rows.Scan(&at, &r.Value); err != nil {
				return err
			}
			r.At = parseTime(at)
			out = append(out, r)
			return nil
		}, se.Source, se.Name, n)
		if err != nil {
			return nil, fmt.Errorf("store: latest metrics: %w", err)
		}
	}
	return out, nil
}

// EachReading streams one metric series' readings in time order, along
// the primary key (no join: a chart of a year of snapshots reads only
// them).
func (s *Store) EachReading(ctx context.Context, sourceID, name string, fn func(at time.Time, value float64)) error {
	err := s.eachRow(ctx, `SELECT at, value FROM metrics WHERE source_id = ? AND name = ? ORDER BY at`, func(rows *sql.Rows) error {
		var at sql.NullString
		var v float64
		if err := rows.Scan(&at, &v); err != nil {
			return err
		}
		fn(parseTime(at), v)
		return nil
	}, sourceID, name)
	if err != nil {
		return fmt.Errorf("store: readings of %s %s: %w", sourceID, name, err)
	}
	return nil
}

// eachRow runs query and calls scan for each row.
func (s *Store) eachRow(ctx context.Context, query string, scan func(*sql.Rows) error, args ...any) error {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// CountEvents counts the events EachEvent streams for f, so a long export
// can show how far it has come.
func (s *Store) CountEvents(ctx context.Context, f Filter) (int, error) {
	infos, err := s.sourceInfos(ctx)
	if err != nil {
		return 0, err
	}
	where, args := eventWhere(f, infos)
	if where != "" {
		where = " WHERE " + where
	}
	return s.countRows(ctx, "events", `SELECT count(*) FROM events e LEFT JOIN posts p ON p.id = e.post_id`+where, args)
}

// CountPosts counts the posts EachPost streams for f.
func (s *Store) CountPosts(ctx context.Context, f Filter) (int, error) {
	where, args := f.postWhere()
	return s.countRows(ctx, "posts", `SELECT count(*) FROM posts p
LEFT JOIN sources s ON s.id = p.source_id
LEFT JOIN actors a ON a.id = s.actor_id`+where, args)
}

// CountMetrics counts the metric values EachMetric streams for f.
func (s *Store) CountMetrics(ctx context.Context, f Filter) (int, error) {
	where, args := f.where("m.at", "s.platform")
	return s.countRows(ctx, "metrics", `SELECT count(*) FROM metrics m
LEFT JOIN sources s ON s.id = m.source_id
LEFT JOIN actors a ON a.id = s.actor_id`+where, args)
}

func (s *Store) countRows(ctx context.Context, what, query string, args []any) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count %s: %w", what, err)
	}
	return n, nil
}
