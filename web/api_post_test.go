package web

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
)

// /api/posts/{id} writes its versions' times as the exports write times:
// whole seconds, UTC (a version first seen at .46 s came out with the
// fraction).
func TestAPIPost_VersionTimesAsTheExports(t *testing.T) {
	e := newEvidence(t, Options{})
	at := e.t0.Add(5*time.Hour + 460*time.Millisecond)
	if err := e.a.Store.Write(t.Context(), func(tx *store.Tx) error {
		return tx.AddVersion(&store.Version{PostID: e.postID, Digest: "c", Text: "third", FirstSeen: at, LastSeen: at.Add(time.Minute)})
	}); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(e.srv.URL + "/api/posts/" + e.postID)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out struct {
		Versions []struct {
			FirstSeen string `json:"first_seen"`
			LastSeen  string `json:"last_seen"`
		}
	}
	if err := json.Unmarshal(b, &out); err != nil || len(out.Versions) != 3 {
		t.Fatalf("%v: %s", err, b)
	}
	exportTime := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
	for i, v := range out.Versions {
		if !exportTime.MatchString(v.FirstSeen) || !exportTime.MatchString(v.LastSeen) {
			t.Errorf("version %d: first_seen %q, last_seen %q", i+1, v.FirstSeen, v.LastSeen)
		}
	}
	if out.Versions[2].FirstSeen != "2026-05-01T13:00:00Z" {
		t.Errorf("third version first seen %q", out.Versions[2].FirstSeen)
	}
}
