//go:build !js

package native

import "sync/atomic"

// sentFrames follows the frames we write, to learn the code of the first
// close frame that went out. coder/websocket sends close frames of its own
// (1002 when the server broke the protocol, 1009 for a message over the
// read limit) and puts neither code in its errors (the 1009 one only wraps
// ErrMessageTooBig); the code on the wire is what End needs (closeStatus),
// whoever sent it.
type sentFrames struct {
	hdr  [14]byte // the frame header being collected
	n    int      // bytes of hdr collected
	skip uint64   // payload bytes left in the current frame
	// The current frame's close code as it goes by: a client's frames are
	// masked, so its payload bytes are unmasked with the key.
	closing bool
	key     [4]byte
	pos     int // payload bytes of the close frame seen
	code    int
	first   atomic.Int32 // the first close code sent, 0 if none yet
	// rsv1: set RSV1 in the next data frame that starts (a compressed
	// message's, extension.go). scan then changes the bytes it follows,
	// which must be our own copy (the cork buffer).
	rsv1 bool
}

// scan follows p, the next bytes written; own says p is a copy of ours,
// in which a data frame's RSV1 may be set. Writes are serialized by the
// caller (checkedConn's cork.mu).
func (f *sentFrames) scan(p []byte, own bool) {
	for i := 0; i < len(p); {
		if f.skip > 0 {
			k := uint64(len(p) - i)
			if k > f.skip {
				k = f.skip
			}
			for j := 0; f.closing && f.pos < 2 && j < int(k); j++ {
				f.code = f.code<<8 | int(p[i+j]^f.key[f.pos%4])
				f.pos++
			}
			f.skip -= k
			i += int(k)
			if f.skip == 0 {
				f.frameEnd()
			}
			continue
		}
		if f.n == 0 && f.rsv1 && own && (p[i]&0x0f == 0x1 || p[i]&0x0f == 0x2) {
			p[i] |= 0x40
			f.rsv1 = false
		}
		f.hdr[f.n] = p[i]
		f.n++
		i++
		if f.n < 2 {
			continue
		}
		need := headerLen(f.hdr[1])
		if f.n < need {
			continue
		}
		f.skip = payloadLen(f.hdr[:need])
		f.key = [4]byte{}
		if f.hdr[1]&0x80 != 0 {
			copy(f.key[:], f.hdr[need-4:need])
		}
		f.n, f.pos, f.code = 0, 0, 0
		f.closing = f.hdr[0]&0x0f == 0x8
		if f.skip == 0 {
			f.frameEnd()
		}
	}
}

// frameEnd notes the code of a close frame that has gone by: 1005 when
// it carried none.
func (f *sentFrames) frameEnd() {
	if !f.closing {
		return
	}
	f.closing = false
	code := f.code
	if f.pos < 2 {
		code = 1005
	}
	f.first.CompareAndSwap(0, int32(code))
}

// sentCloseCode returns the code of the first close frame written, 0 if
// none was.
func (f *sentFrames) sentCloseCode() int { return int(f.first.Load()) }
