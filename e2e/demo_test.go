//go:build !js

// Package e2e drives the demo page (index.html at the repo root) in
// headless Chromium (chromedp), Firefox and WebKit, the way a person uses
// it: it builds websocket.wasm and the dev server (./web), serves the page
// on a free loopback port, connects to the dev server's /echo, sends text
// and binary, reads the echoes in the event log and the counts on the
// stats line, tries a close code the browser forbids and sees the
// RangeError, disconnects with 4001 and sees it come back. It leaves
// screenshots in .cache/screenshots/ at the repo root.
//
// It is its own module so that chromedp v0.23.0 reaches neither the
// library's users nor wasmbrowsertest (which pins chromedp v0.10.0).
//
//	make test-e2e    or    cd e2e && go test ./...
package e2e

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/hybridws/websocket/tools/wasmrun/drive"
)

// chromium is the browser the test drives; CHROMIUM overrides it.
func chromium() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// repoRoot is the folder above this module.
func repoRoot(t *testing.T) string {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "index.html")); err != nil {
		t.Fatalf("no index.html in %s: run the test from the e2e folder of the repo", root)
	}
	return root
}

func run(t *testing.T, dir string, env []string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// site puts what `make demo` serves into a fresh folder: the repo's
// index.html and the built files (see build). It returns the folder and
// the dev server's binary.
func site(t *testing.T, root string) (dir, web string) {
	b := build(t, root)
	dir = t.TempDir()
	copyFile(t, filepath.Join(root, "index.html"), filepath.Join(dir, "index.html"))
	for _, f := range []string{"wasm_exec.js", "websocket.js", "websocket.wasm"} {
		copyFile(t, filepath.Join(b.dir, f), filepath.Join(dir, f))
	}
	return dir, b.web
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// serve starts the dev server on a free loopback port and returns the URL
// it prints. It fails the test if the server's stderr does not contain
// wantStderr ("": nothing at all).
func serve(t *testing.T, web, dir, wantStderr string) string {
	u, stop, stderr := startWeb(t, web, dir, "127.0.0.1:0")
	t.Cleanup(func() {
		stop()
		switch s := stderr(); {
		case wantStderr == "" && s != "":
			t.Errorf("the dev server wrote to stderr:\n%s", s)
		case !strings.Contains(s, wantStderr):
			t.Errorf("the dev server's stderr %q does not say %q", s, wantStderr)
		}
	})
	return u
}

// startWeb runs the dev server on addr ("127.0.0.1:0": a free port) and
// returns the URL it prints, a func that kills it (also run when the test
// ends) and one that returns what it wrote to stderr.
func startWeb(t *testing.T, web, dir, addr string) (string, func(), func() string) {
	t.Helper()
	cmd := exec.Command(web, "-addr", addr, "-dir", dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var stderr strings.Builder
	cmd.Stderr = writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return stderr.Write(p)
	})
	errText := func() string {
		mu.Lock()
		defer mu.Unlock()
		return stderr.String()
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cmd.Process.Kill()
			cmd.Wait()
		})
	}
	t.Cleanup(stop)
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if i := strings.Index(sc.Text(), "http://"); i >= 0 {
				lines <- sc.Text()[i:]
			}
		}
	}()
	select {
	case u := <-lines:
		return u, stop, errText
	case <-time.After(20 * time.Second):
		t.Fatalf("the dev server printed no URL; stderr: %s", errText())
		return "", nil, nil
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// browser starts headless Chromium, loopback only, and returns its tab's
// context and a func that returns what the page wrote to the console so
// far. The test fails if the page logs an error or throws, unless the
// message contains one of expected.
func browser(t *testing.T, expected ...string) (context.Context, func() []string) {
	if _, err := os.Stat(chromium()); err != nil {
		t.Fatalf("no Chromium at %s (apt-get install chromium, or set CHROMIUM): %v", chromium(), err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium()),
		chromedp.Flag("disable-gpu", true),
		chromedp.WindowSize(1280, 800),
	)
	// Loopback only, quiet: tools/chromium.flags, as every harness.
	flags, err := drive.ChromiumFlags(repoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range flags {
		opts = append(opts, chromedp.Flag(f.Name, f.Value))
	}
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)

	// Start the browser, then stop the Network domain: the test needs none
	// of its events, and they slow every step down.
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.Disable, cdp.Empty{})
		return err
	})); err != nil {
		cancelTimeout()
		cancel()
		cancelAlloc()
		t.Fatalf("starting %s: %v", chromium(), err)
	}

	var mu sync.Mutex
	var console []string
	consoleDone := make(chan struct{})
	cctx, stopConsole := context.WithCancel(ctx)
	go func() {
		defer close(consoleDone)
		for m, err := range chromedp.Console(cctx) {
			if err != nil {
				return
			}
			mu.Lock()
			console = append(console, string(m.Type)+": "+m.Text)
			mu.Unlock()
		}
	}()
	get := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), console...)
	}
	t.Cleanup(func() {
		stopConsole()
		<-consoleDone
		checkConsole(t, get(), expected)
		cancelTimeout()
		cancel()
		cancelAlloc()
	})
	return ctx, get
}

