//go:build !js

package native

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hybridws/websocket/internal/wire"
)

// The frame checks of checkedConn (check.go) are tested on byte streams
// alone: a stream of frames is fed through Read in chunks of every shape
// (whole, byte by byte, random, cut at each header), and what comes out
// must be what expectFault, which reads the whole stream at once, says:
// the same fault, found at the same byte, with exactly the bytes before it
// passed on to coder/websocket.

// wireFrame is one frame as a server would write it.
type wireFrame struct {
	fin, rsv1, masked bool
	op                byte
	payload           []byte
	form              int     // the length field: 0 the shortest, or 126 or 127 forced
	declared          uint64  // a length to declare instead of len(payload), if not 0
	key               [4]byte // the masking key of a masked frame; zero: 1, 2, 3, 4
}

func (f wireFrame) bytes() []byte {
	b := []byte{f.op & 0x0f}
	if f.fin {
		b[0] |= 0x80
	}
	if f.rsv1 {
		b[0] |= 0x40
	}
	n := uint64(len(f.payload))
	if f.declared != 0 {
		n = f.declared
	}
	var mask byte
	if f.masked {
		mask = 0x80
	}
	switch form := f.form; {
	case form == 127 || form == 0 && n > 0xffff:
		b = append(b, mask|127)
		b = binary.BigEndian.AppendUint64(b, n)
	case form == 126 || form == 0 && n > 125:
		b = append(b, mask|126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, mask|byte(n))
	}
	if !f.masked {
		return append(b, f.payload...)
	}
	key := f.key
	if key == [4]byte{} {
		key = [4]byte{1, 2, 3, 4}
	}
	b = append(b, key[:]...)
	for i, c := range f.payload {
		b = append(b, c^key[i%4])
	}
	return b
}

// frame returns a frame with payload p, final if fin.
func frame(fin bool, op byte, p string) wireFrame {
	return wireFrame{fin: fin, op: op, payload: []byte(p)}
}

func textFrame(fin bool, p string) wireFrame { return frame(fin, wire.OpText, p) }
func contFrame(fin bool, p string) wireFrame { return frame(fin, 0x0, p) }
func binFrame(fin bool, p string) wireFrame  { return frame(fin, wire.OpBinary, p) }
func pingFrame(p string) wireFrame           { return frame(true, 0x9, p) }
func pongFrame(p string) wireFrame           { return frame(true, 0xa, p) }

func closingFrame(code uint16, reason string) wireFrame {
	return wireFrame{fin: true, op: 0x8, payload: append(binary.BigEndian.AppendUint16(nil, code), reason...)}
}

// joinFrames concatenates frames and returns the offset at which each starts.
func joinFrames(frames ...wireFrame) ([]byte, []int) {
	var s []byte
	var at []int
	for _, f := range frames {
		at = append(at, len(s))
		s = append(s, f.bytes()...)
	}
	return s, at
}

// frameHeaderLen is the length of frame f's header, masking key included.
func frameHeaderLen(f wireFrame) int { return len(f.bytes()) - len(f.payload) }

// utf8Fault reads b as the start of a text message: bad is the index of
// the first byte that no valid text can have there (-1 if none), and
// incomplete says b ends inside a code point. It goes by utf8.DecodeRune
// and utf8.FullRune, not by the utf8Stream under test.
func utf8Fault(b []byte) (bad int, incomplete bool) {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || size > 1 {
			i += size
			continue
		}
		// Invalid or cut off: FullRune turns true at the byte that can no
		// longer start the code point begun at i.
		for l := 1; ; l++ {
			if i+l > len(b) {
				return -1, true
			}
			if utf8.FullRune(b[i : i+l]) {
				return i + l - 1, false
			}
		}
	}
	return -1, false
}

