package reports

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/canon"
)

// accountWindow is how far before its filing a report naming a whole
// account reaches (the pipeline matches later posts with the same rule).
const accountWindow = 30 * 24 * time.Hour

// Ingester stores reports and links them to the posts they name: now, or
// (by the pipeline) when a named post is first seen.
type Ingester struct {
	Store   *store.Store
	Life    monitor.Lifecycle
	Sources []config.Source
	Clock   func() time.Time
}

// Result says what an ingestion did.
type Result struct {
	Stored     int      `json:"stored"`
	Duplicates int      `json:"duplicates"`
	IDs        []string `json:"ids"`
	// Linked counts new report→post matches (each a reported event).
	Linked int `json:"linked"`
	// NeverArchived are target URLs that name no archived post (yet): kept,
	// and shown as "reported, never archived".
	NeverArchived []string `json:"never_archived"`
}

// ID is a report's stable id, derived from its fingerprint.
func ID(r *Report) string { return "r" + r.Fingerprint()[:16] }

// Ingest stores every report (or none, on an error) in one transaction.
// captures are the archived source documents; every report of a batch
// rests on them.
func (in *Ingester) Ingest(ctx context.Context, rs []Report, captures []int64) (Result, error) {
	res := Result{IDs: []string{}, NeverArchived: []string{}}
	now := in.Clock()
	accounts := map[string]string{} // canonical account URL → source id
	for _, s := range in.Sources {
		accounts[canon.URL(s.URL)] = s.ID
	}
	var capture int64
	if len(captures) > 0 {
		capture = captures[len(captures)-1]
	}
	err := in.Store.Write(ctx, func(tx *store.Tx) error {
		for i := range rs {
			r := &rs[i]
			r.Normalize()
			if err := r.Validate(); err != nil {
				return fmt.Errorf("report %d: %w", i, err)
			}
			raw := string(r.Raw)
			if raw == "" {
				b, _ := json.Marshal(r)
				raw = string(b)
			}
			sr := &store.Report{ID: ID(r), ChannelID: r.ChannelID, Reporter: r.Reporter, Channel: r.Channel, FiledAt: r.FiledAt,
				Kind: r.Kind, LegalBasis: r.LegalBasis, Jurisdiction: r.Jurisdiction, TargetURLs: r.TargetURLs,
				SourceURL: r.SourceURL, Notes: r.Notes, ReceivedAt: now, CaptureID: capture, Raw: raw, Fingerprint: r.Fingerprint()}
			inserted, err := tx.AddReport(sr, canon.URL)
			if err != nil {
				return err
			}
			res.IDs = append(res.IDs, sr.ID)
			if !inserted {
				res.Duplicates++
				continue
			}
			res.Stored++
			for _, u := range r.TargetURLs {
				c := canon.URL(u)
				posts, err := tx.PostsByCanonical(c)
				if err != nil {
					return err
				}
				if src, ok := accounts[c]; ok && len(posts) == 0 {
					if posts, err = tx.PostsOfSourceBetween(src, r.FiledAt.Add(-accountWindow), r.FiledAt); err != nil {
						return err
					}
				}
				if len(posts) == 0 {
					res.NeverArchived = append(res.NeverArchived, u)
					continue
				}
				for _, p := range posts {
					linked, err := in.link(tx, sr, p, u, captures, now)
					if err != nil {
						return err
					}
					if linked {
						res.Linked++
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

func (in *Ingester) link(tx *store.Tx, r *store.Report, p *store.Post, target string, captures []int64, now time.Time) (bool, error) {
	linked, err := tx.LinkReport(r.ID, p.ID, target, now)
	if err != nil || !linked {
		return false, err
	}
	if err := tx.AddEvent(&store.Event{Type: store.EventReported, At: now, PostID: p.ID, SourceID: p.SourceID,
		Detail: monitor.ReportDetail(r.Reporter, r.Kind), Evidence: captures}); err != nil {
		return false, err
	}
	in.Life.Reported(p, r.FiledAt, now)
	return true, tx.UpdatePost(p)
}
