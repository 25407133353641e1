// Package inflate is a DEFLATE decoder (RFC 1951) for the tests: it
// decodes permessage-deflate messages (RFC 7692) as zlib does with a
// window of 1<<bits bytes, so that it refuses what zlib refuses, a
// back-reference further than the window above all. compress/flate
// accepts any distance up to 32 KiB: it cannot tell whether a client kept
// to the client_max_window_bits a server asked for.
package inflate

import (
	"errors"
	"fmt"
)

// Stream inflates the messages of one direction of a connection, in
// order.
type Stream struct {
	window   int  // 1<<bits
	takeover bool // matches may reach into earlier messages
	hist     []byte
}

// New returns a Stream for a peer that compresses with a window of
// 1<<bits bytes (8 to 15), keeping context between messages or not.
func New(bits int, takeover bool) *Stream {
	return &Stream{window: 1 << bits, takeover: takeover}
}

// ErrTooBig: the message inflates past the limit given to Message.
var ErrTooBig = errors.New("inflate: the message inflates past the limit")

// ErrTruncated: the message ends inside a DEFLATE block. zlib, which
// inflates a stream as it comes, would hand over what came before and
// wait for more; Message returns that with the error.
var ErrTruncated = errors.New("inflate: the message ends inside a block")

// Message inflates one message's payload (RSV1 set, without the final
// 00 00 ff ff that RFC 7692 section 7.2.2 has the receiver add back).
// limit bounds the inflated size.
func (s *Stream) Message(payload []byte, limit int) ([]byte, error) {
	d := decoder{in: append(payload[:len(payload):len(payload)], 0, 0, 0xff, 0xff), window: s.window, limit: limit}
	if s.takeover {
		d.out = append(d.out, s.hist...)
	}
	d.start = len(d.out)
	if err := d.run(); err == ErrTruncated {
		return d.out[d.start:], err
	} else if err != nil {
		return nil, err
	}
	msg := d.out[d.start:]
	if s.takeover {
		keep := min(len(d.out), s.window)
		s.hist = append(s.hist[:0], d.out[len(d.out)-keep:]...)
	}
	return msg, nil
}

type decoder struct {
	in     []byte
	pos    int
	bits   uint64
	nbits  uint
	out    []byte // history, then the message
	start  int    // where the message begins in out
	window int
	limit  int
}

func (d *decoder) need(n uint) error {
	for d.nbits < n {
		if d.pos == len(d.in) {
			return ErrTruncated
		}
		d.bits |= uint64(d.in[d.pos]) << d.nbits
		d.pos++
		d.nbits += 8
	}
	return nil
}

func (d *decoder) take(n uint) (int, error) {
	if err := d.need(n); err != nil {
		return 0, err
	}
	v := int(d.bits & (1<<n - 1))
	d.bits >>= n
	d.nbits -= n
	return v, nil
}

// run decodes blocks until the input ends between two of them, or after a
// final block.
func (d *decoder) run() error {
	for {
		if d.pos == len(d.in) && d.nbits < 8 {
			return nil // the sync flush's padding, or nothing
		}
		final, err := d.take(1)
		if err != nil {
			return err
		}
		typ, err := d.take(2)
		if err != nil {
			return err
		}
		switch typ {
		case 0:
			err = d.stored()
		case 1:
			err = d.codes(&fixedLit, &fixedDist)
		case 2:
			var lit, dist huffman
			if err = d.dynamic(&lit, &dist); err == nil {
				err = d.codes(&lit, &dist)
			}
		default:
			err = errors.New("inflate: block type 3")
		}
		if err != nil {
			return err
		}
		if final == 1 {
			return nil
		}
	}
}

func (d *decoder) stored() error {
	d.bits >>= d.nbits % 8
	d.nbits -= d.nbits % 8
	n, err := d.take(16)
	if err != nil {
		return err
	}
	nn, err := d.take(16)
	if err != nil {
		return err
	}
	if n != ^nn&0xffff {
		return errors.New("inflate: stored block length does not match its complement")
	}
	// Whole bytes may still sit in the bit buffer.
	for ; n > 0 && d.nbits >= 8; n-- {
		v, _ := d.take(8)
		if err := d.put(byte(v)); err != nil {
			return err
		}
	}
	k := min(n, len(d.in)-d.pos) // what there is of it
	if len(d.out)-d.start+k > d.limit {
		return ErrTooBig
	}
	d.out = append(d.out, d.in[d.pos:d.pos+k]...)
	d.pos += k
	if k < n {
		return ErrTruncated
	}
	return nil
}

func (d *decoder) put(b byte) error {
	if len(d.out)-d.start >= d.limit {
		return ErrTooBig
	}
	d.out = append(d.out, b)
	return nil
}

// huffman is a canonical code for decoding, as RFC 1951 defines it: the
// number of codes of each length and the symbols in code order.
type huffman struct {
	count  [16]int
	symbol [288]int
	// fast decodes the codes of up to fastBits bits at once: indexed by the
	// next fastBits bits of input, symbol<<4 | length, 0 for a longer code.
	fast [1 << fastBits]uint16
}

const fastBits = 9

