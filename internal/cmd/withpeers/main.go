//go:build !js

// Command withpeers starts the third-party WebSocket servers of the
// interop tests (internal/interop: npm's ws from .cache/node, Debian's
// python3-websockets) on loopback, runs a command with
// HYBRIDWS_INTEROP_PEERS="node-ws=127.0.0.1:p,python-websockets=127.0.0.1:q",
// stops the servers and exits with the command's status. Run it from the
// repository root; `make test-interop` uses it for the browser run.
//
//	go run ./internal/cmd/withpeers -- command [args...]
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
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
	node := exec.Command("node", "internal/interop/ws_server.js")
	node.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(".cache", "node", "node_modules"))
	peers := []struct {
		name string
		cmd  *exec.Cmd
	}{
		{"node-ws", node},
		{"python-websockets", exec.Command("/usr/bin/python3", "internal/interop/ws_server.py")},
	}
	var list []string
	var stops []func()
	stopAll := func() {
		for _, s := range stops {
			s()
		}
	}
	for _, p := range peers {
		addr, stop, err := start(p.cmd)
		if err != nil {
			fmt.Fprintf(os.Stderr, "withpeers: %s: %v\n", p.name, err)
			stopAll()
			os.Exit(1)
		}
		stops = append(stops, stop)
		list = append(list, p.name+"="+addr)
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

// start runs a server that prints "PORT <n>" when ready and stops when its
// standard input closes; it returns 127.0.0.1:<n> and a stop function.
func start(cmd *exec.Cmd) (string, func(), error) {
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) == 2 && f[0] == "PORT" {
				port <- f[1]
				break
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case p := <-port:
		return "127.0.0.1:" + p, stop, nil
	case <-time.After(20 * time.Second):
		stop()
		return "", nil, errors.New("did not print its port within 20s")
	}
}
