package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/reports"
	"github.com/takedownwatch/takedownwatch/web"
)

// reportDesk takes takedown reports in: from the configured channels, from
// imported files, and from the API. Every source document is archived
// before the reports it holds are stored.
type reportDesk struct {
	a        *archive.Archive
	in       *reports.Ingester
	f        monitor.Fetcher
	channels []config.ReportChannel
	log      *logrus.Entry
}

var _ web.ReportSink = (*reportDesk)(nil)

func newReportDesk(cfg *config.Config, a *archive.Archive, f monitor.Fetcher, life monitor.Lifecycle, log *logrus.Entry) *reportDesk {
	return &reportDesk{
		a:  a,
		in: &reports.Ingester{Store: a.Store, Life: life, Sources: cfg.Sources, Clock: time.Now},
		f:  f, channels: cfg.ReportChannels, log: log.WithField("component", "reports"),
	}
}

func setting(ctx context.Context, st *store.Store, key string) string {
	var v string
	_ = st.Write(ctx, func(tx *store.Tx) error {
		var err error
		v, err = tx.Setting(key)
		return err
	})
	return v
}

// FetchChannel reads one report channel and stores what it names. A
// channel's failure is logged and kept beside its cursor; it is never an
// error of the cycle.
func (d *reportDesk) FetchChannel(ctx context.Context, ch *config.ReportChannel) (reports.Result, error) {
	c := reports.ForKind(ch.Kind)
	if c == nil {
		return reports.Result{}, fmt.Errorf("report channel %s: unknown kind %q", ch.ID, ch.Kind)
	}
	key := "channel:" + ch.ID
	batch, err := c.Fetch(ctx, ch, d.f, reports.FetchOptions{Cursor: setting(ctx, d.a.Store, key+":cursor"), Pages: 1})
	if err != nil {
		if ctx.Err() == nil {
			d.log.WithError(err).WithField("channel", ch.ID).Warn("report channel failed")
			if err := d.a.Store.Write(ctx, func(tx *store.Tx) error { return tx.ChannelAttempt(ch.ID, time.Now(), err) }); err != nil {
				d.log.WithError(err).WithField("channel", ch.ID).Error("recording the report channel's failure")
			}
		}
		return reports.Result{}, nil
	}
	res, err := d.in.Ingest(ctx, batch.Reports, batch.Captures)
	if err != nil {
		return res, err
	}
	err = d.a.Store.Write(ctx, func(tx *store.Tx) error {
		if batch.Cursor != "" {
			if err := tx.SetSetting(key+":cursor", batch.Cursor); err != nil {
				return err
			}
		}
		return tx.ChannelAttempt(ch.ID, time.Now(), nil)
	})
	if res.Stored > 0 {
		d.log.WithFields(logrus.Fields{"channel": ch.ID, "reports": res.Stored, "linked": res.Linked,
			"never_archived": len(res.NeverArchived)}).Info("takedown reports received")
	}
	return res, err
}

// FetchAll reads every report channel once (a snapshot's turn).
func (d *reportDesk) FetchAll(ctx context.Context) error {
	for i := range d.channels {
		if _, err := d.FetchChannel(ctx, &d.channels[i]); err != nil {
			return err
		}
	}
	return nil
}

// Import reads a file of reports (CSV, JSON, Lumen JSON), archives it,
// and stores every report in it — or none when a row is invalid, unless
// skipInvalid.
func (d *reportDesk) Import(ctx context.Context, name string, data []byte, skipInvalid bool) (reports.Result, []reports.RowError, error) {
	rs, rowErrs, err := reports.ParseFile(name, data)
	if err != nil {
		return reports.Result{}, nil, err
	}
	if len(rowErrs) > 0 && !skipInvalid {
		return reports.Result{}, rowErrs, nil
	}
	sum := sha256.Sum256(data)
	c, err := d.a.RecordResource(ctx, "urn:takedownwatch:import:"+hex.EncodeToString(sum[:])+":"+baseName(name),
		contentTypeOf(name), data, archive.Meta{Kind: monitor.KindReport})
	if err != nil {
		return reports.Result{}, rowErrs, err
	}
	res, err := d.in.Ingest(ctx, rs, []int64{c.ID})
	return res, rowErrs, err
}

// PostReports serves POST /api/reports: one record or a list, all valid
// or nothing stored.
func (d *reportDesk) PostReports(ctx context.Context, body []byte) (any, error) {
	rs, rowErrs, err := reports.ParseJSON(body)
	if err != nil {
		return nil, &web.QueryError{Msg: err.Error()}
	}
	if len(rowErrs) > 0 {
		msgs := make([]string, len(rowErrs))
		for i := range rowErrs {
			msgs[i] = rowErrs[i].Error()
		}
		return nil, &web.QueryError{Msg: "nothing stored: " + strings.Join(msgs, "; ")}
	}
	if len(rs) == 0 {
		return nil, &web.QueryError{Msg: "no report in the body"}
	}
	for i := range rs {
		if rs[i].Channel == "" {
			rs[i].Channel = "api"
		}
	}
	sum := sha256.Sum256(body)
	c, err := d.a.RecordResource(ctx, "urn:takedownwatch:api-report:"+hex.EncodeToString(sum[:]), "application/json", body,
		archive.Meta{Kind: monitor.KindReport})
	if err != nil {
		return nil, err
	}
	res, err := d.in.Ingest(ctx, rs, []int64{c.ID})
	if err != nil {
		var fe *reports.FieldError
		if errors.As(err, &fe) {
			return nil, &web.QueryError{Msg: err.Error()}
		}
		return nil, err
	}
	d.log.WithFields(logrus.Fields{"channel": "api", "reports": res.Stored, "linked": res.Linked,
		"never_archived": len(res.NeverArchived)}).Info("takedown reports received")
	return res, nil
}

func baseName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		return name[i+1:]
	}
	return name
}

func contentTypeOf(name string) string {
	switch {
	case strings.HasSuffix(strings.ToLower(name), ".csv"):
		return "text/csv"
	case strings.HasSuffix(strings.ToLower(name), ".json"), strings.HasSuffix(strings.ToLower(name), ".jsonl"):
		return "application/json"
	}
	return "application/octet-stream"
}
