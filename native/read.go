//go:build !js

package native

import (
	"fmt"
	"io"
	"sync"

	"github.com/coder/websocket"
)

// scratchSize is the size of the pooled buffers messages are first read
// into.
const scratchSize = 32 << 10

// pieceMax bounds the pieces a big message is read into.
const pieceMax = 1 << 20

var scratchPool = sync.Pool{New: func() any { b := make([]byte, scratchSize); return &b }}

// errTooBig: a message longer than MaxMessageSize that coder/websocket let
// through. Its read limit lets one byte more through, for a compressed
// message when that byte comes with the message's end: Read then fails the
// connection with 1009 itself.
var errTooBig = fmt.Errorf("native: %w: the message is longer than MaxMessageSize", websocket.ErrMessageTooBig)

// readMessage reads the rest of one message from r, which ends with
// io.EOF, and fails it with errTooBig past limit bytes (negative: no
// limit); coder/websocket's Read, which fails a read past the limit
// itself, is given the chance to. coder/websocket's Read uses
// io.ReadAll, which allocates 512 bytes for a message of any size and
// grows several buffers per message. Here a message of up to 32 KiB is
// read into a pooled scratch buffer and costs one allocation of exactly
// its size. A bigger one is read into pieces that double up to 1 MiB,
// none past the limit, then copied into a buffer of exactly its size: a
// message that inflates past the limit (a compression bomb) has at most
// limit bytes inflated and held when its read fails, not a doubled buffer.
func readMessage(r io.Reader, limit int64) ([]byte, error) {
	sp := scratchPool.Get().(*[]byte)
	defer scratchPool.Put(sp)
	s := *sp
	n, err := readFull(r, s)
	if limit >= 0 && int64(n) > limit {
		return nil, tooBig(r, err)
	}
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
			// Up to a byte past the limit, so that r's own check fails.
			size = int(min(int64(size), limit+1-total))
		}
		c := make([]byte, size)
		n, err := readFull(r, c)
		pieces = append(pieces, c[:n])
		total += int64(n)
		if limit >= 0 && total > limit {
			return nil, tooBig(r, err)
		}
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

// tooBig returns why a message past the limit failed: r's own error if it
// fails the read past it (coder/websocket does, and sends 1009), else
// errTooBig. err is the error of the read that passed the limit.
func tooBig(r io.Reader, err error) error {
	if err == nil {
		var one [1]byte
		_, err = r.Read(one[:])
	}
	if err != nil && err != io.EOF {
		return err
	}
	return errTooBig
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
