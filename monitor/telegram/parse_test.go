package telegram

import (
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/internal/testtool"
)

// wantMessage is what a fixture's one message must parse into. media are
// substrings of the media URLs, in order.
type wantMessage struct {
	post      string
	text      string
	published string
	views     int64
	edited    bool
	service   bool
	media     []string
}

// fixtureWants covers every file of ../shared/fixtures/telegram; a new
// file fails the test until it is described here.
var fixtureWants = map[string]struct {
	msg     *wantMessage
	channel *Channel
	noPosts bool
}{
	"tchan__channel_info.html": {channel: &Channel{Title: "tchan's test channel 👍", Username: "tchantest",
		Counters: map[string]int64{"subscribers": 1, "photos": 3, "videos": 2, "links": 4}}},
	"tchan__parse_no_posts_found.html": {noPosts: true},
	"tchan__parse_audio_document.html": {msg: &wantMessage{post: "tchantest/12", text: "Povo hebreu", published: "2023-02-24T07:33:58Z", views: 2}},
	"tchan__parse_audio_message.html":  {msg: &wantMessage{post: "tchantest/13", published: "2023-02-24T07:34:05Z", views: 2}},
	"tchan__parse_emoji_message.html":  {msg: &wantMessage{post: "tchantest/7", text: "👍", published: "2023-02-24T07:30:53Z", views: 2}},
	"tchan__parse_forwarded_text_message.html": {msg: &wantMessage{post: "tchantest/89", text: ";)",
		published: "2023-02-24T12:13:31Z", views: 2}},
	"tchan__parse_location_message.html":   {msg: &wantMessage{post: "tchantest/10", published: "2023-02-24T07:31:38Z", views: 2}},
	"tchan__parse_location_message_2.html": {msg: &wantMessage{post: "tchantest/83", published: "2023-02-24T11:01:22Z", views: 1}},
	"tchan__parse_location_message_3.html": {msg: &wantMessage{post: "tchantest/88", published: "2023-02-24T11:23:40Z", views: 2}},
	"tchan__parse_message_weird_preview.html": {msg: &wantMessage{post: "CamaradosDeputados/7334", published: "2022-11-09T22:43:54Z",
		views: 1200, edited: true,
		text: "_\n✍️ CÂMARA APROVA\n_\n🔸 Projeto que aumenta penas para crimes sexuais contra crianças\n#Punição_ampliada\n" +
			"🗳 Opine sobre esta proposta clicando aqui!\n____\n🔸Projeto que facilita corte ou poda de árvore quando houver risco de acidente.\n" +
			"#Poda_de_árvores\n🗳 Opine sobre esta proposta clicando aqui!\n____\n🔸Proposta que susta resoluções da Aneel sobre tarifas de transmissão.\n" +
			"#Tarifas_de_transmissão\n🗳 Opine sobre esta proposta clicando aqui!\n____\n📬 Convide seus contatos do WhatsApp a conhecerem nosso canal clicando aqui!\n____"}},
	"tchan__parse_multimedia_message.html": {msg: &wantMessage{post: "tchantest/84", text: "Multiple videos and pictures",
		published: "2023-02-24T11:01:46Z", views: 436600,
		media: []string{"bd7ceb0b41.mp4?token=", "CrsaR3dLCwSaTunI", "e996ca12fa.mp4?token=", "QMvda1Z9IET0DA4"}}},
	"tchan__parse_photo_multiple.html": {msg: &wantMessage{post: "tchantest/14", text: "Multiple pics", published: "2023-02-24T07:34:20Z",
		views: 2, media: []string{"QMvda1Z9IET0DA4", "CrsaR3dLCwSaTunI"}}},
	"tchan__parse_photo_single.html": {msg: &wantMessage{post: "tchantest/16", text: "Picture by telegram camera",
		published: "2023-02-24T07:35:28Z", views: 2, media: []string{"AqX5QJmpXiolNy"}}},
	"tchan__parse_poll.html": {msg: &wantMessage{post: "tchantest/11", text: "Let's do a quick poll quizz mode\nOpt1\nOpt2\nOpt3",
		published: "2023-02-24T07:32:23Z", views: 2}},
	"tchan__parse_round_video_single.html": {msg: &wantMessage{post: "tchantest/17", published: "2023-02-24T07:35:45Z", views: 2,
		media: []string{"68145c80a1.mp4?token="}}},
	"tchan__parse_service_message_channel_created.html": {msg: &wantMessage{post: "tchantest/1", text: "Channel created",
		published: "2023-02-24T07:26:49Z", views: -1, service: true}},
	"tchan__parse_service_message_channel_name_changed.html": {msg: &wantMessage{post: "tchantest/2",
		text: "Channel name was changed to «tchan's test channel»", published: "2023-02-24T07:28:01Z", views: -1, service: true}},
	"tchan__parse_service_message_channel_photo_updated.html": {msg: &wantMessage{post: "tchantest/3", text: "Channel photo updated",
		published: "2023-02-24T07:29:23Z", views: -1, service: true}},
	// Copied without its service_message class: an ordinary message.
	"tchan__parse_service_message_channel_video_changed.html": {msg: &wantMessage{post: "tchantest/82", text: `+ "Channel video changed"`,
		published: "2023-02-24T10:15:33Z", views: 3100000}},
	"tchan__parse_service_message_pinned.html": {msg: &wantMessage{post: "tchantest/92",
		text: "tchan's test channel 👍 pinned «Going to pin this message»", published: "2023-02-24T12:20:19Z", views: -1, service: true}},
	"tchan__parse_signed_edited_text_message.html": {msg: &wantMessage{post: "tchantest/5", text: "Hello! Signed and edited message",
		published: "2023-02-24T07:29:57Z", views: 2, edited: true}},
	"tchan__parse_sticker_message.html": {msg: &wantMessage{post: "tchantest/9", published: "2023-02-24T07:31:06Z", views: 2}},
	"tchan__parse_text_message_link_no_preview.html": {msg: &wantMessage{post: "tchantest/24",
		text: "This is a message with a link\nhttps://brasil.io/", published: "2023-02-24T07:48:02Z", views: 2, edited: true}},
	"tchan__parse_text_message_link_with_regular_preview.html": {msg: &wantMessage{post: "tchantest/94",
		text:      "https://agenciabrasil.ebc.com.br/justica/noticia/2022-08/operacao-guardioes-do-bioma-apreende-239-toneladas-de-minerio",
		published: "2023-02-24T13:47:38Z", views: 1}},
	"tchan__parse_text_message_link_with_right_preview.html": {msg: &wantMessage{post: "tchantest/81", text: "link with preview https://python.org/",
		published: "2023-02-24T08:16:18Z", views: 2}},
	"tchan__parse_text_message_multiline.html": {msg: &wantMessage{post: "tchantest/62", text: "Bigger\ntext\nmessage\nnumber\n34",
		published: "2023-02-24T08:01:26Z", views: 2}},
	"tchan__parse_text_message_signed_not_edited.html": {msg: &wantMessage{post: "tchantest/79", text: "Signed and not edited",
		published: "2023-02-24T08:07:51Z", views: 2}},
	"tchan__parse_text_reply_to_video.html": {msg: &wantMessage{post: "tchantest/20", text: "Reply to a video (not recorded in telegram)",
		published: "2023-02-24T07:38:31Z", views: 2}},
	"tchan__parse_unsigned_text_message.html": {msg: &wantMessage{post: "tchantest/6", text: "Unsigned message",
		published: "2023-02-24T07:30:39Z", views: 2}},
	// "Media is too big": the thumbnail stands in for the video.
	"tchan__parse_video_big.html": {msg: &wantMessage{post: "some_random_user/5343", text: "some text", published: "2023-01-30T23:30:40Z",
		views: 436600, media: []string{"HyfobRUDoAxInyfbDVXk1q13pW97NtZN0TYuraxfsJLPps5R14DRXfT"}}},
	"tchan__parse_video_single.html": {msg: &wantMessage{post: "tchantest/18", text: "Video by telegram camera",
		published: "2023-02-24T07:36:49Z", views: 2, media: []string{"61dc623809.mp4?token="}}},
	"tchan__parse_video_single_2.html": {msg: &wantMessage{post: "tchantest/19", published: "2023-02-24T07:38:13Z", views: 2,
		media: []string{"bd7ceb0b41.mp4?token="}}},
}

