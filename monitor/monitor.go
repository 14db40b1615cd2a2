// Package monitor is the collecting pipeline: schedule → fetch → archive →
// detect → index → publish. It owns the domain of what collectors see
// (listings, items) and the small interfaces collectors and fetchers meet at.
package monitor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
)

// Capture kinds: what a fetch was for.
const (
	KindListing   = "listing"
	KindPermalink = "permalink"
	KindMedia     = "media"
	KindAccount   = "account"
	KindReport    = "report"
)

// FetchRequest is one fetch a collector asks for. Every fetch is archived.
type FetchRequest struct {
	URL      string
	Kind     string // capture kind
	SourceID string
	// Vantage names the network path: "direct" or a key of fetch.proxies.
	Vantage string
	// Header adds request headers (Accept, a bearer token: tokens are
	// redacted from the archive).
	Header http.Header
	// Conditional sends If-None-Match / If-Modified-Since from the last
	// archived answer of the same URL that was taken in. The answers of
	// a conditional fetch, and of any fetch of KindListing, are pending
	// until the caller commits what it read from them and takes them in
	// (store.Tx.TakeIn: the pipeline does, with a listing's posts).
	Conditional bool
	// MaxBody caps the body; 0 means fetch.max_body.
	MaxBody int64
}

// Hop is one redirect answer on the way to the final one.
type Hop struct {
	URL        string
	StatusCode int
	Location   string
	CaptureID  int64
}

// FetchResponse is the final answer to a FetchRequest, after redirects.
type FetchResponse struct {
	URL        string // of the final answer
	StatusCode int
	Header     http.Header
	Body       []byte
	// Truncated says the body was cut at the size cap.
	Truncated bool
	// NotModified is a 304 to a conditional request: nothing changed.
	NotModified bool
	// Capture is the archived final answer.
	Capture *store.Capture
	// Hops are the redirects followed, in order, each archived.
	Hops []Hop
}

// Evidence returns the capture ids of every answer in the chain.
func (r *FetchResponse) Evidence() []int64 {
	var ids []int64
	for _, h := range r.Hops {
		ids = append(ids, h.CaptureID)
	}
	if r.Capture != nil {
		ids = append(ids, r.Capture.ID)
	}
	return ids
}

// Fetcher is the one way collectors reach the network.
type Fetcher interface {
	Fetch(ctx context.Context, req *FetchRequest) (*FetchResponse, error)
}

// FetcherFunc is a Fetcher made of a function, as http.HandlerFunc is a
// Handler: for canned answers in tests and for wrapping a fetcher.
type FetcherFunc func(ctx context.Context, req *FetchRequest) (*FetchResponse, error)

// Fetch calls f.
func (f FetcherFunc) Fetch(ctx context.Context, req *FetchRequest) (*FetchResponse, error) {
	return f(ctx, req)
}

// FetchError is a fetch that got no usable HTTP answer: timeout, reset, DNS,
// too many redirects, or a host that asked us to wait (Retry-After).
// Transient errors are never evidence of anything.
type FetchError struct {
	URL       string
	Transient bool
	// CaptureID is the failure's own capture (no WARC record), if archived.
	CaptureID int64
	Err       error
}

func (e *FetchError) Error() string { return fmt.Sprintf("fetch %s: %v", e.URL, e.Err) }
func (e *FetchError) Unwrap() error { return e.Err }

// IsTransient reports whether err is a fetch failure that may pass.
func IsTransient(err error) bool {
	var fe *FetchError
	return errors.As(err, &fe) && fe.Transient
}

// Item is one post as a listing shows it.
type Item struct {
	PlatformID string
	// URL is the permalink as the platform serves it (post_url).
	URL       string
	Published time.Time
	Title     string
	// Text is the normalized text (see package normalize).
	Text string
	// FormerText, when set, is how an earlier build read the same content
	// (a feed's declared plain text, read as markup before): a post whose
	// archived text is that reading has not been edited.
	FormerText string
	Media      []string
}

// Metric is one account metric at a snapshot, by its normalized name:
// followers, following, posts, subscribers, likes.
type Metric struct {
	Name  string
	Value float64
}

// Normalized metric names (Graph fan_count is likes, followers_count is
// followers; Mastodon statuses_count and Bluesky postsCount are posts).
const (
	MetricFollowers   = "followers"
	MetricFollowing   = "following"
	MetricPosts       = "posts"
	MetricSubscribers = "subscribers"
	MetricLikes       = "likes"
)

// Listing is what a source's recent posts look like now.
type Listing struct {
	Items []Item
	// NotModified: the platform answered 304, nothing changed.
	NotModified bool
	// Captures are the archived answers the listing was read from.
	Captures []int64
	// Metrics of the account at this snapshot, if the platform shows any.
	Metrics []Metric
	// Cursor is state the collector wants back next time (an account's
	// platform id, say); "" keeps what was kept before.
	Cursor string
}

// CollectOptions are what a collection may vary.
type CollectOptions struct {
	// Cursor is the Listing.Cursor kept from the last collection.
	Cursor string
	// Pages is how many pages of the listing to read: 1 normally, more
	// for a new source's backfill (snapshot --backfill N).
	Pages int
}

// Collector reads a source's listing on one platform.
type Collector interface {
	// Collect fetches and parses the source's recent posts. A listing
	// that cannot be read is an error; it is never evidence of removal.
	Collect(ctx context.Context, src *config.Source, f Fetcher, opt CollectOptions) (*Listing, error)
}

// AccountGoneError is a platform saying, in an answer that is otherwise
// fine (200), that the account itself is gone: Mastodon's suspended:true,
// Bluesky's takendown repo status. It is an account-level removal-class
// answer, confirmed like a 404 on the listing.
type AccountGoneError struct {
	// Detail is the platform's own word ("suspended", "takendown", …).
	Detail    string
	CaptureID int64
}

func (e *AccountGoneError) Error() string { return "account gone: " + e.Detail }

// ParseError is a listing that was fetched and archived but could not be
// read: the capture keeps the bytes, the error says why.
type ParseError struct {
	CaptureID int64
	Err       error
}

func (e *ParseError) Error() string { return "parse: " + e.Err.Error() }
func (e *ParseError) Unwrap() error { return e.Err }

// StatusError is a listing answered with an HTTP status other than success.
type StatusError struct {
	URL        string
	StatusCode int
	CaptureID  int64
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s answered %d %s", e.URL, e.StatusCode, http.StatusText(e.StatusCode))
}
