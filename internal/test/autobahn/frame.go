//go:build !js

package autobahn

import (
	"encoding/binary"
	"fmt"
	"io"
)

// Opcodes.
const (
	opCont   = 0x0
	opText   = 0x1
	opBinary = 0x2
	opClose  = 0x8
	opPing   = 0x9
	opPong   = 0xA
)

// F is one frame the fuzzer sends, Autobahn's sendFrame arguments.
type F struct {
	Op      byte
	Fin     bool
	RSV     byte   // 0-7, as Autobahn numbers them: 4 is RSV1, 2 RSV2, 1 RSV3
	Payload []byte // repeated up to Len when Len is set
	Len     int    // payload_len: the payload's length, Payload repeated to fill it
	Chop    int    // chopsize: write the frame's bytes in writes of this size
	Sync    bool   // write this frame on its own, not coalesced with others
}

// header encodes a frame header for a payload of n bytes (servers never mask).
func header(fin bool, rsv, op byte, n int) []byte {
	b0 := op&0x0f | (rsv&7)<<4
	if fin {
		b0 |= 0x80
	}
	switch {
	case n < 126:
		return []byte{b0, byte(n)}
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16([]byte{b0, 126}, uint16(n))
	default:
		return binary.BigEndian.AppendUint64([]byte{b0, 127}, uint64(n))
	}
}

// bytes encodes f.
func (f F) bytes() []byte {
	p := f.Payload
	if f.Len > 0 {
		p = repeat(f.Payload, f.Len)
	}
	return append(header(f.Fin, f.RSV, f.Op, len(p)), p...)
}

// repeat returns pattern repeated to exactly n bytes.
func repeat(pattern []byte, n int) []byte {
	p := make([]byte, n)
	for i := 0; i < n; i += copy(p[i:], pattern) {
	}
	return p
}

// clientFrame is one frame read from the client, unmasked.
type clientFrame struct {
	fin     bool
	rsv     byte
	op      byte
	masked  bool
	payload []byte
}

// maxClientFrame bounds a client frame: the largest message a case sends
// back is 16 MiB.
const maxClientFrame = 32 << 20

// readFrame reads one frame from r.
func readFrame(r io.Reader) (clientFrame, error) {
	var h [14]byte
	if _, err := io.ReadFull(r, h[:2]); err != nil {
		return clientFrame{}, err
	}
	f := clientFrame{fin: h[0]&0x80 != 0, rsv: h[0] >> 4 & 7, op: h[0] & 0x0f, masked: h[1]&0x80 != 0}
	n := uint64(h[1] & 0x7f)
	switch n {
	case 126:
		if _, err := io.ReadFull(r, h[2:4]); err != nil {
			return clientFrame{}, err
		}
		n = uint64(binary.BigEndian.Uint16(h[2:4]))
	case 127:
		if _, err := io.ReadFull(r, h[2:10]); err != nil {
			return clientFrame{}, err
		}
		n = binary.BigEndian.Uint64(h[2:10])
	}
	if n > maxClientFrame {
		return clientFrame{}, fmt.Errorf("client frame of %d bytes", n)
	}
	var key [4]byte
	if f.masked {
		if _, err := io.ReadFull(r, key[:]); err != nil {
			return clientFrame{}, err
		}
	}
	f.payload = make([]byte, n)
	if _, err := io.ReadFull(r, f.payload); err != nil {
		return clientFrame{}, err
	}
	if f.masked {
		for i := range f.payload {
			f.payload[i] ^= key[i&3]
		}
	}
	return f, nil
}
