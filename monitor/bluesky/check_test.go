package bluesky

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/fetchtest"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
	"github.com/takedownwatch/takedownwatch/monitor"
)

func storePost(a *sandbox.Account, id string) *store.Post {
	return &store.Post{ID: "p-" + id, Platform: "bluesky", PlatformID: a.BlueskyPostURI(id), PostURL: a.BlueskyPostURL(id)}
}

// TestClient_Check_Sandbox checks posts in every state the sandbox can put
// them in.
func TestClient_Check_Sandbox(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "gov")
	tests := []struct {
		name       string
		act        func(id string)
		wantClass  monitor.Class
		wantDetail string
		// wantRepo: the repository's status was asked.
		wantRepo bool
	}{
		{"live", func(string) {}, monitor.ClassLive, "200", false},
		{"hidden from listing", func(id string) { a.HideFromListing(id, true) }, monitor.ClassLive, "200", false},
		{"deleted 404", func(id string) { a.Delete(id, sandbox.Gone404) }, monitor.ClassDeleted, "absent from getPosts", true},
		{"deleted 410", func(id string) { a.Delete(id, sandbox.Gone410) }, monitor.ClassDeleted, "absent from getPosts", true},
		{"deleted soft-404", func(id string) { a.Delete(id, sandbox.Soft404) }, monitor.ClassDeleted, "absent from getPosts", true},
		{"deleted redirect home", func(id string) { a.Delete(id, sandbox.RedirectHome) }, monitor.ClassDeleted, "absent from getPosts", true},
		{"withheld", func(id string) { a.Withhold(id, "https://authority.example/1") }, monitor.ClassWithheld,
			"label !hide from " + sandbox.BlueskyGeoLabeler + " (TR)", false},
		{"restricted 403", func(id string) { a.Restrict(id, sandbox.Forbidden403) }, monitor.ClassRestricted, "blockedPost", false},
		{"restricted login", func(id string) { a.Restrict(id, sandbox.LoginRedirect) }, monitor.ClassRestricted, "401 AuthenticationRequired", false},
		{"restored", func(id string) { a.Withhold(id, ""); a.Restore(id) }, monitor.ClassLive, "200", false},
		{"503", func(id string) { a.FailPost(id, 1, sandbox.Status(503)) }, monitor.ClassTransient, "503 NotEnoughResources", false},
		{"429", func(id string) { a.FailPost(id, 1, sandbox.TooMany(time.Second)) }, monitor.ClassTransient, "429 RateLimitExceeded", false},
		{"malformed", func(id string) { a.FailPost(id, 1, sandbox.Malformed()) }, monitor.ClassTransient, "", false},
		{"reset", func(id string) { a.FailPost(id, 2, sandbox.Reset()) }, monitor.ClassTransient, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := a.Publish(sandbox.Post{HTML: "<p>" + tt.name + "</p>"})
			tt.act(id)
			f := fetchtest.New(t)
			got, err := New().Check(t.Context(), source(a), storePost(a, id), tt.name, f)
			if err != nil {
				t.Fatal(err)
			}
			if got.Class != tt.wantClass || (tt.wantDetail != "" && got.Detail != tt.wantDetail) {
				t.Errorf("answer %s %q, want %s %q", got.Class, got.Detail, tt.wantClass, tt.wantDetail)
			}
			if asked := slices.Contains(methods(f), "com.atproto.sync.getRepoStatus"); asked != tt.wantRepo {
				t.Errorf("repository status asked: %v, want %v (%v)", asked, tt.wantRepo, methods(f))
			}
			if got.Class != monitor.ClassTransient && len(got.Evidence) == 0 {
				t.Error("no evidence")
			}
		})
	}

	t.Run("suspended account", func(t *testing.T) {
		s := sb.AddAccount(0, "opp")
		id := s.Publish(sandbox.Post{HTML: "<p>x</p>"})
		s.Suspend()
		got, err := New().Check(t.Context(), source(s), storePost(s, id), "x", fetchtest.New(t))
		if err != nil || got.Class != monitor.ClassAccountGone || got.Detail != "suspended" || len(got.Evidence) != 2 {
			t.Errorf("answer %+v, %v; want account_gone suspended with two captures", got, err)
		}
	})

	t.Run("not an at:// URI", func(t *testing.T) {
		p := storePost(a, "1")
		p.PlatformID = "https://bsky.app/profile/x/post/y"
		if _, err := New().Check(t.Context(), source(a), p, "", fetchtest.New(t)); err == nil {
			t.Error("no error")
		}
	})
}

