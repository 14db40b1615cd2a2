// Command cycle benchmarks collection cycles of takedownwatch against the
// sandbox platform: N feed sources of P posts each, wired as the daemon
// wires them, a first cycle where everything is new, then cycles where
// nothing changed. It reports wall time, CPU, peak RSS and the WARC bytes
// each cycle added; bench/README.md says how to read the figures.
//
//	go run ./bench/cycle                      # 1,000 sources × 20 posts
//	go run ./bench/cycle -sources 20 -posts 5 # smoke run, seconds
//	go run ./bench/cycle -serve-only          # only the sandbox, for urlwatch
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"
)

// options are the flags.
type options struct {
	population
	workers, perHost int
	media            bool
	out              string
	outGiven         bool
	serveOnly        bool
	inProcess        bool
	unchanged        int
	cpuProfile       string
	profileCycle     int
	logLevel         string
	keep             bool
	between          string
}

// errUsage marks a command-line mistake (exit status 2).
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "cycle:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("cycle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.sources, "sources", 1000, "feed sources (sandbox accounts)")
	fs.IntVar(&o.posts, "posts", 20, "posts per source (the sandbox's listing window is 20)")
	fs.IntVar(&o.hosts, "hosts", 8, "sandbox loopback hosts (127.0.0.2 …); sources are spread over them")
	fs.IntVar(&o.workers, "workers", 16, "pipeline workers (sources collected at once)")
	fs.IntVar(&o.perHost, "per-host", 4, "fetch.per_host_concurrency (fetch.per_host_interval is 0)")
	fs.BoolVar(&o.media, "media", true, "fetch.media.enabled: archive the enclosures of new posts")
	fs.IntVar(&o.mediaEvery, "media-every", 5, "every Nth post of a source has one image enclosure (0: none)")
	fs.IntVar(&o.mediaBytes, "media-bytes", 16<<10, "size of each enclosure in bytes")
	fs.StringVar(&o.out, "out", "", "directory for results.json, urls.txt and the archive (default: a new temp dir)")
	fs.BoolVar(&o.serveOnly, "serve-only", false, "only serve the sandbox: print the path of the feed URL list, block until SIGINT")
	fs.BoolVar(&o.inProcess, "inprocess", false, "run the sandbox in this process (its CPU then counts as ours) instead of a child process")
	fs.IntVar(&o.unchanged, "unchanged", 1, "unchanged cycles to run after the first")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the cycle(s) -profile-cycle names to `FILE` (go tool pprof FILE)")
	fs.IntVar(&o.profileCycle, "profile-cycle", 2, "which cycle -cpuprofile covers (1: all new, 2: the first unchanged, 0: every unchanged cycle)")
	fs.StringVar(&o.logLevel, "log-level", "warn", "takedownwatch log level (logs go to stderr)")
	fs.StringVar(&o.between, "between", "", "shell `COMMAND` to run after each unchanged cycle, outside the measurement\n(bench/run.sh interleaves urlwatch's runs with ours this way, so both see the same machine)")
	fs.BoolVar(&o.keep, "keep", false, "keep the archive (out/data) after the run; by default only results.json and urls.txt stay")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: go run ./bench/cycle [flags]\n\nOne cycle of takedownwatch over sandbox feeds with everything new, then cycles with nothing changed.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		return nil, errUsage
	}
	bad := func(format string, a ...any) (*options, error) {
		fmt.Fprintf(stderr, "cycle: "+format+"\n", a...)
		return nil, errUsage
	}
	switch {
	case fs.NArg() > 0:
		return bad("unexpected arguments %q", fs.Args())
	case o.sources < 1 || o.posts < 1:
		return bad("-sources and -posts must be >= 1")
	case o.hosts < 1 || o.hosts > 253:
		return bad("-hosts must be 1 to 253")
	case o.workers < 1 || o.perHost < 1:
		return bad("-workers and -per-host must be >= 1")
	case o.mediaEvery < 0 || o.mediaBytes < 0:
		return bad("-media-every and -media-bytes must be >= 0")
	case o.unchanged < 0:
		return bad("-unchanged must be >= 0")
	case o.profileCycle < 0 || o.profileCycle > 1+o.unchanged || o.profileCycle == 0 && o.unchanged == 0:
		return bad("-profile-cycle must name a cycle that runs (1 to %d), or 0 for every unchanged one", 1+o.unchanged)
	}
	if _, err := logrus.ParseLevel(o.logLevel); err != nil {
		return bad("-log-level %q: want debug, info, warn or error", o.logLevel)
	}
	o.outGiven = o.out != ""
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if o.out == "" {
		if o.out, err = os.MkdirTemp("", "takedownwatch-bench-"); err != nil {
			return err
		}
	} else if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	if o.serveOnly {
		return serve(ctx, o.population, o.out, stdout)
	}
	return bench(ctx, o, stdout, stderr)
}