// expectFault reads the whole stream s and returns the first fault
// checkedConn must find in it (nil if none) and the offset of the byte at
// which it must find it: a masked frame, or a 64-bit length with its top
// bit set, at its header's first byte; bad UTF-8 at the byte that breaks
// it; a text message ending inside a code point, or a close reason that is
// not UTF-8, at the frame's last byte.
func expectFault(s []byte) (at int, fault error) {
	var text bool  // in an uncompressed text message
	var msg []byte // that message's bytes so far
	for i := 0; i+2 <= len(s); {
		b0, b1 := s[i], s[i+1]
		if b1&0x80 != 0 {
			return i, errMaskedFrame
		}
		n, hl := uint64(b1&0x7f), 2
		switch n {
		case 126:
			hl = 4
		case 127:
			hl = 10
		}
		if len(s)-i < hl {
			return 0, nil
		}
		switch hl {
		case 4:
			n = uint64(binary.BigEndian.Uint16(s[i+2:]))
		case 10:
			if s[i+2]&0x80 != 0 {
				return i, errFrameLength
			}
			n = binary.BigEndian.Uint64(s[i+2:])
		}
		i += hl
		op, fin := b0&0x0f, b0&0x80 != 0
		switch {
		case op == 0x1:
			text, msg = b0&0x40 == 0, msg[:0]
		case op >= 0x2 && op <= 0x7:
			text = false
		}
		avail := uint64(len(s) - i)
		whole := n <= avail
		payload := s[i:]
		if whole {
			payload = s[i : i+int(n)]
		}
		if text && (op == 0x0 || op == 0x1) {
			before := len(msg)
			msg = append(msg, payload...)
			if bad, _ := utf8Fault(msg); bad >= 0 {
				return i + bad - before, errInvalidUTF8
			}
		}
		if !whole {
			return 0, nil
		}
		last := i + int(n) - 1 // the frame's last byte (the header's if it has no payload)
		switch {
		case op == 0x8 && n > 2 && n <= 125 && !utf8.Valid(payload[2:]):
			return last, errCloseReason
		case text && fin && (op == 0x0 || op == 0x1):
			text = false
			if _, incomplete := utf8Fault(msg); incomplete {
				return last, errInvalidUTF8
			}
		}
		i += int(n)
	}
	return 0, nil
}

// chunkConn serves chunks, one per Read (less if p is shorter), then io.EOF;
// with eofLast it returns io.EOF along with the last bytes.
type chunkConn struct {
	chunks  [][]byte
	eofLast bool
}

func (c *chunkConn) Read(p []byte) (int, error) {
	if len(c.chunks) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.chunks[0])
	c.chunks[0] = c.chunks[0][n:]
	if len(c.chunks[0]) == 0 {
		c.chunks = c.chunks[1:]
	}
	if c.eofLast && len(c.chunks) == 0 {
		return n, io.EOF
	}
	return n, nil
}

func (c *chunkConn) Write(p []byte) (int, error) { return len(p), nil }
func (c *chunkConn) Close() error                { return nil }

// split cuts s into chunks of the given sizes (repeated; each at least 1).
func split(s []byte, sizes []int) [][]byte {
	var chunks [][]byte
	for k := 0; len(s) > 0; k++ {
		n := len(s)
		if len(sizes) > 0 {
			n = min(max(1, sizes[k%len(sizes)]), len(s))
		}
		chunks = append(chunks, s[:n])
		s = s[n:]
	}
	return chunks
}

