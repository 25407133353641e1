//go:build !js

package e2e

import (
	"bufio"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// startWeb runs the dev server on addr ("127.0.0.1:0": a free port) and
// returns the URL it prints and a func that kills it.
func startWeb(t *testing.T, web, dir, addr string) (string, func()) {
	t.Helper()
	cmd := exec.Command(web, "-addr", addr, "-dir", dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			cmd.Process.Kill()
			cmd.Wait()
		}
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
		return u, stop
	case <-time.After(20 * time.Second):
		t.Fatal("the dev server printed no URL")
		return "", nil
	}
}

// The demo page with "Reconnect" ticked: the dev server is killed under
// the page and started again on the same port; the page logs ERROR with
// the wait (retry in N ms), then CONNECTED again, and echoes again.
func TestDemoPageReconnect(t *testing.T) {
	root := repoRoot(t)
	dir, web := site(t, root)
	pageURL, stop := startWeb(t, web, dir, "127.0.0.1:0")
	host := strings.TrimSuffix(strings.TrimPrefix(pageURL, "http://"), "/")
	// Chromium logs each refused attempt while the server is down.
	ctx, consoleLog := browser(t, "WebSocket connection to")

	logText := func() string {
		s, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("log").innerText`))
		return s
	}
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v\nlog:\n%s\nconsole: %q", what, err, logText(), consoleLog())
		}
	}
	waitEntries := func(kind string, n int) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(
			`document.querySelectorAll('#log .entry[data-event=%q]').length >= %d`, kind, n),
			chromedp.WithPollingTimeout(30*time.Second))); err != nil {
			t.Fatalf("waiting for %d %s: %v\nlog:\n%s\nconsole: %q", n, kind, err, logText(), consoleLog())
		}
	}
	entry := func(kind string, i int) string {
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(
			`document.querySelectorAll('#log .entry[data-event=%q]')[%d].innerText`, kind, i)))
		if err != nil {
			t.Fatalf("reading %s entry %d: %v", kind, i, err)
		}
		return strings.Join(strings.Fields(s), " ")
	}
	status := func() string {
		s, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#status")))
		return s
	}

	step("loading the page", chromedp.EmulateViewport(1280, 760), chromedp.Navigate(pageURL), chromedp.WaitEnabled(chromedp.CSS("#connect")))
	step("connecting with reconnect", chromedp.Click(chromedp.CSS("#reconnect")), chromedp.Click(chromedp.CSS("#connect")))
	waitEntries("CONNECTED", 1)
	if !strings.Contains(logText(), "reconnect: {}") {
		t.Errorf("the CALL entry does not show params.reconnect:\n%s", logText())
	}
	step("sending", chromedp.SetValue(chromedp.CSS("#message"), "before"), chromedp.Click(chromedp.CSS("#send-text")))
	waitEntries("MESSAGE", 1)

	stop()
	waitEntries("ERROR", 1)
	if e := entry("ERROR", 0); !strings.Contains(e, "retry in") {
		t.Errorf("ERROR entry %q does not show the wait", e)
	}
	if s := status(); !strings.Contains(s, "reconnecting in") {
		t.Errorf("status %q while the server is down", s)
	}
	time.Sleep(500 * time.Millisecond) // let an attempt or two fail
	startWeb(t, web, dir, host)
	waitEntries("CONNECTED", 2)
	step("sending again", chromedp.SetValue(chromedp.CSS("#message"), "after"), chromedp.Click(chromedp.CSS("#send-text")))
	waitEntries("MESSAGE", 2)
	if e := entry("MESSAGE", 1); !strings.Contains(e, `"after"`) {
		t.Errorf("echo after the restart %q", e)
	}
	if n := strings.Count(logText(), "DISCONNECTED"); n != 0 {
		t.Errorf("%d DISCONNECTED entries while reconnecting", n)
	}
	step("disconnecting", chromedp.Click(chromedp.CSS("#disconnect")))
	waitEntries("DISCONNECTED", 1)
	shot := saveScreenshot(t, ctx, root, "demo-reconnect.png")
	t.Logf("screenshot %s; log:\n%s", shot, logText())
}
