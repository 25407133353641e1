package websocket_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// interopCases runs the interop checks against a third-party server at
// addr (see internal/test/interop): natively (interop_native_test.go starts
// the servers) and in Chromium (interop_browser_test.go gets their addresses).
func interopCases(t *testing.T, addr string) {
	url := func(path string) string { return "ws://" + addr + path }

	t.Run("echo", func(t *testing.T) {
		r := newRecorder(t)
		c := openConn(t, r, url("/echo"), nil)
		type msg struct {
			typ websocket.DataType
			p   []byte
		}
		sent := []msg{
			{websocket.DataTypeText, []byte("hello, w\u00f6rld")},
			{websocket.DataTypeBinary, []byte{0, 1, 2, 255}},
			{websocket.DataTypeText, []byte("")},
			{websocket.DataTypeBinary, bytes.Repeat([]byte{7}, 200<<10)},
			{websocket.DataTypeText, bytes.Repeat([]byte("\u20ac"), 30000)},
		}
		for _, m := range sent {
			if err := websocket.Send(c, m.p, &websocket.SendOptions{Type: m.typ}); err != nil {
				t.Fatal(err)
			}
		}
		evs := r.waitFor("echoes", func(evs []*websocket.Data) bool {
			return count(evs, websocket.EventMessage) >= len(sent) || find(evs, websocket.EventDisconnected) != nil
		})
		for i, m := range sent {
			if d := evs[1+i]; d.Event != websocket.EventMessage || d.Type != m.typ || !bytes.Equal(d.Message, m.p) {
				t.Fatalf("echo %d: %s, want %v %d bytes", i, describe(evs[1+i:2+i]), m.typ, len(m.p))
			}
		}
		websocket.Disconnect(c)
		if evs := r.waitDone(); evs[len(evs)-1].Code != websocket.CloseNormalClosure || count(evs, websocket.EventError) > 0 {
			t.Fatalf("events %s", describe(evs))
		}
	})

	// Compression: a mix of messages up to 4 MiB, compressed or not, and
	// a stream of game states (each much like the last: context takeover
	// at work), both ways, with a server that accepts permessage-deflate at
	// its defaults and one that does not. Natively Params.Compression
	// offers it; a browser always does. ws keeps context both ways with a
	// 32 KiB window; python3-websockets too, but answers
	// client_max_window_bits=12, and inflates with zlib, which refuses a
	// match further back than 4 KiB.
	for _, tc := range []struct {
		path    string
		deflate bool // the server accepts the extension
	}{{"/ext-echo", true}, {"/plain/ext-echo", false}} {
		t.Run("compression "+tc.path, func(t *testing.T) {
			r := newRecorder(t)
			c := openConn(t, r, url(tc.path), &websocket.Params{Compression: true})
			evs := r.waitFor("the negotiated extensions", func(evs []*websocket.Data) bool { return len(evs) >= 2 })
			ext := string(evs[1].Message)
			t.Logf("server answered Sec-WebSocket-Extensions: %q", ext)
			if got := strings.HasPrefix(ext, "permessage-deflate"); got != tc.deflate {
				t.Fatalf("server answered Sec-WebSocket-Extensions %q", ext)
			}
			if !inBrowserTest {
				if got := evs[0].HandshakeResponse.Headers.Get("Sec-WebSocket-Extensions"); got != ext {
					t.Errorf("handshake Sec-WebSocket-Extensions %q, want the server's answer %q", got, ext)
				}
			}
			msgs := compressionMix()
			for i := range 100 {
				msgs = append(msgs, wsMsg{websocket.DataTypeText, gameState(i)})
			}
			echoAll(t, r, c, 1, msgs)
			websocket.Disconnect(c)
			if evs := r.waitDone(); evs[len(evs)-1].Code != websocket.CloseNormalClosure || count(evs, websocket.EventError) > 0 {
				t.Fatalf("events %s", describe(evs))
			}
		})
	}

	t.Run("close code and reason", func(t *testing.T) {
		r := newRecorder(t)
		r.connect(url("/close?code=4001&reason=bye%20now"), nil)
		evs := r.waitDone()
		if kinds(evs) != "CONNECTED DISCONNECTED" || evs[1].Code != 4001 || evs[1].Reason != "bye now" {
			t.Fatalf("events %s, want CONNECTED DISCONNECTED(4001 bye now)", describe(evs))
		}
	})

	t.Run("subprotocol chosen", func(t *testing.T) {
		r := newRecorder(t)
		c := r.connect(url("/echo"), &websocket.Params{Protocol: "superchat, chat"})
		d := r.waitEvent(websocket.EventConnected)
		if d.HandshakeResponse == nil || d.HandshakeResponse.Protocol != "chat" {
			t.Fatalf("CONNECTED with %+v, want protocol chat", d.HandshakeResponse)
		}
		websocket.Disconnect(c)
		r.waitDone()
	})

	t.Run("subprotocol refused", func(t *testing.T) {
		r := newRecorder(t)
		r.connect(url("/echo"), &websocket.Params{Protocol: "nope"})
		evs := r.waitDone()
		// A browser fails such a connection itself, without saying why.
		if kinds(evs) != "ERROR DISCONNECTED" || evs[1].Code != websocket.CloseAbnormalClosure || !inBrowserTest && !errors.Is(evs[0].Err, websocket.ErrSubprotocol) {
			t.Fatalf("events %s, want ERROR(ErrSubprotocol) DISCONNECTED(1006)", describe(evs))
		}
	})

	t.Run("our keepalive pings answered", func(t *testing.T) {
		r := newRecorder(t)
		// A PongTimeout no loaded machine reaches: what is checked is that
		// pings go out and come back answered, not how fast.
		c := openConn(t, r, url("/echo"), &websocket.Params{KeepAlive: 50 * time.Millisecond, PongTimeout: 10 * time.Second})
		if !inBrowserTest { // a browser ignores KeepAlive: it pings by itself, or not
			waitPongs(t, r, c, 5)
		}
		if err := websocket.Send(c, []byte("still here"), &websocket.SendOptions{Type: websocket.DataTypeText}); err != nil {
			t.Fatal(err)
		}
		evs := r.waitFor("the echo", func(evs []*websocket.Data) bool { return len(evs) >= 2 })
		if kinds(evs) != "CONNECTED MESSAGE" || string(evs[1].Message) != "still here" {
			t.Fatalf("events %s, want CONNECTED MESSAGE(still here)", describe(evs))
		}
		websocket.Disconnect(c)
		if evs := r.waitDone(); evs[len(evs)-1].Code != websocket.CloseNormalClosure {
			t.Fatalf("events %s", describe(evs))
		}
	})

	t.Run("server ping", func(t *testing.T) {
		r := newRecorder(t)
		c := openConn(t, r, url("/ping"), nil)
		evs := r.waitFor("the server's report of our pong", func(evs []*websocket.Data) bool {
			return find(evs, websocket.EventMessage) != nil || find(evs, websocket.EventDisconnected) != nil
		})
		if d := find(evs, websocket.EventMessage); d == nil || string(d.Message) != "pong:hb" {
			t.Fatalf("events %s, want a MESSAGE pong:hb", describe(evs))
		}
		websocket.Disconnect(c)
		r.waitDone()
	})

	t.Run("fragmented messages", func(t *testing.T) {
		r := newRecorder(t)
		c := openConn(t, r, url("/fragments"), nil)
		evs := r.waitFor("2 messages", func(evs []*websocket.Data) bool {
			return count(evs, websocket.EventMessage) >= 2 || find(evs, websocket.EventDisconnected) != nil
		})
		if kinds(evs) != "CONNECTED MESSAGE MESSAGE" ||
			string(evs[1].Message) != "hello" || evs[1].Type != websocket.DataTypeText ||
			!bytes.Equal(evs[2].Message, []byte{1, 2, 3, 4}) || evs[2].Type != websocket.DataTypeBinary {
			t.Fatalf("events %s, want text hello and binary 01020304", describe(evs))
		}
		websocket.Disconnect(c)
		r.waitDone()
	})

	t.Run("refused upgrade", func(t *testing.T) {
		r := newRecorder(t)
		r.connect(url("/refuse"), nil)
		evs := r.waitDone()
		if kinds(evs) != "ERROR DISCONNECTED" || evs[1].Code != websocket.CloseAbnormalClosure {
			t.Fatalf("events %s, want ERROR DISCONNECTED(1006)", describe(evs))
		}
		if inBrowserTest {
			return // a browser tells a page nothing about a refused upgrade
		}
		e := evs[0]
		hs := e.HandshakeResponse
		if !errors.Is(e.Err, websocket.ErrUpgradeRefused) || !strings.Contains(string(e.Message), "403") {
			t.Errorf("ERROR %q: want ErrUpgradeRefused with 403", e.Message)
		}
		if hs == nil || hs.Status != 403 || hs.Headers.Get("X-Refused") != "yes" || !strings.Contains(string(hs.Response), "refused: go away") {
			t.Errorf("HandshakeResponse %+v", hs)
		}
	})
}
