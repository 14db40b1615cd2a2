package bluesky

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/takedownwatch/takedownwatch/internal/accounts"
	"github.com/takedownwatch/takedownwatch/internal/testtool"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

// Every parser is fuzzed from the real samples of ../shared/fixtures/bluesky,
// read when the fuzz test starts (any sample seeds any parser: they are
// all XRPC JSON), and a few written here for what no sample shows: repo
// statuses, DID documents, labels, view types.

// seedBodies are the fixture samples, or none when the folder is missing
// (a user's own clone; CI requires it).
func seedBodies(f *testing.F) [][]byte {
	dir := filepath.Join(testtool.Root(f), "..", "shared", "fixtures", "bluesky")
	entries, err := os.ReadDir(dir)
	if err != nil {
		if os.Getenv("CI") == "true" {
			testtool.Missing(f, "fixture folder "+dir, "it sits beside the repository in development checkouts")
		}
		return nil
	}
	var out [][]byte
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") || strings.HasSuffix(e.Name(), ".meta.json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			f.Fatalf("seed: %v", err)
		}
		out = append(out, b, unJest(b))
	}
	return out
}

const fuzzDID = "did:plc:wpe35pganb6d4pg4ekmfy6u5"

var inlineSeeds = []string{
	``,
	`{}`,
	`null`,
	`{"did":"` + fuzzDID + `","active":false,"status":"takendown"}`,
	`{"did":"` + fuzzDID + `","active":true,"rev":"3lpis5o776z2g"}`,
	`{"error":"AccountTakedown","message":"Account has been suspended"}`,
	`{"error":"RepoNotFound","message":"Could not find repo for DID"}`,
	`{"id":"` + fuzzDID + `","service":[{"id":"#atproto_pds","type":"AtprotoPersonalDataServer","serviceEndpoint":"https://pds.example"}]}`,
	`{"posts":[{"$type":"app.bsky.feed.defs#blockedPost","uri":"at://` + fuzzDID + `/app.bsky.feed.post/3k","blocked":true}]}`,
	`{"posts":[{"$type":"app.bsky.feed.defs#notFoundPost","uri":"at://` + fuzzDID + `/app.bsky.feed.post/3k","notFound":true}]}`,
	`{"posts":[{"uri":"at://` + fuzzDID + `/app.bsky.feed.post/3k","author":{"did":"` + fuzzDID + `"},"record":{"text":"<b>x</b>"},` +
		`"labels":[{"src":"did:plc:cquoj7aozvmkud2gifeinkda","val":"!hide","exp":"2030-01-01T00:00:00Z"},{"src":"did:plc:cquoj7aozvmkud2gifeinkda","val":"!hide","neg":true}]}]}`,
	`{"feed":[{"post":{"uri":"at://` + fuzzDID + `/app.bsky.feed.post/3k","author":{"did":"` + fuzzDID + `","handle":"handle.invalid"},"record":{"text":"a","createdAt":"2025-13-01T00:00:00Z"},` +
		`"embed":{"$type":"app.bsky.embed.recordWithMedia#view","media":{"$type":"app.bsky.embed.images#view","images":[{"fullsize":"https://cdn.example/a.jpg"},{"fullsize":"javascript:x"}]}}},"reason":null}],"cursor":"1696301352905::bafy"}`,
	`{"profiles":[{"did":"` + fuzzDID + `","handle":"a.bsky.social","followersCount":1e308,"followsCount":-1}]}`,
}

func addSeeds(f *testing.F) {
	for _, b := range seedBodies(f) {
		f.Add(b)
	}
	for _, s := range inlineSeeds {
		f.Add([]byte(s))
	}
}

func checkErr(t *testing.T, err error) {
	if !strings.HasPrefix(err.Error(), "bluesky: ") {
		t.Fatalf("error %q does not say where it comes from", err)
	}
}

func FuzzParseAuthorFeed(f *testing.F) {
	addSeeds(f)
	acc := account{web: "https://bsky.app"}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		feed, err := parseAuthorFeed(body)
		if err != nil {
			checkErr(t, err)
			return
		}
		for _, it := range feed.Items {
			item, ok := acc.item(it, it.Post.Author.DID, now)
			if !ok {
				continue
			}
			if _, ok := parsePostURI(item.PlatformID); !ok {
				t.Fatalf("PlatformID %q is not a post URI", item.PlatformID)
			}
			if !webURL(item.URL) || !strings.HasPrefix(item.URL, "https://bsky.app/profile/") {
				t.Fatalf("URL %q", item.URL)
			}
			if !utf8.ValidString(item.Text) || normalize.Plain(item.Text) != item.Text {
				t.Fatalf("text %q is not normalized", item.Text)
			}
			for _, m := range item.Media {
				if !webURL(m) {
					t.Fatalf("media %q", m)
				}
			}
		}
	})
}

func FuzzParsePosts(f *testing.F) {
	addSeeds(f)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	known := map[monitor.Class]bool{monitor.ClassLive: true, monitor.ClassDeleted: true, monitor.ClassWithheld: true,
		monitor.ClassUnknown: true, monitor.ClassRestricted: true, monitor.ClassTransient: true}
	f.Fuzz(func(t *testing.T, body []byte) {
		views, err := parsePosts(body)
		if err != nil {
			checkErr(t, err)
			return
		}
		resp := &monitor.FetchResponse{StatusCode: http.StatusOK, Body: body}
		for _, v := range views {
			u, ok := parsePostURI(v.URI)
			if !ok {
				continue
			}
			a, absent := classify(resp, u, now)
			if !known[a.Class] || (absent && a.Class != monitor.ClassDeleted) {
				t.Fatalf("answer %+v, absent %v", a, absent)
			}
			if absent {
				t.Fatalf("post %s is in the answer but read as absent", v.URI)
			}
		}
	})
}

func FuzzParseProfile(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := parseProfile(body)
		if err != nil {
			checkErr(t, err)
			return
		}
		if !accounts.IsDID(p.DID) {
			t.Fatalf("DID %q", p.DID)
		}
		for _, m := range metrics(p) {
			if m.Name != monitor.MetricFollowers && m.Name != monitor.MetricFollowing && m.Name != monitor.MetricPosts {
				t.Fatalf("metric %q", m.Name)
			}
		}
	})
}

func FuzzParseRepoStatus(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		st, err := parseRepoStatus(body)
		if err != nil {
			checkErr(t, err)
			return
		}
		if !accounts.IsDID(st.DID) {
			t.Fatalf("DID %q", st.DID)
		}
	})
}

func FuzzParseDIDDocument(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		ep, err := parseDIDDocument(body, fuzzDID)
		if err != nil {
			checkErr(t, err)
			return
		}
		if !webURL(ep) || strings.HasSuffix(ep, "/") {
			t.Fatalf("endpoint %q", ep)
		}
	})
}

func FuzzParseXRPCError(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		e, ok := parseXRPCError(body)
		if ok != (e.Name != "" || e.Message != "") {
			t.Fatalf("%+v, ok %v", e, ok)
		}
	})
}
