package sandbox

import (
	"fmt"
	"slices"
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

// DeleteMode is how a deleted post's permalink answers; the zero value
// means the post is not deleted.
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

// RestrictMode is how a restricted post's permalink answers; the zero
// value means the post is not restricted.
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
	hidden       bool // left out of listings while live (HideFromListing)
	page         rendered
}

// Publish adds p to the account, live, and returns its ID. An empty ID is
// assigned ("1", "2", …) and a zero Published time is the clock's now.
// Publishing an existing ID replaces that post and makes it live again,
// and shown in listings (HideFromListing off).
func (a *Account) Publish(p Post) string {
	if strings.ContainsAny(p.ID, "/?#") || p.ID == "." || p.ID == ".." {
		panic(fmt.Sprintf("sandbox: bad post id %q", p.ID))
	}
	p.Media = append([]string(nil), p.Media...)
	a.change(func(now time.Time) Action {
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
		return Action{Post: p.ID, Kind: Published, Text: p.HTML}
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
	a.changePost(id, func(p *post, now time.Time) Action {
		p.HTML = html
		p.updated = now
		return Action{Kind: Edited, Text: html}
	})
}

// Delete removes post id from listings; its permalink answers as how says.
func (a *Account) Delete(id string, how DeleteMode) {
	if how < Gone404 || how > RedirectHome {
		panic(fmt.Sprintf("sandbox: bad delete mode %v", how))
	}
	a.changePost(id, func(p *post, _ time.Time) Action {
		p.state, p.deleteMode = stateDeleted, how
		return Action{Kind: Deleted, Detail: how.String()}
	})
}

// Withhold removes post id from listings; its permalink answers 451 with a
// Link rel="blocked-by" naming blockedBy (RFC 7725), unless blockedBy is "".
func (a *Account) Withhold(id, blockedBy string) {
	a.changePost(id, func(p *post, _ time.Time) Action {
		p.state, p.blockedBy = stateWithheld, blockedBy
		return Action{Kind: Withheld, Detail: blockedBy}
	})
}

// Restrict removes post id from logged-out listings; its permalink answers
// as how says.
func (a *Account) Restrict(id string, how RestrictMode) {
	if how < Forbidden403 || how > LoginRedirect {
		panic(fmt.Sprintf("sandbox: bad restrict mode %v", how))
	}
	a.changePost(id, func(p *post, _ time.Time) Action {
		p.state, p.restrictMode = stateRestricted, how
		return Action{Kind: Restricted, Detail: how.String()}
	})
}

// Restore makes post id live again after Delete, Withhold or Restrict. On
// a live post it changes nothing, and logs Restored with Detail "".
func (a *Account) Restore(id string) {
	a.changePost(id, func(p *post, _ time.Time) Action {
		undone := ""
		switch p.state {
		case stateDeleted:
			undone = Deleted.String()
		case stateWithheld:
			undone = Withheld.String()
		case stateRestricted:
			undone = Restricted.String()
		}
		p.state = stateLive
		return Action{Kind: Restored, Detail: undone}
	})
}

// HideFromListing leaves post id out of feeds and the home page while on,
// as a listing glitch does: its permalink still answers as its state says,
// and the listing window fills with the next older posts.
func (a *Account) HideFromListing(id string, on bool) {
	a.changePost(id, func(p *post, _ time.Time) Action {
		p.hidden = on
		return Action{Kind: HiddenFromListing, Detail: onOff(on)}
	})
}

// PostStatus is what a post's permalink and the listings show of it now.
type PostStatus struct {
	Live       bool         // not deleted, withheld or restricted (suspension aside)
	Deleted    DeleteMode   // 0 unless deleted
	Withheld   bool         // answering 451
	Restricted RestrictMode // 0 unless restricted
	Hidden     bool         // HideFromListing is on
	// InListing: feeds and the home page show the post now. False while
	// the account is suspended, the listing is empty or the post is
	// hidden, not live or outside the listing window.
	InListing bool
}

// Status returns post id's status, or false if it was never published.
func (a *Account) Status(id string) (PostStatus, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	p, ok := a.posts[id]
	if !ok {
		return PostStatus{}, false
	}
	st := PostStatus{Hidden: p.hidden}
	switch p.state {
	case stateLive:
		st.Live = true
	case stateDeleted:
		st.Deleted = p.deleteMode
	case stateWithheld:
		st.Withheld = true
	case stateRestricted:
		st.Restricted = p.restrictMode
	}
	if !a.suspended {
		st.InListing = slices.Contains(a.listing(), p)
	}
	return st, true
}

// changePost applies fn to post id and logs the Action it returns, for
// that post. It panics on an unknown id: a script naming a post it never
// published is a bug in the script.
func (a *Account) changePost(id string, fn func(p *post, now time.Time) Action) {
	a.change(func(now time.Time) Action {
		p, ok := a.posts[id]
		if !ok {
			panic(fmt.Sprintf("sandbox: account %q has no post %q", a.name, id))
		}
		act := fn(p, now)
		act.Post = id
		return act
	})
}
