//go:build !js

package native

import (
	"encoding/binary"
	"math/bits"
	"sync"
	"sync/atomic"
)

// The compressor of our messages under permessage-deflate (RFC 7692),
// our own rather than compress/flate's: the server may bound how far back
// a match reaches (client_max_window_bits, down to 256 bytes), which
// compress/flate cannot do, and context takeover here costs a connection
// only the last window of what it sent, not a compressor of its own
// (a flate.Writer is over 1 MiB). It is a fast LZ77 (one hash probe per
// position, greedy matches, literals skipped faster the longer nothing
// matches) with Huffman blocks, dynamic, fixed or stored, whichever is
// smallest. BENCHMARKS.md compares it with compress/flate.
//
// Each connection has a deflater: the negotiated window, whether it
// keeps context, and the history. The encoders, which hold the hash
// table and the buffers, are pooled; an encoder that comes back to the
// connection that used it last still indexes its history, so a busy
// connection does not index it again for every message.

const (
	minMatch = 4
	maxMatch = 258
	// maxWindow is the largest window RFC 1951 allows (window bits 15).
	maxWindow = 1 << 15
	hashBits  = 14
	// chunkMax is how much of a message an encoder takes at a time: one
	// block each, so that a big message needs no buffer its size.
	chunkMax = 64 << 10
	// skipLog: after 1<<skipLog positions without a match, the search
	// steps 2 bytes at a time, then 3, ..., through incompressible data.
	skipLog = 5
)

// deflater compresses the messages of one connection. Its methods are
// called by one goroutine at a time (the send queue's writer).
type deflater struct {
	window   int  // how far back a match may reach: 1<<client_max_window_bits
	takeover bool // matches may reach into earlier messages
	id       uint64
	seq      uint64 // messages compressed, for the encoder's warm check
	// hist holds, with takeover, the last window bytes sent: a ring,
	// oldest byte at next once it is full.
	hist []byte
	next int
}

var deflaterIDs atomic.Uint64

func newDeflater(windowBits int, takeover bool) *deflater {
	return &deflater{window: 1 << windowBits, takeover: takeover, id: deflaterIDs.Add(1)}
}

// compress appends p, compressed, to dst: DEFLATE blocks ended by a sync
// flush whose final 00 00 ff ff are left off (RFC 7692 section 7.2.1).
func (d *deflater) compress(dst, p []byte) []byte {
	e := encoders.Get().(*encoder)
	e.out = dst
	if !d.takeover || e.owner != d.id || e.ownerSeq != d.seq {
		e.start(d)
	} // else the encoder is warm: its buffer ends with our history and the table holds it
	for rest := p; len(rest) > 0; {
		n := min(len(rest), chunkMax)
		e.chunk(rest[:n], d.window)
		rest = rest[n:]
	}
	// The sync flush: an empty stored block, of which only the 3 header
	// bits and the padding to a byte remain.
	e.bits(0, 3)
	e.flushBits()
	d.seq++
	if d.takeover {
		d.remember(p)
		e.owner, e.ownerSeq = d.id, d.seq
	} else {
		e.owner = 0
	}
	out := e.out
	e.out = nil
	encoders.Put(e)
	return out
}

// remember adds p, just sent, to the history.
func (d *deflater) remember(p []byte) {
	if len(p) >= d.window {
		d.hist = append(d.hist[:0], p[len(p)-d.window:]...)
		d.next = 0
		return
	}
	if d.hist == nil {
		d.hist = make([]byte, 0, d.window)
	}
	if room := d.window - len(d.hist); room > 0 {
		n := min(room, len(p))
		d.hist = append(d.hist, p[:n]...)
		p = p[n:]
	}
	for len(p) > 0 {
		n := copy(d.hist[d.next:], p)
		p = p[n:]
		d.next = (d.next + n) % d.window
	}
}

// appendHistory appends the history to b, oldest first.
func (d *deflater) appendHistory(b []byte) []byte {
	return append(append(b, d.hist[d.next:]...), d.hist[:d.next]...)
}

var encoders = sync.Pool{New: func() any { return new(encoder) }}

