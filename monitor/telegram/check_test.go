package telegram

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/internal/fetchtest"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
	"github.com/takedownwatch/takedownwatch/monitor"
)

func TestChecker_Check(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{})
	a := sb.AddAccount(0, "checked")
	src := source(a)
	const withheld = "This message can't be displayed because it violated local laws."
	tests := []struct {
		name       string
		act        func(id string)
		wantClass  monitor.Class
		wantDetail string
	}{
		{"live", func(string) {}, monitor.ClassLive, "200"},
		{"hidden from listing", func(id string) { a.HideFromListing(id, true) }, monitor.ClassLive, "200"},
		{"Gone404", func(id string) { a.Delete(id, sandbox.Gone404) }, monitor.ClassDeleted, "Post not found"},
		{"Gone410", func(id string) { a.Delete(id, sandbox.Gone410) }, monitor.ClassDeleted, "Post not found"},
		{"Soft404", func(id string) { a.Delete(id, sandbox.Soft404) }, monitor.ClassDeleted, "Post not found"},
		{"RedirectHome", func(id string) { a.Delete(id, sandbox.RedirectHome) }, monitor.ClassDeleted, "Post not found"},
		{"withheld", func(id string) { a.Withhold(id, "https://authority.example/7") }, monitor.ClassWithheld, withheld},
		{"restricted: Telegram has no per-post wall", func(id string) { a.Restrict(id, sandbox.Forbidden403) }, monitor.ClassLive, "200"},
		{"restored", func(id string) { a.Withhold(id, ""); a.Restore(id) }, monitor.ClassLive, "200"},
		{"503", func(id string) { a.FailPost(id, 1, sandbox.Status(503)) }, monitor.ClassTransient, "503"},
		{"429", func(id string) { a.FailPost(id, 1, sandbox.TooMany(time.Second)) }, monitor.ClassTransient, "429"},
		{"malformed answer", func(id string) { a.FailPost(id, 1, sandbox.Malformed()) }, monitor.ClassTransient,
			"unrecognized embed page: not a Telegram message embed: no message widget or error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := a.Publish(sandbox.Post{HTML: "<p>post " + tt.name + "</p>"})
			tt.act(id)
			f := fetchtest.New(t)
			post := &store.Post{Platform: "telegram", PlatformID: "checked/" + id, PostURL: a.TelegramPostURL(id)}
			got, err := Checker{}.Check(t.Context(), src, post, "post "+tt.name, f)
			if err != nil {
				t.Fatal(err)
			}
			if got.Class != tt.wantClass || got.Detail != tt.wantDetail || len(got.Evidence) != 1 {
				t.Errorf("got %s %q evidence %v, want %s %q with its capture", got.Class, got.Detail, got.Evidence, tt.wantClass, tt.wantDetail)
			}
			req := f.Last(t)
			if req.URL != a.TelegramPostURL(id)+"?embed=1" || req.Kind != monitor.KindPermalink || req.SourceID != src.ID {
				t.Errorf("request %+v, want the embed page as a permalink capture", req)
			}
		})
	}

	id := a.Publish(sandbox.Post{HTML: "<p>reset</p>"})
	a.FailPost(id, 2, sandbox.Reset())
	post := &store.Post{PlatformID: "checked/" + id, PostURL: a.TelegramPostURL(id)}
	if got, err := (Checker{}).Check(t.Context(), src, post, "reset", fetchtest.New(t)); err != nil || got.Class != monitor.ClassTransient {
		t.Errorf("reset: %v %v, want a transient answer", got, err)
	}
	a.ClearFailures()

	a.Suspend()
	if got, _ := (Checker{}).Check(t.Context(), src, post, "reset", fetchtest.New(t)); got.Class != monitor.ClassDeleted {
		t.Errorf("suspended channel: %s %q, want deleted (its posts are not found)", got.Class, got.Detail)
	}
}

