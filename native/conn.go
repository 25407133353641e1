//go:build !js

package native

import (
	"compress/flate"
	"context"
	"errors"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	"github.com/hybridws/websocket/internal/wire"
)

// Conn is one open connection. Read must be called from one goroutine;
// Write, Close and Abort may run concurrently with it.
type Conn struct {
	ws   *websocket.Conn
	body *checkedConn // the upgraded connection under ws, nil if unknown
	ka   *keepAlive   // nil when keepalive is off
	// deflate compresses our messages, nil unless permessage-deflate was
	// negotiated (extension.go).
	deflate *deflater
	// frames: data messages are framed by us (datawrite.go), not by
	// coder/websocket: body is known and no compression was negotiated.
	frames bool
	rd     *frameReader // reads the frames (dataread.go), or nil: coder/websocket does

	send      sendQueue // Write's queue and writer (send.go)
	readLimit int64     // MaxMessageSize, negative for none

	mu       sync.Mutex
	sentCode int // the close code we sent, 0 if none
}

// Read blocks until a whole message arrives and returns its opcode
// (1 text, 2 binary) and payload.
//
// An idle connection's reader waits in here, and the frames it waits in
// make its goroutine's stack: kept under 2 KiB where we read the frames
// (the idle figure in BENCHMARKS.md), so Read keeps its locals few and
// leaves the failure to ended.
func (c *Conn) Read() (int, []byte, error) {
	var typ int
	var p []byte
	var err error
	c.ka.reading(true)
	if c.rd != nil {
		c.rd.reading.Lock()
		typ, p, err = c.rd.message()
		c.rd.reading.Unlock()
	} else {
		typ, p, err = c.read()
	}
	c.ka.reading(false)
	if err != nil {
		return 0, nil, c.ended(err)
	}
	return typ, p, nil
}

// ended handles the error that ended Read, and returns the error Read
// returns: the keepalive's when it killed the connection. A failure of
// ours goes out as a close frame.
//
//go:noinline
func (c *Conn) ended(err error) error {
	if c.rd != nil {
		c.rd.end()
	}
	if kerr := c.ka.failure(); kerr != nil {
		return kerr
	}
	if f, ok := failureOf(err); ok && f.ours {
		c.Fail(f.code, f.reason)
	}
	return err
}

// failure is an error that ends Read and fails the connection with a close
// code: by us (ours, with reason in the close frame), or by
// coder/websocket, which sent the frame itself.
type failure struct {
	is     func(error) bool
	code   int
	reason string
	ours   bool
}

// failures is the table Read fails the connection by, and End reports it
// by.
var failures = [...]failure{
	{isErr(errMaskedFrame), wire.CloseProtocolError, "masked frame from server", true},
	{isErr(errFrameLength), wire.CloseProtocolError, "invalid frame length", true},
	{isErr(errInvalidUTF8), wire.CloseInvalidFramePayloadData, "invalid UTF-8 in text message", true},
	{isErr(errCloseReason), wire.CloseInvalidFramePayloadData, "invalid UTF-8 in close reason", true},
	{isErr(errFrame), wire.CloseProtocolError, "frame not allowed here", true},
	{isCorruptDeflate, wire.CloseProtocolError, "corrupt compressed data", true},
	{isErr(errTooBig), wire.CloseMessageTooBig, "message too big", true}, // before the next: it wraps ErrMessageTooBig
	{isErr(websocket.ErrMessageTooBig), wire.CloseMessageTooBig, "", false},
}

// failureOf finds err's row in failures.
func failureOf(err error) (failure, bool) {
	for _, f := range failures {
		if f.is(err) {
			return f, true
		}
	}
	return failure{}, false
}

func isErr(target error) func(error) bool {
	return func(err error) bool { return errors.Is(err, target) }
}

// read is coder/websocket's Read with readMessage instead of io.ReadAll.
func (c *Conn) read() (int, []byte, error) {
	typ, r, err := c.ws.Reader(context.Background())
	if err != nil {
		return 0, nil, err
	}
	p, err := readMessage(r, c.readLimit)
	return int(typ), p, err
}

// writeWait writes one message and returns once it is written: the
// writer goroutine's write, which feels the network's back pressure.
func (c *Conn) writeWait(typ int, p []byte) error {
	err := c.writeNow(typ, p)
	if err == nil && c.body != nil && c.body.nb != nil {
		// Wait until what the socket did not take at once is written,
		// so that the spill stays small.
		err = c.body.nb.wait()
	}
	if kerr := c.ka.failure(); err != nil && kerr != nil {
		return kerr
	}
	return err
}

// writeNow writes one message: as a frame of our own where it can
// (datawrite.go), else through coder/websocket. It waits for the network
// only where writes block (see nonBlocking). A big one that
// coder/websocket writes is written corked, so that the 4 KiB pieces it
// flushes it in go out as a few large writes.
func (c *Conn) writeNow(typ int, p []byte) error {
	if c.frames { // never with compression (dial.go)
		return c.body.writeFrame(byte(typ), p) // it marks what it holds back as sent
	}
	var err error
	if c.deflate != nil && len(p) >= c.deflate.threshold() {
		err = c.writeDeflated(typ, p)
	} else {
		big := len(p) > corkBig
		if big {
			c.cork()
		}
		err = c.ws.Write(context.Background(), websocket.MessageType(typ), p)
		if big {
			if uerr := c.uncork(); err == nil {
				err = uerr
			}
		}
	}
	if err == nil && c.body != nil {
		c.body.markSent()
	}
	return err
}

