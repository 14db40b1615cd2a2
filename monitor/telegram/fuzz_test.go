package telegram

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/takedownwatch/takedownwatch/internal/accounts"
	"github.com/takedownwatch/takedownwatch/internal/testtool"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

// inlineSeeds reach the branches the real fragments do not: pagination,
// notices, a gone channel, broken markup.
var inlineSeeds = []string{
	"",
	`<link rel="prev" href="/s/c?before=3"><div class="tgme_channel_info"><div class="tgme_channel_info_counter"><span class="counter_value">1.2K</span> <span class="counter_type">subscribers</span></div></div>`,
	`<div class="tgme_widget_message" data-post="c/1"><div class="tgme_widget_message_text">a<br>b</div><a class="tgme_widget_message_photo_wrap" style="background-image:url('//x/y.jpg')"></a></div>`,
	`<div class="tgme_widget_message" data-post="c/2"><div class="tgme_widget_message_error">This message can't be displayed because it violated local laws.</div></div>`,
	`<div class="tgme_page"><div class="tgme_page_description">If you have Telegram, you can contact @c right away.</div></div>`,
	`<div class="tgme_widget_message" data-post="c/3"><a class="tgme_widget_message_video_player"><i class="tgme_widget_message_video_thumb" style="background-image:url(x.jpg)"></i></a><div class="tgme_widget_message_text"><div class="tgme_widget_message_text">&lt;b&gt;</div>`,
	`<a class="tme_messages_more" data-before="9" href="javascript:alert(1)"></a><div class="tme_no_messages_found">No posts found</div>`,
}

// seeds adds the real fragments (read when the fuzz test starts) and the
// inline seeds.
func seeds(f *testing.F) {
	dir := filepath.Join(testtool.Root(f), "..", "shared", "fixtures", "telegram")
	if entries, err := os.ReadDir(dir); err == nil {
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".html") {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				f.Fatalf("seed: %v", err)
			}
			f.Add(b)
		}
	} else if os.Getenv("CI") == "true" {
		testtool.Missing(f, "fixture folder "+dir, "it sits beside the repository in development checkouts")
	}
	for _, s := range inlineSeeds {
		f.Add([]byte(s))
	}
}

const fuzzPage = "https://t.me/s/c"

func checkMessage(t *testing.T, m *Message) {
	t.Helper()
	if !accounts.IsTelegramKey(m.Channel) || !accounts.IsTelegramKey(m.ID) {
		t.Fatalf("unusable key %q", m.PlatformID())
	}
	if !utf8.ValidString(m.Text) || normalize.Plain(m.Text) != m.Text {
		t.Fatalf("text %q is not normalized", m.Text)
	}
	if m.Views < -1 {
		t.Fatalf("views %d", m.Views)
	}
	if !m.Published.IsZero() && m.Published.Location().String() != "UTC" {
		t.Fatalf("published %v not in UTC", m.Published)
	}
	seen := make(map[string]bool)
	for _, u := range m.Media {
		if !webURL(u) || seen[u] {
			t.Fatalf("media %q is no absolute http(s) URL, or repeated", u)
		}
		seen[u] = true
	}
}

func webURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func FuzzParsePage(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := ParsePage(body, fuzzPage)
		if err != nil {
			if p != nil || !strings.HasPrefix(err.Error(), "telegram: ") {
				t.Fatalf("ParsePage = %+v, %q: want no page and a telegram: error", p, err)
			}
			return
		}
		if p.Gone != "" && (len(p.Messages) > 0 || p.Before != "" || !utf8.ValidString(p.Gone)) {
			t.Fatalf("gone page %q with messages or a link", p.Gone)
		}
		if p.Before != "" && !webURL(p.Before) {
			t.Fatalf("before %q is no absolute http(s) URL", p.Before)
		}
		for _, n := range p.Channel.Counters {
			if n < 0 {
				t.Fatalf("counter %d", n)
			}
		}
		for i := range p.Messages {
			checkMessage(t, &p.Messages[i])
		}
		// The collector's items from it: keys, URLs and texts it can store.
		for _, it := range appendItems(nil, p, "https://t.me", map[string]bool{}) {
			if u, err := url.Parse(it.URL); err != nil || u.Host != "t.me" || !strings.HasSuffix(it.URL, url.PathEscape(strings.SplitN(it.PlatformID, "/", 2)[1])) {
				t.Fatalf("item URL %q of %q", it.URL, it.PlatformID)
			}
		}
	})
}

func FuzzParseEmbed(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := ParseEmbed(body, "https://t.me/c/1?embed=1")
		if err != nil {
			if e != nil || !strings.HasPrefix(err.Error(), "telegram: ") {
				t.Fatalf("ParseEmbed = %+v, %q: want no embed and a telegram: error", e, err)
			}
		} else if e.Message != nil {
			checkMessage(t, e.Message)
		}
		a := Classify("https://t.me/c/1?embed=1", "some text", &monitor.FetchResponse{StatusCode: 200, Body: body})
		switch a.Class {
		case monitor.ClassLive, monitor.ClassDeleted, monitor.ClassWithheld, monitor.ClassUnknown,
			monitor.ClassRestricted, monitor.ClassAccountGone, monitor.ClassTransient:
		default:
			t.Fatalf("class %q", a.Class)
		}
		if !utf8.ValidString(a.Detail) {
			t.Fatalf("detail %q", a.Detail)
		}
	})
}

func FuzzParseCount(f *testing.F) {
	for _, s := range []string{"2", "436.6K", "1.23M", "1 234", "1,5K", "", "K", "-1", "1e9", ".", "9.9B"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, ok := ParseCount(s); ok && n < 0 || !ok && n != 0 {
			t.Fatalf("ParseCount(%q) = %d, %v", s, n, ok)
		}
	})
}
