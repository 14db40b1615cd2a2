// Command takedownwatch watches the public posts of political actors,
// archives every version, and tells when and why posts disappear.
package main

import (
	"context"
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
	if err != nil && !isQuiet(err) {
		fmt.Fprintln(os.Stderr, "takedownwatch:", err)
	}
	os.Exit(exitCode(err))
}
