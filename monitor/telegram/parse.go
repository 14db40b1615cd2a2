package telegram

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/PuerkitoBio/goquery"

	"github.com/takedownwatch/takedownwatch/internal/accounts"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

// ErrNotPreview is a page that is neither a channel preview nor a page
// saying the channel is gone: a login page, a proxy's error, t.me's page of
// a user or a group (which have no preview), or anything else.
var ErrNotPreview = errors.New("not a Telegram channel preview")

// Page is what one channel preview page (t.me/s/<channel>) shows.
type Page struct {
	Channel Channel
	// Messages in page order: oldest first, as Telegram renders them.
	Messages []Message
	// Before is the absolute URL of the page of older messages (the
	// ?before= link), "" on the oldest page.
	Before string
	// NoPosts: the page says "No posts found".
	NoPosts bool
	// Gone is set when the page says the channel itself is gone: "channel
	// not found", or Telegram's own notice ("This channel can't be
	// displayed …"). The other fields are then empty.
	Gone string
}

// Channel is the channel header of a preview page.
type Channel struct {
	Title, Username string
	// Counters by their plural type ("subscribers", "photos", "videos",
	// "links", "files"), as shown: Telegram rounds big ones ("1.2K").
	Counters map[string]int64
}

// Message is one message of a preview page or an embed.
type Message struct {
	// Channel and ID are the two halves of data-post="channel/id".
	Channel, ID string
	// Text is the normalized text (normalize.Text) of the message; for a
	// poll without a caption, its question and options.
	Text      string
	Published time.Time
	// Edited: the footer carries Telegram's "edited" mark.
	Edited bool
	// Views is the view counter as shown (rounded past 1000), -1 if none.
	Views int64
	// Media are absolute http(s) URLs of the photos and videos (a video's
	// thumbnail when the video itself is too big for the web), in page
	// order, each once.
	Media []string
	// Service messages are the channel's own events (created, renamed,
	// photo changed, pinned), not posts.
	Service bool
}

// PlatformID is the message's stable key, "channel/id".
func (m *Message) PlatformID() string { return m.Channel + "/" + m.ID }

// ParsePage reads a channel preview page. pageURL, the URL the page was
// fetched from (after redirects), resolves relative links. Messages
// without a usable data-post are left out: nothing could key them. Any
// input gives a page or an error, never a panic.
func ParsePage(body []byte, pageURL string) (*Page, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("telegram: read page: %w", err)
	}
	base := parseBase(pageURL)
	p := &Page{}
	if gone := goneNotice(doc); gone != "" {
		p.Gone = gone
		return p, nil
	}
	info := doc.Find(".tgme_channel_info").First()
	if info.Length() == 0 && doc.Find(".tgme_channel_info_header_title, .tgme_channel_info_header_username, .tgme_channel_info_counters").Length() > 0 {
		info = doc.Selection // a page whose header lost its wrapper
	}
	hasInfo := info.Length() > 0
	if hasInfo {
		p.Channel = parseChannel(info)
		if p.Channel.Title == "" {
			p.Channel.Title = normalize.Plain(doc.Find(`meta[property="og:title"]`).First().AttrOr("content", ""))
		}
	}
	doc.Find(".tgme_widget_message").Each(func(_ int, s *goquery.Selection) {
		if m, ok := parseMessage(s, base); ok {
			p.Messages = append(p.Messages, m)
		}
	})
	p.NoPosts = doc.Find(".tme_no_messages_found").Length() > 0
	p.Before = olderPage(doc, base)
	if !hasInfo && !p.NoPosts && len(p.Messages) == 0 {
		if doc.Find(".tgme_widget_message").Length() > 0 {
			return nil, fmt.Errorf("telegram: %w: messages without a data-post to key them by", ErrNotPreview)
		}
		if t := pageTitle(doc); t != "" {
			return nil, fmt.Errorf("telegram: %w: t.me page of %q shows no preview (a user, a group, or a channel without one)", ErrNotPreview, t)
		}
		return nil, fmt.Errorf("telegram: %w: no channel header, messages or \"No posts found\"", ErrNotPreview)
	}
	return p, nil
}

// channelNotices begin the notices Telegram shows instead of a channel it
// will not display ("… because it violated local laws.", "… because it was
// used to spread pornographic content."), lower case.
var channelNotices = []string{
	"this channel can't be displayed because", "this channel can’t be displayed because",
	"this channel cannot be displayed because",
}

