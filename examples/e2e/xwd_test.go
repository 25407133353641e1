//go:build !js

package e2e

import (
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"math/bits"
)

// decodeXWD decodes what `xwd -root` writes for a TrueColor screen of 24
// or 32 bits per pixel (an X window dump: a big-endian header, the window's
// name, a colour map, then the pixels), so the test needs no ImageMagick.
func decodeXWD(b []byte) (*image.RGBA, error) {
	if len(b) < 100 {
		return nil, fmt.Errorf("xwd: %d bytes, shorter than a header", len(b))
	}
	h := make([]uint32, 25)
	for i := range h {
		h[i] = binary.BigEndian.Uint32(b[i*4:])
	}
	headerSize, version, format := h[0], h[1], h[2]
	w, ht, byteOrder := int(h[4]), int(h[5]), h[7]
	bpp, bpl := int(h[11]), int(h[12])
	masks := [3]uint32{h[14], h[15], h[16]}
	ncolors := int(h[19])
	if version != 7 || format != 2 || (bpp != 32 && bpp != 24) {
		return nil, fmt.Errorf("xwd: version %d, format %d, %d bits per pixel: only version 7 ZPixmap of 24/32 bits is handled", version, format, bpp)
	}
	off := int(headerSize) + ncolors*12
	if w <= 0 || ht <= 0 || off+ht*bpl > len(b) {
		return nil, fmt.Errorf("xwd: %dx%d image of %d bytes a line does not fit in %d bytes", w, ht, bpl, len(b))
	}
	img := image.NewRGBA(image.Rect(0, 0, w, ht))
	step := bpp / 8
	for y := range ht {
		line := b[off+y*bpl:]
		for x := range w {
			p := line[x*step : x*step+step]
			var v uint32
			for i := range step {
				if byteOrder == 0 { // LSBFirst
					v |= uint32(p[i]) << (8 * i)
				} else {
					v = v<<8 | uint32(p[i])
				}
			}
			var c [3]uint8
			for i, m := range masks {
				c[i] = uint8((v & m) >> bits.TrailingZeros32(m))
			}
			img.SetRGBA(x, y, color.RGBA{c[0], c[1], c[2], 0xff})
		}
	}
	return img, nil
}
