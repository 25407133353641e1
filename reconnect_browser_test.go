//go:build js && wasm

package websocket_test

import (
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// 100 reconnect cycles (a server that closes every connection with 1012)
// leave no js.Func behind once DISCONNECTED has come.
func TestReconnectNoFuncLeak(t *testing.T) {
	r := newRecorder(t)
	rc := &websocket.Reconnect{MinDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}
	c := r.connect(wsURL("/close?code=1012"), &websocket.Params{Reconnect: rc})
	r.waitFor("100 cycles", func(evs []*websocket.Data) bool { return count(evs, websocket.EventConnected) >= 100 })
	websocket.Disconnect(c)
	evs := r.waitDone()
	checkGrammar(t, evs, true)
	if n := websocket.LiveFuncs(); n != 0 {
		t.Errorf("%d js.Funcs alive after %d reconnect cycles", n, count(evs, websocket.EventConnected))
	}
}
