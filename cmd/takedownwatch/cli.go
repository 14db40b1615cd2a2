package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	stdlog "log"
	"os"
	"sort"
	"strings"

	"github.com/sirupsen/logrus"

	"github.com/takedownwatch/takedownwatch/archive"
	"github.com/takedownwatch/takedownwatch/config"
)

// defaultConfigFile is read when --config is not given; when it does not
// exist either, the built-in defaults apply.
const defaultConfigFile = "takedownwatch.yaml"

// usageError is bad usage: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// quietError has already been reported (e.g. config check printed its
// lines); main only sets the exit status.
type quietError struct{ err error }

func (e *quietError) Error() string { return e.err.Error() }
func (e *quietError) Unwrap() error { return e.err }

func isQuiet(err error) bool {
	var q *quietError
	return errors.As(err, &q) || errors.Is(err, flag.ErrHelp)
}

func exitCode(err error) int {
	var u *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &u):
		return 2
	}
	return 1
}

// env is what every command gets: its output streams and the options every
// command shares.
type env struct {
	stdout, stderr io.Writer
	configPath     string
	configGiven    bool
	logFormat      string
	logLevel       string
	log            *logrus.Logger
}

// command is one subcommand.
type command struct {
	name    string
	args    string // synopsis of positional arguments and flags
	summary string
	// flags registers the command's own flags on fs.
	flags func(fs *flag.FlagSet) any
	run   func(ctx context.Context, e *env, opts any, args []string) error
}

func commands() []*command {
	return []*command{
		versionCmd(), configCmd(), verifyCmd(), backupCmd(), exportCmd(), sourcesCmd(), snapshotCmd(), serveCmd(), demoCmd(), feedCmd(), searchCmd(), reindexCmd(), reportsCmd(), importCmd(),
	}
}

func findCommand(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

// run is the whole CLI, testable in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	e := &env{stdout: stdout, stderr: stderr}
	global := flag.NewFlagSet("takedownwatch", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	e.common(global)
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout)
			return flag.ErrHelp
		}
		return usagef("%v", err)
	}
	rest := global.Args()
	if len(rest) == 0 {
		printUsage(stderr)
		return usagef("no command given")
	}
	if rest[0] == "help" {
		if len(rest) > 1 {
			if c := findCommand(rest[1]); c != nil {
				fs := newFlagSet(e, c)
				if c.flags != nil {
					c.flags(fs)
				}
				fs.SetOutput(stdout)
				fs.Usage()
				return nil
			}
			return usagef("help: unknown command %q (run `takedownwatch --help`)", rest[1])
		}
		printUsage(stdout)
		return nil
	}
	c := findCommand(rest[0])
	if c == nil {
		return usagef("unknown command %q (run `takedownwatch --help`)", rest[0])
	}
	fs := newFlagSet(e, c)
	var opts any
	if c.flags != nil {
		opts = c.flags(fs)
	}
	pos, err := parseInterleaved(fs, rest[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return flag.ErrHelp
		}
		return usagef("%s: %v (run `takedownwatch %s --help`)", c.name, err, c.name)
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "config" {
			e.configGiven = true
		}
	})
	global.Visit(func(f *flag.Flag) {
		if f.Name == "config" {
			e.configGiven = true
		}
	})
	if e.log, err = newLogger(e.logFormat, e.logLevel, stderr); err != nil {
		return usagef("%v", err)
	}
	if routeStdLog {
		stdlog.SetFlags(0)
		stdlog.SetOutput(stdLogWriter{e.log.WithField("component", "lib")})
	}
	return c.run(ctx, e, opts, pos)
}

// routeStdLog: the process's standard logger (bleve writes to it, as when
// an index does not open) goes through the command's logger, so that
// --log-format json stays JSON. Set by main only: the standard logger is
// the process's, and tests run commands side by side.
var routeStdLog bool

// stdLogWriter turns each line of the standard logger into a warning.
type stdLogWriter struct{ log *logrus.Entry }

