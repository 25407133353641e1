//go:build !js

package native

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"net"
)

// Frames written by us. coder/websocket's Write takes two locks per
// message that are channels (its message writer's and its frame writer's,
// a select each), and copies the message into its 4 KiB write buffer a
// piece at a time, masking each piece and flushing each full buffer: about
// a third of the instructions of a whole round trip of a small message
// (BENCHMARKS.md). Where no compression was negotiated, Conn.writeNow
// writes each message here instead: one masked frame, built in the cork
// buffer (cork.go) and written as one piece, or in corkMax pieces for a big
// message. Where we also read the frames (dataread.go), the control frames
// are written here too (control.go); elsewhere coder/websocket writes
// them, each whole in one Write call (TestCoderWritesEachMessageAtOnce),
// and checkedConn's cork lock keeps every frame whole on the wire.

// writeFrame writes one frame, FIN set: a data message (op 1 text, 2
// binary) or a control frame. After a close frame has gone out (ours or
// coder/websocket's own) it writes nothing and fails as coder/websocket's
// Write does then.
func (c *checkedConn) writeFrame(op byte, p []byte) error {
	var hdr [14]byte
	hdr[0] = 0x80 | op // FIN
	n := 2
	switch {
	case len(p) <= 125:
		hdr[1] = 0x80 | byte(len(p))
	case len(p) <= 0xffff:
		hdr[1] = 0x80 | 126
		binary.BigEndian.PutUint16(hdr[2:], uint16(len(p)))
		n = 4
	default:
		hdr[1] = 0x80 | 127
		binary.BigEndian.PutUint64(hdr[2:], uint64(len(p)))
		n = 10
	}
	// RFC 6455 section 5.3: a fresh key for every frame, from a strong
	// source of entropy.
	rand.Read(hdr[n : n+4])
	key := binary.LittleEndian.Uint32(hdr[n:])
	n += 4

	k := &c.cork
	k.mu.Lock()
	defer k.mu.Unlock()
	f := c.sentFrames()
	if f.sentCloseCode() != 0 {
		return fmt.Errorf("failed to write frame: %w", net.ErrClosed)
	}
	if k.err != nil {
		return k.err
	}
	if k.depth == 0 {
		// Not corked: the frame goes out now, built in a buffer of the
		// cork's pool.
		k.buf = corkPool.Get().(*[]byte)
		defer func() {
			corkPool.Put(k.buf)
			k.buf, k.err = nil, nil
		}()
	} else if k.buf == nil {
		k.buf = corkPool.Get().(*[]byte)
	}
	// f follows the frames for a close frame's code. Between frames (every
	// frame goes out whole under k.mu) another frame leaves it where it is.
	follow := op == 0x8 || f.n != 0 || f.skip != 0
	if follow {
		f.scan(hdr[:n], true)
	}
	if err := c.appendLocked(hdr[:n]); err != nil {
		return err
	}
	for len(p) > 0 {
		room := corkMax - len(*k.buf)
		if room == 0 {
			if err := c.flushLocked(); err != nil {
				return err
			}
			room = corkMax
		}
		chunk := p[:min(len(p), room)]
		p = p[len(chunk):]
		at := len(*k.buf)
		*k.buf = append(*k.buf, chunk...)
		key = mask((*k.buf)[at:], key)
		if follow {
			f.scan((*k.buf)[at:], true)
		}
	}
	if k.depth > 0 {
		if op < 0x8 {
			k.sent = int32(len(*k.buf)) // writeNow returns nil: a message written
		}
		return nil // the uncork writes it
	}
	return c.flushLocked()
}

// appendLocked adds b to the cork buffer, writing the buffer out first if
// b does not fit. c.cork.mu is held and the buffer taken.
func (c *checkedConn) appendLocked(b []byte) error {
	k := &c.cork
	if len(*k.buf)+len(b) > corkMax {
		if err := c.flushLocked(); err != nil {
			return err
		}
	}
	*k.buf = append(*k.buf, b...)
	return nil
}

// mask XORs b with a frame's masking key (RFC 6455 section 5.3), whose
// first byte is key's lowest, and returns the key turned to start at the
// byte after b.
func mask(b []byte, key uint32) uint32 {
	k := uint64(key) | uint64(key)<<32
	for len(b) >= 64 {
		w := b[:64:64] // one bounds check for the block
		binary.LittleEndian.PutUint64(w[0:8], binary.LittleEndian.Uint64(w[0:8])^k)
		binary.LittleEndian.PutUint64(w[8:16], binary.LittleEndian.Uint64(w[8:16])^k)
		binary.LittleEndian.PutUint64(w[16:24], binary.LittleEndian.Uint64(w[16:24])^k)
		binary.LittleEndian.PutUint64(w[24:32], binary.LittleEndian.Uint64(w[24:32])^k)
		binary.LittleEndian.PutUint64(w[32:40], binary.LittleEndian.Uint64(w[32:40])^k)
		binary.LittleEndian.PutUint64(w[40:48], binary.LittleEndian.Uint64(w[40:48])^k)
		binary.LittleEndian.PutUint64(w[48:56], binary.LittleEndian.Uint64(w[48:56])^k)
		binary.LittleEndian.PutUint64(w[56:64], binary.LittleEndian.Uint64(w[56:64])^k)
		b = b[64:]
	}
	for len(b) >= 8 {
		binary.LittleEndian.PutUint64(b[:8], binary.LittleEndian.Uint64(b[:8])^k)
		b = b[8:]
	}
	for i := range b {
		b[i] ^= byte(key)
		key = key>>8 | key<<24
	}
	return key
}
