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

	"github.com/hybridws/websocket"
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
			addr := startPeer(t, p)
			url := func(path string) string { return "ws://" + addr + path }

			t.Run("echo", func(t *testing.T) {
				r := newRecorder(t)
				c := openConn(t, r, url("/echo"), nil)
				type msg struct {
					typ websocket.DataType
					p   []byte
				}
				sent := []msg{
					{websocket.DataTypeText, []byte("hello, w\u00f6rld")},
					{websocket.DataTypeBinary, []byte{0, 1, 2, 255}},
					{websocket.DataTypeText, []byte("")},
					{websocket.DataTypeBinary, bytes.Repeat([]byte{7}, 200<<10)},
					{websocket.DataTypeText, bytes.Repeat([]byte("\u20ac"), 30000)},
				}
				for _, m := range sent {
					if err := websocket.Send(c, m.p, &websocket.SendOptions{Type: m.typ}); err != nil {
						t.Fatal(err)
					}
				}
				evs := r.waitFor("echoes", func(evs []*websocket.Data) bool {
					return count(evs, websocket.EventMessage) >= len(sent) || find(evs, websocket.EventDisconnected) != nil
				})
				for i, m := range sent {
					if d := evs[1+i]; d.Event != websocket.EventMessage || d.Type != m.typ || !bytes.Equal(d.Message, m.p) {
						t.Fatalf("echo %d: %s, want %v %d bytes", i, describe(evs[1+i:2+i]), m.typ, len(m.p))
					}
				}
				websocket.Disconnect(c)
				if evs := r.waitDone(); evs[len(evs)-1].Code != 1000 || count(evs, websocket.EventError) > 0 {
					t.Fatalf("events %s", describe(evs))
				}
			})

			t.Run("close code and reason", func(t *testing.T) {
				r := newRecorder(t)
				r.connect(url("/close?code=4001&reason=bye%20now"), nil)
				evs := r.waitDone()
				if kinds(evs) != "CONNECTED DISCONNECTED" || evs[1].Code != 4001 || evs[1].Reason != "bye now" {
					t.Fatalf("events %s, want CONNECTED DISCONNECTED(4001 bye now)", describe(evs))
				}
			})

			t.Run("subprotocol chosen", func(t *testing.T) {
				r := newRecorder(t)
				c := r.connect(url("/echo"), &websocket.Params{Protocol: "superchat, chat"})
				d := r.waitEvent(websocket.EventConnected)
				if d.HandshakeResponse == nil || d.HandshakeResponse.Protocol != "chat" {
					t.Fatalf("CONNECTED with %+v, want protocol chat", d.HandshakeResponse)
				}
				websocket.Disconnect(c)
				r.waitDone()
			})

			t.Run("subprotocol refused", func(t *testing.T) {
				r := newRecorder(t)
				r.connect(url("/echo"), &websocket.Params{Protocol: "nope"})
				evs := r.waitDone()
				if kinds(evs) != "ERROR DISCONNECTED" || !errors.Is(evs[0].Err, websocket.ErrSubprotocol) || evs[1].Code != 1006 {
					t.Fatalf("events %s, want ERROR(ErrSubprotocol) DISCONNECTED(1006)", describe(evs))
				}
			})

			t.Run("server ping", func(t *testing.T) {
				r := newRecorder(t)
				c := openConn(t, r, url("/ping"), nil)
				evs := r.waitFor("the server's report of our pong", func(evs []*websocket.Data) bool {
					return find(evs, websocket.EventMessage) != nil || find(evs, websocket.EventDisconnected) != nil
				})
				if d := find(evs, websocket.EventMessage); d == nil || string(d.Message) != "pong:hb" {
					t.Fatalf("events %s, want a MESSAGE pong:hb", describe(evs))
				}
				websocket.Disconnect(c)
				r.waitDone()
			})

			t.Run("fragmented messages", func(t *testing.T) {
				r := newRecorder(t)
				c := openConn(t, r, url("/fragments"), nil)
				evs := r.waitFor("2 messages", func(evs []*websocket.Data) bool {
					return count(evs, websocket.EventMessage) >= 2 || find(evs, websocket.EventDisconnected) != nil
				})
				if kinds(evs) != "CONNECTED MESSAGE MESSAGE" ||
					string(evs[1].Message) != "hello" || evs[1].Type != websocket.DataTypeText ||
					!bytes.Equal(evs[2].Message, []byte{1, 2, 3, 4}) || evs[2].Type != websocket.DataTypeBinary {
					t.Fatalf("events %s, want text hello and binary 01020304", describe(evs))
				}
				websocket.Disconnect(c)
				r.waitDone()
			})

			t.Run("refused upgrade", func(t *testing.T) {
				r := newRecorder(t)
				r.connect(url("/refuse"), nil)
				evs := r.waitDone()
				if kinds(evs) != "ERROR DISCONNECTED" || evs[1].Code != 1006 {
					t.Fatalf("events %s, want ERROR DISCONNECTED(1006)", describe(evs))
				}
				e := evs[0]
				hs := e.HandshakeResponse
				if !errors.Is(e.Err, websocket.ErrUpgradeRefused) || !strings.Contains(string(e.Message), "403") {
					t.Errorf("ERROR %q: want ErrUpgradeRefused with 403", e.Message)
				}
				if hs == nil || hs.Status != 403 || hs.Headers.Get("X-Refused") != "yes" || !strings.Contains(string(hs.Response), "refused: go away") {
					t.Errorf("HandshakeResponse %+v", hs)
				}
			})
		})
	}
}
