//go:build !js

package native

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/coder/websocket"
	strictflate "github.com/hybridws/websocket/internal/test/inflate"
	"github.com/hybridws/websocket/internal/test/rawserver"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// pipeConn returns a Conn, dialled over a net.Pipe with answer as the
// server's Sec-WebSocket-Extensions, and the server's end of the pipe.
func pipeConn(t testing.TB, answer string, maxMessage int64) (*Conn, net.Conn) {
	cli, srv := net.Pipe()
	ut := &upgradeTransport{deflate: true, base: roundTripFunc(func(req *http.Request) (*http.Response, error) {
		h := http.Header{}
		h.Set("Upgrade", "websocket")
		h.Set("Connection", "Upgrade")
		h.Set("Sec-WebSocket-Accept", rawserver.AcceptKey(req.Header.Get("Sec-WebSocket-Key")))
		h.Set("Sec-WebSocket-Extensions", answer)
		return &http.Response{StatusCode: http.StatusSwitchingProtocols, Header: h, Body: cli, Request: req}, nil
	})}
	opts := &websocket.DialOptions{HTTPClient: &http.Client{Transport: ut}}
	offerDeflate(opts)
	ws, resp, err := websocket.Dial(context.Background(), "ws://pipe/", opts)
	if err == nil {
		err = ut.restoreAnswer(resp.Header, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	ut.body.arm()
	ws.SetReadLimit(maxMessage)
	return &Conn{ws: ws, body: ut.body, deflate: ut.deflater(), readLimit: maxMessage}, srv
}

// serverFrame is an unmasked frame.
func serverFrame(b0 byte, p []byte) []byte {
	f := []byte{b0}
	switch {
	case len(p) < 126:
		f = append(f, byte(len(p)))
	case len(p) <= 0xffff:
		f = binary.BigEndian.AppendUint16(append(f, 126), uint16(len(p)))
	default:
		f = binary.BigEndian.AppendUint64(append(f, 127), uint64(len(p)))
	}
	return append(f, p...)
}

func deflateBytes(level int, p []byte) []byte {
	var b bytes.Buffer
	w, _ := flate.NewWriter(&b, level)
	w.Write(p)
	w.Flush()
	return bytes.TrimSuffix(b.Bytes(), []byte{0, 0, 0xff, 0xff})
}

// FuzzInflate sends a compressed message (random bytes, or a DEFLATE
// stream mutated) in fragments of frag bytes to a client with a
// MaxMessageSize of limit. What the client reads must be what a strict
// decoder (zlib's rules, a 32 KiB window) inflates; a message that
// inflates past the limit fails with 1009 (or 1002 if it is also corrupt
// further on), one that does not inflate with 1002, and nothing panics or
// hangs. A message that ends inside a block
// may fail, or give what came before (zlib inflates it so).
func FuzzInflate(f *testing.F) {
	text := []byte("a game state, a game state, {\"x\":1,\"y\":2}, a game state")
	for _, level := range []int{flate.NoCompression, flate.HuffmanOnly, flate.BestSpeed, flate.BestCompression} {
		f.Add(deflateBytes(level, text), uint16(0), uint16(100))
		f.Add(deflateBytes(level, text), uint16(7), uint16(10))
	}
	f.Add(deflateBytes(flate.BestCompression, make([]byte, 1<<20)), uint16(100), uint16(60000))
	f.Add([]byte{0xff, 0xff, 0xff}, uint16(1), uint16(100))
	f.Add([]byte{}, uint16(0), uint16(0))
	f.Fuzz(func(t *testing.T, payload []byte, frag, limit uint16) {
		max := int64(limit)
		want, werr := strictflate.New(15, false).Message(payload, int(max))
		c, srv := pipeConn(t, "permessage-deflate; server_no_context_takeover", max)
		done := make(chan struct{})
		go func() {
			defer close(done)
			var b []byte
			op, rsv := byte(0x2), byte(0x40)
			for i := 0; ; {
				j := len(payload)
				if frag > 0 {
					j = min(j, i+int(frag))
				}
				fin := byte(0)
				if j == len(payload) {
					fin = 0x80
				}
				b = append(b, serverFrame(fin|rsv|op, payload[i:j])...)
				op, rsv, i = 0, 0, j
				if fin != 0 {
					break
				}
			}
			b = append(b, serverFrame(0x88, []byte{0x03, 0xe8})...)
			srv.SetDeadline(time.Now().Add(10 * time.Second))
			go io.Copy(io.Discard, srv)
			srv.Write(b)
		}()
		typ, got, err := c.Read()
		c.Abort()
		srv.Close()
		<-done
		code, _, _ := c.closeStatus(err)
		switch {
		case errors.Is(werr, strictflate.ErrTruncated) && err == nil && !bytes.Equal(got, want):
			t.Fatalf("ends inside a block after %d bytes; the client read %d bytes", len(want), len(got))
		case errors.Is(werr, strictflate.ErrTruncated):
		case werr == nil && (err != nil || typ != 2 || !bytes.Equal(got, want)):
			t.Fatalf("inflates to %d bytes; the client read %d bytes, %v", len(want), len(got), err)
		case errors.Is(werr, strictflate.ErrTooBig) && code != 1009 && code != 1002:
			// compress/flate decodes ahead of what it hands over: it
			// may find a fault further on before the limit is passed.
			t.Fatalf("inflates past %d bytes; the client: %d bytes, code %d, %v", max, len(got), code, err)
		case werr != nil && !errors.Is(werr, strictflate.ErrTooBig) && (err == nil || code != 1002):
			t.Fatalf("does not inflate (%v); the client: %d bytes, code %d, %v", werr, len(got), code, err)
		}
	})
}
