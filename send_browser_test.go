//go:build js && wasm

package websocket_test

// Tests that only make sense in a browser: js.Func bookkeeping, the
// browser's own send buffer, and callbacks that re-enter the API while the
// page's event loop is the only thread.

import (
	"encoding/json"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/wasm"
)

// waitNoFuncs waits until the wasm backend holds no js.Func.
func waitNoFuncs(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for wasm.LiveFuncs() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d js.Funcs still live", wasm.LiveFuncs())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Guarantee 6: no js.Func outlives its connection, whichever way it ends.
func TestBrowserNoFuncLeak(t *testing.T) {
	waitNoFuncs(t)
	for i := 0; i < 100; i++ {
		r := newRecorder(t)
		var want string
		switch i % 5 {
		case 0, 1: // open, then our Disconnect
			c := connectOpen(t, r, wsURL("/echo"), nil)
			websocket.Disconnect(c)
			want = "CONNECTED DISCONNECTED"
		case 2: // Disconnect before the dial even started
			c := r.connect(wsURL("/echo"), nil)
			websocket.Disconnect(c)
			want = "DISCONNECTED"
		case 3: // the server closes
			r.connect(wsURL("/close?code=4000"), nil)
			want = "CONNECTED DISCONNECTED"
		case 4: // the browser fails the connection
			r.connect(wsURL("/refuse"), nil)
			want = "ERROR DISCONNECTED"
		}
		if evs := r.waitDone(); kinds(evs) != want {
			t.Fatalf("cycle %d: events %s, want %s", i, describe(evs), want)
		}
		// A connection's funcs are gone by the time DISCONNECTED runs.
		if n := wasm.LiveFuncs(); n != 0 {
			t.Fatalf("cycle %d: %d js.Funcs live after DISCONNECTED", i, n)
		}
	}
}

// Guarantee 5: Disconnect while connecting, whether or not the browser has
// created its socket yet, gives a lone DISCONNECTED (1000), no ERROR.
func TestBrowserDisconnectWhileConnecting(t *testing.T) {
	for _, tc := range []struct {
		name  string
		pause func()
	}{
		{"before the dial starts", func() {}},
		{"socket created", runtime.Gosched},
		{"handshake under way", func() { time.Sleep(50 * time.Millisecond) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRecorder(t)
			c := r.connect(wsURL("/slow?ms=500"), nil)
			tc.pause()
			if err := websocket.Disconnect(c); err != nil {
				t.Fatal(err)
			}
			evs := r.waitDone()
			if kinds(evs) != "DISCONNECTED" || evs[0].Code != 1000 {
				t.Fatalf("events %s, want a lone DISCONNECTED(1000)", describe(evs))
			}
			r.settle(evs)
			waitNoFuncs(t)
		})
	}
}

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
			checkDisconnected(t, evs, 1000, "")
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
	c := connectOpen(t, r, wsURL("/noread"), &websocket.Params{SendQueueSize: limit})
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
	checkDisconnected(t, evs, 1000, "*")
	if find(evs, websocket.EventError) != nil {
		t.Errorf("ERROR after our own Disconnect: %s", describe(evs))
	}
	waitNoFuncs(t)
}

// A failed dial says what was dialled and that the browser gave no reason,
// and DISCONNECTED carries the close event's code.
func TestBrowserDialFailureText(t *testing.T) {
	r := newRecorder(t)
	url := wsURL("/refuse?status=403")
	r.connect(url, nil)
	evs := r.waitDone()
	if kinds(evs) != "ERROR DISCONNECTED" {
		t.Fatalf("events %s", describe(evs))
	}
	checkError(t, evs[0], []error{websocket.ErrDial}, url, "browser", "no reason")
	var dialErr *wasm.DialError
	if !errors.As(evs[0].Err, &dialErr) || dialErr.Code != evs[1].Code {
		t.Errorf("Err %v is not a *wasm.DialError with DISCONNECTED's code %d", evs[0].Err, evs[1].Code)
	}
	checkDisconnected(t, evs, 1006, "")
}

// CONNECTED carries status 101, the chosen subprotocol, and no headers.
func TestBrowserHandshakeResponse(t *testing.T) {
	r := newRecorder(t)
	c := connectOpen(t, r, wsURL("/echo"), &websocket.Params{Protocol: "nope, chat"})
	d := r.waitEvent(websocket.EventConnected).HandshakeResponse
	if d == nil || d.Status != 101 || d.Protocol != "chat" || len(d.Headers) != 0 {
		t.Fatalf("HandshakeResponse %+v, want status 101, protocol chat, no headers", d)
	}
	websocket.Disconnect(c)
	r.waitDone()
}

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
