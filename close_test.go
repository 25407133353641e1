package websocket_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/internal/test/engine"
)

// Guarantee 5: Disconnect while connecting aborts the dial: a lone
// DISCONNECTED 1000, no ERROR.
func TestDisconnectWhileConnecting(t *testing.T) {
	r := newRecorder(t)
	c := r.connect(connectingURL(t), nil)
	if err := websocket.Disconnect(c); err != nil {
		t.Fatal(err)
	}
	if err := websocket.Disconnect(c); err != nil {
		t.Errorf("second Disconnect: %v", err)
	}
	evs := r.waitDone()
	checkSeq(t, evs, "DISCONNECTED")
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "")
	r.settle(evs)
	wantErr(t, websocket.Send(c, []byte("x"), nil), websocket.ErrClosed)
}

// Disconnect on an open connection: DISCONNECTED 1000; a second call, while
// closing and once closed, returns nil and changes nothing.
func TestDisconnectOpen(t *testing.T) {
	r := newRecorder(t)
	c := openConn(t, r, wsURL("/echo"), nil)
	if err := websocket.Disconnect(c); err != nil {
		t.Fatal(err)
	}
	if err := websocket.Disconnect(c); err != nil { // closing
		t.Errorf("second Disconnect: %v", err)
	}
	evs := r.waitDone()
	if err := websocket.Disconnect(c); err != nil { // closed
		t.Errorf("Disconnect once closed: %v", err)
	}
	checkSeq(t, evs, "CONNECTED DISCONNECTED")
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "")
	r.settle(evs)
}

// Disconnect after the server closed the connection returns nil and adds no event.
func TestDisconnectAfterServerClose(t *testing.T) {
	r := newRecorder(t)
	c := r.connect(wsURL("/close?code=4001&reason=bye"), nil)
	evs := r.waitDone()
	if err := websocket.Disconnect(c); err != nil {
		t.Errorf("Disconnect once closed: %v", err)
	}
	if err := websocket.Disconnect(c); err != nil {
		t.Errorf("second Disconnect once closed: %v", err)
	}
	checkSeq(t, evs, "CONNECTED DISCONNECTED")
	checkDisconnected(t, evs, 4001, "bye")
	r.settle(evs)
}

// Disconnect after a failed dial returns nil and adds no event.
func TestDisconnectAfterFailure(t *testing.T) {
	r := newRecorder(t)
	c := r.connect(closedURL(t), nil)
	evs := r.waitDone()
	if err := websocket.Disconnect(c); err != nil {
		t.Errorf("Disconnect after a failed dial: %v", err)
	}
	checkSeq(t, evs, "ERROR DISCONNECTED")
	r.settle(evs)
}

// Disconnect from other goroutines while several goroutines Send: every
// Send returns nil or ErrClosed, and the connection ends with one
// DISCONNECTED 1000 and no ERROR.
func TestDisconnectConcurrentWithSend(t *testing.T) {
	r := newRecorder(t)
	// A small send queue keeps the flush before the close frame short.
	c := openConn(t, r, wsURL("/echo"), &websocket.Params{SendQueueSize: 16 << 10})
	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := 0; ; i++ {
				err := websocket.Send(c, []byte("spam"), text)
				if errors.Is(err, websocket.ErrClosed) {
					return
				}
				if err != nil && !errors.Is(err, websocket.ErrSendQueueFull) {
					t.Errorf("Send: %v", err)
					return
				}
				if i > 1e6 {
					t.Errorf("Send still succeeds long after Disconnect")
					return
				}
			}
		}()
	}
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			time.Sleep(20 * time.Millisecond)
			if err := websocket.Disconnect(c); err != nil {
				t.Errorf("Disconnect: %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	evs := r.waitDone()
	checkSeq(t, evs[:1], "CONNECTED")
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "")
	if find(evs, websocket.EventError) != nil {
		t.Errorf("ERROR in %s", describe(evs))
	}
	r.settle(evs)
}

// Disconnect from inside the CONNECTED callback.
func TestDisconnectInConnectedCallback(t *testing.T) {
	r := newRecorder(t)
	r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
		if d.Event == websocket.EventConnected {
			if err := websocket.Disconnect(c); err != nil {
				t.Errorf("Disconnect: %v", err)
			}
			wantErr(t, websocket.Send(c, []byte("x"), nil), websocket.ErrClosed)
		}
	}
	r.connect(wsURL("/echo"), nil)
	evs := r.waitDone()
	checkSeq(t, evs, "CONNECTED DISCONNECTED")
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "")
	r.settle(evs)
}

