package work

import (
	"bytes"
	"fmt"
)

// Every message starts with its sequence number as 16 hex digits; the rest
// is filler that depends on the sequence number (small messages) or on the
// position only (big ones, so that a check is one memcmp). All of it is
// ASCII, so the same bytes serve as text and as binary messages.

const hdr = 16

// fill writes message seq of len(p) bytes into p.
func fill(p []byte, seq uint64, small bool) {
	putSeq(p, seq)
	if small {
		for i := hdr; i < len(p); i++ {
			p[i] = 'a' + byte((seq+uint64(i))%26)
		}
	}
}

func putSeq(p []byte, seq uint64) {
	const digits = "0123456789abcdef"
	for i := hdr - 1; i >= 0; i-- {
		p[i] = digits[seq&15]
		seq >>= 4
	}
}

func getSeq(p []byte) (uint64, bool) {
	var s uint64
	for _, c := range p[:hdr] {
		switch {
		case c >= '0' && c <= '9':
			s = s<<4 | uint64(c-'0')
		case c >= 'a' && c <= 'f':
			s = s<<4 | uint64(c-'a'+10)
		default:
			return 0, false
		}
	}
	return s, true
}

// newBig returns a template for big messages: the filler never changes.
func newBig(n int) []byte {
	p := make([]byte, n)
	for i := hdr; i < n; i++ {
		p[i] = 'a' + byte(i%26)
	}
	return p
}

// check verifies that echo is message want: its length, its sequence
// number and its content. tmpl is the big-message template, or nil.
func check(echo []byte, want uint64, size int, tmpl []byte) error {
	if len(echo) != size {
		return fmt.Errorf("echo of message %d has %d bytes, want %d", want, len(echo), size)
	}
	got, ok := getSeq(echo)
	if !ok || got != want {
		return fmt.Errorf("echo has sequence number %q, want %d (lost or reordered)", echo[:hdr], want)
	}
	if tmpl != nil {
		if !bytes.Equal(echo[hdr:], tmpl[hdr:]) {
			return fmt.Errorf("echo of message %d: content differs", want)
		}
		return nil
	}
	for i := hdr; i < len(echo); i++ {
		if echo[i] != 'a'+byte((want+uint64(i))%26) {
			return fmt.Errorf("echo of message %d: byte %d differs", want, i)
		}
	}
	return nil
}
