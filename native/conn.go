//go:build !js

package native

import (
	"compress/flate"
	"context"
	"errors"
	"strings"
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

	mu       sync.Mutex
	sentCode int // the close code we sent, 0 if none
}

func newConn(ws *websocket.Conn) *Conn { return &Conn{ws: ws} }

// Read blocks until a whole message arrives and returns its opcode
// (1 text, 2 binary) and payload.
func (c *Conn) Read() (int, []byte, error) {
	c.ka.reading(true)
	typ, p, err := c.read()
	c.ka.reading(false)
	if err != nil {
		if kerr := c.ka.failure(); kerr != nil {
			return 0, nil, kerr
		}
		switch {
		case errors.Is(err, errMaskedFrame):
			c.Close(wire.CloseProtocolError, "masked frame from server")
		case errors.Is(err, errInvalidUTF8):
			c.Close(wire.CloseInvalidFramePayloadData, "invalid UTF-8 in text message")
		case errors.Is(err, errCloseReason):
			c.Close(wire.CloseInvalidFramePayloadData, "invalid UTF-8 in close reason")
		case isCorruptDeflate(err):
			c.Close(wire.CloseProtocolError, "corrupt compressed data")
		}
		return 0, nil, err
	}
	return int(typ), p, nil
}

// read is coder/websocket's Read with readMessage instead of io.ReadAll.
func (c *Conn) read() (websocket.MessageType, []byte, error) {
	typ, r, err := c.ws.Reader(context.Background())
	if err != nil {
		return 0, nil, err
	}
	p, err := readMessage(r)
	return typ, p, err
}

// Write sends one message, and returns once it is written.
func (c *Conn) Write(typ int, p []byte) error {
	err := c.write(typ, p)
	if err == nil && c.body != nil && c.body.nb != nil {
		// Block until what the socket did not take at once is written:
		// the writer goroutine feels the back pressure, the spill stays small.
		err = c.body.nb.wait()
	}
	if kerr := c.ka.failure(); err != nil && kerr != nil {
		return kerr
	}
	return err
}

// write hands one message to coder/websocket. A big one is written corked,
// so that the 4 KiB pieces coder/websocket flushes it in go out as a few
// large writes.
func (c *Conn) write(typ int, p []byte) error {
	big := len(p) > 16<<10
	if big {
		c.Cork()
	}
	err := c.ws.Write(context.Background(), websocket.MessageType(typ), p)
	if big {
		if uerr := c.Uncork(); err == nil {
			err = uerr
		}
	}
	return err
}

// Close sends a close frame and waits (at most a few seconds) for the
// peer's answer; at most failWait when the code fails the connection.
func (c *Conn) Close(code int, reason string) error {
	c.mu.Lock()
	if c.sentCode == 0 {
		c.sentCode = code
	}
	c.mu.Unlock()
	if code != wire.CloseNormalClosure && c.body != nil {
		t := liveTimers.AfterFunc(failWait, func() { c.body.Close() })
		defer liveTimers.Stop(t)
	}
	return c.ws.Close(websocket.StatusCode(code), reason)
}

// failWait bounds the wait for the answer to a close frame that fails the
// connection (a code other than 1000): a server that broke the protocol
// is not owed coder/websocket's 5 seconds, and the failure is only
// reported once the wait ends.
const failWait = time.Second

// Abort closes the TCP connection at once.
func (c *Conn) Abort() {
	c.ws.CloseNow()
	c.ka.stop()
	if c.body != nil && c.body.nb != nil {
		c.body.nb.wait() // the drainer ends with the connection
	}
}

// Buffered returns -1: Write blocks until the message is written.
func (c *Conn) Buffered() int64 { return -1 }

// CloseStatus explains the error that ended Read.
func (c *Conn) CloseStatus(readErr error) (code int, reason string, clean bool) {
	var ce websocket.CloseError
	if errors.As(readErr, &ce) {
		if !utf8.ValidString(ce.Reason) {
			// RFC 6455 section 8.1: invalid UTF-8 fails the connection.
			return wire.CloseInvalidFramePayloadData, "", false
		}
		return int(ce.Code), ce.Reason, true
	}
	switch {
	case errors.Is(readErr, websocket.ErrMessageTooBig):
		return wire.CloseMessageTooBig, "", false
	case errors.Is(readErr, errInvalidUTF8), errors.Is(readErr, errCloseReason):
		return wire.CloseInvalidFramePayloadData, "", false
	case isProtocolError(readErr), errors.Is(readErr, errMaskedFrame), isCorruptDeflate(readErr):
		return wire.CloseProtocolError, "", false
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

// isProtocolError recognises the protocol violations after which
// coder/websocket has sent close code 1002. It reports them only as error
// texts, all of which start with "received".
func isProtocolError(err error) bool {
	for ; err != nil; err = errors.Unwrap(err) {
		if strings.HasPrefix(err.Error(), "received ") {
			return true
		}
	}
	return false
}
