package monitor_test

import (
	"sort"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/feed"
)

// platform is how tests reach one platform's imitation in the sandbox.
// Each platform registers itself (platform_<name>_test.go) so the
// detector's tests, the random scenarios included, run on every one.
type platform struct {
	name      string
	collector monitor.Collector
	checker   monitor.Checker
	// source is the config source of a sandbox account on this platform;
	// the caller fills ID, Actor, Schedule and Vantage.
	source func(acc *sandbox.Account) config.Source
	// postURL is the post_url the collector records for a sandbox post.
	postURL func(acc *sandbox.Account, id string) string
	// withheld is the reason this platform's signals give a withheld post.
	withheld string
	// restricts says whether the platform can show a post as restricted.
	restricts bool
	// deleteModes are the ways the platform shows a deleted post.
	deleteModes []sandbox.DeleteMode
}

var platforms = map[string]*platform{}

func register(p *platform) { platforms[p.name] = p }

func platformNames() []string {
	var names []string
	for n := range platforms {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func testCollectors(over map[string]monitor.Collector) map[string]monitor.Collector {
	m := map[string]monitor.Collector{}
	for n, p := range platforms {
		m[n] = p.collector
	}
	for n, c := range over {
		m[n] = c
	}
	return m
}

func testCheckers() map[string]monitor.Checker {
	m := map[string]monitor.Checker{}
	for n, p := range platforms {
		m[n] = p.checker
	}
	return m
}

func init() {
	register(&platform{
		name:      "feed",
		collector: feed.New(),
		checker:   monitor.PermalinkChecker{},
		source: func(acc *sandbox.Account) config.Source {
			return config.Source{Platform: "feed", URL: acc.FeedURL()}
		},
		postURL:     func(acc *sandbox.Account, id string) string { return acc.PostURL(id) },
		withheld:    "withheld_legal",
		restricts:   true,
		deleteModes: []sandbox.DeleteMode{sandbox.Gone404, sandbox.Gone410, sandbox.Soft404, sandbox.RedirectHome},
	})
}
