package sandbox_test

import (
	"encoding/xml"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
)

func TestFailures(t *testing.T) {
	tests := []struct {
		name    string
		failure sandbox.Failure
		timeout time.Duration // client timeout, 0 for none
		check   func(t *testing.T, resp *http.Response, body string, err error)
	}{
		{
			name:    "status",
			failure: sandbox.Status(503),
			check: func(t *testing.T, resp *http.Response, _ string, err error) {
				if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
					t.Errorf("got %v, %v; want 503", resp, err)
				}
			},
		},
		{
			name:    "too many",
			failure: sandbox.TooMany(1500 * time.Millisecond),
			check: func(t *testing.T, resp *http.Response, _ string, err error) {
				if err != nil || resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "2" {
					t.Errorf("got %v, %v; want 429 with Retry-After 2", resp, err)
				}
			},
		},
		{
			name:    "slow past the client timeout",
			failure: sandbox.Slow(10 * time.Second),
			timeout: 100 * time.Millisecond,
			check: func(t *testing.T, _ *http.Response, _ string, err error) {
				var ne net.Error
				if !errors.As(err, &ne) || !ne.Timeout() {
					t.Errorf("err = %v, want a timeout", err)
				}
			},
		},
		{
			name:    "slow then answers",
			failure: sandbox.Slow(50 * time.Millisecond),
			check: func(t *testing.T, resp *http.Response, body string, err error) {
				if err != nil || resp.StatusCode != http.StatusOK {
					t.Fatalf("got %v, %v; want 200", resp, err)
				}
				var f rssFeed
				if err := xml.Unmarshal([]byte(body), &f); err != nil {
					t.Errorf("slow answer is not the feed: %v", err)
				}
			},
		},
		{
			name:    "reset",
			failure: sandbox.Reset(),
			check: func(t *testing.T, resp *http.Response, _ string, err error) {
				var ne net.Error
				if err == nil || resp != nil || errors.As(err, &ne) && ne.Timeout() {
					t.Errorf("got %v, %v; want a connection error", resp, err)
				}
				if err != nil {
					t.Logf("reset: %v", err)
				}
			},
		},
		{
			name:    "malformed",
			failure: sandbox.Malformed(),
			check: func(t *testing.T, resp *http.Response, body string, err error) {
				if err != nil || resp.StatusCode != http.StatusOK {
					t.Fatalf("got %v, %v; want 200", resp, err)
				}
				var f rssFeed
				if err := xml.Unmarshal([]byte(body), &f); err == nil {
					t.Errorf("malformed body parsed:\n%s", body)
				}
			},
		},
	}
	sb := sandboxtest.New(t, sandbox.Options{Hosts: 2})
	for _, scope := range []string{"account", "host"} {
		for _, tc := range tests {
			t.Run(scope+"/"+tc.name, func(t *testing.T) {
				sb.ClearFailures()
				host := 0
				if scope == "host" {
					host = 1
				}
				a := sb.AddAccount(host, "alice")
				a.Publish(sandbox.Post{HTML: "hi"})
				bystander := sb.AddAccount(0, "bob")
				if scope == "account" {
					a.FailNext(1, tc.failure)
				} else {
					sb.FailHost(host, 1, tc.failure)
				}
				if scope == "account" {
					// Failures of one account leave its neighbours alone.
					if resp, _ := fetch(t, newClient(t), bystander.FeedURL(), nil); resp.StatusCode != http.StatusOK {
						t.Errorf("bystander: status %d", resp.StatusCode)
					}
				}
				c := newClient(t)
				c.Timeout = tc.timeout
				resp, body, err := do(t.Context(), c, a.FeedURL(), nil)
				tc.check(t, resp, body, err)
				if resp, _ := fetch(t, newClient(t), a.FeedURL(), nil); resp.StatusCode != http.StatusOK {
					t.Errorf("after the failure: status %d, want 200", resp.StatusCode)
				}
			})
		}
	}
}

