package sandbox

import (
	"bytes"
	"html"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Texts Telegram shows in a message's embed instead of the message,
// exported so tests match them without copying.
const (
	TelegramNotFoundText = "Post not found"
	TelegramWithheldText = "This message can't be displayed because it violated local laws."
)

// TelegramURL returns the account's channel preview, Telegram's
// t.me/s/<channel>: the URL of a telegram source.
func (a *Account) TelegramURL() string { return a.h.base + "/s/" + url.PathEscape(a.name) }

// TelegramPostURL returns post id's link as Telegram shows it,
// t.me/<channel>/<id>; with ?embed=1 it is the post's embed page.
func (a *Account) TelegramPostURL(id string) string { return a.HomeURL() + "/" + url.PathEscape(id) }

// telegramRoutes imitates Telegram's public web pages of a channel: the
// preview /s/<name> (the channel header with the subscribers counter, and
// the listing oldest first, paged back with ?before=<id>) and each
// message's embed /<name>/<id>?embed=1.
//
// How the shared model shows there, as t.me does:
//   - suspended account: /s/<name> redirects to /<name>, the account's page
//     (which answers as a suspended account's page does), and its embeds
//     say "Post not found", as those of a channel that no longer exists;
//   - deleted post (every DeleteMode: Telegram has one way): "Post not found";
//   - withheld post: TelegramWithheldText in place of the message;
//   - restricted post: Telegram has no per-post login wall, so the embed
//     shows the message; the preview leaves it out as every listing does;
//   - listing limit, empty listing, hidden posts: as in every listing;
//     the pages before one are just as long;
//   - unknown channel: /s/<name> redirects to /<name>, which answers 404,
//     as do its embeds.
//
// Go's ServeMux cannot hold both /s/{name} and /{name}/feed.rss (neither
// is more specific, and both match /s/feed.rss), so the one two-segment
// pattern below serves both: "s" as a first segment is the preview. The
// other platforms' two-segment paths have a literal second segment
// (feed.rss, press), which makes them more specific than this one. An
// account named "s" would have its embeds shadowed.
func (h *host) telegramRoutes(mux *http.ServeMux) {
	preview := h.withAccount(serveTelegramPreview)
	embed := h.withPost(serveTelegramEmbed)
	mux.HandleFunc("GET /{name}/{id}", func(w http.ResponseWriter, r *http.Request) {
		name, id := r.PathValue("name"), r.PathValue("id")
		switch {
		case name != "s":
			embed(w, r)
		case h.account(id) == nil:
			// t.me sends the preview of an unknown channel to the
			// channel's page, which then shows no channel.
			http.Redirect(w, r, "/"+url.PathEscape(id), http.StatusFound)
		default:
			r.SetPathValue("name", id)
			r.SetPathValue("id", "")
			preview(w, r)
		}
	})
}

func serveTelegramPreview(w http.ResponseWriter, r *http.Request, a *Account) {
	if a.isSuspended() {
		http.Redirect(w, r, a.HomeURL(), http.StatusFound)
		return
	}
	a.mu.RLock()
	body := a.renderTelegramPreview(r.URL.Query().Get("before"))
	a.mu.RUnlock()
	serveTelegramBody(w, r, body)
}

func serveTelegramEmbed(w http.ResponseWriter, r *http.Request, a *Account) {
	a.mu.RLock()
	var body []byte
	p := a.posts[r.PathValue("id")]
	switch {
	case a.suspended, p == nil, p.state == stateDeleted:
		body = telegramEmbedError(TelegramNotFoundText)
	case p.state == stateWithheld:
		body = telegramEmbedError(TelegramWithheldText)
	default:
		body = a.renderTelegramEmbed(p)
	}
	a.mu.RUnlock()
	serveTelegramBody(w, r, body)
}

// serveTelegramBody answers with body and a strong ETag, so conditional
// requests work; there is no Last-Modified, as the channel header (its
// counters) can change without any post changing.
func serveTelegramBody(w http.ResponseWriter, r *http.Request, body []byte) {
	w.Header().Set("Content-Type", htmlType)
	w.Header().Set("ETag", etagOf(body))
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// telegramPage returns the posts of one preview page, newest first, and
// whether older ones exist: the listing itself, or with before the as
// many posts older than post before. Caller holds mu.
func (a *Account) telegramPage(before string) (page []*post, more bool) {
	history := a.telegramHistory()
	if before == "" {
		page = a.listing()
		return page, len(history) > len(page)
	}
	ref, ok := a.posts[before]
	if !ok {
		return nil, false
	}
	history = history[sort.Search(len(history), func(i int) bool { return newerPost(ref, history[i]) }):]
	n := len(history)
	if a.limit > 0 && n > a.limit {
		n = a.limit
	}
	return history[:n], n < len(history)
}

// telegramHistory is every post a listing could show, newest first, in
// listing order without the window. Caller holds mu.
func (a *Account) telegramHistory() []*post {
	if a.empty {
		return nil
	}
	var list []*post
	for _, p := range a.posts {
		if p.state == stateLive && !p.hidden {
			list = append(list, p)
		}
	}
	sort.Slice(list, func(i, j int) bool { return newerPost(list[i], list[j]) })
	return list
}

// newerPost orders posts as listings do: newer first, ties in publish order.
func newerPost(p, q *post) bool {
	if !p.Published.Equal(q.Published) {
		return p.Published.After(q.Published)
	}
	return p.seq > q.seq
}

// renderTelegramPreview renders the page t.me/s/<name>[?before=id]: head,
// channel header, then the messages oldest first below a link to older
// ones. Caller holds mu.
func (a *Account) renderTelegramPreview(before string) []byte {
	page, more := a.telegramPage(before)
	self := "/s/" + url.PathEscape(a.name)
	var older string
	if more {
		older = self + "?before=" + url.QueryEscape(page[len(page)-1].ID)
	}
	name := html.EscapeString(a.name)
	var b bytes.Buffer
	b.WriteString("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>" + name + " – Telegram</title>\n")
	b.WriteString(`<meta property="og:title" content="` + name + "\">\n" + `<meta property="og:site_name" content="Telegram">` + "\n")
	if older != "" {
		b.WriteString(`<link rel="prev" href="` + html.EscapeString(older) + "\">\n")
	}
	b.WriteString("</head>\n<body class=\"widget_frame_base tgme_webpreview emoji_image\">\n")
	b.WriteString(`<main class="tgme_main" data-url="` + html.EscapeString(self) + "\">\n<div class=\"tgme_container\">\n")
	b.WriteString("<section class=\"tgme_right_column\">\n<div class=\"tgme_channel_info\">\n<div class=\"tgme_channel_info_header\">\n")
	b.WriteString(`<div class="tgme_channel_info_header_title"><span dir="auto">` + name + "</span></div>\n")
	b.WriteString(`<div class="tgme_channel_info_header_username"><a href="` + html.EscapeString(a.HomeURL()) + `">@` + name + "</a></div>\n</div>\n")
	b.WriteString(`<div class="tgme_channel_info_description">Posts of ` + name + "</div>\n")
	if n, ok := a.metrics["subscribers"]; ok {
		b.WriteString(`<div class="tgme_channel_info_counters"><div class="tgme_channel_info_counter"><span class="counter_value">` +
			telegramCount(n) + `</span> <span class="counter_type">` + plural(n, "subscriber") + "</span></div></div>\n")
	}
	b.WriteString("</div>\n</section>\n<section class=\"tgme_channel_history js-message_history\">\n")
	if older != "" {
		b.WriteString(`<div class="tgme_widget_message_centered js-messages_more_wrap"><a href="` + html.EscapeString(older) +
			`" class="tme_messages_more js-messages_more" data-before="` + html.EscapeString(page[len(page)-1].ID) + "\"></a></div>\n")
	}
	if len(page) == 0 {
		b.WriteString(`<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message_centered"><div class="tme_no_messages_found">No posts found</div></div></div>` + "\n")
	}
	for i := len(page) - 1; i >= 0; i-- {
		a.writeTelegramMessage(&b, page[i])
	}
	b.WriteString("</section>\n</div>\n</main>\n</body>\n</html>\n")
	return b.Bytes()
}

// renderTelegramEmbed renders a live post's embed page. Caller holds mu.
func (a *Account) renderTelegramEmbed(p *post) []byte {
	var b bytes.Buffer
	startTelegramEmbed(&b)
	a.writeTelegramMessage(&b, p)
	endTelegramEmbed(&b)
	return b.Bytes()
}

// telegramEmbedError is an embed page with msg in place of the message.
// msg is a constant written unescaped, so its words appear as they are.
func telegramEmbedError(msg string) []byte {
	var b bytes.Buffer
	startTelegramEmbed(&b)
	b.WriteString(`<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message js-widget_message">` +
		`<div class="tgme_widget_message_bubble"><div class="tgme_widget_message_error">` + msg + "</div></div></div></div>\n")
	endTelegramEmbed(&b)
	return b.Bytes()
}

func startTelegramEmbed(b *bytes.Buffer) {
	b.WriteString("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>Telegram Widget</title>\n</head>\n<body class=\"body_widget_post emoji_image nodark\">\n")
}

func endTelegramEmbed(b *bytes.Buffer) { b.WriteString("</body>\n</html>\n") }

// writeTelegramMessage writes one message widget: author, media (images
// as photo backgrounds, videos as <video src>, other files as documents),
// the post's HTML raw in the text, views and the date. Caller holds mu.
func (a *Account) writeTelegramMessage(b *bytes.Buffer, p *post) {
	link := html.EscapeString(a.TelegramPostURL(p.ID))
	name := html.EscapeString(a.name)
	b.WriteString("<div class=\"tgme_widget_message_wrap js-widget_message_wrap\">\n")
	b.WriteString(`<div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="` + name + "/" + html.EscapeString(p.ID) + "\">\n")
	b.WriteString("<div class=\"tgme_widget_message_bubble\">\n")
	b.WriteString(`<div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" href="` +
		html.EscapeString(a.HomeURL()) + `"><span dir="auto">` + name + "</span></a></div>\n")
	for _, e := range a.enclosures(p) {
		// In url('…') a quote would end the CSS string.
		u := html.EscapeString(strings.ReplaceAll(e.url, "'", "%27"))
		switch {
		case strings.HasPrefix(e.contentType, "image/"):
			b.WriteString(`<a class="tgme_widget_message_photo_wrap" href="` + link + `" style="width:800px;background-image:url('` + u + `')"></a>` + "\n")
		case strings.HasPrefix(e.contentType, "video/"):
			b.WriteString(`<a class="tgme_widget_message_video_player js-message_video_player" href="` + link + `">` +
				`<div class="tgme_widget_message_video_wrap"><video src="` + u + `" class="tgme_widget_message_video js-message_video" width="100%" height="100%"></video></div></a>` + "\n")
		default:
			b.WriteString(`<div class="tgme_widget_message_document_wrap"><a class="tgme_widget_message_document" href="` + u +
				`"><div class="tgme_widget_message_document_title accent_color">` + html.EscapeString(e.url) + "</div></a></div>\n")
		}
	}
	if p.HTML != "" {
		b.WriteString(`<div class="tgme_widget_message_text js-message_text" dir="auto">` + p.HTML + "</div>\n")
	}
	t := p.Published.UTC()
	views := int64(p.seq) * 37
	b.WriteString(`<div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short js-message_info">` +
		`<span class="tgme_widget_message_views">` + telegramCount(views) + `</span><span class="copyonly"> ` + plural(views, "view") + "</span>" +
		`<span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" href="` + link + `"><time datetime="` +
		t.Format("2006-01-02T15:04:05-07:00") + `" class="time">` + t.Format("15:04") + "</time></a></span></div></div>\n")
	b.WriteString("</div>\n</div>\n</div>\n")
}

// telegramCount writes a counter as Telegram does: exact below a thousand,
// past it three significant digits (cut, not rounded) and a K or M.
func telegramCount(n int64) string {
	if n < 1000 && n > -1000 {
		return strconv.FormatInt(n, 10)
	}
	unit, div := "K", int64(1000)
	if n >= 1_000_000 || n <= -1_000_000 {
		unit, div = "M", 1_000_000
	}
	whole := n / div
	digits := len(strconv.FormatInt(max(whole, -whole), 10))
	if digits >= 3 {
		return strconv.FormatInt(whole, 10) + unit
	}
	scale := int64(10)
	if digits == 1 {
		scale = 100
	}
	frac := (n % div) * scale / div
	if frac < 0 {
		frac = -frac
	}
	s := strconv.FormatInt(whole, 10)
	if frac != 0 {
		f := strconv.FormatInt(frac, 10)
		if digits == 1 && frac < 10 {
			f = "0" + f
		}
		s += "." + strings.TrimRight(f, "0")
	}
	return s + unit
}

func plural(n int64, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
