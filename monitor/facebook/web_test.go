package facebook

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/takedownwatch/takedownwatch/internal/testtool"
	"github.com/takedownwatch/takedownwatch/monitor"
)

func htmlFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testtool.Fixtures(t, "facebook"), "html", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestClassifyPermalink_Fixtures reads the logged-out pages Facebook
// served: a post, a timeline, mbasic's "Content not found", and the 302
// of a video post.
func TestClassifyPermalink_Fixtures(t *testing.T) {
	const post = "https://m.facebook.com/Nintendo/posts/4188053201279101"
	single := htmlFixture(t, "m_facebook_Nintendo_posts_4188053201279101_single_post.html")
	nintendo := textOf("Tune into the Nintendo Power Podcast’s Summer Games Preview for discussion on the epic adventure of The Legend of Zelda: Skyward Sword HD")

	var redirect struct {
		Request struct {
			URI string `json:"uri"`
		} `json:"request"`
		Response struct {
			Status struct {
				Code int `json:"code"`
			} `json:"status"`
			Headers http.Header `json:"headers"`
		} `json:"response"`
	}
	if err := json.Unmarshal(htmlFixture(t, "m_facebook_post_302_redirect_to_video.json"), &redirect); err != nil {
		t.Fatal(err)
	}
	video := redirect.Response.Headers.Get("Location")

	tests := []struct {
		name, postURL, text string
		resp                monitor.FetchResponse
		class               monitor.Class
		detail              string
		shown               bool
	}{
		{"the post, its text shown", post, nintendo, monitor.FetchResponse{URL: post, StatusCode: 200, Body: single}, monitor.ClassLive, "200", true},
		{"the post, text unknown", post, "", monitor.FetchResponse{URL: post, StatusCode: 200, Body: single}, monitor.ClassLive, "200", false},
		{"the timeline", "https://m.facebook.com/Nintendo/posts/1", "",
			monitor.FetchResponse{URL: "https://m.facebook.com/Nintendo/posts/", StatusCode: 200, Body: htmlFixture(t, "m_facebook_Nintendo_posts_timeline_page1.html")}, monitor.ClassLive, "200", false},
		{"mbasic Content not found", "https://mbasic.facebook.com/comment/replies/?ctoken=1", "the reply",
			monitor.FetchResponse{URL: "https://mbasic.facebook.com/comment/replies/?ctoken=1", StatusCode: 200, Body: htmlFixture(t, "mbasic_content_not_found_phoenix_failed8.html")},
			monitor.ClassDeleted, "Content not found", false},
		{"the timeline's next part (for (;;); JSON)", "https://m.facebook.com/Nintendo/posts/1", "",
			monitor.FetchResponse{URL: "https://m.facebook.com/page_content_list_view/more/?page_id=119240841493711", StatusCode: 200,
				Body: htmlFixture(t, "m_facebook_page_content_list_view_more_page2.for_loop_json.txt")}, monitor.ClassLive, "200", false},
		{"302 from /posts/ID to /videos/ID", redirect.Request.URI, "",
			monitor.FetchResponse{URL: video, StatusCode: 200, Body: []byte("<html><title>Nintendo - video | Facebook</title></html>"),
				Hops: []monitor.Hop{{URL: redirect.Request.URI, StatusCode: redirect.Response.Status.Code, Location: video}}}, monitor.ClassLive, "200", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, shown := classifyWeb(tc.postURL, tc.text, &tc.resp)
			if a.Class != tc.class || a.Detail != tc.detail || shown != tc.shown {
				t.Errorf("%+v shown %v, want %s %q shown %v", a, shown, tc.class, tc.detail, tc.shown)
			}
			if b := ClassifyPermalink(tc.postURL, tc.text, &tc.resp); b.Class != a.Class {
				t.Errorf("ClassifyPermalink %+v", b)
			}
		})
	}
}

