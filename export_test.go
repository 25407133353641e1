package websocket

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
)

// Internals that the tests in package websocket_test check.

// MaxPending is the cost of undispatched events past which a connection stops reading.
const MaxPending = maxPending

// EventOverhead is what one queued event costs besides its payload.
const EventOverhead = eventOverhead

// QueueLen returns how many events wait in q and their total cost.
func QueueLen(q *Queue) (n int, cost int64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, e := range q.events {
		cost += e.cost
	}
	return len(q.events), cost
}

// SendQueued returns the bytes (with overhead) waiting in c's send queue.
func SendQueued(c *Connection) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.outBytes
}

// LiveTimers returns how many of this package's timers are armed right now.
func LiveTimers() int { return liveTimers.Live() }

// MsgOverhead is what one queued outgoing message costs besides its payload.
const MsgOverhead = msgOverhead

// StuckSocket is a transport whose writes never complete until Release: a
// socket the peer has stopped reading, with every buffer on the way full.
// A Connection dialled to its URL opens at once on top of it.
type StuckSocket struct {
	URL string

	mu       sync.Mutex
	entered  int      // Write calls begun
	written  [][]byte // payloads whose Write completed, in order
	closed   int      // the code Close was called with, 0 if none
	released chan struct{}
	done     chan struct{} // closed by Close (after release) or Abort
	doneOnce sync.Once
}

var (
	stuckSockets sync.Map // URL -> *StuckSocket
	stuckCount   atomic.Int64
)

func init() {
	dialOverride = func(url string) dialFunc {
		v, ok := stuckSockets.Load(url)
		if !ok {
			return nil
		}
		s := v.(*StuckSocket)
		return func(context.Context, *dialConfig) (transport, *HandshakeResponse, error) {
			return s, &HandshakeResponse{Status: 101}, nil
		}
	}
}

// NewStuckSocket returns a StuckSocket under a URL of its own.
func NewStuckSocket(name string) *StuckSocket {
	s := &StuckSocket{
		URL:      "ws://stuck.invalid/" + name + "/" + strconv.FormatInt(stuckCount.Add(1), 10),
		released: make(chan struct{}),
		done:     make(chan struct{}),
	}
	stuckSockets.Store(s.URL, s)
	return s
}

// Entered returns how many Writes have begun, and how many completed.
func (s *StuckSocket) Entered() (begun, completed int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.entered, len(s.written)
}

// Written returns the payloads written so far, in order, and the close code sent (0: none).
func (s *StuckSocket) Written() ([][]byte, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.written...), s.closed
}

// Release lets every Write, from now on, complete at once.
func (s *StuckSocket) Release() { close(s.released) }

func (s *StuckSocket) Read() (int, []byte, error) {
	<-s.done
	return 0, nil, errors.New("stuck socket: closed")
}

func (s *StuckSocket) Write(typ int, p []byte) error {
	s.mu.Lock()
	s.entered++
	s.mu.Unlock()
	select {
	case <-s.released:
	case <-s.done:
		return errors.New("stuck socket: aborted")
	}
	s.mu.Lock()
	s.written = append(s.written, append([]byte(nil), p...))
	s.mu.Unlock()
	return nil
}

// Close waits, like a write, for the socket to move; then the peer
// answers at once with the same code.
func (s *StuckSocket) Close(code int, reason string) error {
	select {
	case <-s.released:
	case <-s.done:
		return errors.New("stuck socket: aborted")
	}
	s.mu.Lock()
	s.closed = code
	s.mu.Unlock()
	s.doneOnce.Do(func() { close(s.done) })
	return nil
}

func (s *StuckSocket) Abort() { s.doneOnce.Do(func() { close(s.done) }) }

func (s *StuckSocket) CloseStatus(error) (int, string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed != 0 {
		return s.closed, "", true
	}
	return CloseAbnormalClosure, "", false
}

func (s *StuckSocket) Buffered() int64 { return -1 }

// KeepAlivePongs returns how many keepalive pings of c the server has
// answered (native), or -1 when c is not open or its transport has no
// keepalive (the browser).
func KeepAlivePongs(c *Connection) int64 {
	c.mu.Lock()
	t := c.t
	c.mu.Unlock()
	if p, ok := t.(interface{ Pongs() int64 }); ok {
		return p.Pongs()
	}
	return -1
}
