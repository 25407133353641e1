//go:build !js

package native

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/hybridws/websocket/internal/test/inflate"
)

// corpus returns messages that compress well, badly and not at all: JSON
// text, words, random bytes and long runs, of sizes up to 200 KiB.
func corpus(seed uint64, n int) [][]byte {
	rnd := rand.New(rand.NewPCG(seed, 1))
	words := []string{"player", "state", "\"x\":", "tick", "{", "}", ",", "score", " ", "run", "jump", "ümlaut"}
	var out [][]byte
	for i := range n {
		size := rnd.IntN(2000)
		if i%5 == 0 {
			size = rnd.IntN(200 << 10)
		}
		var b bytes.Buffer
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, `{"tick":%d,"players":[`, i)
			for b.Len() < size {
				fmt.Fprintf(&b, `{"id":%d,"x":%.1f,"y":%.1f},`, rnd.IntN(10), rnd.Float64()*800, rnd.Float64()*600)
			}
		case 1:
			for b.Len() < size {
				b.WriteString(words[rnd.IntN(len(words))])
			}
		case 2:
			for b.Len() < size {
				b.WriteByte(byte(rnd.Uint32()))
			}
		case 3:
			for b.Len() < size {
				b.Write(bytes.Repeat([]byte{byte(rnd.IntN(3))}, rnd.IntN(1000)))
			}
		}
		out = append(out, b.Bytes()[:min(b.Len(), size)])
	}
	return out
}

// TestDeflateRoundTrip: every message, compressed with every window size,
// with and without context takeover, inflates to itself through a decoder
// that refuses a match further back than the window (what zlib does with
// that window), and through compress/flate.
func TestDeflateRoundTrip(t *testing.T) {
	msgs := corpus(1, 60)
	for bits := 8; bits <= 15; bits++ {
		for _, takeover := range []bool{false, true} {
			d := newDeflater(bits, takeover)
			strict := inflate.New(bits, takeover)
			var hist []byte
			var in, out int
			for i, p := range msgs {
				c := d.compress(nil, p)
				in, out = in+len(p), out+len(c)
				got, err := strict.Message(c, 1<<30)
				if err != nil || !bytes.Equal(got, p) {
					t.Fatalf("window bits %d, takeover %v, message %d (%d bytes): %v; inflated %d bytes", bits, takeover, i, len(p), err, len(got))
				}
				dict := hist
				if !takeover {
					dict = nil
				}
				r := flate.NewReader(io.MultiReader(bytes.NewReader(c), bytes.NewReader([]byte{0, 0, 0xff, 0xff, 1, 0, 0, 0xff, 0xff})))
				if len(dict) > 0 {
					r = flate.NewReaderDict(io.MultiReader(bytes.NewReader(c), bytes.NewReader([]byte{0, 0, 0xff, 0xff, 1, 0, 0, 0xff, 0xff})), dict)
				}
				if got, err := io.ReadAll(r); err != nil || !bytes.Equal(got, p) {
					t.Fatalf("window bits %d, takeover %v, message %d: compress/flate: %v", bits, takeover, i, err)
				}
				hist = append(hist, p...)
				hist = hist[max(0, len(hist)-maxWindow):]
			}
			t.Logf("window bits %2d, takeover %-5v: %d bytes -> %d (%.3f)", bits, takeover, in, out, float64(out)/float64(in))
		}
	}
}

// TestDeflateInterleaved: connections sharing the pooled encoders, their
// messages interleaved, each stream still inflates with its own context.
func TestDeflateInterleaved(t *testing.T) {
	msgs := corpus(2, 90)
	type conn struct {
		d      *deflater
		strict *inflate.Stream
	}
	conns := []conn{{newDeflater(15, true), inflate.New(15, true)}, {newDeflater(9, true), inflate.New(9, true)}, {newDeflater(12, false), inflate.New(12, false)}}
	for i, p := range msgs {
		c := conns[(i*7/3)%len(conns)]
		got, err := c.strict.Message(c.d.compress(nil, p), 1<<30)
		if err != nil || !bytes.Equal(got, p) {
			t.Fatalf("message %d (%d bytes): %v", i, len(p), err)
		}
	}
}

// TestCodeLengths: the codes are complete and within the length limit for
// frequency tables of every shape.
func TestCodeLengths(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	var sc huffScratch
	for iter := range 20000 {
		maxBits, n := 15, 2+rnd.IntN(maxSymbols-1)
		if iter%2 == 0 {
			maxBits, n = 7, 19
		}
		freq := make([]uint32, n)
		for range rnd.IntN(n) + 1 {
			f := uint32(1) << rnd.IntN(25) // skewed enough to pass maxBits
			if rnd.IntN(2) == 0 {
				f = uint32(rnd.IntN(1000))
			}
			freq[rnd.IntN(n)] = f
		}
		lens := make([]uint8, n)
		codeLengths(freq, lens, maxBits, &sc)
		kraft := 0
		for s, l := range lens {
			if int(l) > maxBits || freq[s] != 0 && l == 0 {
				t.Fatalf("freq %v: lengths %v", freq, lens)
			}
			if l > 0 {
				kraft += 1 << (maxBits - int(l))
			}
		}
		if kraft != 1<<maxBits {
			t.Fatalf("freq %v: lengths %v, Kraft sum %d/%d", freq, lens, kraft, 1<<maxBits)
		}
	}
}

// FuzzDeflate: whatever the messages, window and context takeover, what
// the deflater writes inflates to them through a decoder that refuses a
// match past the window.
func FuzzDeflate(f *testing.F) {
	f.Add([]byte("hello, hello, hello"), []byte("hello again"), uint8(15), true)
	f.Add(bytes.Repeat([]byte{0}, 70000), []byte{}, uint8(8), false)
	f.Add([]byte{}, bytes.Repeat([]byte("ab"), 300), uint8(9), true)
	f.Fuzz(func(t *testing.T, a, b []byte, bits uint8, takeover bool) {
		bits = 8 + bits%8
		d := newDeflater(int(bits), takeover)
		strict := inflate.New(int(bits), takeover)
		for i, p := range [][]byte{a, b, a, append(b, a...)} {
			got, err := strict.Message(d.compress(nil, p), 1<<24)
			if err != nil || !bytes.Equal(got, p) {
				t.Fatalf("window bits %d, takeover %v, message %d (%d bytes): %v, %d bytes", bits, takeover, i, len(p), err, len(got))
			}
		}
	})
}
