//go:build !js

package websocket_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/hybridws/websocket/internal/test/interop"
)

// Interop tests against WebSocket servers no one here wrote, started on
// loopback: npm's ws 8.x (installed by make into .cache/node) and Debian's
// python3-websockets. They run with HYBRIDWS_INTEROP=1 (make test-interop,
// part of make test, installs both first); then a missing peer fails the
// test instead of skipping it.

// startPeer starts a peer's server for the test and returns its host:port.
func startPeer(t *testing.T, p interop.Peer) string {
	t.Helper()
	var stderr bytes.Buffer
	addr, stop, err := p.Start(".", &stderr)
	if err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	t.Cleanup(func() {
		stop()
		if s := stderr.String(); s != "" {
			t.Logf("%s stderr:\n%s", p.Name, s)
		}
	})
	return addr
}

func TestInterop(t *testing.T) {
	if os.Getenv("HYBRIDWS_INTEROP") != "1" {
		t.Skip("interop tests: set HYBRIDWS_INTEROP=1 (make test-interop installs the peers and runs them)")
	}
	for _, p := range interop.Peers {
		t.Run(p.Name, func(t *testing.T) {
			interopCases(t, startPeer(t, p))
		})
	}
}
