package sandbox_test

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
)

// newClient does not follow redirects, so tests see the 302s themselves,
// and has its own connections, so one test's keep-alives never meet
// another's failures.
func newClient(t *testing.T) *http.Client {
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func do(ctx context.Context, c *http.Client, target string, header http.Header) (*http.Response, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, "", err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, string(body), err
}

func fetch(t *testing.T, c *http.Client, target string, header http.Header) (*http.Response, string) {
	t.Helper()
	resp, body, err := do(t.Context(), c, target, header)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	return resp, body
}

type rssFeed struct {
	Channel struct {
		Title string    `xml:"title"`
		Items []rssItem `xml:"item"`
	} `xml:"channel"`
}

type rssItem struct {
	Title string `xml:"title"`
	Link  string `xml:"link"`
	GUID  struct {
		IsPermaLink string `xml:"isPermaLink,attr"`
		Value       string `xml:",chardata"`
	} `xml:"guid"`
	PubDate     string `xml:"pubDate"`
	Description string `xml:"description"`
	Enclosures  []struct {
		URL    string `xml:"url,attr"`
		Length int    `xml:"length,attr"`
		Type   string `xml:"type,attr"`
	} `xml:"enclosure"`
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Entries []atomEntry `xml:"entry"`
}

type atomEntry struct {
	ID        string     `xml:"id"`
	Title     string     `xml:"title"`
	Published string     `xml:"published"`
	Updated   string     `xml:"updated"`
	Content   string     `xml:"content"`
	Links     []atomLink `xml:"link"`
}

type atomLink struct {
	Rel    string `xml:"rel,attr"`
	Type   string `xml:"type,attr"`
	Href   string `xml:"href,attr"`
	Length int    `xml:"length,attr"`
}

func parseRSS(t *testing.T, body string) rssFeed {
	t.Helper()
	var f rssFeed
	if err := xml.Unmarshal([]byte(body), &f); err != nil {
		t.Fatalf("parse RSS: %v\n%s", err, body)
	}
	return f
}

func parseAtom(t *testing.T, body string) atomFeed {
	t.Helper()
	var f atomFeed
	if err := xml.Unmarshal([]byte(body), &f); err != nil {
		t.Fatalf("parse Atom: %v\n%s", err, body)
	}
	return f
}

func rssLinks(t *testing.T, c *http.Client, a *sandbox.Account) []string {
	t.Helper()
	resp, body := fetch(t, c, a.FeedURL(), nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d", a.FeedURL(), resp.StatusCode)
	}
	var links []string
	for _, it := range parseRSS(t, body).Channel.Items {
		links = append(links, it.Link)
	}
	return links
}

func TestNew_Hosts(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{Hosts: 3})
	c := newClient(t)
	hosts := sb.Hosts()
	if len(hosts) != 3 {
		t.Fatalf("Hosts() = %v, want 3", hosts)
	}
	for i, base := range hosts {
		u, err := url.Parse(base)
		if err != nil {
			t.Fatalf("host %d: %v", i, err)
		}
		if got, want := u.Hostname(), fmt.Sprintf("127.0.0.%d", i+2); got != want {
			t.Errorf("host %d = %s, want %s", i, got, want)
		}
		sb.AddAccount(i, "acct")
		if resp, _ := fetch(t, c, base+"/acct", nil); resp.StatusCode != http.StatusOK {
			t.Errorf("host %d home: status %d", i, resp.StatusCode)
		}
	}
	for _, n := range []int{-1, 254} {
		if sb, err := sandbox.New(sandbox.Options{Hosts: n}); err == nil {
			sb.Close()
			t.Errorf("New(Hosts: %d): no error", n)
		}
	}
}

func TestNew_Clock(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	sb := sandboxtest.New(t, sandbox.Options{Clock: func() time.Time { return now }})
	c := newClient(t)
	a := sb.AddAccount(0, "alice")
	id := a.Publish(sandbox.Post{HTML: "<p>hello</p>"})
	p, ok := a.Post(id)
	if !ok || !p.Published.Equal(now) {
		t.Fatalf("Post(%q) = %v, %v; want published %v", id, p, ok, now)
	}
	resp, body := fetch(t, c, a.PostURL(id), nil)
	if got, want := resp.Header.Get("Last-Modified"), now.Format(http.TimeFormat); got != want {
		t.Errorf("Last-Modified = %q, want %q", got, want)
	}
	if want := `<time datetime="2026-03-01T12:00:00Z">`; !strings.Contains(body, want) {
		t.Errorf("permalink lacks %s:\n%s", want, body)
	}
	if want := `<article class="post"><p>hello</p></article>`; !strings.Contains(body, want) {
		t.Errorf("permalink lacks %s:\n%s", want, body)
	}
}

func TestSandbox_Close(t *testing.T) {
	sb, err := sandbox.New(sandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sb.AddAccount(0, "alice")
	sb.FailHost(0, -1, sandbox.Slow(time.Minute))
	c := newClient(t)
	errc := make(chan error, 1)
	go func() {
		_, _, err := do(t.Context(), c, sb.Hosts()[0]+"/alice", nil)
		errc <- err
	}()
	waitRequests(t, sb, 0, 1)
	start := time.Now()
	if err := sb.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Close took %v with a slow handler in flight", d)
	}
	if err := <-errc; err == nil {
		t.Error("request to a closed sandbox: no error")
	}
	if err := sb.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// waitRequests waits until host has seen n requests.
func waitRequests(t *testing.T, sb *sandbox.Sandbox, host, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for sb.Stats(host).Requests < n {
		if time.Now().After(deadline) {
			t.Fatalf("host %d: %d requests, want %d", host, sb.Stats(host).Requests, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func xmlErr(body string, v any) error { return xml.Unmarshal([]byte(body), v) }