// Disconnect from inside a MESSAGE callback while the server keeps sending.
func TestDisconnectInMessageCallback(t *testing.T) {
	r := newRecorder(t)
	r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
		if d.Event == websocket.EventMessage {
			if err := websocket.Disconnect(c); err != nil {
				t.Errorf("Disconnect: %v", err)
			}
		}
	}
	r.connect(wsURL("/send?n=100&size=10&then=wait"), nil)
	evs := r.waitDone()
	checkSeq(t, evs[:2], "CONNECTED MESSAGE")
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "")
	if find(evs, websocket.EventError) != nil {
		t.Errorf("ERROR in %s", describe(evs))
	}
	for i, d := range messages(evs) {
		if string(d.Message) != string(payload(i, 10)) {
			t.Fatalf("message %d is %q", i, d.Message)
		}
	}
	r.settle(evs)
}

// Messages queued by Send before Disconnect reach the server before the
// close frame, in order: the recording server saw every one of them, then
// close code 1000.
func TestDisconnectFlushesQueue(t *testing.T) {
	const n = 500
	id := fmt.Sprintf("%s-%d", t.Name(), time.Now().UnixNano())
	r := newRecorder(t)
	c := openConn(t, r, wsURL("/record?id="+id), nil)
	for i := 0; i < n; i++ {
		if err := websocket.Send(c, payload(i, 1000), text); err != nil {
			t.Fatal(err)
		}
	}
	websocket.Disconnect(c)
	evs := r.waitDone()
	checkSeq(t, evs, "CONNECTED DISCONNECTED")
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "")

	rec := fetchRecord(t, id)
	if rec.Code != websocket.CloseNormalClosure {
		t.Errorf("the server saw close code %d, want 1000", rec.Code)
	}
	if len(rec.Messages) != n {
		t.Fatalf("the server got %d of %d messages before the close", len(rec.Messages), n)
	}
	for i, m := range rec.Messages {
		if m != string(payload(i, 1000)) {
			t.Fatalf("message %d is %.20q", i, m)
		}
	}
}

// Send and Disconnect from inside every kind of callback, ERROR and
// DISCONNECTED included: no deadlock, exactly the expected sequence (in
// Queue mode too, where an extra event shows only once dispatched), and
// Send inside ERROR and DISCONNECTED says ErrClosed.
func TestCallsInsideEveryCallback(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{wsURL("/drop"), "CONNECTED ERROR DISCONNECTED"},
		{wsURL("/close?code=4001&reason=bye"), "CONNECTED DISCONNECTED"},
		{closedURL(t), "ERROR DISCONNECTED"},
		{wsURL("/send?n=5&then=close"), "CONNECTED MESSAGE MESSAGE MESSAGE MESSAGE MESSAGE DISCONNECTED"},
	} {
		u := tc.url
		for _, q := range []*websocket.Queue{nil, websocket.NewQueue()} {
			r := newRecorder(t)
			r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
				err := websocket.Send(c, []byte("x"), nil)
				switch d.Event {
				case websocket.EventError, websocket.EventDisconnected:
					if !errors.Is(err, websocket.ErrClosed) {
						t.Errorf("%s: Send inside %v: %v, want ErrClosed", u, d.Event, err)
					}
					if err := websocket.Disconnect(c); err != nil {
						t.Errorf("%s: Disconnect inside %v: %v", u, d.Event, err)
					}
				}
			}
			r.connect(u, &websocket.Params{Queue: q})
			evs := r.waitFor("DISCONNECTED", func(evs []*websocket.Data) bool {
				if q != nil {
					q.Dispatch()
				}
				return find(evs, websocket.EventDisconnected) != nil
			})
			if got := kinds(evs); got != tc.want {
				t.Errorf("%s (queue %v): events %s, want %s", u, q != nil, describe(evs), tc.want)
			}
			r.settle(evs)
			if q != nil {
				if n := q.Dispatch(); n != 0 {
					r.mu.Lock()
					t.Errorf("%s: %d events after DISCONNECTED in the Queue: %s", u, n, describe(r.events))
					r.mu.Unlock()
				}
			}
		}
	}
}

