//go:build !js

package native

import (
	"errors"
	"sync"
	"time"

	"github.com/hybridws/websocket/internal/wire"
)

// Sending. Write never blocks: it puts the message in the Conn's queue,
// bounded by Options.SendLimit, and a writer goroutine writes the queue
// out in order, then the close frame that Close asked for. The writer
// exists only while there is something to write, so an idle connection
// has none. While more than one message waits it corks (cork.go), so that
// a burst goes out in a few system calls, and it uncorks before it goes
// idle or sends the close frame, so nothing is held back past its burst.
//
// A Write that comes within burstGap of the end of an inline write (see
// Write) is a burst from a loop: it waits for the writer instead, so that
// the rest of the burst goes out corked in a few system calls rather than
// one each. The first message of a burst, and any message sent after a
// pause, still goes out at once.
//
// Hold and Release bracket the root package's callbacks. Where the socket
// takes writes without waiting (nbwrite.go), the first message a callback
// writes goes out at once, on the callback's goroutine, like any other
// (the reply of a request/response exchange leaves before the callback
// returns, with no copy and no goroutine switch); the rest of its burst
// waits for Release, which writes it on the same goroutine, corked.

// outMsg is one message waiting to be written.
type outMsg struct {
	typ int
	p   []byte
}

func (m outMsg) cost() int64 { return int64(len(m.p)) + wire.MsgOverhead }

// burstGap: a Write this soon after an inline write ended is part of a
// burst (see above). A loop that sends without pause comes back within a
// microsecond or two; a request/response exchange on loopback takes tens.
const burstGap = 5 * time.Microsecond

// monoBase anchors the monotonic clock read by sinceStart.
var monoBase = time.Now()

// sinceStart reads the monotonic clock cheaply (time.Since of a time with
// a monotonic reading reads only that clock).
func sinceStart() time.Duration { return time.Since(monoBase) }

// keepBatch: Release keeps its emptied slice for the next callback when it
// holds at most this many messages (a reply or two is the common case), so
// a request/response exchange allocates no slice; a bigger one is dropped,
// so a burst does not pin its memory.
const keepBatch = 4

// sendQueue is the outgoing half of a Conn.
type sendQueue struct {
	mu      sync.Mutex
	limit   int64    // Options.SendLimit; 0: no bound
	out     []outMsg // waiting, in order
	queued  int64    // their cost, bounded by limit
	payload int64    // their payload bytes (Queued)
	holds   int      // Hold calls not yet Released
	writing bool     // the writer goroutine runs, or Release writes
	close   *closeFrame
	closing bool          // Close was called: Write refuses
	ended   bool          // a write failed or Abort ran: Write refuses
	aborted bool          // Abort ran: a write failing after it is no news
	err     error         // the write failure that ended the connection
	unsent  int64         // payload bytes dropped when the connection ended
	inline  time.Duration // sinceStart when the last inline write ended
	writer  sync.WaitGroup
}

// closeFrame is what Close asked for; it waits behind the queue.
type closeFrame struct {
	code   int
	reason string
}

var (
	errClosing = errors.New("native: the connection is closing")
	errEnded   = errors.New("native: the connection has ended")
)

// Write sends one message, or queues it, and returns at once; it never
// waits for the network. typ is wire.OpText or wire.OpBinary. It keeps no
// reference to p: where nothing waits and the socket takes writes without
// waiting (nbwrite.go), p is written at once on the caller's goroutine,
// with no copy and no goroutine switch; otherwise a copy waits in the
// queue. A message that follows an inline write within burstGap waits:
// for Release inside a Hold, else for the writer (a burst goes out
// corked). It returns a *wire.QueueFullError when the message would take
// the queue past Options.SendLimit, and an error once the connection is
// closing or has ended.
func (c *Conn) Write(typ int, p []byte) error {
	s := &c.send
	s.mu.Lock()
	m := outMsg{typ, p}
	if err := c.refuse(m.cost()); err != nil {
		s.mu.Unlock()
		return err
	}
	s.queued += m.cost()
	s.payload += int64(len(m.p))
	if len(s.out) == 0 && !s.writing && !s.burst() && c.canWriteNow() {
		s.writing = true // nobody else writes meanwhile: order holds
		s.mu.Unlock()
		c.writeInline(m)
		return nil
	}
	m.p = append([]byte(nil), p...) // it waits: the caller may reuse p once Write returns
	s.out = append(s.out, m)
	if s.holds == 0 || !c.nonBlocking() {
		c.startWriter()
	}
	s.mu.Unlock()
	return nil
}

