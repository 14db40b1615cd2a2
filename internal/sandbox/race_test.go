package sandbox_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/internal/sandbox"
	"github.com/takedownwatch/takedownwatch/internal/sandbox/sandboxtest"
)

// TestConcurrentScripting scripts accounts while they are served; run with
// -race it is the proof that every script method is safe beside serving.
func TestConcurrentScripting(t *testing.T) {
	sb := sandboxtest.New(t, sandbox.Options{Hosts: 2})
	var accounts []*sandbox.Account
	for i := range 6 {
		a := sb.AddAccount(i%2, fmt.Sprintf("acct%d", i))
		a.SetMedia("m.jpg", 100, "image/jpeg")
		for range 5 {
			a.Publish(sandbox.Post{HTML: "<p>seed</p>", Media: []string{"m.jpg"}})
		}
		accounts = append(accounts, a)
	}
	script := []func(a *sandbox.Account, id string){
		func(a *sandbox.Account, _ string) { a.Publish(sandbox.Post{HTML: "<p>new</p>"}) },
		func(a *sandbox.Account, id string) { a.Edit(id, fmt.Sprintf("<p>%d</p>", rand.Int())) },
		func(a *sandbox.Account, id string) { a.Delete(id, sandbox.Gone410) },
		func(a *sandbox.Account, id string) { a.Withhold(id, "https://example.org/") },
		func(a *sandbox.Account, id string) { a.Restrict(id, sandbox.LoginRedirect) },
		func(a *sandbox.Account, id string) { a.Restore(id) },
		func(a *sandbox.Account, _ string) { a.SetListingLimit(rand.IntN(6)) },
		func(a *sandbox.Account, _ string) { a.EmptyListing(rand.IntN(2) == 0) },
		func(a *sandbox.Account, _ string) { a.Suspend() },
		func(a *sandbox.Account, _ string) { a.Unsuspend() },
		func(a *sandbox.Account, _ string) { a.SetMedia("m.jpg", rand.IntN(200), "image/jpeg") },
		func(a *sandbox.Account, _ string) { a.FailNext(1, sandbox.Status(503)) },
		func(*sandbox.Account, string) { sb.FailHost(rand.IntN(2), 1, sandbox.TooMany(time.Second)) },
		func(*sandbox.Account, string) { sb.ClearFailures() },
		func(*sandbox.Account, string) { sb.ResetStats() },
		func(a *sandbox.Account, id string) {
			sb.Requests(a.PostURL(id))
			sb.LastRequest(a.FeedURL())
			sb.Stats(a.Host())
		},
		func(a *sandbox.Account, id string) { a.Post(id) },
		func(a *sandbox.Account, id string) { a.Status(id) },
		func(a *sandbox.Account, id string) { a.HideFromListing(id, rand.IntN(2) == 0) },
		func(a *sandbox.Account, id string) { a.FailPost(id, 1, sandbox.Status(503)) },
		func(*sandbox.Account, string) { sb.Log() },
		func(*sandbox.Account, string) { sb.ResetLog() },
	}

	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 300 {
				a := accounts[rand.IntN(len(accounts))]
				script[rand.IntN(len(script))](a, fmt.Sprint(1+rand.IntN(5)))
			}
		})
	}
	for range 4 {
		c := newClient(t)
		wg.Go(func() {
			for range 100 {
				a := accounts[rand.IntN(len(accounts))]
				id := fmt.Sprint(1 + rand.IntN(5))
				urls := []string{a.FeedURL(), a.AtomURL(), a.HomeURL(), a.PostURL(id), a.MediaURL("m.jpg")}
				u := urls[rand.IntN(len(urls))]
				resp, body, err := do(t.Context(), c, u, nil)
				if err != nil {
					t.Errorf("GET %s: %v", u, err)
					return
				}
				if resp.StatusCode == http.StatusOK && (u == a.FeedURL() || u == a.AtomURL()) {
					var f rssFeed
					var af atomFeed
					if u == a.FeedURL() && xmlErr(body, &f) != nil || u == a.AtomURL() && xmlErr(body, &af) != nil {
						t.Errorf("GET %s: feed does not parse:\n%s", u, body)
					}
				}
			}
		})
	}
	wg.Wait()
}
