// Package chart holds what make bench and make soak both need for their
// reports: plots stacked into one PNG, and the machine's CPU model. A
// module of its own so that the library's go.mod never names the
// plotting library.
package chart

import (
	"os"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// WritePNG draws plots one under another, each rowHeight tall and 22 cm
// wide with their axes aligned, and writes the image to path.
func WritePNG(path string, rowHeight vg.Length, plots []*plot.Plot) error {
	const width = 22 * vg.Centimeter
	img := vgimg.New(width, rowHeight*vg.Length(len(plots)))
	pad := vg.Points(6)
	tiles := draw.Tiles{Rows: len(plots), Cols: 1, PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: pad, PadY: vg.Points(12)}
	cols := make([][]*plot.Plot, len(plots))
	for i, p := range plots {
		cols[i] = []*plot.Plot{p}
	}
	canvases := plot.Align(cols, tiles, draw.New(img))
	for i, p := range plots {
		p.Draw(canvases[i][0])
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// CPUModel returns the CPU's model name from /proc/cpuinfo, or
// "unknown CPU".
func CPUModel() string {
	b, _ := os.ReadFile("/proc/cpuinfo")
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "model name"); ok {
			if _, name, ok := strings.Cut(v, ":"); ok {
				return strings.TrimSpace(name)
			}
		}
	}
	return "unknown CPU"
}
