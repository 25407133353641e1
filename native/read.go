//go:build !js

package native

import (
	"io"
	"sync"
)

// scratchSize is the size of the pooled buffers messages are first read
// into.
const scratchSize = 32 << 10

var scratchPool = sync.Pool{New: func() any { b := make([]byte, scratchSize); return &b }}

// readMessage reads the rest of one message from r, which ends with io.EOF.
// coder/websocket's Read uses io.ReadAll, which allocates 512 bytes for a
// message of any size and several growing chunks plus a final copy for a
// bigger one. Here a message of up to 32 KiB is read into a pooled scratch
// buffer and costs one allocation of exactly its size; a bigger one moves
// into a buffer that doubles and is read into directly (large reads, no
// final copy).
func readMessage(r io.Reader) ([]byte, error) {
	sp := scratchPool.Get().(*[]byte)
	s := *sp
	n := 0
	for n < len(s) {
		m, err := r.Read(s[n:])
		n += m
		if err != nil {
			var p []byte
			if err == io.EOF {
				p, err = make([]byte, n), nil
				copy(p, s[:n])
			}
			scratchPool.Put(sp)
			return p, err
		}
	}
	p := make([]byte, n, 2*n)
	copy(p, s)
	scratchPool.Put(sp)
	for {
		if len(p) == cap(p) {
			// Full: is there more? Probe before doubling, so that a message
			// that fits exactly does not double its buffer for nothing.
			var one [1]byte
			m, err := r.Read(one[:])
			if m == 0 && err == io.EOF {
				return p, nil
			}
			if m == 1 {
				q := make([]byte, len(p)+1, 2*cap(p))
				copy(q, p)
				q[len(p)] = one[0]
				p = q
			}
			if err == io.EOF {
				return p, nil
			}
			if err != nil {
				return nil, err
			}
			continue
		}
		m, err := r.Read(p[len(p):cap(p)])
		p = p[:len(p)+m]
		if err == io.EOF {
			return p, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
