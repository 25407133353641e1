package main

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// The picture: width, the time axis (left and right edges), the message
// lanes and the chart's area.
const (
	width, height = 1000, 700
	left, right   = 190, 975
	laneYou       = 95
	laneServer    = 185
	laneOther     = 275
	chartTop      = 350
	chartBottom   = 580
)

var (
	paper    = color.RGBA{0xfb, 0xfb, 0xf8, 0xff}
	ink      = color.RGBA{0x22, 0x26, 0x2e, 0xff}
	faint    = color.RGBA{0xd8, 0xdb, 0xe0, 0xff}
	held     = color.RGBA{0xe4, 0xee, 0xfb, 0xff}
	youBlue  = color.RGBA{0x1f, 0x6f, 0xd1, 0xff}
	serverC  = color.RGBA{0x22, 0x26, 0x2e, 0xff}
	otherC   = color.RGBA{0xe0, 0x74, 0x1a, 0xff}
	snapGrey = color.RGBA{0x9a, 0xa0, 0xaa, 0xff}
)

// canvas is an image with the few shapes the picture needs.
type canvas struct {
	img  *image.RGBA
	z    *vector.Rasterizer
	face font.Face
	bold font.Face
}

// fill fills the polygon pts, rasterizing only its bounding box.
func (c *canvas) fill(col color.Color, pts ...[2]float32) {
	x0, y0, x1, y1 := float32(width), float32(height), float32(0), float32(0)
	for _, p := range pts {
		x0, y0, x1, y1 = min(x0, p[0]), min(y0, p[1]), max(x1, p[0]), max(y1, p[1])
	}
	r := image.Rect(int(x0), int(y0), int(x1)+2, int(y1)+2).Intersect(c.img.Bounds())
	if r.Empty() {
		return
	}
	c.z.Reset(r.Dx(), r.Dy())
	o := [2]float32{float32(r.Min.X), float32(r.Min.Y)}
	c.z.MoveTo(pts[0][0]-o[0], pts[0][1]-o[1])
	for _, p := range pts[1:] {
		c.z.LineTo(p[0]-o[0], p[1]-o[1])
	}
	c.z.ClosePath()
	c.z.Draw(c.img, r, image.NewUniform(col), image.Point{})
}

// line strokes from (x0, y0) to (x1, y1), w wide, with square ends (so
// that lines meet without a notch).
func (c *canvas) line(x0, y0, x1, y1, w float32, col color.Color) {
	dx, dy := x1-x0, y1-y0
	l := float32(math.Hypot(float64(dx), float64(dy)))
	if l == 0 {
		return
	}
	ex, ey := dx/l*w/2, dy/l*w/2 // half a width along the line
	x0, y0, x1, y1 = x0-ex, y0-ey, x1+ex, y1+ey
	c.fill(col, [2]float32{x0 - ey, y0 + ex}, [2]float32{x1 - ey, y1 + ex}, [2]float32{x1 + ey, y1 - ex}, [2]float32{x0 + ey, y0 - ex})
}

// arrow is a line with a head at (x1, y1).
func (c *canvas) arrow(x0, y0, x1, y1, w float32, col color.Color) {
	dx, dy := x1-x0, y1-y0
	l := float32(math.Hypot(float64(dx), float64(dy)))
	ux, uy := dx/l, dy/l
	const head = 7
	c.line(x0, y0, x1-ux*head, y1-uy*head, w, col)
	c.fill(col, [2]float32{x1, y1},
		[2]float32{x1 - ux*head*1.6 - uy*head*0.6, y1 - uy*head*1.6 + ux*head*0.6},
		[2]float32{x1 - ux*head*1.6 + uy*head*0.6, y1 - uy*head*1.6 - ux*head*0.6})
}

// dot is a filled circle.
func (c *canvas) dot(x, y, r float32, col color.Color) {
	var pts [16][2]float32
	for i := range pts {
		a := 2 * math.Pi * float64(i) / float64(len(pts))
		pts[i] = [2]float32{x + r*float32(math.Cos(a)), y + r*float32(math.Sin(a))}
	}
	c.fill(col, pts[:]...)
}

func (c *canvas) rect(x0, y0, x1, y1 float32, col color.Color) {
	c.fill(col, [2]float32{x0, y0}, [2]float32{x1, y0}, [2]float32{x1, y1}, [2]float32{x0, y1})
}

// text writes s with its baseline's left end at (x, y); align 0 is left,
// 0.5 centred, 1 right.
func (c *canvas) text(s string, x, y, align float32, col color.Color, face font.Face) {
	d := &font.Drawer{Dst: c.img, Src: image.NewUniform(col), Face: face}
	w := float32(d.MeasureString(s)) / 64
	d.Dot = fixed.P(int(x-w*align), int(y))
	d.DrawString(s)
}

