package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/internal/clip"
	"github.com/takedownwatch/takedownwatch/wacz"
)

// waczOpts are the flags only `export wacz` takes.
type waczOpts struct {
	states stringList
}

func (o *waczOpts) register(fs *flag.FlagSet) {
	fs.Var(&o.states, "state", "posts, wacz: only posts in state `S` (repeatable): "+strings.Join(store.States, ", "))
}

// runExportWACZ writes the captures of the selected posts as a WACZ file:
// the WARC records byte for byte, a CDXJ index, one page per capture of a
// post, and datapackage.json with the digest of every file.
func runExportWACZ(ctx context.Context, e *env, o *exportOpts) error {
	switch {
	case o.out == "":
		return usagef("export wacz: --out FILE.wacz is required (a WACZ is a ZIP file, not text for stdout)")
	case !strings.HasSuffix(strings.ToLower(o.out), ".wacz"):
		return usagef("export wacz: --out %q: the file name must end in .wacz, as replay tools expect", o.out)
	case o.format != "":
		return usagef("export wacz: --format applies to events, posts, reports and metrics, not to wacz")
	case o.idsOnly:
		return usagef("export wacz: --ids-only applies to posts; a WACZ carries the captures themselves")
	}
	if err := o.stats.check("wacz"); err != nil {
		return err
	}
	f, err := o.filter("export wacz")
	if err != nil {
		return err
	}
	sel := store.Selection{Filter: f}
	for _, s := range o.wacz.states {
		if !contains(store.States, s) {
			return usagef("export wacz: --state %q: want one of %v", s, store.States)
		}
		if !contains(sel.States, s) {
			sel.States = append(sel.States, s)
		}
	}
	cfg, a, err := e.loadArchive(ctx)
	if err != nil {
		return err
	}
	defer a.Close()

	if err := checkActors(ctx, a.Store, "export wacz", cfg.DataDir, o.actor); err != nil {
		return err
	}
	what := describeSelection(ctx, a.Store, o, sel)
	cmdline := strings.TrimSpace("export wacz " + flagsOf(o, sel))
	posts, captures, err := a.Store.CountSelection(ctx, sel)
	if err != nil {
		return err
	}
	switch {
	case posts == 0:
		return fmt.Errorf("export wacz: no posts match `%s` in the archive in %s; nothing written", cmdline, cfg.DataDir)
	case captures == 0:
		return fmt.Errorf("export wacz: %d %s match `%s`, but none has an archived capture with WARC records; nothing written",
			posts, plural(posts, "post", "posts"), cmdline)
	}

	log := e.log.WithField("component", "export")
	created := time.Now().UTC()
	opts := wacz.Options{
		WARCDir:  a.WARCDir(),
		TempDir:  dirOf(o.out),
		Title:    "takedownwatch evidence: " + what,
		Software: "takedownwatch " + version,
		Created:  created,
		Description: fmt.Sprintf("Captures archived by takedownwatch of %d %s: %s. Selected with `%s` on %s.\n\n"+
			"Every capture of a post's permalink is here (its pages while live and the answers that showed it gone), "+
			"with the listings its text was seen in, its media, the evidence of its events and the documents of takedown reports naming it. "+
			"The WARC records are copied byte for byte from the archive, with their SHA-256 block and payload digests; "+
			"datapackage.json gives the SHA-256 of every file in this package. "+
			"Credentials were redacted before anything was archived, as each WARC file's warcinfo record says.",
			posts, plural(posts, "post", "posts"), what, cmdline, created.Format(time.RFC3339)),
		Extra: []wacz.Property{
			{Name: "selection", Value: selectionJSON(o, sel)},
			{Name: "posts", Value: posts},
			{Name: "captures", Value: captures},
		},
	}
	// A bar on a terminal only, counting captures: the bulk of the work.
	progress := progressBar(e.stderr, "export wacz")
	done := 0
	return writeOut(o.out, nil, func(w io.Writer) error {
		zw, err := wacz.NewWriter(w, opts)
		if err != nil {
			return err
		}
		defer zw.Abort()
		err = a.Store.EachEvidenceCapture(ctx, sel, func(c *store.Capture) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if done++; progress != nil {
				progress(done, captures)
			}
			err := zw.Add(wacz.Capture{File: c.WARCFile, RecordID: c.RecordID,
				Record:  wacz.Span{Offset: c.WARCOffset, Length: c.WARCLength},
				Request: wacz.Span{Offset: c.RequestOffset, Length: c.RequestLength}})
			if err != nil {
				return fmt.Errorf("export wacz: capture %d (%s): %w", c.ID, c.URL, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = a.Store.EachEvidencePage(ctx, sel, func(p *store.EvidencePage) error {
			return zw.AddPage(evidencePage(p))
		})
		if err != nil {
			return err
		}
		sum, err := zw.Close()
		if err != nil {
			return err
		}
		var size int64
		for _, r := range sum.Resources {
			size += r.Bytes
		}
		log.Infof("exported wacz: %d posts, %d captures (%d WARC records, %d index lines), %d pages, %d bytes of files, to %s",
			posts, sum.Captures, sum.Records, sum.Indexed, sum.Pages, size, o.out)
		return nil
	})
}

// evidencePage is a post's capture as a page: titled with the actor and
// the beginning of the post's text, and the answer when it was not the
// post (a removal, a redirect); the text only where the capture shows it.
func evidencePage(p *store.EvidencePage) wacz.Page {
	c := p.Capture
	title := p.ActorName + ": " + clip.Text(p.Text, 80)
	shows := c.Status < 300 || c.Status == http.StatusNotModified
	switch {
	case p.Listing:
		title += " (in the listing)"
	case !shows:
		title += fmt.Sprintf(" [HTTP %d %s]", c.Status, http.StatusText(c.Status))
	}
	pg := wacz.Page{ID: fmt.Sprintf("%s-%d", p.PostID, c.ID), URL: c.URL, TS: c.At, Title: title, PostID: p.PostID, Status: c.Status}
	if shows {
		pg.Text = p.Text
	}
	return pg
}

// describeSelection says in words what was selected, for the package's title.
func describeSelection(ctx context.Context, st *store.Store, o *exportOpts, sel store.Selection) string {
	var b strings.Builder
	if len(sel.States) > 0 {
		b.WriteString(strings.Join(sel.States, " or ") + " ")
	}
	b.WriteString("posts")
	switch {
	case o.actor != "":
		name := o.actor
		if a, err := st.Actor(ctx, o.actor); err == nil && a.Name != "" {
			name = a.Name
		}
		b.WriteString(" of " + name)
	case o.affiliation != "":
		b.WriteString(" of " + strings.ReplaceAll(o.affiliation, "_", " ") + " actors")
	default:
		b.WriteString(" of every actor")
	}
	if o.platform != "" {
		b.WriteString(" on " + o.platform)
	}
	if !sel.Since.IsZero() {
		b.WriteString(", published from " + sel.Since.UTC().Format(time.RFC3339))
	}
	if !sel.Until.IsZero() {
		b.WriteString(", published before " + sel.Until.UTC().Format(time.RFC3339))
	}
	return b.String()
}

// flagsOf writes the selection back as flags ("" for none).
func flagsOf(o *exportOpts, sel store.Selection) string {
	var parts []string
	for _, f := range []struct{ name, v string }{{"since", o.since}, {"until", o.until}, {"actor", o.actor},
		{"affiliation", o.affiliation}, {"platform", o.platform}} {
		if f.v != "" {
			parts = append(parts, "--"+f.name+" "+f.v)
		}
	}
	for _, s := range sel.States {
		parts = append(parts, "--state "+s)
	}
	return strings.Join(parts, " ")
}

// selectionJSON is the selection as datapackage.json records it.
func selectionJSON(o *exportOpts, sel store.Selection) map[string]any {
	m := map[string]any{}
	for k, v := range map[string]string{"since": o.since, "until": o.until, "actor": o.actor, "affiliation": o.affiliation, "platform": o.platform} {
		if v != "" {
			m[k] = v
		}
	}
	if len(sel.States) > 0 {
		m["state"] = sel.States
	}
	return m
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
