package facebook

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor"
)

// Check checks one post: through Graph when the source has a token and
// the post's platform id is a numeric Graph id (PAGEID_POSTID), on its
// logged-out permalink page otherwise (see ClassifyPermalink): a source
// without a token, an imported post known by a pfbid… or share link.
//
// Graph's answers, GET {api_base}/{page-id}_{post-id}:
//
//	200 with the post                              → live
//	200 with is_hidden, is_expired, is_published false → hidden (monitor.ClassHidden)
//	100/33 and its variants, the Page reading fine → deleted, unless the
//	    post's permalink then says it is withheld (→ withheld_legal) or
//	    shows the post (→ live: the token may not see it, the public may)
//	100/33 and the Page itself answering 100/33    → account_gone
//	10 (permission), the Page reading fine         → restricted
//	100/33 or 10 while the Page cannot be read     → transient
//	190 (token)                                    → transient, the token paused
//	4, 17, 32, 613, 80001… (rate limits)           → transient, paused
//	usage header at 100%                           → the answer stands, later checks paused
//	any other error, 5xx, network failure          → transient
//
// "The Page reading fine" is the Page's answer to the same token: the
// one the source's collection got this cycle, else GET
// {api_base}/{page-id}?fields=id (Kind account), kept for pageTTL.
//
// Only an archive failure is returned as an error.
func (c *Client) Check(ctx context.Context, src *config.Source, p *store.Post, text string, f monitor.Fetcher) (monitor.Answer, error) {
	token := src.Token.Value()
	if token == "" || !graphPostID(p.NativeID()) {
		return c.checkWeb(ctx, src, p, text, f)
	}
	t, err := resolve(src)
	if err != nil {
		return monitor.Answer{Class: monitor.ClassTransient, Detail: err.Error()}, nil
	}
	pageID, _, _ := strings.Cut(p.NativeID(), "_")
	if reason, ok := c.st.paused(c.clock(), t, token, pageID); ok {
		return monitor.Answer{Class: monitor.ClassTransient, Detail: "paused for this cycle: " + reason}, nil
	}
	u := t.base + "/" + url.PathEscape(p.NativeID()) + "?fields=" + url.QueryEscape(checkFields)
	resp, err := get(ctx, f, src, u, monitor.KindPermalink, header(token), c.maxBody)
	if err != nil {
		return monitor.FailedFetchAnswer(ctx, err)
	}
	g := &graphCheck{c: c, src: src, f: f, t: t, token: token, pageID: pageID, post: p, text: text}
	a, err := g.classify(ctx, resp)
	if err != nil {
		return monitor.Answer{}, err
	}
	// After classify, which notes an error the headers came with: the
	// error's pause, with its reason, comes first.
	c.st.noteUsage(c.clock(), t, token, pageID, src.ID, resp.Header)
	a.Evidence = append(resp.Evidence(), a.Evidence...)
	a.Detail = scrub(a.Detail, token)
	return a, nil
}

// graphPostID reports whether id is a Graph post id, PAGEID_POSTID, both
// numbers. An imported id with a pfbid… part is not: Graph knows posts by
// their numeric ids, and a 100/33 for an id it cannot read would look like
// a deletion.
func graphPostID(id string) bool {
	page, part, ok := strings.Cut(id, "_")
	return ok && numeric(page) && numeric(part)
}

// graphCheck is one Graph check.
type graphCheck struct {
	c      *Client
	src    *config.Source
	f      monitor.Fetcher
	t      target
	token  string
	pageID string
	post   *store.Post
	text   string
}

// classify reads Graph's answer about the post. Evidence beyond resp's
// own (the Page's answer, the permalink's) is in the answer.
func (g *graphCheck) classify(ctx context.Context, resp *monitor.FetchResponse) (monitor.Answer, error) {
	if ge := graphErrorOf(resp, g.token); ge != nil {
		g.c.st.noteError(g.c.clock(), g.t, g.token, g.pageID, g.src.ID, ge, resp.Header)
		switch ge.kind() {
		case kindNotFound, kindPermission:
			return g.againstPage(ctx, ge)
		default:
			return monitor.Answer{Class: monitor.ClassTransient, Detail: ge.Error()}, nil
		}
	}
	code := resp.StatusCode
	switch {
	case code == http.StatusUnavailableForLegalReasons:
		// A geoblocking proxy in front of the API says why.
		return monitor.ClassifyHTTP(g.post.PostURL, "", resp), nil
	case code < 200 || code > 299:
		return monitor.Answer{Class: monitor.ClassTransient, Detail: strconv.Itoa(code) + " without a Graph error"}, nil
	case resp.Truncated:
		return monitor.Answer{Class: monitor.ClassTransient, Detail: strconv.Itoa(code) + ": not a post: cut at the size cap"}, nil
	}
	p, err := parsePost(resp.Body)
	if err != nil {
		return monitor.Answer{Class: monitor.ClassTransient, Detail: strconv.Itoa(code) + ": " + err.Error()}, nil
	}
	if how := p.hidden(); how != "" {
		return monitor.Answer{Class: monitor.ClassHidden, Detail: how}, nil
	}
	return monitor.Answer{Class: monitor.ClassLive, Detail: strconv.Itoa(code)}, nil
}

