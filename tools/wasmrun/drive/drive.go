// Package drive starts a browser other than Chromium and drives its one
// page: Firefox over WebDriver BiDi (its built-in remote agent, no
// geckodriver), WebKitGTK over WebDriver (WebKitWebDriver starting
// MiniBrowser under a private Xvfb). Both stay on loopback.
//
// It is the part of wasmrun that the end-to-end tests (e2e/, examples/)
// use too: navigate, evaluate, take a screenshot, read the console.
package drive

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Engines lists the engines Start knows, by the names it takes.
var Engines = []string{"firefox", "webkit"}

// Options says how to start a browser.
type Options struct {
	// Log receives the browser's own output (its stderr, the driver's
	// log); nil discards it.
	Log io.Writer
	// Width and Height size the page's window; 0 means 1280x800.
	Width, Height int
	// Headed runs Firefox with a window on a private Xvfb display, as
	// WebKit always runs, instead of headless: headless Firefox has no
	// WebGL.
	Headed bool
}

// Browser is one running browser with one page.
type Browser struct {
	engine string
	s      session

	mu      sync.Mutex
	console []string
}

// session is what each engine's driver provides.
type session interface {
	navigate(ctx context.Context, url string) error
	// evaluate runs a script whose value, once awaited, is JSON text.
	evaluate(ctx context.Context, script string) (string, error)
	screenshot(ctx context.Context) ([]byte, error)
	close() error
}

// Start starts engine ("firefox" or "webkit") with a blank page. Close
// ends it.
func Start(ctx context.Context, engine string, o Options) (*Browser, error) {
	if o.Log == nil {
		o.Log = io.Discard
	}
	if o.Width == 0 || o.Height == 0 {
		o.Width, o.Height = 1280, 800
	}
	b := &Browser{engine: engine}
	var err error
	switch engine {
	case "firefox":
		b.s, err = startFirefox(ctx, o, b.addConsole)
	case "webkit":
		b.s, err = startWebKit(ctx, o, b.addConsole)
	default:
		return nil, fmt.Errorf("drive: unknown engine %q: want one of %s", engine, strings.Join(Engines, ", "))
	}
	if err != nil {
		return nil, fmt.Errorf("drive: starting %s: %w", engine, err)
	}
	return b, nil
}

// Engine returns the engine's name, as given to Start.
func (b *Browser) Engine() string { return b.engine }

// Navigate loads url in the page and waits until it has loaded.
func (b *Browser) Navigate(ctx context.Context, url string) error {
	if err := b.s.navigate(ctx, url); err != nil {
		return fmt.Errorf("drive: %s: navigating to %s: %w", b.engine, url, err)
	}
	return nil
}

// Eval evaluates the JavaScript expression expr in the page, awaits it if
// it is a promise, and stores its value (which must survive
// JSON.stringify) in out, unless out is nil. A thrown exception or a
// rejected promise is the error.
func (b *Browser) Eval(ctx context.Context, expr string, out any) error {
	script := "(async () => { const v = await (" + expr + "\n); return v === undefined ? \"null\" : JSON.stringify(v); })()"
	s, err := b.s.evaluate(ctx, script)
	if err != nil {
		return fmt.Errorf("drive: %s: %.80s: %w", b.engine, expr, err)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal([]byte(s), out); err != nil {
		return fmt.Errorf("drive: %s: %.80s gave %.200q: %w", b.engine, expr, s, err)
	}
	return nil
}

// Screenshot returns the page's viewport as a PNG.
func (b *Browser) Screenshot(ctx context.Context) ([]byte, error) {
	png, err := b.s.screenshot(ctx)
	if err != nil {
		return nil, fmt.Errorf("drive: %s: screenshot: %w", b.engine, err)
	}
	return png, nil
}

// Console returns what the page wrote to its console so far, one entry
// per message, each starting with its level ("error: ..."). Firefox gives
// every message, the browser's own included; WebKit only the page's own
// console calls and uncaught exceptions after it loaded.
func (b *Browser) Console() []string {
	if w, ok := b.s.(*webDriver); ok {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		w.drainConsole(ctx)
		cancel()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.console...)
}

func (b *Browser) addConsole(level, text string) {
	b.mu.Lock()
	b.console = append(b.console, level+": "+text)
	b.mu.Unlock()
}

// Close ends the browser and every process it started.
func (b *Browser) Close() error { return b.s.close() }

// process is a child process in a process group of its own, so that
// stop ends the helpers it started too.
type process struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// startProcess starts cmd in a process group of its own.
func startProcess(cmd *exec.Cmd) (*process, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// stop waits up to grace for the process to exit by itself, then kills
// its process group and waits for it.
func (p *process) stop(grace time.Duration) {
	select {
	case <-p.done:
	case <-time.After(grace):
	}
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.done
}

// exited returns an error once the process has exited, nil while it runs.
func (p *process) exited() error {
	select {
	case <-p.done:
		if p.err == nil {
			return errors.New(p.cmd.Path + " exited")
		}
		return fmt.Errorf("%s exited: %w", p.cmd.Path, p.err)
	default:
		return nil
	}
}

// lookPath returns the first of names found: an absolute path that exists,
// or a name on PATH.
func lookPath(what string, names ...string) (string, error) {
	for _, n := range names {
		if strings.HasPrefix(n, "/") {
			if _, err := os.Stat(n); err == nil {
				return n, nil
			}
			continue
		}
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found (looked for %s)", what, strings.Join(names, ", "))
}

// startXvfb starts a private X display and returns its name (":N").
func startXvfb(o Options) (*process, string, error) {
	bin, err := lookPath("Xvfb (Debian: xvfb)", "Xvfb")
	if err != nil {
		return nil, "", err
	}
	r, wr, err := os.Pipe()
	if err != nil {
		return nil, "", err
	}
	defer r.Close()
	cmd := exec.Command(bin, "-displayfd", "3", "-nolisten", "tcp",
		"-screen", "0", fmt.Sprintf("%dx%dx24", o.Width+64, o.Height+128))
	cmd.ExtraFiles = []*os.File{wr}
	cmd.Stdout, cmd.Stderr = o.Log, o.Log
	xvfb, err := startProcess(cmd)
	wr.Close()
	if err != nil {
		return nil, "", err
	}
	// Xvfb writes the display number it chose to fd 3 once it is ready.
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case n := <-line:
		if _, err := strconv.Atoi(n); err != nil {
			xvfb.stop(0)
			return nil, "", fmt.Errorf("Xvfb did not start (it said %q)", n)
		}
		return xvfb, ":" + n, nil
	case <-time.After(30 * time.Second):
		xvfb.stop(0)
		return nil, "", errors.New("Xvfb gave no display within 30s")
	}
}