// encoder is the working memory of a compression.
type encoder struct {
	// table maps the hash of 4 bytes to where they were last seen: a
	// position in buf plus base. Entries below base are stale (another
	// message's, another connection's), so nothing needs clearing.
	table [1 << hashBits]int32
	base  int32
	// buf holds the window before the chunk being compressed, then the
	// chunk.
	buf []byte
	// owner and ownerSeq: the deflater this encoder compressed for last,
	// with takeover, and its message count then.
	owner    uint64
	ownerSeq uint64

	toks []match
	lit  [maxSymbols]uint32 // literal/length frequencies of the block
	dist [30]uint32         // distance code frequencies of the block

	litLen  [maxSymbols]uint8
	litCode [maxSymbols]uint16
	distLen [30]uint8
	distCod [30]uint16
	clFreq  [19]uint32
	clLen   [19]uint8
	clCode  [19]uint16
	lens    []uint8 // the literal/length and distance code lengths in a row
	rle     []uint8 // their run-length encoding
	huff    huffScratch

	acc  uint64 // bits not yet in out
	nacc uint
	out  []byte
}

// match is a match and the literals before it in the block; a trailing
// run of literals has length 0.
type match struct {
	lits   int32  // literals before the match
	length uint16 // match length, or 0
	dist   uint16 // distance - 1
}

// start prepares the encoder for a message of d's that it does not hold
// the history of: every table entry becomes stale, and d's history, which
// the message may refer to, is indexed.
func (e *encoder) start(d *deflater) {
	e.rebase()
	e.base += int32(len(e.buf)) + 1
	e.buf = e.buf[:0]
	if d.takeover {
		e.buf = d.appendHistory(e.buf)
	}
	for i := 0; i+minMatch <= len(e.buf); i++ {
		e.table[hash4(load32(e.buf, i))] = e.base + int32(i)
	}
}

// rebase clears the table before positions plus base could overflow (after
// 1 GiB through one encoder): no entry is then left to refer to anything.
func (e *encoder) rebase() {
	if e.base > 1<<30 {
		e.table = [1 << hashBits]int32{}
		e.base = 1
	}
}

func load32(b []byte, i int) uint32 { return binary.LittleEndian.Uint32(b[i:]) }

func hash4(u uint32) uint32 { return u * 0x1e35a7bd >> (32 - hashBits) }

// chunk compresses p, the next part of the message, as one block; matches
// reach at most window back.
func (e *encoder) chunk(p []byte, window int) {
	window = min(window, maxWindow)
	e.rebase()
	if keep := window; len(e.buf) > keep && len(e.buf)+len(p) > cap(e.buf) {
		// Slide: only the last window bytes can still be referred to.
		k := len(e.buf) - keep
		copy(e.buf, e.buf[k:])
		e.buf = e.buf[:keep]
		e.base += int32(k)
	}
	start := len(e.buf)
	e.buf = append(e.buf, p...)
	buf, base := e.buf, e.base
	e.toks = e.toks[:0]
	clear(e.lit[:])
	clear(e.dist[:])
	lit := start // the first literal not yet in a token
	last := len(buf) - minMatch
	for i := start; i <= last; {
		cur := load32(buf, i)
		h := hash4(cur)
		cand := int(e.table[h] - base)
		e.table[h] = base + int32(i)
		if cand < 0 || cand >= i || i-cand > window || load32(buf, cand) != cur {
			i += 1 + (i-lit)>>skipLog
			continue
		}
		// Extend the match backwards over the literals before it, but
		// not so far that the longest match would end before i: every
		// position is then searched at most once.
		for stop := i - (maxMatch - minMatch); cand > 0 && i > lit && i > stop && buf[cand-1] == buf[i-1]; {
			cand--
			i--
		}
		l := minMatch + matchLen(buf[cand+minMatch:], buf[i+minMatch:min(len(buf), i+maxMatch)])
		for _, b := range buf[lit:i] {
			e.lit[b]++
		}
		e.toks = append(e.toks, match{lits: int32(i - lit), length: uint16(l), dist: uint16(i - cand - 1)})
		e.lit[257+int(lengthCode[l-3])]++
		e.dist[distCode(i-cand-1)]++
		i += l
		lit = i
		if i-2 <= last {
			// The match's end often starts the next one.
			e.table[hash4(load32(buf, i-2))] = base + int32(i-2)
		}
	}
	if lit < len(buf) {
		for _, b := range buf[lit:] {
			e.lit[b]++
		}
		e.toks = append(e.toks, match{lits: int32(len(buf) - lit)})
	}
	e.block(buf[start:])
}

// matchLen returns how many bytes a and b share from the start; a is at
// least as long as b.
func matchLen(a, b []byte) int {
	n := 0
	for len(b) >= 8 {
		if x := binary.LittleEndian.Uint64(a) ^ binary.LittleEndian.Uint64(b); x != 0 {
			return n + bits.TrailingZeros64(x)>>3
		}
		a, b, n = a[8:], b[8:], n+8
	}
	for i := range b {
		if a[i] != b[i] {
			return n + i
		}
	}
	return n + len(b)
}

