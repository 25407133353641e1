//go:build !js

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/hybridws/websocket/internal/test/faultproxy"
	"github.com/hybridws/websocket/soak/client"
)

// The browser side (`soak browser`, a child process of `soak run`, so that
// chromedp's goroutines and memory stay out of the native figures): the
// page (page/main.go) runs the soak's clients in headless Chromium through
// a fault proxy to the same echo server, whose restarts `soak run` makes;
// the driver hides the page for minutes at a time, reads the page every
// browserSampleEvery, and checks each finished Connection's event log.

type browserOpts struct {
	dur    time.Duration
	server string // the echo server's host:port
	conns  int
	out    string // where the result goes, as JSON
}

// browserSample is one reading of the page.
type browserSample struct {
	T          float64 // seconds since the page started
	Heap       uint64  // the wasm program's live heap (HeapAlloc after a collection)
	Sys        uint64  // what the Go runtime got from the wasm memory
	WasmMem    uint64  // the size of the wasm memory (it never shrinks)
	JSHeap     uint64  // Chromium's used JavaScript heap of the page
	Funcs      int64   // the library's live js.Funcs
	Goroutines int
	Ticks      int64 // the page driver's 50 ms ticks so far
	Frames     int64 // requestAnimationFrame callbacks so far
	Hidden     bool
	Pending    int // events waiting in the page's Queues
}

type browserResult struct {
	Dur, Elapsed  time.Duration
	Conns         int
	Samples       []browserSample
	Totals        client.Snapshot
	Faults        map[string]int64
	Logs          int      // Connections whose event log was checked
	LogErrors     []string // the first logs that broke the grammar
	NLogErrors    int
	HiddenSpells  int
	Hidden        time.Duration
	End           browserSample // after every connection ended
	Console       []string      // the page's console errors and exceptions, the first
	Err           string        // what stopped the run, if anything
	Chromium      string
	TicksPerSecV  float64 // the page's timer rate while visible
	TicksPerSecH  float64 // and while hidden
	FramesHidden  int64   // requestAnimationFrame callbacks while hidden
	BuildDuration time.Duration
}

const browserSampleEvery = 10 * time.Second

