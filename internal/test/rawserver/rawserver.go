//go:build !js

// Package rawserver is a deliberately broken WebSocket server for tests.
// It does the HTTP upgrade by hand, so a test can answer with a wrong
// Sec-WebSocket-Accept or an unrequested subprotocol, and then it writes
// whatever raw frames the test asks for: masked, with RSV bits, reserved
// opcodes, oversized control frames and so on. It listens on 127.0.0.1
// only.
package rawserver

import (
	"bufio"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hybridws/websocket/internal/test/tcpserve"
)

// Frame is one raw WebSocket frame. Nothing is checked: a Frame can break
// every rule of RFC 6455.
type Frame struct {
	Fin     bool
	RSV     byte // the three RSV bits as they sit in the first byte: 0x40, 0x20, 0x10
	Opcode  byte // 4 bits
	Masked  bool // servers must never mask; a test may
	Payload []byte
	Raw     []byte // when set, the frame's bytes exactly, the fields above unused
}

// Opcodes.
const (
	OpContinuation = 0x0
	OpText         = 0x1
	OpBinary       = 0x2
	OpClose        = 0x8
	OpPing         = 0x9
	OpPong         = 0xA
)

// Bytes encodes f, with the shortest length encoding.
func (f Frame) Bytes() []byte {
	if f.Raw != nil {
		return f.Raw
	}
	out := AppendHeader(nil, f.Fin, f.RSV, f.Opcode, len(f.Payload), f.Masked)
	p := append([]byte(nil), f.Payload...)
	if f.Masked {
		key := [4]byte{0x12, 0x34, 0x56, 0x78}
		out = append(out, key[:]...)
		for i := range p {
			p[i] ^= key[i%4]
		}
	}
	return append(out, p...)
}

// AppendHeader appends to b the header of a frame with a payload of n
// bytes, in the shortest length encoding; rsv holds the RSV bits as they
// sit in the first byte (0x40, 0x20, 0x10). The masking key, if masked,
// is the caller's to append.
func AppendHeader(b []byte, fin bool, rsv, op byte, n int, masked bool) []byte {
	b0 := op&0x0f | rsv&0x70
	if fin {
		b0 |= 0x80
	}
	var mbit byte
	if masked {
		mbit = 0x80
	}
	switch {
	case n < 126:
		return append(b, b0, mbit|byte(n))
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16(append(b, b0, mbit|126), uint16(n))
	default:
		return binary.BigEndian.AppendUint64(append(b, b0, mbit|127), uint64(n))
	}
}

// ClosePayload returns the payload of a close frame with code and reason.
func ClosePayload(code int, reason string) []byte {
	return append(binary.BigEndian.AppendUint16(nil, uint16(code)), reason...)
}

// Upgrade says how to answer the upgrade request.
type Upgrade struct {
	// Accept is the Sec-WebSocket-Accept to send; "" sends the right one.
	Accept string
	// Protocol, when set, is sent as Sec-WebSocket-Protocol whatever the
	// client asked for. "" echoes the first requested subprotocol.
	Protocol string
	// NoUpgrade: accept the TCP connection, read the request and never answer.
	NoUpgrade bool
	// Extensions, when set, is sent as Sec-WebSocket-Extensions (such as
	// "permessage-deflate"), whatever the client offered.
	Extensions string
	// With, when set, goes out in the same write as the 101 answer, so
	// that the client's HTTP reader reads these frames with the answer.
	With []Frame
}

// Conn is one upgraded connection, handed to a Script.
type Conn struct {
	net.Conn
	br  *bufio.Reader
	Req *http.Request
}

// WriteFrames writes frames, in order, in one write.
func (c *Conn) WriteFrames(fs ...Frame) error {
	var b []byte
	for _, f := range fs {
		b = append(b, f.Bytes()...)
	}
	_, err := c.Write(b)
	return err
}

// ReadFrame reads one frame from the client and unmasks it.
func (c *Conn) ReadFrame() (Frame, error) { return ReadFrom(c.br, 64<<20) }