func fixtureFiles(t testing.TB) (string, []string) {
	dir := testtool.Fixtures(t, "telegram")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".html") {
			names = append(names, e.Name())
		}
	}
	return dir, names
}

// TestParsePage_Fixtures parses every real fragment of a channel preview.
func TestParsePage_Fixtures(t *testing.T) {
	dir, names := fixtureFiles(t)
	if len(names) != len(fixtureWants) {
		t.Errorf("%d fixtures, %d described", len(names), len(fixtureWants))
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			want, ok := fixtureWants[name]
			if !ok {
				t.Fatalf("fixture %s is not described in fixtureWants", name)
			}
			body, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			p, err := ParsePage(body, "https://t.me/s/tchantest")
			if err != nil {
				t.Fatalf("ParsePage: %v", err)
			}
			if p.NoPosts != want.noPosts || p.Gone != "" || p.Before != "" {
				t.Errorf("page: no posts %v, gone %q, before %q; want no posts %v", p.NoPosts, p.Gone, p.Before, want.noPosts)
			}
			if want.channel != nil {
				if p.Channel.Title != want.channel.Title || p.Channel.Username != want.channel.Username ||
					!maps.Equal(p.Channel.Counters, want.channel.Counters) {
					t.Errorf("channel %+v, want %+v", p.Channel, *want.channel)
				}
			}
			if want.msg == nil {
				if len(p.Messages) != 0 {
					t.Errorf("%d messages, want none", len(p.Messages))
				}
				return
			}
			if len(p.Messages) != 1 {
				t.Fatalf("%d messages, want 1", len(p.Messages))
			}
			m, w := p.Messages[0], want.msg
			if m.PlatformID() != w.post || m.Text != w.text || m.Published.Format(time.RFC3339) != w.published ||
				m.Views != w.views || m.Edited != w.edited || m.Service != w.service {
				t.Errorf("message:\n got %s %q %s views %d edited %v service %v\nwant %s %q %s views %d edited %v service %v",
					m.PlatformID(), m.Text, m.Published.Format(time.RFC3339), m.Views, m.Edited, m.Service,
					w.post, w.text, w.published, w.views, w.edited, w.service)
			}
			if len(m.Media) != len(w.media) {
				t.Fatalf("media %q, want %d like %q", m.Media, len(w.media), w.media)
			}
			for i, u := range m.Media {
				if !strings.HasPrefix(u, "https://cdn1.telegram-cdn.org/file/") || !strings.Contains(u, w.media[i]) {
					t.Errorf("media[%d] = %q, want a CDN URL with %q", i, u, w.media[i])
				}
			}
		})
	}
}

