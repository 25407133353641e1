package websocket

import (
	"strconv"
	"unicode/utf8"
)

// msgOverhead is what one queued outgoing message costs besides its payload.
const msgOverhead = 16

type outMsg struct {
	typ DataType
	p   []byte
}

// Send queues message for sending and returns at once; it never blocks on
// the network. options may be nil (binary). Messages queued by one
// goroutine go out in that order. Send copies nothing: the caller must not
// change message after Send returns.
//
// Send returns an error and sends nothing when conn is nil, not open yet
// (ErrNotConnected), closing or closed (ErrClosed), when a text message is
// not valid UTF-8 (ErrInvalidUTF8), when options are invalid
// (ErrInvalidOptions), or when the send queue is full (ErrSendQueueFull).
func Send(conn *Connection, message []byte, options *SendOptions) error {
	if conn == nil {
		return newError("send", "", ErrNilConnection, "connection is nil", nil)
	}
	typ := DataTypeBinary
	if options != nil && options.Type != 0 {
		typ = options.Type
	}
	if typ != DataTypeText && typ != DataTypeBinary {
		return newError("send", conn.url, ErrInvalidOptions, "SendOptions.Type is "+strconv.Itoa(int(typ))+": want DataTypeText (1) or DataTypeBinary (2)", nil)
	}
	if typ == DataTypeText && !utf8.Valid(message) {
		return newError("send", conn.url, ErrInvalidUTF8, "text message is not valid UTF-8", nil)
	}
	c := conn
	c.mu.Lock()
	defer c.mu.Unlock()
	switch c.state {
	case stateConnecting:
		return newError("send", c.url, ErrNotConnected, "the connection is not open yet: wait for EventConnected", nil)
	case stateClosing, stateClosed:
		return newError("send", c.url, ErrClosed, "the connection is closing or closed", nil)
	}
	cost := int64(len(message)) + msgOverhead
	if c.bufEst >= 0 {
		// The transport queues for us (the browser): bound what it holds.
		// bufEst is what it held when last asked plus what was written
		// since, never less than the truth (the browser only sends it
		// off), so asking again (a call into JavaScript) is needed only
		// when the estimate says the message would not fit.
		if c.bufEst+cost > c.sendLimit {
			c.bufEst = c.t.Buffered()
			if c.bufEst+cost > c.sendLimit {
				return c.queueFull(c.bufEst, len(message))
			}
		}
		if err := c.t.Write(int(typ), message); err != nil {
			return newError("send", c.url, ErrClosed, "the connection is closing or closed", err)
		}
		c.bufEst += cost
		return nil
	}
	if c.outBytes+cost > c.sendLimit {
		return c.queueFull(c.outBytes, len(message))
	}
	c.out = append(c.out, outMsg{typ, message})
	c.outBytes += cost
	if c.inCallback {
		if _, ok := c.t.(tryWriter); ok {
			return nil // written when the callback returns (invoke)
		}
	}
	c.startWriter()
	return nil
}

// tryWriter is implemented by transports that can write a message on the
// calling goroutine without ever waiting for the network (native, plain
// ws://: what the socket does not take at once is written by the
// transport's own goroutine).
type tryWriter interface {
	CanTryWrite() bool
	TryWrite(typ int, p []byte) error
}

// invoke runs the callback for d. Messages that the callback sends are
// written when it returns, on this goroutine and without waiting for the
// network when the transport can (a request/response exchange then costs
// no goroutine switch, and a burst goes out corked in one write);
// otherwise the writer goroutine sends them.
func (c *Connection) invoke(d *Data) {
	c.mu.Lock()
	c.inCallback = true
	c.mu.Unlock()
	defer c.afterCallback()
	c.cb(c, d)
}

