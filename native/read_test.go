//go:build !js

package native

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"
)

// pieceReader returns msg in reads of the given sizes (repeated, each at
// least 1, cut to what the caller's buffer takes), then io.EOF, or err if
// set. With eofLast the last bytes come with io.EOF (or err) in one call.
type pieceReader struct {
	msg     []byte
	sizes   []int
	k       int
	eofLast bool
	err     error
}

func (r *pieceReader) Read(p []byte) (int, error) {
	end := r.err
	if end == nil {
		end = io.EOF
	}
	if len(r.msg) == 0 {
		return 0, end
	}
	n := len(r.msg)
	if len(r.sizes) > 0 {
		n = min(n, max(1, r.sizes[r.k%len(r.sizes)]))
		r.k++
	}
	n = copy(p, r.msg[:n])
	r.msg = r.msg[n:]
	if r.eofLast && len(r.msg) == 0 {
		return n, end
	}
	return n, nil
}

// wantCap is the capacity readMessage gives a message of n bytes: exactly
// n up to the scratch buffer's size; above, the scratch size doubled until
// n fits (no doubling for a message that fills its buffer exactly), except
// that a message whose last byte is the one probed past a full buffer gets
// exactly its size when io.EOF comes with that byte.
func wantCap(n int, eofLast bool) int {
	if n <= scratchSize {
		return n
	}
	c := scratchSize
	for c < n-1 {
		c *= 2
	}
	if n == c+1 && eofLast {
		return n
	}
	if c < n {
		c *= 2
	}
	return c
}

// readCheck reads msg through readMessage in pieces and checks the bytes,
// the capacity, and an error passed on as it is.
func readCheck(msg []byte, sizes []int, eofLast bool, fail error) error {
	r := &pieceReader{msg: bytes.Clone(msg), sizes: sizes, eofLast: eofLast, err: fail}
	p, err := readMessage(r)
	if fail != nil {
		if err != fail || p != nil {
			return fmt.Errorf("%d bytes then %v: got %d bytes and %v, want nil and that error", len(msg), fail, len(p), err)
		}
		return nil
	}
	switch {
	case err != nil:
		return fmt.Errorf("%d bytes: error %v", len(msg), err)
	case !bytes.Equal(p, msg):
		return fmt.Errorf("%d bytes: got %d bytes, not the message", len(msg), len(p))
	case cap(p) != wantCap(len(msg), eofLast):
		return fmt.Errorf("%d bytes: capacity %d, want %d", len(msg), cap(p), wantCap(len(msg), eofLast))
	}
	return nil
}

func pattern(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(i*7 + i>>8 + 1) // not 0 at the powers of two, where the probe byte goes
	}
	return p
}

// TestReadMessage reads messages of sizes around the scratch buffer's and
// its doublings, in reads of every shape, with io.EOF apart or with the
// last bytes, and with a failure at the end.
func TestReadMessage(t *testing.T) {
	sizes := []int{0, 1, 100, scratchSize - 1, scratchSize, scratchSize + 1,
		2*scratchSize - 1, 2 * scratchSize, 2*scratchSize + 1, 4*scratchSize + 3, 1 << 20}
	reads := map[string][]int{"whole": nil, "4 KiB": {4096}, "odd": {1, 999, 7, 40000, 3}, "1": {1}}
	boom := errors.New("connection reset")
	for _, n := range sizes {
		msg := pattern(n)
		for name, rs := range reads {
			if name == "1" && n > 2*scratchSize+1 {
				continue // byte by byte takes long and teaches nothing more
			}
			for _, eofLast := range []bool{false, true} {
				for _, fail := range []error{nil, boom} {
					if err := readCheck(msg, rs, eofLast, fail); err != nil {
						t.Errorf("reads %s, io.EOF with the last bytes %v: %v", name, eofLast, err)
					}
				}
			}
		}
	}
}

// The scratch buffer goes back to the pool: a message read earlier must
// not change when the next one is read.
func TestReadMessageOwnsItsBytes(t *testing.T) {
	first := []byte("first message")
	a, err := readMessage(bytes.NewReader(first))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := readMessage(bytes.NewReader(bytes.Repeat([]byte("x"), 100))); err != nil {
			t.Fatal(err)
		}
	}
	if string(a) != string(first) {
		t.Fatalf("first message now %q", a)
	}
}

// FuzzReadMessage reads msg repeated reps times (to reach past the scratch
// buffer) in reads of the sizes in cuts, with or without a failure at the
// end. The seeds run with go test.
func FuzzReadMessage(f *testing.F) {
	f.Add([]byte("hello"), uint16(1), []byte{}, false, false)
	f.Add([]byte{}, uint16(0), []byte{1}, true, false)
	f.Add([]byte("0123456789abcdef"), uint16(scratchSize/16), []byte{255, 3}, false, false)
	f.Add([]byte("0123456789abcdef"), uint16(2*scratchSize/16), []byte{}, true, false)
	f.Add([]byte("0123456789abcdef"), uint16(2*scratchSize/16+1), []byte{200, 1, 17}, false, true)
	f.Add([]byte("x"), uint16(scratchSize+1), []byte{0, 0, 255}, true, true)
	f.Fuzz(func(t *testing.T, unit []byte, reps uint16, cuts []byte, eofLast, fail bool) {
		msg := bytes.Repeat(unit, int(reps))
		if len(msg) > 4<<20 {
			return
		}
		sizes := make([]int, len(cuts))
		for i, c := range cuts {
			sizes[i] = 1 + int(c)*int(c) // up to 64 KiB, small ones likelier
		}
		var err error
		if fail {
			err = io.ErrUnexpectedEOF
		}
		if err := readCheck(msg, sizes, eofLast, err); err != nil {
			t.Fatal(err)
		}
	})
}
