//go:build !js

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The demo page with "Reconnect" ticked: the dev server is killed under
// the page and started again on the same port; the page logs ERROR with
// the wait (retry in N ms), then CONNECTED again, and echoes again.
func TestDemoPageReconnect(t *testing.T) {
	root := repoRoot(t)
	dir, web := site(t, root)
	pageURL, stop, _ := startWeb(t, web, dir, "127.0.0.1:0")
	host := strings.TrimSuffix(strings.TrimPrefix(pageURL, "http://"), "/")
	// Chromium logs each refused attempt while the server is down.
	ctx, consoleLog := browser(t, "WebSocket connection to")

	pg := &demoPage{t: t, ctx: ctx, console: consoleLog}
	logText, step, waitEntries, entry := pg.logText, pg.step, pg.waitEntries, pg.entry
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