func TestDemoPage(t *testing.T) {
	root := repoRoot(t)
	dir, web := site(t, root)
	pageURL := serve(t, web, dir, "")
	host := strings.TrimSuffix(strings.TrimPrefix(pageURL, "http://"), "/")
	eachEngine(t, func(t *testing.T, engine string) {
		start := time.Now()
		pg := &demoPage{openTab(t, engine)}
		pg.load(pageURL)
		if url := pg.text(`document.querySelector("#url").value`); url != "ws://"+host+"/echo" {
			t.Fatalf("URL field %q, want the dev server's echo ws://%s/echo", url, host)
		}

		pg.setValue("#protocol", "chat")
		pg.click("#connect")
		pg.waitEntries("CONNECTED", 1)
		if e := pg.entry("CONNECTED", 0); !strings.Contains(e, "status=101") || !strings.Contains(e, `protocol="chat"`) {
			t.Errorf("CONNECTED entry %q", e)
		}

		pg.setValue("#message", "hello, text ✓")
		pg.click("#send-text")
		pg.waitEntries("MESSAGE", 1)
		pg.setValue("#message", "bin\x01ary")
		pg.click("#send-binary")
		pg.waitEntries("MESSAGE", 2)
		if e := pg.entry("MESSAGE", 0); !strings.Contains(e, "type=TEXT") || !strings.Contains(e, `"hello, text ✓"`) {
			t.Errorf("text echo entry %q", e)
		}
		if e := pg.entry("MESSAGE", 1); !strings.Contains(e, "type=BINARY") || !strings.Contains(e, "bytes=7") ||
			!strings.Contains(e, "62 69 6e 01 61 72 79") {
			t.Errorf("binary echo entry %q", e)
		}
		if n := strings.Count(pg.logText(), "SENT"); n != 2 {
			t.Errorf("%d SENT entries, want 2", n)
		}
		// 15 bytes of text and 7 of binary, each way.
		pg.waitStats("state open", "connects 1", "in 2 msg, 22 B", "out 2 msg, 22 B", "queued 0 B", "rtt n/a in a browser")

		// A code the browser forbids: disconnect throws, the page logs it,
		// and the connection stays open.
		pg.setValue("#close-code", "1001")
		pg.click("#disconnect")
		pg.waitEntries("THREW", 1)
		if e := pg.entry("THREW", 0); !strings.Contains(e, "RangeError: websocket.disconnect: code must be 1000 or an integer from 3000 to 4999, got the number 1001") {
			t.Errorf("THREW entry %q", e)
		}
		pg.waitStats("state open")

		pg.setValue("#close-code", "4001")
		pg.setValue("#close-reason", "bye ✓")
		pg.click("#disconnect")
		pg.waitEntries("DISCONNECTED", 1)
		if e := pg.entry("DISCONNECTED", 0); !strings.Contains(e, "code=4001") || !strings.Contains(e, `reason="bye ✓"`) {
			t.Errorf("DISCONNECTED entry %q", e)
		}
		pg.waitStats("state closed", "connects 1", "in 2 msg, 22 B", "out 2 msg, 22 B", "queued 0 B")
		elapsed := time.Since(start)

		shot := pg.screenshot(root, "demo.png")
		t.Logf("browser start to close code 4001: %v; screenshot %s", elapsed.Round(time.Millisecond), shot)
		t.Logf("log:\n%s", pg.logText())
	})
}

