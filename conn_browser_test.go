//go:build js && wasm

package websocket_test

import (
	"testing"

	"github.com/hybridws/websocket"
)

// CONNECTED carries status 101, the chosen subprotocol, and no headers.
func TestBrowserHandshakeResponse(t *testing.T) {
	r := newRecorder(t)
	c := openConn(t, r, wsURL("/echo"), &websocket.Params{Protocol: "nope, chat"})
	d := r.waitEvent(websocket.EventConnected).HandshakeResponse
	if d == nil || d.Status != 101 || d.Protocol != "chat" || len(d.Headers) != 0 {
		t.Fatalf("HandshakeResponse %+v, want status 101, protocol chat, no headers", d)
	}
	websocket.Disconnect(c)
	r.waitDone()
}