// steps strokes ps as what they are: a position that holds from one
// sample (a frame, a tick) to the next.
func (c *canvas) steps(ps []point, y func(float32) float32, w float32, col color.Color) {
	for i := 1; i < len(ps); i++ {
		a, b := ps[i-1], ps[i]
		c.line(tx(a.t), y(a.x), tx(b.t), y(a.x), w, col)
		if b.x != a.x {
			c.line(tx(b.t), y(a.x), tx(b.t), y(b.x), w, col)
		}
	}
}

// tx is where time t is on the picture.
func tx(t time.Duration) float32 {
	return left + float32(t)/float32(end)*(right-left)
}

func newFace(size float64) font.Face {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		panic(err) // the font is compiled in
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		panic(err)
	}
	return face
}

// render draws r as a PNG into w.
func render(w io.Writer, r run) error {
	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, width, height)), z: vector.NewRasterizer(width, height), face: newFace(13), bold: newFace(16)}
	draw.Draw(c.img, c.img.Bounds(), image.NewUniform(paper), image.Point{}, draw.Src)

	c.text("The arena's netcode: one player holds → for half a second, 100 ms from the server; another, 30 ms away, watches", 16, 26, 0, ink, c.bold)

	// The time the key is held, across both halves.
	c.rect(tx(keyDown), 40, tx(keyUp), chartBottom, held)
	c.text("key held", (tx(keyDown)+tx(keyUp))/2, 52, 0.5, youBlue, c.face)

	// The lanes and their messages.
	for _, l := range []struct {
		y    float32
		name string
		sub  []string
	}{
		{laneYou, "your game", []string{"predicts your disc; sends", "numbered inputs (blue)"}},
		{laneServer, "server", []string{"applies a tick's time of", "inputs each tick; snapshots", "(orange) say \"ack n\""}},
		{laneOther, "another game", []string{"interpolates yours between", "snapshots (grey)"}},
	} {
		c.line(left, l.y, right, l.y, 1.5, faint)
		c.text(l.name, 16, l.y-2, 0, ink, c.bold)
		for i, sub := range l.sub {
			c.text(sub, 16, l.y+15+float32(i)*15, 0, snapGrey, c.face)
		}
	}
	for _, m := range r.others {
		if m.to <= end {
			c.arrow(tx(m.from), laneServer, tx(m.to), laneOther, 1, snapGrey)
		}
	}
	for _, m := range r.snapshots {
		if m.to <= end {
			c.arrow(tx(m.from), laneServer, tx(m.to), laneYou, 1.2, otherC)
			c.text(m.label, tx(m.to), laneYou-9, 0.5, otherC, c.face)
		}
	}
	c.text("ack", left-6, laneYou-9, 1, otherC, c.face)
	for _, m := range r.inputs {
		c.arrow(tx(m.from), laneYou, tx(m.to), laneServer, 1.8, youBlue)
		c.text(m.label, tx(m.from)-3, laneYou+16, 0.5, youBlue, c.face)
	}

	// The chart: where each of them has your disc.
	top := r.start
	for _, p := range r.shown {
		top = max(top, p.x)
	}
	y := func(x float32) float32 {
		return chartBottom - 10 - (x-r.start)/(top-r.start)*(chartBottom-chartTop-30)
	}
	c.line(left, chartBottom, right, chartBottom, 1.5, ink)
	c.line(left, chartTop, left, chartBottom, 1.5, ink)
	for t := time.Duration(0); t <= end; t += 200 * time.Millisecond {
		c.line(tx(t), chartBottom, tx(t), chartBottom+5, 1.5, ink)
		c.text(fmt.Sprintf("%.1f s", t.Seconds()), tx(t), chartBottom+20, 0.5, ink, c.face)
	}
	c.text("your disc's x", 16, chartTop+12, 0, ink, c.bold)
	c.text("(the key moves it 80 px)", 16, chartTop+30, 0, snapGrey, c.face)
	c.steps(r.seen, y, 2.5, otherC)
	c.steps(r.server, y, 2, serverC)
	for _, p := range r.server {
		c.dot(tx(p.t), y(p.x), 3, serverC)
	}
	c.steps(r.shown, y, 3, youBlue)

	// The legend, under the chart.
	for i, l := range []struct {
		col  color.Color
		text string
	}{
		{youBlue, "in your game: it moves on the frame you press the key (0 frames of input delay), and stops on the frame you let go"},
		{serverC, "at the server (a dot a tick): a one-way trip later, applied at the pace of its ticks"},
		{otherC, "in the other game: later again by its interpolation delay (a tick, plus the jitter it measures)"},
	} {
		yy := float32(chartBottom + 50 + i*22)
		c.line(left, yy-4, left+26, yy-4, 3, l.col)
		c.text(l.text, left+34, yy, 0, ink, c.face)
	}
	var buf png.Encoder
	buf.CompressionLevel = png.BestCompression
	return buf.Encode(w, c.img)
}
