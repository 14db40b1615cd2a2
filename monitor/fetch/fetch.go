// Package fetch is the one HTTP client every fetch of takedownwatch goes through: polite per host, capped, proxied by vantage, and archiving every answer.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/archive/warc"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/uri"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// Defaults of the options.
const (
	DefaultMaxRedirects = 10
	DefaultMaxRetryWait = 2 * time.Minute
)

// Errors callers branch on.
var (
	// ErrTooManyRedirects ends a chain longer than MaxRedirects.
	ErrTooManyRedirects = errors.New("too many redirects")
	// ErrUnknownVantage is a vantage that is neither direct nor a proxy
	// of fetch.proxies: a configuration mistake, never a network failure.
	ErrUnknownVantage = errors.New("unknown vantage")
)

// Recorder is the part of the archive a fetch writes to and reads
// validators from; *archive.Archive is one.
type Recorder interface {
	Record(ctx context.Context, ex *warc.Exchange, m archive.Meta) (*store.Capture, error)
	RecordFailure(ctx context.Context, url string, at time.Time, vantage string, m archive.Meta, fail error) (*store.Capture, error)
	LastCapture(ctx context.Context, url string) (*store.Capture, error)
}

var _ monitor.Fetcher = (*Client)(nil)

// Client fetches and archives. It is safe for concurrent use by any number
// of goroutines; one Client should serve the whole process, since
// politeness is only as wide as the Client that keeps it.
//
// Politeness is per host:port of each hop: at most per_host_concurrency
// requests in flight, and each request sent at least per_host_interval
// after the host began to answer the one before (see host), and not
// before a Retry-After the host gave with a 429 or 503.
type Client struct {
	rec       Recorder
	guard     *guard // nil: every address may be fetched (see WithTrustedHosts)
	userAgent string
	timeout   time.Duration
	maxBody   int64
	interval  time.Duration

	vantages map[string]*vantage
	hosts    hosts

	now          func() time.Time
	log          *logrus.Entry
	maxRedirects int
	maxRetryWait time.Duration
	transport    http.RoundTripper
	redact       *warc.Redactor
	secrets      []string
}

// Option configures a Client.
type Option func(*Client)

// WithClock sets the clock that dates captures and reads Retry-After dates.
// Waits (politeness, Retry-After) run on the real clock: they are about
// real spacing between requests.
func WithClock(now func() time.Time) Option { return func(c *Client) { c.now = now } }

// WithLogger sets the logger; the default discards everything.
func WithLogger(log *logrus.Entry) Option { return func(c *Client) { c.log = log } }

// WithMaxRedirects sets how many redirects one fetch follows (default 10).
func WithMaxRedirects(n int) Option { return func(c *Client) { c.maxRedirects = n } }

// WithMaxRetryWait sets the longest Retry-After a fetch waits out before
// failing instead (default 2m).
func WithMaxRetryWait(d time.Duration) Option { return func(c *Client) { c.maxRetryWait = d } }

// WithTransport replaces the network of every vantage by rt, for tests; the
// vantage names are still checked and recorded.
func WithTransport(rt http.RoundTripper) Option { return func(c *Client) { c.transport = rt } }

// WithSecrets names values (tokens placed in URL paths, say) that must not
// appear in logs or error messages; token query parameters are scrubbed
// without being named.
func WithSecrets(secrets ...string) Option {
	return func(c *Client) { c.secrets = append(c.secrets, secrets...) }
}

// New builds a Client from the fetch configuration; every answer is
// archived through rec.
func New(cfg config.Fetch, rec Recorder, opts ...Option) (*Client, error) {
	if rec == nil {
		return nil, errors.New("fetch: no recorder: every fetch must be archived")
	}
	switch {
	case cfg.PerHostConcurrency < 1:
		return nil, fmt.Errorf("fetch: per_host_concurrency must be >= 1, got %d", cfg.PerHostConcurrency)
	case cfg.MaxBody <= 0:
		return nil, fmt.Errorf("fetch: max_body must be > 0, got %s", cfg.MaxBody)
	case cfg.Timeout <= 0:
		// Spacing waits on the previous request's answer or end: it must come.
		return nil, fmt.Errorf("fetch: timeout must be > 0, got %s", cfg.Timeout)
	case cfg.PerHostInterval < 0:
		return nil, fmt.Errorf("fetch: per_host_interval must not be negative, got %s", cfg.PerHostInterval)
	}
	c := &Client{
		rec:          rec,
		userAgent:    cfg.UserAgent,
		timeout:      cfg.Timeout.D(),
		maxBody:      int64(cfg.MaxBody),
		interval:     cfg.PerHostInterval.D(),
		hosts:        hosts{concurrency: cfg.PerHostConcurrency},
		now:          time.Now,
		maxRedirects: DefaultMaxRedirects,
		maxRetryWait: DefaultMaxRetryWait,
	}
	for _, o := range opts {
		o(c)
	}
	if c.maxRedirects < 0 || c.maxRetryWait < 0 {
		return nil, fmt.Errorf("fetch: max redirects (%d) and max retry wait (%s) must not be negative", c.maxRedirects, c.maxRetryWait)
	}
	if c.log == nil {
		l := logrus.New()
		l.Out = io.Discard
		c.log = logrus.NewEntry(l)
	}
	c.log = c.log.WithField("component", "fetch")
	c.redact = warc.NewRedactor(c.secrets...)
	var err error
	if c.vantages, err = newVantages(cfg, c.transport); err != nil {
		return nil, err
	}
	return c, nil
}

