package monitor

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
)

// replayPending reads again, from the archive, a source's newest listing
// answer when it is pending: archived by a process that stopped (killed,
// out of disk space, past its drain) before it committed the posts read
// from it. The fetch that follows reads the listing as it is now, but a
// post that answer held and that is gone by then would otherwise never be
// recorded, nor its removal found. The posts the archive does not hold
// are recorded as first seen at the answer's time; the others it knows of
// since then, and are left as they are. It reports whether it recorded
// anything; its error is an archive failure. An answer it cannot read
// again (a feed that does not parse: the fetch after it says so on the
// source) stays pending, no base for a conditional request, and is tried
// again only while it is the newest; one whose parse error the fetch
// recorded is not tried.
func (p *Pipeline) replayPending(ctx context.Context, src *config.Source, row *store.Source, col Collector, res *SourceResult) (bool, error) {
	c, err := p.arc.Store.LastListing(ctx, src.ID)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !c.Pending || c.Status != http.StatusOK || c.Truncated || c.Error != "" {
		return false, nil
	}
	log := p.log.WithFields(logrus.Fields{"source": src.ID, "capture": c.ID, "at": c.At.UTC().Format("2006-01-02T15:04:05Z")})
	resp, err := p.archivedResponse(ctx, c)
	if err != nil {
		if ctx.Err() == nil {
			log.WithError(err).Warn("a listing answer a stopped process left unread could not be read again from the archive (takedownwatch verify checks every record)")
		}
		return false, nil
	}
	replay := &replayFetcher{p: p, listing: resp}
	l, err := col.Collect(ctx, src, replay, CollectOptions{Pages: 1, Cursor: row.Cursor})
	if err != nil || l.NotModified {
		if err != nil && ctx.Err() == nil {
			log.WithError(err).Debug("the pending listing answer does not read again")
		}
		return false, nil
	}
	l.Captures = []int64{c.ID}
	var got SourceResult
	if err := p.record(ctx, src, row, l, &got, c.At, recordNewOnly); err != nil {
		if ctx.Err() != nil {
			return false, nil
		}
		return false, err
	}
	res.New += got.New
	res.Media += got.Media
	log.WithFields(logrus.Fields{"items": len(l.Items), "new": got.New}).
		Info("read again the listing answer a stopped process had archived and not taken in")
	return true, nil
}

// replayWindow is how far before a listing answer the answers of the
// same collection (an account looked up first) are looked for.
const replayWindow = 10 * time.Minute

// archivedResponse reads a capture back as the answer it was.
func (p *Pipeline) archivedResponse(ctx context.Context, c *store.Capture) (*FetchResponse, error) {
	rec, body, err := archive.Payload(ctx, p.arc.Store, p.arc.WARCDir(), c)
	if err != nil {
		return nil, err
	}
	return &FetchResponse{URL: c.URL, StatusCode: rec.StatusCode, Header: rec.Header, Body: body, Capture: c}, nil
}

// replayFetcher answers a collector's requests from the archive: the
// listing answer read again for its URL, the newest answer archived in
// the replayWindow before it for any other (an API collector looks the
// account up before it lists its posts), and the listing answer for a
// first request the archive has no answer to, or a redirect (a feed's URL
// that redirected: the fetch followed it to the listing answer). URLs
// are compared as archived, credentials redacted.
type replayFetcher struct {
	p       *Pipeline
	listing *FetchResponse
	used    bool
}

func (f *replayFetcher) Fetch(ctx context.Context, req *FetchRequest) (*FetchResponse, error) {
	first := !f.used
	f.used = true
	c := f.listing.Capture
	u := f.p.arc.RedactURL(req.URL)
	if u == c.URL {
		return f.listing, nil
	}
	near, err := f.p.arc.Store.CaptureWithin(ctx, u, c.At.Add(-replayWindow), c.At.Add(time.Microsecond))
	switch {
	case err == nil && first && near.Status >= 300 && near.Status < 400:
		// the first hop of the redirects that ended at the listing answer
		return f.listing, nil
	case err == nil:
		return f.p.archivedResponse(ctx, near)
	case errors.Is(err, store.ErrNotFound) && first:
		return f.listing, nil
	case errors.Is(err, store.ErrNotFound):
		return nil, fmt.Errorf("%s: not archived with the listing answer read again", u)
	default:
		return nil, err
	}
}
