//go:build !js

// Command withserver starts the shared test server on a free loopback port,
// runs a command with HYBRIDWS_TEST_SERVER set to the server's host:port,
// and exits with the command's status. `make test` uses it to run the
// browser tests against the same endpoints as the native tests.
//
//	go run ./internal/cmd/withserver [-minenv] -- go test ...
//
// With -minenv the command gets only the variables Go, the browser and the
// tests need (see keepEnv), not the whole environment: wasmbrowsertest hands
// every variable to the wasm test, whose command line plus environment must
// stay under about 8 KB.
package main

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"

	"github.com/hybridws/websocket/internal/test/testserver"
)

func main() {
	args := os.Args[1:]
	minEnv := false
	if len(args) > 0 && args[0] == "-minenv" {
		minEnv, args = true, args[1:]
	}
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
	env := os.Environ()
	if minEnv {
		env = trimEnv(env)
	}
	cmd.Env = append(env, "HYBRIDWS_TEST_SERVER="+ln.Addr().String())
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

// keepEnv lists the variables -minenv keeps, besides every GO* and CGO_*
// one: what the go command, the browser and the tests need.
var keepEnv = map[string]bool{
	"PATH": true, "HOME": true, "USER": true, "TMPDIR": true, "LANG": true, "LC_ALL": true,
	"TERM": true, "XDG_CACHE_HOME": true, "XDG_CONFIG_HOME": true, "CC": true, "CXX": true,
	"HTTP_PROXY": true, "HTTPS_PROXY": true, "NO_PROXY": true, "SSL_CERT_FILE": true, "SSL_CERT_DIR": true,
	"WASM_HEADLESS": true,
}

func trimEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if keepEnv[k] || strings.HasPrefix(k, "GO") || strings.HasPrefix(k, "CGO_") || strings.HasPrefix(k, "HYBRIDWS_") {
			out = append(out, kv)
		}
	}
	return out
}
