//go:build !js

package native

import "encoding/binary"

// utf8Stream validates UTF-8 a byte at a time, across frames and reads, so
// that a text message is failed at the byte that makes it invalid, not
// when it ends (RFC 6455 section 8.1; Autobahn's cases 6.4.x). Its zero
// value is at a code point boundary.
type utf8Stream struct {
	need   int  // continuation bytes still expected
	lo, hi byte // the range the next continuation byte must be in
}

// feed checks p and returns how many bytes of it are valid so far
// (len(p) if all of them are).
func (s *utf8Stream) feed(p []byte) int {
	for i := 0; i < len(p); i++ {
		if s.need == 0 {
			// ASCII, eight bytes at a time.
			for i+8 <= len(p) && binary.LittleEndian.Uint64(p[i:])&0x8080808080808080 == 0 {
				i += 8
			}
			if i == len(p) {
				break
			}
		}
		b := p[i]
		if s.need == 0 {
			if b < 0x80 {
				continue
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
				return i
			}
			continue
		}
		if b < s.lo || b > s.hi {
			return i
		}
		s.need--
		s.lo, s.hi = 0x80, 0xbf
	}
	return len(p)
}

// complete reports whether the bytes fed so far end on a code point
// boundary.
func (s *utf8Stream) complete() bool { return s.need == 0 }
