//go:build js && wasm

package websocket_test

import (
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// waitNoFuncs waits until the wasm backend holds no js.Func.
func waitNoFuncs(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for websocket.LiveFuncs() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d js.Funcs still live", websocket.LiveFuncs())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Guarantee 6: no js.Func outlives its connection, whichever way it ends.
func TestBrowserNoFuncLeak(t *testing.T) {
	waitNoFuncs(t)
	for i := 0; i < 100; i++ {
		r := newRecorder(t)
		var want string
		switch i % 5 {
		case 0, 1: // open, then our Disconnect
			c := openConn(t, r, wsURL("/echo"), nil)
			websocket.Disconnect(c)
			want = "CONNECTED DISCONNECTED"
		case 2: // Disconnect before the dial even started
			c := r.connect(wsURL("/echo"), nil)
			websocket.Disconnect(c)
			want = "DISCONNECTED"
		case 3: // the server closes
			r.connect(wsURL("/close?code=4000"), nil)
			want = "CONNECTED DISCONNECTED"
		case 4: // the browser fails the connection
			r.connect(freshURL("/refuse"), nil)
			want = "ERROR DISCONNECTED"
		}
		if evs := r.waitDone(); kinds(evs) != want {
			t.Fatalf("cycle %d: events %s, want %s", i, describe(evs), want)
		}
		// A connection's funcs are gone by the time DISCONNECTED runs.
		if n := websocket.LiveFuncs(); n != 0 {
			t.Fatalf("cycle %d: %d js.Funcs live after DISCONNECTED", i, n)
		}
	}
}
