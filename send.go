package websocket

import (
	"errors"
	"strconv"
	"unicode/utf8"

	"github.com/hybridws/websocket/internal/wire"
)

// Send queues message for sending and returns at once; it never blocks on
// the network. options may be nil (binary). Messages queued by one
// goroutine go out in that order. Send keeps no reference to message: once
// it returns, the caller may change or reuse the slice, and what goes out
// is what it held during the call (a message that has to wait for the
// network is copied; one that goes out at once is not).
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
		return newError("send", conn.cfg.rawURL, ErrInvalidOptions, "SendOptions.Type is "+strconv.Itoa(int(typ))+": want DataTypeText (1) or DataTypeBinary (2)", nil)
	}
	if typ == DataTypeText && !utf8.Valid(message) {
		return newError("send", conn.cfg.rawURL, ErrInvalidUTF8, "text message is not valid UTF-8", nil)
	}
	c := conn
	c.mu.Lock()
	defer c.mu.Unlock()
	switch c.state {
	case StateConnecting, StateReconnecting:
		return newError("send", c.cfg.rawURL, ErrNotConnected, "the connection is not open yet: wait for EventConnected", nil)
	case StateClosing, StateClosed:
		return newError("send", c.cfg.rawURL, ErrClosed, "the connection is closing or closed", nil)
	}
	// The transport queues the message and bounds its queue by
	// SendQueueSize (dialConfig.sendLimit); it never waits for the network.
	err := c.t.Write(int(typ), message)
	if err == nil {
		c.stats.messagesOut.Add(1)
		c.stats.bytesOut.Add(int64(len(message)))
		return nil
	}
	var full *wire.QueueFullError
	if errors.As(err, &full) {
		return newError("send", c.cfg.rawURL, ErrSendQueueFull,
			strconv.FormatInt(full.Queued, 10)+" bytes wait to be sent and "+strconv.Itoa(len(message))+
				" more would pass SendQueueSize "+strconv.FormatInt(full.Limit, 10)+"; the server is not reading fast enough", nil)
	}
	return newError("send", c.cfg.rawURL, ErrClosed, "the connection is closing or closed", err)
}
