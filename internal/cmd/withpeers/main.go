//go:build !js

// Command withpeers starts the third-party WebSocket servers of the
// interop tests (internal/test/interop: npm's ws from .cache/node, Debian's
// python3-websockets) on loopback, runs a command with
// HYBRIDWS_INTEROP_PEERS="node-ws=127.0.0.1:p,python-websockets=127.0.0.1:q",
// stops the servers and exits with the command's status. Run it from the
// repository root; `make test-interop` uses it for the browser run.
//
//	go run ./internal/cmd/withpeers -- command [args...]
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/hybridws/websocket/internal/test/interop"
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: withpeers -- command [args...]")
		os.Exit(2)
	}
	var list []string
	var stops []func()
	stopAll := func() {
		for _, s := range stops {
			s()
		}
	}
	for _, p := range interop.Peers {
		addr, stop, err := p.Start(".", os.Stderr)
		if err != nil {
			fmt.Fprintln(os.Stderr, "withpeers:", err)
			stopAll()
			os.Exit(1)
		}
		stops = append(stops, stop)
		list = append(list, p.Name+"="+addr)
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), "HYBRIDWS_INTEROP_PEERS="+strings.Join(list, ","))
	err := cmd.Run()
	stopAll()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		os.Exit(exit.ExitCode())
	case err != nil:
		fmt.Fprintln(os.Stderr, "withpeers:", err)
		os.Exit(1)
	}
}
