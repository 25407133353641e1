package inflate

import (
	"bytes"
	"compress/flate"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

func deflate(t testing.TB, level int, p []byte) []byte {
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(p)
	w.Flush()
	return bytes.TrimSuffix(b.Bytes(), []byte{0, 0, 0xff, 0xff})
}

// TestAgainstFlate: what compress/flate writes, at every level, inflates
// to what it was.
func TestAgainstFlate(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		p := make([]byte, rnd.IntN(100000))
		for j := range p {
			p[j] = "abcdefgh  \n{}"[rnd.IntN(13)]
			if i%3 == 0 {
				p[j] = byte(rnd.Uint32())
			}
		}
		level := []int{flate.NoCompression, flate.HuffmanOnly, flate.BestSpeed, flate.DefaultCompression, flate.BestCompression}[i%5]
		got, err := New(15, false).Message(deflate(t, level, p), len(p))
		if err != nil || !bytes.Equal(got, p) {
			t.Fatalf("message %d (%d bytes, level %d): %v", i, len(p), level, err)
		}
	}
}

// TestWindow: a match further back than the window is refused; within
// it, and into the previous message with context takeover, it is fine.
func TestWindow(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	far := make([]byte, 700)
	for i := range far {
		far[i] = byte(rnd.Uint32())
	}
	far = append(far, far[:100]...) // a match 700 bytes back, the only one
	c := deflate(t, flate.BestCompression, far)
	if _, err := New(9, false).Message(c, 1<<20); err == nil || !strings.Contains(err.Error(), "past the window") {
		t.Errorf("window 512: %v, want a distance past the window", err)
	}
	if got, err := New(10, false).Message(c, 1<<20); err != nil || !bytes.Equal(got, far) {
		t.Errorf("window 1024: %v", err)
	}
	s := New(15, true)
	first := []byte(strings.Repeat("hello, world ", 20))
	if _, err := s.Message(deflate(t, flate.BestSpeed, first), 1<<20); err != nil {
		t.Fatal(err)
	}
	// The second message refers to the first: compressed with it as the
	// dictionary.
	var b bytes.Buffer
	w, _ := flate.NewWriterDict(&b, flate.BestCompression, first)
	w.Write(first)
	w.Flush()
	got, err := s.Message(bytes.TrimSuffix(b.Bytes(), []byte{0, 0, 0xff, 0xff}), 1<<20)
	if err != nil || !bytes.Equal(got, first) {
		t.Errorf("context takeover: %v, %q", err, got)
	}
	if _, err := New(15, false).Message(bytes.TrimSuffix(b.Bytes(), []byte{0, 0, 0xff, 0xff}), 1<<20); err == nil {
		t.Error("without context takeover, a match into the previous message inflated")
	}
}

// TestLimit: inflating stops at the limit.
func TestLimit(t *testing.T) {
	c := deflate(t, flate.BestCompression, make([]byte, 1<<20))
	if _, err := New(15, false).Message(c, 1<<20-1); err != ErrTooBig {
		t.Errorf("limit 1 MiB - 1: %v", err)
	}
	if got, err := New(15, false).Message(c, 1<<20); err != nil || len(got) != 1<<20 {
		t.Errorf("limit 1 MiB: %v, %d bytes", err, len(got))
	}
}

// FuzzMessage: no input panics, and what compress/flate accepts with a
// 32 KiB window, this decoder accepts with the same result.
func FuzzMessage(f *testing.F) {
	f.Add([]byte{0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00})
	f.Add(deflate(f, flate.BestSpeed, []byte("hello, hello, hello")))
	f.Add(deflate(f, flate.HuffmanOnly, []byte("hello, hello, hello")))
	f.Fuzz(func(t *testing.T, p []byte) {
		got, err := New(15, false).Message(p, 1<<20)
		r := flate.NewReader(io.MultiReader(bytes.NewReader(p), bytes.NewReader([]byte{0, 0, 0xff, 0xff})))
		want, werr := io.ReadAll(io.LimitReader(r, 1<<20+1))
		if werr == io.ErrUnexpectedEOF {
			werr = nil // the stream ended between blocks, as a message does
		}
		if err == nil && (werr != nil || !bytes.Equal(got, want)) {
			t.Fatalf("inflated %d bytes; compress/flate: %v, %d bytes", len(got), werr, len(want))
		}
	})
}
