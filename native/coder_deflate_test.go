//go:build !js

package native

import (
	"bytes"
	"compress/flate"
	"context"
	"io"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// What permessage-deflate (extension.go, read.go) relies on in
// coder/websocket v1.8.15, one test each: re-run them after an upgrade
// (go test -run TestCoder ./native).

// readAll is the server side of a pipeConn: it reads what the client
// writes until the pipe closes.
func readAll(srv io.Reader) chan []byte {
	got := make(chan []byte, 1)
	go func() {
		b, _ := io.ReadAll(srv)
		got <- b
	}()
	return got
}

// TestCoderNeverCompressesItself: with offerDeflate's options and the
// extension agreed, coder/websocket writes a message of any size as it
// is, RSV1 clear (our compressed messages get RSV1 from sentFrames, and
// nothing else may).
func TestCoderNeverCompressesItself(t *testing.T) {
	c, srv := pipeConn(t, "permessage-deflate", 1<<20)
	got := readAll(srv)
	p := bytes.Repeat([]byte("compress me "), 100000)
	if err := c.ws.Write(context.Background(), websocket.MessageBinary, p); err != nil {
		t.Fatal(err)
	}
	c.Abort()
	b := <-got
	if len(b) < len(p) || b[0]&0x70 != 0 {
		t.Fatalf("the frame starts %#x and the stream has %d bytes for a message of %d: coder/websocket compressed it", b[0], len(b), len(p))
	}
}

// TestCoderInflatesAsTold: told "permessage-deflate", coder/websocket
// inflates the server's messages with context takeover (a message that
// refers to the one before inflates); told "; server_no_context_takeover",
// each on its own (such a message fails).
func TestCoderInflatesAsTold(t *testing.T) {
	first := bytes.Repeat([]byte("the same state again, "), 20)
	var out bytes.Buffer
	w, _ := flate.NewWriter(&out, flate.BestCompression)
	w.Write(first)
	w.Flush()
	m1 := bytes.Clone(bytes.TrimSuffix(out.Bytes(), []byte{0, 0, 0xff, 0xff}))
	out.Reset()
	w.Write(first) // now a match into the first message
	w.Flush()
	m2 := bytes.TrimSuffix(out.Bytes(), []byte{0, 0, 0xff, 0xff})
	for _, tc := range []struct {
		answer string
		ok     bool
	}{{"permessage-deflate", true}, {"permessage-deflate; server_no_context_takeover", false}} {
		c, srv := pipeConn(t, tc.answer, 1<<20)
		go func() {
			srv.SetDeadline(time.Now().Add(10 * time.Second))
			go io.Copy(io.Discard, srv)
			srv.Write(append(serverFrame(0xc2, m1), serverFrame(0xc2, m2)...))
		}()
		_, p1, err1 := c.Read()
		_, p2, err2 := c.Read()
		c.Abort()
		srv.Close()
		if err1 != nil || !bytes.Equal(p1, first) {
			t.Fatalf("%s: first message: %v", tc.answer, err1)
		}
		if ok := err2 == nil && bytes.Equal(p2, first); ok != tc.ok {
			t.Errorf("%s: a message referring to the one before inflated: %v (%v), want %v", tc.answer, ok, err2, tc.ok)
		}
	}
}

// TestCoderReadLimitYieldsAtMostOneMore: with SetReadLimit(n), a message's
// Reader yields at most n+1 bytes, compressed or not; readMessage sizes its
// pieces on that, and fails a message of n+1 bytes itself (for a
// compressed one the byte past the limit may come with the end of the
// message, and coder/websocket then lets it through).
func TestCoderReadLimitYieldsAtMostOneMore(t *testing.T) {
	const n = 1000
	for _, compressed := range []bool{false, true} {
		c, srv := pipeConn(t, "permessage-deflate", n)
		msg := make([]byte, 50000)
		frame := serverFrame(0x82, msg)
		if compressed {
			frame = serverFrame(0xc2, deflateBytes(flate.BestCompression, msg))
		}
		go func() {
			srv.SetDeadline(time.Now().Add(10 * time.Second))
			go io.Copy(io.Discard, srv)
			srv.Write(frame)
		}()
		_, r, err := c.ws.Reader(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.Copy(io.Discard, r)
		c.Abort()
		srv.Close()
		if got > n+1 || err == nil {
			t.Errorf("compressed %v: the Reader yielded %d bytes then %v; want at most %d and an error", compressed, got, err, n+1)
		}
	}
}
