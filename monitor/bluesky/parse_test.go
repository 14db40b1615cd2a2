package bluesky

import (
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor"
)

func TestJudgeLabels(t *testing.T) {
	const author = "did:plc:author"
	const tr = "did:plc:cquoj7aozvmkud2gifeinkda"
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		labels     []label
		wantClass  monitor.Class
		wantDetail string
	}{
		{"none", nil, monitor.ClassLive, ""},
		{"geo hide", []label{{Src: tr, Val: "!hide"}}, monitor.ClassWithheld, "label !hide from " + tr + " (TR)"},
		{"geo takedown", []label{{Src: "did:plc:ekitcvx7uwnauoqy5oest3hm", Val: "!takedown"}}, monitor.ClassWithheld,
			"label !takedown from did:plc:ekitcvx7uwnauoqy5oest3hm (BR)"},
		{"geo warn", []label{{Src: tr, Val: "!warn"}}, monitor.ClassLive, ""},
		{"moderation hide", []label{{Src: moderationService, Val: "!hide"}}, monitor.ClassUnknown, "label !hide from " + moderationService},
		{"moderation porn", []label{{Src: moderationService, Val: "porn"}}, monitor.ClassLive, ""},
		{"third party hide", []label{{Src: "did:plc:other", Val: "!hide"}}, monitor.ClassLive, ""},
		{"self no-unauthenticated", []label{{Src: author, Val: "!no-unauthenticated"}}, monitor.ClassRestricted, "label !no-unauthenticated"},
		{"other's no-unauthenticated", []label{{Src: "did:plc:other", Val: "!no-unauthenticated"}}, monitor.ClassLive, ""},
		{"negated", []label{{Src: tr, Val: "!hide"}, {Src: tr, Val: "!hide", Neg: true}}, monitor.ClassLive, ""},
		{"negated then again", []label{{Src: tr, Val: "!hide"}, {Src: tr, Val: "!hide", Neg: true}, {Src: tr, Val: "!hide"}},
			monitor.ClassWithheld, "label !hide from " + tr + " (TR)"},
		{"expired", []label{{Src: tr, Val: "!hide", Exp: "2025-12-31T23:59:59Z"}}, monitor.ClassLive, ""},
		{"not expired", []label{{Src: tr, Val: "!hide", Exp: "2026-01-02T00:00:00Z"}}, monitor.ClassWithheld, "label !hide from " + tr + " (TR)"},
		{"withheld wins", []label{{Src: author, Val: "!no-unauthenticated"}, {Src: moderationService, Val: "!takedown"}, {Src: tr, Val: "!hide"}},
			monitor.ClassWithheld, "label !hide from " + tr + " (TR)"},
		{"takedown over login wall", []label{{Src: moderationService, Val: "!takedown"}, {Src: author, Val: "!no-unauthenticated"}},
			monitor.ClassUnknown, "label !takedown from " + moderationService},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			class, detail := judgeLabels(tt.labels, author, now)
			if class != tt.wantClass || detail != tt.wantDetail {
				t.Errorf("got %s %q, want %s %q", class, detail, tt.wantClass, tt.wantDetail)
			}
		})
	}
}

func TestAcceptLabelers(t *testing.T) {
	parts := strings.Split(acceptLabelers, ", ")
	if len(parts) != 1+len(geoLabelers) || parts[0] != moderationService+";redact" {
		t.Errorf("atproto-accept-labelers %q", acceptLabelers)
	}
	// The AppView applies at most 20 labelers a request.
	if len(parts) > 20 {
		t.Errorf("%d labelers: the AppView takes 20", len(parts))
	}
}

