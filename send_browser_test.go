//go:build js && wasm

package websocket_test

// Send in a browser: the bound on the browser's own send buffer, and
// callbacks that re-enter the API while the page's event loop is the only
// thread.

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/internal/test/engine"
)

// A callback may call Send and Disconnect, also several times and after
// the connection closed: nothing blocks the page and nothing panics.
func TestBrowserCallbackSendsAndDisconnects(t *testing.T) {
	for _, queued := range []bool{false, true} {
		name := "own goroutine"
		if queued {
			name = "Queue"
		}
		t.Run(name, func(t *testing.T) {
			var q *websocket.Queue
			if queued {
				q = websocket.NewQueue()
			}
			r := newRecorder(t)
			var inCallbackErr error
			r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
				switch d.Event {
				case websocket.EventConnected:
					for _, m := range []string{"a", "b", "c"} {
						if err := websocket.Send(c, []byte(m), &websocket.SendOptions{Type: websocket.DataTypeText}); err != nil {
							t.Errorf("Send(%s): %v", m, err)
						}
					}
				case websocket.EventMessage:
					if string(d.Message) == "c" {
						websocket.Disconnect(c)
						websocket.Disconnect(c)
						inCallbackErr = websocket.Send(c, []byte("late"), nil)
					}
				case websocket.EventDisconnected:
					if err := websocket.Send(c, []byte("after"), nil); !errors.Is(err, websocket.ErrClosed) {
						t.Errorf("Send in DISCONNECTED: %v, want ErrClosed", err)
					}
					if err := websocket.Disconnect(c); err != nil {
						t.Errorf("Disconnect in DISCONNECTED: %v", err)
					}
				}
			}
			r.connect(wsURL("/echo"), &websocket.Params{Queue: q})
			var evs []*websocket.Data
			if queued {
				deadline := time.Now().Add(10 * time.Second)
				for {
					q.Dispatch()
					r.mu.Lock()
					evs = append(evs[:0], r.events...)
					r.mu.Unlock()
					if find(evs, websocket.EventDisconnected) != nil {
						break
					}
					if time.Now().After(deadline) {
						t.Fatalf("no DISCONNECTED; events %s", describe(evs))
					}
					time.Sleep(5 * time.Millisecond)
				}
			} else {
				evs = r.waitDone()
			}
			if got := kinds(evs); got != "CONNECTED MESSAGE MESSAGE MESSAGE DISCONNECTED" {
				t.Fatalf("events %s", describe(evs))
			}
			for i, m := range []string{"a", "b", "c"} {
				if string(evs[1+i].Message) != m {
					t.Errorf("message %d is %q, want %q", i, evs[1+i].Message, m)
				}
			}
			checkDisconnected(t, evs, websocket.CloseNormalClosure, "")
			if !errors.Is(inCallbackErr, websocket.ErrClosed) {
				t.Errorf("Send after Disconnect in the callback: %v, want ErrClosed", inCallbackErr)
			}
			waitNoFuncs(t)
		})
	}
}

// Guarantee 4 in a browser: the send bound applies to the socket's
// bufferedAmount, so a server that stops reading cannot make the page's
// memory grow without end; Disconnect still ends the stuck connection.
//
// Sends made without yielding to the page (a burst) stop at the bound in
// every engine. WebKitGTK, once the page yields, moves what waits out of
// the page into its network process, which queues without limit, and
// bufferedAmount drops to 0: there the bound holds only per burst (README's
// engine differences).
func TestBrowserSendBoundedByBufferedAmount(t *testing.T) {
	const limit = 256 << 10
	r := newRecorder(t)
	c := openConn(t, r, wsURL("/noread"), &websocket.Params{SendQueueSize: limit})
	msg := make([]byte, 32<<10)
	send := func() error {
		err := websocket.Send(c, msg, nil)
		if b := websocket.BrowserBuffered(c); b > limit {
			t.Fatalf("bufferedAmount %d passed SendQueueSize %d", b, limit)
		}
		switch {
		case err == nil:
		case !errors.Is(err, websocket.ErrSendQueueFull):
			t.Fatal(err)
		case !strings.Contains(err.Error(), "SendQueueSize"):
			t.Errorf("error %q does not name the bound", err)
		}
		return err
	}
	burst := 0
	for send() == nil {
		burst++
	}
	if max := limit / (32<<10 + 16); burst != max {
		t.Errorf("a burst of Sends stopped after %d messages, want %d", burst, max)
	}
	if engine.Name == engine.WebKit {
		time.Sleep(100 * time.Millisecond)
		if b := websocket.BrowserBuffered(c); b != 0 {
			t.Errorf("bufferedAmount %d after the page yielded: WebKitGTK now keeps what its network process holds", b)
		}
		if err := send(); err != nil {
			t.Errorf("Send after the page yielded: %v", err)
		}
	} else {
		sent := int64(burst * len(msg))
		var full time.Time
		deadline := time.Now().Add(30 * time.Second)
		for {
			if time.Now().After(deadline) {
				t.Fatalf("sent %d bytes to a server that never reads and the queue never stayed full", sent)
			}
			if send() == nil {
				sent += int64(len(msg))
				full = time.Time{}
				continue
			}
			if full.IsZero() {
				full = time.Now()
			}
			if time.Since(full) > 500*time.Millisecond {
				break // full, and the browser cannot drain it
			}
			time.Sleep(10 * time.Millisecond) // let the browser move bytes to TCP
		}
		if b := websocket.BrowserBuffered(c); b+32<<10+16 <= limit {
			t.Fatalf("Send refused with only %d bytes buffered", b)
		}
		t.Logf("%d bytes accepted before the socket stuck; bufferedAmount %d", sent, websocket.BrowserBuffered(c))
	}
	websocket.Disconnect(c)
	evs := r.waitDone()
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "*")
	if find(evs, websocket.EventError) != nil {
		t.Errorf("ERROR after our own Disconnect: %s", describe(evs))
	}
	waitNoFuncs(t)
}
