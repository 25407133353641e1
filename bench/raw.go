package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"time"

	coder "github.com/coder/websocket"
	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
	"github.com/gorilla/websocket"
)

// rawConn is a blocking connection of one of the peer libraries, used the
// plain way each one documents: one goroutine reads whole messages, another
// (or the same) writes whole messages.
type rawConn interface {
	write(typ int, p []byte) error // typ: 1 text, 2 binary
	read() (int, []byte, error)
	close()
}

type rawDial func(url string) (rawConn, error)

var rawLibs = map[string]rawDial{
	"coder":   dialCoder,
	"gorilla": dialGorilla,
	"gobwas":  dialGobwas,
}

// coder/websocket v1.8.15

type coderConn struct{ c *coder.Conn }

func dialCoder(url string) (rawConn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, _, err := coder.Dial(ctx, url, nil)
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(64 << 20)
	return coderConn{c}, nil
}

func (c coderConn) write(typ int, p []byte) error {
	return c.c.Write(context.Background(), coder.MessageType(typ), p)
}

func (c coderConn) read() (int, []byte, error) {
	typ, p, err := c.c.Read(context.Background())
	return int(typ), p, err
}

func (c coderConn) close() { c.c.CloseNow() }

// gorilla/websocket v1.5.3

type gorillaConn struct{ c *websocket.Conn }

func dialGorilla(url string) (rawConn, error) {
	d := *websocket.DefaultDialer
	d.HandshakeTimeout = 30 * time.Second
	c, _, err := d.Dial(url, nil)
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(64 << 20)
	return gorillaConn{c}, nil
}

func (c gorillaConn) write(typ int, p []byte) error { return c.c.WriteMessage(typ, p) }
func (c gorillaConn) read() (int, []byte, error)    { return c.c.ReadMessage() }
func (c gorillaConn) close()                        { c.c.Close() }

// gobwas/ws v1.4.0, with its wsutil helpers

type gobwasConn struct {
	nc net.Conn
	rw io.ReadWriter
}

func dialGobwas(url string) (rawConn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	nc, br, _, err := ws.Dial(ctx, url)
	if err != nil {
		return nil, err
	}
	var r io.Reader = nc
	if br != nil {
		r = io.MultiReader(br, nc)
		_ = (*bufio.Reader)(br)
	}
	return &gobwasConn{nc, struct {
		io.Reader
		io.Writer
	}{r, nc}}, nil
}

func (c *gobwasConn) write(typ int, p []byte) error {
	return wsutil.WriteClientMessage(c.nc, ws.OpCode(typ), p)
}

func (c *gobwasConn) read() (int, []byte, error) {
	p, op, err := wsutil.ReadServerData(c.rw)
	return int(op), p, err
}

func (c *gobwasConn) close() { c.nc.Close() }
