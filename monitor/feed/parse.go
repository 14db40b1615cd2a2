package feed

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/mmcdole/gofeed"

	"github.com/takedownwatch/takedownwatch/internal/clip"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// ErrEmpty is a feed body with nothing in it but whitespace.
var ErrEmpty = errors.New("empty document")

// Parse reads a feed body into items, in feed order. contentType is the
// HTTP Content-Type the body came with (its charset wins over the XML
// declaration); baseURL, the URL it was fetched from, resolves relative
// links. Any input gives items or an error, never a panic.
func Parse(body []byte, contentType, baseURL string) (items []monitor.Item, err error) {
	defer func() {
		// gofeed parses hostile input with reflection-heavy decoders;
		// a panic in them must cost this listing, not the daemon.
		if r := recover(); r != nil {
			items, err = nil, fmt.Errorf("feed: parser panicked: %v", r)
		}
	}()
	text, err := ToUTF8(body, contentType)
	if err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	if len(bytes.TrimSpace(text)) == 0 {
		return nil, fmt.Errorf("feed: %w", ErrEmpty)
	}
	p := gofeed.NewParser()
	// Media are what the feed declares; the first <img> of the content
	// is part of the text's HTML, not a declared image.
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	f, err := p.Parse(bytes.NewReader(text))
	if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		return nil, fmt.Errorf("feed: not an RSS, Atom or JSON feed (it begins %q): %w", begin(text), err)
	}
	if err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	return mapItems(f, baseURL), nil
}

// begin is the start of a body, for an error message.
func begin(text []byte) string {
	return clip.Text(string(text), 49)
}
