package bluesky

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/internal/accounts"
)

// The XRPC answers read here, as far as the collector and checker need
// them. Decoding is lenient where the AppView's shapes vary (a
// getProfiles answer reads as its first profile, an unreadable feed item
// is skipped) and strict where a wrong answer would mislead (no DID, no
// feed, no posts list).

// ErrEmpty is an answer with nothing in it but whitespace.
var ErrEmpty = errors.New("empty answer")

// xrpcError is the body of an XRPC error answer: {"error", "message"}.
type xrpcError struct {
	Name    string `json:"error"`
	Message string `json:"message"`
}

func (e xrpcError) String() string {
	switch {
	case e.Name == "":
		return e.Message
	case e.Message == "":
		return e.Name
	}
	return e.Name + ": " + e.Message
}

// parseXRPCError reads an XRPC error body; ok is false when the body is
// not one (a proxy's HTML error page, say).
func parseXRPCError(body []byte) (e xrpcError, ok bool) {
	var doc struct {
		Name    any `json:"error"`
		Message any `json:"message"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return xrpcError{}, false
	}
	e.Name, _ = doc.Name.(string)
	e.Message, _ = doc.Message.(string)
	return e, e.Name != "" || e.Message != ""
}

// label is a com.atproto.label.defs#label.
type label struct {
	Src string `json:"src"`
	URI string `json:"uri"`
	Val string `json:"val"`
	Neg bool   `json:"neg"`
	Exp string `json:"exp"`
}

// profile is an app.bsky.actor.defs#profileViewDetailed.
type profile struct {
	DID            string   `json:"did"`
	Handle         string   `json:"handle"`
	FollowersCount *float64 `json:"followersCount"`
	FollowsCount   *float64 `json:"followsCount"`
	PostsCount     *float64 `json:"postsCount"`
	Labels         []label  `json:"labels"`
}

// parseProfile reads a getProfile answer. A getProfiles answer reads as
// its first profile.
func parseProfile(body []byte) (*profile, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, fmt.Errorf("bluesky: profile: %w", ErrEmpty)
	}
	var doc struct {
		profile
		Profiles []profile `json:"profiles"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("bluesky: profile: %w", err)
	}
	p := doc.profile
	if p.DID == "" && len(doc.Profiles) > 0 {
		p = doc.Profiles[0]
	}
	if !accounts.IsDID(p.DID) {
		return nil, fmt.Errorf("bluesky: profile: no DID (did %q)", p.DID)
	}
	return &p, nil
}

// postView is an app.bsky.feed.defs#postView, or the #blockedPost or
// #notFoundPost that stands in for one.
type postView struct {
	Type      string     `json:"$type"`
	URI       string     `json:"uri"`
	Author    postAuthor `json:"author"`
	Record    postRecord `json:"record"`
	Embed     *embedView `json:"embed"`
	IndexedAt string     `json:"indexedAt"`
	Labels    []label    `json:"labels"`
	Blocked   bool       `json:"blocked"`
	NotFound  bool       `json:"notFound"`
}

// View types that stand in for a post the AppView will not show.
const (
	typeBlockedPost  = "app.bsky.feed.defs#blockedPost"
	typeNotFoundPost = "app.bsky.feed.defs#notFoundPost"
)

func (v *postView) blocked() bool  { return v.Type == typeBlockedPost || v.Blocked }
func (v *postView) notFound() bool { return v.Type == typeNotFoundPost || v.NotFound }

type postAuthor struct {
	DID    string  `json:"did"`
	Handle string  `json:"handle"`
	Labels []label `json:"labels"`
}

// postRecord is the part of an app.bsky.feed.post record read here.
type postRecord struct {
	Text      string `json:"text"`
	CreatedAt string `json:"createdAt"`
}

// embedView is an embed's view: images#view has images, recordWithMedia#view
// has its images in media.
type embedView struct {
	Type   string      `json:"$type"`
	Images []imageView `json:"images"`
	Media  *embedView  `json:"media"`
}

type imageView struct {
	Fullsize string `json:"fullsize"`
}

