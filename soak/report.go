//go:build !js

package main

import (
	"fmt"
	"image/color"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hybridws/websocket/soak/trend"
	"github.com/hybridws/websocket/tools/chart"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// report is what a run found, and writes SOAK.md and the chart.
type report struct {
	Started, Finished time.Time
	GoVersion, CPU    string
	CPUs              int
	Race              bool
	RestartEvery      time.Duration
	Base, End         checkpoint // the process before anything, and after everything ended
	Leftover          string     // the goroutines left at the end, if more than at the start
	Native            *nativeResult
	Browser           *browserResult
	ServerViolations  int
	ServerFirst       []string
	Restarts          map[string]int64

	// judge fills these.
	HeapTrend, RSSTrend, GoroutineTrend trend.Result
	WasmHeapTrend, FuncsTrend           trend.Result
	Failures                            []string
}

const mib = 1 << 20

// judge decides the verdict: every check that failed goes to Failures.
func (r *report) judge() {
	fail := func(format string, args ...any) { r.Failures = append(r.Failures, fmt.Sprintf(format, args...)) }
	if r.ServerViolations > 0 {
		fail("the echo server saw %d messages out of order or corrupt, the first: %s", r.ServerViolations, strings.Join(r.ServerFirst, "; "))
	}
	if r.End.Goroutines > r.Base.Goroutines {
		fail("%d goroutines at the end, %d before the run began", r.End.Goroutines, r.Base.Goroutines)
	}
	if r.End.Timers != 0 {
		fail("%d library timers armed at the end", r.End.Timers)
	}
	if n := r.Native; n != nil {
		if v := n.Totals.Violations; v > 0 {
			fail("native: %d violations, the first: %s", v, strings.Join(n.Totals.FirstViolations[:min(5, len(n.Totals.FirstViolations))], " | "))
		}
		for _, cp := range []struct {
			name string
			cp   checkpoint
		}{{"at the first checkpoint", n.A}, {"at the end", n.B}} {
			if len(cp.cp.Unsettled) > 0 {
				fail("native: connections did not come back and settle %s, with the network healthy again, within 2 minutes: %s", cp.name, strings.Join(cp.cp.Unsettled, "; "))
			}
		}
		if n.HalfOpenMissed > 0 {
			fail("native: %d of the %d connections open as their link went half-open stayed open through it (at least %v, KeepAlive %v, PongTimeout %v): keepalive did not notice them (clients %v ...)",
				n.HalfOpenMissed, n.HalfOpen, halfOpenMin, nativeKeepAlive, nativePongTimeout, n.HalfOpenMissedIDs)
		}
		if tol := max(5, n.Opts.conns/100); n.B.Goroutines > n.A.Goroutines+tol {
			fail("native: %d goroutines once settled at the end, %d at the first checkpoint (more than %d more)", n.B.Goroutines, n.A.Goroutines, tol)
		}
		if n.B.Timers > n.A.Timers+2 {
			fail("native: %d library timers once settled at the end, %d at the first checkpoint", n.B.Timers, n.A.Timers)
		}
		if n.TimersLeft != 0 {
			fail("native: %d library timers still armed once every connection had ended", n.TimersLeft)
		}
		if r.End.Heap > r.Base.Heap+8*mib {
			fail("native: the live heap is %.1f MiB at the end, %.1f MiB before the run", float64(r.End.Heap)/mib, float64(r.Base.Heap)/mib)
		}
		var heap, rss, gs []trend.Point
		for _, s := range n.chaosSamples() {
			heap = append(heap, trend.Point{T: s.T, V: float64(s.Heap)})
			rss = append(rss, trend.Point{T: s.T, V: float64(s.RSS)})
			gs = append(gs, trend.Point{T: s.T, V: float64(s.Goroutines)})
		}
		r.HeapTrend = trend.Detect(heap, 8*mib, 0.10)
		r.RSSTrend = trend.Detect(rss, 16*mib, 0.10)
		r.GoroutineTrend = trend.Detect(gs, float64(max(20, n.Opts.conns/10)), 0.10)
		for _, t := range []struct {
			name string
			r    trend.Result
		}{{"live heap", r.HeapTrend}, {"RSS", r.RSSTrend}, {"goroutines", r.GoroutineTrend}} {
			// The race detector's own memory (shadow, histories) grows
			// the RSS over a run by itself: reported, not judged.
			if t.r.Rising && !(r.Race && t.name == "RSS") {
				fail("native: the %s kept growing: %s", t.name, t.r.Why)
			}
		}
	}
	if b := r.Browser; b != nil {
		if b.Err != "" {
			fail("browser: %s", b.Err)
		}
		if v := b.Totals.Violations; v > 0 {
			fail("browser: %d violations, the first: %s", v, strings.Join(b.Totals.FirstViolations[:min(5, len(b.Totals.FirstViolations))], " | "))
		}
		if b.NLogErrors > 0 {
			fail("browser: %d event logs broke the grammar: %s", b.NLogErrors, strings.Join(b.LogErrors, " | "))
		}
		if b.End.Funcs != 0 {
			fail("browser: %d js.Funcs of the library not released once every connection had ended", b.End.Funcs)
		}
		if b.End.Pending != 0 {
			fail("browser: %d events still in the page's Queues at the end", b.End.Pending)
		}
		var heap, funcs []trend.Point
		for _, s := range b.Samples {
			if s.T < 60 { // the first minute: connecting, the heap growing into its size
				continue
			}
			heap = append(heap, trend.Point{T: s.T, V: float64(s.Heap)})
			funcs = append(funcs, trend.Point{T: s.T, V: float64(s.Funcs)})
		}
		r.WasmHeapTrend = trend.Detect(heap, 4*mib, 0.10)
		r.FuncsTrend = trend.Detect(funcs, float64(4*b.Conns), 0.10)
		if r.WasmHeapTrend.Rising {
			fail("browser: the wasm heap kept growing: %s", r.WasmHeapTrend.Why)
		}
		if r.FuncsTrend.Rising {
			fail("browser: the library's js.Funcs kept growing: %s", r.FuncsTrend.Why)
		}
	}
}

// chaosSamples are the samples taken while faults ran, after the first
// checkpoint: the stretch whose trend tells a leak.
func (n *nativeResult) chaosSamples() []sample {
	var out []sample
	for _, s := range n.Samples {
		if s.T > (n.A.At+n.A.Settle).Seconds() && s.T < n.B.At.Seconds() {
			out = append(out, s)
		}
	}
	return out
}

func (r *report) summary() string {
	var b strings.Builder
	verdict := "PASS"
	if len(r.Failures) > 0 {
		verdict = fmt.Sprintf("FAIL (%d)", len(r.Failures))
	}
	fmt.Fprintf(&b, "soak: %s after %v\n", verdict, r.Finished.Sub(r.Started).Round(time.Second))
	if n := r.Native; n != nil {
		t := n.Totals
		fmt.Fprintf(&b, "native: %d connections, %d messages echoed of %d sent, %d reconnects (p50 %v, p99 %v), %d violations\n",
			n.Opts.conns, t.Echoed, t.Sent, t.Reconnects, t.ReconnectP50.Round(time.Millisecond), t.ReconnectP99.Round(time.Millisecond), t.Violations)
	}
	if br := r.Browser; br != nil {
		t := br.Totals
		fmt.Fprintf(&b, "browser: %d connections, %d messages echoed of %d sent, %d reconnects, %d violations, %d logs checked\n",
			br.Conns, t.Echoed, t.Sent, t.Reconnects, t.Violations, br.Logs)
	}
	for _, f := range r.Failures {
		fmt.Fprintf(&b, "FAIL: %s\n", f)
	}
	return b.String()
}

func (r *report) write(out, png string) error {
	if err := os.MkdirAll(filepath.Dir(png), 0o755); err != nil {
		return err
	}
	if err := r.chart(png); err != nil {
		return fmt.Errorf("the chart: %v", err)
	}
	rel, err := filepath.Rel(filepath.Dir(out), png)
	if err != nil {
		rel = png
	}
	return os.WriteFile(out, []byte(r.markdown(filepath.ToSlash(rel))), 0o644)
}

func (r *report) markdown(png string) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	dur := r.Finished.Sub(r.Started).Round(time.Second)
	p("# Soak\n\n")
	p("Written by `make soak` (the `soak/` module; `cd soak && go run . run -h` lists its flags): hybridws under faults for a long time, ")
	p("natively and in a hidden-and-shown headless Chromium tab at the same time, against one echo server (a child process) restarted every ~%v. ", r.RestartEvery)
	p("Every figure below is from the run of %s (%v, Go %s%s, %d × %s).\n\n", r.Started.UTC().Format("2006-01-02 15:04 UTC"), dur, r.GoVersion, map[bool]string{true: ", -race", false: ""}[r.Race], r.CPUs, r.CPU)
	if len(r.Failures) == 0 {
		p("**Verdict: PASS.** No violation of any kind, nothing growing.\n\n")
	} else {
		p("**Verdict: FAIL.**\n\n")
		for _, f := range r.Failures {
			p("- %s\n", f)
		}
		p("\n")
	}
	p("What is checked, continuously (by every client, on every event) and at the end:\n\n")
	p("- each Connection's events obey `(CONNECTED, MESSAGE*)?, (ERROR, [CONNECTED, MESSAGE*])*, DISCONNECTED`, with RetryIn > 0 on every ERROR but a last one, DISCONNECTED only after our own Disconnect (with its code and reason), CONNECTED with its 101, every ERROR naming the URL;\n")
	p("- within each life (one CONNECTED to the next ERROR) the echoes are an in-order prefix of what Send accepted: nothing vanishes from the middle, nothing crosses a reconnect, no echo is cut, spliced or changed by scribbling on the slice after Send; the echo server checks the same on its side (no gap on one socket);\n")
	p("- what a lost life did not echo is written off as its tail, and the bytes the ERROR reports as never sent are a run of whole messages at that tail (natively) or fit in it (browser);\n")
	p("- callbacks of one Connection never overlap, and in Queue mode run only inside Dispatch;\n")
	p("- Stats agrees with the events: Connects with the CONNECTED events, MessagesIn with the MESSAGEs, MessagesOut and BytesOut exactly with what Send accepted, SendQueued within SendQueueSize and 0 once closed, State closed after DISCONNECTED;\n")
	p("- twice (after a warm-up and at the end) the faults stop and every connection must come back, open, with every message echoed, within 2 minutes; the goroutines and armed library timers then must be as many at the end as at the first checkpoint; after every connection has ended the timers are 0 and the goroutines as before the run;\n")
	p("- the live heap, RSS and goroutine count, sampled every %v, show no sustained upward trend (soak/trend: Mann–Kendall significance, a Theil–Sen rise past 10%% of the level and a floor, still rising in the second half); in the page, the wasm heap and the library's js.Funcs likewise, and no js.Func is left once every connection has ended.\n\n", sampleEvery)
	if n := r.Native; n != nil {
		r.nativeMarkdown(p, n)
	}
	if br := r.Browser; br != nil {
		r.browserMarkdown(p, br)
	}
	p("![memory and counts over the run](%s)\n", png)
	return b.String()
}