// againstPage decides a not-found or permission answer about the post by
// the Page's own answer to the same token.
func (g *graphCheck) againstPage(ctx context.Context, ge *GraphError) (monitor.Answer, error) {
	v, err := g.c.pageStatus(ctx, g.src, g.f, g.t, g.token, g.pageID)
	if err != nil {
		return monitor.Answer{}, err
	}
	a := monitor.Answer{Evidence: v.evidence}
	switch {
	case v.state == pageGone:
		a.Class, a.Detail = monitor.ClassAccountGone, v.detail
	case v.state != pageOK:
		a.Class, a.Detail = monitor.ClassTransient, ge.Error()+"; the page could not be read: "+v.detail
	case ge.kind() == kindPermission:
		a.Class, a.Detail = monitor.ClassRestricted, ge.detail()
	default:
		a.Class, a.Detail = monitor.ClassDeleted, ge.detail()
		return g.refine(ctx, a)
	}
	return a, nil
}

// refine reads the post's permalink after Graph said it is gone: Graph
// answers 100/33 for a post withheld in a country just as for a deleted
// one, and for one this token may not see; the page may say which. A
// permalink that cannot be read leaves Graph's answer as it is.
func (g *graphCheck) refine(ctx context.Context, a monitor.Answer) (monitor.Answer, error) {
	if absolute(g.post.PostURL) == "" {
		return a, nil
	}
	resp, err := get(ctx, g.f, g.src, g.post.PostURL, monitor.KindPermalink, nil, g.c.maxBody)
	if err != nil {
		var fe *monitor.FetchError
		if errors.As(err, &fe) {
			if fe.CaptureID != 0 {
				a.Evidence = append(a.Evidence, fe.CaptureID)
			}
			return a, nil
		}
		if ctx.Err() != nil {
			return monitor.Answer{}, ctx.Err()
		}
		return monitor.Answer{}, err
	}
	a.Evidence = append(a.Evidence, resp.Evidence()...)
	w, shown := classifyWeb(g.post.PostURL, g.text, resp)
	switch {
	case w.Class == monitor.ClassWithheld:
		a.Class, a.Detail = monitor.ClassWithheld, w.Detail
	case shown:
		a.Class, a.Detail = monitor.ClassLive, "the permalink shows the post; Graph: "+a.Detail
	}
	return a, nil
}

// pageStatus is the Page's answer to token: fresh from this cycle's
// collection or an earlier check, else asked now. Only an archive
// failure is an error.
func (c *Client) pageStatus(ctx context.Context, src *config.Source, f monitor.Fetcher, t target, token, pageID string) (verdict, error) {
	key := verdictKey(t, token, pageID)
	l := c.st.lock(key)
	l.Lock()
	defer l.Unlock()
	if v, ok := c.st.verdict(c.clock(), key); ok {
		return v, nil
	}
	resp, err := get(ctx, f, src, t.base+"/"+url.PathEscape(pageID)+"?fields=id", monitor.KindAccount, header(token), c.maxBody)
	if err != nil {
		var fe *monitor.FetchError
		if !errors.As(err, &fe) {
			if ctx.Err() != nil {
				return verdict{}, ctx.Err()
			}
			return verdict{}, err
		}
		v := verdict{state: pageUnknown, detail: fe.Err.Error()}
		if fe.CaptureID != 0 {
			v.evidence = []int64{fe.CaptureID}
		}
		return v, nil
	}
	now := c.clock()
	v := verdict{at: now, evidence: resp.Evidence()}
	defer c.st.noteUsage(now, t, token, pageID, src.ID, resp.Header)
	switch ge := graphErrorOf(resp, token); {
	case ge != nil && ge.kind() == kindNotFound:
		v.state, v.detail = pageGone, ge.detail()
	case ge != nil:
		c.st.noteError(now, t, token, pageID, src.ID, ge, resp.Header)
		v.detail = ge.Error()
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		v.detail = strconv.Itoa(resp.StatusCode) + " without a Graph error"
	default:
		if pg, err := parsePage(resp.Body); err != nil || string(pg.ID) != pageID {
			v.detail = "the answer is not the page"
		} else {
			v.state = pageOK
		}
	}
	c.st.setVerdict(key, v)
	return v, nil
}

// checkWeb checks a post on its permalink page, logged out.
func (c *Client) checkWeb(ctx context.Context, src *config.Source, p *store.Post, text string, f monitor.Fetcher) (monitor.Answer, error) {
	if absolute(p.PostURL) == "" {
		return monitor.Answer{Class: monitor.ClassTransient, Detail: "no permalink to check without a token"}, nil
	}
	resp, err := get(ctx, f, src, p.PostURL, monitor.KindPermalink, nil, c.maxBody)
	if err != nil {
		return monitor.FailedFetchAnswer(ctx, err)
	}
	a, _ := classifyWeb(p.PostURL, text, resp)
	a.Evidence = resp.Evidence()
	return a, nil
}