// platform is the sandbox as the bench sees it: its feed URLs, and its
// process when it runs in a child.
type platform struct {
	urls  []string
	cmd   *exec.Cmd // nil when in-process
	close func() error
}

func (p *platform) pid() int {
	if p.cmd == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// startChild re-executes this program with -serve-only and waits for the
// path of its URL list.
func startChild(ctx context.Context, o *options, stderr io.Writer) (*platform, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "-serve-only",
		"-sources", strconv.Itoa(o.sources), "-posts", strconv.Itoa(o.posts), "-hosts", strconv.Itoa(o.hosts),
		"-media-every", strconv.Itoa(o.mediaEvery), "-media-bytes", strconv.Itoa(o.mediaBytes), "-out", o.out)
	cmd.Stderr = stderr
	dieWithParent(cmd)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start sandbox child: %w", err)
	}
	p := &platform{cmd: cmd}
	p.close = func() error {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			return err
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			return fmt.Errorf("sandbox child did not stop on SIGINT: killed: %v", <-done)
		}
	}
	line := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(out)
		if s.Scan() {
			line <- s.Text()
		}
		close(line)
		_, _ = io.Copy(io.Discard, out)
	}()
	var path string
	select {
	case l, ok := <-line:
		if !ok {
			p.close()
			return nil, errors.New("sandbox child exited before serving")
		}
		path = l
	case <-ctx.Done():
		p.close()
		return nil, ctx.Err()
	case <-time.After(10 * time.Minute):
		p.close()
		return nil, errors.New("sandbox child did not start within 10 minutes")
	}
	if p.urls, err = readLines(path); err != nil {
		p.close()
		return nil, err
	}
	if len(p.urls) != o.sources {
		p.close()
		return nil, fmt.Errorf("sandbox child lists %d feeds, want %d", len(p.urls), o.sources)
	}
	return p, nil
}

func startInProcess(o *options) (*platform, error) {
	sb, urls, err := startPlatform(o.population)
	if err != nil {
		return nil, err
	}
	if err := writeLines(filepath.Join(o.out, URLsFile), urls); err != nil {
		sb.Close()
		return nil, err
	}
	return &platform{urls: urls, close: sb.Close}, nil
}

func bench(ctx context.Context, o *options, stdout, stderr io.Writer) error {
	dataDir := filepath.Join(o.out, "data")
	if entries, err := os.ReadDir(dataDir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s already holds an archive: give -out a fresh directory", dataDir)
	}
	if !o.media {
		// Without media fetching enclosures still appear in the feeds.
		fmt.Fprintln(stderr, "cycle: media fetching off (-media=false)")
	}
	setup := time.Now()
	var plat *platform
	var err error
	if o.inProcess {
		plat, err = startInProcess(o)
	} else {
		plat, err = startChild(ctx, o, stderr)
	}
	if err != nil {
		return err
	}
	platformClosed := false
	defer func() {
		if !platformClosed {
			plat.close()
		}
	}()

	cfg, err := benchConfig(o, dataDir, plat.urls)
	if err != nil {
		return err
	}
	logger := logrus.New()
	logger.SetOutput(stderr)
	logger.SetFormatter(&logrus.TextFormatter{FullTimestamp: true, DisableColors: true})
	lvl, _ := logrus.ParseLevel(o.logLevel)
	logger.SetLevel(lvl)
	n, err := openNode(ctx, cfg, logger, o.workers)
	if err != nil {
		return err
	}
	defer n.Close()
	r := &results{
		Date: time.Now().UTC().Format(time.RFC3339), GoVersion: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		NumCPU: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), Commit: commit(),
		Sources: o.sources, PostsPerSource: o.posts, Hosts: o.hosts, Workers: o.workers,
		PerHostConcurrency: o.perHost, PerHostInterval: "0s", Media: o.media, MediaEvery: o.mediaEvery, MediaBytes: o.mediaBytes,
		Sandbox: "child process", Out: o.out, DataDir: dataDir,
		SetupSeconds: time.Since(setup).Seconds(),
	}
	if o.inProcess {
		r.Sandbox = "in-process"
	}

	warcDir := n.archive.WARCDir()
	sizes := []map[string]int64{{}} // WARC file sizes before each cycle, then after the last
	for k := 1; k <= 1+o.unchanged; k++ {
		name := "cycle 1 (all new)"
		if k > 1 {
			name = fmt.Sprintf("cycle %d (unchanged)", k)
		}
		first, last := o.profileCycle, o.profileCycle
		if first == 0 { // every unchanged cycle, for more samples
			first, last = 2, 1+o.unchanged
		}
		if o.cpuProfile != "" && k == first {
			f, err := os.Create(o.cpuProfile)
			if err != nil {
				return err
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				f.Close()
				return err
			}
			defer f.Close()
		}
		c, after, err := measureCycle(ctx, n, plat.pid(), name, o, warcDir)
		if o.cpuProfile != "" && (k == last || err != nil) {
			pprof.StopCPUProfile() // a no-op when not profiling
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		r.Cycles = append(r.Cycles, c)
		sizes = append(sizes, after)
		if k > 1 && o.between != "" {
			cmd := exec.CommandContext(ctx, "sh", "-c", o.between)
			cmd.Stdout, cmd.Stderr = stderr, stderr
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("-between %q after %s: %w", o.between, name, err)
			}
		}
	}
	if err := n.Close(); err != nil {
		return err
	}
	platformClosed = true
	if err := plat.close(); err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	if plat.cmd != nil {
		if u, ok := exitedUsage(plat.cmd); ok {
			r.SandboxLife = &usageJSON{CPUSeconds: u.cpu().Seconds(), PeakRSSBytes: u.maxRSS}
		}
	}
	if err := countRecords(warcDir, sizes, r.Cycles); err != nil {
		return err
	}
	r.summarize()
	checkErr := r.check(o)
	if !o.keep {
		if err := os.RemoveAll(dataDir); err != nil {
			return err
		}
		r.DataDir = ""
	}
	if err := writeJSON(filepath.Join(o.out, "results.json"), r); err != nil {
		return err
	}
	r.print(stdout)
	return checkErr
}

