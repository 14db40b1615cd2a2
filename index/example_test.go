package index_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/takedownwatch/takedownwatch/index"
)

// The writer (serve, snapshot, reindex) puts each committed batch with the
// watermark of what it committed; on start it re-puts everything after
// Watermark(). Readers beside it (the search command) open read-only.
func Example() {
	dir, _ := os.MkdirTemp("", "index-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	ix, err := index.Open(filepath.Join(dir, "index"), index.Options{})
	if err != nil {
		panic(err)
	}
	defer ix.Close()
	err = ix.Put(ctx, []index.Doc{{
		PostID: "post-1", VersionID: 10, Version: 1,
		Text:  "ក្រសួងព័ត៌មានបានលុបការបង្ហោះ។ The ministry removed the post.",
		Actor: "moi", Affiliation: "government", Platform: "facebook", State: "removed", Reason: "deleted",
		Published: time.Date(2026, 1, 10, 8, 0, 0, 0, time.UTC),
	}}, "event-42")
	if err != nil {
		panic(err)
	}
	wm, _ := ix.Watermark()
	fmt.Println("watermark:", wm)

	res, err := ix.Search(ctx, index.Query{Q: "បង្ហោះ", States: []string{"removed"}, Highlight: true})
	if err != nil {
		panic(err)
	}
	for _, h := range res.Hits {
		fmt.Println(h.PostID, "version", h.Version, h.Snippet)
	}
	// Output:
	// watermark: event-42
	// post-1 version 1 ក្រសួងព័ត៌មានបានលុបការ<mark>បង្ហោះ</mark>។ The ministry removed the post.
}
