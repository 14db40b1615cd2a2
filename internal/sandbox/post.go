package sandbox

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Post is what a script publishes. Media entries are file names of the
// account's media (see SetMedia) or absolute URLs.
type Post struct {
	ID        string
	Title     string
	HTML      string
	Published time.Time
	Media     []string
}

// DeleteMode is how a deleted post's permalink answers.
type DeleteMode int

// Delete modes, one per way platforms signal a deletion.
const (
	Gone404      DeleteMode = iota + 1 // 404 Not Found
	Gone410                            // 410 Gone
	Soft404                            // 200 with a "content isn't available" page
	RedirectHome                       // 302 to the account's home page
)

func (m DeleteMode) String() string {
	switch m {
	case Gone404:
		return "Gone404"
	case Gone410:
		return "Gone410"
	case Soft404:
		return "Soft404"
	case RedirectHome:
		return "RedirectHome"
	}
	return "DeleteMode(" + strconv.Itoa(int(m)) + ")"
}

// RestrictMode is how a restricted post's permalink answers.
type RestrictMode int

// Restrict modes: restricted is not removed, so these must stay
// distinguishable from every DeleteMode.
const (
	Forbidden403  RestrictMode = iota + 1 // 403 Forbidden
	LoginRedirect                         // 302 to /login?next=…
)

func (m RestrictMode) String() string {
	switch m {
	case Forbidden403:
		return "Forbidden403"
	case LoginRedirect:
		return "LoginRedirect"
	}
	return "RestrictMode(" + strconv.Itoa(int(m)) + ")"
}

type postState int

const (
	stateLive postState = iota
	stateDeleted
	stateWithheld
	stateRestricted
)

// post is a published Post with the state scripts put it in.
type post struct {
	Post
	seq          int
	updated      time.Time
	state        postState
	deleteMode   DeleteMode
	restrictMode RestrictMode
	blockedBy    string
	page         rendered
}

// Publish adds p to the account, live, and returns its ID. An empty ID is
// assigned ("1", "2", …) and a zero Published time is the clock's now.
// Publishing an existing ID replaces that post and makes it live again.
func (a *Account) Publish(p Post) string {
	if strings.ContainsAny(p.ID, "/?#") || p.ID == "." || p.ID == ".." {
		panic(fmt.Sprintf("sandbox: bad post id %q", p.ID))
	}
	p.Media = append([]string(nil), p.Media...)
	a.change(func() {
		now := a.h.sb.clock()
		if p.ID == "" {
			for a.posts[strconv.Itoa(a.nextID)] != nil {
				a.nextID++
			}
			p.ID = strconv.Itoa(a.nextID)
			a.nextID++
		}
		if p.Published.IsZero() {
			p.Published = now
		}
		a.seq++
		np := &post{Post: p, seq: a.seq, updated: now}
		if old := a.posts[p.ID]; old != nil {
			// Keep the old validators so Last-Modified still moves forward.
			np.page = old.page
		}
		a.posts[p.ID] = np
	})
	return p.ID
}

// Post returns the published post id as it is now.
func (a *Account) Post(id string) (Post, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	p, ok := a.posts[id]
	if !ok {
		return Post{}, false
	}
	out := p.Post
	out.Media = append([]string(nil), p.Media...)
	return out, true
}

// Edit replaces the content of post id; its permalink and listings follow.
func (a *Account) Edit(id, html string) {
	a.changePost(id, func(p *post) {
		p.HTML = html
		p.updated = a.h.sb.clock()
	})
}

// Delete removes post id from listings; its permalink answers as how says.
func (a *Account) Delete(id string, how DeleteMode) {
	if how < Gone404 || how > RedirectHome {
		panic(fmt.Sprintf("sandbox: bad delete mode %v", how))
	}
	a.changePost(id, func(p *post) { p.state, p.deleteMode = stateDeleted, how })
}

// Withhold removes post id from listings; its permalink answers 451 with a
// Link rel="blocked-by" naming blockedBy (RFC 7725), unless blockedBy is "".
func (a *Account) Withhold(id, blockedBy string) {
	a.changePost(id, func(p *post) { p.state, p.blockedBy = stateWithheld, blockedBy })
}

// Restrict removes post id from logged-out listings; its permalink answers
// as how says.
func (a *Account) Restrict(id string, how RestrictMode) {
	if how < Forbidden403 || how > LoginRedirect {
		panic(fmt.Sprintf("sandbox: bad restrict mode %v", how))
	}
	a.changePost(id, func(p *post) { p.state, p.restrictMode = stateRestricted, how })
}

// Restore makes post id live again after Delete, Withhold or Restrict.
func (a *Account) Restore(id string) {
	a.changePost(id, func(p *post) { p.state = stateLive })
}

// changePost applies fn to post id. It panics on an unknown id: a script
// naming a post it never published is a bug in the script.
func (a *Account) changePost(id string, fn func(*post)) {
	a.change(func() {
		p, ok := a.posts[id]
		if !ok {
			panic(fmt.Sprintf("sandbox: account %q has no post %q", a.name, id))
		}
		fn(p)
	})
}
