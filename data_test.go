package websocket_test

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hybridws/websocket"
)

// HandshakeResponse on CONNECTED: status 101, the response headers, the
// chosen protocol; and only on CONNECTED.
func TestHandshakeResponseOnConnected(t *testing.T) {
	r := newRecorder(t)
	c := connectOpen(t, r, wsURL("/echo"), &websocket.Params{Protocol: "chat"})
	websocket.Send(c, []byte("x"), nil)
	r.waitEvent(websocket.EventMessage)
	websocket.Disconnect(c)
	evs := r.waitDone()
	checkSeq(t, evs, "CONNECTED MESSAGE DISCONNECTED")
	hs := evs[0].HandshakeResponse
	if hs == nil {
		t.Fatal("no HandshakeResponse on CONNECTED")
	}
	if hs.Status != 101 || hs.Protocol != "chat" || len(hs.Response) != 0 {
		t.Errorf("HandshakeResponse %+v", hs)
	}
	if !inBrowserTest {
		if len(hs.Headers) == 0 || hs.Headers.Get("Sec-WebSocket-Accept") == "" || hs.Headers.Get("Sec-WebSocket-Protocol") != "chat" {
			t.Errorf("HandshakeResponse headers %v", hs.Headers)
		}
	}
	for _, d := range evs[1:] {
		if d.HandshakeResponse != nil {
			t.Errorf("%v carries a HandshakeResponse", d.Event)
		}
	}
}

// The *Data and its Message belong to the callback: the library never
// reuses or changes them, even when the callback scribbles over them.
func TestDataNotReused(t *testing.T) {
	const n, size = 200, 300
	r := newRecorder(t)
	var copies [][]byte
	r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
		if d.Event == websocket.EventMessage {
			copies = append(copies, bytes.Clone(d.Message))
			// The callback owns the bytes; changing them must not show
			// in later messages.
			for i := range d.Message {
				d.Message[i] = 'X'
			}
			d.Message = append(d.Message, "tail"...)
			d.Type = 99
		}
	}
	r.connect(wsURL("/send?n=200&size=300&type=text&then=close"), nil)
	evs := r.waitDone()
	ms := messages(evs)
	if len(ms) != n {
		t.Fatalf("%d messages", len(ms))
	}
	seen := map[*websocket.Data]bool{}
	for i, d := range ms {
		if seen[d] {
			t.Fatalf("the same *Data delivered twice")
		}
		seen[d] = true
		if !bytes.Equal(copies[i], payload(i, size)) {
			t.Fatalf("message %d arrived as %.20q", i, copies[i])
		}
		// What the callback left there is still there.
		if d.Type != 99 || len(d.Message) != size+4 || !bytes.Equal(d.Message[:size], bytes.Repeat([]byte("X"), size)) {
			t.Fatalf("Data %d was changed after its callback: %v %.20q", i, d.Type, d.Message)
		}
	}
}

// goid returns the current goroutine's id.
func goid() int64 {
	var buf [64]byte
	s := strings.TrimPrefix(string(buf[:runtime.Stack(buf[:], false)]), "goroutine ")
	id, _ := strconv.ParseInt(s[:strings.IndexByte(s, ' ')], 10, 64)
	return id
}

// No callback runs inside Connect, Send or Disconnect: never on the
// goroutine that is inside one of them (a callback on the connection's own
// goroutine may run at the same time, that is fine), and never nested in a
// Send or Disconnect made by a callback (the recorder sees overlaps).
func TestNoCallbackInsideCalls(t *testing.T) {
	var caller atomic.Int64 // the goroutine inside a call, 0 if none
	check := func(c *websocket.Connection, d *websocket.Data) {
		if g := caller.Load(); g != 0 && g == goid() {
			t.Errorf("%v callback ran inside Connect, Send or Disconnect", d.Event)
		}
		switch d.Event {
		case websocket.EventConnected:
			websocket.Send(c, []byte("from the callback"), nil)
		case websocket.EventMessage:
			if string(d.Message) == "bye" {
				websocket.Send(c, []byte("x"), nil)
				websocket.Disconnect(c)
			}
		}
	}
	call := func(f func()) {
		caller.Store(goid())
		f()
		caller.Store(0)
	}
	queue := websocket.NewQueue()
	for _, p := range []*websocket.Params{nil, {Queue: queue}} {
		r := newRecorder(t)
		r.onEvent = check
		var c *websocket.Connection
		call(func() { c = r.connect(wsURL("/echo"), p) })
		pump := func(what string, pred func([]*websocket.Data) bool) []*websocket.Data {
			return r.waitFor(what, func(evs []*websocket.Data) bool {
				if p != nil {
					queue.Dispatch()
				}
				return pred(evs)
			})
		}
		pump("CONNECTED", func(evs []*websocket.Data) bool { return len(evs) > 0 })
		for i := 0; i < 50; i++ {
			call(func() { websocket.Send(c, []byte("x"), nil) })
		}
		call(func() { websocket.Send(c, []byte("bye"), nil) })
		evs := pump("DISCONNECTED", func(evs []*websocket.Data) bool { return find(evs, websocket.EventDisconnected) != nil })
		checkDisconnected(t, evs, 1000, "")
		call(func() { websocket.Disconnect(c) })

		// A connection that fails, and one we abort while connecting.
		r = newRecorder(t)
		r.onEvent = check
		call(func() { r.connect("ws://"+closedAddr(t)+"/", p) })
		pump("DISCONNECTED", func(evs []*websocket.Data) bool { return find(evs, websocket.EventDisconnected) != nil })
		r = newRecorder(t)
		r.onEvent = check
		call(func() {
			c = r.connect(connectingURL(t), p)
			websocket.Disconnect(c)
		})
		pump("DISCONNECTED", func(evs []*websocket.Data) bool { return find(evs, websocket.EventDisconnected) != nil })
	}
}
