package sandbox_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
)

// bskyView is the part of a postView (or what stands in for one) the
// tests read.
type bskyView struct {
	Type   string `json:"$type"`
	URI    string `json:"uri"`
	Author struct {
		DID    string `json:"did"`
		Handle string `json:"handle"`
	} `json:"author"`
	Record struct {
		Type      string `json:"$type"`
		Text      string `json:"text"`
		CreatedAt string `json:"createdAt"`
	} `json:"record"`
	Embed *struct {
		Type   string `json:"$type"`
		Images []struct {
			Fullsize string `json:"fullsize"`
		} `json:"images"`
	} `json:"embed"`
	Labels []struct {
		Src string `json:"src"`
		Val string `json:"val"`
	} `json:"labels"`
	Blocked bool `json:"blocked"`
}

type bskyXRPCError struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

func xrpcURL(a *sandbox.Account, nsid string, q url.Values) string {
	return a.BlueskyAPIBase() + "/xrpc/" + nsid + "?" + q.Encode()
}

// getJSON fetches target and decodes its JSON body into v, whatever the
// status, and returns the response.
func getJSON(t *testing.T, c *http.Client, target string, header http.Header, v any) *http.Response {
	t.Helper()
	resp, body := fetch(t, c, target, header)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: Content-Type %q, body %s", target, ct, body)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("GET %s: %v\n%s", target, err, body)
	}
	return resp
}

func TestBluesky_Identity(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{Hosts: 2})
	a := sb.AddAccount(0, "Gov_Press")
	b := sb.AddAccount(1, "Gov_Press")
	if got, want := a.BlueskyHandle(), "gov-press.sandbox.test"; got != want {
		t.Errorf("handle %q, want %q", got, want)
	}
	plc := regexp.MustCompile(`^did:plc:[a-z2-7]{24}$`)
	if !plc.MatchString(a.BlueskyDID()) {
		t.Errorf("DID %q is not did:plc-shaped", a.BlueskyDID())
	}
	if a.BlueskyDID() == b.BlueskyDID() {
		t.Errorf("accounts of one name on two hosts share DID %s", a.BlueskyDID())
	}
	again := sandboxtest.New(t, sandbox.Options{}).AddAccount(0, "Gov_Press")
	if again.BlueskyDID() != a.BlueskyDID() || again.BlueskyRkey("7") != a.BlueskyRkey("7") {
		t.Errorf("DID or rkey differ between runs: %s %s", again.BlueskyDID(), a.BlueskyDID())
	}
	tid := regexp.MustCompile(`^[2-7a-j][2-7a-z]{12}$`)
	if rk := a.BlueskyRkey("7"); !tid.MatchString(rk) || rk == a.BlueskyRkey("8") {
		t.Errorf("rkeys %q, %q: want distinct TID-shaped keys", rk, a.BlueskyRkey("8"))
	}
	for _, f := range []struct{ name, got, want string }{
		{"uri", a.BlueskyPostURI("7"), "at://" + a.BlueskyDID() + "/app.bsky.feed.post/" + a.BlueskyRkey("7")},
		{"profile", a.BlueskyProfileURL(), a.BlueskyAPIBase() + "/profile/gov-press.sandbox.test"},
		{"post", a.BlueskyPostURL("7"), a.BlueskyAPIBase() + "/profile/gov-press.sandbox.test/post/" + a.BlueskyRkey("7")},
	} {
		if f.got != f.want {
			t.Errorf("%s = %q, want %q", f.name, f.got, f.want)
		}
	}
}

