//go:build !js

package native

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	strictflate "github.com/hybridws/websocket/internal/test/inflate"
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
			strict := strictflate.New(bits, takeover)
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
		strict *strictflate.Stream
	}
	conns := []conn{{newDeflater(15, true), strictflate.New(15, true)}, {newDeflater(9, true), strictflate.New(9, true)}, {newDeflater(12, false), strictflate.New(12, false)}}
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
		strict := strictflate.New(int(bits), takeover)
		for i, p := range [][]byte{a, b, a, append(b, a...)} {
			got, err := strict.Message(d.compress(nil, p), 1<<24)
			if err != nil || !bytes.Equal(got, p) {
				t.Fatalf("window bits %d, takeover %v, message %d (%d bytes): %v, %d bytes", bits, takeover, i, len(p), err, len(got))
			}
		}
	})
}

// benchState is a JSON game state of about 1 KiB, each tick much like the
// one before (bench/internal/work's).
func benchState(t int) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"type":"state","tick":%d,"players":[`, t)
	for i := range 10 {
		if i > 0 {
			b.WriteByte(',')
		}
		f := float64(t)/30 + float64(i)
		fmt.Fprintf(&b, `{"id":%d,"name":"player%d","x":%.1f,"y":%.1f,"vx":%.2f,"vy":%.2f,"hp":%d,"score":%d,"state":"%s"}`,
			i+1, i+1, 400+300*math.Sin(f), 300+200*math.Cos(f), 3*math.Cos(f), -2*math.Sin(f),
			100-(t/7+i*3)%100, t/5+i*17, []string{"run", "idle", "jump", "shoot"}[(t/20+i)%4])
	}
	b.WriteString(`]}`)
	return b.Bytes()
}

// BenchmarkDeflate compares our deflater with compress/flate at BestSpeed
// (what coder/websocket compresses with), with context takeover and
// without, on game states and on 16 KiB pieces of Autobahn's test files;
// ratio is the bytes out per byte in.
//
//	go test -run '^$' -bench Deflate ./native
func BenchmarkDeflate(b *testing.B) {
	sets := []struct {
		name string
		msgs [][]byte
	}{{name: "gamestate"}}
	for i := range 600 {
		sets[0].msgs = append(sets[0].msgs, benchState(i))
	}
	for _, f := range []string{"data1.json", "pg2229.txt", "lena512.bmp", "10.1.1.105.5439.pdf"} {
		data, err := os.ReadFile(filepath.Join("..", "internal", "test", "autobahn", "testdata", f))
		if err != nil {
			b.Fatal(err)
		}
		set := struct {
			name string
			msgs [][]byte
		}{name: f + "-16K"}
		for i := 0; i+16<<10 <= len(data); i += 16 << 10 {
			set.msgs = append(set.msgs, data[i:i+16<<10])
		}
		sets = append(sets, set)
	}
	type compressor func(dst, p []byte) []byte
	ours := func(bits int, takeover bool) func() compressor {
		return func() compressor { return newDeflater(bits, takeover).compress }
	}
	flateSpeed := func(takeover bool) func() compressor {
		return func() compressor {
			var out bytes.Buffer
			w, _ := flate.NewWriter(&out, flate.BestSpeed)
			return func(dst, p []byte) []byte {
				out.Reset()
				if !takeover {
					w.Reset(&out)
				}
				w.Write(p)
				w.Flush()
				return append(dst, bytes.TrimSuffix(out.Bytes(), []byte{0, 0, 0xff, 0xff})...)
			}
		}
	}
	for _, set := range sets {
		for _, c := range []struct {
			name string
			make func() compressor
		}{
			{"ours-takeover", ours(15, true)},
			{"ours", ours(15, false)},
			{"ours-takeover-window12", ours(12, true)},
			{"ours-takeover-window9", ours(9, true)},
			{"flate-takeover", flateSpeed(true)},
			{"flate", flateSpeed(false)},
		} {
			b.Run(set.name+"/"+c.name, func(b *testing.B) {
				compress := c.make()
				var in, out int
				var z []byte
				b.ResetTimer()
				for i := 0; b.Loop(); i++ {
					p := set.msgs[i%len(set.msgs)]
					z = compress(z[:0], p)
					in, out = in+len(p), out+len(z)
				}
				b.SetBytes(int64(in / b.N))
				b.ReportMetric(float64(out)/float64(in), "ratio")
			})
		}
	}
}
