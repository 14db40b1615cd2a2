package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/web"
)

// dialAddr turns a listen address into one a client on this machine
// dials: an unspecified host is loopback.
func dialAddr(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}

// reindexPoll is how often reindex asks serve how far it is.
const reindexPoll = 500 * time.Millisecond

// reindexInServe asks the serve that holds the data directory (locked
// says so) to rebuild its index, and follows it to the end with the
// progress bar a local reindex shows; Ctrl-C stops the rebuild.
func reindexInServe(ctx context.Context, e *env, server string, h config.HTTP, locked error) error {
	if h.AdminToken.Value() == "" {
		return fmt.Errorf("%w\nreindex: a running serve rebuilds its index when asked with the admin token: set %s for serve and for reindex", locked, h.AdminTokenEnv)
	}
	c := reindexClient{base: server, token: h.AdminToken.Value(), http: &http.Client{Timeout: 30 * time.Second}}
	st, code, err := c.call(ctx, http.MethodPost)
	if err != nil {
		return fmt.Errorf("%w\nreindex: no serve answers at %s (%w): if serve listens elsewhere, say where with --server; if a snapshot holds the data directory, reindex once it is done", locked, server, err)
	}
	switch code {
	case http.StatusAccepted:
		fmt.Fprintf(e.stderr, "reindex: serve at %s is rebuilding its index; it searches the old one until the new one is done\n", server)
	case http.StatusConflict:
		fmt.Fprintf(e.stderr, "reindex: serve at %s is rebuilding its index already; following it\n", server)
	default:
		return fmt.Errorf("reindex: serve at %s answered %d: %s", server, code, st.Error)
	}
	bar := progressBar(e.stderr, "reindex")
	phase := st.Phase
	tick := time.NewTicker(reindexPoll)
	defer tick.Stop()
	for st.Running {
		select {
		case <-ctx.Done():
			stopCtx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if _, _, err := c.call(stopCtx, http.MethodDelete); err != nil {
				return fmt.Errorf("reindex: interrupted, and serve at %s did not hear the stop (%w): it goes on rebuilding", server, err)
			}
			return errors.New("reindex: stopped (the index in use is untouched)")
		case <-tick.C:
		}
		if st, code, err = c.call(ctx, http.MethodGet); err != nil || code != http.StatusOK {
			if ctx.Err() != nil {
				continue // the select above stops it
			}
			if err == nil {
				err = fmt.Errorf("status %d: %s", code, st.Error)
			}
			return fmt.Errorf("reindex: lost serve at %s: %w", server, err)
		}
		if bar != nil && st.Total > 0 && st.Phase == "building" {
			bar(st.Done, st.Total)
		}
		if st.Phase != phase && st.Running {
			phase = st.Phase
			if bar != nil && st.Total > 0 {
				bar(st.Total, st.Total) // ends the bar's line
			}
			fmt.Fprintln(e.stderr, "reindex: "+phaseWords[phase])
		}
	}
	if st.Phase != "done" {
		return fmt.Errorf("reindex in serve at %s: %s", server, st.Error)
	}
	took := time.Duration(0)
	if st.Started != nil && st.Finished != nil {
		took = st.Finished.Sub(*st.Started)
	}
	fmt.Fprintf(e.stdout, "reindex: %d posts in %s (by serve)\n", st.Done, took.Round(time.Millisecond))
	return nil
}

// phaseWords say what serve's rebuild is doing, as a local one says it.
var phaseWords = map[string]string{"building": "building", "merging": "merging segments", "swapping": "swapping the new index in"}

// reindexClient speaks to /api/reindex.
type reindexClient struct {
	base, token string
	http        *http.Client
}

// call sends method to /api/reindex and decodes the status (or the
// error) it answers.
func (c reindexClient) call(ctx context.Context, method string) (web.ReindexStatus, int, error) {
	var st web.ReindexStatus
	req, err := http.NewRequestWithContext(ctx, method, c.base+"/api/reindex", nil)
	if err != nil {
		return st, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return st, 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return st, resp.StatusCode, err
	}
	if resp.StatusCode >= 400 && resp.StatusCode != http.StatusConflict {
		var e struct{ Error string }
		if json.Unmarshal(body, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(body))
		}
		st.Error = e.Error
		return st, resp.StatusCode, nil
	}
	if err := json.Unmarshal(body, &st); err != nil {
		return st, resp.StatusCode, fmt.Errorf("not a reindex status: %w", err)
	}
	return st, resp.StatusCode, nil
}