func (r *report) nativeMarkdown(p func(string, ...any), n *nativeResult) {
	t := n.Totals
	var loads []float64
	for _, s := range n.Samples {
		loads = append(loads, s.Load)
	}
	p("## Native\n\n")
	p("%d connections with Reconnect (100 ms doubling to 3 s), KeepAlive %v, PongTimeout %v, SendQueueSize 512 KiB, through %d fault proxies to the echo server; ", n.Opts.conns, nativeKeepAlive, nativePongTimeout, n.Opts.proxies)
	p("half in callback mode, half in four Queues (two dispatched on Ready, two at 60 frames a second, each stalled now and then); a quarter of each with permessage-deflate; ")
	p("each client sends a message every %v on average (text or binary, 48 B to 1 MiB, mostly small), and each echo makes it send another from inside the callback with chance 0.3. ", n.Opts.every)
	p("%v in all; machine load average %.1f on average, %.1f at most (2 cores, shared).\n\n", n.Elapsed.Round(time.Second), mean(loads), slices.Max(append(loads, 0)))
	p("| | |\n| --- | --- |\n")
	p("| connections (Connect calls; a new one after each disconnect on purpose) | %d |\n", t.Connections)
	p("| CONNECTED events / reconnects | %d / %d |\n", t.Connected, t.Reconnects)
	p("| reconnect time, loss to CONNECTED, in callback mode: p50 / p99 / max (of %d) | %v / %v / %v |\n", t.ReconnectN, t.ReconnectP50.Round(time.Millisecond), t.ReconnectP99.Round(time.Millisecond), t.ReconnectMax.Round(time.Millisecond))
	p("| messages Send accepted (of them from inside callbacks) | %d (%d), %.1f MiB |\n", t.Sent, t.Replies, float64(t.SentBytes)/mib)
	p("| echoed, in order | %d, %.1f MiB |\n", t.Echoed, float64(t.EchoedBytes)/mib)
	p("| written off in the tail of a lost life | %d |\n", t.WrittenOff)
	p("| bytes the ERRORs reported as never sent | %d |\n", t.UnsentBytes)
	p("| Send refused: ErrSendQueueFull / not connected or closed | %d / %d |\n", t.RefusedFull, t.RefusedDown)
	p("| bursts (200 × 16 KiB) / disconnects on purpose (DisconnectWith 4xxx) | %d / %d |\n", t.Bursts, t.Kicks)
	p("| ERROR events | %d: %s |\n", t.Errors, kv(t.ErrorKinds))
	p("| faults injected | %s |\n", kv(n.Faults))
	p("| server restarts | %s |\n", kv(r.Restarts))
	p("| connections open as their link went half-open (%v to %v) / ended before it came back / stayed open (missed by keepalive) | %d / %d / %d |\n", halfOpenMin, halfOpenMax, n.HalfOpen, n.HalfOpenCaught, n.HalfOpenMissed)
	p("| violations (client) / (echo server) | %d / %d |\n", t.Violations, r.ServerViolations)
	p("\n| process | goroutines | library timers | live heap |\n| --- | --- | --- | --- |\n")
	row := func(name string, c checkpoint) {
		p("| %s | %d | %d | %.1f MiB |\n", name, c.Goroutines, c.Timers, float64(c.Heap)/mib)
	}
	row("before the run", r.Base)
	row(fmt.Sprintf("settled after %v (took %v)", n.A.At.Round(time.Second), n.A.Settle.Round(time.Millisecond)), n.A)
	row(fmt.Sprintf("settled at the end, %v (took %v)", n.B.At.Round(time.Second), n.B.Settle.Round(time.Millisecond)), n.B)
	row("after every connection ended", r.End)
	p("\n| trend, while faults ran | first → last sample | Theil–Sen slope | verdict |\n| --- | --- | --- | --- |\n")
	cs := n.chaosSamples()
	tr := func(name string, tr trend.Result, first, last float64, unit string, scale float64) {
		p("| %s | %.1f → %.1f %s | %+.2f %s/hour | %s |\n", name, first/scale, last/scale, unit, tr.Slope*3600/scale, unit, tr.Why)
	}
	if len(cs) > 0 {
		f, l := cs[0], cs[len(cs)-1]
		tr("live heap", r.HeapTrend, float64(f.Heap), float64(l.Heap), "MiB", mib)
		rt := r.RSSTrend
		if r.Race {
			rt.Why += " (not judged: the race detector's own memory grows the RSS)"
		}
		tr("RSS", rt, float64(f.RSS), float64(l.RSS), "MiB", mib)
		tr("goroutines", r.GoroutineTrend, float64(f.Goroutines), float64(l.Goroutines), "", 1)
	}
	p("\n")
}

