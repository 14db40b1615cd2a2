package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// progressBar returns a progress callback that redraws one line on w when
// w is a terminal (every 200 ms at most), and does nothing otherwise: logs
// and pipes get no carriage returns.
func progressBar(w io.Writer, label string) func(done, total int) {
	f, ok := w.(*os.File)
	if !ok {
		return nil
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	var mu sync.Mutex
	var last time.Time
	return func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if done < total && time.Since(last) < 200*time.Millisecond {
			return
		}
		last = time.Now()
		pct := 100.0
		if total > 0 {
			pct = 100 * float64(done) / float64(total)
		}
		const width = 30
		n := int(pct / 100 * width)
		bar := []byte("[" + fmt.Sprintf("%-*s", width, "") + "]")
		for i := 0; i < n && i < width; i++ {
			bar[1+i] = '#'
		}
		fmt.Fprintf(w, "\r%s %s %d/%d (%.0f%%)", label, bar, done, total, pct)
		if done >= total {
			fmt.Fprintln(w)
		}
	}
}