// The tables of RFC 1951 section 3.2.5.
var (
	lengthCode  [256]uint8 // length-3 -> length code - 257
	lengthBase  [29]uint8  // first length-3 of each code
	lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
	distBase    [30]uint16 // first distance-1 of each code
	distExtra   = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}
	// distCodes: distance-1 -> code for distance-1 < 256, then
	// (distance-1)>>7 -> code from index 256 on.
	distCodes [512]uint8
	// The fixed Huffman code: 288 literal/length symbols (286 and 287
	// take part in the canonical numbering), 30 distances of 5 bits.
	fixedLitLen  [288]uint8
	fixedLitCode [288]uint16
	fixedDistLen [30]uint8
	fixedDistCod [30]uint16
	// clOrder: the order in which the code length code's lengths are sent.
	clOrder = [19]uint8{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
)

func init() {
	l := 0
	for c := range 28 {
		lengthBase[c] = uint8(l)
		for range 1 << lengthExtra[c] {
			lengthCode[l] = uint8(c)
			l++
		}
	}
	lengthBase[28], lengthCode[255] = 255, 28 // length 258 has a code of its own
	d := 0
	for c := range 16 {
		distBase[c] = uint16(d)
		for range 1 << distExtra[c] {
			distCodes[d] = uint8(c)
			d++
		}
	}
	for c := 16; c < 30; c++ {
		distBase[c] = uint16(d)
		for range 1 << (distExtra[c] - 7) {
			distCodes[256+d>>7] = uint8(c)
			d += 1 << 7
		}
	}
	for s := range fixedLitLen {
		switch {
		case s < 144:
			fixedLitLen[s] = 8
		case s < 256:
			fixedLitLen[s] = 9
		case s < 280:
			fixedLitLen[s] = 7
		default:
			fixedLitLen[s] = 8
		}
	}
	canonicalCodes(fixedLitLen[:], fixedLitCode[:])
	for s := range fixedDistLen {
		fixedDistLen[s] = 5
	}
	canonicalCodes(fixedDistLen[:], fixedDistCod[:])
}

func distCode(d int) int {
	if d < 256 {
		return int(distCodes[d])
	}
	return int(distCodes[256+d>>7])
}

// bits appends the n low bits of v to the output.
func (e *encoder) bits(v uint64, n uint) {
	e.acc |= v << e.nacc
	e.nacc += n
	if e.nacc >= 48 {
		k := len(e.out)
		e.out = binary.LittleEndian.AppendUint64(e.out, e.acc)[:k+6]
		e.acc >>= 48
		e.nacc -= 48
	}
}

// flushBits writes the bits still held, padded with zeros to a byte.
func (e *encoder) flushBits() {
	for ; e.nacc > 0; e.nacc -= min(e.nacc, 8) {
		e.out = append(e.out, byte(e.acc))
		e.acc >>= 8
	}
	e.acc = 0
}

