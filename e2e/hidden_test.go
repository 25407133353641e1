//go:build !js

package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/coder/websocket"
)

// A hidden tab (issue 11): a game loop on requestAnimationFrame stops when
// the page is hidden, while its WebSocket keeps receiving. Headless
// Chromium hides a page when its window is minimized (Browser.
// setWindowBounds): document.visibilityState turns "hidden" and
// requestAnimationFrame stops, as in a desktop browser; timers go on.
//
// Without a fallback the connection must end by the Queue's browser bound
// (ERROR ErrQueueFull, close 1000 to the server), never grow without end;
// with README's fallback (dispatch from a timer while hidden) it must
// stay up. Both recover when the page is shown again.

// loopStats is what looppage reports.
type loopStats struct {
	Frames, Timer, Messages, OutOfSeq int
	Connected                         bool
	Error                             string
	Code                              int
	Heap                              uint64
}

// streamServer serves the loop page and, at /stream, a WebSocket that
// sends numbered 16 KiB messages at about 10 MiB/s until the client
// closes; the close code and reason it got arrive on closed.
type streamServer struct {
	url    string
	sent   atomic.Int64
	closed chan websocket.CloseError
}

func newStreamServer(t *testing.T, dir string) *streamServer {
	s := &streamServer{closed: make(chan websocket.CloseError, 1)}
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServer(http.Dir(dir)))
	mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx, stop := context.WithCancel(r.Context())
		defer stop()
		go func() {
			defer stop()
			_, _, err := c.Read(ctx)
			var ce websocket.CloseError
			if !errors.As(err, &ce) {
				ce.Code = -1
			}
			s.closed <- ce
		}()
		msg := make([]byte, 16<<10)
		for i := 0; i < 20000 && ctx.Err() == nil; i++ {
			copy(msg, fmt.Sprintf("%08d", i))
			if c.Write(ctx, websocket.MessageBinary, msg) != nil {
				return
			}
			s.sent.Add(1)
			if i%16 == 15 {
				time.Sleep(25 * time.Millisecond)
			}
		}
		<-ctx.Done()
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

