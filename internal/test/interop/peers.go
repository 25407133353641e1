//go:build !js

// Package interop starts the third-party WebSocket servers of the interop
// tests on loopback: npm's ws 8.x (installed by make into .cache/node) and
// Debian's python3-websockets. Each server (ws_server.js, ws_server.py)
// prints "PORT <n>" when ready and exits when its standard input closes.
package interop

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

// Peer is one third-party server.
type Peer struct {
	Name    string
	command func(root string) (*exec.Cmd, error)
}

// Peers lists the servers. Their commands are found relative to the
// repository root.
var Peers = []Peer{
	{"node-ws", func(root string) (*exec.Cmd, error) {
		mods := filepath.Join(root, ".cache", "node", "node_modules")
		if _, err := os.Stat(filepath.Join(mods, "ws")); err != nil {
			return nil, errors.New("npm ws not installed in .cache/node (make test-interop installs it)")
		}
		node, err := exec.LookPath("node")
		if err != nil {
			return nil, err
		}
		cmd := exec.Command(node, filepath.Join(root, "internal", "test", "interop", "ws_server.js"))
		cmd.Env = append(os.Environ(), "NODE_PATH="+mods)
		return cmd, nil
	}},
	{"python-websockets", func(root string) (*exec.Cmd, error) {
		const py = "/usr/bin/python3"
		if err := exec.Command(py, "-c", "import websockets").Run(); err != nil {
			return nil, errors.New("python3-websockets not installed (make test-interop installs it)")
		}
		return exec.Command(py, filepath.Join(root, "internal", "test", "interop", "ws_server.py")), nil
	}},
}

// Start runs p's server from the repository root and returns its
// 127.0.0.1:port and a function that stops it. The server's standard error
// goes to stderr.
func (p Peer) Start(root string, stderr io.Writer) (string, func(), error) {
	cmd, err := p.command(root)
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", p.Name, err)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return "", nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("%s: %w", p.Name, err)
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
	case n := <-port:
		return "127.0.0.1:" + n, stop, nil
	case <-time.After(20 * time.Second):
		stop()
		return "", nil, fmt.Errorf("%s did not print its port within 20s", p.Name)
	}
}