// Close drops idle connections of every vantage.
func (c *Client) Close() error {
	for _, v := range c.vantages {
		v.client.CloseIdleConnections()
	}
	return nil
}

// safeURL is u as logs and error messages may show it: token parameters,
// user info and configured secrets replaced.
func (c *Client) safeURL(u string) string { return c.redact.URL(u) }

// scrub returns err, chain kept, with a message fit for logs: the archive
// quotes the URL it was given, token and all.
func (c *Client) scrub(err error, target string) error {
	msg := c.redact.String(strings.ReplaceAll(err.Error(), target, c.safeURL(target)))
	return redactedError{err: err, msg: msg}
}

// Fetch makes the request, follows redirects by hand and archives every
// answer on the way. An HTTP answer of any status is a response, not an
// error: the caller decides what a status means. Errors are a
// *monitor.FetchError (no usable answer), the caller's context error
// wrapped, or a configuration or archive error.
func (c *Client) Fetch(ctx context.Context, req *monitor.FetchRequest) (*monitor.FetchResponse, error) {
	begun := time.Now()
	v, err := c.vantage(req.Vantage)
	if err != nil {
		return nil, err
	}
	first, err := parseTarget(req.URL)
	if err != nil {
		return nil, fmt.Errorf("fetch: %w", err)
	}
	limit := req.MaxBody
	if limit <= 0 {
		limit = c.maxBody
	}
	// A conditional fetch's answer is the base of the next one only once
	// the caller has committed what it read from it (a listing's posts):
	// a 304 against an answer whose posts a stopped process never
	// committed would have them never read. Every listing answer is
	// pending until then, conditional or not (API listings never are
	// conditional): the pipeline reads one a stopped process left again
	// from the archive, for the posts deleted before the next read.
	meta := archive.Meta{Kind: req.Kind, SourceID: req.SourceID, Pending: req.Conditional || req.Kind == monitor.KindListing}
	out := &monitor.FetchResponse{}
	var st fetchStats
	target, u, strip := wireTarget(req.URL, first), first, false
	for {
		hopCtx, err := c.guard.check(ctx, u)
		if err != nil {
			err = &monitor.FetchError{URL: c.safeURL(target), Err: err}
			c.logFetch(req.URL, v, out, &st, begun, err)
			return nil, err
		}
		header, last, known := c.header(ctx, req, target, strip)
		meta.Last, meta.LastKnown = last, known
		ex, err := c.roundTrip(hopCtx, v, target, u, header, limit, &st)
		if err != nil {
			err = c.failed(ctx, target, v, ex, meta, err)
			c.logFetch(req.URL, v, out, &st, begun, err)
			return nil, err
		}
		capture, err := c.rec.Record(context.WithoutCancel(ctx), ex, meta)
		if err != nil {
			return nil, fmt.Errorf("fetch %s: archive: %w", c.safeURL(target), c.scrub(err, target))
		}
		next, loc := redirectTarget(ex, u)
		if next == nil {
			out.URL, out.StatusCode, out.Header, out.Body = target, ex.StatusCode, ex.Header, ex.Body
			out.Truncated, out.Capture = ex.Truncated, capture
			out.NotModified = ex.StatusCode == http.StatusNotModified
			c.logFetch(req.URL, v, out, &st, begun, nil)
			return out, nil
		}
		out.Hops = append(out.Hops, monitor.Hop{URL: target, StatusCode: ex.StatusCode, Location: loc, CaptureID: capture.ID})
		if len(out.Hops) > c.maxRedirects {
			err := &monitor.FetchError{URL: c.safeURL(req.URL), CaptureID: capture.ID,
				Err: fmt.Errorf("%w: stopped after %d", ErrTooManyRedirects, c.maxRedirects)}
			c.logFetch(req.URL, v, out, &st, begun, err)
			return nil, err
		}
		strip = strip || leavesOrigin(first, next)
		next.RawQuery = uri.Escape(next.RawQuery)
		target, u = next.String(), next
	}
}

