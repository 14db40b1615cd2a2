package mastodon

import (
	"context"
	"errors"
	"net/http"
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

func check(t *testing.T, f monitor.Fetcher, src *config.Source, platformID string) monitor.Answer {
	t.Helper()
	a, err := Checker{}.Check(t.Context(), src, &store.Post{PlatformID: platformID, PostURL: "https://x.example/@x/" + platformID}, "", f)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	return a
}

// TestChecker_Check checks a post in each state the sandbox can put it in.
func TestChecker_Check(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	acc := sb.AddAccount(0, "gov")
	tests := []struct {
		name       string
		act        func(id string)
		wantClass  monitor.Class
		wantDetail string
	}{
		{"live", func(string) {}, monitor.ClassLive, "200"},
		{"hidden from the listing", func(id string) { acc.HideFromListing(id, true) }, monitor.ClassLive, "200"},
		{"Gone404", func(id string) { acc.Delete(id, sandbox.Gone404) }, monitor.ClassDeleted, "404"},
		{"Gone410", func(id string) { acc.Delete(id, sandbox.Gone410) }, monitor.ClassDeleted, "404"},
		{"Soft404", func(id string) { acc.Delete(id, sandbox.Soft404) }, monitor.ClassDeleted, "404"},
		{"RedirectHome", func(id string) { acc.Delete(id, sandbox.RedirectHome) }, monitor.ClassDeleted, "404"},
		{"withheld", func(id string) { acc.Withhold(id, "https://authority.example/o/1") }, monitor.ClassWithheld, "451 blocked-by https://authority.example/o/1"},
		{"Forbidden403", func(id string) { acc.Restrict(id, sandbox.Forbidden403) }, monitor.ClassRestricted, "403"},
		{"LoginRedirect", func(id string) { acc.Restrict(id, sandbox.LoginRedirect) }, monitor.ClassRestricted, "401"},
		{"503", func(id string) { acc.FailPost(id, 1, sandbox.Status(503)) }, monitor.ClassTransient, "503"},
		{"429", func(id string) { acc.FailPost(id, 1, sandbox.TooMany(time.Second)) }, monitor.ClassTransient, "429"},
		{"malformed", func(id string) { acc.FailPost(id, 1, sandbox.Malformed()) }, monitor.ClassTransient, "200: not a status: mastodon: not a status: invalid character '<' looking for beginning of value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := acc.Publish(sandbox.Post{HTML: "<p>" + tc.name + "</p>"})
			tc.act(id)
			a := check(t, fetchtest.New(t), source(acc), acc.MastodonStatusID(id))
			if a.Class != tc.wantClass || a.Detail != tc.wantDetail || len(a.Evidence) != 1 {
				t.Errorf("answer %+v, want %s %q with its capture", a, tc.wantClass, tc.wantDetail)
			}
		})
	}
	t.Run("reset", func(t *testing.T) {
		id := acc.Publish(sandbox.Post{HTML: "<p>reset</p>"})
		acc.FailPost(id, 2, sandbox.Reset())
		if a := check(t, fetchtest.New(t), source(acc), acc.MastodonStatusID(id)); a.Class != monitor.ClassTransient || a.Detail == "" {
			t.Errorf("answer %+v, want transient", a)
		}
	})
	t.Run("suspended account", func(t *testing.T) {
		other := sb.AddAccount(0, "opp")
		id := other.Publish(sandbox.Post{HTML: "<p>x</p>"})
		other.Suspend()
		if a := check(t, fetchtest.New(t), source(other), other.MastodonStatusID(id)); a.Class != monitor.ClassDeleted {
			t.Errorf("answer %+v, want deleted (the account's answer decides first)", a)
		}
	})
}

