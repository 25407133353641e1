package websocket

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/hybridws/websocket/internal/wire"
)

// The close codes of RFC 6455 section 7.4.1 and the IANA registry, with
// gorilla/websocket's names, for comparing Data.Code on EventDisconnected.
const (
	CloseNormalClosure           = 1000
	CloseGoingAway               = 1001
	CloseProtocolError           = 1002
	CloseUnsupportedData         = 1003
	CloseNoStatusReceived        = 1005 // the server's close frame carried no code
	CloseAbnormalClosure         = 1006 // no close frame: never opened, or the transport died
	CloseInvalidFramePayloadData = 1007
	ClosePolicyViolation         = 1008
	CloseMessageTooBig           = 1009
	CloseMandatoryExtension      = 1010
	CloseInternalServerErr       = 1011
	CloseServiceRestart          = 1012
	CloseTryAgainLater           = 1013
	CloseTLSHandshake            = 1015
)

// closeTimeout bounds how long Disconnect lets an open connection flush
// its queue and finish the closing handshake before tearing it down.
const closeTimeout = 5 * time.Second

// closeFrame is a close code and reason: what Disconnect sends.
type closeFrame struct {
	code   int
	reason string
}

// Disconnect closes conn with code 1000 and returns without waiting. While
// connecting it aborts the dial; messages already queued by Send go out
// before the close frame. It is safe to call more than once, from any
// goroutine, in any state, and from inside the callback; calls after the
// first return nil. The callback still gets its one EventDisconnected.
func Disconnect(conn *Connection) error {
	if conn == nil {
		return newError("disconnect", "", ErrNilConnection, "connection is nil", nil)
	}
	conn.disconnect(closeFrame{CloseNormalClosure, ""})
	return nil
}

// DisconnectWith closes conn with your own close code and reason, and is
// otherwise exactly Disconnect: it returns without waiting, aborts the dial
// while connecting, and is safe to call more than once (calls after the
// first Disconnect or DisconnectWith return nil and send nothing).
// EventDisconnected then reports code and reason.
//
// code is 1000 or 3000-4999 (4000-4999 are the application's own: kick,
// ban, redirect, ...), and reason at most 123 bytes of UTF-8: what browsers
// let a page send, so the same code works on every backend. Anything else
// is ErrInvalidOptions, naming what was wrong, and nothing is sent.
func DisconnectWith(conn *Connection, code int, reason string) error {
	if conn == nil {
		return newError("disconnect", "", ErrNilConnection, "connection is nil", nil)
	}
	bad := func(msg string) error { return newError("disconnect", conn.cfg.rawURL, ErrInvalidOptions, msg, nil) }
	switch {
	case code != CloseNormalClosure && (code < wire.CloseAppMin || code > wire.CloseAppMax):
		return bad("close code " + strconv.Itoa(code) + " is not allowed: use 1000 or 3000-4999")
	case !utf8.ValidString(reason):
		return bad("close reason is not valid UTF-8")
	case len(reason) > wire.MaxCloseReason:
		return bad("close reason is " + strconv.Itoa(len(reason)) + " bytes long: at most " + strconv.Itoa(wire.MaxCloseReason) + " are allowed")
	}
	conn.disconnect(closeFrame{code, reason})
	return nil
}

// disconnect starts the end that Disconnect asks for; only its first call
// does anything.
func (c *Connection) disconnect(bye closeFrame) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.bye != nil {
		return
	}
	c.bye = &bye
	switch c.state {
	case StateConnecting, StateReconnecting:
		c.state = StateClosing
		if c.stop != nil {
			c.stop() // aborts the dial, or the wait before a retry
		}
	case StateOpen:
		c.state = StateClosing
		// The close frame waits behind queued messages, and the server may
		// never answer it: a stuck socket must not keep the connection
		// (and its DISCONNECTED) alive for ever.
		t := c.t
		t.Close(bye.code, bye.reason)
		timer := liveTimers.AfterFunc(closeTimeout, t.Abort)
		c.stop = func() { liveTimers.Stop(timer) }
	}
	c.wake()
}
