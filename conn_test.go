package websocket_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// Guarantee 2: CONNECTED, MESSAGE*, DISCONNECTED for an echo session, with
// Type on every MESSAGE.
func TestEchoTextAndBinary(t *testing.T) {
	sent := []struct {
		p    []byte
		opts *websocket.SendOptions
		typ  websocket.DataType
	}{
		{[]byte("héllo, wörld"), text, websocket.DataTypeText},
		{[]byte{0, 1, 2, 0xff, 0xfe}, &websocket.SendOptions{Type: websocket.DataTypeBinary}, websocket.DataTypeBinary},
		{[]byte("binary by default"), nil, websocket.DataTypeBinary},
		{[]byte("zero Type is binary"), &websocket.SendOptions{}, websocket.DataTypeBinary},
		{[]byte{}, text, websocket.DataTypeText},
		{nil, nil, websocket.DataTypeBinary},
		{bytes.Repeat([]byte("x"), 100<<10), text, websocket.DataTypeText},
	}
	r := newRecorder(t)
	got := 0
	r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
		switch d.Event {
		case websocket.EventConnected:
			for _, m := range sent {
				if err := websocket.Send(c, m.p, m.opts); err != nil {
					t.Errorf("Send: %v", err)
				}
			}
		case websocket.EventMessage:
			got++
			if got == len(sent) {
				websocket.Disconnect(c)
			}
		}
	}
	r.connect(wsURL("/echo"), nil)
	evs := r.waitDone()
	checkSeq(t, evs, "CONNECTED"+strings.Repeat(" MESSAGE", len(sent))+" DISCONNECTED")
	for i, m := range sent {
		d := evs[1+i]
		if d.Type != m.typ || !bytes.Equal(d.Message, m.p) {
			t.Errorf("message %d: got %v %d bytes, want %v %d bytes", i, d.Type, len(d.Message), m.typ, len(m.p))
		}
		if d.Err != nil || d.HandshakeResponse != nil || d.Code != 0 {
			t.Errorf("message %d carries other fields: %+v", i, d)
		}
	}
	checkDisconnected(t, evs, 1000, "")
	r.settle(evs)
}

// A clean close from the server, whatever its code, is a lone
// DISCONNECTED with its code and reason: no ERROR.
func TestServerClose(t *testing.T) {
	for _, tc := range []struct {
		query  string
		code   int
		reason string
	}{
		{"code=4001&reason=bye", 4001, "bye"},
		{"code=1000", 1000, ""},
		{"code=1001&reason=going+away", 1001, "going away"},
		{"code=3000&reason=h%C3%A9", 3000, "hé"},
		{"code=1011&reason=oops", 1011, "oops"},
		{"code=none", 1005, ""},
	} {
		t.Run(tc.query, func(t *testing.T) {
			t.Parallel()
			r := newRecorder(t)
			r.connect(wsURL("/close?"+tc.query), nil)
			evs := r.waitDone()
			checkSeq(t, evs, "CONNECTED DISCONNECTED")
			checkDisconnected(t, evs, tc.code, tc.reason)
			r.settle(evs)
		})
	}
}

// TCP dropped without a close frame: ERROR, then DISCONNECTED 1006.
func TestServerDrop(t *testing.T) {
	r := newRecorder(t)
	r.connect(wsURL("/drop"), nil)
	evs := r.waitDone()
	checkSeq(t, evs, "CONNECTED ERROR DISCONNECTED")
	checkError(t, evs[1], []error{websocket.ErrConnectionLost})
	checkDisconnected(t, evs, 1006, "")
	r.settle(evs)
}

// Messages sent just before a drop are delivered, then ERROR, DISCONNECTED.
func TestMessagesBeforeDrop(t *testing.T) {
	r := newRecorder(t)
	r.connect(wsURL("/send?n=20&type=text&then=drop"), nil)
	evs := r.waitDone()
	checkSeq(t, evs, "CONNECTED"+strings.Repeat(" MESSAGE", 20)+" ERROR DISCONNECTED")
	for i, d := range messages(evs) {
		if string(d.Message) != itoa(i) || d.Type != websocket.DataTypeText {
			t.Fatalf("message %d is %v %q", i, d.Type, d.Message)
		}
	}
	checkError(t, evs[21], []error{websocket.ErrConnectionLost})
	checkDisconnected(t, evs, 1006, "")
}

// Nothing listens: ERROR naming the address, then DISCONNECTED 1006.
func TestConnectionRefused(t *testing.T) {
	addr := closedAddr(t)
	r := newRecorder(t)
	r.connect("ws://"+addr+"/echo", nil)
	evs := r.waitDone()
	checkSeq(t, evs, "ERROR DISCONNECTED")
	checkError(t, evs[0], []error{websocket.ErrDial}, addr)
	checkDisconnected(t, evs, 1006, "")
	r.settle(evs)
}

