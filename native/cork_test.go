//go:build !js

package native

import (
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
	}{
		{"ours at uncork", false, true, 3, false},
		{"ours past corkMax", false, true, 3, true}, // the fourth fails as the three are written
		{"coder's at uncork", true, true, 3, false},
		{"coder's past corkMax", true, true, 3, true},
		{"ours uncorked", false, false, 0, true}, // the writer counts it, nothing else does
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
