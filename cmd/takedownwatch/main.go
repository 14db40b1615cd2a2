// Command takedownwatch watches the public posts of political actors,
// archives every version, and tells when and why posts disappear.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	routeStdLog = true
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled):
		// a signal, not a failure: say what it left
		fmt.Fprintln(os.Stderr, "takedownwatch: interrupted: stopped; everything archived until then is kept")
	case err != nil && !isQuiet(err):
		fmt.Fprintln(os.Stderr, "takedownwatch:", err)
	}
	os.Exit(exitCode(err))
}
