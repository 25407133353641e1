package chart

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// WritePNG stacks the plots: the image is 22 cm wide and one rowHeight
// per plot tall, at vgimg's default 96 dpi.
func TestWritePNG(t *testing.T) {
	var plots []*plot.Plot
	for range 3 {
		p := plot.New()
		l, err := plotter.NewLine(plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 2}})
		if err != nil {
			t.Fatal(err)
		}
		p.Add(l)
		plots = append(plots, p)
	}
	path := filepath.Join(t.TempDir(), "c.png")
	if err := WritePNG(path, 5*vg.Centimeter, plots); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	px := func(l vg.Length) int { return int(l.Dots(96) + 0.5) }
	if cfg.Width != px(22*vg.Centimeter) || cfg.Height != px(15*vg.Centimeter) {
		t.Errorf("image %dx%d, want %dx%d", cfg.Width, cfg.Height, px(22*vg.Centimeter), px(15*vg.Centimeter))
	}
	if err := WritePNG(filepath.Join(t.TempDir(), "no", "such", "dir.png"), vg.Centimeter, plots); err == nil {
		t.Error("WritePNG into a missing directory: no error")
	}
}

// CPUModel names the CPU wherever /proc/cpuinfo has a model name line,
// and says "unknown CPU" elsewhere.
func TestCPUModel(t *testing.T) {
	b, _ := os.ReadFile("/proc/cpuinfo")
	got := CPUModel()
	if strings.Contains(string(b), "model name") {
		if got == "" || got == "unknown CPU" || strings.Contains(got, ":") {
			t.Errorf("CPUModel() = %q with a model name line in /proc/cpuinfo", got)
		}
	} else if got != "unknown CPU" {
		t.Errorf("CPUModel() = %q without a model name line, want unknown CPU", got)
	}
}
