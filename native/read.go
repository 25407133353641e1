//go:build !js

package native

import (
	"errors"
	"io"
	"sync"
)

// scratchSize is the size of the pooled buffers messages are first read
// into.
const scratchSize = 32 << 10

// pieceMax bounds the pieces a big message is read into.
const pieceMax = 4 << 20

var scratchPool = sync.Pool{New: func() any { b := make([]byte, scratchSize); return &b }}

// errOverLimit: the reader gave more than readMessage's limit. It does not
// happen with coder/websocket's reader, which fails the read itself (and
// sends 1009).
var errOverLimit = errors.New("native: the message is longer than the read limit")

// readMessage reads the rest of one message from r, which ends with
// io.EOF and yields at most limit bytes (coder/websocket's read limit, past
// which its Read fails; negative: no limit). coder/websocket's Read uses
// io.ReadAll, which allocates 512 bytes for a message of any size and
// grows several buffers per message. Here a message of up to 32 KiB is
// read into a pooled scratch buffer and costs one allocation of exactly
// its size. A bigger one is read into pieces that double up to 4 MiB,
// none past the limit, then copied into a buffer of exactly its size: a
// message that inflates past the limit (a compression bomb) has at most
// limit bytes inflated and held when its read fails, not a doubled buffer.
func readMessage(r io.Reader, limit int64) ([]byte, error) {
	sp := scratchPool.Get().(*[]byte)
	defer scratchPool.Put(sp)
	s := *sp
	n, err := readFull(r, s)
	if err == io.EOF {
		p := make([]byte, n)
		copy(p, s[:n])
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	pieces := [][]byte{s}
	total := int64(len(s))
	for size := len(s); ; {
		size = min(2*size, pieceMax)
		if limit >= 0 {
			if total > limit {
				return nil, errOverLimit
			}
			// At the limit, a byte more: the read fails past it.
			size = int(min(int64(size), max(1, limit-total)))
		}
		c := make([]byte, size)
		n, err := readFull(r, c)
		pieces = append(pieces, c[:n])
		total += int64(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	p := make([]byte, 0, total)
	for _, c := range pieces {
		p = append(p, c...)
	}
	return p, nil
}

// readFull reads into b until it is full (nil error), the message ends
// (io.EOF, with the bytes before it) or the read fails.
func readFull(r io.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
