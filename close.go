package websocket

import "time"

// closeTimeout bounds how long Disconnect lets an open connection flush
// its queue and finish the closing handshake before tearing it down.
const closeTimeout = 5 * time.Second

// Disconnect closes conn with code 1000 and returns without waiting. While
// connecting it aborts the dial; messages already queued by Send go out
// before the close frame. It is safe to call more than once, from any
// goroutine, in any state, and from inside the callback; calls after the
// first return nil. The callback still gets its one EventDisconnected.
func Disconnect(conn *Connection) error {
	if conn == nil {
		return newError("disconnect", "", ErrNilConnection, "connection is nil", nil)
	}
	c := conn
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.userClosed {
		return nil
	}
	c.userClosed = true
	switch c.state {
	case stateConnecting:
		c.state = stateClosing
		c.cancelDial()
	case stateOpen:
		c.state = stateClosing
		c.closeReq = true
		c.startWriter()
		// The close frame waits behind queued messages, and the server may
		// never answer it: a stuck socket must not keep the connection
		// (and its DISCONNECTED) alive for ever.
		t := c.t
		c.closeTimer = afterFunc(closeTimeout, t.Abort)
	}
	c.wake()
	return nil
}