func TestParsePostURI(t *testing.T) {
	tests := []struct {
		in   string
		want atURI
		ok   bool
	}{
		{"at://did:plc:wpe35pganb6d4pg4ekmfy6u5/app.bsky.feed.post/3lof7sovfok2h", atURI{"did:plc:wpe35pganb6d4pg4ekmfy6u5", postCollection, "3lof7sovfok2h"}, true},
		{"at://did:web:example.com/app.bsky.feed.post/self", atURI{"did:web:example.com", postCollection, "self"}, true},
		{"at://chriskenny.bsky.social/app.bsky.feed.post/3lof7sovfok2h", atURI{}, false},
		{"at://did:plc:x/app.bsky.feed.repost/3lof7sovfok2h", atURI{}, false},
		{"at://did:plc:x/app.bsky.feed.post/", atURI{}, false},
		{"at://did:plc:x/app.bsky.feed.post/a/b", atURI{}, false},
		{"at://did:plc:x/app.bsky.feed.post/..", atURI{}, false},
		{"at://did:plc:x/app.bsky.feed.post/a b", atURI{}, false},
		{"https://bsky.app/profile/x/post/y", atURI{}, false},
		{"", atURI{}, false},
	}
	for _, tt := range tests {
		got, ok := parsePostURI(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parsePostURI(%q) = %+v %v, want %+v %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSourceAccount(t *testing.T) {
	tests := []struct {
		src     config.Source
		want    account
		wantErr bool
	}{
		{config.Source{URL: "https://bsky.app/profile/hunsen.bsky.social"},
			account{actor: "hunsen.bsky.social", web: "https://bsky.app", api: DefaultAPIBase}, false},
		{config.Source{URL: "https://bsky.app/profile/did:plc:wpe35pganb6d4pg4ekmfy6u5/", APIBase: DefaultAPIBase + "/"},
			account{actor: "did:plc:wpe35pganb6d4pg4ekmfy6u5", web: "https://bsky.app", api: DefaultAPIBase}, false},
		{config.Source{URL: "https://bsky.app/profile/a.example/post/3lof7sovfok2h", APIBase: "http://127.0.0.2:4000", PDSBase: "http://127.0.0.2:4000/"},
			account{actor: "a.example", web: "https://bsky.app", api: "http://127.0.0.2:4000", pds: "http://127.0.0.2:4000", custom: true}, false},
		{config.Source{URL: "https://bsky.app/hunsen.bsky.social"}, account{}, true},
		{config.Source{URL: "https://bsky.app/profile/not_a_handle"}, account{}, true},
		{config.Source{URL: "ftp://bsky.app/profile/a.example"}, account{}, true},
		{config.Source{URL: "https://bsky.app/profile/"}, account{}, true},
	}
	for _, tt := range tests {
		got, err := sourceAccount(&tt.src)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("sourceAccount(%+v) = %+v, %v; want %+v, error %v", tt.src, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestAccount_Permalink(t *testing.T) {
	a := account{web: "https://bsky.app"}
	for _, tt := range []struct{ handle, want string }{
		{"ChrisKenny.bsky.social", "https://bsky.app/profile/chriskenny.bsky.social/post/3k"},
		{"handle.invalid", "https://bsky.app/profile/did:plc:x/post/3k"},
		{"", "https://bsky.app/profile/did:plc:x/post/3k"},
		{"bad/handle.example", "https://bsky.app/profile/did:plc:x/post/3k"},
	} {
		if got := a.permalink(tt.handle, "did:plc:x", "3k"); got != tt.want {
			t.Errorf("permalink(%q) = %s, want %s", tt.handle, got, tt.want)
		}
	}
}

func TestParseRepoStatus(t *testing.T) {
	tests := []struct {
		body    string
		want    repoStatus
		wantErr bool
	}{
		{`{"did":"did:plc:x","active":true,"rev":"3lpis5o776z2g"}`, repoStatus{DID: "did:plc:x", Active: true}, false},
		{`{"did":"did:plc:x","active":false,"status":"takendown"}`, repoStatus{DID: "did:plc:x", Status: "takendown"}, false},
		{`{"did":"did:plc:x"}`, repoStatus{}, true},
		{`{"active":true}`, repoStatus{}, true},
		{`{"did":"did:plc:x","active":"yes"}`, repoStatus{}, true},
		{``, repoStatus{}, true},
	}
	for _, tt := range tests {
		got, err := parseRepoStatus([]byte(tt.body))
		if (err != nil) != tt.wantErr || (err == nil && *got != tt.want) {
			t.Errorf("parseRepoStatus(%s) = %+v, %v", tt.body, got, err)
		}
	}
}

func TestParseDIDDocument(t *testing.T) {
	const did = "did:plc:x"
	tests := []struct {
		body    string
		want    string
		wantErr bool
	}{
		{`{"id":"did:plc:x","service":[{"id":"#atproto_pds","type":"AtprotoPersonalDataServer","serviceEndpoint":"https://pds.example/"}]}`, "https://pds.example", false},
		{`{"id":"did:plc:x","service":[{"id":"did:plc:x#atproto_pds","type":"AtprotoPersonalDataServer","serviceEndpoint":"https://pds.example"}]}`, "https://pds.example", false},
		{`{"id":"did:plc:x","service":[{"id":"#atproto_labeler","type":"AtprotoLabeler","serviceEndpoint":"https://l.example"}]}`, "", true},
		{`{"id":"did:plc:x","service":[{"id":"#atproto_pds","type":"AtprotoPersonalDataServer","serviceEndpoint":{"uri":"x"}}]}`, "", true},
		{`{"id":"did:plc:x","service":[{"id":"#atproto_pds","type":"AtprotoPersonalDataServer","serviceEndpoint":"javascript:x"}]}`, "", true},
		{`{"id":"did:plc:y","service":[{"id":"#atproto_pds","type":"AtprotoPersonalDataServer","serviceEndpoint":"https://pds.example"}]}`, "", true},
		{`[]`, "", true},
	}
	for _, tt := range tests {
		got, err := parseDIDDocument([]byte(tt.body), did)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("parseDIDDocument(%s) = %q, %v", tt.body, got, err)
		}
	}
}

func TestParseXRPCError(t *testing.T) {
	tests := []struct {
		body string
		want xrpcError
		ok   bool
	}{
		{`{"error":"AccountTakedown","message":"Account has been suspended"}`, xrpcError{"AccountTakedown", "Account has been suspended"}, true},
		{`{"error":"RepoNotFound"}`, xrpcError{Name: "RepoNotFound"}, true},
		{`{"message":"DID not registered"}`, xrpcError{Message: "DID not registered"}, true},
		{`{"error":5}`, xrpcError{}, false},
		{`<html>Bad gateway</html>`, xrpcError{}, false},
		{`{}`, xrpcError{}, false},
	}
	for _, tt := range tests {
		got, ok := parseXRPCError([]byte(tt.body))
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseXRPCError(%s) = %+v %v, want %+v %v", tt.body, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseAuthorFeed_Lenient(t *testing.T) {
	body := `{"feed":[{"post":{"uri":"at://did:plc:x/app.bsky.feed.post/a","author":{"did":"did:plc:x"},"record":{"text":"ok","createdAt":"2025-01-01T00:00:00Z"}}},` +
		`{"post":{"uri":7}},"junk",{"post":{"uri":"at://did:plc:x/app.bsky.feed.post/b","record":{"text":"no time"},"indexedAt":"2025-01-02T00:00:00.5Z"}}],"cursor":12}`
	f, err := parseAuthorFeed([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != 2 || f.Skipped != 2 || f.Cursor != "" {
		t.Fatalf("%d items, %d skipped, cursor %q", len(f.Items), f.Skipped, f.Cursor)
	}
	if got := f.Items[1].Post.published(); !got.Equal(time.Date(2025, 1, 2, 0, 0, 0, 500_000_000, time.UTC)) {
		t.Errorf("indexedAt fallback %v", got)
	}
	for _, bad := range []string{``, `{}`, `{"feed":null}`, `{"feed":{}}`, `[]`} {
		if _, err := parseAuthorFeed([]byte(bad)); err == nil {
			t.Errorf("%q read as a feed", bad)
		}
	}
}
