package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/takedownwatch/takedownwatch/archive/store"
)

// reportsPerPage is how many reports /reports lists at once.
const reportsPerPage = 50

// reportsPage lists takedown reports, newest filing first, with every URL
// each named: the archived post it names, or "reported, never archived" —
// a report about a post the archive never saw is evidence too.
func (h *Handler) reportsPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	offset := 0
	if s := q.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 100000 {
			h.errorPage(w, http.StatusBadRequest, "offset: a number from 0 to 100000")
			return
		}
		offset = n
	}
	never := q.Get("never_archived") == "1"
	list, err := h.o.Store.RecentReports(r.Context(), reportsPerPage+1, offset, never)
	if err != nil {
		h.log.WithError(err).Error("reports page")
		h.errorPage(w, http.StatusInternalServerError, "The archive does not answer.")
		return
	}
	type reportView struct {
		*store.ReportWithTargets
		Filed, Received, KindWords string
		Never                      int
	}
	view := struct {
		page
		Reports              []reportView
		NeverArchived        bool
		Prev, Next, Filtered string
	}{page: page{Title: "Takedown reports", Feeds: h.feedLinks("events", "Every change")}, NeverArchived: never}
	more := len(list) > reportsPerPage
	if more {
		list = list[:reportsPerPage]
	}
	for _, rt := range list {
		v := reportView{ReportWithTargets: rt, Filed: fmtTime(rt.FiledAt), Received: fmtTime(rt.ReceivedAt),
			KindWords: strings.ReplaceAll(rt.Kind, "_", " ")}
		for _, t := range rt.Targets {
			if len(t.PostIDs) == 0 {
				v.Never++
			}
		}
		view.Reports = append(view.Reports, v)
	}
	href := func(off int, never bool) string {
		v := url.Values{}
		if never {
			v.Set("never_archived", "1")
		}
		if off > 0 {
			v.Set("offset", strconv.Itoa(off))
		}
		if len(v) == 0 {
			return "/reports"
		}
		return "/reports?" + v.Encode()
	}
	if offset > 0 {
		view.Prev = href(max(0, offset-reportsPerPage), never)
	}
	if more {
		view.Next = href(offset+reportsPerPage, never)
	}
	view.Filtered = href(0, !never)
	h.render(w, http.StatusOK, "reports", view)
}