// TestClient_Check_Answers reads getPosts answers the sandbox does not
// give: view types, labels, statuses.
func TestClient_Check_Answers(t *testing.T) {
	const did = "did:plc:wpe35pganb6d4pg4ekmfy6u5"
	const uri = "at://" + did + "/app.bsky.feed.post/3lof7sovfok2h"
	view := func(extra string) string {
		return `{"posts":[{"uri":"` + uri + `","cid":"bafy","author":{"did":"` + did + `","handle":"a.bsky.social"},` +
			`"record":{"$type":"app.bsky.feed.post","text":"hi","createdAt":"2025-05-05T01:30:17.912Z"},"indexedAt":"2025-05-05T01:30:18.253Z"` + extra + `}]}`
	}
	lbl := func(src, val string, more string) string {
		return `{"src":"` + src + `","uri":"` + uri + `","val":"` + val + `","cts":"2025-05-05T00:00:00Z"` + more + `}`
	}
	active := `{"did":"` + did + `","active":true,"rev":"3lpis5o776z2g"}`
	tests := []struct {
		name       string
		status     int
		body       string
		repo       string // getRepoStatus answer, "" for none asked
		wantClass  monitor.Class
		wantDetail string
	}{
		{"live", 200, view(`,"labels":[]`), "", monitor.ClassLive, "200"},
		{"geo !hide", 200, view(`,"labels":[` + lbl("did:plc:z57lz5dhgz2dkjogoysm3vut", "!hide", "") + `]`), "",
			monitor.ClassWithheld, "label !hide from did:plc:z57lz5dhgz2dkjogoysm3vut (EU)"},
		{"geo !hide negated", 200, view(`,"labels":[` + lbl("did:plc:z57lz5dhgz2dkjogoysm3vut", "!hide", "") + `,` +
			lbl("did:plc:z57lz5dhgz2dkjogoysm3vut", "!hide", `,"neg":true`) + `]`), "", monitor.ClassLive, "200"},
		{"geo !hide expired", 200, view(`,"labels":[` + lbl("did:plc:z57lz5dhgz2dkjogoysm3vut", "!hide", `,"exp":"2020-01-01T00:00:00Z"`) + `]`), "",
			monitor.ClassLive, "200"},
		{"moderation !takedown", 200, view(`,"labels":[` + lbl(moderationService, "!takedown", "") + `]`), "",
			monitor.ClassUnknown, "label !takedown from " + moderationService},
		{"self !no-unauthenticated", 200, view(`,"labels":[` + lbl(did, "!no-unauthenticated", "") + `]`), "",
			monitor.ClassRestricted, "label !no-unauthenticated"},
		{"third-party labels", 200, view(`,"labels":[` + lbl("did:plc:someoneelse", "!hide", "") + `,` + lbl(moderationService, "spam", "") + `]`), "",
			monitor.ClassLive, "200"},
		{"notFoundPost", 200, `{"posts":[{"$type":"app.bsky.feed.defs#notFoundPost","uri":"` + uri + `","notFound":true}]}`, "",
			monitor.ClassDeleted, "notFoundPost"},
		{"blockedPost", 200, `{"posts":[{"$type":"app.bsky.feed.defs#blockedPost","uri":"` + uri + `","blocked":true,"author":{"did":"` + did + `","viewer":{"blockedBy":true}}}]}`, "",
			monitor.ClassRestricted, "blockedPost"},
		{"absent, active", 200, `{"posts":[]}`, active, monitor.ClassDeleted, "absent from getPosts"},
		{"absent, another post", 200, strings.ReplaceAll(view(""), "3lof7sovfok2h", "3lof7sovfok2i"), active, monitor.ClassDeleted, "absent from getPosts"},
		{"absent, takendown", 200, `{"posts":[]}`, `{"did":"` + did + `","active":false,"status":"takendown"}`, monitor.ClassAccountGone, "takendown"},
		{"absent, deactivated", 200, `{"posts":[]}`, `{"did":"` + did + `","active":false,"status":"deactivated"}`, monitor.ClassAccountGone, "deactivated"},
		{"absent, desynchronized", 200, `{"posts":[]}`, `{"did":"` + did + `","active":false,"status":"desynchronized"}`, monitor.ClassDeleted, "absent from getPosts"},
		{"absent, repo unreadable", 200, `{"posts":[]}`, `<html>`, monitor.ClassDeleted, "absent from getPosts"},
		{"unreadable", 200, `{"posts":[{"uri":5}]}`, "", monitor.ClassTransient, ""},
		{"no posts key", 200, `{"feed":[]}`, "", monitor.ClassTransient, ""},
		{"401", 401, `{"error":"AuthenticationRequired","message":"Authentication Required"}`, "", monitor.ClassRestricted, "401 AuthenticationRequired"},
		{"403 html", 403, `<html>Forbidden</html>`, "", monitor.ClassRestricted, "403"},
		{"429", 429, `{"error":"RateLimitExceeded"}`, "", monitor.ClassTransient, "429 RateLimitExceeded"},
		{"502", 502, `<html>Bad gateway</html>`, "", monitor.ClassTransient, "502"},
		{"404", 404, `{"error":"XRPCNotSupported"}`, "", monitor.ClassTransient, "404 XRPCNotSupported: no getPosts at api_base"},
		{"400 AccountTakedown", 400, `{"error":"AccountTakedown","message":"Account has been suspended"}`, "", monitor.ClassAccountGone, "takendown"},
		{"400 InvalidRequest", 400, `{"error":"InvalidRequest","message":"bad uri"}`, "", monitor.ClassUnknown, "400 InvalidRequest"},
	}
	src := &config.Source{ID: "s", Platform: "bluesky", URL: "https://bsky.app/profile/a.bsky.social", PDSBase: "https://pds.example"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t).on("getPosts", tt.status, tt.body)
			if tt.repo != "" {
				f.on("pds.example/xrpc/com.atproto.sync.getRepoStatus", 200, tt.repo)
			}
			p := &store.Post{ID: "p", PlatformID: uri}
			got, err := New(WithClock(func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) })).Check(t.Context(), src, p, "", f)
			if err != nil {
				t.Fatal(err)
			}
			if got.Class != tt.wantClass || (tt.wantDetail != "" && got.Detail != tt.wantDetail) {
				t.Errorf("answer %s %q, want %s %q", got.Class, got.Detail, tt.wantClass, tt.wantDetail)
			}
			if n := len(f.requests()); n != 1+boolInt(tt.repo != "") {
				t.Errorf("%d requests: %v", n, f.requests())
			}
			if !strings.HasPrefix(f.requests()[0], DefaultAPIBase+"/xrpc/app.bsky.feed.getPosts?uris=at%3A%2F%2F") {
				t.Errorf("asked %s", f.requests()[0])
			}
		})
	}

	t.Run("network failure", func(t *testing.T) {
		f := newFake(t).fail("getPosts", &monitor.FetchError{URL: "x", Transient: true, CaptureID: 9, Err: errors.New("connection reset")})
		got, err := New().Check(t.Context(), src, &store.Post{PlatformID: uri}, "", f)
		if err != nil || got.Class != monitor.ClassTransient || got.Detail != "connection reset" || !slices.Equal(got.Evidence, []int64{9}) {
			t.Errorf("answer %+v, %v", got, err)
		}
	})
	t.Run("archive failure", func(t *testing.T) {
		f := newFake(t).fail("getPosts", errors.New("disk full"))
		if _, err := New().Check(t.Context(), src, &store.Post{PlatformID: uri}, "", f); err == nil {
			t.Error("an archive failure is not an answer")
		}
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestClient_RepoBase follows where the repository's status is asked.
func TestClient_RepoBase(t *testing.T) {
	const did = "did:plc:wpe35pganb6d4pg4ekmfy6u5"
	doc := func(pds string) string {
		return `{"@context":["https://www.w3.org/ns/did/v1"],"id":"` + did + `","alsoKnownAs":["at://a.bsky.social"],` +
			`"service":[{"id":"#atproto_pds","type":"AtprotoPersonalDataServer","serviceEndpoint":"` + pds + `"}]}`
	}
	profile := `{"did":"` + did + `","handle":"a.bsky.social","followersCount":5}`
	feed := `{"feed":[]}`
	active := `{"did":"` + did + `","active":true}`
	deactivated := `{"did":"` + did + `","active":false,"status":"deactivated"}`

	t.Run("pds_base", func(t *testing.T) {
		f := newFake(t).on("getProfile", 200, profile).on("getAuthorFeed", 200, feed).
			on("https://mine.example/xrpc/com.atproto.sync.getRepoStatus", 200, active)
		src := &config.Source{ID: "s", URL: "https://bsky.app/profile/a.bsky.social", PDSBase: "https://mine.example/"}
		if _, err := New().Collect(t.Context(), src, f, monitor.CollectOptions{}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("custom api_base answers it", func(t *testing.T) {
		f := newFake(t).on("https://appview.example/xrpc/app.bsky.actor.getProfile", 200, profile).
			on("https://appview.example/xrpc/app.bsky.feed.getAuthorFeed", 200, feed).
			on("https://appview.example/xrpc/com.atproto.sync.getRepoStatus", 200, active)
		src := &config.Source{ID: "s", URL: "https://bsky.app/profile/a.bsky.social", APIBase: "https://appview.example"}
		if _, err := New().Collect(t.Context(), src, f, monitor.CollectOptions{}); err != nil {
			t.Fatal(err)
		}
		for _, r := range f.requests() {
			if !strings.HasPrefix(r, "https://appview.example/xrpc/") {
				t.Errorf("asked %s", r)
			}
		}
	})
	t.Run("DID document, cached", func(t *testing.T) {
		f := newFake(t).on("getProfile", 200, profile).on("getAuthorFeed", 200, feed).
			on("https://plc.directory/"+did, 200, doc("https://morel.us-east.host.bsky.network")).
			on("https://morel.us-east.host.bsky.network/xrpc/com.atproto.sync.getRepoStatus", 200, active)
		c := New()
		src := &config.Source{ID: "s", URL: "https://bsky.app/profile/a.bsky.social"}
		for range 2 {
			l, err := c.Collect(t.Context(), src, f, monitor.CollectOptions{})
			if err != nil || len(l.Metrics) != 1 {
				t.Fatalf("%+v, %v", l, err)
			}
		}
		var docs int
		for _, r := range f.requests() {
			if strings.HasPrefix(r, "https://plc.directory/") {
				docs++
			}
		}
		if docs != 1 {
			t.Errorf("DID document fetched %d times, want once: %v", docs, f.requests())
		}
	})
	t.Run("moved repository", func(t *testing.T) {
		// The cached PDS says deactivated: the account moved. The fresh
		// document names the new PDS, which says active.
		c := New()
		c.pds[did] = pdsEntry{base: "https://old.example", at: time.Now()}
		f := newFake(t).on("getProfile", 200, profile).on("getAuthorFeed", 200, feed).
			on("https://old.example/xrpc/com.atproto.sync.getRepoStatus", 200, deactivated).
			on("https://plc.directory/"+did, 200, doc("https://new.example")).
			on("https://new.example/xrpc/com.atproto.sync.getRepoStatus", 200, active)
		src := &config.Source{ID: "s", URL: "https://bsky.app/profile/a.bsky.social"}
		if _, err := c.Collect(t.Context(), src, f, monitor.CollectOptions{}); err != nil {
			t.Fatalf("a moved account reads as gone: %v", err)
		}
		// Still deactivated at the PDS the document names: gone.
		f = newFake(t).on("getProfile", 200, profile).on("getAuthorFeed", 200, feed).
			on("https://plc.directory/"+did, 200, doc("https://new.example")).
			on("https://new.example/xrpc/com.atproto.sync.getRepoStatus", 200, deactivated)
		c.pds[did] = pdsEntry{base: "https://new.example", at: time.Now()}
		_, err := c.Collect(t.Context(), src, f, monitor.CollectOptions{})
		var ag *monitor.AccountGoneError
		if !errors.As(err, &ag) || ag.Detail != "deactivated" {
			t.Errorf("err %v, want account gone: deactivated", err)
		}
	})
	t.Run("unresolvable DID", func(t *testing.T) {
		// The PDS cannot be found: the AppView's answer stands.
		f := newFake(t).on("getProfile", 200, profile).on("getAuthorFeed", 200, feed).on("https://plc.directory/", 404, `{"message":"DID not registered"}`)
		src := &config.Source{ID: "s", URL: "https://bsky.app/profile/a.bsky.social"}
		if _, err := New().Collect(t.Context(), src, f, monitor.CollectOptions{}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("archive failure while resolving", func(t *testing.T) {
		f := newFake(t).on("getProfile", 200, profile).fail("https://plc.directory/", errors.New("archive: disk full"))
		src := &config.Source{ID: "s", URL: "https://bsky.app/profile/a.bsky.social"}
		if _, err := New().Collect(t.Context(), src, f, monitor.CollectOptions{}); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("err %v, want the archive's failure", err)
		}
	})
	t.Run("repo not found with a profile", func(t *testing.T) {
		// A host that has no such repository while the AppView shows the
		// profile is the wrong host, not a gone account.
		f := newFake(t).on("getProfile", 200, profile).on("getAuthorFeed", 200, feed).
			on("getRepoStatus", 400, `{"error":"RepoNotFound","message":"Could not find repo for DID: `+did+`"}`)
		src := &config.Source{ID: "s", URL: "https://bsky.app/profile/a.bsky.social", PDSBase: "https://pds.example"}
		if _, err := New().Collect(t.Context(), src, f, monitor.CollectOptions{}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("profile and repository gone", func(t *testing.T) {
		f := newFake(t).on("getProfile", 400, `{"error":"InvalidRequest","message":"Profile not found"}`).
			on("getRepoStatus", 400, `{"error":"RepoNotFound","message":"Could not find repo for DID: `+did+`"}`)
		src := &config.Source{ID: "s", URL: "https://bsky.app/profile/a.bsky.social", PDSBase: "https://pds.example"}
		_, err := New().Collect(t.Context(), src, f, monitor.CollectOptions{Cursor: did})
		var ag *monitor.AccountGoneError
		if !errors.As(err, &ag) || ag.Detail != "RepoNotFound" {
			t.Errorf("err %v, want account gone: RepoNotFound", err)
		}
	})
	for _, tt := range []struct{ did, want string }{
		{"did:web:example.com", "https://example.com/.well-known/did.json"},
		{"did:web:localhost%3A8080", "https://localhost:8080/.well-known/did.json"},
	} {
		t.Run(tt.did, func(t *testing.T) {
			f := newFake(t).on(tt.want, 200, strings.ReplaceAll(doc("https://pds.example"), did, tt.did))
			base, _, _, err := New().repoBase(t.Context(), f, &config.Source{}, account{}, tt.did, false)
			if err != nil || base != "https://pds.example" {
				t.Errorf("base %q, %v", base, err)
			}
		})
	}
	for _, bad := range []string{"did:web:example.com:user:alice", "did:key:z6Mk", "did:web:a%2Fb"} {
		if _, _, _, err := New().repoBase(t.Context(), newFake(t), &config.Source{}, account{}, bad, false); err == nil {
			t.Errorf("%s resolved", bad)
		}
	}
}

func TestClient_Check_Collect_Agree(t *testing.T) {
	// A post the listing leaves out for its labels is one the check does
	// not call live, so the detector never flips between the two.
	const did = "did:plc:wpe35pganb6d4pg4ekmfy6u5"
	for _, labels := range []string{
		`[{"src":"did:plc:cquoj7aozvmkud2gifeinkda","val":"!hide","cts":"2025-01-01T00:00:00Z"}]`,
		`[{"src":"` + moderationService + `","val":"!takedown","cts":"2025-01-01T00:00:00Z"}]`,
		`[{"src":"` + did + `","val":"!no-unauthenticated","cts":"2025-01-01T00:00:00Z"}]`,
		`[]`,
	} {
		post := `{"uri":"at://` + did + `/app.bsky.feed.post/3lof7sovfok2h","author":{"did":"` + did + `","handle":"a.bsky.social"},` +
			`"record":{"text":"x","createdAt":"2025-05-05T01:30:17.912Z"},"labels":` + labels + `}`
		f := newFake(t).on("getProfile", 200, `{"did":"`+did+`","handle":"a.bsky.social"}`).
			on("getRepoStatus", 200, `{"did":"`+did+`","active":true}`).
			on("getAuthorFeed", 200, `{"feed":[{"post":`+post+`}]}`).
			on("getPosts", 200, `{"posts":[`+post+`]}`)
		src := &config.Source{ID: "s", URL: "https://bsky.app/profile/a.bsky.social", PDSBase: "https://pds.example"}
		l, err := New().Collect(t.Context(), src, f, monitor.CollectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		a, err := New().Check(t.Context(), src, &store.Post{PlatformID: "at://" + did + "/app.bsky.feed.post/3lof7sovfok2h"}, "", f)
		if err != nil {
			t.Fatal(err)
		}
		if listed, live := len(l.Items) == 1, a.Class == monitor.ClassLive; listed != live {
			t.Errorf("labels %s: listed %v, check %s", labels, listed, a.Class)
		}
	}
}