func (r *report) browserMarkdown(p func(string, ...any), b *browserResult) {
	t := b.Totals
	p("## Browser\n\n")
	p("%d connections in one headless Chromium page (%s), the same client code compiled to js/wasm: a third in callback mode, a third in a Queue dispatched once per requestAnimationFrame, a third in a Queue dispatched per frame and from a 1 s timer while hidden; ", b.Conns, b.Chromium)
	p("Reconnect 100 ms doubling to 3 s, SendQueueSize 256 KiB, through a fault proxy (no half-open links: a browser sends no keepalive) to the same echo server. ")
	p("%v in all; the page was hidden (window minimized) %d times, %v in all.\n\n", b.Elapsed.Round(time.Second), b.HiddenSpells, b.Hidden.Round(time.Second))
	if b.Err != "" {
		p("The run stopped: %s\n\n", b.Err)
	}
	p("| | |\n| --- | --- |\n")
	p("| connections / CONNECTED / reconnects | %d / %d / %d |\n", t.Connections, t.Connected, t.Reconnects)
	p("| reconnect time, loss to CONNECTED, in callback mode: p50 / p99 / max (of %d) | %v / %v / %v |\n", t.ReconnectN, t.ReconnectP50.Round(time.Millisecond), t.ReconnectP99.Round(time.Millisecond), t.ReconnectMax.Round(time.Millisecond))
	p("| messages Send accepted / echoed in order / written off in lost tails | %d / %d / %d |\n", t.Sent, t.Echoed, t.WrittenOff)
	p("| bytes the ERRORs reported as never sent | %d |\n", t.UnsentBytes)
	p("| Send refused: ErrSendQueueFull / not connected or closed | %d / %d |\n", t.RefusedFull, t.RefusedDown)
	p("| bursts (100 × 16 KiB) / disconnects on purpose | %d / %d |\n", t.Bursts, t.Kicks)
	p("| ERROR events | %d: %s |\n", t.Errors, kv(t.ErrorKinds))
	p("| faults injected | %s |\n", kv(b.Faults))
	p("| event logs checked again outside the page / broken | %d / %d |\n", b.Logs, b.NLogErrors)
	p("| violations in the page | %d |\n", t.Violations)
	p("| the page's 50 ms ticker: ticks a second visible / hidden; animation frames while hidden | %.1f / %.2f; %d |\n", b.TicksPerSecV, b.TicksPerSecH, b.FramesHidden)
	if len(b.Samples) > 0 {
		f, l := b.Samples[0], b.Samples[len(b.Samples)-1]
		var funcs []float64
		for _, s := range b.Samples {
			funcs = append(funcs, float64(s.Funcs))
		}
		p("| wasm live heap: first / last / after the end | %.2f / %.2f / %.2f MiB |\n", float64(f.Heap)/mib, float64(l.Heap)/mib, float64(b.End.Heap)/mib)
		p("| wasm memory size: first / last | %.1f / %.1f MiB |\n", float64(f.WasmMem)/mib, float64(l.WasmMem)/mib)
		p("| JavaScript heap: first / last | %.1f / %.1f MiB |\n", float64(f.JSHeap)/mib, float64(l.JSHeap)/mib)
		p("| library js.Funcs: min / max / after the end | %.0f / %.0f / %d |\n", slices.Min(funcs), slices.Max(funcs), b.End.Funcs)
		p("| wasm heap trend | %+.3f MiB/hour: %s |\n", r.WasmHeapTrend.Slope*3600/mib, r.WasmHeapTrend.Why)
		p("| js.Funcs trend | %+.2f/hour: %s |\n", r.FuncsTrend.Slope*3600, r.FuncsTrend.Why)
	}
	if len(b.Console) > 0 {
		p("| the page's console errors (first) | %s |\n", strings.ReplaceAll(strings.Join(b.Console, " / "), "|", "\\|"))
	}
	p("\n")
}

