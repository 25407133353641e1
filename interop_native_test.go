//go:build !js

package websocket_test

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Interop tests against WebSocket servers no one here wrote, started on
// loopback: npm's ws 8.x (installed by make into .cache/node) and Debian's
// python3-websockets. They run with HYBRIDWS_INTEROP=1 (make test-interop,
// part of make test, installs both first); then a missing peer fails the
// test instead of skipping it.

type peer struct {
	name string
	cmd  func() (*exec.Cmd, error)
}

func interopPeers() []peer {
	return []peer{
		{"node-ws", func() (*exec.Cmd, error) {
			mod := filepath.Join(".cache", "node", "node_modules", "ws")
			if _, err := os.Stat(mod); err != nil {
				return nil, errors.New("npm ws not installed in .cache/node (make test-interop installs it)")
			}
			node, err := exec.LookPath("node")
			if err != nil {
				return nil, err
			}
			cmd := exec.Command(node, "internal/interop/ws_server.js")
			cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(".cache", "node", "node_modules"))
			return cmd, nil
		}},
		{"python-websockets", func() (*exec.Cmd, error) {
			const py = "/usr/bin/python3"
			if err := exec.Command(py, "-c", "import websockets").Run(); err != nil {
				return nil, errors.New("python3-websockets not installed (make test-interop installs it)")
			}
			return exec.Command(py, "internal/interop/ws_server.py"), nil
		}},
	}
}

// startPeer starts a peer's server and returns its host:port.
func startPeer(t *testing.T, p peer) string {
	t.Helper()
	cmd, err := p.cmd()
	if err != nil {
		t.Fatalf("%s: %v", p.name, err)
	}
	stdin, err := cmd.StdinPipe() // the server exits when it closes
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("%s: %v", p.name, err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if s := stderr.String(); s != "" {
			t.Logf("%s stderr:\n%s", p.name, s)
		}
	})
	port := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) == 2 && f[0] == "PORT" {
				port <- f[1]
			}
		}
	}()
	select {
	case p := <-port:
		return "127.0.0.1:" + p
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not start: %s", p.name, stderr.String())
		return ""
	}
}

func TestInterop(t *testing.T) {
	if os.Getenv("HYBRIDWS_INTEROP") != "1" {
		t.Skip("interop tests: set HYBRIDWS_INTEROP=1 (make test-interop installs the peers and runs them)")
	}
	for _, p := range interopPeers() {
		t.Run(p.name, func(t *testing.T) {
			interopCases(t, startPeer(t, p))
		})
	}
}
