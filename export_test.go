package websocket

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hybridws/websocket/internal/wire"
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

// SendQueued returns the payload bytes waiting in c's transport's send
// queue, 0 while none is open.
func SendQueued(c *Connection) int64 {
	c.mu.Lock()
	t := c.t
	c.mu.Unlock()
	if t == nil {
		return 0
	}
	return t.Queued()
}

// LiveTimers returns how many of the library's timers are armed right now
// (this package's and the backend's).
func LiveTimers() int { return liveTimers.Live() }

// MsgOverhead is what one queued outgoing message costs besides its payload.
const MsgOverhead = wire.MsgOverhead

// StuckSocket is a transport whose socket does not move until Unstick: a
// peer that has stopped reading, with every buffer on the way full. Like
// the real transports it queues what Write gives it, bounded by the
// Connection's SendQueueSize, and never blocks. A Connection dialled to
// its URL opens at once on top of it.
type StuckSocket struct {
	URL string

	mu       sync.Mutex
	limit    int64    // the send limit the Connection dialled with
	queue    [][]byte // accepted, not yet written
	queued   int64    // their cost
	payload  int64    // their payload bytes
	written  [][]byte // payloads written (once unstuck), in order
	closeReq int      // the code Close queued, 0 if none
	closed   int      // the close code written, 0 if none
	unstuck  bool
	unsent   int64 // payload bytes Abort dropped
	done     chan struct{}
	doneOnce sync.Once
}

var (
	stuckSockets sync.Map // URL -> *StuckSocket
	stuckCount   atomic.Int64
)

func init() {
	dialOverride = func(url string) dialFunc {
		if v, ok := queueHolds.Load(url); ok {
			return v.(dialFunc)
		}
		v, ok := stuckSockets.Load(url)
		if !ok {
			return nil
		}
		s := v.(*StuckSocket)
		return func(_ context.Context, cfg *dialConfig) (transport, *HandshakeResponse, error) {
			s.mu.Lock()
			s.limit = cfg.sendLimit
			s.mu.Unlock()
			return s, &HandshakeResponse{Status: 101}, nil
		}
	}
}

var _ transport = (*StuckSocket)(nil)

// NewStuckSocket returns a StuckSocket under a URL of its own.
func NewStuckSocket(name string) *StuckSocket {
	s := &StuckSocket{
		URL:  "ws://stuck.invalid/" + name + "/" + strconv.FormatInt(stuckCount.Add(1), 10),
		done: make(chan struct{}),
	}
	stuckSockets.Store(s.URL, s)
	return s
}

// Written returns the payloads written so far, in order, and the close code sent (0: none).
func (s *StuckSocket) Written() ([][]byte, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.written...), s.closed
}

// Unstick lets the socket move: what waits is written, in order, then the
// close frame if Close asked for one, and later writes go out at once.
func (s *StuckSocket) Unstick() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unstuck = true
	s.flushLocked()
}

func (s *StuckSocket) flushLocked() {
	if !s.unstuck {
		return
	}
	for _, p := range s.queue {
		s.written = append(s.written, append([]byte(nil), p...))
	}
	s.queue, s.queued, s.payload = nil, 0, 0
	if s.closeReq != 0 && s.closed == 0 {
		s.closed = s.closeReq // the peer answers at once
		s.end()
	}
}

func (s *StuckSocket) end() { s.doneOnce.Do(func() { close(s.done) }) }

func (s *StuckSocket) Read() (int, []byte, error) {
	<-s.done
	return 0, nil, errors.New("stuck socket: closed")
}

func (s *StuckSocket) Write(typ int, p []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.done:
		return errors.New("stuck socket: ended")
	default:
	}
	if s.closeReq != 0 {
		return errors.New("stuck socket: closing")
	}
	cost := int64(len(p)) + wire.MsgOverhead
	if s.queued+cost > s.limit {
		return &wire.QueueFullError{Queued: s.queued, Limit: s.limit}
	}
	s.queue = append(s.queue, append([]byte(nil), p...))
	s.queued += cost
	s.payload += int64(len(p))
	s.flushLocked()
	return nil
}

// Close queues the close frame behind what waits.
func (s *StuckSocket) Close(code int, reason string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closeReq == 0 {
		s.closeReq = code
	}
	s.flushLocked()
	return nil
}

func (s *StuckSocket) Fail(code int, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = code
	s.end()
}

func (s *StuckSocket) Abort() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.queue {
		s.unsent += int64(len(p))
	}
	s.queue, s.queued, s.payload = nil, 0, 0
	s.end()
}

func (s *StuckSocket) End(error) wire.End {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed != 0 {
		return wire.End{Code: s.closed, Clean: true, Unsent: s.unsent}
	}
	return wire.End{Code: CloseAbnormalClosure, Unsent: s.unsent}
}

func (s *StuckSocket) Queued() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.payload
}

// MaxPendingBrowser is the cost of undispatched events past which a
// browser connection fails with ErrQueueFull.
const MaxPendingBrowser = maxPendingBrowser

// QueueFullReason is the close reason sent with ErrQueueFull.
const QueueFullReason = queueFullReason

// QueueLast returns the event last pushed into q, and false if q is empty.
func QueueLast(q *Queue) (Event, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.events) == 0 {
		return 0, false
	}
	return q.events[len(q.events)-1].d.Event, true
}

// SetReconnectStable sets how long a connection must stay open to reset
// Reconnect's count, and returns a func that restores it.
func SetReconnectStable(d time.Duration) func() {
	old := reconnectStable
	reconnectStable = d
	return func() { reconnectStable = old }
}

var queueHolds sync.Map // URL -> dialFunc

// HoldQueueUntilRead makes the next Connection dialled to url hold q's
// lock from the moment its dial returns until its first Read has returned
// (or for max at most): an event queued meanwhile waits for the lock. So a
// reader that could start before the goroutine that dialled has queued
// CONNECTED, and read a message, queues that message first (it runs while
// the dialler waits for the lock), where it would otherwise lose that race
// almost always. Where the reader starts only after CONNECTED is queued,
// CONNECTED waits max.
func HoldQueueUntilRead(url string, q *Queue, max time.Duration) {
	queueHolds.Store(url, dialFunc(func(ctx context.Context, cfg *dialConfig) (transport, *HandshakeResponse, error) {
		queueHolds.Delete(url)
		t, hs, err := dial(ctx, cfg)
		if err != nil {
			return t, hs, err
		}
		q.mu.Lock()
		var once sync.Once
		unlock := func() { once.Do(q.mu.Unlock) }
		timer := time.AfterFunc(max, unlock)
		return &firstRead{transport: t, done: func() { timer.Stop(); unlock() }}, hs, nil
	}))
}

// firstRead calls done once its first Read has returned.
type firstRead struct {
	transport
	once sync.Once
	done func()
}

func (f *firstRead) Read() (int, []byte, error) {
	typ, p, err := f.transport.Read()
	f.once.Do(f.done)
	return typ, p, err
}

// QueueFrameAllocs returns the allocations one frame of a steady game loop
// costs q itself: n events queued for a connection whose callback does
// nothing, then one Dispatch, after a first such frame (which makes the
// slice).
func QueueFrameAllocs(n int) float64 {
	q := NewQueue()
	c := &Connection{cb: func(*Connection, *Data) {}} // the least Dispatch needs of one
	d := &Data{Event: EventMessage}
	frame := func() {
		for i := 0; i < n; i++ {
			q.push(c, d, eventOverhead)
		}
		q.Dispatch()
	}
	frame()
	return testing.AllocsPerRun(100, frame)
}