func TestBluesky_Profile(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "gov")
	a.SetMetric("followers", 1200)
	a.SetMetric("following", 30)
	a.SetMetric("posts", 456)
	sb.AddAccount(0, "quiet")

	type profile struct {
		DID            string `json:"did"`
		Handle         string `json:"handle"`
		FollowersCount *int64 `json:"followersCount"`
		FollowsCount   *int64 `json:"followsCount"`
		PostsCount     *int64 `json:"postsCount"`
	}
	for _, actor := range []string{a.BlueskyHandle(), a.BlueskyDID(), strings.ToUpper(a.BlueskyHandle())} {
		var p profile
		resp := getJSON(t, c, xrpcURL(a, "app.bsky.actor.getProfile", url.Values{"actor": {actor}}), nil, &p)
		if resp.StatusCode != http.StatusOK || p.DID != a.BlueskyDID() || p.Handle != a.BlueskyHandle() {
			t.Fatalf("getProfile(%s): %d %+v", actor, resp.StatusCode, p)
		}
		if p.FollowersCount == nil || *p.FollowersCount != 1200 || p.FollowsCount == nil || *p.FollowsCount != 30 || p.PostsCount == nil || *p.PostsCount != 456 {
			t.Errorf("getProfile(%s) counts %v %v %v, want 1200 30 456", actor, p.FollowersCount, p.FollowsCount, p.PostsCount)
		}
		for _, h := range []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"} {
			if resp.Header.Get(h) == "" {
				t.Errorf("no %s header", h)
			}
		}
	}
	var quiet profile
	getJSON(t, c, xrpcURL(a, "app.bsky.actor.getProfile", url.Values{"actor": {"quiet.sandbox.test"}}), nil, &quiet)
	if quiet.FollowersCount != nil || quiet.PostsCount != nil {
		t.Errorf("an account without metrics shows counts %+v", quiet)
	}

	a.Suspend()
	tests := []struct {
		actor      string
		wantStatus int
		wantError  string
		wantMsg    string
	}{
		{a.BlueskyHandle(), http.StatusBadRequest, "AccountTakedown", "Account has been suspended"},
		{"nobody.sandbox.test", http.StatusBadRequest, "InvalidRequest", "Profile not found"},
		{"", http.StatusBadRequest, "InvalidRequest", `Error: Params must have the property "actor"`},
	}
	for _, tt := range tests {
		for _, nsid := range []string{"app.bsky.actor.getProfile", "app.bsky.feed.getAuthorFeed"} {
			var e bskyXRPCError
			resp := getJSON(t, c, xrpcURL(a, nsid, url.Values{"actor": {tt.actor}}), nil, &e)
			if resp.StatusCode != tt.wantStatus || e.Error != tt.wantError || e.Message != tt.wantMsg {
				t.Errorf("%s(%q) = %d %+v, want %d %s %q", nsid, tt.actor, resp.StatusCode, e, tt.wantStatus, tt.wantError, tt.wantMsg)
			}
		}
	}
}

type bskyFeed struct {
	Feed []struct {
		Post bskyView `json:"post"`
	} `json:"feed"`
	Cursor string `json:"cursor"`
}

