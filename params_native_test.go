//go:build !js

package websocket_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// Timeout bounds the whole sequence: a server that accepts TCP and never
// answers the upgrade gives ERROR "timed out after 300ms", DISCONNECTED 1006.
// With wss:// the listener hangs the TLS handshake instead: the same.
func TestTimeout(t *testing.T) {
	t.Parallel()
	hang := hangingURL(t)
	for _, u := range []string{hang, "wss://" + strings.TrimPrefix(hang, "ws://")} {
		r := newRecorder(t)
		start := time.Now()
		r.connect(u, &websocket.Params{Timeout: 300 * time.Millisecond})
		evs := r.waitDone()
		took := time.Since(start)
		checkSeq(t, evs, "ERROR DISCONNECTED")
		checkError(t, evs[0], []error{websocket.ErrTimeout}, "timed out after 300ms", u)
		checkDisconnected(t, evs, websocket.CloseAbnormalClosure, "")
		if took < 300*time.Millisecond || took > 10*time.Second {
			t.Errorf("%s: the timeout of 300ms fired after %v", u, took)
		}
	}
}

// Timeout 0 means 3 s.
func TestDefaultTimeout(t *testing.T) {
	t.Parallel()
	r := newRecorder(t)
	start := time.Now()
	r.connect(hangingURL(t), nil)
	evs := r.waitDone()
	took := time.Since(start)
	checkSeq(t, evs, "ERROR DISCONNECTED")
	checkError(t, evs[0], []error{websocket.ErrTimeout}, "timed out after 3s")
	if took < 3*time.Second {
		t.Errorf("the default timeout fired after %v", took)
	}
}

// serverHeaders connects to /headers with p and returns the request
// headers the server saw, and the events.
func serverHeaders(t *testing.T, p *websocket.Params) (http.Header, []*websocket.Data) {
	t.Helper()
	r := newRecorder(t)
	r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
		if d.Event == websocket.EventMessage {
			websocket.Disconnect(c)
		}
	}
	r.connect(wsURL("/headers"), p)
	evs := r.waitDone()
	checkSeq(t, evs, "CONNECTED MESSAGE DISCONNECTED")
	var h http.Header
	if err := json.Unmarshal(evs[1].Message, &h); err != nil {
		t.Fatalf("/headers sent %q: %v", evs[1].Message, err)
	}
	return h, evs
}

// The seed's own example: a Sec-WebSocket-Protocol line in Headers is the
// subprotocol request; the Origin reaches the server.
func TestSeedHeaders(t *testing.T) {
	h, evs := serverHeaders(t, &websocket.Params{Headers: "Sec-WebSocket-Protocol: chat\r\nOrigin: mydomain.com\r\n"})
	if hs := evs[0].HandshakeResponse; hs == nil || hs.Protocol != "chat" {
		t.Errorf("HandshakeResponse %+v, want Protocol chat", hs)
	}
	if got := h.Get("Origin"); got != "mydomain.com" {
		t.Errorf("the server saw Origin %q", got)
	}
	if got := h.Values("Sec-Websocket-Protocol"); len(got) != 1 || got[0] != "chat" {
		t.Errorf("the server saw Sec-WebSocket-Protocol %q", got)
	}
}

// Custom headers arrive, in order for a repeated name; a Host line is the Host.
func TestCustomHeaders(t *testing.T) {
	h, _ := serverHeaders(t, &websocket.Params{
		Headers: "X-Game: chess\r\nx-multi: 1\r\nX-Multi: 2\r\nAuthorization: Bearer abc def\r\nHost: game.example:1234",
	})
	if got := h.Get("X-Game"); got != "chess" {
		t.Errorf("X-Game %q", got)
	}
	if got := h.Values("X-Multi"); strings.Join(got, ",") != "1,2" {
		t.Errorf("X-Multi %q", got)
	}
	if got := h.Get("Authorization"); got != "Bearer abc def" {
		t.Errorf("Authorization %q", got)
	}
	if got := h.Get("Host"); got != "game.example:1234" {
		t.Errorf("the server saw Host %q", got)
	}
	if got := h.Get("Sec-Websocket-Protocol"); got != "" {
		t.Errorf("Sec-WebSocket-Protocol %q sent unasked", got)
	}
}
