// Package bluesky is the collector and checker of the bluesky platform: an account's own posts read from the public AppView's XRPC API, single posts checked with getPosts, and the account's standing read from its repository's status.
package bluesky

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/accounts"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// Defaults of a source's keys and of the DID resolution.
const (
	// DefaultAPIBase is the public AppView, which needs no account.
	DefaultAPIBase = "https://public.api.bsky.app"
	// DefaultPLCDirectory resolves did:plc DIDs to their documents.
	DefaultPLCDirectory = "https://plc.directory"
	// DefaultPageSize is how many feed items one getAuthorFeed page asks for.
	DefaultPageSize = 50
	// maxPageSize is the AppView's limit on getAuthorFeed's limit.
	maxPageSize = 100
	// pdsTTL is how long a DID's resolved PDS is trusted.
	pdsTTL = 24 * time.Hour
)

// Client collects bluesky sources and checks their posts. It is safe for
// concurrent use; the only state it keeps is which PDS each DID resolved
// to, for a day.
//
// Source keys: url is the profile URL a person copies,
// https://bsky.app/profile/<handle> (a DID in place of the handle works
// too); permalinks are built on that URL's host, so a source on the
// sandbox gets sandbox permalinks. api_base is the AppView (default the
// public one). pds_base is where com.atproto.sync.getRepoStatus is asked:
// when it is empty, the PDS named by the DID document if api_base is the
// public AppView, else api_base itself (a sandbox or a self-hosted stack
// answers both).
type Client struct {
	maxBody  int64
	pageSize int
	plc      string
	now      func() time.Time

	mu  sync.Mutex
	pds map[string]pdsEntry
}

type pdsEntry struct {
	base string
	at   time.Time
}

var (
	_ monitor.Collector = (*Client)(nil)
	_ monitor.Checker   = (*Client)(nil)
)

// Option configures a Client.
type Option func(*Client)

// WithMaxBody caps the size of an answer; n <= 0 keeps the fetcher's cap.
func WithMaxBody(n int64) Option {
	return func(c *Client) {
		if n > 0 {
			c.maxBody = n
		}
	}
}

// WithPageSize sets how many feed items a listing page asks for, 1 to 100.
func WithPageSize(n int) Option {
	return func(c *Client) {
		if n > 0 {
			c.pageSize = min(n, maxPageSize)
		}
	}
}

// WithPLCDirectory sets where did:plc DIDs are resolved.
func WithPLCDirectory(base string) Option {
	return func(c *Client) { c.plc = strings.TrimRight(base, "/") }
}

// WithClock sets the clock that label expiry and the PDS cache read.
func WithClock(now func() time.Time) Option {
	return func(c *Client) {
		if now != nil {
			c.now = now
		}
	}
}

// New returns a Client.
func New(opts ...Option) *Client {
	c := &Client{pageSize: DefaultPageSize, plc: DefaultPLCDirectory, now: time.Now, pds: map[string]pdsEntry{}}
	for _, o := range opts {
		o(c)
	}
	return c
}

// account is what a source's keys say about where to ask.
type account struct {
	actor  string // handle or DID from the profile URL
	web    string // scheme://host of the profile URL: where permalinks live
	api    string // AppView base
	pds    string // pds_base, or ""
	custom bool   // api_base is not the public AppView
}

// sourceAccount reads a source's keys.
func sourceAccount(src *config.Source) (account, error) {
	u, err := url.Parse(src.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return account{}, fmt.Errorf("bluesky: source %s: url %q is not an http(s) URL", src.ID, src.URL)
	}
	actor, err := accounts.Bluesky(u)
	if err != nil {
		return account{}, fmt.Errorf("bluesky: source %s: url %q: %v", src.ID, src.URL, err)
	}
	acc := account{actor: actor, web: u.Scheme + "://" + u.Host, api: DefaultAPIBase}
	if b := strings.TrimRight(src.APIBase, "/"); b != "" {
		acc.api, acc.custom = b, b != DefaultAPIBase
	}
	acc.pds = strings.TrimRight(src.PDSBase, "/")
	return acc, nil
}

