//go:build js && wasm

package websocket_test

import (
	"os"
	"strings"
	"testing"
)

// TestInterop in Chromium: the same checks as natively, against the
// third-party servers that `make test-interop` starts (internal/cmd/withpeers
// passes their addresses as HYBRIDWS_INTEROP_PEERS="name=host:port,...").
func TestInterop(t *testing.T) {
	peers := os.Getenv("HYBRIDWS_INTEROP_PEERS")
	if peers == "" {
		t.Skip("interop tests: run by make test-interop, which starts the third-party servers")
	}
	for _, p := range strings.Split(peers, ",") {
		name, addr, _ := strings.Cut(p, "=")
		t.Run(name, func(t *testing.T) { interopCases(t, addr) })
	}
}
