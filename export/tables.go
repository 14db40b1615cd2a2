package export

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"strconv"

	"github.com/takedownwatch/takedownwatch/archive/store"
)

// EventColumns are the columns of `export events`, in order.
var EventColumns = []string{
	"id", "type", "at", "post_id", "post_url", "platform", "platform_id", "source", "actor", "affiliation",
	"reason", "detail", "likely_correction", "last_seen_live", "first_seen_missing", "report_ids",
	"report_lag_seconds", "diff", "metric", "evidence",
}

// PostColumns are the columns of `export posts`, in order.
var PostColumns = []string{
	"post_id", "post_url", "platform", "platform_id", "source", "actor", "affiliation", "published",
	"first_seen", "last_seen_live", "state", "reason", "likely_correction", "versions", "report_ids",
	"imported", "text",
}

// PostIDColumns are the columns of `export posts --ids-only`: enough to
// re-find each post, nothing of its content.
var PostIDColumns = []string{"platform", "platform_id", "post_url", "state", "reason"}

// metric is the JSON shape of a metrics_anomaly event's metric.
type metric struct {
	Name string  `json:"name"`
	From float64 `json:"from"`
	To   float64 `json:"to"`
}

// Events is the events table of st.
func Events(st *store.Store, f store.Filter) Table {
	return Table{Columns: EventColumns, Rows: func(ctx context.Context, emit func([]any) error) error {
		// One slice for every row: the writers do not keep it.
		vals := make([]any, len(EventColumns))
		return st.EachEvent(ctx, f, func(e *store.EventRow) error { return emit(eventValues(vals, e)) })
	}, Count: func(ctx context.Context) (int, error) { return st.CountEvents(ctx, f) }}
}

// EventValues are an event's values in EventColumns order (the API's
// objects use them too, so field names and nulls match the exports).
func EventValues(e *store.EventRow) []any { return eventValues(make([]any, len(EventColumns)), e) }

// eventValues fills vals (len(EventColumns) long) with e's values.
func eventValues(vals []any, e *store.EventRow) []any {
	var lag, m any
	if e.ReportLag != nil {
		lag = int64(e.ReportLag.Seconds())
	}
	if e.Metric != nil {
		m = metric{Name: e.Metric.Name, From: e.Metric.From, To: e.Metric.To}
	}
	var reason any
	if e.Type == store.EventRemoved {
		reason = strp(&e.Reason)
	}
	evidence := make([]string, len(e.Evidence))
	for i, c := range e.Evidence {
		evidence[i] = strconv.FormatInt(c, 10)
	}
	// Pointers into e: a string or time put in an interface is copied to
	// the heap, a pointer is not, and a million-row export boxed ten
	// values a row.
	copy(vals, []any{
		strconv.FormatInt(e.ID, 10), &e.Type, &e.At, strp(&e.PostID), strp(&e.PostURL), strp(&e.Platform),
		strp(&e.PlatformID), strp(&e.SourceID), strp(&e.Actor), strp(&e.Affiliation), reason, strp(&e.Detail),
		e.LikelyCorrection, tmp(&e.LastSeenLive), tmp(&e.FirstSeenMissing), e.ReportIDs, lag, strp(&e.Diff), m,
		evidence,
	})
	return vals
}

// PostValues are a post's values in PostColumns (or PostIDColumns) order.
func PostValues(p *store.PostRow, idsOnly bool) []any {
	reason := str(p.Reason)
	if p.State != store.StateRemoved {
		reason = nil
	}
	if idsOnly {
		return []any{p.Platform, p.PlatformID, p.PostURL, p.State, reason}
	}
	return []any{
		p.ID, p.PostURL, p.Platform, p.PlatformID, p.SourceID, str(p.Actor), str(p.Affiliation),
		tm(p.Published), p.FirstSeen, tm(p.LastSeenLive), p.State, reason, p.LikelyCorrection,
		p.Versions, p.ReportIDs, p.Imported, p.Text,
	}
}

// Object encodes values as one JSON object with keys in column order.
func Object(cols []string, vals []any) (json.RawMessage, error) {
	var b bytes.Buffer
	w := bufio.NewWriter(&b)
	if err := writeObject(w, cols, jsonKeys(cols), vals); err != nil {
		return nil, err
	}
	w.Flush()
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// Posts is the posts table of st; idsOnly keeps PostIDColumns.
func Posts(st *store.Store, f store.Filter, idsOnly bool) Table {
	cols := PostColumns
	if idsOnly {
		cols = PostIDColumns
	}
	return Table{Columns: cols, Rows: func(ctx context.Context, emit func([]any) error) error {
		return st.EachPost(ctx, f, func(p *store.PostRow) error { return emit(PostValues(p, idsOnly)) })
	}, Count: func(ctx context.Context) (int, error) { return st.CountPosts(ctx, f) }}
}

// MetricColumns are the columns of `export metrics`, in order.
var MetricColumns = []string{"source", "actor", "platform", "at", "name", "value"}

// Metrics is the account metrics time series of st.
func Metrics(st *store.Store, f store.Filter) Table {
	return Table{Columns: MetricColumns, Rows: func(ctx context.Context, emit func([]any) error) error {
		return st.EachMetric(ctx, f, func(m *store.MetricRow) error {
			return emit([]any{m.Source, str(m.Actor), str(m.Platform), m.At, m.Name, m.Value})
		})
	}, Count: func(ctx context.Context) (int, error) { return st.CountMetrics(ctx, f) }}
}

// ReportColumns are the columns of `export reports`: the report record of
// the contract, then what the archive adds.
var ReportColumns = []string{
	"channel_id", "reporter", "channel", "filed_at", "kind", "legal_basis", "jurisdiction", "target_urls",
	"source_url", "notes", "id", "received_at", "matched_post_ids",
}

// Reports is the takedown reports table of st.
func Reports(st *store.Store, f store.Filter) Table {
	return Table{Columns: ReportColumns, Rows: func(ctx context.Context, emit func([]any) error) error {
		return st.EachReport(ctx, f, func(r *store.Report) error {
			return emit([]any{str(r.ChannelID), r.Reporter, r.Channel, tm(r.FiledAt), r.Kind, str(r.LegalBasis),
				str(r.Jurisdiction), r.TargetURLs, str(r.SourceURL), str(r.Notes), r.ID, r.ReceivedAt, r.MatchedPostIDs})
		})
	}}
}