// measureCycle runs one cycle and measures it. after is the WARC files'
// sizes once it is done, to attribute records to cycles later.
func measureCycle(ctx context.Context, n *node, childPID int, name string, o *options, warcDir string) (cycleResult, map[string]int64, error) {
	c := cycleResult{Name: name}
	// Garbage of the setup or the cycle before is collected outside the
	// measured window; the cycle's own collections count.
	runtime.GC()
	before, err := warcSizes(warcDir)
	if err != nil {
		return c, nil, err
	}
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	child0, childErr := usage{}, error(nil)
	if childPID > 0 {
		child0, childErr = procUsage(childPID)
	}
	self0, err := selfUsage()
	if err != nil {
		return c, nil, err
	}
	start := time.Now()
	res, err := n.pipe.Cycle(ctx)
	wall := time.Since(start)
	self1, uerr := selfUsage()
	if err != nil {
		return c, nil, err
	}
	if uerr != nil {
		return c, nil, uerr
	}
	if childPID > 0 && childErr == nil {
		if child1, err := procUsage(childPID); err == nil {
			c.SandboxCPUSeconds = (child1.cpu() - child0.cpu()).Seconds()
			c.SandboxPeakRSSBytes = child1.maxRSS
		}
	}
	runtime.ReadMemStats(&m1)
	after, err := warcSizes(warcDir)
	if err != nil {
		return c, nil, err
	}
	posts := o.watched()
	cpu := self1.cpu() - self0.cpu()
	c.WallSeconds = wall.Seconds()
	c.SourcesPerSecond = float64(res.Sources) / wall.Seconds()
	c.CPUSeconds = cpu.Seconds()
	c.CPUUserSeconds = (self1.user - self0.user).Seconds()
	c.CPUSysSeconds = (self1.sys - self0.sys).Seconds()
	c.CPUMsPerURL = cpu.Seconds() * 1000 / float64(o.sources)
	c.CPUSecondsPer1000Posts = cpu.Seconds() / (float64(posts) / 1000)
	c.PeakRSSBytes = self1.maxRSS
	c.AllocBytes = m1.TotalAlloc - m0.TotalAlloc
	c.GCs = m1.NumGC - m0.NumGC
	c.WARCBytesAdded = sumSizes(after) - sumSizes(before)
	c.WARCBytesPerPost = float64(c.WARCBytesAdded) / float64(posts)
	c.Sources, c.Failed, c.Items, c.New, c.Edited, c.Unchanged, c.Media =
		res.Sources, res.Failed, res.Items, res.New, res.Edited, res.NotModified, res.Media
	c.Checked = res.Checks.Checked
	return c, after, nil
}

// usage is CPU time and peak resident memory of a process.
type usage struct {
	user, sys time.Duration
	maxRSS    int64 // bytes
}

func (u usage) cpu() time.Duration { return u.user + u.sys }
