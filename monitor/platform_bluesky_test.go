package monitor_test

import (
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/monitor/bluesky"
)

// Bluesky shows a deletion one way (the post is absent from getPosts), so
// every DeleteMode reads the same; a withholding is a geographic
// labeler's "!hide" label, withheld_legal; a restriction is a
// #blockedPost view or a 401 from getPosts.
func init() {
	c := bluesky.New()
	register(&platform{
		name:      "bluesky",
		collector: c,
		checker:   c,
		source: func(acc *sandbox.Account) config.Source {
			return config.Source{Platform: "bluesky", URL: acc.BlueskyProfileURL(),
				APIBase: acc.BlueskyAPIBase(), PDSBase: acc.BlueskyAPIBase()}
		},
		postURL:     func(acc *sandbox.Account, id string) string { return acc.BlueskyPostURL(id) },
		withheld:    "withheld_legal",
		restricts:   true,
		deleteModes: []sandbox.DeleteMode{sandbox.Gone404, sandbox.Gone410, sandbox.Soft404, sandbox.RedirectHome},
	})
}
