//go:build js && wasm

package websocket_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// Guarantee 5: Disconnect while connecting, whether or not the browser has
// created its socket yet, gives a lone DISCONNECTED (1000), no ERROR.
func TestBrowserDisconnectWhileConnecting(t *testing.T) {
	for _, tc := range []struct {
		name  string
		pause func()
	}{
		{"before the dial starts", func() {}},
		{"socket created", runtime.Gosched},
		{"handshake under way", func() { time.Sleep(50 * time.Millisecond) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRecorder(t)
			c := r.connect(wsURL("/slow?ms=500"), nil)
			tc.pause()
			if err := websocket.Disconnect(c); err != nil {
				t.Fatal(err)
			}
			evs := r.waitDone()
			if kinds(evs) != "DISCONNECTED" || evs[0].Code != websocket.CloseNormalClosure {
				t.Fatalf("events %s, want a lone DISCONNECTED(1000)", describe(evs))
			}
			r.settle(evs)
			waitNoFuncs(t)
		})
	}
}
