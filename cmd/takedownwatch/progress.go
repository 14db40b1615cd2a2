package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// progressBar returns a progress callback that redraws one line on w when
// w is a terminal (every 200 ms at most), and nil otherwise: logs and pipes
// get no carriage returns.
func progressBar(w io.Writer, label string) func(done, total int) {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	return drawProgress(w, label, 200*time.Millisecond)
}

// drawProgress redraws "label [####    ] done/total (pct%)" at most every
// interval, and the line that reaches done == total at once and only once,
// ending it. A total of 0, or one that done has overtaken (rows added since
// they were counted), is unknown: the line shows the count alone.
func drawProgress(w io.Writer, label string, interval time.Duration) func(done, total int) {
	var mu sync.Mutex
	var last time.Time
	finished := false
	return func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		final := done == total
		if finished || (!final && time.Since(last) < interval) {
			return
		}
		last = time.Now()
		if total > 0 && done <= total {
			const width = 30
			n := done * width / total
			fmt.Fprintf(w, "\r%s [%s%s] %d/%d (%d%%)", label, strings.Repeat("#", n), strings.Repeat(" ", width-n),
				done, total, done*100/total)
		} else {
			fmt.Fprintf(w, "\r%s %d rows", label, done)
		}
		if final {
			fmt.Fprintln(w)
			finished = true
		}
	}
}
