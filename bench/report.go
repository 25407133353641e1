package main

import (
	"fmt"
	"image/color"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hybridws/websocket/bench/internal/work"
	"github.com/hybridws/websocket/tools/chart"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

type stat struct {
	med, min, max float64
	ok, failed    int
	errs          []string
	cpu           float64        // median client CPU time per message, µs; 0 if not measured
	idle          *work.IdleCost // medians of the idle breakdown, if measured
}

func stats(rs []work.Result) map[[2]string]*stat {
	vals := map[[2]string][]float64{}
	cpus := map[[2]string][]float64{}
	idles := map[[2]string][]*work.IdleCost{}
	out := map[[2]string]*stat{}
	for _, r := range rs {
		k := [2]string{r.Lib, r.Work}
		s := out[k]
		if s == nil {
			s = &stat{}
			out[k] = s
		}
		if r.Err != "" {
			s.failed++
			s.errs = append(s.errs, r.Err)
			continue
		}
		s.ok++
		vals[k] = append(vals[k], r.Value)
		if r.CPU > 0 && r.N > 0 {
			cpus[k] = append(cpus[k], r.CPU/float64(r.N)*1e6)
		}
		if r.Idle != nil {
			idles[k] = append(idles[k], r.Idle)
		}
	}
	for k, v := range vals {
		s := out[k]
		s.med = median(v)
		s.min, s.max = slices.Min(v), slices.Max(v)
		if c := cpus[k]; len(c) > 0 {
			s.cpu = median(c)
		}
		if is := idles[k]; len(is) > 0 {
			s.idle = &work.IdleCost{}
			for _, f := range []struct {
				dst *float64
				get func(*work.IdleCost) float64
			}{
				{&s.idle.KiB, func(i *work.IdleCost) float64 { return i.KiB }},
				{&s.idle.Heap, func(i *work.IdleCost) float64 { return i.Heap }},
				{&s.idle.Stack, func(i *work.IdleCost) float64 { return i.Stack }},
				{&s.idle.Goroutines, func(i *work.IdleCost) float64 { return i.Goroutines }},
			} {
				var xs []float64
				for _, i := range is {
					xs = append(xs, f.get(i))
				}
				*f.dst = median(xs)
			}
		}
	}
	return out
}

// median returns the median of v, which it sorts.
func median(v []float64) float64 {
	sort.Float64s(v)
	if n := len(v); n%2 == 1 {
		return v[n/2]
	}
	n := len(v)
	return (v[n/2-1] + v[n/2]) / 2
}

// ratio is how a client compares with the reference: >1 is better, for
// memory too (reference memory / client memory).
func ratio(st map[[2]string]*stat, lib, ref, wk string) (float64, bool) {
	a, b := st[[2]string{lib, wk}], st[[2]string{ref, wk}]
	if a == nil || b == nil || a.failed > 0 || b.failed > 0 || a.ok == 0 || b.ok == 0 || a.med == 0 || b.med == 0 {
		return 0, false
	}
	if work.HigherIsBetter(wk) {
		return a.med / b.med, true
	}
	return b.med / a.med, true
}

type target struct {
	what string
	met  bool
	got  string
}

// savedRun is everything the report is made from; run writes it as JSON
// (-results) so that the report can be drawn again without measuring
// (-from).
type savedRun struct {
	Cmd      string
	Start    time.Time
	Since    time.Time
	End      time.Time
	LoadFrom string
	LoadTo   string
	Runs     int
	Dur      time.Duration
	Conns    int
	Trips    int
	Libs     []string
	Works    []string
	BWorks   []string
	Native   []work.Result
	Browser  []work.Result
	Sizes    *sizeRun // nil when not measured: the report keeps the section it had
	// CompressionOnly: a run of -compression, for the Compression section.
	CompressionOnly bool `json:",omitempty"`
}

func writeReport(o runOpts, sr savedRun) error {
	if sr.CompressionOnly {
		return writeCompressionOnly(o, sr)
	}
	var b strings.Builder
	nat, br := sr.Native, sr.Browser
	o.runs, o.dur, o.conns, o.trips = sr.Runs, sr.Dur, sr.Conns, sr.Trips
	o.libs, o.works, o.bworks = sr.Libs, sr.Works, sr.BWorks
	wall := sr.End.Sub(sr.Start)
	nst := stats(nat)
	bst := stats(br)
	fmt.Fprintf(&b, "# Benchmarks\n\n")
	fmt.Fprintf(&b, "Written by `make bench` (`%s`) on %s. Do not edit: run `make bench` again.\n\n",
		sr.Cmd, sr.Start.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "![chart](%s)\n\n", o.chart)
	fmt.Fprintf(&b, "## Machine and run\n\n")
	fmt.Fprintf(&b, "- CPU: %s, %d cores (`GOMAXPROCS` %d); memory %s; %s\n", chart.CPUModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), memTotal(), kernel())
	fmt.Fprintf(&b, "- Go: %s; Chromium: %s\n", runtime.Version(), chromiumVersion())
	fmt.Fprintf(&b, "- Runs: %d per client and workload, clients alternating run by run; rtt, pipe and big send for %v per run; idle and many use %d connections, many does %d round trips on each\n",
		o.runs, o.dur, o.conns, o.trips)
	fmt.Fprintf(&b, "- Wall time: %s from the start of the command, builds included (%s measuring)\n", sr.End.Sub(sr.Since).Round(time.Second), wall.Round(time.Second))
	fmt.Fprintf(&b, "- Load average (1, 5, 15 min) at the start: %s; at the end: %s. %s\n\n", sr.LoadFrom, sr.LoadTo, noiseNote(nst, bst))

	fmt.Fprintf(&b, "## Native\n\n")
	fmt.Fprintf(&b, "One loopback echo server process for every client (gobwas/ws frames, each echoed frame streamed back through a 32 KiB buffer, replies flushed when no more input waits, so that the server is not what limits the clients); every client run is its own process. ")
	fmt.Fprintf(&b, "`hybrid` is this library in callback mode, `hybrid-queue` in Queue mode (the main goroutine is a loop without frame pacing that waits on `Queue.Ready` and then calls `Dispatch`), both through the public API only, everything done in the callback; ")
	fmt.Fprintf(&b, "`coder` is raw github.com/coder/websocket v1.8.15 (`Read`/`Write`), `gorilla` github.com/gorilla/websocket v1.5.3 (`ReadMessage`/`WriteMessage`), `gobwas` github.com/gobwas/ws v1.4.0 (`wsutil.ReadServerData`/`WriteClientMessage`); ")
	fmt.Fprintf(&b, "`gws` is github.com/lxzan/gws v1.8.9, event-driven like `hybrid` (its `ReadLoop` goroutine calls `OnMessage`, where everything is done, `WriteMessage` writing at once; default options); ")
	fmt.Fprintf(&b, "`coder-chan` is raw coder/websocket as a game loop must use it, the floor of Queue mode: a reader goroutine per connection hands each message to the loop (the main goroutine) over a channel (256 deep), and the loop checks it and writes the next. ")
	fmt.Fprintf(&b, "Every echo is checked: length, sequence number, content; a run that lost or reordered a message counts as failed, not as a number. ")
	fmt.Fprintf(&b, "CPU µs/msg is the client process's CPU time (user and system, connecting included) per message or round trip: on this shared machine it moves less with the load than the rates do.\n\n")
	fmt.Fprintf(&b, "- rtt: sequential round trips of a 32-byte text message\n- pipe: 1 KiB binary messages, a sender and a receiver running at once (figure: MiB/s one way)\n- big: sequential round trips of a 1 MiB binary message (MiB/s of echoes)\n- idle: Go heap plus stacks per open idle connection, after GC, at %d connections (lower is better; each peer has one goroutine blocked in a read per connection)\n- many: %d connections, each doing %d sequential round trips of 32 bytes, all at once\n\n", o.conns, o.conns, o.trips)
	mainWorks, mainLibs := withoutCompression(o.works, o.libs)
	table(&b, nst, mainWorks, mainLibs, "coder", "× coder", "gws", "× gws", "coder-chan", "× coder-chan")
	idleTable(&b, nst, mainLibs)
	writeCompression(&b, nst, o, sr)

	if len(br) > 0 {
		fmt.Fprintf(&b, "## Browser\n\n")
		fmt.Fprintf(&b, "%s\n\n", browserBlurb)
		table(&b, bst, o.bworks, browserLibs, "js", "× plain JS", "coder-wasm", "× coder wasm")
	}
	old, _ := os.ReadFile(o.out)
	if sr.Sizes != nil {
		writeSizes(&b, sr.Sizes)
	} else {
		b.WriteString(sizeSection(string(old)))
	}

	ts := targets(nst, bst, o, len(br) > 0)
	fmt.Fprintf(&b, "## Targets\n\n| target | result | |\n| --- | --- | --- |\n")
	for _, t := range ts {
		mark := "missed"
		if t.met {
			mark = "**met**"
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", t.what, t.got, mark)
	}
	b.WriteString("\n")
	b.WriteString(notesText)
	// The game's figures (make bench-game, issue 13) live in a marked
	// section of the same file: carry it over.
	if i := strings.Index(string(old), "<!-- bench-game"); i >= 0 {
		b.WriteString("\n" + string(old[i:]))
	}
	if err := os.WriteFile(o.out, []byte(b.String()), 0o644); err != nil {
		return err
	}
	if o.out == os.DevNull {
		return nil // a quick run: no chart either
	}
	chartPath := filepath.Join(filepath.Dir(o.out), o.chart)
	if err := drawChart(chartPath, nst, bst, o); err != nil {
		return fmt.Errorf("chart: %v", err)
	}
	fmt.Fprintf(os.Stderr, "wrote %s and %s (measuring took %s)\n", o.out, chartPath, wall.Round(time.Second))
	return nil
}

func fmtVal(v float64) string {
	switch {
	case v >= 1000:
		return fmt.Sprintf("%.0f", v)
	case v >= 100:
		return fmt.Sprintf("%.1f", v)
	default:
		return fmt.Sprintf("%.2f", v)
	}
}

func table(b *strings.Builder, st map[[2]string]*stat, works, libs []string, refs ...string) {
	cpu := false // a column of CPU time per message, where the runs measured it
	for _, w := range works {
		for _, l := range libs {
			if s := st[[2]string{l, w}]; s != nil && s.cpu > 0 {
				cpu = true
			}
		}
	}
	fmt.Fprintf(b, "| workload | client | median | min | max | unit |")
	if cpu {
		b.WriteString(" CPU µs/msg |")
	}
	for i := 1; i < len(refs); i += 2 {
		fmt.Fprintf(b, " %s |", refs[i])
	}
	b.WriteString("\n| --- | --- | ---: | ---: | ---: | --- |")
	if cpu {
		b.WriteString(" ---: |")
	}
	for i := 1; i < len(refs); i += 2 {
		b.WriteString(" ---: |")
	}
	b.WriteString("\n")
	var failures []string
	for _, w := range works {
		for _, l := range libs {
			s := st[[2]string{l, w}]
			if s == nil {
				continue
			}
			if s.failed > 0 {
				fmt.Fprintf(b, "| %s | %s | FAILED %d of %d runs | | | %s |", w, l, s.failed, s.failed+s.ok, work.Units[w])
				for _, e := range s.errs {
					failures = append(failures, fmt.Sprintf("%s %s: %s", w, l, e))
				}
			} else {
				fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |", w, l, fmtVal(s.med), fmtVal(s.min), fmtVal(s.max), work.Units[w])
			}
			if cpu {
				if s.cpu > 0 {
					fmt.Fprintf(b, " %s |", fmtVal(s.cpu))
				} else {
					b.WriteString(" |")
				}
			}
			for i := 0; i < len(refs); i += 2 {
				if r, ok := ratio(st, l, refs[i], w); ok {
					fmt.Fprintf(b, " %.2f |", r)
				} else {
					b.WriteString(" |")
				}
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\n")
	if len(failures) > 0 {
		b.WriteString("Failed runs:\n\n")
		for _, f := range failures {
			fmt.Fprintf(b, "- %s\n", strings.ReplaceAll(f, "\n", " "))
		}
		b.WriteString("\n")
	}
}

func targets(nst, bst map[[2]string]*stat, o runOpts, browser bool) []target {
	var ts []target
	for _, ref := range []string{"coder", "gws"} {
		for _, w := range []string{"rtt", "pipe", "big", "many"} {
			r, ok := ratio(nst, "hybrid", ref, w)
			ts = append(ts, target{fmt.Sprintf("native %s, hybrid ≥ 1.0× %s", w, ref), ok && r >= 1.0, fmtRatio(r, ok)})
		}
	}
	for _, w := range []string{"rtt", "pipe"} {
		r, ok := ratio(nst, "hybrid-queue", "coder-chan", w)
		ts = append(ts, target{fmt.Sprintf("native %s, hybrid-queue ≥ 1.0× coder-chan", w), ok && r >= 1.0, fmtRatio(r, ok)})
	}
	for _, lib := range []string{"hybrid", "hybrid-queue"} {
		if s := nst[[2]string{lib, "idle"}]; s != nil {
			ts = append(ts, target{fmt.Sprintf("native idle, %s ≤ 10 KiB per connection", lib), s.failed == 0 && s.ok > 0 && s.med <= 10, fmt.Sprintf("%.1f KiB", s.med)})
		}
	}
	if !browser {
		ts = append(ts, target{"browser targets", false, "not measured"})
		return ts
	}
	for _, w := range []string{"rtt", "pipe", "big"} {
		want := 0.8
		if w == "big" {
			want = 0.95
		}
		r, ok := ratio(bst, "hybrid-wasm", "js", w)
		ts = append(ts, target{fmt.Sprintf("browser %s, Go API ≥ %.2f× plain JS", w, want), ok && r >= want, fmtRatio(r, ok)})
	}
	for _, lib := range []string{"hybrid-wasm", "shim"} {
		for _, w := range []string{"rtt", "pipe", "big"} {
			r, ok := ratio(bst, lib, "coder-wasm", w)
			ts = append(ts, target{fmt.Sprintf("browser %s, %s ≥ 1.15× coder wasm", w, lib), ok && r >= 1.15, fmtRatio(r, ok)})
		}
	}
	for _, w := range []string{"rtt", "pipe", "big"} {
		r, ok := ratio(bst, "shim", "js", w)
		ts = append(ts, target{fmt.Sprintf("browser %s, JS API (shim) ≥ 0.6× plain JS", w), ok && r >= 0.6, fmtRatio(r, ok)})
	}
	return ts
}

func fmtRatio(r float64, ok bool) string {
	if !ok {
		return "no figure (failed run)"
	}
	return fmt.Sprintf("%.2f×", r)
}

// noiseNote says how far apart the runs were.
func noiseNote(sts ...map[[2]string]*stat) string {
	var spreads []float64
	for _, st := range sts {
		for _, s := range st {
			if s.ok > 1 && s.med > 0 {
				spreads = append(spreads, (s.max-s.min)/s.med)
			}
		}
	}
	if len(spreads) == 0 {
		return ""
	}
	sort.Float64s(spreads)
	return fmt.Sprintf("Spread (max−min)/median over the cells: median %.0f%%, worst %.0f%%.",
		100*spreads[len(spreads)/2], 100*spreads[len(spreads)-1])
}

var palette = []color.Color{
	color.RGBA{0x1f, 0x77, 0xb4, 0xff}, color.RGBA{0xff, 0x7f, 0x0e, 0xff}, color.RGBA{0x2c, 0xa0, 0x2c, 0xff},
	color.RGBA{0xd6, 0x27, 0x28, 0xff}, color.RGBA{0x94, 0x67, 0xbd, 0xff}, color.RGBA{0x8c, 0x56, 0x4b, 0xff},
	color.RGBA{0xe3, 0x77, 0xc2, 0xff}, color.RGBA{0x7f, 0x7f, 0x7f, 0xff},
}

func barPlot(title, ylabel string, st map[[2]string]*stat, works, libs []string, ref string) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = title
	p.Y.Label.Text = ylabel
	p.Y.Min = 0
	w := vg.Points(12)
	top := 1.0
	for _, lib := range libs {
		for _, wk := range works {
			if r, ok := ratio(st, lib, ref, wk); ok && r > top {
				top = r
			}
		}
	}
	p.Y.Max = top * 1.35 // room for the legend above the bars
	for i, lib := range libs {
		vals := make(plotter.Values, len(works))
		for j, wk := range works {
			if r, ok := ratio(st, lib, ref, wk); ok {
				vals[j] = r
			}
		}
		bars, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return nil, err
		}
		bars.Color = palette[i%len(palette)]
		bars.LineStyle.Width = 0
		bars.Offset = vg.Length(float64(i)-float64(len(libs)-1)/2) * w
		p.Add(bars)
		p.Legend.Add(lib, bars)
	}
	one := plotter.NewFunction(func(float64) float64 { return 1 })
	one.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
	one.Color = color.Gray{0x60}
	p.Add(one)
	p.Legend.Top = true
	p.Legend.Left = false
	p.NominalX(works...)
	return p, nil
}

func drawChart(path string, nst, bst map[[2]string]*stat, o runOpts) error {
	var plots []*plot.Plot
	if works, libs := withoutCompression(o.works, o.libs); len(nst) > 0 && len(works) > 0 {
		np, err := barPlot("Native: relative to raw coder/websocket (idle: memory, inverted)", "× coder (higher is better)", nst, works, libs, "coder")
		if err != nil {
			return err
		}
		plots = append(plots, np)
	}
	if len(plots) == 0 && len(bst) == 0 {
		return nil
	}
	if len(bst) > 0 {
		bp, err := barPlot("Browser (headless Chromium): relative to plain JS WebSocket", "× plain JS (higher is better)", bst, o.bworks, browserLibs, "js")
		if err != nil {
			return err
		}
		plots = append(plots, bp)
	}
	return chart.WritePNG(path, 11*vg.Centimeter, plots)
}

func memTotal() string {
	b, _ := os.ReadFile("/proc/meminfo")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "MemTotal:") {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(l, "MemTotal:")), "%d", &kb)
			return fmt.Sprintf("%.0f GiB", float64(kb)/(1<<20))
		}
	}
	return "?"
}