// scanChunks reads chunks through an armed checkedConn as coder/websocket
// would, and checks what comes out against expectFault: the same error,
// exactly the bytes before the faulty one, nothing more after it. It
// returns what does not match ("" if all does).
func scanChunks(s []byte, chunks [][]byte, eofLast bool) string {
	c := &checkedConn{rwc: &chunkConn{chunks: append([][]byte(nil), chunks...), eofLast: eofLast}}
	c.arm()
	var out []byte
	ends := map[int]bool{} // offsets in s at which a Read of the connection ended
	buf := make([]byte, 1<<17)
	var err error
	for {
		var n int
		n, err = c.Read(buf)
		if n < 0 || int64(len(out)+n) > c.got.Load() {
			return fmt.Sprintf("Read returned %d bytes, more than it read", n)
		}
		out = append(out, buf[:n]...)
		ends[int(c.got.Load())] = true
		if err != nil {
			break
		}
	}
	at, want := expectFault(s)
	if want == nil {
		if err != io.EOF || !bytes.Equal(out, s) {
			return fmt.Sprintf("got %v after %d of %d bytes, want all of them and io.EOF", err, len(out), len(s))
		}
		return ""
	}
	if !errors.Is(err, want) {
		return fmt.Sprintf("got %v after %d bytes, want %q at byte %d", err, len(out), want, at)
	}
	// A faulty header is cut where it is found (at its second byte if
	// masked, at its last if its length is too big): the bytes of it that
	// came in earlier reads have gone through already.
	if want == errMaskedFrame || want == errFrameLength {
		found := at + 1
		if want == errFrameLength {
			found = at + 9
		}
		for e := found; e > at; e-- {
			if ends[e] {
				at = e
				break
			}
		}
	}
	if !bytes.Equal(out, s[:at]) {
		return fmt.Sprintf("%v: %d bytes passed (equal to the stream's: %v), want the %d before the fault",
			err, len(out), bytes.Equal(out, s[:min(len(out), len(s))]), at)
	}
	if n, again := c.Read(buf); n != 0 || again != err {
		return fmt.Sprintf("Read after the fault: %d, %v; want 0, %v", n, again, err)
	}
	return ""
}

// splitsOf returns the ways a stream is cut in tests: whole, byte by byte,
// in twos and threes, at each frame start, one byte past each frame start
// (a header split after its first byte), and random.
func splitsOf(s []byte, starts []int, r *rand.Rand) map[string][][]byte {
	at := func(cuts []int) [][]byte {
		var chunks [][]byte
		prev := 0
		for _, c := range cuts {
			if c > prev && c < len(s) {
				chunks = append(chunks, s[prev:c])
				prev = c
			}
		}
		return append(chunks, s[prev:])
	}
	ways := map[string][][]byte{
		"whole":        {s},
		"byte by byte": split(s, []int{1}),
		"2,3":          split(s, []int{2, 3}),
		"at frames":    at(starts),
	}
	var past []int
	for _, c := range starts {
		past = append(past, c+1)
	}
	ways["a byte into each frame"] = at(past)
	for k := range 3 {
		sizes := make([]int, 8)
		for i := range sizes {
			sizes[i] = 1 + r.IntN(1+len(s)/4)
		}
		ways[fmt.Sprint("random ", k)] = split(s, sizes)
	}
	return ways
}

var bigText = strings.Repeat("é€𝄞a", 300) // 2,700 bytes of whole code points

