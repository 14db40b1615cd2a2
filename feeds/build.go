package feeds

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
)

// Source is what feeds read from the archive.
type Source interface {
	Events(ctx context.Context, q store.EventQuery) ([]*store.EventRow, error)
	TextAt(ctx context.Context, postID string, at time.Time) (string, error)
	Actors(ctx context.Context) ([]store.Actor, error)
}

// Searcher finds the posts of a saved search.
type Searcher interface {
	PostIDs(ctx context.Context, q string, states []string, limit int) ([]string, error)
}

// ErrNoSearch is returned for a saved-search feed when no index is at hand.
var ErrNoSearch = errors.New("feeds: search is not available")

// ErrUnknown is returned for a feed name that names nothing.
var ErrUnknown = errors.New("feeds: no such feed")

// Reasons of removal, in the order feeds list them.
var Reasons = []string{"deleted", "withheld_legal", "account_gone", "unknown"}

// Limits of ?limit=.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Params are a feed request's options.
type Params struct {
	Limit int
	// Corrections keeps likely corrections in removal feeds.
	Corrections bool
	// Q and States are a saved search's query.
	Q      string
	States []string
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// spec is what a feed name selects.
type spec struct {
	name, title, page string
	q                 store.EventQuery
	removals          bool
	search            bool
}

// parse reads a feed name: events, removals, actors/ID, affiliations/NAME,
// platforms/NAME, reasons/REASON, search.
func parse(name string, actors map[string]store.Actor) (*spec, error) {
	kind, value, _ := strings.Cut(name, "/")
	s := &spec{name: name, q: store.EventQuery{Fold: true}}
	removalTypes := []string{store.EventRemoved, store.EventAccountGone}
	switch {
	case name == "events":
		s.title, s.page = "takedownwatch: every change", ""
	case name == "removals":
		s.title, s.page, s.removals = "takedownwatch: removals", "", true
		s.q.Types = removalTypes
	case name == "search":
		s.title, s.page, s.search = "takedownwatch: saved search", "", true
	case kind == "actors" && idPattern.MatchString(value):
		a, ok := actors[value]
		if !ok {
			return nil, ErrUnknown
		}
		s.title, s.page, s.q.Actor = "takedownwatch: "+a.Name, "actors/"+value, value
	case kind == "affiliations" && slices.Contains(config.Affiliations, value):
		s.title, s.q.Affiliation = "takedownwatch: "+strings.ReplaceAll(value, "_", " ")+" actors", value
	case kind == "platforms" && slices.Contains(config.Platforms, value):
		s.title, s.q.Platform = "takedownwatch: "+value, value
	case kind == "reasons" && slices.Contains(Reasons, value):
		s.title, s.removals = "takedownwatch: removals — "+ReasonWords(value), true
		if value == "account_gone" {
			s.q.Types = []string{store.EventAccountGone}
		} else {
			s.q.Types, s.q.Reason = []string{store.EventRemoved}, value
		}
	default:
		return nil, ErrUnknown
	}
	return s, nil
}

// Build reads the named feed from the archive.
func Build(ctx context.Context, src Source, search Searcher, name string, p Params) (*Feed, error) {
	list, err := src.Actors(ctx)
	if err != nil {
		return nil, err
	}
	actors := map[string]store.Actor{}
	for _, a := range list {
		actors[a.ID] = a
	}
	s, err := parse(name, actors)
	if err != nil {
		return nil, err
	}
	limit := p.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	s.q.Limit = min(limit, MaxLimit)
	s.q.NoCorrections = s.removals && !p.Corrections
	f := &Feed{Name: name, Title: s.title, Page: s.page}
	if s.search {
		if search == nil {
			return nil, ErrNoSearch
		}
		ids, err := search.PostIDs(ctx, p.Q, p.States, MaxLimit)
		if err != nil {
			return nil, err
		}
		s.q.PostIDs = ids
		// The search found posts, not accounts: a post removed with its
		// account is told by its own removal, which folding would leave
		// to an account_gone event that names no post.
		s.q.Fold = false
		if len(p.States) > 0 {
			s.q.Types = eventTypesFor(p.States)
		}
		f.Query = url.Values{}
		if p.Q != "" {
			f.Query.Set("q", p.Q)
		}
		for _, st := range p.States {
			f.Query.Add("state", st)
		}
		f.Title = searchTitle(p.Q, p.States)
	}
	if p.Corrections && s.removals {
		f.Query = url.Values{"corrections": {"1"}}
	}
	f.Description = f.Title + ", newest first"
	events, err := src.Events(ctx, s.q)
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		entry := Entry{EventRow: e}
		if e.PostID != "" {
			if entry.Text, err = src.TextAt(ctx, e.PostID, e.At); err != nil {
				return nil, err
			}
		}
		f.Entries = append(f.Entries, entry)
	}
	return f, nil
}

// searchTitle names a saved search's feed by what it asks; one without
// words follows every post (of the states it names), which a reader's
// list shows better than `search ""`.
func searchTitle(q string, states []string) string {
	t := "takedownwatch: every post"
	if q != "" {
		t = fmt.Sprintf("takedownwatch: search %q", q)
	}
	if len(states) > 0 {
		t += " (" + strings.Join(states, ", ") + ")"
	}
	return t
}

// eventTypesFor is which events a saved search on post states follows.
func eventTypesFor(states []string) []string {
	var types []string
	for _, s := range states {
		switch s {
		case store.StateRemoved:
			types = append(types, store.EventRemoved, store.EventAccountGone)
		case store.StateRestricted:
			types = append(types, store.EventRestricted)
		case store.StateLive:
			types = append(types, store.EventNew, store.EventEdited, store.EventRestored)
		}
	}
	return types
}

// Ref names one feed for the OPML list.
type Ref struct {
	Name, Title string
}

// All lists every feed the archive offers: everything, removals, one per
// actor, affiliation, platform and removal reason.
func All(ctx context.Context, src Source, platforms []string) ([]Ref, error) {
	actors, err := src.Actors(ctx)
	if err != nil {
		return nil, err
	}
	refs := []Ref{{"events", "Every change"}, {"removals", "Removals"}}
	for _, a := range actors {
		refs = append(refs, Ref{"actors/" + a.ID, a.Name})
	}
	for _, a := range config.Affiliations {
		refs = append(refs, Ref{"affiliations/" + a, "Affiliation: " + strings.ReplaceAll(a, "_", " ")})
	}
	for _, p := range platforms {
		refs = append(refs, Ref{"platforms/" + p, "Platform: " + p})
	}
	for _, r := range Reasons {
		refs = append(refs, Ref{"reasons/" + r, "Removals: " + ReasonWords(r)})
	}
	return refs, nil
}
