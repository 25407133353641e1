//go:build !js

package native

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
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

// readCheck reads msg through readMessage in pieces and checks the bytes,
// the capacity, and an error passed on as it is.
func readCheck(msg []byte, sizes []int, eofLast bool, fail error) error {
	r := &pieceReader{msg: bytes.Clone(msg), sizes: sizes, eofLast: eofLast, err: fail}
	p, err := readMessage(r, -1)
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
	case cap(p) != len(msg):
		return fmt.Errorf("%d bytes: capacity %d, want exactly the message's", len(msg), cap(p))
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
// the pieces', in reads of every shape, with io.EOF apart or with the
// last bytes, and with a failure at the end.
func TestReadMessage(t *testing.T) {
	sizes := []int{0, 1, 100, scratchSize - 1, scratchSize, scratchSize + 1,
		3*scratchSize - 1, 3 * scratchSize, 3*scratchSize + 1, 7*scratchSize + 3, 1 << 20, 9 << 20}
	reads := map[string][]int{"whole": nil, "4 KiB": {4096}, "odd": {1, 999, 7, 40000, 3}, "1": {1}}
	boom := errors.New("connection reset")
	for _, n := range sizes {
		msg := pattern(n)
		for name, rs := range reads {
			if name == "1" && n > 3*scratchSize+1 {
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
	a, err := readMessage(bytes.NewReader(first), -1)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := readMessage(bytes.NewReader(bytes.Repeat([]byte("x"), 100)), -1); err != nil {
			t.Fatal(err)
		}
	}
	if string(a) != string(first) {
		t.Fatalf("first message now %q", a)
	}
}

// endless yields zeros for ever, in reads of at most 64 KiB.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	n := min(len(p), 64<<10)
	clear(p[:n])
	e.n += int64(n)
	return n, nil
}

// limited is coder/websocket's reader with a read limit: a read past
// left bytes fails.
type limited struct {
	r    io.Reader
	left int64
}

var errLimit = errors.New("read limited")

func (l *limited) Read(p []byte) (int, error) {
	if l.left == 0 {
		return 0, errLimit
	}
	n, err := l.r.Read(p[:min(int64(len(p)), l.left)])
	l.left -= int64(n)
	return n, err
}

// TestReadMessageLimit: a message without end (a compression bomb) fails
// past the limit, having allocated about the limit, not a buffer doubled
// past it: by the reader's own check (coder/websocket's, a byte past the
// limit) or, when the reader lets more through, by readMessage's. A
// message of exactly the limit is fine, one a byte longer is not.
func TestReadMessageLimit(t *testing.T) {
	for _, limit := range []int64{0, 10, scratchSize - 1, scratchSize, scratchSize + 1, 100000, 8 << 20} {
		src := &endless{}
		allocs := allocated(func() {
			if p, err := readMessage(&limited{r: src, left: limit + 1}, limit); err != errLimit || p != nil {
				t.Errorf("limit %d: %d bytes, %v; want %v", limit, len(p), err, errLimit)
			}
		})
		if src.n != limit+1 {
			t.Errorf("limit %d: read %d bytes", limit, src.n)
		}
		if allocs > limit+limit/8+scratchSize+4096 { // the scratch buffer, if the pool had none
			t.Errorf("limit %d: allocated %d bytes", limit, allocs)
		}
		if _, err := readMessage(&endless{}, limit); err != errTooBig {
			t.Errorf("limit %d, a reader that goes on: %v", limit, err)
		}
		msg := pattern(int(limit) + 1)
		for _, eofLast := range []bool{false, true} {
			if p, err := readMessage(&pieceReader{msg: msg[:limit], eofLast: eofLast}, limit); err != nil || !bytes.Equal(p, msg[:limit]) {
				t.Errorf("limit %d, a message of the limit (io.EOF with it %v): %d bytes, %v", limit, eofLast, len(p), err)
			}
			if _, err := readMessage(&pieceReader{msg: msg, eofLast: eofLast}, limit); err != errTooBig {
				t.Errorf("limit %d, a message a byte longer (io.EOF with it %v): %v", limit, eofLast, err)
			}
		}
	}
}

// allocated returns the bytes f allocates.
func allocated(f func()) int64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return int64(after.TotalAlloc - before.TotalAlloc)
}

// FuzzReadMessage reads msg repeated reps times (to reach past the scratch
// buffer) in reads of the sizes in cuts, with or without a failure at the
// end. The seeds run with go test.
func FuzzReadMessage(f *testing.F) {
	f.Add([]byte("hello"), uint16(1), []byte{}, false, false)
	f.Add([]byte{}, uint16(0), []byte{1}, true, false)
	f.Add([]byte("0123456789abcdef"), uint16(scratchSize/16), []byte{255, 3}, false, false)
	f.Add([]byte("0123456789abcdef"), uint16(3*scratchSize/16), []byte{}, true, false)
	f.Add([]byte("0123456789abcdef"), uint16(3*scratchSize/16+1), []byte{200, 1, 17}, false, true)
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