// published is when the post says it was written, else when the AppView
// first saw it, else zero.
func (v *postView) published() time.Time {
	for _, s := range []string{v.Record.CreatedAt, v.IndexedAt} {
		if t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(s)); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// media are the full-size URLs of the post's images (its own, or those
// beside a quoted record), absolute http(s), each once.
func (v *postView) media() []string {
	var out []string
	seen := map[string]bool{}
	for e, depth := v.Embed, 0; e != nil && depth < 2; e, depth = e.Media, depth+1 {
		for _, im := range e.Images {
			u := strings.TrimSpace(im.Fullsize)
			if webURL(u) && !seen[u] {
				seen[u] = true
				out = append(out, u)
			}
		}
	}
	return out
}

// feedItem is an app.bsky.feed.defs#feedViewPost; reason is set for a
// repost (#reasonRepost) or a pinned post (#reasonPin).
type feedItem struct {
	Post   postView        `json:"post"`
	Reason json.RawMessage `json:"reason"`
}

// authorFeed is a getAuthorFeed answer.
type authorFeed struct {
	Items  []feedItem
	Cursor string
	// Skipped counts items that did not read as a feedViewPost.
	Skipped int
}

// parseAuthorFeed reads a getAuthorFeed answer, in feed order.
func parseAuthorFeed(body []byte) (*authorFeed, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, fmt.Errorf("bluesky: author feed: %w", ErrEmpty)
	}
	var doc struct {
		Feed   *[]json.RawMessage `json:"feed"`
		Cursor any                `json:"cursor"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("bluesky: author feed: %w", err)
	}
	if doc.Feed == nil {
		return nil, errors.New("bluesky: author feed: no feed in the answer")
	}
	f := &authorFeed{}
	f.Cursor, _ = doc.Cursor.(string)
	for _, raw := range *doc.Feed {
		var it feedItem
		if err := json.Unmarshal(raw, &it); err != nil {
			f.Skipped++
			continue
		}
		f.Items = append(f.Items, it)
	}
	return f, nil
}

// parsePosts reads a getPosts answer (the posts list of getQuotes and
// searchPosts answers reads the same). One view that does not read makes
// the whole answer unreadable: skipping it would make its post read as
// absent, which is a deletion.
func parsePosts(body []byte) ([]postView, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, fmt.Errorf("bluesky: posts: %w", ErrEmpty)
	}
	var doc struct {
		Posts *[]json.RawMessage `json:"posts"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("bluesky: posts: %w", err)
	}
	if doc.Posts == nil {
		return nil, errors.New("bluesky: posts: no posts in the answer")
	}
	views := make([]postView, 0, len(*doc.Posts))
	for _, raw := range *doc.Posts {
		var v postView
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, fmt.Errorf("bluesky: posts: %w", err)
		}
		views = append(views, v)
	}
	return views, nil
}

// repoStatus is a com.atproto.sync.getRepoStatus answer.
type repoStatus struct {
	DID    string `json:"did"`
	Active bool   `json:"active"`
	Status string `json:"status"`
}

// parseRepoStatus reads a getRepoStatus answer; did and active are
// required, as an answer without them says nothing.
func parseRepoStatus(body []byte) (*repoStatus, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, fmt.Errorf("bluesky: repo status: %w", ErrEmpty)
	}
	var doc struct {
		DID    string `json:"did"`
		Active *bool  `json:"active"`
		Status string `json:"status"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("bluesky: repo status: %w", err)
	}
	if !accounts.IsDID(doc.DID) || doc.Active == nil {
		return nil, errors.New("bluesky: repo status: no did or no active in the answer")
	}
	return &repoStatus{DID: doc.DID, Active: *doc.Active, Status: doc.Status}, nil
}

// parseDIDDocument reads a DID document and returns the endpoint of its
// atproto PDS (service #atproto_pds of type AtprotoPersonalDataServer).
func parseDIDDocument(body []byte, did string) (string, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return "", fmt.Errorf("bluesky: DID document: %w", ErrEmpty)
	}
	var doc struct {
		ID      string `json:"id"`
		Service []struct {
			ID       string `json:"id"`
			Type     string `json:"type"`
			Endpoint any    `json:"serviceEndpoint"`
		} `json:"service"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", fmt.Errorf("bluesky: DID document: %w", err)
	}
	if doc.ID != did {
		return "", fmt.Errorf("bluesky: DID document is of %q, not %q", doc.ID, did)
	}
	for _, s := range doc.Service {
		if (s.ID == "#atproto_pds" || s.ID == did+"#atproto_pds") && s.Type == "AtprotoPersonalDataServer" {
			if ep, ok := s.Endpoint.(string); ok && webURL(ep) {
				return strings.TrimRight(ep, "/"), nil
			}
			return "", fmt.Errorf("bluesky: DID document of %s: PDS endpoint %v is not an http(s) URL", did, s.Endpoint)
		}
	}
	return "", fmt.Errorf("bluesky: DID document of %s names no atproto PDS", did)
}

// atURI is a parsed at://<did>/<collection>/<rkey> URI.
type atURI struct {
	DID, Collection, Rkey string
}

const postCollection = "app.bsky.feed.post"

// parsePostURI reads an at:// URI of a post record whose authority is a DID.
func parsePostURI(s string) (atURI, bool) {
	rest, ok := strings.CutPrefix(s, "at://")
	if !ok {
		return atURI{}, false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || !accounts.IsDID(parts[0]) || parts[1] != postCollection || !validRkey(parts[2]) {
		return atURI{}, false
	}
	return atURI{DID: parts[0], Collection: parts[1], Rkey: parts[2]}, true
}

// validRkey reports whether s is a record key: 1 to 512 characters of
// A-Z a-z 0-9 . - _ : ~, not "." or "..".
func validRkey(s string) bool {
	if s == "" || len(s) > 512 || s == "." || s == ".." {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-_:~", r)) {
			return false
		}
	}
	return true
}

func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