func (w stdLogWriter) Write(p []byte) (int, error) {
	w.log.Warn(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// common registers the flags every command takes. The defaults come from
// e, so values given before the command name carry over.
func (e *env) common(fs *flag.FlagSet) {
	if e.configPath == "" {
		e.configPath, e.logFormat, e.logLevel = defaultConfigFile, "text", "info"
	}
	fs.StringVar(&e.configPath, "config", e.configPath, "config `FILE`")
	fs.StringVar(&e.logFormat, "log-format", e.logFormat, "log format: text or json")
	fs.StringVar(&e.logLevel, "log-level", e.logLevel, "log level: debug, info, warn or error")
}

func newFlagSet(e *env, c *command) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	// Parse errors are returned and reported once by main; --help output
	// goes to stdout.
	fs.SetOutput(io.Discard)
	e.common(fs)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "usage: takedownwatch %s %s\n\n%s\n\nflags:\n", c.name, c.args, c.summary)
		fs.PrintDefaults()
	}
	return fs
}

// parseInterleaved lets flags come before or after positional arguments;
// "--" ends flags.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func newLogger(format, level string, w io.Writer) (*logrus.Logger, error) {
	log := logrus.New()
	log.SetOutput(w)
	switch format {
	case "text":
		log.SetFormatter(&logrus.TextFormatter{FullTimestamp: true, DisableColors: true})
	case "json":
		log.SetFormatter(&logrus.JSONFormatter{})
	default:
		return nil, fmt.Errorf("--log-format %q: want text or json", format)
	}
	lvl, err := logrus.ParseLevel(level)
	if err != nil || lvl < logrus.ErrorLevel || lvl > logrus.DebugLevel {
		// (logrus also knows panic and fatal, which hide every line
		// takedownwatch writes, and trace, which it never writes)
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	log.SetLevel(lvl)
	return log, nil
}

// loadConfig reads the config file. Without --config and without the
// default file, the built-in defaults apply, so `demo` and `version` work
// in an empty directory.
func (e *env) loadConfig() (*config.Config, error) {
	if !e.configGiven {
		if _, err := os.Stat(e.configPath); errors.Is(err, os.ErrNotExist) {
			return config.Default(), nil
		}
	}
	cfg, err := config.Load(e.configPath)
	if err != nil {
		var list config.ErrorList
		if errors.As(err, &list) {
			return nil, fmt.Errorf("config has %d error(s) (run `takedownwatch config check`):\n%w", len(list), err)
		}
		return nil, err
	}
	return cfg, nil
}

// openReader opens the archive of cfg for a read command, and says so when
// it had to migrate a database an older binary made.
// loadArchive loads the config and opens its archive for reading: what
// every read command begins with.
func (e *env) loadArchive(ctx context.Context) (*config.Config, *archive.Archive, error) {
	cfg, err := e.loadConfig()
	if err != nil {
		return nil, nil, err
	}
	a, err := e.openReader(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	return cfg, a, nil
}

func (e *env) openReader(ctx context.Context, cfg *config.Config) (*archive.Archive, error) {
	a, err := archive.OpenReader(ctx, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if a.MigratedFrom > 0 {
		e.log.WithField("component", "archive").Infof("migrated the database of %s from schema %d, as a writer would at its start", cfg.DataDir, a.MigratedFrom)
	}
	return a, nil
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `takedownwatch keeps an honest record of what political actors publish and what disappears.

usage: takedownwatch [--config FILE] [--log-format text|json] [--log-level LEVEL] COMMAND [flags] [args]

commands:
`)
	cs := commands()
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		// the first line of a longer summary ends where its sentence
		// goes on: ":" or ";" there would dangle
		first, _, _ := strings.Cut(c.summary, "\n")
		fmt.Fprintf(w, "  %-10s %s\n", c.name, strings.TrimRight(first, ":;, "))
	}
	fmt.Fprint(w, "\nRun `takedownwatch COMMAND --help` for a command's flags.\n")
}