// authorFeed pages through getAuthorFeed and returns the post ids of the
// URIs in order, and how many pages it took.
func authorFeed(t *testing.T, c *http.Client, a *sandbox.Account, ids map[string]string, limit int) ([]string, int) {
	t.Helper()
	var got []string
	cursor, pages := "", 0
	for {
		q := url.Values{"actor": {a.BlueskyDID()}, "limit": {strconv.Itoa(limit)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var f bskyFeed
		if resp := getJSON(t, c, xrpcURL(a, "app.bsky.feed.getAuthorFeed", q), nil, &f); resp.StatusCode != http.StatusOK {
			t.Fatalf("getAuthorFeed: %d", resp.StatusCode)
		}
		pages++
		for _, it := range f.Feed {
			got = append(got, ids[it.Post.URI])
		}
		if f.Cursor == "" || pages > 50 {
			return got, pages
		}
		cursor = f.Cursor
	}
}

func TestBluesky_AuthorFeed(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "gov")
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ids := map[string]string{}
	var order []string // newest first
	for i := range 7 {
		// Two posts share a time: publish order breaks the tie.
		id := a.Publish(sandbox.Post{HTML: fmt.Sprintf("<p>post %d</p>", i), Published: at.Add(time.Duration(i/2*2) * time.Minute)})
		ids[a.BlueskyPostURI(id)] = id
		order = append([]string{id}, order...)
	}
	without := func(drop ...string) []string {
		var out []string
		for _, id := range order {
			if !slices.Contains(drop, id) {
				out = append(out, id)
			}
		}
		return out
	}

	got, pages := authorFeed(t, c, a, ids, 2)
	if !slices.Equal(got, order) || pages != 4 {
		t.Fatalf("pages of 2: %v in %d pages, want %v in 4", got, pages, order)
	}
	if got, pages := authorFeed(t, c, a, ids, 100); !slices.Equal(got, order) || pages != 1 {
		t.Errorf("one page: %v in %d pages", got, pages)
	}

	a.HideFromListing(order[1], true)
	a.Delete(order[2], sandbox.Gone410)
	a.Withhold(order[3], "")
	if got, _ := authorFeed(t, c, a, ids, 2); !slices.Equal(got, without(order[1], order[2], order[3])) {
		t.Errorf("with hidden, deleted and withheld posts: %v", got)
	}
	a.SetListingLimit(2)
	if got, _ := authorFeed(t, c, a, ids, 1); !slices.Equal(got, without(order[1], order[2], order[3])[:2]) {
		t.Errorf("listing limit 2, pages of 1: %v", got)
	}
	a.EmptyListing(true)
	if got, _ := authorFeed(t, c, a, ids, 50); len(got) != 0 {
		t.Errorf("empty listing shows %v", got)
	}
	a.EmptyListing(false)

	var f bskyFeed
	getJSON(t, c, xrpcURL(a, "app.bsky.feed.getAuthorFeed", url.Values{"actor": {a.BlueskyHandle()}, "cursor": {"not a cursor"}}), nil, &f)
	if len(f.Feed) != 0 || f.Cursor != "" {
		t.Errorf("a bad cursor gives %d items, cursor %q; want none", len(f.Feed), f.Cursor)
	}
	for _, limit := range []string{"0", "101", "x"} {
		var e bskyXRPCError
		resp := getJSON(t, c, xrpcURL(a, "app.bsky.feed.getAuthorFeed", url.Values{"actor": {a.BlueskyHandle()}, "limit": {limit}}), nil, &e)
		if resp.StatusCode != http.StatusBadRequest || e.Error != "InvalidRequest" {
			t.Errorf("limit %s: %d %+v, want 400 InvalidRequest", limit, resp.StatusCode, e)
		}
	}
}

func TestBluesky_PostView(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "gov")
	a.SetMedia("flag.png", 2048, "image/png")
	published := time.Date(2026, 2, 3, 4, 5, 6, 789_000_000, time.UTC)
	id := a.Publish(sandbox.Post{Title: "Statement", Published: published,
		HTML:  "<p>Tom &amp; Jerry <b>said</b>   so</p><p>twice<br>over</p><script>x()</script>",
		Media: []string{"flag.png", "https://cdn.example/v.mp4"}})
	untitled := a.Publish(sandbox.Post{Title: "Only a title", HTML: "<img src=x>"})

	var f bskyFeed
	getJSON(t, c, xrpcURL(a, "app.bsky.feed.getAuthorFeed", url.Values{"actor": {a.BlueskyHandle()}}), nil, &f)
	views := map[string]bskyView{}
	for _, it := range f.Feed {
		views[it.Post.URI] = it.Post
	}
	v := views[a.BlueskyPostURI(id)]
	for _, c := range []struct{ name, got, want string }{
		{"author did", v.Author.DID, a.BlueskyDID()},
		{"author handle", v.Author.Handle, a.BlueskyHandle()},
		{"record type", v.Record.Type, "app.bsky.feed.post"},
		{"text", v.Record.Text, "Tom & Jerry said so\ntwice\nover"},
		{"createdAt", v.Record.CreatedAt, "2026-02-03T04:05:06.789Z"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if v.Embed == nil || v.Embed.Type != "app.bsky.embed.images#view" || len(v.Embed.Images) != 1 || v.Embed.Images[0].Fullsize != a.MediaURL("flag.png") {
		t.Errorf("embed %+v, want the one image at %s", v.Embed, a.MediaURL("flag.png"))
	}
	if got := views[a.BlueskyPostURI(untitled)].Record.Text; got != "Only a title" {
		t.Errorf("text of a post without words = %q, want its title", got)
	}
}

type bskyPosts struct {
	Posts []bskyView `json:"posts"`
}

func TestBluesky_GetPosts(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "gov")
	labelers := http.Header{"Atproto-Accept-Labelers": {"did:plc:ar7c4by46qjdydhdevvrndac;redact, " + sandbox.BlueskyGeoLabeler}}
	tests := []struct {
		name   string
		act    func(id string)
		header http.Header
		// want: "view", "view !hide", "blocked", "absent" or "401".
		want string
	}{
		{"live", func(string) {}, nil, "view"},
		{"hidden from listing", func(id string) { a.HideFromListing(id, true) }, nil, "view"},
		{"deleted 404", func(id string) { a.Delete(id, sandbox.Gone404) }, nil, "absent"},
		{"deleted 410", func(id string) { a.Delete(id, sandbox.Gone410) }, nil, "absent"},
		{"deleted soft-404", func(id string) { a.Delete(id, sandbox.Soft404) }, nil, "absent"},
		{"deleted redirect home", func(id string) { a.Delete(id, sandbox.RedirectHome) }, nil, "absent"},
		{"withheld, labeler asked", func(id string) { a.Withhold(id, "https://authority.example/1") }, labelers, "view !hide"},
		{"withheld, labeler not asked", func(id string) { a.Withhold(id, "") }, nil, "view"},
		{"restricted 403", func(id string) { a.Restrict(id, sandbox.Forbidden403) }, nil, "blocked"},
		{"restricted login", func(id string) { a.Restrict(id, sandbox.LoginRedirect) }, nil, "401"},
		{"restored", func(id string) { a.Delete(id, sandbox.Gone404); a.Restore(id) }, labelers, "view"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := a.Publish(sandbox.Post{HTML: "<p>" + tt.name + "</p>"})
			tt.act(id)
			uri := a.BlueskyPostURI(id)
			resp, body := fetch(t, c, xrpcURL(a, "app.bsky.feed.getPosts", url.Values{"uris": {uri}}), tt.header)
			got := ""
			switch resp.StatusCode {
			case http.StatusOK:
				var p bskyPosts
				if err := json.Unmarshal([]byte(body), &p); err != nil {
					t.Fatalf("%v\n%s", err, body)
				}
				switch {
				case len(p.Posts) == 0:
					got = "absent"
				case p.Posts[0].URI != uri:
					t.Fatalf("answer about %s, asked %s", p.Posts[0].URI, uri)
				case p.Posts[0].Type == "app.bsky.feed.defs#blockedPost" && p.Posts[0].Blocked:
					got = "blocked"
				default:
					got = "view"
					for _, l := range p.Posts[0].Labels {
						if l.Src == sandbox.BlueskyGeoLabeler {
							got += " " + l.Val
						}
					}
					if p.Posts[0].Record.Text != tt.name {
						t.Errorf("text %q", p.Posts[0].Record.Text)
					}
				}
			case http.StatusUnauthorized:
				var e bskyXRPCError
				if json.Unmarshal([]byte(body), &e) != nil || e.Error != "AuthenticationRequired" {
					t.Errorf("401 body %s", body)
				}
				got = "401"
			default:
				t.Fatalf("status %d: %s", resp.StatusCode, body)
			}
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}

	t.Run("several, unknown and repeated", func(t *testing.T) {
		x := a.Publish(sandbox.Post{HTML: "<p>x</p>"})
		y := a.Publish(sandbox.Post{HTML: "<p>y</p>"})
		uris := []string{a.BlueskyPostURI(y), "at://did:plc:aaaaaaaaaaaaaaaaaaaaaaaa/app.bsky.feed.post/2222222222222",
			a.BlueskyPostURI("never"), "not a uri", a.BlueskyPostURI(x), a.BlueskyPostURI(y)}
		var p bskyPosts
		getJSON(t, c, xrpcURL(a, "app.bsky.feed.getPosts", url.Values{"uris": uris}), nil, &p)
		var got []string
		for _, v := range p.Posts {
			got = append(got, v.URI)
		}
		if want := []string{a.BlueskyPostURI(y), a.BlueskyPostURI(x)}; !slices.Equal(got, want) {
			t.Errorf("posts %v, want %v", got, want)
		}
		var e bskyXRPCError
		many := slices.Repeat([]string{a.BlueskyPostURI(x)}, 26)
		if resp := getJSON(t, c, xrpcURL(a, "app.bsky.feed.getPosts", url.Values{"uris": many}), nil, &e); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("26 uris: %d %+v, want 400", resp.StatusCode, e)
		}
	})

	t.Run("suspended", func(t *testing.T) {
		s := sb.AddAccount(0, "opp")
		id := s.Publish(sandbox.Post{HTML: "<p>x</p>"})
		s.Suspend()
		var p bskyPosts
		getJSON(t, c, xrpcURL(s, "app.bsky.feed.getPosts", url.Values{"uris": {s.BlueskyPostURI(id)}}), nil, &p)
		if len(p.Posts) != 0 {
			t.Errorf("a suspended account's post is shown: %+v", p.Posts)
		}
	})
}

func TestBluesky_RepoStatus(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "gov")
	type status struct {
		DID    string `json:"did"`
		Active *bool  `json:"active"`
		Status string `json:"status"`
		Rev    string `json:"rev"`
		Error  string `json:"error"`
	}
	ask := func(did string) (int, status) {
		var st status
		resp := getJSON(t, c, xrpcURL(a, "com.atproto.sync.getRepoStatus", url.Values{"did": {did}}), nil, &st)
		return resp.StatusCode, st
	}
	if code, st := ask(a.BlueskyDID()); code != http.StatusOK || st.DID != a.BlueskyDID() || st.Active == nil || !*st.Active || st.Status != "" || st.Rev == "" {
		t.Errorf("active account: %d %+v", code, st)
	}
	a.Suspend()
	if code, st := ask(a.BlueskyDID()); code != http.StatusOK || st.Active == nil || *st.Active || st.Status != "suspended" {
		t.Errorf("suspended account: %d %+v", code, st)
	}
	a.Unsuspend()
	if code, st := ask(a.BlueskyDID()); code != http.StatusOK || !*st.Active {
		t.Errorf("unsuspended account: %d %+v", code, st)
	}
	for _, did := range []string{"did:plc:aaaaaaaaaaaaaaaaaaaaaaaa", a.BlueskyHandle()} {
		if code, st := ask(did); code != http.StatusBadRequest || st.Error != "RepoNotFound" {
			t.Errorf("unknown %s: %d %+v, want 400 RepoNotFound", did, code, st)
		}
	}
}

