package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/sirupsen/logrus"
	"go.yaml.in/yaml/v3"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/config"
	"github.com/takedownwatch/takedownwatch/internal/sandbox"
)

type demoOpts struct {
	data     string
	listen   string
	interval time.Duration
	duration time.Duration
}

func demoCmd() *command {
	return &command{
		name: "demo", args: "[--data DIR] [--listen ADDR] [--interval D] [--duration D]",
		summary: "the daemon against the built-in sandbox platform, with a scripted story\n" +
			"(posts, an edit, deletions, a withholding and its lifting) unfolding in a few minutes",
		flags: func(fs *flag.FlagSet) any {
			o := &demoOpts{}
			fs.StringVar(&o.data, "data", "", "the demo's directory: its config (takedownwatch.yaml) and data/, the archive (default: a new temporary directory, kept after exit; an existing demo's is refused)")
			fs.StringVar(&o.listen, "listen", "127.0.0.1:8080", "HTTP address (port 0: any free port)")
			fs.DurationVar(&o.interval, "interval", 10*time.Second, "how often each sandbox source is collected (at least 1s)")
			fs.DurationVar(&o.duration, "duration", 0, "stop after this long (0: run until Ctrl-C)")
			return o
		},
		run: runDemo,
	}
}

// demoAccount is one sandbox account of the story, the actor behind it and
// the platform it is collected through ("feed" or "bluesky").
type demoAccount struct {
	host                         int
	name, actor, actorName, affn string
	posts                        []sandbox.Post
	platform                     string
}

var demoAccounts = []demoAccount{
	{0, "pm-office", "pm", "Prime Minister's Office", "government", []sandbox.Post{
		{Title: "Cabinet meeting", HTML: "<p>The Council of Ministers approved the <b>national budget</b> today.</p>", Media: []string{"cabinet.jpg"}},
		{Title: "សេចក្តីប្រកាស", HTML: "<p>រាជរដ្ឋាភិបាល​កម្ពុជា​សូម​ជម្រាប​ជូន​ប្រជាពលរដ្ឋ​ទាំងអស់</p>"},
	}, "feed"},
	{0, "press-office", "press", "Government Press Office", "government", []sandbox.Post{
		{Title: "Press briefing", HTML: "<p>Briefing on the new cybersecurity law at 10:00.</p>"},
	}, "feed"},
	{1, "opposition-party", "opp", "Opposition Party", "opposition", []sandbox.Post{
		{Title: "Rally", HTML: "<p>Join our peaceful rally on Sunday.</p>"},
		{Title: "Statement", HTML: "<p>We reject the new law that silences critics.</p>"},
		{Title: "Report", HTML: "<p>Our members were detained without charge.</p>"},
		{Title: "Press freedom", HTML: "<p>Independent radio stations must be allowed to broadcast again.</p>"},
	}, "feed"},
}

