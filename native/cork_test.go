//go:build !js

package native

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"
	"testing"
)

// brokenConn takes room bytes, then fails every write, as a socket whose
// peer is gone.
type brokenConn struct{ room int }

func (c *brokenConn) Read([]byte) (int, error) { return 0, io.EOF }
func (c *brokenConn) Close() error             { return nil }
func (c *brokenConn) Write(p []byte) (int, error) {
	n := min(len(p), c.room)
	c.room -= n
	if n < len(p) {
		return n, errors.New("broken pipe")
	}
	return n, nil
}

// maskedFrame returns a client's binary frame of n payload bytes (n <
// 65536), as coder/websocket writes it.
func maskedFrame(n int) []byte {
	f := []byte{0x82, 0x80 | 126, 0, 0, 1, 2, 3, 4}
	binary.BigEndian.PutUint16(f[2:], uint16(n))
	return append(f, make([]byte, n)...)
}

// A corked burst whose write fails never reached the socket, although its
// messages left the send queue as written: what the socket did not take of
// them counts as unsent (Conn.unsent), so that it is not lost silently.
// The message being written when the write fails is not counted here: its
// writer counts it whole (Conn.writeBatch), and counting it twice would
// report more unsent than was ever sent. Both ways a held-back burst is
// written (at uncork, and when the next frame would take it past corkMax),
// with our frames (datawrite.go) and coder/websocket's; and uncorked.
func TestCorkedBurstThatFailsCountsAsUnsent(t *testing.T) {
	const size, room = 16 << 10, 10000
	frameLen := len(maskedFrame(size))
	for _, tc := range []struct {
		name    string
		coder   bool // frames as coder/websocket writes them, else ours
		corked  bool
		written int  // messages of 16 KiB whose write returned nil
		failing bool // one more whose write fails
		closing bool // then a close frame, held back too: not a message of the caller's
	}{
		{"ours at uncork", false, true, 3, false, false},
		{"ours past corkMax", false, true, 3, true, false}, // the fourth fails as the three are written
		{"ours and a close frame", false, true, 3, false, true},
		{"coder's at uncork", true, true, 3, false, false},
		{"coder's past corkMax", true, true, 3, true, false},
		{"ours uncorked", false, false, 0, true, false}, // the writer counts it, nothing else does
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := &checkedConn{rwc: &brokenConn{room: room}}
			c := &Conn{body: body, frames: !tc.coder}
			if tc.corked {
				body.corkWrites()
			}
			write := func() error {
				if !tc.coder {
					return c.writeNow(2, make([]byte, size))
				}
				if _, err := body.Write(maskedFrame(size)); err != nil {
					return err
				}
				body.markSent() // as writeNow does once coder/websocket's Write returned nil
				return nil
			}
			for i := range tc.written {
				if err := write(); err != nil {
					t.Fatalf("message %d, held back: %v", i, err)
				}
			}
			if tc.failing {
				if err := write(); err == nil {
					t.Fatal("a write past what the broken socket takes succeeded")
				}
			}
			if tc.closing {
				if err := body.writeFrame(0x8, []byte{0x03, 0xe8}); err != nil {
					t.Fatalf("the close frame, held back: %v", err)
				}
			}
			if err := body.uncorkWrites(); tc.corked && err == nil {
				t.Fatal("writing a burst to a broken socket succeeded")
			}
			want := int64(max(0, tc.written*frameLen-room))
			if got := c.unsent(); got != want {
				t.Fatalf("unsent() = %d after %d messages (%d bytes framed) written corked met a socket that took %d; want %d", got, tc.written, tc.written*frameLen, room, want)
			}
		})
	}
}

// Where coder/websocket writes the frames (with compression), writeNow
// marks each message it wrote while corked as sent, so that a burst whose
// write then fails counts as unsent. The socket breaks after the dial: the
// burst of three incompressible messages meets a socket that takes room
// bytes.
func TestCorkedCompressedBurstThatFailsCountsAsUnsent(t *testing.T) {
	const size, room = 16 << 10, 10000
	c := dialTest(t, "/deflate", Options{Compression: true})
	if c.frames || c.deflate == nil {
		t.Fatal("no permessage-deflate negotiated: coder/websocket does not write the frames")
	}
	c.body.rwc, c.body.nb = &brokenConn{room: room}, nil
	c.cork()
	for i := range 3 {
		msg := make([]byte, size)
		rand.Read(msg) // each its own: with context takeover a repeat compresses
		if err := c.writeNow(2, msg); err != nil {
			t.Fatalf("message %d, held back: %v", i, err)
		}
	}
	if err := c.uncork(); err == nil {
		t.Fatal("writing a burst to a broken socket succeeded")
	}
	// Each compressed message is a little more than size framed:
	// incompressible data goes in stored blocks.
	if u := c.unsent(); u < 3*size-room || u > 3*(size+64)-room {
		t.Fatalf("unsent() = %d after 3 compressed messages of %d bytes written corked met a socket that took %d; want about %d", u, size, room, 3*size-room)
	}
}
