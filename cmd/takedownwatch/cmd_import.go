package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/archive/store"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/monitor"
	"github.com/takedownwatch/takedownwatch/monitor/canon"
	"github.com/takedownwatch/takedownwatch/monitor/facebook"
	"github.com/takedownwatch/takedownwatch/monitor/normalize"
)

type importOpts struct {
	source string
}

func importCmd() *command {
	return &command{
		name: "import", args: "crowdtangle FILE [--source ID]",
		summary: "import historical Facebook posts from a CrowdTangle export (CSV download or API JSON):\n" +
			"posts are marked imported, the file is archived, and they are re-checked so their removals are found",
		flags: func(fs *flag.FlagSet) any {
			o := &importOpts{}
			fs.StringVar(&o.source, "source", "", "the configured facebook source the posts belong to (default: matched by page)")
			return o
		},
		run: func(ctx context.Context, e *env, opts any, args []string) error {
			o := opts.(*importOpts)
			if len(args) != 2 || args[0] != "crowdtangle" {
				return usagef("usage: takedownwatch import crowdtangle FILE [--source ID]")
			}
			name := args[1]
			data, err := os.ReadFile(name)
			if err != nil {
				return fmt.Errorf("import: %w", err)
			}
			posts, rowErrs, err := facebook.ParseCrowdTangle(name, data)
			if err != nil {
				return fmt.Errorf("import %s: %w", name, err)
			}
			cfg, err := e.loadConfig()
			if err != nil {
				return err
			}
			sourceOf, err := pageSources(cfg, o.source)
			if err != nil {
				return usagef("import: %v", err)
			}
			n, err := openNode(ctx, cfg, e.log, 1)
			if err != nil {
				return err
			}
			defer n.Close()
			res, err := importCrowdTangle(ctx, n.archive, n.pipe.Lifecycle(), name, data, posts, sourceOf)
			if err != nil {
				return err
			}
			for _, re := range rowErrs {
				fmt.Fprintf(e.stderr, "%s: %s\n", name, re.Error())
			}
			for _, re := range res.rejected {
				fmt.Fprintf(e.stderr, "%s: %s\n", name, re)
			}
			fmt.Fprintf(e.stdout, "import crowdtangle: %d posts imported, %d already archived, %d rows rejected\n",
				res.imported, res.known, len(rowErrs)+len(res.rejected))
			if len(rowErrs)+len(res.rejected) > 0 {
				return &quietError{fmt.Errorf("%d rows rejected", len(rowErrs)+len(res.rejected))}
			}
			return nil
		},
	}
}

// pageSources maps a CrowdTangle page (handle or name, lowercased) to the
// configured facebook source it belongs to; with --source every post goes
// there.
func pageSources(cfg *config.Config, forced string) (func(handle, name string) (string, bool), error) {
	if forced != "" {
		for _, s := range cfg.Sources {
			if s.ID == forced {
				return func(string, string) (string, bool) { return forced, true }, nil
			}
		}
		return nil, fmt.Errorf("--source %q: no such source in the config", forced)
	}
	byPage := map[string]string{}
	for _, s := range cfg.Sources {
		if s.Platform != "facebook" {
			continue
		}
		u := canon.URL(s.URL)
		if i := strings.LastIndexByte(u, '/'); i >= 0 {
			byPage[strings.ToLower(u[i+1:])] = s.ID
		}
	}
	return func(handle, name string) (string, bool) {
		for _, k := range []string{handle, name} {
			if id, ok := byPage[strings.ToLower(strings.TrimSpace(k))]; ok && k != "" {
				return id, true
			}
		}
		return "", false
	}, nil
}

type importResult struct {
	imported, known int
	rejected        []string
}

// importCrowdTangle archives the export, then stores its posts (marked
// imported, due for a check now) with their text as a version resting on
// the archived file.
func importCrowdTangle(ctx context.Context, a *archive.Archive, life monitor.Lifecycle, name string, data []byte,
	posts []facebook.ImportedPost, sourceOf func(handle, name string) (string, bool)) (importResult, error) {
	var res importResult
	sum := sha256.Sum256(data)
	c, err := a.RecordResource(ctx, "urn:takedownwatch:import:"+hex.EncodeToString(sum[:])+":"+baseName(name),
		contentTypeOf(name), data, archive.Meta{Kind: "import"})
	if err != nil {
		return res, err
	}
	now := time.Now()
	err = a.Store.Write(ctx, func(tx *store.Tx) error {
		for i, ip := range posts {
			src, ok := sourceOf(ip.PageHandle, ip.PageName)
			if !ok {
				res.rejected = append(res.rejected, fmt.Sprintf("post %d (%s): no configured facebook source for page %q: add one or pass --source", i+1, ip.URL, ip.PageName))
				continue
			}
			if _, err := tx.Post("facebook", ip.PlatformID); err == nil {
				res.known++
				continue
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			p := &store.Post{Platform: "facebook", PlatformID: ip.PlatformID, SourceID: src, PostURL: ip.URL,
				CanonicalURL: canon.URL(ip.URL), Published: ip.Published, FirstSeen: now, Imported: true, State: store.StateLive}
			// Never seen live by us: checked at once, then on the schedule.
			life.FirstSeen(p, now)
			p.LastSeenLive, p.NextCheckAt = time.Time{}, now
			if err := tx.InsertPost(p); err != nil {
				return err
			}
			v := &store.Version{PostID: p.ID, Digest: normalize.Digest(ip.Text), Text: ip.Text, Media: ip.Media,
				FirstSeen: now, LastSeen: now, CaptureID: c.ID}
			if err := tx.AddVersion(v); err != nil {
				return err
			}
			p.CurrentVersion = v.ID
			if err := tx.UpdatePost(p); err != nil {
				return err
			}
			res.imported++
		}
		return nil
	})
	return res, err
}