// goneNotice is the detail of a page saying the channel is gone, or "". A
// channel that no longer exists makes t.me/s/<channel> redirect to
// t.me/<channel>, whose page then has no title: Telegram's "If you have
// Telegram, you can contact @name right away" stub for a free username. A
// channel Telegram blocks shows its notice there instead of the
// description. t.me's page of a live user, group or channel has a title
// and is not gone, even without a preview.
func goneNotice(doc *goquery.Document) string {
	page := doc.Find(".tgme_page").First()
	if page.Length() == 0 || doc.Find(".tgme_channel_info, .tgme_widget_message").Length() > 0 {
		return ""
	}
	if n := notice(page.Find(".tgme_page_description").First().Text(), channelNotices); n != "" {
		return n
	}
	if pageTitle(doc) == "" {
		return "channel not found"
	}
	return ""
}

// pageTitle is the title of a t.me/<name> page: the name of the user,
// group or channel.
func pageTitle(doc *goquery.Document) string {
	return normalize.Plain(doc.Find(".tgme_page .tgme_page_title").First().Text())
}

// notice returns text, on one line, when it is a platform's notice: one
// sentence that begins with one of prefixes (lower case). A notice is the
// whole text, not a phrase an owner quotes in their description or post.
func notice(text string, prefixes []string) string {
	t := oneLine(text)
	lower := strings.ToLower(strings.TrimRight(t, ".!"))
	if strings.ContainsAny(lower, "!?") || strings.Contains(lower, ". ") {
		return "" // more than one sentence
	}
	for _, p := range prefixes {
		if strings.HasPrefix(lower, p) {
			return t
		}
	}
	return ""
}

// oneLine is plain text (a node's text, a message's normalized text) normalized,
// with its whitespace folded to single spaces.
func oneLine(text string) string {
	return strings.Join(strings.Fields(normalize.Plain(text)), " ")
}

func parseChannel(info *goquery.Selection) Channel {
	c := Channel{
		Title:    normalize.Plain(info.Find(".tgme_channel_info_header_title").First().Text()),
		Username: strings.TrimPrefix(strings.TrimSpace(normalize.Plain(info.Find(".tgme_channel_info_header_username").First().Text())), "@"),
	}
	info.Find(".tgme_channel_info_counter").Each(func(_ int, s *goquery.Selection) {
		typ := strings.ToLower(strings.TrimSpace(s.Find(".counter_type").First().Text()))
		n, ok := ParseCount(s.Find(".counter_value").First().Text())
		if typ == "" || !ok {
			return
		}
		if !strings.HasSuffix(typ, "s") {
			typ += "s" // "1 subscriber", "1 photo"
		}
		if c.Counters == nil {
			c.Counters = make(map[string]int64)
		}
		c.Counters[typ] = n
	})
	return c
}

// parseMessage reads one .tgme_widget_message element.
func parseMessage(s *goquery.Selection, base *url.URL) (Message, bool) {
	channel, id, ok := splitPost(s.AttrOr("data-post", ""))
	if !ok {
		return Message{}, false
	}
	m := Message{Channel: channel, ID: id, Views: -1, Service: s.HasClass("service_message")}
	// Quoted replies and link previews show other messages' and pages'
	// text and media, not this message's.
	own := func(sel string) *goquery.Selection {
		return s.Find(sel).FilterFunction(func(_ int, e *goquery.Selection) bool {
			return e.ParentsFiltered(".tgme_widget_message_reply, .tgme_widget_message_link_preview").Length() == 0 &&
				e.Parent().Closest(".tgme_widget_message").IsSelection(s)
		})
	}
	if text := own(".tgme_widget_message_text").First(); text.Length() > 0 {
		h, _ := text.Html() // serializing a parsed tree writes to memory: no error to have
		m.Text = normalize.HTML(h)
	}
	if m.Text == "" {
		var parts []string
		own(".tgme_widget_message_poll_question, .tgme_widget_message_poll_option_text").Each(func(_ int, e *goquery.Selection) {
			h, _ := e.Html()
			if t := normalize.HTML(h); t != "" {
				parts = append(parts, t)
			}
		})
		m.Text = strings.Join(parts, "\n")
	}
	date := own(".tgme_widget_message_date time[datetime]").First()
	if date.Length() == 0 {
		date = own("time[datetime]").First()
	}
	if t, err := time.Parse(time.RFC3339, strings.TrimSpace(date.AttrOr("datetime", ""))); err == nil {
		m.Published = t.UTC()
	}
	if v, ok := ParseCount(own(".tgme_widget_message_views").First().Text()); ok {
		m.Views = v
	}
	meta := own(".tgme_widget_message_meta").First().Clone()
	meta.Find(".tgme_widget_message_from_author, .tgme_widget_message_date").Remove()
	m.Edited = strings.Contains(strings.ToLower(meta.Text()), "edited")
	m.Media = media(own, base)
	return m, true
}