func (c *Connection) afterCallback() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inCallback = false
	if len(c.out) == 0 || c.writing {
		return
	}
	tw, ok := c.t.(tryWriter)
	if !ok || c.state != stateOpen || !tw.CanTryWrite() {
		c.startWriter()
		return
	}
	batch := c.out
	c.out = nil
	ck, corked := c.t.(corker)
	corked = corked && len(batch) > 1
	if corked {
		ck.Cork()
	}
	var sent int64
	var err error
	for i, m := range batch {
		sent += int64(len(m.p)) + msgOverhead
		if err = tw.TryWrite(int(m.typ), m.p); err != nil {
			c.unsent += int64(len(m.p)) // it did not go out whole
			for _, m := range batch[i+1:] {
				sent += int64(len(m.p)) + msgOverhead
				c.unsent += int64(len(m.p))
			}
			break
		}
	}
	if corked {
		if uerr := ck.Uncork(); err == nil {
			err = uerr
		}
	}
	c.outBytes -= sent
	if cap(batch) <= 4 && c.out == nil {
		clear(batch)
		c.out = batch[:0] // small: keep it for the next callback's Send
	}
	if err != nil {
		if c.writeErr == nil && c.state == stateOpen {
			c.writeErr = err
		}
		c.t.Abort()
	}
}

func (c *Connection) queueFull(queued int64, n int) error {
	return newError("send", c.url, ErrSendQueueFull,
		strconv.FormatInt(queued, 10)+" bytes wait to be sent and "+strconv.Itoa(n)+
			" more would pass SendQueueSize "+strconv.FormatInt(c.sendLimit, 10)+"; the server is not reading fast enough", nil)
}

// startWriter starts the writer goroutine if none runs. c.mu is held.
func (c *Connection) startWriter() {
	if c.writing {
		return
	}
	c.writing = true
	c.writers.Add(1)
	go c.write()
}

// corker is implemented by transports that can hold back the writes of
// several messages and send them together (native: one system call for a
// burst instead of one per message).
type corker interface {
	Cork()
	Uncork() error
}

// write sends queued messages in order, then the close frame if one was
// asked for. It exits when the queue is empty, so an idle connection has
// no writer goroutine. While more than one message waits, it corks the
// transport and uncorks it before it exits or sends the close frame, so a
// burst goes out in few writes and nothing is held back past its burst.
func (c *Connection) write() {
	defer c.writers.Done()
	corked := false
	var ck corker
	for {
		c.mu.Lock()
		batch := c.out
		c.out = nil
		sendClose := len(batch) == 0 && c.closeReq
		if len(batch) == 0 && corked {
			// Flush what the burst left held back before going idle or
			// closing, then look again.
			c.mu.Unlock()
			corked = false
			if err := ck.Uncork(); err != nil {
				c.writeFailed(err, nil, nil)
				return
			}
			continue
		}
		if sendClose {
			c.closeReq = false
		}
		if len(batch) == 0 && !sendClose {
			c.writing = false
			c.mu.Unlock()
			return
		}
		t := c.t
		c.mu.Unlock()

		if sendClose {
			t.Close(CloseNormalClosure, "")
			continue
		}
		if !corked && len(batch) > 1 {
			if ck, corked = t.(corker); corked {
				ck.Cork()
			}
		}
		var sent int64
		for i, m := range batch {
			err := t.Write(int(m.typ), m.p)
			sent += int64(len(m.p)) + msgOverhead
			if err != nil {
				if corked {
					ck.Uncork()
				}
				c.writeFailed(err, batch[i:i+1], batch[i+1:])
				c.mu.Lock()
				c.outBytes -= sent
				c.mu.Unlock()
				return
			}
			batch[i] = outMsg{} // the caller's bytes are not ours to keep
		}
		c.mu.Lock()
		c.outBytes -= sent
		c.mu.Unlock()
	}
}

// writeFailed records a write error, drops what was left to send, and
// tears the connection down; the reader then reports it. failed is the
// message whose write failed (its cost already counted off), rest the ones
// after it; both are counted as unsent, for a retried loss to report.
func (c *Connection) writeFailed(err error, failed, rest []outMsg) {
	c.mu.Lock()
	if c.writeErr == nil && c.state == stateOpen {
		c.writeErr = err
	}
	for _, m := range failed {
		c.unsent += int64(len(m.p))
	}
	for _, m := range rest {
		c.outBytes -= int64(len(m.p)) + msgOverhead
		c.unsent += int64(len(m.p))
	}
	for _, m := range c.out {
		c.outBytes -= int64(len(m.p)) + msgOverhead
		c.unsent += int64(len(m.p))
	}
	c.out, c.closeReq, c.writing = nil, false, false
	t := c.t
	c.mu.Unlock()
	t.Abort()
}
