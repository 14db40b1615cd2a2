package telegram

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/PuerkitoBio/goquery"
)

// ErrNotEmbed is a page that is neither a message's embed nor a page
// saying its channel is gone.
var ErrNotEmbed = errors.New("not a Telegram message embed")

// Embed is what a message's embed page (t.me/<channel>/<id>?embed=1)
// shows.
type Embed struct {
	// Widget: the page has a message widget, empty or not.
	Widget bool
	// Message is the widget's message, nil if it has no usable data-post.
	Message *Message
	// Error is the text of the widget's error in place of the message:
	// "Post not found", or a notice ("This message can't be displayed
	// because it violated local laws.").
	Error string
	// Gone is set when the page is t.me's page of a channel that is gone
	// (see Page.Gone).
	Gone string
}

// Empty reports whether the widget shows no message at all: no text, no
// media and no date, which is how Telegram renders a message that is gone.
func (e *Embed) Empty() bool {
	m := e.Message
	return m == nil || (m.Text == "" && len(m.Media) == 0 && m.Published.IsZero())
}

// ParseEmbed reads a message's embed page. pageURL, the URL it was fetched
// from (after redirects), resolves relative links. Any input gives an
// embed or an error, never a panic.
func ParseEmbed(body []byte, pageURL string) (*Embed, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("telegram: read embed: %w", err)
	}
	e := &Embed{}
	if gone := goneNotice(doc); gone != "" {
		e.Gone = gone
		return e, nil
	}
	if s := doc.Find(".tgme_widget_message_error").First(); s.Length() > 0 {
		e.Error = oneLine(s.Text())
	}
	widget := doc.Find(".tgme_widget_message").First()
	e.Widget = widget.Length() > 0
	if e.Widget {
		if m, ok := parseMessage(widget, parseBase(pageURL)); ok {
			e.Message = &m
		}
	}
	if !e.Widget && e.Error == "" {
		return nil, fmt.Errorf("telegram: %w: no message widget or error", ErrNotEmbed)
	}
	return e, nil
}
