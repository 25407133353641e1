package websocket_test

import (
	"bytes"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/internal/test/engine"
)

// The smallest session: CONNECTED, a text message sent from the callback
// and echoed, Disconnect from the callback, DISCONNECTED.
func TestEchoSmoke(t *testing.T) {
	r := newRecorder(t)
	r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
		switch d.Event {
		case websocket.EventConnected:
			if err := websocket.Send(c, []byte("hello"), &websocket.SendOptions{Type: websocket.DataTypeText}); err != nil {
				t.Errorf("Send: %v", err)
			}
		case websocket.EventMessage:
			websocket.Disconnect(c)
		}
	}
	r.connect(wsURL("/echo"), nil)
	evs := r.waitDone()
	if got := kinds(evs); got != "CONNECTED MESSAGE DISCONNECTED" {
		t.Fatalf("events %s", describe(evs))
	}
	if string(evs[1].Message) != "hello" || evs[1].Type != websocket.DataTypeText || evs[2].Code != websocket.CloseNormalClosure {
		t.Fatalf("events %s", describe(evs))
	}
}

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
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "")
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
		{"code=1000", websocket.CloseNormalClosure, ""},
		{"code=1001&reason=going+away", websocket.CloseGoingAway, "going away"},
		{"code=3000&reason=h%C3%A9", 3000, "hé"},
		{"code=1011&reason=oops", websocket.CloseInternalServerErr, "oops"},
		{"code=none", websocket.CloseNoStatusReceived, ""},
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
	checkDisconnected(t, evs, websocket.CloseAbnormalClosure, "")
	r.settle(evs)
}

// Messages sent just before a drop are delivered, then ERROR, DISCONNECTED.
// Sent right after the upgrade, they may come in one TCP segment with the
// 101 response and the drop: Firefox then sometimes fails the connection
// before it opens (a lone close event, 1006), which the library reports as
// the failed dial it is; sent a moment later, they come in every engine.
func TestMessagesBeforeDrop(t *testing.T) {
	for _, pause := range []string{"0", "100"} {
		t.Run("pause "+pause+"ms", func(t *testing.T) {
			r := newRecorder(t)
			url := wsURL("/send?n=20&type=text&then=drop&pause=" + pause)
			r.connect(url, nil)
			evs := r.waitDone()
			if engine.Name == engine.Firefox && pause == "0" && kinds(evs) == "ERROR DISCONNECTED" {
				checkError(t, evs[0], []error{websocket.ErrDial}, url)
				checkDisconnected(t, evs, websocket.CloseAbnormalClosure, "")
				return
			}
			checkSeq(t, evs, "CONNECTED"+strings.Repeat(" MESSAGE", 20)+" ERROR DISCONNECTED")
			for i, d := range messages(evs) {
				if string(d.Message) != itoa(i) || d.Type != websocket.DataTypeText {
					t.Fatalf("message %d is %v %q", i, d.Type, d.Message)
				}
			}
			checkError(t, evs[21], []error{websocket.ErrConnectionLost})
			checkDisconnected(t, evs, websocket.CloseAbnormalClosure, "")
		})
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
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "done")
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
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "done")
}

// The CONNECTED/MESSAGE boundary: the server sends the instant the upgrade
// completes, and the CONNECTED callback takes 50ms. Every MESSAGE still
// comes after CONNECTED has returned, in order, never overlapping it (the
// recorder fails on an overlap); in callback mode and in Queue mode. In
// Queue mode what counts is the order in the Queue: the goroutine that
// dialled queues CONNECTED, the reader the messages, and a reader started
// before CONNECTED is queued would almost never win that race by itself;
// HoldQueueUntilRead makes it win whenever it can run that early (three
// connections, each must dispatch CONNECTED first).
func TestMessagesWaitForConnected(t *testing.T) {
	const n = 50
	for _, queued := range []bool{false, true} {
		name, rounds := "callback", 1
		if queued {
			name, rounds = "queue", 3
		}
		t.Run(name, func(t *testing.T) {
			for round := 0; round < rounds; round++ {
				var q *websocket.Queue
				url := wsURL("/send?n=" + itoa(n) + "&type=text&then=wait")
				if queued {
					q = websocket.NewQueue()
					url += "&round=" + strconv.FormatInt(time.Now().UnixNano(), 36)
					websocket.HoldQueueUntilRead(url, q, 50*time.Millisecond)
				}
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
				c := r.connect(url, &websocket.Params{Queue: q})
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
				checkDisconnected(t, evs, websocket.CloseNormalClosure, "")
			}
		})
	}
}

// HandshakeResponse on CONNECTED: status 101, the response headers, the
// chosen protocol; and only on CONNECTED.
func TestHandshakeResponseOnConnected(t *testing.T) {
	r := newRecorder(t)
	c := openConn(t, r, wsURL("/echo"), &websocket.Params{Protocol: "chat"})
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
		checkDisconnected(t, evs, websocket.CloseNormalClosure, "")
		call(func() { websocket.Disconnect(c) })

		// A connection that fails, and one we abort while connecting.
		r = newRecorder(t)
		r.onEvent = check
		call(func() { r.connect(closedURL(t), p) })
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