func kv(m map[string]int64) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func mean(vs []float64) float64 {
	if len(vs) == 0 {
		return 0
	}
	s := 0.0
	for _, v := range vs {
		s += v
	}
	return s / float64(len(vs))
}

// chart draws the memory and the counts over the run, natively and in the
// page, one panel each.
func (r *report) chart(path string) error {
	type series struct {
		name string
		pts  plotter.XYs
	}
	panel := func(title, ylabel string, ss ...series) (*plot.Plot, error) {
		p := plot.New()
		p.Title.Text = title
		p.X.Label.Text = "minutes"
		p.Y.Label.Text = ylabel
		p.Y.Min = 0
		p.Legend.Top = true
		colors := []color.Color{color.RGBA{0x1f, 0x77, 0xb4, 0xff}, color.RGBA{0xd6, 0x27, 0x28, 0xff}, color.RGBA{0x2c, 0xa0, 0x2c, 0xff}}
		for i, s := range ss {
			if len(s.pts) == 0 {
				continue
			}
			l, err := plotter.NewLine(s.pts)
			if err != nil {
				return nil, err
			}
			l.Color = colors[i%len(colors)]
			l.Width = vg.Points(1.2)
			p.Add(l)
			p.Legend.Add(s.name, l)
		}
		return p, nil
	}
	var plots []*plot.Plot
	add := func(p *plot.Plot, err error) error {
		if err == nil {
			plots = append(plots, p)
		}
		return err
	}
	if n := r.Native; n != nil && len(n.Samples) > 0 {
		var heap, rss, gs, ts plotter.XYs
		for _, s := range n.Samples {
			m := s.T / 60
			heap = append(heap, plotter.XY{X: m, Y: float64(s.Heap) / mib})
			rss = append(rss, plotter.XY{X: m, Y: float64(s.RSS) / mib})
			gs = append(gs, plotter.XY{X: m, Y: float64(s.Goroutines)})
			ts = append(ts, plotter.XY{X: m, Y: float64(s.Timers)})
		}
		title := fmt.Sprintf("Native, %d connections: memory of the client process", n.Opts.conns)
		if err := add(panel(title, "MiB", series{"live heap", heap}, series{"RSS", rss})); err != nil {
			return err
		}
		if err := add(panel("Native: goroutines and the library's armed timers", "count", series{"goroutines", gs}, series{"timers", ts})); err != nil {
			return err
		}
	}
	if b := r.Browser; b != nil && len(b.Samples) > 0 {
		var heap, mem, funcs, hidden plotter.XYs
		for _, s := range b.Samples {
			m := s.T / 60
			heap = append(heap, plotter.XY{X: m, Y: float64(s.Heap) / mib})
			mem = append(mem, plotter.XY{X: m, Y: float64(s.WasmMem) / mib})
			funcs = append(funcs, plotter.XY{X: m, Y: float64(s.Funcs)})
			h := 0.0
			if s.Hidden {
				h = float64(2 * b.Conns)
			}
			hidden = append(hidden, plotter.XY{X: m, Y: h})
		}
		title := fmt.Sprintf("Browser, %d connections: the wasm program's memory", b.Conns)
		if err := add(panel(title, "MiB", series{"live heap", heap}, series{"wasm memory", mem})); err != nil {
			return err
		}
		if err := add(panel("Browser: the library's live js.Funcs (and when the page was hidden)", "count", series{"js.Funcs", funcs}, series{"hidden", hidden})); err != nil {
			return err
		}
	}
	if len(plots) == 0 {
		return nil
	}
	return chart.WritePNG(path, 8*vg.Centimeter, plots)
}