func TestBluesky_Failures(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "gov")
	id := a.Publish(sandbox.Post{HTML: "<p>x</p>"})
	other := a.Publish(sandbox.Post{HTML: "<p>y</p>"})
	profile := xrpcURL(a, "app.bsky.actor.getProfile", url.Values{"actor": {a.BlueskyHandle()}})
	posts := func(id string) string {
		return xrpcURL(a, "app.bsky.feed.getPosts", url.Values{"uris": {a.BlueskyPostURI(id)}})
	}

	a.FailNext(1, sandbox.Status(503))
	var e bskyXRPCError
	if resp := getJSON(t, c, profile, nil, &e); resp.StatusCode != http.StatusServiceUnavailable || e.Error != "NotEnoughResources" {
		t.Errorf("Status(503): %d %+v", resp.StatusCode, e)
	}
	a.FailNext(1, sandbox.TooMany(1500*time.Millisecond))
	resp := getJSON(t, c, xrpcURL(a, "com.atproto.sync.getRepoStatus", url.Values{"did": {a.BlueskyDID()}}), nil, &e)
	if resp.StatusCode != http.StatusTooManyRequests || e.Error != "RateLimitExceeded" ||
		resp.Header.Get("Retry-After") != "2" || resp.Header.Get("RateLimit-Remaining") != "0" {
		t.Errorf("TooMany: %d %+v, Retry-After %q, RateLimit-Remaining %q", resp.StatusCode, e,
			resp.Header.Get("Retry-After"), resp.Header.Get("RateLimit-Remaining"))
	}
	a.FailNext(1, sandbox.Malformed())
	if resp, body := fetch(t, c, profile, nil); resp.StatusCode != http.StatusOK || json.Valid([]byte(body)) {
		t.Errorf("Malformed: %d, valid JSON %v", resp.StatusCode, json.Valid([]byte(body)))
	}

	// A post's failures meet getPosts asking for it, and no other.
	a.FailPost(id, 1, sandbox.Status(500))
	if resp, _ := fetch(t, c, posts(other), nil); resp.StatusCode != http.StatusOK {
		t.Errorf("another post: %d", resp.StatusCode)
	}
	if resp, _ := fetch(t, c, profile, nil); resp.StatusCode != http.StatusOK {
		t.Errorf("the profile: %d", resp.StatusCode)
	}
	if resp, _ := fetch(t, c, posts(id), nil); resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("the failing post: %d, want 500", resp.StatusCode)
	}
	if resp, _ := fetch(t, c, posts(id), nil); resp.StatusCode != http.StatusOK {
		t.Errorf("the post after its failure: %d", resp.StatusCode)
	}
}
