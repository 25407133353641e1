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
	"errors"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/internal/test/rawserver"
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

// stopsReading starts a server that never reads what the client sends
// (its receive buffer shrunk to a few KiB, so little waits on its side)
// and sends it a 4-byte message every millisecond, ticks in all, so that
// the client's callbacks run while its writes back up. It holds each
// connection until hangUp (or the end of the test) drops it.
func stopsReading(t *testing.T, ticks int) (srv *rawserver.Server, hangUp func()) {
	t.Helper()
	done := make(chan struct{})
	srv = rawserver.Start(rawserver.Upgrade{}, func(c *rawserver.Conn) {
		if tc, ok := c.Conn.(*net.TCPConn); ok {
			tc.SetReadBuffer(4 << 10)
		}
		for i := 0; i < ticks; i++ {
			if c.WriteFrames(frame(rawserver.OpBinary, "tick")) != nil {
				return
			}
			time.Sleep(time.Millisecond)
		}
		<-done
	})
	var once sync.Once
	hangUp = func() { once.Do(func() { close(done); srv.Close() }) }
	t.Cleanup(hangUp)
	return srv, hangUp
}

// SendQueueSize bounds what Sends made inside callbacks hold too, where a
// callback's messages are written when it returns, on its goroutine (the
// inline path, which also hands what the socket does not take to a spill
// that drains on its own): a server that stops reading sends 200 messages,
// and each callback Sends 16 KiB messages until ErrSendQueueFull. All they
// had accepted must fit in SendQueueSize (256 KiB) plus what the kernel's
// socket buffers took (4 MiB on loopback here): a path that wrote
// every callback's messages into the spill, whatever waited there, would
// accept 256 KiB per callback, 50 MiB in all.
func TestSendQueueBoundsCallbackSends(t *testing.T) {
	const limit, size, ticks = 256 << 10, 16 << 10, 200
	const bound = 24 << 20
	for _, queued := range []bool{false, true} {
		name := "callback"
		var q *websocket.Queue
		if queued {
			name, q = "queue", websocket.NewQueue()
		}
		t.Run(name, func(t *testing.T) {
			srv, hangUp := stopsReading(t, ticks)
			msg := make([]byte, size)
			var accepted atomic.Int64 // by callbacks; the last may still run when the test reads it
			r := newRecorder(t)
			r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
				if d.Event != websocket.EventMessage {
					return
				}
				d.Message = nil
				for accepted.Load() <= bound {
					err := websocket.Send(c, msg, nil)
					if err != nil {
						if !errors.Is(err, websocket.ErrSendQueueFull) {
							t.Errorf("Send: %v", err)
						}
						return
					}
					accepted.Add(size)
				}
			}
			r.connect(srv.URL(), &websocket.Params{Queue: q, SendQueueSize: limit})
			r.waitFor(itoa(ticks)+" messages", func(evs []*websocket.Data) bool {
				q.Dispatch()
				return len(messages(evs)) == ticks || find(evs, websocket.EventDisconnected) != nil
			})
			got := accepted.Load()
			if got > bound {
				t.Errorf("Sends inside callbacks accepted more than %d MiB while the server read nothing: SendQueueSize %d KiB does not bound them", bound>>20, limit>>10)
			}
			t.Logf("Sends inside %d callbacks accepted %d KiB while the server read nothing (SendQueueSize %d KiB)", ticks, got>>10, limit>>10)
			hangUp()
			evs := r.waitFor("DISCONNECTED", func(evs []*websocket.Data) bool {
				q.Dispatch()
				return find(evs, websocket.EventDisconnected) != nil
			})
			checkDisconnected(t, evs, websocket.CloseAbnormalClosure, "")
		})
	}
}

