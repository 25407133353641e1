package main

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/hybridws/websocket/bench/internal/work"
	"github.com/hybridws/websocket/tools/wasmrun/drive"
)

const chromiumPath = "/usr/bin/chromium"

// The browser clients: plain JavaScript on the page's WebSocket, the
// floor of a Go client (syscall/js alone), this library's Go API compiled
// to wasm, its JavaScript API (the shim), and coder/websocket's own wasm
// build.
var browserLibs = []string{"js", "raw-wasm", "hybrid-wasm", "shim", "coder-wasm"}

const browserWindow = 1024 // pipe: messages in flight, for every browser client

const browserBlurb = "Headless Chromium (chromedp v0.23.0 on /usr/bin/chromium, loopback only), the workloads running inside the page against the same echo server, which also serves the page. " +
	"`js` is plain JavaScript on the browser's `WebSocket` (`binaryType = \"arraybuffer\"`), the upper limit; `raw-wasm` is the floor of any Go client: the cheapest Go echo client on syscall/js alone, no library (everything in the socket's handlers, no goroutine switch, no allocation per message, one reused Uint8Array each way; bench/wasmclient/raw.go); `hybrid-wasm` is this library's Go API compiled with GOOS=js GOARCH=wasm (callback mode, the native workload code); " +
	"`shim` is this library's JavaScript API (`websocket.connect/send`, websocket.wasm from ./shim) running the same JavaScript workload code as `js` through a small adapter; `coder-wasm` is github.com/coder/websocket v1.8.15's own browser build. " +
	"A page load per client and run, clients alternating run by run; the DevTools Network domain is disabled before measuring (it copies every frame to the driver). " +
	"Sends never block in a browser, so pipe keeps at most 1,024 messages (1 MiB) in flight for every client. Every echo is checked: length, sequence number, content."

//go:embed page
var pageFS embed.FS

type browserSetup struct{ dir string }

// prepareBrowser builds what the page loads into a temporary directory:
// the page, wasm_exec.js of this toolchain, websocket.wasm (the shim) with
// its ES module websocket.js, and wasmclient.wasm (the Go clients); and
// shimBase, if given, as websocket-base.wasm for the client shim-base, and
// wasmBase as wasmclient-base.wasm for the client hybrid-base.
func prepareBrowser(shimBase, wasmBase string) (*browserSetup, error) {
	if _, err := os.Stat(chromiumPath); err != nil {
		return nil, fmt.Errorf("%s not found (apt-get install chromium)", chromiumPath)
	}
	if _, err := os.Stat("../shim"); err != nil {
		return nil, errors.New("../shim not found: run from bench/")
	}
	dir, err := os.MkdirTemp("", "hybridws-bench-page-")
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*browserSetup, error) { os.RemoveAll(dir); return nil, err }
	sub, _ := fs.Sub(pageFS, "page")
	if err := os.CopyFS(dir, sub); err != nil {
		return fail(err)
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return fail(fmt.Errorf("go env GOROOT: %v", err))
	}
	wasmExec, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		return fail(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "wasm_exec.js"), wasmExec, 0o644); err != nil {
		return fail(err)
	}
	for _, b := range []struct{ pkg, out, in, tags string }{
		{"./shim", "websocket.wasm", "..", "hybridws_lean"}, // as make wasm builds it
		{"./wasmclient", "wasmclient.wasm", ".", ""},
	} {
		cmd := exec.Command("go", "build", "-tags", b.tags, "-o", filepath.Join(dir, b.out), b.pkg)
		cmd.Dir = b.in
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fail(fmt.Errorf("building %s: %v\n%s", b.pkg, err, out))
		}
	}
	// The shim's ES module, as make wasm writes it.
	cmd := exec.Command("go", "run", "./internal/cmd/jsmodule", "-o", filepath.Join(dir, "websocket.js"))
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		return fail(fmt.Errorf("writing websocket.js: %v\n%s", err, out))
	}
	for _, base := range []struct{ from, to string }{{shimBase, "websocket-base.wasm"}, {wasmBase, "wasmclient-base.wasm"}} {
		if base.from == "" {
			continue
		}
		b, err := os.ReadFile(base.from)
		if err != nil {
			return fail(err)
		}
		if err := os.WriteFile(filepath.Join(dir, base.to), b, 0o644); err != nil {
			return fail(err)
		}
	}
	return &browserSetup{dir: dir}, nil
}

// disableNetwork turns off the DevTools Network domain that chromedp
// enables: it copies every WebSocket frame to the driver.
func disableNetwork(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
	if os.Getenv("BENCH_KEEP_NETWORK") != "" { // to see what it costs
		return chromedp.Void{}, nil
	}
	_, err := cdp.Call(ctx, t, network.Disable, cdp.Empty{})
	return chromedp.Void{}, err
}

func runBrowser(bw *browserSetup, base string, o runOpts) ([]work.Result, error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("disable-gpu", true),
	)
	// Loopback only, quiet: tools/chromium.flags, as every harness.
	flags, err := drive.ChromiumFlags("..")
	if err != nil {
		return nil, err
	}
	for _, f := range flags {
		opts = append(opts, chromedp.Flag(f.Name, f.Value))
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		return nil, fmt.Errorf("starting Chromium: %v", err)
	}
	url := "ws" + strings.TrimPrefix(base, "http") + "/echo"
	var out []work.Result
	for run := 0; run < o.runs; run++ {
		for i := range o.blibs {
			lib := o.blibs[(i+run)%len(o.blibs)]
			rs := browserRun(ctx, base, url, lib, o)
			for _, r := range rs {
				fmt.Fprintf(os.Stderr, "browser run %d %-6s %-12s %s\n", run+1, r.Work, lib, describe(r))
			}
			out = append(out, rs...)
		}
	}
	return out, nil
}

// browserRun loads the page for one client and runs every browser workload.
func browserRun(ctx context.Context, base, url, lib string, o runOpts) []work.Result {
	failAll := func(err error) []work.Result {
		var rs []work.Result
		for _, w := range o.bworks {
			rs = append(rs, work.Result{Lib: lib, Work: w, Err: err.Error()})
		}
		return rs
	}
	lctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(lctx, chromedp.Navigate(base+"/page/index.html?client="+lib), disableNetwork); err != nil {
		return failAll(err)
	}
	if _, err := chromedp.Run(lctx, chromedp.Evaluate[string](`benchReady`, chromedp.EvalAwaitPromise)); err != nil {
		return failAll(fmt.Errorf("page did not get ready: %v", err))
	}
	var rs []work.Result
	for _, w := range o.bworks {
		wctx, cancel := context.WithTimeout(ctx, o.dur+60*time.Second)
		js, err := chromedp.Run(wctx, chromedp.Evaluate[string](
			fmt.Sprintf("benchRun(%q, %q, %d, %d)", w, url, o.dur.Milliseconds(), browserWindow), chromedp.EvalAwaitPromise))
		cancel()
		r := work.Result{Lib: lib, Work: w}
		if err != nil {
			r.Err = err.Error()
		} else if err := json.Unmarshal([]byte(js), &r); err != nil {
			r.Err = "bad result from the page: " + js
		} else if r.Err == "" {
			r.Value = work.Value(w, r.N, r.Secs, 0)
		}
		r.Lib = lib
		rs = append(rs, r)
	}
	return rs
}
