// Command zootour keeps track of animals touring zoos: see the README.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/zootour/zootour/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.OSEnv())
	stop()
	os.Exit(code)
}
