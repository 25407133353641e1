//go:build !js

package e2e

import (
	"strings"
	"testing"
	"time"
)

// The demo page with "Reconnect" ticked: the dev server is killed under
// the page and started again on the same port; the page logs ERROR with
// the wait (retry in N ms), then CONNECTED again, and echoes again.
func TestDemoPageReconnect(t *testing.T) {
	root := repoRoot(t)
	dir, web := site(t, root)
	eachEngine(t, func(t *testing.T, engine string) {
		pageURL, stop, _ := startWeb(t, web, dir, "127.0.0.1:0")
		host := strings.TrimSuffix(strings.TrimPrefix(pageURL, "http://"), "/")
		// Chromium and Firefox log each refused attempt while the server
		// is down.
		pg := &demoPage{openTab(t, engine, "WebSocket connection to", "can’t establish a connection")}
		pg.load(pageURL)
		pg.click("#reconnect")
		pg.click("#connect")
		pg.waitEntries("CONNECTED", 1)
		if !strings.Contains(pg.logText(), "reconnect: {}") {
			t.Errorf("the CALL entry does not show params.reconnect:\n%s", pg.logText())
		}
		pg.setValue("#message", "before")
		pg.click("#send-text")
		pg.waitEntries("MESSAGE", 1)

		stop()
		pg.waitEntries("ERROR", 1)
		if e := pg.entry("ERROR", 0); !strings.Contains(e, "retry in") {
			t.Errorf("ERROR entry %q does not show the wait", e)
		}
		if s := pg.text(`document.querySelector("#status").innerText`); !strings.Contains(s, "reconnecting in") {
			t.Errorf("status %q while the server is down", s)
		}
		time.Sleep(500 * time.Millisecond) // let an attempt or two fail
		startWeb(t, web, dir, host)
		pg.waitEntries("CONNECTED", 2)
		pg.setValue("#message", "after")
		pg.click("#send-text")
		pg.waitEntries("MESSAGE", 2)
		if e := pg.entry("MESSAGE", 1); !strings.Contains(e, `"after"`) {
			t.Errorf("echo after the restart %q", e)
		}
		if n := strings.Count(pg.logText(), "DISCONNECTED"); n != 0 {
			t.Errorf("%d DISCONNECTED entries while reconnecting", n)
		}
		pg.click("#disconnect")
		pg.waitEntries("DISCONNECTED", 1)
		shot := pg.screenshot(root, "demo-reconnect.png")
		t.Logf("screenshot %s; log:\n%s", shot, pg.logText())
	})
}
