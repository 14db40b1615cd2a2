package fetch

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/config"
)

// vantage is one network path: direct, or through a named proxy.
type vantage struct {
	name   string
	client *http.Client
}

// vantage returns the path a request names; "" is direct.
func (c *Client) vantage(name string) (*vantage, error) {
	if name == "" {
		name = config.Direct
	}
	v, ok := c.vantages[name]
	if !ok {
		return nil, fmt.Errorf("fetch: vantage %q: %w (want %q or a name from fetch.proxies)", name, ErrUnknownVantage, config.Direct)
	}
	return v, nil
}

// newVantages builds one client per vantage, once: each keeps its own
// connection pool, so a proxy's connections never serve direct fetches.
// rt, when set, replaces every vantage's network (tests).
func newVantages(cfg config.Fetch, rt http.RoundTripper) (map[string]*vantage, error) {
	vs := make(map[string]*vantage, len(cfg.Proxies)+1)
	add := func(name string, proxy *url.URL) {
		t := rt
		if t == nil {
			t = newTransport(cfg, proxy)
		}
		vs[name] = &vantage{name: name, client: &http.Client{
			Transport: t,
			// Redirects are followed by hand so each hop is archived and
			// polite to its own host.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}}
	}
	add(config.Direct, nil)
	for name, raw := range cfg.Proxies {
		if name == config.Direct || name == "" {
			return nil, fmt.Errorf("fetch: proxy name %q is reserved for fetching without a proxy", name)
		}
		u, err := url.Parse(raw)
		if err != nil {
			// The URL may hold the proxy's password: never quote it.
			return nil, fmt.Errorf("fetch: proxy %q: URL does not parse", name)
		}
		switch u.Scheme {
		case "http", "https", "socks5", "socks5h":
		default:
			return nil, fmt.Errorf("fetch: proxy %q: scheme %q: want http, https, socks5 or socks5h", name, u.Scheme)
		}
		if u.Host == "" {
			return nil, fmt.Errorf("fetch: proxy %q: URL has no host", name)
		}
		// credentials from the environment (fetch.proxy_auth_env) win
		// over any in the URL
		if auth := cfg.ProxyAuth[name].Value(); auth != "" {
			user, pass, _ := strings.Cut(auth, ":")
			u.User = url.UserPassword(user, pass)
		}
		add(name, u)
	}
	return vs, nil
}

// newTransport is http.DefaultTransport's settings, without environment
// proxies (what path a fetch took must be what the capture says) and with
// enough idle connections per host for the politeness limit.
func newTransport(cfg config.Fetch, proxy *url.URL) *http.Transport {
	d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
	t := &http.Transport{
		DialContext:           guardedDial(d),
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   max(cfg.PerHostConcurrency, 2),
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	if proxy != nil {
		// net/http speaks http, https and socks5 proxies itself.
		t.Proxy = http.ProxyURL(proxy)
		// The dial reaches the proxy, which the operator named: only the
		// check before the request guards the target.
		t.DialContext = d.DialContext
	}
	return t
}