func kernel() string {
	b, err := os.ReadFile("/proc/sys/kernel/osrelease")
	if err != nil {
		return runtime.GOOS
	}
	return "Linux " + strings.TrimSpace(string(b))
}

func chromiumVersion() string {
	out, err := exec.Command(chromiumPath, "--version").Output()
	if err != nil {
		return "not found"
	}
	return strings.TrimSpace(string(out))
}

// idleTable says where each client's idle KiB per connection go.
func idleTable(b *strings.Builder, st map[[2]string]*stat, libs []string) {
	var rows []string
	for _, l := range libs {
		if s := st[[2]string{l, "idle"}]; s != nil && s.idle != nil && s.failed == 0 {
			i := s.idle
			rows = append(rows, fmt.Sprintf("| %s | %.2f | %.2f | %.2f | %.2f |", l, i.KiB, i.Heap, i.Stack, i.Goroutines))
		}
	}
	if len(rows) == 0 {
		return
	}
	b.WriteString("Where idle's KiB go (medians of the runs; the heap by allocation site in the notes below):\n\n")
	b.WriteString("| client | KiB/conn | heap | goroutine stacks | goroutines/conn |\n| --- | ---: | ---: | ---: | ---: |\n")
	for _, r := range rows {
		b.WriteString(r + "\n")
	}
	b.WriteString("\n")
}