// build sets h up from code lengths; it refuses an over-subscribed code,
// and an incomplete one unless it is a single code of length 1 (zlib's
// rules).
func (h *huffman) build(lens []int) error {
	h.count = [16]int{}
	h.fast = [1 << fastBits]uint16{}
	for _, l := range lens {
		h.count[l]++
	}
	if h.count[0] == len(lens) {
		return nil // no symbol at all: decoding one fails
	}
	left := 1
	for l := 1; l < 16; l++ {
		left = left<<1 - h.count[l]
		if left < 0 {
			return errors.New("inflate: over-subscribed code")
		}
	}
	if left > 0 && !(len(lens)-h.count[0] == 1 && h.count[1] == 1) {
		return errors.New("inflate: incomplete code")
	}
	var offs [16]int
	for l := 1; l < 15; l++ {
		offs[l+1] = offs[l] + h.count[l]
	}
	for s, l := range lens {
		if l != 0 {
			h.symbol[offs[l]] = s
			offs[l]++
		}
	}
	// The fast table: each short code, bit-reversed as it arrives, and
	// every continuation of it.
	code := 0
	for l := 1; l <= fastBits; l++ {
		for i := 0; i < h.count[l]; i++ {
			s := h.symbol[offs[l]-h.count[l]+i]
			rev := 0
			for b := 0; b < l; b++ {
				rev |= (code >> b & 1) << (l - 1 - b)
			}
			for k := rev; k < 1<<fastBits; k += 1 << l {
				h.fast[k] = uint16(s<<4 | l)
			}
			code++
		}
		code <<= 1
	}
	return nil
}

// decode reads one symbol: a short code through the fast table, a long
// one (or one near the end of the input) a bit at a time.
func (d *decoder) decode(h *huffman) (int, error) {
	if d.need(fastBits) == nil {
		if e := h.fast[d.bits&(1<<fastBits-1)]; e != 0 {
			d.bits >>= e & 15
			d.nbits -= uint(e & 15)
			return int(e >> 4), nil
		}
	}
	code, first, index := 0, 0, 0
	for l := 1; l < 16; l++ {
		b, err := d.take(1)
		if err != nil {
			return 0, err
		}
		code |= b
		count := h.count[l]
		if code-first < count {
			return h.symbol[index+code-first], nil
		}
		index += count
		first = (first + count) << 1
		code <<= 1
	}
	return 0, errors.New("inflate: invalid Huffman code")
}

var (
	lengthBase  = [29]int{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
	lengthExtra = [29]uint{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    = [30]int{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
	distExtra   = [30]uint{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	fixedLit    huffman
	fixedDist   huffman
	clOrder     = [19]int{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

func init() {
	var lens [288]int
	for s := range lens {
		switch {
		case s < 144:
			lens[s] = 8
		case s < 256:
			lens[s] = 9
		case s < 280:
			lens[s] = 7
		default:
			lens[s] = 8
		}
	}
	fixedLit.build(lens[:])
	for s := range 30 {
		lens[s] = 5
	}
	// 32 distance codes of 5 bits: 30 and 31 exist and are invalid.
	for s := 30; s < 32; s++ {
		lens[s] = 5
	}
	fixedDist.build(lens[:32])
}

func (d *decoder) dynamic(lit, dist *huffman) error {
	nlit, err := d.take(5)
	if err != nil {
		return err
	}
	ndist, err := d.take(5)
	if err != nil {
		return err
	}
	ncl, err := d.take(4)
	if err != nil {
		return err
	}
	nlit, ndist, ncl = nlit+257, ndist+1, ncl+4
	if nlit > 286 || ndist > 30 {
		return errors.New("inflate: too many length or distance codes")
	}
	var cl [19]int
	for i := 0; i < ncl; i++ {
		if cl[clOrder[i]], err = d.take(3); err != nil {
			return err
		}
	}
	var clh huffman
	if err := clh.build(cl[:]); err != nil {
		return fmt.Errorf("code length code: %w", err)
	}
	lens := make([]int, nlit+ndist)
	for i := 0; i < len(lens); {
		s, err := d.decode(&clh)
		if err != nil {
			return err
		}
		if s < 16 {
			lens[i] = s
			i++
			continue
		}
		v, n := 0, 0
		switch s {
		case 16:
			if i == 0 {
				return errors.New("inflate: repeat with no first length")
			}
			v = lens[i-1]
			n, err = d.take(2)
			n += 3
		case 17:
			n, err = d.take(3)
			n += 3
		default:
			n, err = d.take(7)
			n += 11
		}
		if err != nil {
			return err
		}
		if i+n > len(lens) {
			return errors.New("inflate: too many code lengths")
		}
		for ; n > 0; n-- {
			lens[i] = v
			i++
		}
	}
	if lens[256] == 0 {
		return errors.New("inflate: no end-of-block code")
	}
	if err := lit.build(lens[:nlit]); err != nil {
		return fmt.Errorf("literal/length code: %w", err)
	}
	if err := dist.build(lens[nlit:]); err != nil {
		return fmt.Errorf("distance code: %w", err)
	}
	return nil
}

func (d *decoder) codes(lit, dist *huffman) error {
	for {
		s, err := d.decode(lit)
		if err != nil {
			return err
		}
		switch {
		case s < 256:
			if err := d.put(byte(s)); err != nil {
				return err
			}
			continue
		case s == 256:
			return nil
		case s > 285:
			return fmt.Errorf("inflate: invalid length code %d", s)
		}
		s -= 257
		x, err := d.take(lengthExtra[s])
		if err != nil {
			return err
		}
		n := lengthBase[s] + x
		ds, err := d.decode(dist)
		if err != nil {
			return err
		}
		if ds > 29 {
			return fmt.Errorf("inflate: invalid distance code %d", ds)
		}
		x, err = d.take(distExtra[ds])
		if err != nil {
			return err
		}
		back := distBase[ds] + x
		if back > d.window {
			return fmt.Errorf("inflate: distance %d is past the window of %d bytes", back, d.window)
		}
		if back > len(d.out) {
			return fmt.Errorf("inflate: distance %d is before the start of the stream", back)
		}
		if len(d.out)-d.start+n > d.limit {
			return ErrTooBig
		}
		for i := 0; i < n; i++ {
			d.out = append(d.out, d.out[len(d.out)-back])
		}
	}
}