func TestClassify(t *testing.T) {
	status := func(visibility string) string {
		return `{"id":"1","created_at":"2026-01-02T03:04:05.000Z","content":"<p>hi</p>","visibility":"` + visibility + `"}`
	}
	tests := []struct {
		name       string
		resp       monitor.FetchResponse
		wantClass  monitor.Class
		wantDetail string
	}{
		{"public", monitor.FetchResponse{StatusCode: 200, Body: []byte(status("public"))}, monitor.ClassLive, "200"},
		{"unlisted", monitor.FetchResponse{StatusCode: 200, Body: []byte(status("unlisted"))}, monitor.ClassLive, "200"},
		{"no visibility", monitor.FetchResponse{StatusCode: 200, Body: []byte(`{"id":"1","created_at":"2026-01-02T03:04:05Z","content":""}`)}, monitor.ClassLive, "200"},
		{"private", monitor.FetchResponse{StatusCode: 200, Body: []byte(status("private"))}, monitor.ClassRestricted, "visibility private"},
		{"direct", monitor.FetchResponse{StatusCode: 200, Body: []byte(status("direct"))}, monitor.ClassRestricted, "visibility direct"},
		{"not a status", monitor.FetchResponse{StatusCode: 200, Body: []byte(`{"error":"x"}`)}, monitor.ClassTransient, "200: not a status: mastodon: not a status: it has no id, created_at or content"},
		{"cut", monitor.FetchResponse{StatusCode: 200, Body: []byte(status("public")), Truncated: true}, monitor.ClassTransient, "200: not a status: cut at the size cap"},
		{"login redirect", monitor.FetchResponse{StatusCode: 200, URL: "https://x.example/auth/sign_in", Body: []byte("<html>"),
			Hops: []monitor.Hop{{URL: "https://x.example/api/v1/statuses/1", StatusCode: 302}}}, monitor.ClassRestricted, "redirect to login"},
		{"redirect elsewhere", monitor.FetchResponse{StatusCode: 200, URL: "https://x.example/", Body: []byte("<html>"),
			Hops: []monitor.Hop{{URL: "https://x.example/api/v1/statuses/1", StatusCode: 302}}}, monitor.ClassTransient, "200: not a status: mastodon: not a status: invalid character '<' looking for beginning of value"},
		{"404", monitor.FetchResponse{StatusCode: 404, Body: []byte(`{"error":"Record not found"}`)}, monitor.ClassDeleted, "404"},
		{"410", monitor.FetchResponse{StatusCode: 410}, monitor.ClassDeleted, "410"},
		{"451", monitor.FetchResponse{StatusCode: 451, Header: http.Header{"Link": {`<https://gov.example/order>; rel="blocked-by"`}}}, monitor.ClassWithheld, "451 blocked-by https://gov.example/order"},
		{"401", monitor.FetchResponse{StatusCode: 401}, monitor.ClassRestricted, "401"},
		{"403", monitor.FetchResponse{StatusCode: 403}, monitor.ClassRestricted, "403"},
		{"429", monitor.FetchResponse{StatusCode: 429}, monitor.ClassTransient, "429"},
		{"502", monitor.FetchResponse{StatusCode: 502}, monitor.ClassTransient, "502"},
		{"302 unfollowed", monitor.FetchResponse{StatusCode: 302}, monitor.ClassTransient, "302 unfollowed redirect"},
		{"422", monitor.FetchResponse{StatusCode: 422}, monitor.ClassTransient, "422 no verdict"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.resp.URL == "" {
				tc.resp.URL = "https://x.example/api/v1/statuses/1"
			}
			if a := classify("https://x.example/@x/1", &tc.resp); a.Class != tc.wantClass || a.Detail != tc.wantDetail {
				t.Errorf("classify = %+v, want %s %q", a, tc.wantClass, tc.wantDetail)
			}
		})
	}
}

func TestChecker_Check_Request(t *testing.T) {
	var got *monitor.FetchRequest
	f := monitor.FetcherFunc(func(_ context.Context, req *monitor.FetchRequest) (*monitor.FetchResponse, error) {
		got = req
		return &monitor.FetchResponse{URL: req.URL, StatusCode: 200, Body: []byte(`{"id":"1","created_at":"2026-01-02T03:04:05Z","content":""}`), Capture: &store.Capture{ID: 9}}, nil
	})
	src := &config.Source{ID: "gov", URL: "https://kh.social/@gov", APIBase: "https://api.kh.social/", Vantage: "proxy-kh", Token: "tok"}
	a := check(t, f, src, "11/../2")
	if got.URL != "https://api.kh.social/api/v1/statuses/11%2F..%2F2" || got.Kind != monitor.KindPermalink || got.SourceID != "gov" ||
		got.Vantage != "proxy-kh" || got.Header.Get("Authorization") != "Bearer tok" || got.Header.Get("Accept") != "application/json" {
		t.Errorf("request %+v", got)
	}
	if a.Class != monitor.ClassLive || len(a.Evidence) != 1 || a.Evidence[0] != 9 {
		t.Errorf("answer %+v", a)
	}
	// a status whose id another actor's source listed first is kept under
	// a suffixed key; the instance is asked for its own id
	check(t, f, src, "113"+store.OwnSep+"gov")
	if got.URL != "https://api.kh.social/api/v1/statuses/113" {
		t.Errorf("a post kept under a suffixed key asked for %s", got.URL)
	}
}

func TestChecker_Check_Errors(t *testing.T) {
	archiveErr := errors.New("archive: disk full")
	tests := []struct {
		name      string
		src       *config.Source
		err       error
		wantClass monitor.Class
		wantErr   error
	}{
		{"network", &config.Source{ID: "s", URL: "https://x.example/@x"},
			&monitor.FetchError{URL: "u", Transient: true, CaptureID: 4, Err: errors.New("connection reset")}, monitor.ClassTransient, nil},
		{"archive failure", &config.Source{ID: "s", URL: "https://x.example/@x"}, archiveErr, "", archiveErr},
		{"bad source url", &config.Source{ID: "s", URL: "https://x.example/nobody"}, nil, monitor.ClassTransient, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := monitor.FetcherFunc(func(context.Context, *monitor.FetchRequest) (*monitor.FetchResponse, error) {
				if tc.err == nil {
					t.Error("fetched for a source without an instance")
				}
				return nil, tc.err
			})
			a, err := Checker{}.Check(t.Context(), tc.src, &store.Post{PlatformID: "1"}, "", f)
			if !errors.Is(err, tc.wantErr) || a.Class != tc.wantClass {
				t.Errorf("Check = %+v, %v; want %q, %v", a, err, tc.wantClass, tc.wantErr)
			}
			if tc.name == "network" && (len(a.Evidence) != 1 || a.Evidence[0] != 4 || !strings.Contains(a.Detail, "reset")) {
				t.Errorf("network failure answer %+v, want its capture and cause", a)
			}
		})
	}
}