func TestParsePage(t *testing.T) {
	msg := func(post, inner string) string {
		return `<div class="tgme_widget_message_wrap"><div class="tgme_widget_message js-widget_message" data-post="` + post +
			`"><div class="tgme_widget_message_bubble">` + inner + `</div></div></div>`
	}
	date := `<div class="tgme_widget_message_footer"><span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="x"><time datetime="2026-01-02T03:04:05+07:00">03:04</time></a></span></div>`
	tests := []struct {
		name, body string
		wantIDs    []string
		wantTexts  []string
		wantMedia  []string // of the first message
		wantBefore string
		wantGone   string
		wantErr    string
	}{
		{
			name: "messages, pagination link, relative and protocol-relative media",
			body: `<html><head><link rel="prev" href="/s/chan?before=40"></head><body>` +
				msg("chan/40", `<a class="tgme_widget_message_photo_wrap" style="width:1px;background-image:url(&quot;//cdn.example/a.jpg&quot;)"></a>`+
					`<a class="tgme_widget_message_photo_wrap" style="background-image:url('/b.jpg')"></a>`+
					`<a class="tgme_widget_message_photo_wrap" style="background-image:url('data:image/png;base64,AA')"></a>`+
					`<div class="tgme_widget_message_text">one<br>two</div>`+date) +
				msg("chan/41", `<div class="tgme_widget_message_text">three &amp; <b>four</b></div>`) + `</body></html>`,
			wantIDs:    []string{"chan/40", "chan/41"},
			wantTexts:  []string{"one\ntwo", "three & four"},
			wantMedia:  []string{"https://cdn.example/a.jpg", "https://t.me/b.jpg"},
			wantBefore: "https://t.me/s/chan?before=40",
		},
		{
			name: "load-more anchor without a prev link",
			body: `<section class="tgme_channel_history"><div class="tgme_widget_message_centered js-messages_more_wrap">` +
				`<a href="/s/chan?before=7" class="tme_messages_more js-messages_more" data-before="7"></a></div>` +
				msg("chan/7", `<div class="tgme_widget_message_text">x</div>`) + `</section>`,
			wantIDs: []string{"chan/7"}, wantTexts: []string{"x"}, wantBefore: "https://t.me/s/chan?before=7",
		},
		{
			name: "a reply's quote and a link preview are not the message's",
			body: msg("chan/9", `<a class="tgme_widget_message_reply" href="https://t.me/chan/8"><i class="tgme_widget_message_reply_thumb" style="background-image:url('https://cdn.example/r.jpg')"></i>`+
				`<div class="tgme_widget_message_text">quoted</div></a><div class="tgme_widget_message_text">reply</div>`+
				`<a class="tgme_widget_message_link_preview"><i class="link_preview_image" style="background-image:url('https://cdn.example/p.jpg')"></i></a>`),
			wantIDs: []string{"chan/9"}, wantTexts: []string{"reply"},
		},
		{
			name:    "unusable data-post is left out",
			body:    msg("chan", "no id") + msg("chan/1/2", "") + msg("chan/ 3", "") + msg("/4", "") + msg("chan/5", `<div class="tgme_widget_message_text">ok</div>`),
			wantIDs: []string{"chan/5"}, wantTexts: []string{"ok"},
		},
		{
			name: "channel not found: t.me's contact stub of a free username",
			body: `<html><head><title>Telegram: Contact @gone</title><meta property="og:title" content="Telegram: Contact @gone"></head><body>` +
				`<div class="tgme_page_wrap"><div class="tgme_body_wrap"><div class="tgme_page">` +
				`<div class="tgme_page_description">If you have <strong>Telegram</strong>, you can contact <a class="tgme_username_link" href="tg://resolve?domain=gone">@gone</a> right away.</div>` +
				`<div class="tgme_page_action"><a class="tgme_action_button_new" href="tg://resolve?domain=gone">Send Message</a></div></div></div></div></body></html>`,
			wantGone: "channel not found",
		},
		{
			name: "channel blocked: Telegram's notice on its page",
			body: `<div class="tgme_page"><div class="tgme_page_title"><span dir="auto">Blocked news</span></div>` +
				`<div class="tgme_page_description">This channel can’t be displayed because it violated local laws.</div></div>`,
			wantGone: "This channel can’t be displayed because it violated local laws.",
		},
		{
			name: "a live user's page has no preview, and is no loss",
			body: `<div class="tgme_page"><div class="tgme_page_title"><span dir="auto">Some Person</span></div>` +
				`<div class="tgme_page_description">This channel can't be displayed? Not my words: I quote them.</div></div>`,
			wantErr: `t.me page of "Some Person" shows no preview`,
		},
		{
			name:    "a login page",
			body:    `<html><body><form><input type="password"></form></body></html>`,
			wantErr: "no channel header, messages",
		},
		{
			name:    "messages without keys",
			body:    msg("", "x"),
			wantErr: "messages without a data-post",
		},
		{name: "empty body", body: "", wantErr: "no channel header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePage([]byte(tt.body), "https://t.me/s/chan")
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, ErrNotPreview) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("err = %v, want ErrNotPreview saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var ids, texts []string
			for _, m := range p.Messages {
				ids, texts = append(ids, m.PlatformID()), append(texts, m.Text)
			}
			if strings.Join(ids, ",") != strings.Join(tt.wantIDs, ",") || strings.Join(texts, "|") != strings.Join(tt.wantTexts, "|") {
				t.Errorf("messages %q %q, want %q %q", ids, texts, tt.wantIDs, tt.wantTexts)
			}
			if len(p.Messages) > 0 && strings.Join(p.Messages[0].Media, " ") != strings.Join(tt.wantMedia, " ") {
				t.Errorf("media %q, want %q", p.Messages[0].Media, tt.wantMedia)
			}
			if p.Before != tt.wantBefore || p.Gone != tt.wantGone {
				t.Errorf("before %q, gone %q; want %q, %q", p.Before, p.Gone, tt.wantBefore, tt.wantGone)
			}
			if tt.name == "messages, pagination link, relative and protocol-relative media" {
				if got := p.Messages[0].Published; !got.Equal(time.Date(2026, 1, 1, 20, 4, 5, 0, time.UTC)) || got.Location() != time.UTC {
					t.Errorf("published %v, want 2026-01-01T20:04:05Z in UTC", got)
				}
			}
		})
	}
}

func TestParseCount(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"2", 2, true},
		{" 999 ", 999, true},
		{"1.2K", 1200, true},
		{"436.6K", 436600, true},
		{"3.1M", 3100000, true},
		{"1.23M", 1230000, true},
		{"2B", 2000000000, true},
		{"1 234", 1234, true},
		{"1\u00a0234\u202f567", 1234567, true},
		{"1,234", 1234, true},
		{"1,5K", 1500, true},
		{"", 0, false},
		{"K", 0, false},
		{"-3", 0, false},
		{"1e9", 0, false},
		{"12 views", 0, false},
		{"NaN", 0, false},
		{"99999999999999999999999M", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseCount(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseCount(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
