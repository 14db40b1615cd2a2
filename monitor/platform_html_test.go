package monitor_test

import (
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/htmlpage"
)

// The html platform reads the sandbox's press room (/{account}/press), a
// ministry-style page with relative links under a <base>, dates in words
// and a pager; its posts are plain web pages, checked like feed items.
func init() {
	register(&platform{
		name:      "html",
		collector: htmlpage.New(),
		checker:   monitor.PermalinkChecker{},
		source: func(acc *sandbox.Account) config.Source {
			return config.Source{Platform: "html", URL: acc.PressURL(), Selectors: &config.Selectors{
				Item: "article.press-release", Link: "h2.title a", Text: ".summary",
				Date: ".date", DateLayout: sandbox.PressDateLayout,
			}}
		},
		postURL:     func(acc *sandbox.Account, id string) string { return acc.PostURL(id) },
		withheld:    "withheld_legal",
		restricts:   true,
		deleteModes: []sandbox.DeleteMode{sandbox.Gone404, sandbox.Gone410, sandbox.Soft404, sandbox.RedirectHome},
	})
}