func TestClassifyPermalink(t *testing.T) {
	const post = "https://www.facebook.com/gov/posts/123"
	page := func(title, body string) []byte {
		return []byte("<!DOCTYPE html><html><head><title>" + title + "</title><script>var s=\"This content isn't available right now\";</script></head><body>" + body + "</body></html>")
	}
	hop := []monitor.Hop{{URL: post, StatusCode: 302}}
	tests := []struct {
		name   string
		resp   monitor.FetchResponse
		text   string
		class  monitor.Class
		detail string
	}{
		{"www unavailable", monitor.FetchResponse{StatusCode: 200, Body: page("Facebook", "<div><span>This content isn't available right now</span><span>When this happens, it's usually because the owner only shared it with a small group of people.</span></div>")},
			"", monitor.ClassDeleted, "This content isn't available right now"},
		{"typographic apostrophe", monitor.FetchResponse{StatusCode: 200, Body: page("Facebook", "<span>This content isn’t available right now</span>")},
			"", monitor.ClassDeleted, "This content isn't available right now"},
		{"at the moment", monitor.FetchResponse{StatusCode: 200, Body: page("Facebook", "<span>This content isn&#039;t available at the moment</span>")},
			"", monitor.ClassDeleted, "This content isn't available at the moment"},
		{"French", monitor.FetchResponse{StatusCode: 200, Body: page("Facebook", "<span>Ce contenu n’est pas disponible pour le moment</span>")},
			"", monitor.ClassDeleted, "Ce contenu n'est pas disponible pour le moment"},
		{"Spanish", monitor.FetchResponse{StatusCode: 200, Body: page("Facebook", "<span>Este contenido no está disponible en este momento</span>")},
			"", monitor.ClassDeleted, "Este contenido no está disponible en este momento"},
		{"German", monitor.FetchResponse{StatusCode: 200, Body: page("Facebook", "<span>Dieser Inhalt ist momentan nicht verfügbar</span>")},
			"", monitor.ClassDeleted, "Dieser Inhalt ist momentan nicht verfügbar"},
		{"Japanese", monitor.FetchResponse{StatusCode: 200, Body: page("Facebook", "<span>このコンテンツは現在ご利用いただけません</span>")},
			"", monitor.ClassDeleted, "このコンテンツは現在ご利用いただけません"},
		{"mbasic's words in the body", monitor.FetchResponse{StatusCode: 200, Body: page("Facebook", "<div>The page you requested cannot be displayed at the moment. It may be temporarily unavailable.</div>")},
			"", monitor.ClassDeleted, "The page you requested cannot be displayed at the moment"},
		{"title only", monitor.FetchResponse{StatusCode: 200, Body: page("Content not found", "")}, "", monitor.ClassDeleted, "Content not found"},
		{"the phrase in a script only", monitor.FetchResponse{StatusCode: 200, Body: page("Facebook", "<p>Hello</p>")}, "", monitor.ClassLive, "200"},
		{"a live post sharing a gone one", monitor.FetchResponse{StatusCode: 200,
			Body: page("Facebook", "<p>We stand by our statement on the elections in May.</p><div>This content isn't available at the moment</div>")},
			textOf("We stand by our statement on the elections in May."), monitor.ClassLive, "200"},
		{"temporarily blocked", monitor.FetchResponse{StatusCode: 200, Body: page("Facebook", "<h2>You’re Temporarily Blocked</h2><p>It looks like you were misusing this feature.</p>")},
			"", monitor.ClassTransient, "200: You're temporarily blocked"},
		{"feature blocked", monitor.FetchResponse{StatusCode: 200, Body: page("Facebook", "<p>You can't use this feature at the moment</p>")},
			"", monitor.ClassTransient, "200: You can't use this feature at the moment"},
		{"login redirect", monitor.FetchResponse{URL: "https://www.facebook.com/login/?next=https%3A%2F%2Fwww.facebook.com%2Fgov%2Fposts%2F123", StatusCode: 200, Body: page("Log in", ""), Hops: hop},
			"", monitor.ClassRestricted, "redirect to login"},
		{"login.php redirect", monitor.FetchResponse{URL: "https://m.facebook.com/login.php?next=x", StatusCode: 200, Body: page("Log in", ""), Hops: hop},
			"", monitor.ClassRestricted, "redirect to login"},
		{"checkpoint", monitor.FetchResponse{URL: "https://www.facebook.com/checkpoint/?next", StatusCode: 200, Body: page("Security check", ""), Hops: hop},
			"", monitor.ClassRestricted, "redirect to checkpoint"},
		{"redirect to the Page", monitor.FetchResponse{URL: "https://www.facebook.com/gov/", StatusCode: 200, Body: page("gov", ""), Hops: hop},
			"", monitor.ClassDeleted, "redirect home"},
		{"redirect to the home page", monitor.FetchResponse{URL: "https://www.facebook.com/", StatusCode: 200, Body: page("Facebook", ""), Hops: hop},
			"", monitor.ClassDeleted, "redirect home"},
		{"404", monitor.FetchResponse{StatusCode: 404, Body: page("Page not found", "")}, "", monitor.ClassDeleted, "404"},
		{"451", monitor.FetchResponse{StatusCode: 451, Header: http.Header{"Link": {`<https://gov.example/o>; rel="blocked-by"`}}}, "", monitor.ClassWithheld, "451 blocked-by https://gov.example/o"},
		{"withheld words", monitor.FetchResponse{StatusCode: 200, Body: page("Facebook", "<p>This content is withheld in your country due to a legal demand.</p>")},
			"", monitor.ClassWithheld, "200: withheld in your country"},
		{"429", monitor.FetchResponse{StatusCode: 429}, "", monitor.ClassTransient, "429"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.resp.URL == "" {
				tc.resp.URL = post
			}
			if a := ClassifyPermalink(post, tc.text, &tc.resp); a.Class != tc.class || a.Detail != tc.detail {
				t.Errorf("%+v, want %s %q", a, tc.class, tc.detail)
			}
		})
	}
}

func TestPageText(t *testing.T) {
	title, visible := pageText([]byte("<html><head><title> A\u2019s  page </title><style>p{}</style></head><body><p>one</p><script>two()</script><template>three</template><p>four&nbsp;five</p></body></html>"))
	if title != "A's page" || visible != "one four five" || strings.Contains(visible, "two") {
		t.Errorf("title %q, visible %q", title, visible)
	}
}
