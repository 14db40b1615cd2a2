package monitor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/testtool"
)

func TestClassifyHTTP(t *testing.T) {
	const post = "https://news.example/acct/posts/42"
	const text = "The ministry announces new rules for online speech today."
	page := func(body string) []byte {
		return []byte("<html><head><title>x</title></head><body>" + body + "</body></html>")
	}
	hop := []Hop{{URL: post, StatusCode: 302}}
	tests := []struct {
		name       string
		resp       FetchResponse
		wantClass  Class
		wantDetail string
	}{
		{"live page with the text", FetchResponse{URL: post, StatusCode: 200, Body: page("<article>" + text + "</article>")}, ClassLive, "200"},
		{"live page whose text mentions removal", FetchResponse{URL: post, StatusCode: 200,
			Body: page("<article>" + text + " This post has been removed from the agenda.</article>")}, ClassLive, "200"},
		{"unknown page without the text", FetchResponse{URL: post, StatusCode: 200, Body: page("<p>something else</p>")}, ClassLive, "200"},
		{"404", FetchResponse{URL: post, StatusCode: 404}, ClassDeleted, "404"},
		{"410", FetchResponse{URL: post, StatusCode: 410}, ClassDeleted, "410"},
		{"410 account suspended", FetchResponse{URL: post, StatusCode: 410, Body: page("This account has been suspended.")}, ClassAccountGone, "410: account has been suspended"},
		{"soft-404", FetchResponse{URL: post, StatusCode: 200, Body: page("<h1>This content isn't available right now</h1>")}, ClassDeleted, "soft-404: content isn't available"},
		{"soft-404 in the title", FetchResponse{URL: post, StatusCode: 200, Body: []byte("<html><title>Page not found</title><body>…</body></html>")}, ClassDeleted, "soft-404: page not found"},
		{"redirect to the account page", FetchResponse{URL: "https://news.example/acct", StatusCode: 200, Hops: hop, Body: page("account")}, ClassDeleted, "redirect home"},
		{"redirect to the site's home", FetchResponse{URL: "https://www.news.example/", StatusCode: 200, Hops: hop, Body: page("home")}, ClassDeleted, "redirect home"},
		{"redirect to another post form is not home", FetchResponse{URL: "https://news.example/acct/videos/42", StatusCode: 200, Hops: hop,
			Body: page(text)}, ClassLive, "200"},
		{"redirect to login", FetchResponse{URL: "https://news.example/login?next=%2Facct%2Fposts%2F42", StatusCode: 200, Hops: hop,
			Body: page(`<form><input type="password" name="pw"></form>`)}, ClassRestricted, "redirect to login"},
		{"redirect to checkpoint", FetchResponse{URL: "https://news.example/checkpoint/?next", StatusCode: 200, Hops: hop}, ClassRestricted, "redirect to login"},
		{"401", FetchResponse{URL: post, StatusCode: 401}, ClassRestricted, "401"},
		{"403", FetchResponse{URL: post, StatusCode: 403}, ClassRestricted, "403"},
		{"451 with blocked-by", FetchResponse{URL: post, StatusCode: 451, Header: http.Header{"Link": {`<https://authority.example/order/7>; rel="blocked-by"`}}},
			ClassWithheld, "451 blocked-by https://authority.example/order/7"},
		{"451 without a link", FetchResponse{URL: post, StatusCode: 451}, ClassWithheld, "451"},
		{"200 withheld page", FetchResponse{URL: post, StatusCode: 200, Body: page("This post has been withheld in your country in response to a legal demand.")},
			ClassWithheld, "200: withheld in your country"},
		{"503", FetchResponse{URL: post, StatusCode: 503}, ClassTransient, "503"},
		{"500", FetchResponse{URL: post, StatusCode: 500}, ClassTransient, "500"},
		{"429", FetchResponse{URL: post, StatusCode: 429}, ClassTransient, "429"},
		{"blocked by the platform", FetchResponse{URL: post, StatusCode: 200, Body: page("You're Temporarily Blocked")}, ClassTransient, "200: you're temporarily blocked"},
		{"redirect not followed", FetchResponse{URL: post, StatusCode: 301}, ClassTransient, "301 unfollowed redirect"},
		{"400", FetchResponse{URL: post, StatusCode: 400}, ClassTransient, "400 no verdict"},
		{"408", FetchResponse{URL: post, StatusCode: 408}, ClassTransient, "408 no verdict"},
		{"405", FetchResponse{URL: post, StatusCode: 405}, ClassTransient, "405 no verdict"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ClassifyHTTP(post, text, &tt.resp)
			if got.Class != tt.wantClass || got.Detail != tt.wantDetail {
				t.Errorf("got %s %q, want %s %q", got.Class, got.Detail, tt.wantClass, tt.wantDetail)
			}
		})
	}
}