// permalink is the web URL of a post, as bsky.app shows it: the author's
// handle when it is a valid one, else the DID.
func (a account) permalink(handle, did, rkey string) string {
	who := did
	if accounts.IsHandle(handle) {
		who = strings.ToLower(handle)
	}
	return a.web + "/profile/" + who + "/post/" + rkey
}

// get asks an XRPC method of base. The answer comes back whatever its
// status; errors are the fetcher's.
func (c *Client) get(ctx context.Context, f monitor.Fetcher, src *config.Source, base, nsid string, q url.Values, kind string) (*monitor.FetchResponse, error) {
	resp, err := f.Fetch(ctx, &monitor.FetchRequest{
		URL:      base + "/xrpc/" + nsid + "?" + q.Encode(),
		Kind:     kind,
		SourceID: src.ID,
		Vantage:  src.Vantage,
		Header:   http.Header{"Accept": {"application/json"}, "Atproto-Accept-Labelers": {acceptLabelers}},
		MaxBody:  c.maxBody,
	})
	if err != nil {
		return nil, err
	}
	if resp == nil {
		return nil, fmt.Errorf("bluesky: %s: fetcher gave neither answer nor error", nsid)
	}
	return resp, nil
}

// goneStatuses are the repository statuses of an account that is gone:
// taken down or suspended by its host, deleted, or deactivated by its
// owner (the owner's choice, still gone from the public's view).
var goneStatuses = map[string]bool{"takendown": true, "suspended": true, "deleted": true, "deactivated": true}

// repoAnswer is what getRepoStatus said of a DID.
type repoAnswer struct {
	gone     string // the status word when the account is gone
	notFound bool   // RepoNotFound: the host has no such repository
	evidence []int64
	capture  int64 // of the answer read
}

// errNoPDS is a DID whose repository host could not be found.
var errNoPDS = errors.New("no PDS found")

// repoStatus asks the account's repository host for its status. A host
// that cannot be found, reached or read gives an empty answer, which says
// nothing; only the caller's context ending or the archive failing is an
// error.
func (c *Client) repoStatus(ctx context.Context, f monitor.Fetcher, src *config.Source, acc account, did string) (repoAnswer, error) {
	base, evidence, cached, err := c.repoBase(ctx, f, src, acc, did, false)
	if err != nil {
		if errors.Is(err, errNoPDS) && ctx.Err() == nil {
			return repoAnswer{evidence: evidence}, nil
		}
		return repoAnswer{}, err
	}
	ans, err := c.askRepo(ctx, f, src, base, did)
	ans.evidence = append(evidence, ans.evidence...)
	if err != nil || !cached || (ans.gone == "" && !ans.notFound) {
		return ans, err
	}
	// A repository that moved leaves its old host saying deactivated:
	// ask the PDS the DID document names now before believing it.
	fresh, more, _, err := c.repoBase(ctx, f, src, acc, did, true)
	ans.evidence = append(ans.evidence, more...)
	if err != nil && !errors.Is(err, errNoPDS) {
		return repoAnswer{}, err
	}
	if err != nil || fresh == base {
		return ans, ctx.Err()
	}
	again, err := c.askRepo(ctx, f, src, fresh, did)
	again.evidence = append(ans.evidence, again.evidence...)
	return again, err
}

func (c *Client) askRepo(ctx context.Context, f monitor.Fetcher, src *config.Source, base, did string) (repoAnswer, error) {
	resp, err := c.get(ctx, f, src, base, "com.atproto.sync.getRepoStatus", url.Values{"did": {did}}, monitor.KindAccount)
	if err != nil {
		var fe *monitor.FetchError
		if errors.As(err, &fe) {
			ans := repoAnswer{}
			if fe.CaptureID != 0 {
				ans.evidence = []int64{fe.CaptureID}
			}
			return ans, nil
		}
		return repoAnswer{}, err
	}
	ans := repoAnswer{evidence: resp.Evidence(), capture: captureID(resp)}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300 && !resp.Truncated:
		st, err := parseRepoStatus(resp.Body)
		if err != nil || st.DID != did {
			return ans, nil
		}
		if !st.Active && goneStatuses[st.Status] {
			ans.gone = st.Status
		}
	case resp.StatusCode == http.StatusBadRequest:
		e, _ := parseXRPCError(resp.Body)
		switch e.Name {
		case "RepoNotFound":
			ans.notFound = true
		case "RepoTakendown":
			ans.gone = "takendown"
		case "RepoSuspended":
			ans.gone = "suspended"
		case "RepoDeactivated":
			ans.gone = "deactivated"
		}
	}
	return ans, nil
}

