package reports

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// Channel fetches the reports a configured report channel has now.
type Channel interface {
	// Fetch reads ch through f. Every fetch is a monitor.KindReport
	// capture, so the source documents are archived; their ids are in
	// Batch.Captures. Errors: a wrapped fetch error, a
	// *monitor.StatusError for a non-2xx answer, a *monitor.ParseError for
	// a document that does not parse (or was cut at the size cap).
	Fetch(ctx context.Context, ch *config.ReportChannel, f monitor.Fetcher, opt FetchOptions) (*Batch, error)
}

// FetchOptions are what a fetch may vary.
type FetchOptions struct {
	// Cursor is the Batch.Cursor kept from the last fetch.
	Cursor string
	// Pages is how many pages to read at most (1 when 0): more for a new
	// channel's backfill.
	Pages int
}

// Batch is what one fetch of a channel gave.
type Batch struct {
	// Reports are normalized and valid, in the channel's order. The same
	// report comes again on every fetch while the channel lists it:
	// Report.Fingerprint tells it is one.
	Reports []Report
	// Captures are the source documents as archived.
	Captures []int64
	// Cursor is state to pass back as FetchOptions.Cursor next time; ""
	// keeps what was kept.
	Cursor string
	// Skipped counts items that name no platform post: announcements of
	// something else.
	Skipped int
	// Invalid are items that name posts but do not make a valid report
	// (no date, say); Line is the item's index in the channel's order.
	Invalid []RowError
	// Incomplete is the error of a deeper page that could not be read:
	// the batch holds the pages before it.
	Incomplete error
}

// Kinds of report channel, as config's report_channels[].kind names them.
const (
	ChannelKindFeed  = "feed"
	ChannelKindHTML  = "html"
	ChannelKindLumen = "lumen"
)

// ForKind returns the Channel that reads report channels of kind, or nil
// for a kind there is none for.
func ForKind(kind string) Channel {
	switch kind {
	case ChannelKindFeed:
		return FeedChannel{}
	case ChannelKindHTML:
		return HTMLChannel{}
	case ChannelKindLumen:
		return LumenChannel{}
	}
	return nil
}

// get fetches one document of ch. Report channels are fetched whole, never
// conditionally: a 304 would hide the reports of a document whose reports
// were lost before they were stored, and report documents are small.
// resp is returned with its error whenever there was an answer, for its
// captures.
func get(ctx context.Context, ch *config.ReportChannel, f monitor.Fetcher, u string, header http.Header) (*monitor.FetchResponse, error) {
	// No SourceID: a report channel is not a source of posts (captures
	// name sources only).
	resp, err := f.Fetch(ctx, &monitor.FetchRequest{
		URL:     u,
		Kind:    monitor.KindReport,
		Vantage: config.Direct,
		Header:  header,
	})
	if err != nil {
		return nil, fmt.Errorf("reports: channel %s: %w", ch.ID, err)
	}
	if resp == nil {
		return nil, fmt.Errorf("reports: channel %s: fetcher gave neither answer nor error", ch.ID)
	}
	final := resp.URL
	if final == "" {
		final = u
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp, &monitor.StatusError{URL: redact(final), StatusCode: resp.StatusCode, CaptureID: captureID(resp)}
	}
	if resp.Truncated {
		// A cut document may parse, with its last reports missing or
		// their targets cut short.
		return resp, &monitor.ParseError{
			CaptureID: captureID(resp),
			Err:       fmt.Errorf("reports: channel %s: document cut at the size cap after %d bytes: raise fetch.max_body", ch.ID, len(resp.Body)),
		}
	}
	return resp, nil
}

func captureID(resp *monitor.FetchResponse) int64 {
	if resp == nil || resp.Capture == nil {
		return 0
	}
	return resp.Capture.ID
}

// finalURL is the URL the answer came from.
func finalURL(resp *monitor.FetchResponse, asked string) string {
	if resp.URL != "" {
		return resp.URL
	}
	return asked
}

// redact keeps secrets out of a URL shown in an error: user info, and the
// values of parameters that carry tokens (a Lumen token may be put in the
// channel's query as authentication_token).
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	q := u.Query()
	changed := false
	for k := range q {
		n := strings.ToLower(k)
		if strings.Contains(n, "token") || strings.Contains(n, "key") || strings.Contains(n, "secret") || n == "auth" || n == "password" {
			q[k] = []string{"REDACTED"}
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.String()
}
