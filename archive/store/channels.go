package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ChannelHealth is what the archive knows of a report channel's fetches,
// so a broken channel shows as broken rather than as "no reports".
type ChannelHealth struct {
	ID                     string
	LastSuccess, LastError time.Time
	Error                  string // of the last failure; kept after a success for the record
	Failures               int    // in a row; 0 after a success
}

// State is "never run" (no fetch recorded: the zero value too), "failing"
// (failures in a row) or "ok".
func (h ChannelHealth) State() string {
	switch {
	case h.LastSuccess.IsZero() && h.LastError.IsZero():
		return "never run"
	case h.Failures > 0:
		return "failing"
	}
	return "ok"
}

// A channel's health lives in settings under "channel:ID:…", beside its
// cursor.
func channelKey(id, what string) string { return "channel:" + id + ":" + what }

// ChannelAttempt records one fetch of a report channel: a success resets
// the failures in a row, a failure counts and keeps its error.
func (t *Tx) ChannelAttempt(id string, at time.Time, fetchErr error) error {
	if fetchErr == nil {
		if err := t.SetSetting(channelKey(id, "last_success"), at.UTC().Format(time.RFC3339)); err != nil {
			return err
		}
		return t.SetSetting(channelKey(id, "failures"), "0")
	}
	n, _ := t.Setting(channelKey(id, "failures"))
	failures, _ := strconv.Atoi(n)
	if err := t.SetSetting(channelKey(id, "failures"), strconv.Itoa(failures+1)); err != nil {
		return err
	}
	return t.SetSetting(channelKey(id, "last_error"), at.UTC().Format(time.RFC3339)+" "+fetchErr.Error())
}

// ReportChannels returns the health of every report channel fetched at
// least once, by id.
func (s *Store) ReportChannels(ctx context.Context) ([]ChannelHealth, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT key, value FROM settings WHERE key LIKE 'channel:%' ORDER BY key`)
	if err != nil {
		return nil, fmt.Errorf("store: report channels: %w", err)
	}
	defer rows.Close()
	byID := map[string]*ChannelHealth{}
	var out []*ChannelHealth
	for rows.Next() {
		var key, value string
		if err := rows.Scan(&key, &value); err != nil {
			return nil, fmt.Errorf("store: report channels: %w", err)
		}
		rest := strings.TrimPrefix(key, "channel:")
		i := strings.LastIndexByte(rest, ':')
		if i < 0 {
			continue
		}
		id, what := rest[:i], rest[i+1:]
		h := byID[id]
		if h == nil {
			h = &ChannelHealth{ID: id}
			byID[id], out = h, append(out, h)
		}
		switch what {
		case "last_success":
			h.LastSuccess, _ = time.Parse(time.RFC3339, value)
		case "last_error":
			at, msg, _ := strings.Cut(value, " ")
			h.LastError, _ = time.Parse(time.RFC3339, at)
			h.Error = msg
		case "failures":
			h.Failures, _ = strconv.Atoi(value)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: report channels: %w", err)
	}
	list := make([]ChannelHealth, len(out))
	for i, h := range out {
		list[i] = *h
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	return list, nil
}
