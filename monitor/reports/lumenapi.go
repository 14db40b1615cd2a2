package reports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// LumenChannel reads notices from a Lumen database's JSON API (see
// ParseLumenSearch): GET {url}/notices/search.json?{query}&page=N, with the
// channel's token in the X-Authentication-Token header (never in the URL,
// so it stays out of errors; the archive must redact the header).
//
// It reads pages 1 to FetchOptions.Pages (1 when 0), stopping at the last
// page the answer's meta block announces, or at a page with no notice filed
// after the cursor: the cursor is the latest filing time seen (RFC 3339),
// so a query sorted newest first (sort_by=date_received desc) reads only
// as deep as there is news.
type LumenChannel struct{}

var _ Channel = LumenChannel{}

// Fetch reads the channel's notices. Errors concern the first page (a 401
// is a missing or wrong token); a deeper page that fails ends the batch
// there, with Batch.Incomplete saying why.
func (LumenChannel) Fetch(ctx context.Context, ch *config.ReportChannel, f monitor.Fetcher, opt FetchOptions) (*Batch, error) {
	header := http.Header{"Accept": {"application/json"}}
	if tok := ch.Token.Value(); tok != "" {
		header.Set("X-Authentication-Token", tok)
	}
	since, _ := time.Parse(time.RFC3339, opt.Cursor)
	batch := &Batch{Cursor: opt.Cursor}
	latest := since
	index := 0
	for page := 1; page <= max(opt.Pages, 1); page++ {
		u := lumenSearchURL(ch.URL, ch.Query, page)
		resp, err := get(ctx, ch, f, u, header)
		if resp != nil {
			batch.Captures = append(batch.Captures, resp.Evidence()...)
		}
		var got *lumenPage
		if err == nil {
			got, err = parseLumenPage(resp.Body, ch, index)
			if err != nil {
				err = &monitor.ParseError{CaptureID: captureID(resp), Err: err}
			}
		}
		if err != nil {
			if page == 1 {
				return nil, err
			}
			batch.Incomplete = fmt.Errorf("reports: channel %s: page %d: %w", ch.ID, page, err)
			break
		}
		batch.Reports = append(batch.Reports, got.Reports...)
		batch.Invalid = append(batch.Invalid, got.Invalid...)
		index += got.notices
		news := since.IsZero() // without a cursor, every page is news
		for _, r := range got.Reports {
			if r.FiledAt.After(latest) {
				latest = r.FiledAt
			}
			if r.FiledAt.After(since) {
				news = true
			}
		}
		// A server that ignores page= answers page 1 again: stop there.
		if got.notices == 0 || page >= got.totalPages || got.currentPage != page || !news {
			break
		}
	}
	if latest.After(since) {
		batch.Cursor = latest.Format(time.RFC3339)
	}
	return batch, nil
}

// lumenSearchURL is the search URL of one page. The query is the
// channel's as written (a leading "?" aside), so its escaping is the
// user's.
func lumenSearchURL(base, query string, page int) string {
	u := strings.TrimRight(strings.TrimSpace(base), "/") + "/notices/search.json?"
	if q := strings.Trim(strings.TrimSpace(query), "?&"); q != "" {
		u += q + "&"
	}
	return u + "page=" + strconv.Itoa(page)
}

// lumenPage is one page of search results, read.
type lumenPage struct {
	Batch
	notices     int // on the page, valid or not
	currentPage int // as the meta block says, 0 if it says none
	totalPages  int
}

// ErrNotLumen is a JSON answer that is not a Lumen search result.
var ErrNotLumen = errors.New(`not a Lumen search answer (no "notices" list)`)

// ParseLumenSearch reads one page of a Lumen search answer, {"notices":
// [...], "meta": {...}}, mapping each notice as ParseJSON does (see
// parseNotice), with channel ch.ID and source_url {ch.URL}/notices/{id}.
// Notices that do not make a valid report are Invalid, with their index on
// the page. Any input gives a batch or an error, never a panic.
func ParseLumenSearch(body []byte, ch *config.ReportChannel) (*Batch, error) {
	p, err := parseLumenPage(body, ch, 0)
	if err != nil {
		return nil, err
	}
	return &p.Batch, nil
}

func parseLumenPage(body []byte, ch *config.ReportChannel, offset int) (*lumenPage, error) {
	var answer struct {
		Notices *[]json.RawMessage `json:"notices"`
		Meta    struct {
			CurrentPage json.Number `json:"current_page"`
			TotalPages  json.Number `json:"total_pages"`
		} `json:"meta"`
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		return nil, fmt.Errorf("reports: lumen: %w", err)
	}
	if answer.Notices == nil {
		return nil, fmt.Errorf("reports: lumen: %w", ErrNotLumen)
	}
	current, _ := answer.Meta.CurrentPage.Int64()
	total, _ := answer.Meta.TotalPages.Int64()
	p := &lumenPage{notices: len(*answer.Notices), currentPage: int(current), totalPages: int(total)}
	base := strings.TrimRight(strings.TrimSpace(ch.URL), "/")
	for i, raw := range *answer.Notices {
		obj, err := object(raw)
		if err != nil {
			p.Invalid = append(p.Invalid, RowError{Line: offset + i, Err: err, index: true})
			continue
		}
		r, err := parseNotice(raw, obj)
		if err == nil {
			r.Channel = ch.ID
			if r.ChannelID != "" && webURL(base) {
				r.SourceURL = base + "/notices/" + url.PathEscape(r.ChannelID)
			}
			r.Normalize()
			err = r.Validate()
		}
		if err != nil {
			p.Invalid = append(p.Invalid, rowError(offset+i, true, err))
			continue
		}
		p.Reports = append(p.Reports, r)
	}
	return p, nil
}
