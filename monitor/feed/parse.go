package feed

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	"github.com/mmcdole/gofeed/json"

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
	p.AtomTranslator = atomTypes{}
	p.JSONTranslator = jsonTypes{}
	f, err := p.Parse(bytes.NewReader(text))
	if errors.Is(err, gofeed.ErrFeedTypeNotDetected) {
		return nil, fmt.Errorf("feed: not an RSS, Atom or JSON feed (it begins %q): %w", begin(text), err)
	}
	if err != nil {
		return nil, fmt.Errorf("feed: %w", err)
	}
	return mapItems(f, baseURL), nil
}

// plainKey marks, in a gofeed.Item's Custom map, an item whose Content the
// feed declares plain text: an Atom content of type "text", a JSON Feed
// content_text. Such text is read as Plain reads it, so the "<b>" or
// "&lt;" a post shows are kept; the universal item forgets the type.
const plainKey = "takedownwatch:plain-content"

// atomTypes translates Atom as gofeed does and marks plain-text content.
type atomTypes struct{ gofeed.DefaultAtomTranslator }

func (t atomTypes) Translate(raw any) (*gofeed.Feed, error) {
	f, err := t.DefaultAtomTranslator.Translate(raw)
	af, ok := raw.(*atom.Feed)
	if err != nil || !ok || len(af.Entries) != len(f.Items) {
		return f, err
	}
	for i, e := range af.Entries {
		// Only a type written out counts: publishers who leave it off
		// (the default is text) mostly put escaped HTML there.
		if e != nil && e.Content != nil && e.Content.Src == "" && f.Items[i] != nil &&
			(strings.EqualFold(e.Content.Type, "text") || strings.EqualFold(e.Content.Type, "text/plain")) {
			markPlain(f.Items[i])
		}
	}
	return f, nil
}

// jsonTypes translates JSON Feed as gofeed does and marks items whose
// content is content_text (gofeed takes it when content_html is empty).
type jsonTypes struct{ gofeed.DefaultJSONTranslator }

func (t jsonTypes) Translate(raw any) (*gofeed.Feed, error) {
	f, err := t.DefaultJSONTranslator.Translate(raw)
	jf, ok := raw.(*json.Feed)
	if err != nil || !ok || len(jf.Items) != len(f.Items) {
		return f, err
	}
	for i, it := range jf.Items {
		if it != nil && it.ContentHTML == "" && it.ContentText != "" && f.Items[i] != nil {
			markPlain(f.Items[i])
		}
	}
	return f, nil
}

func markPlain(it *gofeed.Item) {
	if it.Custom == nil {
		it.Custom = make(map[string]string, 1)
	}
	it.Custom[plainKey] = "1"
}

// begin is the start of a body, for an error message.
func begin(text []byte) string {
	return clip.Text(string(text), 49)
}
