//go:build !js

// Command withserver starts the shared test server on a free loopback port,
// runs a command with HYBRIDWS_TEST_SERVER set to the server's host:port,
// and exits with the command's status. `make test` uses it to run the
// browser tests against the same endpoints as the native tests.
//
//	go run ./internal/cmd/withserver -- go test ...
package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"

	"github.com/hybridws/websocket/internal/testserver"
)

func main() {
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: withserver -- command [args...]")
		os.Exit(2)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "withserver:", err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: testserver.Handler()}
	go srv.Serve(ln)
	defer srv.Close()

	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), "HYBRIDWS_TEST_SERVER="+ln.Addr().String())
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		srv.Close()
		os.Exit(exit.ExitCode())
	case err != nil:
		fmt.Fprintln(os.Stderr, "withserver:", err)
		srv.Close()
		os.Exit(1)
	}
}
