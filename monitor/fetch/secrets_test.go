package fetch

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/monitor"
)

// TestClient_Fetch_SecretsNeverArchived sends a token in the query string
// and an Authorization header, has the platform echo the token back in a
// redirect, a Link header and the body, and fails one fetch on the
// network: no WARC byte, log line or error message may hold either secret.
func TestClient_Fetch_SecretsNeverArchived(t *testing.T) {
	const (
		token = "EAAG-secret-token-4f1c9a7e2b"
		auth  = "Bearer auth-secret-8d2e6c0b91"
	)
	var gotToken, gotAuth string
	mux := http.NewServeMux()
	mux.HandleFunc("/graph/page", func(w http.ResponseWriter, r *http.Request) {
		gotToken, gotAuth = r.URL.Query().Get("access_token"), r.Header.Get("Authorization")
		http.Redirect(w, r, "/graph/v2/page?fields=message&access_token="+token, http.StatusMovedPermanently)
	})
	mux.HandleFunc("/graph/v2/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", "</graph/v2/page?after=x&access_token="+token+`>; rel="next"`)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":[],"paging":{"next":"https://graph.example/v2/page?access_token=`+token+`"}}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)

	a := newArchive(t, token)
	var logs bytes.Buffer
	l := logrus.New()
	l.Out, l.Level = &logs, logrus.DebugLevel
	c := newClient(t, testConfig(), a, WithLogger(logrus.NewEntry(l)))
	header := http.Header{"Authorization": {auth}}

	resp, err := c.Fetch(t.Context(), &monitor.FetchRequest{URL: srv.URL + "/graph/page?access_token=" + token, Header: header})
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if gotToken != token || gotAuth != auth {
		t.Fatalf("server got token %q and Authorization %q: the test sends nothing to hide", gotToken, gotAuth)
	}
	if len(resp.Hops) != 1 || resp.StatusCode != http.StatusOK {
		t.Fatalf("got %d after %d hops, want 200 after 1", resp.StatusCode, len(resp.Hops))
	}
	_, err = c.Fetch(t.Context(), &monitor.FetchRequest{URL: "http://" + closedAddr(t) + "/x?access_token=" + token, Header: header})
	var fe *monitor.FetchError
	if !errors.As(err, &fe) {
		t.Fatalf("Fetch of a closed port = %v, want a FetchError", err)
	}

	secrets := []string{token, strings.TrimPrefix(auth, "Bearer ")}
	for _, s := range secrets {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error message %q holds a secret", err)
		}
		if strings.Contains(logs.String(), s) {
			t.Errorf("logs hold a secret: %s", logs.String())
		}
	}
	files := warcBytes(t, a.WARCDir())
	if len(files) == 0 {
		t.Fatal("no WARC files written")
	}
	for name, b := range files {
		if !bytes.Contains(b, []byte("/graph/v2/page")) {
			t.Errorf("%s: no record of the final page: is it read right?", name)
		}
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds secret %q", name, s)
			}
		}
	}
}

// warcBytes returns every file under dir, raw and with every gzip member
// inflated, keyed by name.
func warcBytes(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		all := bytes.Clone(raw)
		// gzip.Reader reads concatenated members as one stream.
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return err
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			return err
		}
		out[filepath.Base(path)] = append(all, plain...)
		return nil
	})
	if err != nil {
		t.Fatalf("read WARC files: %v", err)
	}
	return out
}
