//go:build !js

package native

import "sync"

// Corking: coder/websocket flushes every message with its own write system
// call, and a big message in 4 KiB pieces (its write buffer). While a Conn
// is corked, checkedConn holds those writes back in one buffer and sends
// them together, so a burst of queued messages or one big message costs a
// few large writes instead of one small write per message or per 4 KiB.
// The writer corks while more messages wait (send.go), and always uncorks
// before it goes idle or sends a close frame, so nothing is held back
// longer than the burst it belongs to.

// corkMax is the most bytes held back before they are written anyway.
const corkMax = 64 << 10

var corkPool = sync.Pool{New: func() any { b := make([]byte, 0, corkMax); return &b }}

// corking is the cork state of a checkedConn.
type corking struct {
	mu    sync.Mutex // serializes writes to rwc, corked or not
	depth int32      // >0: corked
	// sent counts the bytes at the front of buf whose messages were
	// reported written (Conn.writeNow returned nil): what a failed write
	// loses of them counts as unsent. The rest of buf, the message being
	// written, is its writer's to count.
	sent int32
	buf  *[]byte // held-back bytes, from corkPool while corked
	err  error   // the first write error while corked
}

// Write is what coder/websocket writes through: frames, handshake bytes,
// control frames from any goroutine.
func (c *checkedConn) Write(p []byte) (int, error) {
	k := &c.cork
	k.mu.Lock()
	defer k.mu.Unlock()
	f := c.sentFrames()
	if k.depth == 0 || k.err != nil {
		f.scan(p, false)
		if k.err != nil {
			return 0, k.err
		}
		return c.writeRaw(p)
	}
	if k.buf == nil {
		k.buf = corkPool.Get().(*[]byte)
	}
	if len(*k.buf)+len(p) > corkMax {
		if err := c.flushLocked(); err != nil {
			f.scan(p, false)
			return 0, err
		}
		if len(p) >= corkMax/2 {
			f.scan(p, false)
			return c.writeRaw(p)
		}
	}
	// What is held back is our copy: the scan may set RSV1 in it.
	*k.buf = append(*k.buf, p...)
	f.scan((*k.buf)[len(*k.buf)-len(p):], true)
	return len(p), nil
}

// sentFrames returns the follower of the frames written, made at the first
// write. c.cork.mu is held.
func (c *checkedConn) sentFrames() *sentFrames {
	f := c.sent.Load()
	if f == nil {
		f = new(sentFrames)
		c.sent.Store(f) // writes are serialized by cork.mu
	}
	return f
}

// markCompressed has the next data frame written go out with RSV1 (a
// compressed message, extension.go); unmarkCompressed takes the mark back
// if that frame never went out. The connection must be corked in between,
// so that the frame's header reaches the cork buffer, which is ours to
// change.
func (c *checkedConn) markCompressed() {
	c.cork.mu.Lock()
	c.sentFrames().rsv1 = true
	c.cork.mu.Unlock()
}

func (c *checkedConn) unmarkCompressed() {
	c.cork.mu.Lock()
	c.sentFrames().rsv1 = false
	c.cork.mu.Unlock()
}

func (c *checkedConn) writeRaw(p []byte) (int, error) {
	if c.nb != nil {
		return c.nb.write(c, p)
	}
	n, err := c.rwc.Write(p)
	c.put.Add(int64(n))
	return n, err
}

// flushLocked writes the held-back bytes. c.cork.mu is held.
func (c *checkedConn) flushLocked() error {
	k := &c.cork
	if k.buf == nil || len(*k.buf) == 0 {
		return k.err
	}
	n, err := c.writeRaw(*k.buf)
	if err != nil && int(k.sent) > n {
		// Those messages left the send queue as written: what did not
		// reach the socket counts as unsent (Conn.unsent).
		c.dropped.Add(k.sent - int32(n))
	}
	*k.buf, k.sent = (*k.buf)[:0], 0
	if err != nil && k.err == nil {
		k.err = err
	}
	return k.err
}

// markSent notes that the messages held back so far were reported
// written (see corking.sent).
func (c *checkedConn) markSent() {
	k := &c.cork
	k.mu.Lock()
	if k.buf != nil {
		k.sent = int32(len(*k.buf))
	}
	k.mu.Unlock()
}

func (c *checkedConn) corkWrites() {
	c.cork.mu.Lock()
	c.cork.depth++
	c.cork.mu.Unlock()
}

// uncorkWrites writes what was held back (when the outermost cork ends)
// and returns the first write error since corking.
func (c *checkedConn) uncorkWrites() error {
	k := &c.cork
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.depth == 0 {
		return nil
	}
	k.depth--
	if k.depth > 0 {
		return k.err
	}
	err := c.flushLocked()
	if k.buf != nil {
		corkPool.Put(k.buf)
		k.buf = nil
	}
	k.err = nil
	return err
}

// cork holds back this connection's writes until uncork, so that the
// messages written in between go out together. Calls nest.
func (c *Conn) cork() {
	if c.body != nil {
		c.body.corkWrites()
	}
}

// uncork ends a cork and writes what it held back; it returns the first
// write error since cork. A message written while corked is only known to
// be sent once uncork returns nil.
func (c *Conn) uncork() error {
	if c.body == nil {
		return nil
	}
	return c.body.uncorkWrites()
}