// Disconnect ends a connection whose socket is stuck (the server never
// reads, the send queue is full and the writer cannot write): the close
// cannot be sent, yet DISCONNECTED comes within a bounded time.
func TestDisconnectStuckSocket(t *testing.T) {
	t.Parallel() // waits out the close timeout
	const limit = 256 << 10
	r := newRecorder(t)
	c := openConn(t, r, wsURL("/noread"), &websocket.Params{SendQueueSize: limit})
	msg := make([]byte, 32<<10)
	stuckSince := time.Time{}
	deadline := time.Now().Add(20 * time.Second)
	// What Send accepts must stay within SendQueueSize plus what the
	// kernel's socket buffers take (a few MiB on loopback): past 64 MiB the
	// transport is holding the bytes somewhere, without a bound.
	const accepted = 64 << 20
	sent := 0
	for {
		if time.Now().After(deadline) {
			t.Fatalf("the socket never got stuck")
		}
		err := websocket.Send(c, msg, nil)
		if err != nil && !errors.Is(err, websocket.ErrSendQueueFull) {
			t.Fatal(err)
		}
		if err == nil {
			sent += len(msg)
			if sent > accepted && engine.Name == engine.WebKit {
				// WebKitGTK moves it all into its network process, past
				// the bound (README): the socket is stuck all the same.
				break
			}
			if sent > accepted {
				t.Fatalf("Send accepted %d MiB for a server that never reads: the send queue is not bounded", sent>>20)
			}
			stuckSince = time.Time{}
			continue
		}
		if stuckSince.IsZero() {
			stuckSince = time.Now()
		}
		if time.Since(stuckSince) > 300*time.Millisecond {
			break // full and not draining
		}
		time.Sleep(5 * time.Millisecond)
	}
	websocket.Disconnect(c)
	evs := r.waitDone()
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "*")
	if find(evs, websocket.EventError) != nil {
		t.Errorf("ERROR after our own Disconnect: %s", describe(evs))
	}
}

// DisconnectWith sends the game's own code and reason: the server receives
// them and DISCONNECTED reports them.
func TestDisconnectWith(t *testing.T) {
	for _, c := range []struct {
		code   int
		reason string
	}{{4001, "kicked"}, {3000, ""}, {websocket.CloseNormalClosure, "bye"}, {4999, strings.Repeat("é", 61) + "x"}} {
		t.Run(itoa(c.code), func(t *testing.T) {
			id := "dw-" + itoa(c.code) + "-" + itoa(int(time.Now().UnixNano()%1e9))
			r := newRecorder(t)
			conn := openConn(t, r, wsURL("/record?id="+id), nil)
			if err := websocket.DisconnectWith(conn, c.code, c.reason); err != nil {
				t.Fatalf("DisconnectWith(%d, %q): %v", c.code, c.reason, err)
			}
			if err := websocket.DisconnectWith(conn, 4002, "again"); err != nil {
				t.Errorf("second DisconnectWith: %v", err)
			}
			evs := r.waitDone()
			checkSeq(t, evs, "CONNECTED DISCONNECTED")
			checkDisconnected(t, evs, c.code, c.reason)
			if rec := fetchRecord(t, id); rec.Code != c.code {
				t.Errorf("the server got close code %d, want %d", rec.Code, c.code)
			}
		})
	}
	t.Run("while connecting", func(t *testing.T) {
		r := newRecorder(t)
		conn := r.connect(connectingURL(t), nil)
		if err := websocket.DisconnectWith(conn, 4100, "changed my mind"); err != nil {
			t.Fatal(err)
		}
		evs := r.waitDone()
		checkSeq(t, evs, "DISCONNECTED")
		checkDisconnected(t, evs, 4100, "changed my mind")
	})
}

// A code or reason a browser would refuse is ErrInvalidOptions naming what
// was wrong, on every backend, and nothing is sent: the connection stays
// open and Disconnect works after it.
func TestDisconnectWithBadInput(t *testing.T) {
	r := newRecorder(t)
	conn := openConn(t, r, wsURL("/echo"), nil)
	for _, c := range []struct {
		code   int
		reason string
		want   string
	}{
		{999, "", "close code 999"},
		{1001, "", "close code 1001"},
		{1005, "", "close code 1005"},
		{2999, "", "close code 2999"},
		{5000, "", "close code 5000"},
		{-1, "", "close code -1"},
		{4000, strings.Repeat("x", 124), "124 bytes"},
		{4000, "bad \xff", "not valid UTF-8"},
	} {
		err := websocket.DisconnectWith(conn, c.code, c.reason)
		wantErr(t, err, websocket.ErrInvalidOptions, websocket.ErrInvalidArgument)
		if err != nil && !strings.Contains(err.Error(), c.want) {
			t.Errorf("DisconnectWith(%d, %q): %q does not say %q", c.code, c.reason, err, c.want)
		}
	}
	if err := websocket.Send(conn, []byte("still open"), text); err != nil {
		t.Fatalf("Send after refused DisconnectWith calls: %v", err)
	}
	r.waitFor("the echo", func(evs []*websocket.Data) bool { return len(messages(evs)) == 1 })
	wantErr(t, websocket.DisconnectWith(nil, 1000, ""), websocket.ErrNilConnection)
	websocket.Disconnect(conn)
	evs := r.waitDone()
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "")
}
