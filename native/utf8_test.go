//go:build !js

package native

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestUTF8Stream checks the incremental check against utf8.Valid on
// random byte strings (of up to 40 bytes) fed in random pieces, and that it stops at the
// first byte that makes the string invalid.
func TestUTF8Stream(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	// ASCII is common, so that the whole code points of a piece go to
	// utf8.Valid and only its ends byte by byte.
	alphabet := []byte{'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff}
	for i := 0; i < 200000; i++ {
		p := make([]byte, r.IntN(41))
		for j := range p {
			p[j] = alphabet[r.IntN(len(alphabet))]
		}
		var s utf8Stream
		valid, at := true, len(p)
		for k := 0; k < len(p); {
			n := 1 + r.IntN(len(p)-k)
			if ok := s.feed(p[k : k+n]); ok < n {
				valid, at = false, k+ok
				break
			}
			k += n
		}
		if valid && !s.complete() {
			valid = false
		}
		if valid != utf8.Valid(p) {
			t.Fatalf("%x: incremental check says %v, utf8.Valid %v", p, valid, utf8.Valid(p))
		}
		// The prefix before the reported byte is itself a valid start.
		if !valid && at < len(p) {
			var s2 utf8Stream
			if s2.feed(p[:at]) != at || s2.feed(p[at:at+1]) != 0 {
				t.Fatalf("%x: failed at byte %d, which is not the first bad one", p, at)
			}
		}
	}
}

// BenchmarkUTF8Stream measures the incremental check on 1 MiB of ASCII
// and of mixed text, next to utf8.Valid on the same bytes.
func BenchmarkUTF8Stream(b *testing.B) {
	inputs := map[string][]byte{
		"ascii": []byte(strings.Repeat("BAsd7&jh23", 1<<20/10)),
		"mixed": []byte(strings.Repeat("Hello-µ@ßöäüàá-UTF-8!!", 1<<20/28)),
	}
	for name, p := range inputs {
		b.Run(name+"/stream", func(b *testing.B) {
			b.SetBytes(int64(len(p)))
			for i := 0; i < b.N; i++ {
				var s utf8Stream
				if s.feed(p) != len(p) {
					b.Fatal("invalid")
				}
			}
		})
		b.Run(name+"/utf8.Valid", func(b *testing.B) {
			b.SetBytes(int64(len(p)))
			for i := 0; i < b.N; i++ {
				if !utf8.Valid(p) {
					b.Fatal("invalid")
				}
			}
		})
	}
}
