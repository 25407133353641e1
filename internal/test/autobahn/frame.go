//go:build !js

package autobahn

import (
	"io"

	"github.com/hybridws/websocket/internal/test/rawserver"
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

// header encodes a frame header for a payload of n bytes (servers never
// mask); rsv numbers the bits as Autobahn does.
func header(fin bool, rsv, op byte, n int) []byte {
	return rawserver.AppendHeader(nil, fin, (rsv&7)<<4, op, n, false)
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
	f, err := rawserver.ReadFrom(r, maxClientFrame)
	return clientFrame{fin: f.Fin, rsv: f.RSV >> 4, op: f.Opcode, masked: f.Masked, payload: f.Payload}, err
}
