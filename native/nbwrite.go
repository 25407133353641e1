//go:build !js

package native

import (
	"net"
	"sync"
	"syscall"
)

// Writes that never block (plain ws:// connections, where the platform
// allows it: nbwrite_unix.go). Every write under coder/websocket goes first
// to the socket with a non-blocking write system call; what the socket
// does not take at once is kept in a spill buffer that a drainer goroutine
// writes out, and every later write queues behind it until it is empty. So
// nothing under coder/websocket's locks ever waits for the network, and
// Release (send.go) can write a callback's messages on the callback's
// goroutine without handing them to another: a request/response exchange
// costs no goroutine switch. The writer goroutine still waits until the
// spill is gone after each message (writeWait), so it feels the network's
// back pressure and the spill stays small.
//
// This file is the platform-neutral part. Where non-blocking writes are
// not available (Windows, wss://, or a build with the hybridws_portable
// tag, which the tests use to run the guarantee suite on the portable
// path), newNBWriter returns nil: every message is then written by the
// writer goroutine, which may block on the network (Write never does).

type nbWriter struct {
	raw  syscall.RawConn
	conn net.Conn // for the drainer's blocking writes

	mu    sync.Mutex // taken inside corking.mu, never the other way round
	tryFn func(fd uintptr) bool
	tp    []byte // try's arguments and results, under mu (no closure to allocate)
	tn    int
	terr  error
	spill []byte // bytes accepted but not yet written, in order
	// flying counts bytes out of spill that are not in the socket: those
	// the drainer is writing, or, once a write failed, all that the
	// spill held then (Conn.unsent counts them).
	flying   int
	draining bool // a drainer goroutine runs; writes queue in spill
	done     chan struct{}
	err      error // the first write error; the connection is dead
}

// write sends p or keeps what the socket did not take; it never blocks.
func (w *nbWriter) write(c *checkedConn, p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return 0, w.err
	}
	if w.draining {
		w.spill = append(w.spill, p...)
		return len(p), nil
	}
	n, err := w.try(p)
	c.put.Add(int64(n))
	if err != nil {
		w.err = err
		return n, err
	}
	if n < len(p) {
		w.spill = append(w.spill[:0], p[n:]...)
		w.draining = true
		w.done = make(chan struct{})
		go w.drain(c, w.done)
	}
	return len(p), nil
}

// try writes as much of p as the socket takes without waiting. w.mu is
// held.
func (w *nbWriter) try(p []byte) (int, error) {
	w.tp, w.tn, w.terr = p, 0, nil
	err := w.raw.Write(w.tryFn)
	n, werr := w.tn, w.terr
	w.tp, w.terr = nil, nil
	if err == nil {
		err = werr
	}
	return n, err
}

// drainPiece is the most the drainer writes in one call.
const drainPiece = 64 << 10

// drain writes the spill out, blocking, until it is empty.
func (w *nbWriter) drain(c *checkedConn, done chan struct{}) {
	defer close(done)
	var buf []byte
	for {
		w.mu.Lock()
		w.flying = 0
		if len(w.spill) == 0 {
			w.draining = false
			w.spill = nil
			w.mu.Unlock()
			return
		}
		buf, w.spill = w.spill, buf[:0]
		w.flying = len(buf)
		w.mu.Unlock()
		// In pieces: a slow link takes a big spill for seconds, and
		// keepalive must see the bytes move (c.put) meanwhile, or it
		// takes the link for dead while its ping waits behind them.
		n := 0
		var err error
		for n < len(buf) && err == nil {
			var m int
			m, err = w.conn.Write(buf[n:min(len(buf), n+drainPiece)])
			n += m
			c.put.Add(int64(m))
			w.mu.Lock()
			w.flying = len(buf) - n
			w.mu.Unlock()
		}
		if err != nil {
			w.mu.Lock()
			// What the socket did not take, and what queued behind it,
			// never goes out.
			w.flying = len(buf) - n + len(w.spill)
			w.err, w.draining, w.spill = err, false, nil
			w.mu.Unlock()
			c.rwc.Close() // the connection is dead: end the reader too
			return
		}
	}
}

// wait blocks until the spill is written and returns the write error, if
// any.
func (w *nbWriter) wait() error {
	w.mu.Lock()
	draining, done := w.draining, w.done
	w.mu.Unlock()
	if draining {
		<-done
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// idle reports that nothing waits in the spill and no write failed.
func (w *nbWriter) idle() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return !w.draining && w.err == nil
}

// spilled returns the bytes accepted that are not in the socket: waiting
// in the spill, being written by the drainer, or, once a write failed,
// never to be written.
func (w *nbWriter) spilled() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.spill) + w.flying
}

func (w *nbWriter) failure() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}