func runBrowserChild(o browserOpts) error {
	r := &browserResult{Dur: o.dur, Conns: o.conns}
	if err := soakBrowser(o, r); err != nil {
		r.Err = err.Error()
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(o.out, b, 0o644)
}

func soakBrowser(o browserOpts, r *browserResult) error {
	t0 := time.Now()
	dir, err := buildPage()
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	r.BuildDuration = time.Since(t0)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	go http.Serve(ln, http.FileServer(http.Dir(dir)))
	proxy, err := faultproxy.New(o.server)
	if err != nil {
		return err
	}
	defer proxy.Close()
	var f client.Counts
	chaosCtx, stopChaos := context.WithCancel(context.Background())
	chaosDone := make(chan struct{})
	go func() {
		defer close(chaosDone)
		// No half-open links: a browser sends no keepalive pings, and
		// nothing would notice one until TCP gives up.
		proxyFaults{}.run(chaosCtx, proxy, 20*time.Second, &f)
	}()
	defer func() { stopChaos(); <-chaosDone }()

	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	r.Chromium = chromium
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("disable-crash-reporter", true),
		chromedp.Flag("enable-precise-memory-info", true),
		// A hidden page as a user's browser has it: chromedp turns the
		// throttling of background timers and renderers off by default.
		chromedp.Flag("disable-background-timer-throttling", false),
		chromedp.Flag("disable-backgrounding-occluded-windows", false),
		chromedp.Flag("disable-renderer-backgrounding", false),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank"), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.Disable, cdp.Empty{}) // it copies every frame to the driver
		return err
	})); err != nil {
		return fmt.Errorf("starting %s: %v", chromium, err)
	}
	// The page's exceptions, and the console's errors other than the
	// browser's own line for each WebSocket that fails (expected here).
	cctx, stopConsole := context.WithCancel(ctx)
	consoleDone := make(chan struct{})
	var console []string
	go func() {
		defer close(consoleDone)
		for m, err := range chromedp.Console(cctx) {
			if err != nil {
				return
			}
			if (m.Type == "error" && !strings.Contains(m.Text, "WebSocket connection to")) || m.Type == chromedp.ConsoleException {
				if len(console) < 20 {
					console = append(console, string(m.Type)+": "+m.Text)
				}
			}
		}
	}()
	defer func() {
		stopConsole()
		<-consoleDone
		r.Console = console
	}()

	wsURL := "ws://" + proxy.Addr() + "/"
	page := fmt.Sprintf("http://%s/index.html?ws=%s&conns=%d", ln.Addr(), wsURL, o.conns)
	if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
		return err
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`globalThis.soakReady === true`, chromedp.WithPollingTimeout(60*time.Second))); err != nil {
		return fmt.Errorf("the page did not start: %v", err)
	}
	start := time.Now()
	read := func() (browserSample, error) {
		js, err := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify(Object.assign(JSON.parse(soakSample()), {
			WasmMem: soakMemory(), JSHeap: performance.memory ? performance.memory.usedJSHeapSize : 0}))`))
		var s browserSample
		if err == nil {
			err = json.Unmarshal([]byte(js), &s)
		}
		s.T = time.Since(start).Seconds()
		return s, err
	}
	drainLogs := func() error {
		logs, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`soakLogs.splice(0)`))
		if err != nil {
			return err
		}
		for _, l := range logs {
			r.Logs++
			if err := client.CheckLog(l); err != nil {
				r.NLogErrors++
				if len(r.LogErrors) < 10 {
					r.LogErrors = append(r.LogErrors, err.Error())
				}
			}
		}
		return nil
	}

	// Visible for a minute or two, hidden for two to six (past the five
	// minutes after which Chromium throttles hidden timers harder), in
	// turn; shorter in a short run.
	scale := min(1, o.dur.Minutes()/15)
	spell := func(lo, hi time.Duration) time.Duration {
		return time.Duration(float64(between(lo, hi)) * scale)
	}
	hidden := false
	var hiddenAt time.Time
	next := time.Now().Add(spell(time.Minute, 2*time.Minute))
	var prev browserSample
	var tickV, tickH, secV, secH float64
	for time.Since(start) < o.dur {
		if time.Now().After(next) {
			hidden = !hidden
			if err := setHidden(ctx, hidden); err != nil {
				return err
			}
			if hidden {
				r.HiddenSpells++
				hiddenAt = time.Now()
				next = time.Now().Add(spell(2*time.Minute, 6*time.Minute))
			} else {
				r.Hidden += time.Since(hiddenAt)
				next = time.Now().Add(spell(time.Minute, 2*time.Minute))
			}
		}
		time.Sleep(min(browserSampleEvery, time.Until(next)+10*time.Millisecond))
		s, err := read()
		if err != nil {
			return fmt.Errorf("reading the page: %v", err)
		}
		if len(r.Samples) > 0 && s.Hidden == prev.Hidden {
			dt, dn := s.T-prev.T, float64(s.Ticks-prev.Ticks)
			if s.Hidden {
				secH, tickH = secH+dt, tickH+dn
				r.FramesHidden += s.Frames - prev.Frames
			} else {
				secV, tickV = secV+dt, tickV+dn
			}
		}
		r.Samples = append(r.Samples, s)
		prev = s
		if len(r.Samples)%6 == 0 {
			js, err := chromedp.Run(ctx, chromedp.Evaluate[string](`soakTotals()`))
			var t client.Snapshot
			if err == nil {
				err = json.Unmarshal([]byte(js), &t)
			}
			if err != nil {
				return fmt.Errorf("reading the page: %v", err)
			}
			fmt.Fprintf(os.Stderr, "%v: hidden %v, %d reconnects, %d echoed, %d violations, heap %.1f MiB, %d js.Funcs\n",
				time.Since(start).Round(time.Second), s.Hidden, t.Reconnects, t.Echoed, t.Violations, float64(s.Heap)/(1<<20), s.Funcs)
		}
		if err := drainLogs(); err != nil {
			return err
		}
	}
	if hidden {
		r.Hidden += time.Since(hiddenAt)
		if err := setHidden(ctx, false); err != nil {
			return err
		}
	}
	if secV > 0 {
		r.TicksPerSecV = tickV / secV
	}
	if secH > 0 {
		r.TicksPerSecH = tickH / secH
	}
	stopChaos()
	<-chaosDone
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`soakStop()`)); err != nil {
		return err
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`soakEnded()`, chromedp.WithPollingTimeout(time.Minute))); err != nil {
		r.Err = "not every connection of the page ended within a minute of Disconnect"
	}
	time.Sleep(time.Second)
	if r.End, err = read(); err != nil {
		return err
	}
	if err := drainLogs(); err != nil {
		return err
	}
	js, err := chromedp.Run(ctx, chromedp.Evaluate[string](`soakTotals()`))
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(js), &r.Totals); err != nil {
		return err
	}
	r.Faults = f.Map()
	r.Elapsed = time.Since(start)
	return nil
}

// setHidden minimizes the page's window (the page turns hidden: no
// requestAnimationFrame, throttled timers) or restores it.
func setHidden(ctx context.Context, hidden bool) error {
	state, want := cdpbrowser.WindowStateNormal, "visible"
	if hidden {
		state, want = cdpbrowser.WindowStateMinimized, "hidden"
	}
	w, err := chromedp.CallBrowser(ctx, cdpbrowser.GetWindowForTarget, cdpbrowser.GetWindowForTargetParams{TargetID: chromedp.FromContext(ctx).Target.TargetID})
	if err == nil {
		_, err = chromedp.CallBrowser(ctx, cdpbrowser.SetWindowBounds, cdpbrowser.SetWindowBoundsParams{WindowID: w.WindowID, Bounds: &cdpbrowser.Bounds{WindowState: state}})
	}
	if err == nil {
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.visibilityState === "`+want+`"`, chromedp.WithPollingTimeout(10*time.Second)))
	}
	if err != nil {
		return fmt.Errorf("making the page %s: %v", want, err)
	}
	return nil
}

// buildPage builds the page into a temporary folder: page/ compiled to
// js/wasm, this toolchain's wasm_exec.js, and index.html.
func buildPage() (string, error) {
	if _, err := os.Stat("page/main.go"); err != nil {
		return "", fmt.Errorf("page/main.go not found: run the soak from soak/")
	}
	dir, err := os.MkdirTemp("", "hybridws-soak-page-")
	if err != nil {
		return "", err
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("go env GOROOT: %v", err)
	}
	wasmExec, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "wasm_exec.js"), wasmExec, 0o644)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "index.html"), []byte(pageHTML), 0o644)
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "soak.wasm"), "./page")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("building the page: %v\n%s", err, out)
	}
	return dir, nil
}

const pageHTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>hybridws soak</title><link rel="icon" href="data:,">
<script src="wasm_exec.js"></script>
<script>
const go = new Go();
let memory;
globalThis.soakMemory = () => memory ? memory.buffer.byteLength : 0;
WebAssembly.instantiateStreaming(fetch("soak.wasm"), go.importObject).then(r => {
	memory = r.instance.exports.mem;
	go.run(r.instance);
});
</script></head>
<body><p>hybridws soak: driven by <code>make soak</code> (soak/browser.go).</p></body></html>
`