// loopSite builds looppage into a fresh folder with a page that runs it.
func loopSite(t *testing.T) string {
	root := repoRoot(t)
	dir := t.TempDir()
	goroot := strings.TrimSpace(output(t, root, "go", "env", "GOROOT"))
	copyFile(t, filepath.Join(goroot, "lib", "wasm", "wasm_exec.js"), filepath.Join(dir, "wasm_exec.js"))
	run(t, filepath.Join(root, "e2e"), []string{"GOOS=js", "GOARCH=wasm"}, "go", "build", "-o", filepath.Join(dir, "loop.wasm"), "./looppage")
	page := `<!doctype html><meta charset="utf-8"><title>loop</title><link rel="icon" href="data:,"><script src="wasm_exec.js"></script><script>
const go = new Go();
WebAssembly.instantiateStreaming(fetch("loop.wasm"), go.importObject).then(r => go.run(r.instance));
</script>`
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func output(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(b)
}

func stats(t *testing.T, ctx context.Context) loopStats {
	t.Helper()
	js, err := chromedp.Run(ctx, chromedp.Evaluate[string](`typeof loopStats === "function" ? loopStats() : "{}"`))
	if err != nil {
		t.Fatalf("loopStats: %v", err)
	}
	var s loopStats
	if err := json.Unmarshal([]byte(js), &s); err != nil {
		t.Fatalf("loopStats %q: %v", js, err)
	}
	return s
}

// waitStats polls the page until ok holds.
func waitStats(t *testing.T, ctx context.Context, what string, ok func(loopStats) bool) loopStats {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := stats(t, ctx)
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: %+v", what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// setWindow minimizes (hides the page) or restores the tab's window.
func setWindow(t *testing.T, ctx context.Context, state cdpbrowser.WindowState) {
	t.Helper()
	w, err := chromedp.CallBrowser(ctx, cdpbrowser.GetWindowForTarget, cdpbrowser.GetWindowForTargetParams{TargetID: chromedp.FromContext(ctx).Target.TargetID})
	if err == nil {
		_, err = chromedp.CallBrowser(ctx, cdpbrowser.SetWindowBounds, cdpbrowser.SetWindowBoundsParams{WindowID: w.WindowID, Bounds: &cdpbrowser.Bounds{WindowState: state}})
	}
	if err != nil {
		t.Fatalf("window %s: %v", state, err)
	}
	want := "hidden"
	if state == cdpbrowser.WindowStateNormal {
		want = "visible"
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.visibilityState === "`+want+`"`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the page did not become %s after the window was set %s: %v", want, state, err)
	}
}

func TestHiddenTab(t *testing.T) {
	dir := loopSite(t)
	for _, fallback := range []bool{false, true} {
		t.Run(fmt.Sprintf("fallback=%v", fallback), func(t *testing.T) {
			srv := newStreamServer(t, dir)
			ctx, _ := browser(t)
			u := srv.url + "/?ws=" + strings.Replace(srv.url, "http://", "ws://", 1) + "/stream"
			if fallback {
				u += "&fallback=1"
			}
			if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
				t.Fatal(err)
			}
			waitStats(t, ctx, "messages dispatched by requestAnimationFrame", func(s loopStats) bool { return s.Messages > 50 && s.Frames > 0 })
			setWindow(t, ctx, cdpbrowser.WindowStateMinimized)
			frames := stats(t, ctx).Frames
			if !fallback {
				// The loop stopped; 16 MiB later the connection fails and
				// the server gets close 1000 with the reason.
				select {
				case ce := <-srv.closed:
					if ce.Code != websocket.StatusNormalClosure || !strings.Contains(ce.Reason, "dispatching") {
						t.Errorf("the server got close %d %q, want 1000 and a reason about dispatching", ce.Code, ce.Reason)
					}
				case <-time.After(60 * time.Second):
					t.Fatalf("the hidden page's connection never ended; %d messages sent, page %+v", srv.sent.Load(), stats(t, ctx))
				}
				s := stats(t, ctx)
				if s.Frames != frames {
					t.Errorf("requestAnimationFrame ran %d times while hidden: the page is not really hidden", s.Frames-frames)
				}
				if s.Heap > 64<<20 {
					t.Errorf("the wasm heap holds %d MiB while hidden: not bounded", s.Heap>>20)
				}
				t.Logf("hidden: %d messages sent, heap %.1f MiB", srv.sent.Load(), float64(s.Heap)/(1<<20))
				setWindow(t, ctx, cdpbrowser.WindowStateNormal)
				s = waitStats(t, ctx, "DISCONNECTED after the page came back", func(s loopStats) bool { return s.Code != -1 })
				if s.Code != 1000 || !strings.Contains(s.Error, "stopped dispatching") || s.OutOfSeq != 0 || s.Messages < 1000 {
					t.Errorf("after the page came back: %+v; want code 1000, ERROR about dispatching, 1000+ messages in order", s)
				}
				return
			}
			// With the fallback the timer dispatches while hidden, while
			// more than the 16 MiB bound streams in, and the connection stays.
			before := srv.sent.Load()
			deadline := time.Now().Add(60 * time.Second)
			for srv.sent.Load()-before < 1100 { // 17.2 MiB
				if time.Now().After(deadline) {
					t.Fatalf("only %d messages sent in 60s while hidden", srv.sent.Load()-before)
				}
				time.Sleep(50 * time.Millisecond)
			}
			s := stats(t, ctx)
			if s.Frames != frames || s.Timer == 0 || s.Error != "" || s.Code != -1 {
				t.Fatalf("hidden with the fallback: %+v (frames were %d)", s, frames)
			}
			setWindow(t, ctx, cdpbrowser.WindowStateNormal)
			waitStats(t, ctx, "frames again", func(s loopStats) bool { return s.Frames > frames })
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`loopDisconnect()`)); err != nil {
				t.Fatal(err)
			}
			s = waitStats(t, ctx, "DISCONNECTED", func(s loopStats) bool { return s.Code != -1 })
			if s.Code != 1000 || s.Error != "" || s.OutOfSeq != 0 {
				t.Errorf("after Disconnect: %+v", s)
			}
			select {
			case ce := <-srv.closed:
				if ce.Code != websocket.StatusNormalClosure || ce.Reason != "" {
					t.Errorf("the server got close %d %q, want 1000", ce.Code, ce.Reason)
				}
			case <-time.After(20 * time.Second):
				t.Error("the server got no close frame")
			}
		})
	}
}