// repoBase is where a DID's repository status is asked: pds_base, else
// api_base when it is not the public AppView, else the PDS of the DID
// document (cached for pdsTTL; fresh skips the cache). cached reports
// that the answer came from the cache. A DID whose host cannot be found
// is an error wrapping errNoPDS.
func (c *Client) repoBase(ctx context.Context, f monitor.Fetcher, src *config.Source, acc account, did string, fresh bool) (base string, evidence []int64, cached bool, err error) {
	switch {
	case acc.pds != "":
		return acc.pds, nil, false, nil
	case acc.custom:
		return acc.api, nil, false, nil
	}
	now := c.now()
	if !fresh {
		c.mu.Lock()
		e, ok := c.pds[did]
		c.mu.Unlock()
		if ok && now.Sub(e.at) < pdsTTL {
			return e.base, nil, true, nil
		}
	}
	var docURL string
	switch {
	case strings.HasPrefix(did, "did:plc:"):
		docURL = c.plc + "/" + did
	case strings.HasPrefix(did, "did:web:"):
		// atproto allows host-level did:web only: a colon would start a path.
		id := strings.TrimPrefix(did, "did:web:")
		host, err := url.PathUnescape(id)
		if err != nil || host == "" || strings.Contains(id, ":") || strings.ContainsAny(host, "/?#@\\") {
			return "", nil, false, fmt.Errorf("bluesky: %s: not a resolvable did:web: %w", did, errNoPDS)
		}
		docURL = "https://" + host + "/.well-known/did.json"
	default:
		return "", nil, false, fmt.Errorf("bluesky: %s: unsupported DID method: %w", did, errNoPDS)
	}
	resp, err := f.Fetch(ctx, &monitor.FetchRequest{URL: docURL, Kind: monitor.KindAccount, SourceID: src.ID,
		Vantage: src.Vantage, Header: http.Header{"Accept": {"application/did+ld+json, application/json"}}, MaxBody: c.maxBody})
	if err != nil {
		var fe *monitor.FetchError
		if errors.As(err, &fe) {
			return "", nil, false, fmt.Errorf("bluesky: resolve %s: %w (%w)", did, errNoPDS, err)
		}
		return "", nil, false, fmt.Errorf("bluesky: resolve %s: %w", did, err)
	}
	if resp == nil {
		return "", nil, false, fmt.Errorf("bluesky: resolve %s: fetcher gave neither answer nor error", did)
	}
	evidence = resp.Evidence()
	if resp.StatusCode < 200 || resp.StatusCode > 299 || resp.Truncated {
		return "", evidence, false, fmt.Errorf("bluesky: resolve %s: %s answered %d: %w", did, docURL, resp.StatusCode, errNoPDS)
	}
	base, err = parseDIDDocument(resp.Body, did)
	if err != nil {
		return "", evidence, false, fmt.Errorf("%w (%w)", err, errNoPDS)
	}
	c.mu.Lock()
	c.pds[did] = pdsEntry{base: base, at: now}
	c.mu.Unlock()
	return base, evidence, false, nil
}

// xrpcStatusError is an AppView answer with a status that says nothing
// about the account: a 404 or 410 from an XRPC host means the method is
// not there (a wrong api_base), so it must not read as the account's
// 404, as a *monitor.StatusError would.
type xrpcStatusError struct {
	url    string
	status int
	xrpc   xrpcError
}

func (e *xrpcStatusError) Error() string {
	msg := fmt.Sprintf("%s answered %d %s", e.url, e.status, http.StatusText(e.status))
	if s := e.xrpc.String(); s != "" {
		msg += " (" + s + ")"
	}
	return msg
}

func captureID(resp *monitor.FetchResponse) int64 {
	if resp == nil || resp.Capture == nil {
		return 0
	}
	return resp.Capture.ID
}