// TestDemoPageWithoutWasm: a page served without websocket.wasm says what
// to run instead of failing silently.
func TestDemoPageWithoutWasm(t *testing.T) {
	root := repoRoot(t)
	dir, web := site(t, root)
	if err := os.Remove(filepath.Join(dir, "websocket.wasm")); err != nil {
		t.Fatal(err)
	}
	pageURL := serve(t, web, dir, "websocket.wasm is missing")
	eachEngine(t, func(t *testing.T, engine string) {
		// Chromium logs the failed fetch.
		pg := openTab(t, engine, "404 (Not Found)")
		pg.navigate(pageURL)
		if err := pg.poll(`document.querySelector("#banner").offsetParent !== null`, 20*time.Second); err != nil {
			t.Fatalf("no banner: %v", err)
		}
		if banner := pg.text(`document.querySelector("#banner").innerText`); !strings.Contains(banner, "make demo") || !strings.Contains(banner, "404") {
			t.Errorf("banner %q, want the 404 and `make demo`", banner)
		}
		var disabled bool
		pg.must(`document.getElementById("connect").disabled`, &disabled)
		if !disabled {
			t.Errorf("Connect enabled without websocket.wasm")
		}
		pg.screenshot(root, "no-wasm.png")
	})
}

// demoPage reads and drives the demo page's event log.
type demoPage struct{ *tab }

// load opens the demo page and waits until it can connect.
func (p *demoPage) load(url string) {
	p.t.Helper()
	p.navigate(url)
	if err := p.poll(`!document.querySelector("#connect").disabled`, 30*time.Second); err != nil {
		p.t.Fatalf("%s: loading the page: %v\nconsole: %q", p.engine, err, p.console())
	}
}

// logText returns the whole log as the page shows it.
func (p *demoPage) logText() string {
	var s string
	p.eval(`document.getElementById("log").innerText`, &s)
	return s
}

// waitStats waits until the stats line shows every one of want.
func (p *demoPage) waitStats(want ...string) {
	p.t.Helper()
	js := `(() => { const s = document.getElementById("stats").innerText.replace(/\s+/g, " "); return ` +
		strings.Repeat("s.includes(%q) && ", len(want)) + `true; })()`
	args := make([]any, len(want))
	for i, w := range want {
		args[i] = w
	}
	if err := p.poll(fmt.Sprintf(js, args...), 30*time.Second); err != nil {
		p.t.Fatalf("%s: the stats line %q does not show %q: %v", p.engine, p.text(`document.getElementById("stats").innerText`), want, err)
	}
}

// waitEntries waits until the log has n entries of kind (CONNECTED, ...).
func (p *demoPage) waitEntries(kind string, n int) {
	p.t.Helper()
	if err := p.poll(fmt.Sprintf(`document.querySelectorAll('#log .entry[data-event=%q]').length >= %d`, kind, n), 30*time.Second); err != nil {
		p.t.Fatalf("%s: waiting for %d %s: %v\nlog:\n%s\nconsole: %q", p.engine, n, kind, err, p.logText(), p.console())
	}
}

// entry returns the text of the i-th log entry of kind, spaces folded.
func (p *demoPage) entry(kind string, i int) string {
	p.t.Helper()
	s := p.text(fmt.Sprintf(`document.querySelectorAll('#log .entry[data-event=%q]')[%d].innerText`, kind, i))
	return strings.Join(strings.Fields(s), " ")
}