// The server refuses the upgrade: ERROR with the status and the
// HandshakeResponse (status, headers, the body), then DISCONNECTED.
func TestUpgradeRefused(t *testing.T) {
	r := newRecorder(t)
	r.connect(wsURL("/refuse"), nil)
	evs := r.waitDone()
	checkSeq(t, evs, "ERROR DISCONNECTED")
	checkDisconnected(t, evs, 1006, "")
	r.settle(evs)
	skipInBrowser(t, "browsers hide the status, headers and body of a refused upgrade")
	checkError(t, evs[0], []error{websocket.ErrUpgradeRefused}, "status 403 Forbidden")
	hs := evs[0].HandshakeResponse
	if hs == nil {
		t.Fatal("no HandshakeResponse on the ERROR of a refused upgrade")
	}
	if hs.Status != 403 || hs.Headers.Get("X-Refused") != "yes" || string(hs.Response) != "refused: go away" {
		t.Errorf("HandshakeResponse %+v (body %q)", hs, hs.Response)
	}

	// Another status, also in the text.
	r = newRecorder(t)
	r.connect(wsURL("/refuse?status=503"), nil)
	evs = r.waitDone()
	checkSeq(t, evs, "ERROR DISCONNECTED")
	checkError(t, evs[0], []error{websocket.ErrUpgradeRefused}, "status 503 Service Unavailable")
	if hs := evs[0].HandshakeResponse; hs == nil || hs.Status != 503 {
		t.Errorf("HandshakeResponse %+v", hs)
	}
}

// Messages the server sends just before its close frame are not lost.
func TestMessagesBeforeClose(t *testing.T) {
	r := newRecorder(t)
	r.connect(wsURL("/send?n=50&type=text&then=close"), nil)
	evs := r.waitDone()
	checkSeq(t, evs, "CONNECTED"+strings.Repeat(" MESSAGE", 50)+" DISCONNECTED")
	for i, d := range messages(evs) {
		if string(d.Message) != itoa(i) || d.Type != websocket.DataTypeText {
			t.Fatalf("message %d is %v %q", i, d.Type, d.Message)
		}
	}
	checkDisconnected(t, evs, 1000, "done")
}

// Messages arrive in the order the server sent them.
func TestMessageOrder(t *testing.T) {
	const n = 1000
	r := newRecorder(t)
	r.connect(wsURL("/send?n=1000&size=100&then=close"), nil)
	evs := r.waitDone()
	ms := messages(evs)
	if len(ms) != n {
		t.Fatalf("%d messages, want %d; events %s", len(ms), n, describe(evs[:3]))
	}
	for i, d := range ms {
		if !bytes.Equal(d.Message, payload(i, 100)) || d.Type != websocket.DataTypeBinary {
			t.Fatalf("message %d is %v %q", i, d.Type, d.Message)
		}
	}
	checkSeq(t, evs[len(evs)-1:], "DISCONNECTED")
	checkDisconnected(t, evs, 1000, "done")
}

// The CONNECTED/MESSAGE boundary: the server sends the instant the upgrade
// completes, and the CONNECTED callback takes 50ms. Every MESSAGE still
// comes after CONNECTED has returned, in order, never overlapping it (the
// recorder fails on an overlap); in callback mode and in Queue mode.
func TestMessagesWaitForConnected(t *testing.T) {
	const n = 50
	for _, queued := range []bool{false, true} {
		name := "callback"
		var q *websocket.Queue
		if queued {
			name, q = "queue", websocket.NewQueue()
		}
		t.Run(name, func(t *testing.T) {
			r := newRecorder(t)
			var connectedEnd time.Time
			r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
				if d.Event == websocket.EventConnected {
					time.Sleep(50 * time.Millisecond)
					r.mu.Lock()
					connectedEnd = time.Now()
					r.mu.Unlock()
				}
			}
			c := r.connect(wsURL("/send?n="+itoa(n)+"&type=text&then=wait"), &websocket.Params{Queue: q})
			evs := r.waitFor(itoa(n)+" messages", func(evs []*websocket.Data) bool {
				if q != nil {
					q.Dispatch()
				}
				return len(messages(evs)) >= n || find(evs, websocket.EventDisconnected) != nil
			})
			checkSeq(t, evs, "CONNECTED"+strings.Repeat(" MESSAGE", n))
			for i, d := range messages(evs) {
				if string(d.Message) != itoa(i) {
					t.Fatalf("message %d is %q", i, d.Message)
				}
			}
			r.mu.Lock()
			end, first := connectedEnd, r.times[1]
			r.mu.Unlock()
			if end.IsZero() || first.Before(end) {
				t.Errorf("the first MESSAGE began %v before CONNECTED returned", end.Sub(first))
			}
			websocket.Disconnect(c)
			evs = r.waitFor("DISCONNECTED", func(evs []*websocket.Data) bool {
				if q != nil {
					q.Dispatch()
				}
				return find(evs, websocket.EventDisconnected) != nil
			})
			checkDisconnected(t, evs, 1000, "")
		})
	}
}
