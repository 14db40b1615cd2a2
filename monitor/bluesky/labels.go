package bluesky

import (
	"sort"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/monitor"
)

// How Bluesky shows a post withheld, taken down or behind a login, and
// what it means here.
//
// Bluesky withholds content in one country with labels, not with an HTTP
// status: Bluesky runs a moderation labeler per jurisdiction (Brazil,
// Germany, Russia, the UK, Australia, Türkiye, Japan, Spain, Pakistan,
// India, the EU) that puts "!hide" on what a court or authority there had
// withheld, and its apps apply that labeler to viewers located there. The
// AppView attaches a labeler's labels only when the request names it in
// atproto-accept-labelers, so every request here names Bluesky's global
// moderation service and all the geographic labelers, and a post's labels
// read:
//
//	"!hide" or "!takedown" from a geographic labeler → withheld_legal,
//	        detail "label !hide from <did> (<country>)"
//	"!takedown" or "!hide" from Bluesky's moderation service → unknown
//	        (a platform-wide removal that gives no reason)
//	"!no-unauthenticated" from the author or the moderation service →
//	        restricted (logged-out viewers are shown nothing)
//
// A negated label (neg) cancels the same value from the same labeler; an
// expired one (exp in the past) counts for nothing. Labels on the author
// rather than the post (an account hidden in a country) are not read: the
// model has no account-level withholding, and reading them as each post's
// would hide every new post of the account from the archive.

// moderationService is Bluesky's global moderation labeler.
const moderationService = "did:plc:ar7c4by46qjdydhdevvrndac"

// geoLabelers are Bluesky's geographic moderation labelers, by DID, with
// the jurisdiction each serves (as Bluesky's app configures them).
var geoLabelers = map[string]string{
	"did:plc:ekitcvx7uwnauoqy5oest3hm": "BR",
	"did:plc:r55ow3tocux5kafs5dq445fy": "DE",
	"did:plc:crm2agcxvvlj6hilnjdc4hox": "RU",
	"did:plc:gvkp7euswjjrctjmqwhhfzif": "GB",
	"did:plc:dsynw7isrf2eqlhcjx3ffnmt": "AU",
	"did:plc:cquoj7aozvmkud2gifeinkda": "TR",
	"did:plc:vhgppeyjwgrr37vm4v6ggd5a": "JP",
	"did:plc:zlbbuj5nov4ixhvgl3bj47em": "ES",
	"did:plc:zrp6a3tvprrsgawsbswbxu7m": "PK",
	"did:plc:srr4rdvgzkbx6t7fxqtt6j5t": "IN",
	"did:plc:z57lz5dhgz2dkjogoysm3vut": "EU",
}

// acceptLabelers is the atproto-accept-labelers header of every request:
// the moderation service (redacting what it takes down, as Bluesky's app
// asks) and every geographic labeler.
var acceptLabelers = func() string {
	dids := make([]string, 0, len(geoLabelers))
	for did := range geoLabelers {
		dids = append(dids, did)
	}
	sort.Strings(dids)
	return moderationService + ";redact, " + strings.Join(dids, ", ")
}()

// judgeLabels reads a post's labels (author is the post's author DID) as
// an answer class and detail; ClassLive when none of them hides the post.
func judgeLabels(labels []label, author string, now time.Time) (monitor.Class, string) {
	type key struct{ src, val string }
	active := map[key]bool{}
	var order []key
	for _, l := range labels {
		k := key{l.Src, l.Val}
		if l.Neg {
			delete(active, k)
			continue
		}
		if exp, err := time.Parse(time.RFC3339Nano, l.Exp); err == nil && !exp.After(now) {
			continue
		}
		if !active[k] {
			order = append(order, k)
		}
		active[k] = true
	}
	class, detail := monitor.ClassLive, ""
	rank := 0 // withheld (3) over a removal without reason (2) over a login wall (1)
	for _, k := range order {
		if !active[k] {
			continue
		}
		r, c := 0, monitor.ClassLive
		switch cc, geo := geoLabelers[k.src]; {
		case geo && (k.val == "!hide" || k.val == "!takedown"):
			r, c = 3, monitor.ClassWithheld
			if r > rank {
				detail = "label " + k.val + " from " + k.src + " (" + cc + ")"
			}
		case k.src == moderationService && (k.val == "!hide" || k.val == "!takedown"):
			r, c = 2, monitor.ClassUnknown
			if r > rank {
				detail = "label " + k.val + " from " + k.src
			}
		case k.val == "!no-unauthenticated" && (k.src == author || k.src == moderationService):
			r, c = 1, monitor.ClassRestricted
			if r > rank {
				detail = "label !no-unauthenticated"
			}
		}
		if r > rank {
			rank, class = r, c
		}
	}
	return class, detail
}
