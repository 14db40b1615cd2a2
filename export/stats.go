package export

import (
	"context"

	"github.com/takedownwatch/takedownwatch/stats"
)

// StatsColumns are the columns of `export stats`, in order: the contract's,
// then the ones docs/codebook.md adds.
var StatsColumns = []string{
	"group_by", "group", "period", "posts_seen", "removed", "removed_deleted", "removed_withheld_legal",
	"removed_account_gone", "removed_unknown", "removal_rate", "median_hours_to_removal", "p90_hours_to_removal",
	"reported_share", "median_report_lag_hours",
	// Added: restrictions when counted, the bounds of the time to removal,
	// counts behind the shares, what was counted, and the comparison with
	// the government.
	"removed_restricted", "median_hours_to_removal_low", "median_hours_to_removal_high",
	"p90_hours_to_removal_low", "p90_hours_to_removal_high", "removed_reported", "restored", "likely_corrections",
	"includes", "reference_group", "rate_ratio", "rate_ratio_ci_low", "rate_ratio_ci_high", "rate_ratio_method",
	// The lower bound of the reported share (reports filed while the post
	// was still seen live), added after the rest.
	"removed_reported_low", "reported_share_low",
}

// Stats is the statistics table of a selection.
func Stats(src stats.Source, o stats.Options) Table {
	return Table{Columns: StatsColumns, Rows: func(ctx context.Context, emit func([]any) error) error {
		res, err := stats.Compute(ctx, src, o)
		if err != nil {
			return err
		}
		for i := range res.Rows {
			if err := emit(StatsValues(&res.Rows[i], o)); err != nil {
				return err
			}
		}
		return nil
	}}
}

// StatsValues are a row's values in StatsColumns order (the API's objects
// use them too).
func StatsValues(r *stats.Row, o stats.Options) []any {
	var restricted any
	if o.Restricted {
		restricted = r.ByReason[stats.Restricted]
	}
	var median, p90, medianLow, medianHigh, p90Low, p90High any
	if r.MedianHours != nil {
		median, medianLow, medianHigh = r.MedianHours.Point, r.MedianHours.Low, r.MedianHours.High
		p90, p90Low, p90High = r.P90Hours.Point, r.P90Hours.Low, r.P90Hours.High
	}
	var ref, rr, lo, hi, method any
	if c := r.Comparison; c != nil {
		ref, rr, lo, hi, method = c.Reference, num(c.RateRatio), num(c.CILow), num(c.CIHigh), c.Method
	}
	return []any{
		r.GroupBy, r.Group, r.Period, r.PostsSeen, r.Removed, r.ByReason["deleted"], r.ByReason["withheld_legal"],
		r.ByReason["account_gone"], r.ByReason["unknown"], num(r.RemovalRate), median, p90,
		num(r.ReportedShare), num(r.MedianReportLagHours),
		restricted, medianLow, medianHigh, p90Low, p90High, r.Reported, r.Restored, r.LikelyCorrections,
		o.Includes(), ref, rr, lo, hi, method,
		r.ReportedLow, num(r.ReportedShareLow),
	}
}

// num is a nullable number: nil (null) or its value.
func num(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}
