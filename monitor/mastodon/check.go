package mastodon

import (
	"context"
	"net/url"
	"strconv"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// Checker checks a status through the API of the source's instance,
// GET {api}/api/v1/statuses/{id} (the post's platform id):
//
//	200 with a public or unlisted status    → live
//	200 with a followers-only or direct one → restricted ("visibility private")
//	200 that is not a status                → transient (no verdict), unless a redirect to a login page
//	404 "Record not found", 410             → deleted
//	401, 403                                → restricted
//	451 (an instance's geoblocking proxy)   → withheld_legal, the Link rel="blocked-by" kept in the detail
//	429, 5xx, network failures              → transient
//	other 4xx                               → unknown
//
// A suspended account's statuses answer 404 too; the account's own answer
// (the listing's AccountGoneError) decides before its posts are checked.
type Checker struct{}

var _ monitor.Checker = Checker{}

// Check fetches the status and classifies the answer. Only an archive
// failure is returned as an error; a network failure, or a source whose
// keys name no instance, is a transient answer.
func (Checker) Check(ctx context.Context, src *config.Source, post *store.Post, _ string, f monitor.Fetcher) (monitor.Answer, error) {
	t, err := resolve(src)
	if err != nil {
		return monitor.Answer{Class: monitor.ClassTransient, Detail: err.Error()}, nil
	}
	u := t.base + "/api/v1/statuses/" + url.PathEscape(post.NativeID())
	resp, err := f.Fetch(ctx, &monitor.FetchRequest{URL: u, Kind: monitor.KindPermalink, SourceID: src.ID, Vantage: src.Vantage, Header: header(src)})
	if err != nil {
		return monitor.FailedFetchAnswer(ctx, err)
	}
	if resp == nil {
		return monitor.Answer{Class: monitor.ClassTransient, Detail: "fetcher gave neither answer nor error"}, nil
	}
	a := classify(post.PostURL, resp)
	a.Evidence = resp.Evidence()
	return a, nil
}

// classify reads the API's answer about one status.
func classify(postURL string, resp *monitor.FetchResponse) monitor.Answer {
	code := resp.StatusCode
	if code < 200 || code > 299 {
		// The API speaks HTTP plainly: statuses mean what they mean on
		// any page (451 with its blocked-by link, 404, 401, 429, …).
		return monitor.ClassifyHTTP(postURL, "", resp)
	}
	s, err := parseStatus(resp.Body)
	if err != nil || resp.Truncated {
		if len(resp.Hops) > 0 {
			// An instance that sends anonymous API readers to log in.
			if a := monitor.ClassifyHTTP(postURL, "", resp); a.Class == monitor.ClassRestricted {
				return a
			}
		}
		detail := strconv.Itoa(code) + ": not a status"
		if resp.Truncated {
			detail += ": cut at the size cap"
		} else {
			detail += ": " + err.Error()
		}
		return monitor.Answer{Class: monitor.ClassTransient, Detail: detail}
	}
	if !s.public() {
		return monitor.Answer{Class: monitor.ClassRestricted, Detail: "visibility " + s.Visibility}
	}
	return monitor.Answer{Class: monitor.ClassLive, Detail: strconv.Itoa(code)}
}
