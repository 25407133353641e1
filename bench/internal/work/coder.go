package work

import (
	"context"
	"time"

	coder "github.com/coder/websocket"
)

// Conn is a blocking connection of one of the peer libraries, used the
// plain way each one documents: one goroutine reads whole messages, another
// (or the same) writes whole messages.
type Conn interface {
	Write(typ int, p []byte) error // typ: 1 text, 2 binary
	Read() (int, []byte, error)
	Close()
}

// Dial opens one Conn.
type Dial func(url string) (Conn, error)

// DialCoder dials with raw github.com/coder/websocket v1.8.15 (natively,
// or its own browser build under GOOS=js).
func DialCoder(url string) (Conn, error) { return DialCoderWith(url, nil) }

// DialCoderWith dials raw coder/websocket with opts (compression, say).
func DialCoderWith(url string, opts *coder.DialOptions) (Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := coder.Dial(ctx, url, opts)
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(64 << 20)
	return coderConn{c}, nil
}

type coderConn struct{ c *coder.Conn }

func (c coderConn) Write(typ int, p []byte) error {
	return c.c.Write(context.Background(), coder.MessageType(typ), p)
}

func (c coderConn) Read() (int, []byte, error) {
	typ, p, err := c.c.Read(context.Background())
	return int(typ), p, err
}

func (c coderConn) Close() { c.c.CloseNow() }
