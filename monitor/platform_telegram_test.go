package monitor_test

import (
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/monitor/telegram"
)

// Telegram's embed page shows every kind of deletion alike ("Post not
// found") and a withholding as its "can't be displayed … local laws"
// notice; it has no per-post login wall, so nothing is restricted.
func init() {
	register(&platform{
		name:      "telegram",
		collector: telegram.New(),
		checker:   telegram.Checker{},
		source: func(acc *sandbox.Account) config.Source {
			return config.Source{Platform: "telegram", URL: acc.TelegramURL()}
		},
		postURL:     func(acc *sandbox.Account, id string) string { return acc.TelegramPostURL(id) },
		withheld:    "withheld_legal",
		restricts:   false,
		deleteModes: []sandbox.DeleteMode{sandbox.Gone404, sandbox.Gone410, sandbox.Soft404, sandbox.RedirectHome},
	})
}
