//go:build !js

// Package e2e runs the arena for real: the server and bots as processes,
// the game in headless Chromium (WebGL through SwiftShader) driven by
// chromedp, and the desktop build under xvfb-run. The game publishes its
// state for tests (?debug in the page: globalThis.arenaDebug; -debug
// natively: "arena-debug {...}" lines on stdout). Screenshots land in
// .cache/screenshots/ at the repo root.
//
//	make test-game    or    cd examples && go test ./e2e
package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/hybridws/websocket/tools/wasmrun/drive"
)

// built holds what the tests run, built once per test binary.
var (
	buildOnce sync.Once
	builtDir  string // the page's folder: index.html, wasm_exec.js, arena.wasm
	serverBin string
	botsBin   string
	buildErr  error
)

func repoRoot(t testing.TB) string {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func goBuild(dir string, env []string, out, pkg string) error {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
	}
	return nil
}

// build builds the game page (arena.wasm), the server and the bots into a
// folder that lives as long as the test binary.
func build(t testing.TB) {
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "arena-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		builtDir = filepath.Join(dir, "page")
		os.MkdirAll(builtDir, 0o755)
		serverBin, botsBin = filepath.Join(dir, "arena-server"), filepath.Join(dir, "arena-bots")
		goroot, err := exec.Command("go", "env", "GOROOT").Output()
		if err != nil {
			buildErr = err
			return
		}
		for _, f := range [][2]string{
			{filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"), "wasm_exec.js"},
			{"../arena/web/index.html", "index.html"},
		} {
			b, err := os.ReadFile(f[0])
			if err == nil {
				err = os.WriteFile(filepath.Join(builtDir, f[1]), b, 0o644)
			}
			if err != nil {
				buildErr = err
				return
			}
		}
		if buildErr = goBuild("..", []string{"GOOS=js", "GOARCH=wasm"}, filepath.Join(builtDir, "arena.wasm"), "./arena"); buildErr != nil {
			return
		}
		if buildErr = goBuild("..", nil, serverBin, "./arena/server"); buildErr != nil {
			return
		}
		buildErr = goBuild("..", nil, botsBin, "./arena/bots")
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
}

// freeAddr returns a loopback address nobody listens on right now.
func freeAddr(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// proc is a child process whose output the test can wait on.
type proc struct {
	cmd  *exec.Cmd
	mu   sync.Mutex
	out  strings.Builder
	done chan struct{}
}

// start runs name with args, collecting stdout and stderr, and stops it at
// the end of the test.
func start(t testing.TB, name string, args ...string) *proc {
	p := &proc{cmd: exec.Command(name, args...), done: make(chan struct{})}
	r, w := io.Pipe()
	p.cmd.Stdout, p.cmd.Stderr = w, w
	// Its own process group, so that stop reaches what it starts too
	// (xvfb-run starts Xvfb and the game).
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	p.cmd.WaitDelay = 5 * time.Second
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.out.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
		}
	}()
	go func() { p.cmd.Wait(); w.Close(); close(p.done) }()
	t.Cleanup(p.stop)
	return p
}

func (p *proc) output() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.out.String()
}

// stop ends the process and everything it started (SIGTERM, then
// SIGKILL after 3 s) and waits for it.
func (p *proc) stop() {
	pg := -p.cmd.Process.Pid
	syscall.Kill(pg, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(3 * time.Second):
	}
	syscall.Kill(pg, syscall.SIGKILL)
	<-p.done
}

// waitOutput waits until the output contains s.
func (p *proc) waitOutput(t testing.TB, s string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(p.output(), s) {
		if time.Now().After(deadline) {
			t.Fatalf("%s did not print %q in %v; output:\n%s", p.cmd.Path, s, timeout, p.output())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startServer runs the arena server on addr, serving the built page.
func startServer(t testing.TB, addr string) *proc {
	p := start(t, serverBin, "-addr", addr, "-static", builtDir)
	p.waitOutput(t, "game socket ws://"+addr, 20*time.Second)
	return p
}

// startBots runs n bots against the server at addr.
func startBots(t testing.TB, addr string, n int) *proc {
	return start(t, botsBin, "-url", "ws://"+addr+"/ws", "-n", fmt.Sprint(n))
}

// state is the game's debug state (see arena/debug.go).
type state struct {
	Status    string `json:"status"`
	State     string `json:"state"`
	Connected bool   `json:"connected"`
	ID        uint16 `json:"id"`
	Players   []struct {
		ID uint16  `json:"id"`
		PX float32 `json:"x"`
		PY float32 `json:"y"`
	} `json:"players"`
	RTTMS         float64 `json:"rtt_ms"`
	PingMS        float64 `json:"ping_ms"`
	Connects      int     `json:"connects"`
	MessagesIn    int64   `json:"messages_in"`
	Tick          uint32  `json:"tick"`
	Frames        int64   `json:"frames"`
	Hidden        bool    `json:"hidden"`
	HiddenChecks  int64   `json:"hidden_checks"`
	Queued        int     `json:"queued"`
	DispatchP50NS int64   `json:"dispatch_p50_ns"`
	DispatchP99NS int64   `json:"dispatch_p99_ns"`
	DispatchN     int64   `json:"dispatch_n"`
	BytesIn       int64   `json:"bytes_in"`
	Corrections   int64   `json:"corrections"`
	InterpMS      float64 `json:"interp_ms"`
	JitterMS      float64 `json:"jitter_ms"`
	InputFrame    int64   `json:"input_frame"`
	MoveFrame     int64   `json:"move_frame"`
	StopUnixMS    int64   `json:"stop_unix_ms"`
	ViewSettleMS  float64 `json:"view_settle_ms"`
	HeapBytes     uint64  `json:"heap_bytes"`
	LastError     string  `json:"last_error"`
	Screen        [3]int  `json:"screen"` // width, height, HUD height
}

// css maps the world's (x, y) to the page's CSS pixels in a vw x vh
// viewport: Ebitengine scales the screen (the HUD band, then the world)
// to fit and centres it.
func (s state) css(x, y float32, vw, vh float64) (float64, float64) {
	sw, sh, hud := float64(s.Screen[0]), float64(s.Screen[1]), float64(s.Screen[2])
	k := min(vw/sw, vh/sh)
	return (vw-sw*k)/2 + float64(x)*k, (vh-sh*k)/2 + (float64(y)+hud)*k
}

// player returns where the state shows player id.
func (s state) player(id uint16) (x, y float32, ok bool) {
	for _, p := range s.Players {
		if p.ID == id {
			return p.PX, p.PY, true
		}
	}
	return 0, 0, false
}

// chromium is the browser; CHROMIUM overrides it.
func chromium() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// newBrowser starts headless Chromium with WebGL through SwiftShader, on
// loopback only, and returns its first tab.
func newBrowser(t testing.TB) context.Context {
	if _, err := os.Stat(chromium()); err != nil {
		t.Fatalf("no Chromium at %s (make test-game installs it; or set CHROMIUM): %v", chromium(), err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium()),
		chromedp.Flag("use-angle", "swiftshader"),
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.WindowSize(800, 600),
	)
	// Loopback only, quiet: tools/chromium.flags, as every harness.
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	flags, err := drive.ChromiumFlags(root)
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
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.Disable, cdp.Empty{})
		return err
	})); err != nil {
		t.Fatalf("starting %s: %v", chromium(), err)
	}
	return ctx
}