func runDemo(ctx context.Context, e *env, opts any, args []string) error {
	o := opts.(*demoOpts)
	if len(args) > 0 {
		return usagef("demo takes no arguments")
	}
	if o.interval < time.Second {
		return usagef("demo: --interval must be at least 1s (cron's resolution)")
	}
	if o.duration < 0 {
		return usagef("demo: --duration must not be negative (0 runs until Ctrl-C)")
	}
	// the port first: a busy one must fail before --data holds an
	// archive, which a second run would refuse
	listen, base, err := demoAddress(o.listen)
	if err != nil {
		return usagef("demo: --listen: %v", err)
	}
	if o.data == "" {
		dir, err := os.MkdirTemp("", "takedownwatch-demo-")
		if err != nil {
			return err
		}
		o.data = dir
	} else if archive.Exists(filepath.Join(o.data, "data")) {
		// The sandbox starts afresh each run, on new ports: the posts of
		// the last run would read as other posts, gone for good.
		return usagef("demo: %s already holds a demo's archive; the sandbox tells its story afresh each run, so give a new --data "+
			"(to look at that archive: takedownwatch serve --config %s, or export, search, verify with it)",
			o.data, filepath.Join(o.data, "takedownwatch.yaml"))
	} else if err := os.MkdirAll(o.data, 0o755); err != nil {
		return fmt.Errorf("demo: --data: %w", err)
	}
	sb, err := sandbox.New(sandbox.Options{Hosts: 2, ErrorLog: nil})
	if err != nil {
		return fmt.Errorf("demo: sandbox: %w", err)
	}
	defer sb.Close()

	cfg := config.Default()
	cfg.DataDir = filepath.Join(o.data, "data")
	cfg.HTTP.Listen, cfg.HTTP.BaseURL = listen, base
	cfg.Fetch.PerHostInterval = config.Duration(100 * time.Millisecond)
	// The story runs in minutes, so the detector's clock does too: checks
	// every interval, a removal confirmed by two answers an interval apart.
	cfg.DefaultSchedule = fmt.Sprintf("@every %s", o.interval)
	cfg.Detector.ConfirmInterval = config.Duration(o.interval)
	cfg.Detector.Recheck = []config.Duration{config.Duration(3 * o.interval), config.Duration(6 * o.interval)}
	cfg.Detector.RecheckReported = []config.Duration{config.Duration(o.interval)}
	cfg.Detector.CorrectionWindow = config.Duration(3 * o.interval)
	accounts := map[string]*sandbox.Account{}
	start := time.Now().Add(-2 * time.Hour)
	for _, da := range demoAccounts {
		acc := sb.AddAccount(da.host, da.name)
		acc.SetMedia("cabinet.jpg", 48<<10, "image/jpeg")
		for i, p := range da.posts {
			p.Published = start.Add(time.Duration(i) * 10 * time.Minute)
			acc.Publish(p)
		}
		accounts[da.name] = acc
		cfg.Actors = append(cfg.Actors, config.Actor{ID: da.actor, Name: da.actorName, Affiliation: da.affn, Country: "KH"})
		src := config.Source{
			ID: da.name, Actor: da.actor, Platform: "feed", URL: acc.FeedURL(),
			Schedule: fmt.Sprintf("@every %s", o.interval), Vantage: config.Direct,
		}
		if da.platform == "bluesky" {
			src.Platform, src.URL, src.APIBase, src.PDSBase = "bluesky", acc.BlueskyProfileURL(), acc.BlueskyAPIBase(), acc.BlueskyAPIBase()
		}
		cfg.Sources = append(cfg.Sources, src)
	}
	// The admin token, when set, lets `reindex` and `POST /api/reports`
	// reach the demo as they reach serve.
	cfg.SecretsFromEnv()
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("demo config: %w", err)
	}
	cfgPath := filepath.Join(o.data, "takedownwatch.yaml")
	if err := writeDemoConfig(cfgPath, cfg); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "demo: sandbox platform on %v; archive in %s\n", sb.Hosts(), cfg.DataDir)
	fmt.Fprintf(e.stdout, "demo: afterwards, try: takedownwatch export events --format csv --config %s\n", cfgPath)
	// The Prime Minister's Khmer post writes U+200B between its words; the
	// search is typed without, as people type it.
	fmt.Fprintf(e.stdout, "demo: or search, Khmer included: takedownwatch search រាជរដ្ឋាភិបាលកម្ពុជា --config %s\n", cfgPath)

	if o.duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.duration)
		defer cancel()
	}
	storyLog := e.log.WithField("component", "demo")
	go tellStory(ctx, storyLog, o.interval, accounts, sb.Requests, cfg.Detector.ConfirmChecks)
	return serve(ctx, e, cfg, 10*time.Second, true)
}

