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
// messages left the send queue as written: what the socket did not take
// counts as unsent (Conn.unsent), so that it is not lost silently. Both
// ways a held-back burst is written: at uncork, and when the next frame
// would take it past corkMax.
func TestCorkedBurstThatFailsCountsAsUnsent(t *testing.T) {
	for _, tc := range []struct {
		name   string
		frames int // of 16 KiB, written corked
		room   int // what the socket takes
	}{
		{"at uncork", 3, 10000},
		{"past corkMax", 4, 10000}, // the fourth does not fit: the three go first, and fail
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := &checkedConn{rwc: &brokenConn{room: tc.room}}
			c := &Conn{body: body}
			body.corkWrites()
			held, failed := 0, false
			for range tc.frames {
				f := maskedFrame(16 << 10)
				if _, err := body.Write(f); err != nil {
					failed = true
					break
				}
				held += len(f)
			}
			if err := body.uncorkWrites(); err == nil && !failed {
				t.Fatal("writing a burst to a broken socket succeeded")
			}
			if got, want := c.unsent(), int64(held-tc.room); got != want {
				t.Fatalf("unsent() = %d after %d corked bytes met a socket that took %d; want %d", got, held, tc.room, want)
			}
		})
	}
}
