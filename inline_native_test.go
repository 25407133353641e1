//go:build !js

package websocket_test

// Messages sent from a callback are written when it returns, on the
// callback's goroutine, with non-blocking writes; what the socket does not
// take at once goes through the transport's spill and drainer goroutine
// (native/nbwrite.go). These tests push that path: bursts far larger than
// the socket buffers, big messages, from callback mode and Queue mode, and
// check that every echo comes back whole and in order.

import (
	"encoding/binary"
	"runtime"
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// numbered returns a message of n bytes that starts with seq and whose
// other bytes depend on seq.
func numbered(seq, n int) []byte {
	p := make([]byte, n)
	binary.BigEndian.PutUint32(p, uint32(seq))
	for i := 4; i < n; i++ {
		p[i] = byte(seq + i)
	}
	return p
}

func checkNumbered(t *testing.T, p []byte, seq, n int) bool {
	t.Helper()
	if len(p) != n || int(binary.BigEndian.Uint32(p)) != seq {
		t.Errorf("echo %d: got %d bytes, sequence %d; want %d bytes", seq, len(p), binary.BigEndian.Uint32(p), n)
		return false
	}
	for i := 4; i < n; i++ {
		if p[i] != byte(seq+i) {
			t.Errorf("echo %d: byte %d differs", seq, i)
			return false
		}
	}
	return true
}

func TestCallbackBurstInOrder(t *testing.T) {
	for _, queue := range []bool{false, true} {
		name := "callback"
		if queue {
			name = "queue"
		}
		t.Run(name, func(t *testing.T) {
			// 3,000 messages sent from one callback, 1 KiB each with a 300 KiB
			// one every 500th: about 5 MiB in one burst.
			const count = 3000
			size := func(i int) int {
				if i%500 == 499 {
					return 300 << 10
				}
				return 1 << 10
			}
			var q *websocket.Queue
			if queue {
				q = websocket.NewQueue()
			}
			next := 0
			done := make(chan struct{})
			r := newRecorder(t)
			r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
				switch d.Event {
				case websocket.EventConnected:
					for i := 0; i < count; i++ {
						if err := websocket.Send(c, numbered(i, size(i)), nil); err != nil {
							t.Errorf("Send %d: %v", i, err)
							return
						}
					}
				case websocket.EventMessage:
					if !checkNumbered(t, d.Message, next, size(next)) {
						websocket.Disconnect(c)
						return
					}
					d.Message = nil // keep the recorder small
					next++
					if next == count {
						websocket.Disconnect(c)
					}
				case websocket.EventDisconnected:
					close(done)
				}
			}
			r.connect(wsURL("/echo"), &websocket.Params{Queue: q})
			deadline := time.After(60 * time.Second)
			for waiting := true; waiting; {
				select {
				case <-done:
					waiting = false
				case <-deadline:
					t.Fatalf("timed out after %d of %d echoes", next, count)
				default:
					if q != nil {
						if q.Dispatch() == 0 {
							time.Sleep(100 * time.Microsecond)
						}
					} else {
						runtime.Gosched()
						time.Sleep(time.Millisecond)
					}
				}
			}
			if next != count {
				t.Fatalf("%d of %d echoes", next, count)
			}
			// Every message was written (each echo came back): nothing may
			// still count against SendQueueSize.
			if q := websocket.SendQueued(r.conn); q != 0 {
				t.Errorf("%d bytes still count as queued after every message was echoed", q)
			}
			evs := r.waitDone()
			if last := evs[len(evs)-1]; last.Code != websocket.CloseNormalClosure {
				t.Errorf("DISCONNECTED code %d, want 1000", last.Code)
			}
		})
	}
}

// TestCallbackBigRoundTrips sends each 4 MiB message from the callback
// that received the echo of the one before.
func TestCallbackBigRoundTrips(t *testing.T) {
	const n, trips = 4 << 20, 12
	got := 0
	r := newRecorder(t)
	r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
		switch d.Event {
		case websocket.EventConnected:
			websocket.Send(c, numbered(0, n), nil)
		case websocket.EventMessage:
			if !checkNumbered(t, d.Message, got, n) {
				websocket.Disconnect(c)
				return
			}
			d.Message = nil
			got++
			if got == trips {
				websocket.Disconnect(c)
				return
			}
			websocket.Send(c, numbered(got, n), nil)
		}
	}
	r.connect(wsURL("/echo"), nil)
	evs := r.waitDone()
	if got != trips {
		t.Fatalf("%d of %d round trips; events %s", got, trips, describe(evs))
	}
}