// tellStory changes the sandbox the way the real platforms change, one step
// per collection interval, and says so in the log.
func tellStory(ctx context.Context, log *logrus.Entry, every time.Duration, acc map[string]*sandbox.Account,
	served func(url string) int, confirmChecks int) {
	opp, pm, press := acc["opposition-party"], acc["pm-office"], acc["press-office"]
	withheld := opp.PostURL("4")
	checksBefore := 0 // the withheld post's permalink fetches before it was withheld
	steps := []struct {
		say string
		do  func()
		// ready, if set, holds the step (for ten intervals at most) until
		// the detector has seen what an earlier step did: a step that
		// undoes it too soon would leave nothing to find.
		ready func() bool
	}{
		{"the Prime Minister's Office publishes a new post", func() {
			pm.Publish(sandbox.Post{Title: "Visit", HTML: "<p>The Prime Minister visits flooded provinces.</p>"})
		}, nil},
		{"the opposition edits its statement (words change)", func() {
			opp.Edit("2", "<p>We reject the new law that silences critics and journalists.</p>")
		}, nil},
		{"the opposition's report disappears (404)", func() { opp.Delete("3", sandbox.Gone404) }, nil},
		{"the opposition's post on press freedom is withheld in the country (451)", func() {
			checksBefore = served(withheld)
			opp.Withhold("4", "https://authority.example/orders/2026-114")
		}, nil},
		{"the press office publishes a post", func() {
			press.Publish(sandbox.Post{Title: "Update", HTML: "<p>The ministry clarifies the cybersecurity law.</p>"})
		}, nil},
		{"the opposition deletes its edited statement (410)", func() { opp.Delete("2", sandbox.Gone410) }, nil},
		{"the opposition publishes a new statement", func() {
			opp.Publish(sandbox.Post{Title: "Appeal", HTML: "<p>We appeal the order against our post.</p>"})
		}, nil},
		{"the withholding is lifted: the post on press freedom is back", func() { opp.Restore("4") },
			func() bool { return served(withheld) >= checksBefore+confirmChecks }},
	}
	// Each step also waits until the story's listings were read since the
	// step before (for ten intervals at most): on a slow or busy machine
	// the first cycle can come after the first steps, and an edit made
	// before the daemon ever read the statement is no edit it can find.
	listings := []string{opp.FeedURL(), pm.FeedURL(), press.FeedURL()}
	readAt := make([]int, len(listings))
	readSince := func() bool {
		for i, u := range listings {
			if served(u) <= readAt[i] {
				return false
			}
		}
		return true
	}
	t := time.NewTimer(every + every/5)
	defer t.Stop()
	for i, s := range steps {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for deadline := time.Now().Add(10 * every); (!readSince() || s.ready != nil && !s.ready()) && time.Now().Before(deadline); {
			select {
			case <-ctx.Done():
				return
			case <-time.After(every / 5):
			}
		}
		for i, u := range listings {
			readAt[i] = served(u)
		}
		s.do()
		log.Infof("story %d/%d: %s", i+1, len(steps), s.say)
		t.Reset(every)
	}
	log.Info("story told; the daemon keeps watching (Ctrl-C stops)")
}

// demoAddress picks the port now when listen asks for any (port 0), so the
// config the demo leaves has the address it served: its feeds and pages
// link there. It returns the address to listen on and the base URL.
func demoAddress(listen string) (string, string, error) {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "", "", err
	}
	// Bound once now (any free port, when 0), to learn it and that it
	// is free; serve takes it again in a moment.
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return "", "", err
	}
	_, port, _ = net.SplitHostPort(l.Addr().String())
	l.Close()
	linkHost := host
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		linkHost = "127.0.0.1"
	}
	return net.JoinHostPort(host, port), "http://" + net.JoinHostPort(linkHost, port), nil
}

// writeDemoConfig leaves a config beside the demo's archive, so the read
// commands can be pointed at it afterwards.
func writeDemoConfig(path string, cfg *config.Config) error {
	out := *cfg
	b, err := yaml.Marshal(&out)
	if err != nil {
		return fmt.Errorf("demo: config: %w", err)
	}
	header := "# Written by `takedownwatch demo`: the sandbox hosts are gone when the demo stops,\n# but read commands (export, sources, verify) work on the archive.\n"
	return os.WriteFile(path, append([]byte(header), b...), 0o644)
}
