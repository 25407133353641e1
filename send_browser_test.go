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
func TestBrowserSendBoundedByBufferedAmount(t *testing.T) {
	const limit = 256 << 10
	r := newRecorder(t)
	c := openConn(t, r, wsURL("/noread"), &websocket.Params{SendQueueSize: limit})
	msg := make([]byte, 32<<10)
	var sent int64
	var full time.Time
	deadline := time.Now().Add(30 * time.Second)
	for {
		if time.Now().After(deadline) {
			t.Fatalf("sent %d bytes to a server that never reads and the queue never stayed full", sent)
		}
		err := websocket.Send(c, msg, nil)
		if b := websocket.BrowserBuffered(c); b > limit {
			t.Fatalf("bufferedAmount %d passed SendQueueSize %d", b, limit)
		}
		switch {
		case err == nil:
			sent += int64(len(msg))
			full = time.Time{}
			continue
		case !errors.Is(err, websocket.ErrSendQueueFull):
			t.Fatal(err)
		case !strings.Contains(err.Error(), "SendQueueSize"):
			t.Errorf("error %q does not name the bound", err)
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
	websocket.Disconnect(c)
	evs := r.waitDone()
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "*")
	if find(evs, websocket.EventError) != nil {
		t.Errorf("ERROR after our own Disconnect: %s", describe(evs))
	}
	waitNoFuncs(t)
}