func TestFailures_Queue(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	c := newClient(t)
	a := sb.AddAccount(0, "alice")
	statuses := func(n int) []int {
		var got []int
		for range n {
			resp, _ := fetch(t, c, a.FeedURL(), nil)
			got = append(got, resp.StatusCode)
		}
		return got
	}
	tests := []struct {
		name   string
		script func()
		n      int
		want   []int
	}{
		{"two then fine", func() { a.FailNext(2, sandbox.Status(500)) }, 3, []int{500, 500, 200}},
		{"in order", func() { a.FailNext(1, sandbox.Status(502)); a.FailNext(1, sandbox.TooMany(0)) }, 3, []int{502, 429, 200}},
		{"host before account", func() { a.FailNext(1, sandbox.Status(500)); sb.FailHost(0, 1, sandbox.Status(503)) }, 3, []int{503, 500, 200}},
		{"until cleared", func() { a.FailNext(-1, sandbox.Status(503)) }, 4, []int{503, 503, 503, 503}},
		{"cleared", sb.ClearFailures, 1, []int{200}},
		{"zero is nothing", func() { a.FailNext(0, sandbox.Status(500)) }, 1, []int{200}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.script()
			if got := statuses(tc.n); !slices.Equal(got, tc.want) {
				t.Errorf("statuses = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestAccount_FailPost(t *testing.T) {
	const connErr = -1 // no HTTP answer at all
	tests := []struct {
		name   string
		script func(sb *sandbox.Sandbox, a *sandbox.Account, id string)
		// requests name what is fetched in turn: "post" (the failing
		// permalink), "other" (another post's), "feed", "home", "media".
		requests []string
		want     []int
	}{
		{
			name:     "only that permalink, n times",
			script:   func(_ *sandbox.Sandbox, a *sandbox.Account, id string) { a.FailPost(id, 2, sandbox.Status(503)) },
			requests: []string{"other", "feed", "home", "media", "post", "other", "post", "post"},
			want:     []int{200, 200, 200, 200, 503, 200, 503, 200},
		},
		{
			name: "in order",
			script: func(_ *sandbox.Sandbox, a *sandbox.Account, id string) {
				a.FailPost(id, 1, sandbox.Status(502))
				a.FailPost(id, 1, sandbox.TooMany(time.Second))
				a.FailPost(id, 1, sandbox.Status(504))
			},
			requests: []string{"post", "post", "post", "post"},
			want:     []int{502, 429, 504, 200},
		},
		{
			name: "host, then post, then account",
			script: func(sb *sandbox.Sandbox, a *sandbox.Account, id string) {
				a.FailNext(1, sandbox.Status(500))
				a.FailPost(id, 1, sandbox.Status(503))
				sb.FailHost(0, 1, sandbox.Status(502))
			},
			requests: []string{"post", "post", "post", "post"},
			want:     []int{502, 503, 500, 200},
		},
		{
			name: "account failures go to other paths first",
			script: func(_ *sandbox.Sandbox, a *sandbox.Account, id string) {
				a.FailPost(id, 1, sandbox.Status(503))
				a.FailNext(1, sandbox.Status(500))
			},
			requests: []string{"feed", "post", "post"},
			want:     []int{500, 503, 200},
		},
		{
			name: "slow goes on to its answer",
			script: func(_ *sandbox.Sandbox, a *sandbox.Account, id string) {
				a.FailPost(id, 1, sandbox.Slow(20*time.Millisecond))
			},
			requests: []string{"post", "post"},
			want:     []int{200, 200},
		},
		{
			name:     "reset",
			script:   func(_ *sandbox.Sandbox, a *sandbox.Account, id string) { a.FailPost(id, 1, sandbox.Reset()) },
			requests: []string{"other", "post", "post"},
			want:     []int{200, connErr, 200},
		},
		{
			name: "whatever the state",
			script: func(_ *sandbox.Sandbox, a *sandbox.Account, id string) {
				a.Delete(id, sandbox.Gone410)
				a.FailPost(id, 1, sandbox.Status(503))
			},
			requests: []string{"post", "post"},
			want:     []int{503, 410},
		},
		{
			name: "until the account clears",
			script: func(_ *sandbox.Sandbox, a *sandbox.Account, id string) {
				a.FailPost(id, -1, sandbox.Status(503))
			},
			requests: []string{"post", "post", "post", "clear-account", "post"},
			want:     []int{503, 503, 503, 0, 200},
		},
		{
			name: "until the sandbox clears",
			script: func(_ *sandbox.Sandbox, a *sandbox.Account, id string) {
				a.FailPost(id, -1, sandbox.Status(503))
			},
			requests: []string{"post", "clear-sandbox", "post"},
			want:     []int{503, 0, 200},
		},
		{
			name: "survives republish",
			script: func(_ *sandbox.Sandbox, a *sandbox.Account, id string) {
				a.FailPost(id, 1, sandbox.Status(503))
				a.Publish(sandbox.Post{ID: id, HTML: "again"})
			},
			requests: []string{"post", "post"},
			want:     []int{503, 200},
		},
		{
			name:     "zero is nothing",
			script:   func(_ *sandbox.Sandbox, a *sandbox.Account, id string) { a.FailPost(id, 0, sandbox.Status(503)) },
			requests: []string{"post"},
			want:     []int{200},
		},
	}
	sb := sandboxtest.New(t, sandbox.Options{})
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sb.ClearFailures()
			a := sb.AddAccount(0, strings.ReplaceAll(tc.name, " ", "-"))
			a.SetMedia("m.jpg", 10, "image/jpeg")
			id := a.Publish(sandbox.Post{HTML: "<p>target</p>"})
			other := a.Publish(sandbox.Post{HTML: "<p>other</p>"})
			tc.script(sb, a, id)
			urls := map[string]string{
				"post": a.PostURL(id), "other": a.PostURL(other),
				"feed": a.FeedURL(), "home": a.HomeURL(), "media": a.MediaURL("m.jpg"),
			}
			var got []int
			for _, r := range tc.requests {
				switch r {
				case "clear-account":
					a.ClearFailures()
					got = append(got, 0)
					continue
				case "clear-sandbox":
					sb.ClearFailures()
					got = append(got, 0)
					continue
				}
				// A client per request: a Reset on a reused connection
				// would be retried by the Transport.
				resp, _, err := do(t.Context(), newClient(t), urls[r], nil)
				if err != nil {
					got = append(got, connErr)
					continue
				}
				got = append(got, resp.StatusCode)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("statuses of %v = %v, want %v", tc.requests, got, tc.want)
			}
		})
	}
}