// block writes raw, of which e.toks are the matches, as the smallest of a
// dynamic Huffman, a fixed Huffman or a stored block, never final.
func (e *encoder) block(raw []byte) {
	e.lit[256]++ // end of block
	codeLengths(e.lit[:], e.litLen[:], 15, &e.huff)
	codeLengths(e.dist[:], e.distLen[:], 15, &e.huff)
	nlit, ndist := maxSymbols, 30
	for nlit > 257 && e.litLen[nlit-1] == 0 {
		nlit--
	}
	for ndist > 1 && e.distLen[ndist-1] == 0 {
		ndist--
	}
	e.lens = append(append(e.lens[:0], e.litLen[:nlit]...), e.distLen[:ndist]...)
	e.runLengths()
	codeLengths(e.clFreq[:], e.clLen[:], 7, &e.huff)
	ncl := 19
	for ncl > 4 && e.clLen[clOrder[ncl-1]] == 0 {
		ncl--
	}
	// The size of each kind, in bits (the 3-bit block header aside).
	extra := 0
	for c := range 29 {
		extra += int(e.lit[257+c]) * int(lengthExtra[c])
	}
	for c := range 30 {
		extra += int(e.dist[c]) * int(distExtra[c])
	}
	dynamic, fixed := 5+5+4+3*ncl+extra, extra
	for i := 0; i < len(e.rle); i++ {
		s := e.rle[i]
		dynamic += int(e.clLen[s])
		if s >= 16 {
			dynamic += int([3]uint8{2, 3, 7}[s-16])
			i++
		}
	}
	for s, f := range e.lit {
		dynamic += int(f) * int(e.litLen[s])
		fixed += int(f) * int(fixedLitLen[s])
	}
	for s, f := range e.dist {
		dynamic += int(f) * int(e.distLen[s])
		fixed += int(f) * 5
	}
	stored := 7 + 32*(1+len(raw)/0xffff) + 8*len(raw) // worst padding, LEN and NLEN per 64 KiB
	switch {
	case stored < dynamic && stored < fixed:
		for len(raw) > 0 || stored > 0 {
			n := min(len(raw), 0xffff)
			e.bits(0, 3)
			e.flushBits()
			e.out = binary.LittleEndian.AppendUint16(e.out, uint16(n))
			e.out = binary.LittleEndian.AppendUint16(e.out, ^uint16(n))
			e.out = append(e.out, raw[:n]...)
			raw, stored = raw[n:], 0
		}
	case fixed <= dynamic:
		e.bits(1<<1, 3)
		e.symbols(raw, fixedLitLen[:], fixedLitCode[:], fixedDistLen[:], fixedDistCod[:])
	default:
		canonicalCodes(e.litLen[:], e.litCode[:])
		canonicalCodes(e.distLen[:], e.distCod[:])
		canonicalCodes(e.clLen[:], e.clCode[:])
		e.bits(2<<1, 3)
		e.bits(uint64(nlit-257), 5)
		e.bits(uint64(ndist-1), 5)
		e.bits(uint64(ncl-4), 4)
		for _, s := range clOrder[:ncl] {
			e.bits(uint64(e.clLen[s]), 3)
		}
		for i := 0; i < len(e.rle); i++ {
			s := e.rle[i]
			e.bits(uint64(e.clCode[s]), uint(e.clLen[s]))
			if s >= 16 {
				i++
				e.bits(uint64(e.rle[i]), uint([3]uint8{2, 3, 7}[s-16]))
			}
		}
		e.symbols(raw, e.litLen[:], e.litCode[:], e.distLen[:], e.distCod[:])
	}
}

// symbols writes the block's literals and matches with the given codes,
// then the end of block.
func (e *encoder) symbols(raw []byte, ll []uint8, lc []uint16, dl []uint8, dc []uint16) {
	for _, m := range e.toks {
		for _, b := range raw[:m.lits] {
			e.bits(uint64(lc[b]), uint(ll[b]))
		}
		raw = raw[m.lits:]
		if m.length == 0 {
			continue
		}
		raw = raw[m.length:]
		l := int(m.length) - 3
		c := int(lengthCode[l])
		e.bits(uint64(lc[257+c]), uint(ll[257+c]))
		if x := lengthExtra[c]; x > 0 {
			e.bits(uint64(l-int(lengthBase[c])), uint(x))
		}
		d := int(m.dist)
		c = distCode(d)
		e.bits(uint64(dc[c]), uint(dl[c]))
		if x := distExtra[c]; x > 0 {
			e.bits(uint64(d-int(distBase[c])), uint(x))
		}
	}
	e.bits(uint64(lc[256]), uint(ll[256]))
}

// runLengths encodes e.lens with the code length code (RFC 1951 section
// 3.2.7) into e.rle, each 16, 17 or 18 followed by its repeat count's
// extra bits, and counts the symbols in e.clFreq.
func (e *encoder) runLengths() {
	e.rle = e.rle[:0]
	clear(e.clFreq[:])
	put := func(s, extra uint8, withExtra bool) {
		e.rle = append(e.rle, s)
		if withExtra {
			e.rle = append(e.rle, extra)
		}
		e.clFreq[s]++
	}
	a := e.lens
	for i := 0; i < len(a); {
		v, n := a[i], 1
		for i+n < len(a) && a[i+n] == v {
			n++
		}
		i += n
		if v == 0 {
			for ; n >= 11; n -= min(n, 138) {
				put(18, uint8(min(n, 138)-11), true)
			}
			if n >= 3 {
				put(17, uint8(n-3), true)
				n = 0
			}
		} else {
			put(v, 0, false)
			for n--; n >= 3; n -= min(n, 6) {
				put(16, uint8(min(n, 6)-3), true)
			}
		}
		for ; n > 0; n-- {
			put(v, 0, false)
		}
	}
}