// ReadFrom reads one frame from r and unmasks it; a frame that declares
// more than max bytes is an error.
func ReadFrom(r io.Reader, max uint64) (Frame, error) {
	var h [8]byte
	if _, err := io.ReadFull(r, h[:2]); err != nil {
		return Frame{}, err
	}
	f := Frame{Fin: h[0]&0x80 != 0, RSV: h[0] & 0x70, Opcode: h[0] & 0x0f, Masked: h[1]&0x80 != 0}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		if _, err := io.ReadFull(r, h[:2]); err != nil {
			return Frame{}, err
		}
		n = uint64(binary.BigEndian.Uint16(h[:2]))
	case 127:
		if _, err := io.ReadFull(r, h[:8]); err != nil {
			return Frame{}, err
		}
		n = binary.BigEndian.Uint64(h[:8])
	}
	if n > max {
		return Frame{}, errors.New("rawserver: client frame too large: " + strconv.FormatUint(n, 10) + " bytes")
	}
	var key [4]byte
	if f.Masked {
		if _, err := io.ReadFull(r, key[:]); err != nil {
			return Frame{}, err
		}
	}
	f.Payload = make([]byte, n)
	if _, err := io.ReadFull(r, f.Payload); err != nil {
		return Frame{}, err
	}
	if f.Masked {
		for i := range f.Payload {
			f.Payload[i] ^= key[i%4]
		}
	}
	return f, nil
}

// AwaitClose reads client frames until a close frame arrives (it answers
// it with the same code and returns the code, 1005 when the frame had
// none), the connection ends (-1) or timeout passes (-2). It answers pings.
func (c *Conn) AwaitClose(timeout time.Duration) int {
	c.SetReadDeadline(time.Now().Add(timeout))
	defer c.SetReadDeadline(time.Time{})
	for {
		f, err := c.ReadFrame()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return -2
			}
			return -1
		}
		switch f.Opcode {
		case OpPing:
			c.WriteFrames(Frame{Fin: true, Opcode: OpPong, Payload: f.Payload})
		case OpClose:
			code := 1005
			if len(f.Payload) >= 2 {
				code = int(binary.BigEndian.Uint16(f.Payload))
			}
			c.WriteFrames(Frame{Fin: true, Opcode: OpClose, Payload: f.Payload})
			return code
		}
	}
}

// Script runs on each upgraded connection; the connection is closed when
// it returns.
type Script func(c *Conn)

// Server accepts connections on 127.0.0.1 and runs a Script on each.
type Server struct {
	*tcpserve.Server
	up     Upgrade
	script Script
}

// Start listens on a free loopback port and serves until Close.
func Start(up Upgrade, script Script) *Server {
	s := &Server{up: up, script: script}
	ts, err := tcpserve.Listen(s.handle)
	if err != nil {
		panic("rawserver: " + err.Error())
	}
	s.Server = ts
	return s
}

// URL returns ws://host:port/.
func (s *Server) URL() string { return "ws://" + s.Addr() + "/" }

func (s *Server) handle(nc net.Conn) {
	req, br, err := tcpserve.ReadRequest(nc)
	if err != nil {
		return
	}
	if s.up.NoUpgrade {
		io.Copy(io.Discard, br) // until the client gives up
		return
	}
	accept := s.up.Accept
	if accept == "" {
		accept = AcceptKey(req.Header.Get("Sec-WebSocket-Key"))
	}
	resp := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Accept: " + accept + "\r\n"
	proto := s.up.Protocol
	if proto == "" {
		if p := req.Header.Get("Sec-WebSocket-Protocol"); p != "" {
			proto, _, _ = strings.Cut(p, ",")
			proto = strings.TrimSpace(proto)
		}
	}
	if proto != "" {
		resp += "Sec-WebSocket-Protocol: " + proto + "\r\n"
	}
	if s.up.Extensions != "" {
		resp += "Sec-WebSocket-Extensions: " + s.up.Extensions + "\r\n"
	}
	out := []byte(resp + "\r\n")
	for _, f := range s.up.With {
		out = append(out, f.Bytes()...)
	}
	if _, err := nc.Write(out); err != nil {
		return
	}
	s.script(&Conn{Conn: nc, br: br, Req: req})
}

// AcceptKey computes Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 section 4.2.2).
func AcceptKey(key string) string {
	h := sha1.New()
	h.Write([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// Hijack upgrades the request an http.Handler got, by hand, and returns
// the raw connection, so a server that otherwise speaks through a
// WebSocket library (the shared test server) can write broken frames too.
func Hijack(w http.ResponseWriter, r *http.Request) (*Conn, error) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		return nil, errors.New("rawserver: the ResponseWriter cannot be hijacked")
	}
	nc, rw, err := hj.Hijack()
	if err != nil {
		return nil, err
	}
	resp := "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Accept: " + AcceptKey(r.Header.Get("Sec-WebSocket-Key")) + "\r\n\r\n"
	if _, err := io.WriteString(nc, resp); err != nil {
		nc.Close()
		return nil, err
	}
	return &Conn{Conn: nc, br: rw.Reader, Req: r}, nil
}