// splitPost splits data-post="channel/id". Both halves must be usable in a
// URL path segment and as a key: no slash, query, fragment, whitespace or
// control character, valid UTF-8.
func splitPost(v string) (channel, id string, ok bool) {
	channel, id, ok = strings.Cut(strings.TrimSpace(v), "/")
	return channel, id, ok && accounts.IsTelegramKey(channel) && accounts.IsTelegramKey(id)
}

var cssURL = regexp.MustCompile(`url\(\s*['"]?([^'")]+?)['"]?\s*\)`)

// media are the message's photos (background images), videos (their src,
// or their thumbnail when Telegram shows none: "Media is too big") and
// round videos, absolute, each once.
func media(own func(string) *goquery.Selection, base *url.URL) []string {
	var out []string
	seen := make(map[string]bool)
	add := func(ref string) {
		u := absolute(base, ref)
		if u == "" || seen[u] {
			return
		}
		seen[u] = true
		out = append(out, u)
	}
	bg := func(s *goquery.Selection) string {
		if m := cssURL.FindStringSubmatch(s.AttrOr("style", "")); m != nil {
			return m[1]
		}
		return ""
	}
	own(".tgme_widget_message_photo_wrap, .tgme_widget_message_video_player, .tgme_widget_message_roundvideo_player").Each(func(_ int, s *goquery.Selection) {
		if s.HasClass("tgme_widget_message_photo_wrap") {
			add(bg(s))
			return
		}
		videos := s.Find("video[src]")
		videos.Each(func(_ int, v *goquery.Selection) { add(v.AttrOr("src", "")) })
		if videos.Length() == 0 {
			add(bg(s.Find(".tgme_widget_message_video_thumb, .tgme_widget_message_roundvideo_thumb").First()))
		}
	})
	return out
}

// absolute resolves ref against base and returns it if it is an http(s)
// URL with a host, else "".
func absolute(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

func parseBase(pageURL string) *url.URL {
	u, err := url.Parse(strings.TrimSpace(pageURL))
	if err != nil || !u.IsAbs() {
		return nil
	}
	return u
}

// olderPage is the link to the page of older messages: <link rel="prev">
// in the head, else the "load more" anchor at the top of the history.
func olderPage(doc *goquery.Document, base *url.URL) string {
	for _, sel := range []string{`link[rel="prev"]`, "a.tme_messages_more[data-before]"} {
		if href := absolute(base, doc.Find(sel).First().AttrOr("href", "")); href != "" {
			return href
		}
	}
	return ""
}

// ParseCount reads a counter as Telegram shows it: "2", "1 234", "1,234",
// "436.6K", "1.2M", "3B". Rounded counters give their rounded value.
func ParseCount(s string) (int64, bool) {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u202f' || r == '\u2009' || r == '\'' {
			return -1
		}
		return r
	}, s)
	mult := 1.0
	if n := len(s); n > 0 {
		switch s[n-1] {
		case 'K', 'k':
			mult = 1e3
		case 'M', 'm':
			mult = 1e6
		case 'B', 'b', 'G', 'g':
			mult = 1e9
		}
		if mult > 1 {
			// With a suffix a comma is a decimal point ("1,2K"); without
			// one it groups thousands.
			s = strings.ReplaceAll(s[:n-1], ",", ".")
		} else {
			s = strings.ReplaceAll(s, ",", "")
		}
	}
	if s == "" || strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != '.' }) >= 0 {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	v = math.Round(v * mult)
	if v < 0 || v > math.MaxInt64/2 {
		return 0, false
	}
	return int64(v), true
}