// page is one game page in a tab.
type page struct {
	t    testing.TB
	name string
	ctx  context.Context
}

// openPage opens the game at url in a tab: the browser's first tab when
// first is true, else a new one.
func openPage(t testing.TB, bctx context.Context, name, url string, first bool) *page {
	ctx := bctx
	if !first {
		var cancel context.CancelFunc
		ctx, cancel = chromedp.NewContext(bctx)
		t.Cleanup(cancel)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(800, 600), chromedp.Navigate(url)); err != nil {
		t.Fatalf("%s: loading %s: %v", name, url, err)
	}
	return &page{t: t, name: name, ctx: ctx}
}

// state reads the page's debug state; ok is false before the game
// published one.
func (p *page) state() (state, bool) {
	s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`globalThis.arenaDebug || ""`))
	if err != nil || s == "" {
		return state{}, false
	}
	var st state
	if err := json.Unmarshal([]byte(s), &st); err != nil {
		p.t.Fatalf("%s: debug state %q: %v", p.name, s, err)
	}
	return st, true
}

// waitFor polls the page's state until cond holds, and returns that state.
func (p *page) waitFor(what string, timeout time.Duration, cond func(state) bool) state {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	var last state
	for {
		if st, ok := p.state(); ok {
			last = st
			if cond(st) {
				return st
			}
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s: waited %v for %s; last state: %+v", p.name, timeout, what, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// key sends a key down or up to the page, as a keyboard would.
func (p *page) key(down bool, key string, code int64) {
	typ := input.DispatchKeyEventTypeKeyUp
	if down {
		typ = input.DispatchKeyEventTypeRawKeyDown
	}
	if _, err := chromedp.Call(p.ctx, input.DispatchKeyEvent, input.DispatchKeyEventParams{
		Type: typ, Key: key, Code: key, WindowsVirtualKeyCode: code, NativeVirtualKeyCode: code,
	}); err != nil {
		p.t.Fatalf("%s: key %s: %v", p.name, key, err)
	}
}

// mouse presses (down) or releases the left button at the viewport's
// (x, y), in CSS pixels.
func (p *page) mouse(down bool, x, y float64) {
	typ, buttons := input.DispatchMouseEventTypeMouseReleased, int64(0)
	if down {
		typ, buttons = input.DispatchMouseEventTypeMousePressed, 1
	}
	if _, err := chromedp.Call(p.ctx, input.DispatchMouseEvent, input.DispatchMouseEventParams{
		Type: typ, X: x, Y: y, Button: input.MouseButtonLeft, Buttons: buttons, ClickCount: 1,
	}); err != nil {
		p.t.Fatalf("%s: mouse: %v", p.name, err)
	}
}

// setMinimized minimizes or restores the page's window: minimized, the
// page is hidden (document.hidden) and gets no animation frames.
func (p *page) setMinimized(min bool) {
	w, err := chromedp.Call(p.ctx, browser.GetWindowForTarget, browser.GetWindowForTargetParams{})
	if err != nil {
		p.t.Fatalf("%s: window: %v", p.name, err)
	}
	st := browser.WindowStateNormal
	if min {
		st = browser.WindowStateMinimized
	}
	if _, err := chromedp.CallBrowser(p.ctx, browser.SetWindowBounds, browser.SetWindowBoundsParams{WindowID: w.WindowID, Bounds: &browser.Bounds{WindowState: st}}); err != nil {
		p.t.Fatalf("%s: window state %s: %v", p.name, st, err)
	}
}

// screenshot saves the page's viewport as .cache/screenshots/name.
func (p *page) screenshot(name string) string {
	png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatalf("%s: screenshot: %v", p.name, err)
	}
	return saveShot(p.t, name, png)
}

func saveShot(t testing.TB, name string, png []byte) string {
	dir := filepath.Join(repoRoot(t), ".cache", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(dir, name)
	if err := os.WriteFile(f, png, 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}