// sendTimes times Sends, from any goroutine. Send never waits for the
// network. Once one has been refused with ErrSendQueueFull the socket is
// stuck, and a Send has nothing left to do but refuse (or queue, if room
// came): at most maxSlowSends of the Sends begun from then on may take
// longer than sendStall, which a Send that waited even 400ms for room
// breaks every time (a loaded machine holds a goroutine that long now and
// then: 316ms was seen once, at a load of 12 on two cores). Before that a
// Send may write its message at once, where the socket takes it without
// waiting, work that a loaded machine stretches (up to 810ms for 64 KiB
// at a load of 25); every Send must end within sendHang all the same.
type sendTimes struct {
	mu      sync.Mutex
	full    bool // a Send was refused with ErrSendQueueFull
	n, slow int  // Sends begun once full, and those that took longer than sendStall
	slowest time.Duration
}

const (
	sendStall    = 200 * time.Millisecond
	maxSlowSends = 3
	sendHang     = 2 * time.Second
)

// send calls websocket.Send and records how long it took.
func (s *sendTimes) send(c *websocket.Connection, msg []byte) error {
	s.mu.Lock()
	full := s.full
	s.mu.Unlock()
	start := time.Now()
	err := websocket.Send(c, msg, nil)
	took := time.Since(start)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.slowest = max(s.slowest, took)
	if full {
		s.n++
		if took > sendStall {
			s.slow++
		}
	}
	if errors.Is(err, websocket.ErrSendQueueFull) {
		s.full = true
	}
	return err
}

// check fails the test if more than maxSlowSends Sends begun once the
// queue was full took longer than sendStall, or any Send longer than
// sendHang.
func (s *sendTimes) check(t *testing.T) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.slow > maxSlowSends {
		t.Errorf("%d of %d Sends made once the queue was full took more than %v: Send waits", s.slow, s.n, sendStall)
	}
	if s.slowest > sendHang {
		t.Errorf("a Send took %v: Send waits for the socket", s.slowest)
	}
	t.Logf("%d Sends once the queue was full, %d over %v; the slowest Send of all %v", s.n, s.slow, sendStall, s.slowest)
}

// Guarantee 4 on the real native write path: Send never blocks, even on a
// socket that stops moving. The server reads nothing (and sends a message
// every millisecond, whose callbacks Send too); the test goroutine Sends
// 64 KiB messages until the queue has refused 10 of them and has been full
// for 300ms, the socket's buffers long full. Every Send is timed, from
// both places (sendTimes). TestSendNeverBlocksOnStuckSocket checks the
// root package over a fake socket; this one checks the transport that
// holds the promise, on the fast path and, under the hybridws_portable
// tag, the portable one.
func TestSendNeverBlocksNative(t *testing.T) {
	const limit, size = 1 << 20, 64 << 10
	srv, hangUp := stopsReading(t, 1000)
	msg := make([]byte, size)
	var times sendTimes
	r := newRecorder(t)
	r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
		if d.Event == websocket.EventMessage {
			d.Message = nil
			if err := times.send(c, msg); err != nil && !errors.Is(err, websocket.ErrSendQueueFull) {
				t.Errorf("Send: %v", err)
			}
		}
	}
	c := openConn(t, r, srv.URL(), &websocket.Params{SendQueueSize: limit})
	type result struct {
		accepted, refused int
		err               error
	}
	done := make(chan result, 1)
	go func() {
		var res result
		var fullSince time.Time
		for res.refused < 10 || fullSince.IsZero() || time.Since(fullSince) < 300*time.Millisecond {
			err := times.send(c, msg)
			switch {
			case err == nil:
				res.accepted++
				fullSince = time.Time{}
			case errors.Is(err, websocket.ErrSendQueueFull):
				res.refused++
				if fullSince.IsZero() {
					fullSince = time.Now()
				}
				time.Sleep(time.Millisecond)
			default:
				res.err = err
				done <- res
				return
			}
		}
		done <- res
	}()
	var res result
	select {
	case res = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("Send blocked: the Sends to a socket that stopped moving did not end within 20s")
	}
	if res.err != nil {
		t.Fatalf("Send: %v", res.err)
	}
	times.check(t)
	t.Logf("%d x 64 KiB accepted, then %d refused with ErrSendQueueFull", res.accepted, res.refused)
	hangUp()
	evs := r.waitDone()
	checkDisconnected(t, evs, websocket.CloseAbnormalClosure, "")
}
