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
	// The scratch is full: a message of exactly its size still gets a
	// buffer of exactly its size.
	b, m, eof, err := probe(r)
	if err != nil {
		scratchPool.Put(sp)
		return nil, err
	}
	p := grow(s, b, m, eof)
	scratchPool.Put(sp)
	for !eof {
		if len(p) == cap(p) {
			if b, m, eof, err = probe(r); err != nil {
				return nil, err
			}
			p = grow(p, b, m, eof)
			continue
		}
		m, err := r.Read(p[len(p):cap(p)])
		p = p[:len(p)+m]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	return p, nil
}

// probe reads one byte past a full buffer, so that a message that fits
// the buffer exactly does not make it grow for nothing: m (0 or 1) bytes
// read into b, and whether the message ended.
func probe(r io.Reader) (b byte, m int, eof bool, err error) {
	var one [1]byte
	for {
		m, err := r.Read(one[:])
		if err == io.EOF {
			return one[0], m, true, nil
		}
		if err != nil || m == 1 {
			return one[0], m, false, err
		}
	}
}

// grow returns a fresh buffer holding full, then the m probed bytes b:
// exactly that long when the message has ended, else with room to double.
func grow(full []byte, b byte, m int, eof bool) []byte {
	c := 2 * len(full)
	if eof {
		c = len(full) + m
	}
	if m == 0 && eof && cap(full) == len(full) && len(full) > scratchSize {
		return full // already ours and exact
	}
	p := make([]byte, len(full)+m, c)
	copy(p, full)
	if m == 1 {
		p[len(full)] = b
	}
	return p
}