// refuse returns why a message that costs cost cannot be queued, nil if it
// can. What waits in the spill (nbwrite.go) counts against the limit too:
// it is as much not sent as what waits in the queue. c.send.mu is held.
func (c *Conn) refuse(cost int64) error {
	s := &c.send
	switch {
	case s.ended && s.err != nil:
		return s.err
	case s.ended:
		return errEnded
	case s.closing:
		return errClosing
	case s.limit > 0:
		if held := s.queued + c.spilled(); held+cost > s.limit {
			return &wire.QueueFullError{Queued: held, Limit: s.limit}
		}
	}
	return nil
}

// spilled returns what waits in the spill, 0 where there is none.
func (c *Conn) spilled() int64 {
	if !c.nonBlocking() {
		return 0
	}
	return int64(c.body.nb.spilled())
}

// burst reports whether a Write now follows an inline write within
// burstGap. s.mu is held.
func (s *sendQueue) burst() bool { return s.inline != 0 && sinceStart()-s.inline < burstGap }

// writeInline writes m on this goroutine, which has set s.writing; the
// socket takes it without waiting (what it does not take at once goes to
// the spill). Then it hands what others queued meanwhile to the writer.
func (c *Conn) writeInline(m outMsg) {
	s := &c.send
	if err := c.writeBatch([]outMsg{m}, c.writeNow); err != nil {
		c.failed(err)
		return
	}
	s.mu.Lock()
	s.inline = sinceStart()
	s.writing = false
	if len(s.out) > 0 || s.close != nil {
		c.startWriter()
	}
	s.mu.Unlock()
}

// Queued returns the payload bytes Write accepted that are not written
// yet, and what waits in the spill (nbwrite.go) for a socket that did not
// take it at once.
func (c *Conn) Queued() int64 {
	c.send.mu.Lock()
	n := c.send.payload
	c.send.mu.Unlock()
	return n + c.spilled()
}

// writeWaits reports whether our data waits for the socket: the writer is
// at work, or the spill (nbwrite.go) holds some. While it does, what the
// socket takes shows that the peer takes what we send (keepalive.go); a
// socket with room takes it at once, peer or no peer.
func (c *Conn) writeWaits() bool {
	c.send.mu.Lock()
	w := c.send.writing
	c.send.mu.Unlock()
	return w || c.spilled() > 0
}

// unsent returns the payload bytes that Write accepted and that will
// never be written: dropped when a write failed or Abort ran, or still
// waiting; and, framed (a few bytes of header per message, maybe part of
// one message), what had left the queue but not reached the socket when
// the connection died: a corked burst (cork.go), the spill (nbwrite.go).
// Bytes already handed to the operating system count as sent, whether or
// not they arrived.
func (c *Conn) unsent() int64 {
	s := &c.send
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.unsent
	for _, m := range s.out {
		n += int64(len(m.p))
	}
	if c.body != nil {
		n += int64(c.body.dropped.Load()) + c.spilled()
	}
	return n
}

// writeErr returns the write failure that ended the connection, or nil:
// none failed, or only after Abort.
func (c *Conn) writeErr() error {
	c.send.mu.Lock()
	defer c.send.mu.Unlock()
	return c.send.err
}

// Hold makes messages written from now on wait for Release, where that
// saves a goroutine switch (see above). Calls nest.
func (c *Conn) Hold() {
	c.send.mu.Lock()
	c.send.holds++
	c.send.mu.Unlock()
}

// Release ends a Hold. When the last one ends, what waits is written on
// this goroutine if the socket takes it without waiting, or else handed to
// the writer goroutine.
func (c *Conn) Release() {
	s := &c.send
	s.mu.Lock()
	s.holds--
	if s.holds > 0 || len(s.out) == 0 || s.writing || s.ended {
		s.mu.Unlock()
		return
	}
	if !c.canWriteNow() {
		c.startWriter()
		s.mu.Unlock()
		return
	}
	batch := s.out
	s.out = nil
	s.writing = true // nobody else writes meanwhile: order holds
	s.mu.Unlock()
	if len(batch) > 1 {
		c.cork()
	}
	err := c.writeBatch(batch, c.writeNow)
	if len(batch) > 1 {
		if uerr := c.uncork(); err == nil {
			err = uerr
		}
	}
	if err != nil {
		c.failed(err)
		return
	}
	s.mu.Lock()
	s.writing = false
	if cap(batch) <= keepBatch && s.out == nil {
		clear(batch)
		s.out = batch[:0] // keep it for the next callback's messages
	}
	if len(s.out) > 0 || s.close != nil {
		c.startWriter() // written by others while this goroutine wrote
	}
	s.mu.Unlock()
}

