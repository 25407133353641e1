//go:build !js

package native

import "encoding/binary"

// The frame header arithmetic that both frame followers need: check.go
// (the server's frames, read) and sent.go (ours, written).

// headerLen returns the length of a frame header from its second byte: 2,
// plus 2 or 8 bytes of extended payload length, plus 4 of masking key when
// the mask bit is set.
func headerLen(b1 byte) int {
	n := 2
	switch b1 & 0x7f {
	case 126:
		n += 2
	case 127:
		n += 8
	}
	if b1&0x80 != 0 {
		n += 4
	}
	return n
}

// payloadLen returns the payload length a complete header declares.
func payloadLen(hdr []byte) uint64 {
	switch hdr[1] & 0x7f {
	case 126:
		return uint64(binary.BigEndian.Uint16(hdr[2:4]))
	case 127:
		return binary.BigEndian.Uint64(hdr[2:10])
	}
	return uint64(hdr[1] & 0x7f)
}
