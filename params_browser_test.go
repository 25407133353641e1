//go:build js && wasm

package websocket_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// In a browser Headers is validated and then ignored, a Sec-WebSocket-
// Protocol line included (Protocol is the portable way), and so is Timeout:
// even 1ns connects.
func TestBrowserIgnoresHeadersAndTimeout(t *testing.T) {
	r := newRecorder(t)
	c := r.connect(wsURL("/headers"), &websocket.Params{
		Headers: "X-Hybridws-Test: yes\r\nSec-WebSocket-Protocol: chat\r\n",
		Timeout: time.Nanosecond,
	})
	d := r.waitEvent(websocket.EventMessage)
	websocket.Disconnect(c)
	evs := r.waitDone()
	checkSeq(t, evs, "CONNECTED MESSAGE DISCONNECTED")
	if p := evs[0].HandshakeResponse.Protocol; p != "" {
		t.Errorf("the server chose subprotocol %q: the Headers line reached it", p)
	}
	var h map[string][]string
	if err := json.Unmarshal(d.Message, &h); err != nil {
		t.Fatalf("/headers sent %q: %v", d.Message, err)
	}
	if _, ok := h["Origin"]; !ok {
		t.Fatalf("/headers sent no Origin, which a browser always sends: %q", d.Message)
	}
	for _, k := range []string{"X-Hybridws-Test", "Sec-Websocket-Protocol"} {
		if v, ok := h[k]; ok {
			t.Errorf("the server got %s: %q", k, v)
		}
	}
}