// Close queues the closing handshake with code and reason behind the
// messages already written, and returns at once; Read ends when the
// handshake is done. The writer waits a few seconds at most for the
// peer's answer (coder/websocket's bound; failWait for a code other than
// 1000), and Abort ends it sooner. Later Writes fail.
func (c *Conn) Close(code int, reason string) error {
	s := &c.send
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing || s.ended {
		return nil
	}
	s.closing = true
	s.close = &closeFrame{code, reason}
	c.startWriter()
	return nil
}

// startWriter starts the writer goroutine if none runs. s.mu is held.
func (c *Conn) startWriter() {
	s := &c.send
	if s.writing || s.ended {
		return
	}
	s.writing = true
	s.writer.Add(1)
	go c.writeLoop()
}

// writeLoop writes the queue out, then the close frame, and exits when
// nothing is left.
func (c *Conn) writeLoop() {
	s := &c.send
	defer s.writer.Done()
	corked := false
	for {
		s.mu.Lock()
		batch := s.out
		s.out = nil
		if len(batch) == 0 && corked {
			// Flush what the burst held back before going idle or
			// closing, then look again.
			s.mu.Unlock()
			corked = false
			if err := c.uncork(); err != nil {
				c.failed(err)
				return
			}
			continue
		}
		var cf *closeFrame
		if len(batch) == 0 {
			cf, s.close = s.close, nil
		}
		if len(batch) == 0 && cf == nil || s.ended {
			s.writing = false
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()

		if cf != nil {
			c.closeNow(cf.code, cf.reason)
			continue
		}
		if !corked && len(batch) > 1 {
			c.cork()
			corked = true
		}
		if err := c.writeBatch(batch, c.writeWait); err != nil {
			if corked {
				c.uncork()
			}
			c.failed(err)
			return
		}
	}
}

// writeBatch writes batch with write, counting each message off the queue
// as soon as it is written: the writer's batch is all that waited when it
// began, which a slow link may take many seconds to write, and what went
// meanwhile must leave Queued and the room SendLimit allows at once. On a
// failure the message that failed and those after it are dropped, counted
// as unsent.
func (c *Conn) writeBatch(batch []outMsg, write func(typ int, p []byte) error) error {
	s := &c.send
	for i, m := range batch {
		err := write(m.typ, m.p)
		s.mu.Lock()
		if err != nil {
			for _, m := range batch[i:] {
				s.dequeue(m.cost(), int64(len(m.p)))
				s.unsent += int64(len(m.p)) // the one that failed did not go out whole
			}
			s.mu.Unlock()
			return err
		}
		s.dequeue(m.cost(), int64(len(m.p)))
		s.mu.Unlock()
		batch[i] = outMsg{} // the caller's bytes are not ours to keep
	}
	return nil
}

// dequeue counts what left the queue off it. s.mu is held.
func (s *sendQueue) dequeue(cost, payload int64) {
	s.queued -= cost
	s.payload -= payload
}

// failed records a write failure, drops what waits, and tears the
// connection down; Read then returns, and the root package reports
// End.WriteErr. Called by the goroutine that wrote, never under s.mu.
func (c *Conn) failed(err error) {
	s := &c.send
	s.mu.Lock()
	if s.err == nil && !s.aborted && !s.closing {
		s.err = err
	}
	s.drop()
	s.writing = false
	s.mu.Unlock()
	c.abortNow()
}

// drop ends the queue: what waits is counted as unsent. s.mu is held.
func (s *sendQueue) drop() {
	for _, m := range s.out {
		s.dequeue(m.cost(), int64(len(m.p)))
		s.unsent += int64(len(m.p))
	}
	s.out, s.close, s.ended = nil, nil, true
}