// scanCases are streams with the fault (or none) written out by hand:
// want is the error, at its byte (the helper offsets say where).
func scanCases() []struct {
	name   string
	frames []wireFrame
	want   error
	at     func(starts []int, frames []wireFrame) int
} {
	// at returns the offset of byte k of frame i's payload (k < 0 counts
	// from the end: -1 is the frame's last byte).
	at := func(i, k int) func([]int, []wireFrame) int {
		return func(starts []int, frames []wireFrame) int {
			if k < 0 {
				return starts[i] + len(frames[i].bytes()) + k
			}
			return starts[i] + frameHeaderLen(frames[i]) + k
		}
	}
	header := func(i int) func([]int, []wireFrame) int {
		return func(starts []int, _ []wireFrame) int { return starts[i] }
	}
	return []struct {
		name   string
		frames []wireFrame
		want   error
		at     func(starts []int, frames []wireFrame) int
	}{
		{name: "text and binary", frames: []wireFrame{textFrame(true, "héllo wörld €𝄞"), binFrame(true, "\xff\xfe"), textFrame(true, "")}},
		{name: "code points split across fragments, controls between", frames: []wireFrame{
			textFrame(false, "a\xe2"), pingFrame("p"), contFrame(false, "\x82"), pongFrame(""), contFrame(false, "\xac\xf0\x9d"), pingFrame("\xff"), contFrame(true, "\x84\x9e"),
		}},
		{name: "16- and 64-bit lengths", frames: []wireFrame{
			{fin: true, op: 0x1, payload: []byte(bigText)}, {fin: true, op: 0x2, payload: bytes.Repeat([]byte{0x82, 0xff}, 40000)},
			{fin: true, op: 0x1, payload: []byte("short, 16-bit"), form: 126}, {fin: true, op: 0x1, payload: []byte("short, 64-bit"), form: 127},
		}},
		{name: "binary is not checked", frames: []wireFrame{binFrame(false, "\xc0"), pingFrame(""), contFrame(true, "\xe2")}},
		{name: "compressed text is not checked here", frames: []wireFrame{{fin: true, rsv1: true, op: 0x1, payload: []byte("\xff\x00")}}},
		{name: "valid close", frames: []wireFrame{textFrame(true, "x"), closingFrame(wire.CloseNormalClosure, "bye é")}},
		{name: "close without a reason", frames: []wireFrame{closingFrame(wire.CloseGoingAway, "")}},
		{name: "close payload of one byte is for coder/websocket", frames: []wireFrame{{fin: true, op: 0x8, payload: []byte{0xff}}}},
		{name: "close over 125 bytes is for coder/websocket", frames: []wireFrame{
			{fin: true, op: 0x8, payload: append(binary.BigEndian.AppendUint16(nil, wire.CloseNormalClosure), bytes.Repeat([]byte{0xff}, 200)...)}}},
		{name: "binary frame inside a text message is for coder/websocket", frames: []wireFrame{
			textFrame(false, "a"), binFrame(true, "x"), contFrame(true, "\xff")}},
		{name: "two close frames, each checked alone", frames: []wireFrame{closingFrame(wire.CloseNormalClosure, "é"), closingFrame(wire.CloseNormalClosure, "x")}},
		{name: "continuation of nothing is for coder/websocket", frames: []wireFrame{textFrame(true, "ok"), contFrame(true, "\xff")}},
		{name: "declared length past the stream", frames: []wireFrame{{fin: true, op: 0x2, payload: []byte("\x80\x80"), declared: 1 << 62}}},

		{name: "invalid byte", frames: []wireFrame{textFrame(true, "fine"), textFrame(true, "abc\xffdef")}, want: errInvalidUTF8, at: at(1, 3)},
		{name: "bad continuation byte in the next fragment", frames: []wireFrame{
			textFrame(false, "a\xe2\x82"), pingFrame("hi"), contFrame(true, "(tail")}, want: errInvalidUTF8, at: at(2, 0)},
		{name: "surrogate", frames: []wireFrame{textFrame(true, "\xed\xa0\x80")}, want: errInvalidUTF8, at: at(0, 1)},
		{name: "overlong", frames: []wireFrame{textFrame(true, "\xe0\x80\x80")}, want: errInvalidUTF8, at: at(0, 1)},
		{name: "past U+10FFFF", frames: []wireFrame{textFrame(false, "\xf4"), contFrame(true, "\x90\x80\x80")}, want: errInvalidUTF8, at: at(1, 0)},
		{name: "message ends inside a code point", frames: []wireFrame{textFrame(false, "ok"), contFrame(true, "\xf0\x9d\x84")},
			want: errInvalidUTF8, at: at(1, -1)},
		{name: "message ends inside a code point, empty last frame", frames: []wireFrame{textFrame(false, "\xc3"), pingFrame(""), contFrame(true, "")},
			want: errInvalidUTF8, at: at(2, -1)},
		{name: "invalid byte after long frames", frames: []wireFrame{
			{fin: true, op: 0x2, payload: bytes.Repeat([]byte{0xff}, 70000)}, {fin: true, op: 0x1, payload: []byte(bigText + "\xff"), form: 127}},
			want: errInvalidUTF8, at: at(1, len(bigText))},
		{name: "invalid byte in a frame declared 2^40 bytes long", frames: []wireFrame{
			{fin: true, op: 0x1, payload: []byte("0123456789\x80"), declared: 1 << 40}}, want: errInvalidUTF8, at: at(0, 10)},
		{name: "masked data frame", frames: []wireFrame{textFrame(true, "fine"), {fin: true, op: 0x2, masked: true, payload: []byte("x")}},
			want: errMaskedFrame, at: header(1)},
		{name: "masked ping inside a message", frames: []wireFrame{textFrame(false, "a"), {fin: true, op: 0x9, masked: true}, contFrame(true, "b")},
			want: errMaskedFrame, at: header(1)},
		{name: "64-bit length with its top bit set", frames: []wireFrame{textFrame(true, "fine"), {fin: true, op: 0x2, declared: 1 << 63}},
			want: errFrameLength, at: header(1)},
		{name: "64-bit length with its top bit set, first frame", frames: []wireFrame{{fin: true, op: 0x2, payload: []byte("x"), declared: 0x8000000000000001}},
			want: errFrameLength, at: header(0)},
		{name: "masked first frame", frames: []wireFrame{{fin: true, op: 0x1, masked: true, payload: []byte("hi")}},
			want: errMaskedFrame, at: header(0)},
		{name: "close reason not UTF-8", frames: []wireFrame{textFrame(true, "x"), closingFrame(wire.CloseNormalClosure, "bye\xff")},
			want: errCloseReason, at: at(1, -1)},
		{name: "close reason of one bad byte", frames: []wireFrame{closingFrame(wire.CloseNormalClosure, "\xff")},
			want: errCloseReason, at: at(0, -1)},
		{name: "close reason cut in a code point", frames: []wireFrame{closingFrame(wire.CloseNormalClosure, "é\xc3")},
			want: errCloseReason, at: at(0, -1)},
	}
}

