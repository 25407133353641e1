//go:build !js

package native

import (
	"math/bits"
	"slices"
)

// Huffman codes for the deflater (deflate.go): length-limited code
// lengths from symbol frequencies, and the canonical codes they define
// (RFC 1951 section 3.2.2).

// maxSymbols is the largest alphabet: 286 literal/length codes.
const maxSymbols = 286

// huffScratch is the working memory of codeLengths, kept in the pooled
// encoder so that building a code allocates nothing.
type huffScratch struct {
	items [maxSymbols]uint64 // frequency<<16 | symbol, sorted
	depth [maxSymbols]int
}

// codeLengths sets lens[s] to the length of symbol s's code, at most
// maxBits, 0 for a symbol that never occurs. The code is always complete
// (its Kraft sum is exactly 1): inflaters refuse an incomplete one, so a
// lone symbol gets a partner of length 1, as zlib does.
func codeLengths(freq []uint32, lens []uint8, maxBits int, sc *huffScratch) {
	clear(lens[:len(freq)])
	items := sc.items[:0]
	for s, f := range freq {
		if f != 0 {
			items = append(items, uint64(f)<<16|uint64(s))
		}
	}
	for s := 0; len(items) < 2; s++ {
		if freq[s] == 0 {
			items = append(items, 1<<16|uint64(s)) // the partner, never used
		}
	}
	slices.Sort(items)
	n := len(items)
	a := sc.depth[:n]
	for i, it := range items {
		a[i] = int(it >> 16)
	}
	// Moffat and Katajainen's in-place calculation of minimum-redundancy
	// code lengths, for weights in ascending order: first the internal
	// nodes' weights and parents, then their depths, then the leaves'.
	leaf, node := 0, 0
	for t := 0; t < n-1; t++ {
		for k := 0; k < 2; k++ {
			if leaf >= n || (node < t && a[node] < a[leaf]) {
				if k == 0 {
					a[t] = a[node]
				} else {
					a[t] += a[node]
				}
				a[node] = t
				node++
			} else {
				if k == 0 {
					a[t] = a[leaf]
				} else {
					a[t] += a[leaf]
				}
				leaf++
			}
		}
	}
	a[n-2] = 0
	for t := n - 3; t >= 0; t-- {
		a[t] = a[a[t]] + 1
	}
	avail, used, depth := 1, 0, 0
	t, x := n-2, n-1
	for avail > 0 {
		for t >= 0 && a[t] == depth {
			used++
			t--
		}
		for avail > used {
			a[x] = depth
			x--
			avail--
		}
		avail, used, depth = 2*used, 0, depth+1
	}
	// a[i] is now the length of items[i], the longest first. Past maxBits:
	// cap, lengthen the rarest codes still under it until the Kraft sum
	// fits, then shorten codes, the most frequent first, until it is
	// exact.
	if a[0] > maxBits {
		full := 1 << maxBits
		kraft := 0
		for i := range a {
			a[i] = min(a[i], maxBits)
			kraft += 1 << (maxBits - a[i])
		}
		for kraft > full {
			i := 0
			for a[i] >= maxBits {
				i++
			}
			a[i]++
			kraft -= 1 << (maxBits - a[i])
		}
		for i := n - 1; i >= 0 && kraft < full; i-- {
			for a[i] > 1 && kraft+1<<(maxBits-a[i]) <= full {
				kraft += 1 << (maxBits - a[i])
				a[i]--
			}
		}
	}
	for i, it := range items {
		lens[it&0xffff] = uint8(a[i])
	}
}

// canonicalCodes assigns the canonical code of every symbol with a length,
// bit-reversed: deflate sends Huffman codes from their first bit, and the
// bit writer fills bytes from the low bit.
func canonicalCodes(lens []uint8, codes []uint16) {
	var count [16]uint16
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	var next [16]uint16
	code := uint16(0)
	for b := 1; b < 16; b++ {
		code = (code + count[b-1]) << 1
		next[b] = code
	}
	for s, l := range lens {
		if l != 0 {
			codes[s] = bits.Reverse16(next[l]) >> (16 - l)
			next[l]++
		}
	}
}
