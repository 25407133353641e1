package websocket_test

import (
	"bytes"
	"testing"

	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/internal/test/engine"
)

// Protocol may be a list: the server picks one of them.
func TestProtocolList(t *testing.T) {
	r := newRecorder(t)
	c := openConn(t, r, wsURL("/echo"), &websocket.Params{Protocol: "foo, chat"})
	websocket.Disconnect(c)
	evs := r.waitDone()
	checkSeq(t, evs, "CONNECTED DISCONNECTED")
	if hs := evs[0].HandshakeResponse; hs == nil || hs.Protocol != "chat" {
		t.Errorf("HandshakeResponse %+v, want Protocol chat", hs)
	}
}

// A requested subprotocol the server does not choose fails the connection
// on both backends: ERROR, DISCONNECTED 1006, and no CONNECTED. Natively,
// and in Firefox and WebKit (they open the socket with protocol ""), the
// library's own check finds it: ErrSubprotocol. Chromium fails the
// handshake itself without saying why, so there it is a dial failure
// whose text names the subprotocols as a possible cause.
func TestSubprotocolNotChosen(t *testing.T) {
	r := newRecorder(t)
	r.connect(wsURL("/noproto"), &websocket.Params{Protocol: "chat"})
	evs := r.waitDone()
	checkSeq(t, evs, "ERROR DISCONNECTED")
	if engine.Name == engine.Chromium {
		checkError(t, evs[0], []error{websocket.ErrDial}, "/noproto", "no reason", `subprotocols ["chat"]`)
	} else {
		checkError(t, evs[0], []error{websocket.ErrSubprotocol}, "chat")
	}
	checkDisconnected(t, evs, websocket.CloseAbnormalClosure, "")
	r.settle(evs)
}

// Without Protocol no subprotocol is negotiated, and /noproto is fine.
func TestNoProtocolRequested(t *testing.T) {
	r := newRecorder(t)
	c := openConn(t, r, wsURL("/noproto"), nil)
	websocket.Disconnect(c)
	evs := r.waitDone()
	checkSeq(t, evs, "CONNECTED DISCONNECTED")
	if hs := evs[0].HandshakeResponse; hs == nil || hs.Protocol != "" {
		t.Errorf("HandshakeResponse %+v, want no protocol", hs)
	}
}

// The default MaxMessageSize is not coder/websocket's 32 KiB: 100 KiB and
// 1 MiB messages pass with nil Params.
func TestDefaultMaxMessageSize(t *testing.T) {
	sizes := []int{100 << 10, 1 << 20}
	r := newRecorder(t)
	c := openConn(t, r, wsURL("/echo"), nil)
	for _, n := range sizes {
		if err := websocket.Send(c, bytes.Repeat([]byte{'a'}, n), nil); err != nil {
			t.Fatal(err)
		}
	}
	r.waitFor("the echoes", func(evs []*websocket.Data) bool {
		return len(messages(evs)) == len(sizes) || find(evs, websocket.EventDisconnected) != nil
	})
	websocket.Disconnect(c)
	evs := r.waitDone()
	checkSeq(t, evs, "CONNECTED MESSAGE MESSAGE DISCONNECTED")
	for i, d := range messages(evs) {
		if len(d.Message) != sizes[i] {
			t.Errorf("echo %d has %d bytes, want %d", i, len(d.Message), sizes[i])
		}
	}
	if websocket.DefaultMaxMessageSize != 64<<20 {
		t.Errorf("DefaultMaxMessageSize %d", websocket.DefaultMaxMessageSize)
	}
}

// MaxMessageSize is inclusive; one byte more is ERROR (ErrMessageTooBig),
// then DISCONNECTED 1009.
func TestMaxMessageSize(t *testing.T) {
	skipInBrowser(t, "browsers enforce their own limit")
	const limit = 1000
	r := newRecorder(t)
	c := openConn(t, r, wsURL("/echo"), &websocket.Params{MaxMessageSize: limit})
	if err := websocket.Send(c, bytes.Repeat([]byte{'a'}, limit), nil); err != nil {
		t.Fatal(err)
	}
	r.waitEvent(websocket.EventMessage)
	if err := websocket.Send(c, bytes.Repeat([]byte{'b'}, limit+1), nil); err != nil {
		t.Fatal(err)
	}
	evs := r.waitDone()
	checkSeq(t, evs, "CONNECTED MESSAGE ERROR DISCONNECTED")
	if len(evs[1].Message) != limit {
		t.Errorf("message of %d bytes", len(evs[1].Message))
	}
	checkError(t, evs[2], []error{websocket.ErrMessageTooBig}, "MaxMessageSize")
	checkDisconnected(t, evs, websocket.CloseMessageTooBig, "*")
	r.settle(evs)

	// No limit: a message past the default would pass; 2 MiB shows the
	// limit is gone without using much memory.
	r = newRecorder(t)
	c = openConn(t, r, wsURL("/echo"), &websocket.Params{MaxMessageSize: -1})
	websocket.Send(c, make([]byte, 2<<20), nil)
	r.waitEvent(websocket.EventMessage)
	websocket.Disconnect(c)
	checkSeq(t, r.waitDone(), "CONNECTED MESSAGE DISCONNECTED")
}
