//go:build js && wasm

package websocket_test

import (
	"testing"

	"github.com/hybridws/websocket"
)

// In a browser Proxy is validated and then ignored: the page's WebSocket
// goes through the browser's own proxy settings. A proxy where nothing
// listens changes nothing.
func TestBrowserIgnoresProxy(t *testing.T) {
	for _, proxy := range []string{"http://127.0.0.1:1", "socks5h://user:pass@127.0.0.1:1", "direct"} {
		r := newRecorder(t)
		r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
			switch d.Event {
			case websocket.EventConnected:
				websocket.Send(c, []byte("hi"), text)
			case websocket.EventMessage:
				websocket.Disconnect(c)
			}
		}
		r.connect(wsURL("/echo"), &websocket.Params{Proxy: proxy})
		evs := r.waitDone()
		checkSeq(t, evs, "CONNECTED MESSAGE DISCONNECTED")
		if string(evs[1].Message) != "hi" {
			t.Errorf("Proxy %q: echo %q", proxy, evs[1].Message)
		}
	}
}