func TestClassify(t *testing.T) {
	const u = "https://t.me/chan/5?embed=1"
	const text = "The ministry announces new rules."
	page := func(inner string) []byte {
		return []byte(`<!DOCTYPE html><html><head><title>Telegram Widget</title></head><body class="body_widget_post">` + inner + `</body></html>`)
	}
	widget := func(inner string) []byte {
		return page(`<div class="tgme_widget_message_wrap"><div class="tgme_widget_message js-widget_message" data-post="chan/5">` +
			`<div class="tgme_widget_message_bubble">` + inner + `</div></div></div>`)
	}
	errorWidget := func(msg string) []byte {
		return widget(`<div class="tgme_widget_message_error">` + msg + `</div>`)
	}
	date := `<span class="tgme_widget_message_meta"><a class="tgme_widget_message_date"><time datetime="2026-01-01T00:00:00+00:00">00:00</time></a></span>`
	tests := []struct {
		name       string
		status     int
		body       []byte
		text       string
		truncated  bool
		wantClass  monitor.Class
		wantDetail string
	}{
		{"message", 200, widget(`<div class="tgme_widget_message_text">` + text + `</div>` + date), text, false, monitor.ClassLive, "200"},
		{"edited message is still there", 200, widget(`<div class="tgme_widget_message_text">Other words.</div>` + date), text, false, monitor.ClassLive, "200"},
		{"photo without text", 200, widget(`<a class="tgme_widget_message_photo_wrap" style="background-image:url('https://cdn.example/p.jpg')"></a>`), "", false, monitor.ClassLive, "200"},
		{"post not found", 200, errorWidget("Post not found"), text, false, monitor.ClassDeleted, "Post not found"},
		{"empty widget", 200, widget(""), text, false, monitor.ClassDeleted, "empty message widget"},
		{"widget without data-post", 200, page(`<div class="tgme_widget_message"></div>`), text, false, monitor.ClassDeleted, "empty message widget"},
		{"local laws, message", 200, errorWidget("This message can't be displayed because it violated local laws."), text, false,
			monitor.ClassWithheld, "This message can't be displayed because it violated local laws."},
		{"local laws, channel", 200, errorWidget("This channel can’t be displayed because it violated local laws."), text, false,
			monitor.ClassWithheld, "This channel can’t be displayed because it violated local laws."},
		{"local laws in the text", 200, widget(`<div class="tgme_widget_message_text">This message can't be displayed because it violated local laws.</div>` + date), text, false,
			monitor.ClassWithheld, "This message can't be displayed because it violated local laws."},
		{"a post quoting the notice", 200, widget(`<div class="tgme_widget_message_text">This message can't be displayed because it violated local laws.</div>` + date),
			"this message can't be displayed because it violated local laws.", false, monitor.ClassLive, "200"},
		{"terms of service", 200, errorWidget("This message can't be displayed because it violated Telegram's Terms of Service."), text, false,
			monitor.ClassUnknown, "This message can't be displayed because it violated Telegram's Terms of Service."},
		{"copyright", 200, errorWidget("This message couldn't be displayed on your device due to copyright infringement."), text, false,
			monitor.ClassUnknown, "This message couldn't be displayed on your device due to copyright infringement."},
		{"open the app", 200, errorWidget("Please open Telegram to view this post"), text, false, monitor.ClassRestricted, "Please open Telegram to view this post"},
		{"private channel", 200, errorWidget("Channel is private"), text, false, monitor.ClassRestricted, "Channel is private"},
		{"unknown error", 200, errorWidget("Something happened"), text, false, monitor.ClassTransient, "unrecognized embed error: Something happened"},
		{"channel gone", 200, page(`<div class="tgme_page"><div class="tgme_page_description">If you have Telegram, you can contact @chan right away.</div></div>`),
			text, false, monitor.ClassAccountGone, "channel not found"},
		{"not an embed", 200, page(`<p>Welcome</p>`), text, false, monitor.ClassTransient,
			"unrecognized embed page: not a Telegram message embed: no message widget or error"},
		{"truncated", 200, widget(""), text, true, monitor.ClassTransient, "embed cut at the size cap"},
		{"404", 404, nil, text, false, monitor.ClassDeleted, "404"},
		{"451", 451, nil, text, false, monitor.ClassWithheld, "451"},
		{"403", 403, nil, text, false, monitor.ClassRestricted, "403"},
		{"502", 502, nil, text, false, monitor.ClassTransient, "502"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Classify(u, tt.text, &monitor.FetchResponse{URL: u, StatusCode: tt.status, Body: tt.body, Truncated: tt.truncated, Header: http.Header{}})
			if got.Class != tt.wantClass || got.Detail != tt.wantDetail {
				t.Errorf("got %s %q, want %s %q", got.Class, got.Detail, tt.wantClass, tt.wantDetail)
			}
		})
	}
}

// TestClassify_Fixtures reads every real message fragment as an embed
// page: each is a live message.
func TestClassify_Fixtures(t *testing.T) {
	dir, names := fixtureFiles(t)
	for _, name := range names {
		if fixtureWants[name].msg == nil {
			continue
		}
		body, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		got := Classify("https://t.me/tchantest/1?embed=1", "", &monitor.FetchResponse{StatusCode: 200, Body: body})
		if got.Class != monitor.ClassLive {
			t.Errorf("%s: %s %q, want live", name, got.Class, got.Detail)
		}
		e, err := ParseEmbed(body, "https://t.me/tchantest/1?embed=1")
		if err != nil || e.Message == nil || e.Message.PlatformID() != fixtureWants[name].msg.post {
			t.Errorf("%s: ParseEmbed = %+v, %v; want message %s", name, e, err, fixtureWants[name].msg.post)
		}
	}
}

func TestEmbedURL(t *testing.T) {
	tests := []struct {
		source, platformID, postURL, want string
	}{
		{"https://t.me/s/chan", "chan/5", "https://t.me/chan/5", "https://t.me/chan/5?embed=1"},
		{"http://127.0.0.2:9/s/acc", "acc/café", "", "http://127.0.0.2:9/acc/caf%C3%A9?embed=1"},
		{"http://127.0.0.2:9/s/acc", "acc/some id", "http://127.0.0.2:9/acc/x", "http://127.0.0.2:9/acc/x?embed=1"},
		{"https://t.me/s/chan", "Chan/77", "", "https://t.me/Chan/77?embed=1"},
		{"https://t.me/s/chan", "sha256:abc", "https://t.me/chan/8?single", "https://t.me/chan/8?embed=1&single="},
		{"not a url", "chan/5", "https://t.me/chan/5", "https://t.me/chan/5?embed=1"},
		{"not a url", "bad", "mailto:x@example.com", ""},
	}
	for _, tt := range tests {
		if got := EmbedURL(tt.source, tt.platformID, tt.postURL); got != tt.want {
			t.Errorf("EmbedURL(%q, %q, %q) = %q, want %q", tt.source, tt.platformID, tt.postURL, got, tt.want)
		}
	}
}