// nonBlocking reports whether writes to this connection never wait for
// the network (nbwrite.go).
func (c *Conn) nonBlocking() bool { return c.body != nil && c.body.nb != nil }

// canWriteNow reports whether a message can be written now without
// waiting: writes do not block and nothing waits in the spill.
func (c *Conn) canWriteNow() bool { return c.nonBlocking() && c.body.nb.idle() }

// Fail fails the connection with code and reason: the close frame goes
// out at once, ahead of the messages waiting, which are dropped (counted
// in End's Unsent). It returns once the peer answered, or after failWait.
func (c *Conn) Fail(code int, reason string) {
	s := &c.send
	s.mu.Lock()
	s.closing = true
	s.drop()
	s.mu.Unlock()
	c.closeNow(code, reason)
}

// closeNow sends a close frame and waits (at most a few seconds) for the
// peer's answer; at most failWait when the code fails the connection.
// Where we speak the protocol (control.go) closeOwn does it.
func (c *Conn) closeNow(code int, reason string) error {
	c.mu.Lock()
	if c.sentCode == 0 {
		c.sentCode = code
	}
	c.mu.Unlock()
	if c.rd != nil {
		c.closeOwn(code, reason)
		return nil
	}
	if code != wire.CloseNormalClosure && c.body != nil {
		t := liveTimers.AfterFunc(failWait, func() { c.body.Close() })
		defer liveTimers.Stop(t)
	}
	return c.ws.Close(websocket.StatusCode(code), reason)
}

// corkBig: a message longer than this is written corked. Below it
// coder/websocket's 4 KiB write buffer flushes it in a handful of writes at
// most, and a cork costs two extra lock round trips.
const corkBig = 16 << 10

// failWait bounds the wait for the answer to a close frame that fails the
// connection (a code other than 1000): a server that broke the protocol
// is not owed coder/websocket's 5 seconds, and the failure is only
// reported once the wait ends.
const failWait = time.Second

// Abort closes the TCP connection at once, drops what waits to be
// written (counted in End's Unsent), and returns once the writer goroutine
// has ended. Safe to call more than once.
func (c *Conn) Abort() {
	s := &c.send
	s.mu.Lock()
	s.aborted = true
	s.drop()
	s.mu.Unlock()
	c.abortNow()
	s.writer.Wait()
}

// abortNow closes the TCP connection and ends the goroutines under it;
// the writer goroutine calls it when a write fails.
func (c *Conn) abortNow() {
	if c.body != nil {
		// The socket first: coder/websocket's CloseNow waits for a Close
		// that waits for the peer's answer (up to 5 s); a closed socket
		// ends that wait at once.
		c.body.Close()
	}
	if c.ws != nil {
		c.ws.CloseNow()
	}
	c.ka.stop()
	if c.body != nil && c.body.nb != nil {
		c.body.nb.wait() // the drainer ends with the connection
	}
}

// End explains the error that ended Read, once Abort has run: the close
// status, and what of the send queue never went out.
func (c *Conn) End(readErr error) wire.End {
	e := wire.End{Unsent: c.unsent(), WriteErr: c.writeErr()}
	e.Code, e.Reason, e.Clean = c.closeStatus(readErr)
	return e
}

// closeStatus returns the close code that ended the connection, its reason
// and whether the peer closed cleanly.
func (c *Conn) closeStatus(readErr error) (code int, reason string, clean bool) {
	var ce websocket.CloseError
	if errors.As(readErr, &ce) {
		if !utf8.ValidString(ce.Reason) {
			// RFC 6455 section 8.1: invalid UTF-8 fails the connection.
			return wire.CloseInvalidFramePayloadData, "", false
		}
		return int(ce.Code), ce.Reason, true
	}
	if f, ok := failureOf(readErr); ok {
		return f.code, "", false
	}
	// Otherwise the close frame we sent, if one went out, says why: ours
	// (Close, Fail), or coder/websocket's own (1002 when the server broke
	// the protocol, which it reports only as error text).
	if c.body != nil {
		if f := c.body.sent.Load(); f != nil && f.sentCloseCode() != 0 {
			return f.sentCloseCode(), "", false
		}
	}
	c.mu.Lock()
	sent := c.sentCode
	c.mu.Unlock()
	if sent != 0 {
		return sent, "", false
	}
	return wire.CloseAbnormalClosure, "", false
}

// isCorruptDeflate recognises a compressed message that does not inflate.
// coder/websocket returns the inflater's error and sends no close frame.
// RFC 7692 names no close code for it; we send 1002 (protocol error), not
// 1007: the payload broke the negotiated extension's encoding, before
// there is any message data whose type (text, binary) it could contradict.
func isCorruptDeflate(err error) bool {
	var ce flate.CorruptInputError
	var ie flate.InternalError
	return errors.As(err, &ce) || errors.As(err, &ie)
}
