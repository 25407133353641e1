package main

import (
	"context"
	"io"
	"net"
	"time"

	coder "github.com/coder/websocket"
	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
	"github.com/gorilla/websocket"
	"github.com/hybridws/websocket/bench/internal/work"
)

// The peer libraries, each used the plain way it documents.
var rawLibs = map[string]work.Dial{
	"coder":         work.DialCoder,
	"gorilla":       dialGorilla,
	"gobwas":        dialGobwas,
	"coder-deflate": func(url string) (work.Conn, error) { return dialCoderDeflate(url, coder.CompressionContextTakeover) },
	"coder-deflate-nct": func(url string) (work.Conn, error) {
		return dialCoderDeflate(url, coder.CompressionNoContextTakeover)
	},
}

// coder/websocket v1.8.15 with compression: CompressionContextTakeover
// (both ways; 128-byte threshold) or CompressionNoContextTakeover (neither
// way; 512 bytes).

func dialCoderDeflate(url string, mode coder.CompressionMode) (work.Conn, error) {
	return work.DialCoderWith(url, &coder.DialOptions{CompressionMode: mode})
}

// gorilla/websocket v1.5.3

type gorillaConn struct{ c *websocket.Conn }

func dialGorilla(url string) (work.Conn, error) {
	d := *websocket.DefaultDialer
	d.HandshakeTimeout = 30 * time.Second
	c, _, err := d.Dial(url, nil)
	if err != nil {
		return nil, err
	}
	c.SetReadLimit(64 << 20)
	return gorillaConn{c}, nil
}

func (c gorillaConn) Write(typ int, p []byte) error { return c.c.WriteMessage(typ, p) }
func (c gorillaConn) Read() (int, []byte, error)    { return c.c.ReadMessage() }
func (c gorillaConn) Close()                        { c.c.Close() }

// gobwas/ws v1.4.0, with its wsutil helpers

type gobwasConn struct {
	nc net.Conn
	rw io.ReadWriter
}

func dialGobwas(url string) (work.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	nc, br, _, err := ws.Dial(ctx, url)
	if err != nil {
		return nil, err
	}
	var r io.Reader = nc
	if br != nil { // the server spoke right after the handshake
		r = io.MultiReader(br, nc)
	}
	return &gobwasConn{nc, struct {
		io.Reader
		io.Writer
	}{r, nc}}, nil
}

func (c *gobwasConn) Write(typ int, p []byte) error {
	return wsutil.WriteClientMessage(c.nc, ws.OpCode(typ), p)
}

func (c *gobwasConn) Read() (int, []byte, error) {
	p, op, err := wsutil.ReadServerData(c.rw)
	return int(op), p, err
}

func (c *gobwasConn) Close() { c.nc.Close() }