// TestCheckedConnScan checks each hand-written stream, cut every way: the
// fault written in the case, which expectFault must agree with, found at
// its byte however the stream arrives.
func TestCheckedConnScan(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, tc := range scanCases() {
		t.Run(tc.name, func(t *testing.T) {
			s, starts := joinFrames(tc.frames...)
			at, want := expectFault(s)
			if want != tc.want || tc.want != nil && at != tc.at(starts, tc.frames) {
				wantAt := -1
				if tc.at != nil {
					wantAt = tc.at(starts, tc.frames)
				}
				t.Fatalf("expectFault says %v at %d, the case %v at %d", want, at, tc.want, wantAt)
			}
			for name, chunks := range splitsOf(s, starts, r) {
				for _, eofLast := range []bool{false, true} {
					if msg := scanChunks(s, chunks, eofLast); msg != "" {
						t.Errorf("%s (io.EOF with the last bytes: %v): %s", name, eofLast, msg)
					}
				}
			}
		})
	}
}

// TestCheckedConnUnarmed: before Dial has accepted the handshake, Read is
// empty and reads nothing from the connection.
func TestCheckedConnUnarmed(t *testing.T) {
	rwc := &chunkConn{chunks: [][]byte{[]byte("HTTP/1.1 ...")}}
	c := &checkedConn{rwc: rwc}
	if n, err := c.Read(make([]byte, 64)); n != 0 || err != io.EOF || len(rwc.chunks) != 1 {
		t.Fatalf("unarmed Read: %d, %v, %d chunks left; want 0, EOF, 1", n, err, len(rwc.chunks))
	}
	c.arm()
	if n, err := c.Read(make([]byte, 64)); n != 12 || err != nil {
		t.Fatalf("armed Read: %d, %v; want 12, nil", n, err)
	}
}

// FuzzCheckedConn feeds any byte stream, cut at the sizes in cuts, to
// checkedConn and checks it against expectFault. The seeds (run by go
// test) are the streams of TestCheckedConnScan, each in a few cuts.
func FuzzCheckedConn(f *testing.F) {
	for _, tc := range scanCases() {
		s, _ := joinFrames(tc.frames...)
		if len(s) > 4096 {
			continue // the long ones make slow seeds; TestCheckedConnScan has them
		}
		f.Add(s, []byte{}, false)
		f.Add(s, []byte{0}, true)
		f.Add(s, []byte{1, 4, 0, 9}, false)
	}
	f.Fuzz(func(t *testing.T, s, cuts []byte, eofLast bool) {
		sizes := make([]int, len(cuts))
		for i, c := range cuts {
			sizes[i] = 1 + int(c)%16
		}
		if msg := scanChunks(s, split(s, sizes), eofLast); msg != "" {
			t.Fatalf("stream %x, cuts %v: %s", s, sizes, msg)
		}
	})
}
