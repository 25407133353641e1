//go:build !js

package native

import "unicode/utf8"

// utf8Stream validates UTF-8 across frames and reads, so that a text
// message is failed at the byte that makes it invalid, not when it ends
// (RFC 6455 section 8.1; Autobahn's cases 6.4.x). Its zero value is at a
// code point boundary.
type utf8Stream struct {
	need   int  // continuation bytes still expected
	lo, hi byte // the range the next continuation byte must be in
}

// feed checks p and returns how many bytes of it are valid so far
// (len(p) if all of them are).
func (s *utf8Stream) feed(p []byte) int {
	i := 0
	for ; i < len(p) && s.need > 0; i++ { // the end of a code point begun earlier
		if !s.step(p[i]) {
			return i
		}
	}
	// The whole code points in between go to utf8.Valid, which is several
	// times faster than a byte at a time; only the last, which may be cut
	// off, and an invalid stretch (to find the exact byte) go byte by byte.
	j := len(p)
	for k := len(p) - 1; k >= i && k >= len(p)-utf8.UTFMax; k-- {
		if !utf8.RuneStart(p[k]) {
			continue
		}
		j = k
		break
	}
	if utf8.Valid(p[i:j]) {
		i = j
	}
	for ; i < len(p); i++ {
		if !s.step(p[i]) {
			return i
		}
	}
	return len(p)
}

// step checks one byte.
func (s *utf8Stream) step(b byte) bool {
	if s.need > 0 {
		if b < s.lo || b > s.hi {
			return false
		}
		s.need--
		s.lo, s.hi = 0x80, 0xbf
		return true
	}
	if b < 0x80 {
		return true
	}
	s.lo, s.hi = 0x80, 0xbf
	switch {
	case b >= 0xc2 && b <= 0xdf:
		s.need = 1
	case b == 0xe0:
		s.need, s.lo = 2, 0xa0 // no overlong forms
	case b == 0xed:
		s.need, s.hi = 2, 0x9f // no UTF-16 surrogates
	case b >= 0xe1 && b <= 0xef:
		s.need = 2
	case b == 0xf0:
		s.need, s.lo = 3, 0x90 // no overlong forms
	case b == 0xf4:
		s.need, s.hi = 3, 0x8f // nothing past U+10FFFF
	case b >= 0xf1 && b <= 0xf3:
		s.need = 3
	default:
		return false
	}
	return true
}

// complete reports whether the bytes fed so far end on a code point
// boundary.
func (s *utf8Stream) complete() bool { return s.need == 0 }
