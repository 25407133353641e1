//go:build !js

package native

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"net"
	"testing"
)

// Each message goes out as one frame: FIN set, its opcode, every length
// encoding (7-bit, 16-bit, 64-bit), masked with a key of its own, the
// payload intact once unmasked; uncorked, a message up to corkMax in one
// write and a bigger one in corkMax pieces.
func TestWriteDataFrames(t *testing.T) {
	pc := newPinConn()
	c := &checkedConn{rwc: pc}
	sizes := []int{0, 1, 125, 126, 1000, 65535, 65536, corkMax + 1, 200 << 10}
	var msgs [][]byte
	for i, n := range sizes {
		p := make([]byte, n)
		for j := range p {
			p[j] = byte(i + j*7)
		}
		msgs = append(msgs, p)
		op := byte(2 - i%2) // binary and text in turn
		if err := c.writeFrame(op, p); err != nil {
			t.Fatalf("writeFrame of %d bytes: %v", n, err)
		}
	}
	writes, _, _, _ := pc.state()
	wantWrites := 0
	for _, n := range sizes {
		wantWrites += (n + 14 + corkMax - 1) / corkMax
	}
	if len(writes) != wantWrites {
		t.Errorf("%d messages of %v bytes went out in %d writes, want %d (one per corkMax)", len(sizes), sizes, len(writes), wantWrites)
	}
	all := bytes.Join(writes, nil)
	fs := parseClientFrames(all)
	if len(fs) != len(sizes) {
		t.Fatalf("wrote %d frames, want %d", len(fs), len(sizes))
	}
	keys := map[string]bool{}
	for i, f := range fs {
		if all[0]&0x80 == 0 || f.rsv1 || !f.masked || f.op != byte(2-i%2) || !bytes.Equal(f.payload, msgs[i]) {
			t.Errorf("frame %d: fin %v, rsv1 %v, masked %v, op %d, payload intact %v; want a masked FIN frame, op %d, the message", i, all[0]&0x80 != 0, f.rsv1, f.masked, f.op, bytes.Equal(f.payload, msgs[i]), 2-i%2)
		}
		need := headerLen(all[1])
		keys[string(all[need-4:need])] = true
		all = all[f.size:]
	}
	if len(keys) < len(fs)-1 { // four random bytes: a repeat is all but impossible
		t.Errorf("%d frames used %d masking keys, want one each", len(fs), len(keys))
	}
}

// Corked, messages wait in the cork buffer and go out together at uncork;
// a close frame written (by coder/websocket) ends them: a message after it
// is refused as coder/websocket refuses one, and nothing more is written.
func TestWriteDataCorkedThenClosed(t *testing.T) {
	pc := newPinConn()
	c := &checkedConn{rwc: pc}
	c.corkWrites()
	for _, m := range []string{"one", "two", "three"} {
		if err := c.writeFrame(1, []byte(m)); err != nil {
			t.Fatalf("corked writeFrame: %v", err)
		}
	}
	if writes, _, _, _ := pc.state(); len(writes) != 0 {
		t.Fatalf("corked messages went out in %d writes before uncork", len(writes))
	}
	if err := c.uncorkWrites(); err != nil {
		t.Fatalf("uncork: %v", err)
	}
	writes, _, _, _ := pc.state()
	if fs := pc.frames(); len(writes) != 1 || len(fs) != 3 || string(fs[2].payload) != "three" {
		t.Fatalf("three corked messages went out in %d writes as %d frames, want one write of three", len(writes), len(fs))
	}
	closeFrame := wireFrame{fin: true, masked: true, op: 0x8, payload: []byte{0x03, 0xe8}, key: [4]byte{9, 8, 7, 6}}
	if _, err := c.Write(closeFrame.bytes()); err != nil {
		t.Fatal(err)
	}
	if err := c.writeFrame(2, []byte("late")); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("writeFrame after a close frame: %v, want net.ErrClosed", err)
	}
	if fs := pc.frames(); len(fs) != 4 || fs[3].op != 0x8 {
		t.Fatalf("after the close frame the frames written are %d, the last op %d; want the close frame last", len(fs), fs[len(fs)-1].op)
	}
}

// mask is RFC 6455's masking, whatever the length and wherever in the
// message a piece starts.
func TestMask(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 500 {
		n := r.IntN(300)
		p := make([]byte, n)
		for i := range p {
			p[i] = byte(r.Uint32())
		}
		k := [4]byte{byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32()), byte(r.Uint32())}
		want := bytes.Clone(p)
		for i := range want {
			want[i] ^= k[i%4]
		}
		got := bytes.Clone(p)
		cut := 0
		if n > 0 {
			cut = r.IntN(n + 1)
		}
		key := uint32(k[0]) | uint32(k[1])<<8 | uint32(k[2])<<16 | uint32(k[3])<<24
		key = mask(got[:cut], key)
		mask(got[cut:], key)
		if !bytes.Equal(got, want) {
			t.Fatalf("mask of %d bytes, cut at %d, with key %x differs from the byte-by-byte XOR", n, cut, k)
		}
	}
}