// TestClassifyHTTP_RealPages reads real saved pages: Facebook's mbasic
// "Content not found" page and a live Nintendo post.
func TestClassifyHTTP_RealPages(t *testing.T) {
	dir := testtool.Fixtures(t, "facebook")
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, "html", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	gone := ClassifyHTTP("https://mbasic.facebook.com/story.php?story_fbid=1", "Some post text that is gone", &FetchResponse{
		URL: "https://mbasic.facebook.com/story.php?story_fbid=1", StatusCode: 200, Body: read("mbasic_content_not_found_phoenix_failed8.html")})
	if gone.Class != ClassDeleted {
		t.Errorf("mbasic content-not-found page: %s %q, want deleted", gone.Class, gone.Detail)
	}
	live := ClassifyHTTP("https://m.facebook.com/Nintendo/posts/4188053201279101",
		"Tune into the Nintendo Power Podcast’s Summer Games Preview for discussion on the epic adventure", &FetchResponse{
			URL: "https://m.facebook.com/Nintendo/posts/4188053201279101", StatusCode: 200, Body: read("m_facebook_Nintendo_posts_4188053201279101_single_post.html")})
	if live.Class != ClassLive {
		t.Errorf("live Nintendo post page: %s %q, want live", live.Class, live.Detail)
	}
}

// A fetch that got no answer: a network failure is a transient answer
// (with its capture as evidence when archived); the caller gone or the
// archive failing is the check's error.
func TestFailedFetchAnswer(t *testing.T) {
	archiveErr := errors.New("archive: disk full")
	canceled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		err     error
		want    Answer
		wantErr error
	}{
		{"network failure, archived", t.Context(),
			fmt.Errorf("check: %w", &FetchError{URL: "https://x.example/1", Transient: true, CaptureID: 7, Err: errors.New("connection reset")}),
			Answer{Class: ClassTransient, Detail: "connection reset", Evidence: []int64{7}}, nil},
		{"network failure, not archived", t.Context(),
			&FetchError{URL: "https://x.example/1", Err: errors.New("timeout")},
			Answer{Class: ClassTransient, Detail: "timeout"}, nil},
		{"archive failure", t.Context(), archiveErr, Answer{}, archiveErr},
		{"caller gone", canceled, archiveErr, Answer{}, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := FailedFetchAnswer(tt.ctx, tt.err)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if a.Class != tt.want.Class || a.Detail != tt.want.Detail || !slices.Equal(a.Evidence, tt.want.Evidence) {
				t.Errorf("answer = %+v, want %+v", a, tt.want)
			}
		})
	}
}

// failFetcher fails the test if it is asked to fetch anything.
type failFetcher struct{ t *testing.T }

func (f failFetcher) Fetch(_ context.Context, r *FetchRequest) (*FetchResponse, error) {
	f.t.Errorf("fetched %q", r.URL)
	return nil, errors.New("no fetch expected")
}

// A post without a web permalink (none, or javascript:) is no verdict and
// no error: it was an "archive failure" every round, and never rescheduled.
func TestPermalinkChecker_NoPermalink(t *testing.T) {
	for _, u := range []string{"", "javascript:alert(1)", "/relative/1", "mailto:a@example.org"} {
		a, err := PermalinkChecker{}.Check(t.Context(), &config.Source{ID: "s"}, &store.Post{PostURL: u}, "", failFetcher{t})
		if err != nil || a.Class != ClassTransient || a.Detail != "no http(s) permalink to check" {
			t.Errorf("%q: %+v, %v", u, a, err)
		}
	}
}