// failed turns an error of roundTrip into what Fetch returns, archiving
// network failures.
func (c *Client) failed(ctx context.Context, target string, v *vantage, ex *warc.Exchange, meta archive.Meta, err error) error {
	var wait *RetryAfterError
	var nf *networkError
	switch {
	case errors.As(err, &wait):
		return &monitor.FetchError{URL: c.safeURL(target), Transient: true, Err: err}
	case ctx.Err() != nil:
		// The caller gave up: that says nothing about the host.
		return fmt.Errorf("fetch %s: %w", c.safeURL(target), ctx.Err())
	case errors.Is(err, ErrPrivateAddress):
		// refused at the dial (the name resolved private there): the
		// guard's decision, as before the request, not a network failure
		return &monitor.FetchError{URL: c.safeURL(target), Err: ErrPrivateAddress}
	case errors.As(err, &nf):
		fail := nf.err
		capture, aerr := c.rec.RecordFailure(context.WithoutCancel(ctx), target, ex.Date, v.name, meta, fail)
		if aerr != nil {
			return fmt.Errorf("fetch %s: %v; archive the failure: %w", c.safeURL(target), fail, c.scrub(aerr, target))
		}
		return &monitor.FetchError{URL: c.safeURL(target), Transient: true, CaptureID: capture.ID, Err: fail}
	}
	return fmt.Errorf("fetch %s: %w", c.safeURL(target), err)
}

// acceptLanguage is asked for on every fetch that sets none (see header).
const acceptLanguage = "en;q=1.0, *;q=0.5"

// header builds the request header of one hop: the caller's, the
// configured User-Agent, and validators of the hop URL's last capture. It
// also returns that capture (nil: none) and whether it looked, so Record
// need not look again.
func (c *Client) header(ctx context.Context, req *monitor.FetchRequest, target string, strip bool) (http.Header, *store.Capture, bool) {
	h := req.Header.Clone()
	if h == nil {
		h = make(http.Header, 4)
	}
	if strip {
		for _, k := range credentialHeaders {
			h.Del(k)
		}
	}
	// The transport decodes gzip only when it asked for it itself; a body
	// archived and parsed must be the decoded one.
	h.Del("Accept-Encoding")
	if c.userAgent != "" {
		h.Set("User-Agent", c.userAgent)
	}
	// Platforms word their "content isn't available" and login pages in the
	// language a request asks for, else in the one of the vantage's
	// country: a Khmer soft-404 from a Cambodian proxy is a page the
	// classifier cannot read, and a post gone from it would pass for live.
	// English first (any other after it) keeps those pages readable from
	// every vantage; what a post says is its author's either way.
	if h.Get("Accept-Language") == "" {
		h.Set("Accept-Language", acceptLanguage)
	}
	var found *store.Capture
	known := false
	if req.Conditional && h.Get("If-None-Match") == "" && h.Get("If-Modified-Since") == "" {
		last, err := c.rec.LastCapture(ctx, target)
		switch {
		case err == nil || errors.Is(err, store.ErrNotFound):
			found, known = last, true
		}
		switch {
		case err == nil && last != nil && !last.Truncated:
			// A truncated capture never held the whole payload, so a 304
			// against it would stand for bytes nobody kept.
			if last.ETag != "" {
				h.Set("If-None-Match", last.ETag)
			}
			if last.LastModified != "" {
				h.Set("If-Modified-Since", last.LastModified)
			}
		case err != nil && !errors.Is(err, store.ErrNotFound) && ctx.Err() == nil:
			// An unconditional fetch costs bandwidth, not evidence.
			c.log.WithError(c.scrub(err, target)).WithField("url", c.safeURL(target)).Warn("no validators for a conditional fetch")
		}
	}
	return h, found, known
}

// wireTarget is the URL a fetch requests and archives: raw as given,
// unless it holds what no URI may (a space, a quote, "<", a control
// character: a feed's link written carelessly, or built to break what
// reads the archive), and then u, parsed from it, percent-encoded.
// Sent raw, such a query went onto the request line, and the WARC request
// record that keeps that line no longer parsed: verify called the capture
// damaged and export wacz stopped. (url.URL.String escapes the path; the
// query, which it keeps raw, is escaped here.)
func wireTarget(raw string, u *url.URL) string {
	if !uri.NeedsEscape(raw) {
		return raw
	}
	u.RawQuery = uri.Escape(u.RawQuery)
	return u.String()
}

// parseTarget accepts absolute http and https URLs only. Its errors never
// quote the URL, which may carry a token.
func parseTarget(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("URL does not parse")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("URL scheme %q: want http or https", u.Scheme)
	}
	if u.Host == "" {
		return nil, errors.New("URL has no host")
	}
	return u, nil
}
