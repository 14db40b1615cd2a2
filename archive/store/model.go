package store

import (
	"strings"
	"time"
)

// Actor is a person or organisation whose accounts are watched.
type Actor struct {
	ID, Name, Affiliation, Country, Notes string
}

// Source is one account on one platform, with its health.
type Source struct {
	ID, ActorID, Platform, URL, Schedule, Vantage string
	Active                                        bool
	// Status is new | ok | failing | paused | gone.
	Status              string
	LastAttempt         time.Time
	LastSuccess         time.Time
	LastError           string
	LastErrorAt         time.Time
	ConsecutiveFailures int
	// Cursor is collector state that must survive restarts (e.g. an
	// account's platform id), opaque to the store.
	Cursor string
	// Account-level answers awaiting confirmation, and the confirmed loss.
	Pending      Pending
	GoneAt       time.Time
	GoneDetail   string
	LastSeenLive time.Time
	// MissingSince is the first account-level answer of the current
	// streak of removal-class answers (the end of the loss bracket).
	MissingSince time.Time
}

// Pending is a removal-class (or restricted) answer awaiting confirmation:
// its class, how many answers counted (at least the confirm interval
// apart), when the last one counted, the platform's words, and the
// captures the answers rest on.
type Pending struct {
	Class    string
	Count    int
	At       time.Time
	Detail   string
	Evidence []int64
}

// Capture is one fetch of a URL and where its records are.
type Capture struct {
	ID            int64
	URL           string
	Kind          string // listing | permalink | media | report | account
	SourceID      string
	At            time.Time
	Status        int // 0: no HTTP answer (see Error)
	ContentType   string
	ETag          string
	LastModified  string
	PayloadDigest string
	BlockDigest   string
	RecordType    string // response | revisit; "" without a record
	RecordID      string
	WARCFile      string
	WARCOffset    int64
	WARCLength    int64
	RequestOffset int64
	RequestLength int64
	Truncated     bool
	Vantage       string
	Error         string
	RevisitOf     int64
	// Pending: a conditional fetch's answer whose contents the caller has
	// not committed yet (TakeIn); no base for the next conditional
	// request until then.
	Pending bool
}

// HasRecord reports whether the capture has WARC records.
func (c *Capture) HasRecord() bool { return c.WARCFile != "" }

// Post states.
const (
	StateLive       = "live"
	StateSuspect    = "suspect"
	StateRemoved    = "removed"
	StateRestricted = "restricted"
	StateHidden     = "hidden"
)

// States are the states a post can be in, as filters take them.
var States = []string{StateLive, StateSuspect, StateRemoved, StateRestricted, StateHidden}

// Post is a platform item, keyed by (Platform, PlatformID).
type Post struct {
	ID               string
	Platform         string
	PlatformID       string
	SourceID         string
	PostURL          string
	CanonicalURL     string
	Published        time.Time
	FirstSeen        time.Time
	LastSeenLive     time.Time
	State            string
	Reason           string
	Detail           string
	FirstSeenMissing time.Time
	LikelyCorrection bool
	Imported         bool
	CurrentVersion   int64
	NextCheckAt      time.Time
	CheckStep        int
	Pending          Pending
	// Transients counts transient answers in a row, for the backoff.
	Transients int
	// RemovalEvent is the event that recorded the current removal.
	RemovalEvent int64
	// ReportedAt is the earliest filing of a report naming the post: it is
	// re-checked on the faster recheck_reported schedule from then.
	ReportedAt time.Time
	// ListedAt is when a listing of its source last showed it (a
	// permalink check that finds it live does not move it).
	ListedAt time.Time
}

// OwnSep joins a platform id another actor's source listed first to the
// id of the source that listed it too (see monitor's ownKey): the post's
// key in the archive, not its id on the platform.
const OwnSep = " @"

// NativeID is the post's id on its platform: PlatformID without the
// OwnSep suffix a shared id is kept under. Checks ask the platform by it.
func (p *Post) NativeID() string {
	if i := strings.LastIndex(p.PlatformID, OwnSep); i > 0 {
		return p.PlatformID[:i]
	}
	return p.PlatformID
}

// Version is one distinct normalized content of a post.
type Version struct {
	ID        int64
	PostID    string
	Digest    string
	Title     string
	Text      string
	Media     []string
	FirstSeen time.Time
	LastSeen  time.Time
	CaptureID int64
}

// Event types.
const (
	EventNew            = "new"
	EventEdited         = "edited"
	EventRemoved        = "removed"
	EventRestored       = "restored"
	EventRestricted     = "restricted"
	EventReported       = "reported"
	EventAccountGone    = "account_gone"
	EventMetricsAnomaly = "metrics_anomaly"
)

// Metric is the change a metrics_anomaly event tells of.
type Metric struct {
	Name     string
	From, To float64
}

// Event is a change worth telling.
type Event struct {
	ID               int64
	Type             string
	At               time.Time
	PostID           string
	SourceID         string
	Reason           string
	Detail           string
	LikelyCorrection bool
	LastSeenLive     time.Time
	FirstSeenMissing time.Time
	Diff             string
	Metric           *Metric
	// ParentID is the account_gone event a per-post removal belongs to.
	ParentID int64
	Evidence []int64
}

// MetricValue is one account metric at one snapshot.
type MetricValue struct {
	Name  string
	Value float64
}
