//go:build !js

package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hybridws/websocket/tools/wasmrun/drive"
)

// The page tests run in every engine a player uses: Chromium through
// chromedp, Firefox and WebKit through the drivers of tools/wasmrun
// (WebDriver BiDi, WebDriver). E2E_ENGINES narrows them ("firefox webkit").
func engines() []string {
	if s := os.Getenv("E2E_ENGINES"); s != "" {
		return strings.Fields(s)
	}
	return []string{"chromium", "firefox", "webkit"}
}

// eachEngine runs test as a subtest per engine.
func eachEngine(t *testing.T, test func(t *testing.T, engine string)) {
	for _, e := range engines() {
		t.Run(e, func(t *testing.T) { test(t, e) })
	}
}

// tab is one page in one engine, driven through JavaScript, as a person
// would see it: the same checks run in every engine.
type tab struct {
	t       *testing.T
	engine  string
	ctx     context.Context // chromedp's tab in Chromium, else the drive calls' context
	b       *drive.Browser  // in Firefox and WebKit
	console func() []string
}

// openTab starts engine with a blank page. The test fails if the page
// logs an error or throws, unless the message contains one of expected.
func openTab(t *testing.T, engine string, expected ...string) *tab {
	t.Helper()
	if engine == "chromium" {
		ctx, console := browser(t, expected...)
		return &tab{t: t, engine: engine, ctx: ctx, console: console}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	b, err := drive.Start(ctx, engine, drive.Options{Width: 1280, Height: 760})
	if err != nil {
		cancel()
		t.Fatalf("%v (make test-e2e installs the browsers)", err)
	}
	tb := &tab{t: t, engine: engine, ctx: ctx, b: b, console: b.Console}
	t.Cleanup(func() {
		checkConsole(t, b.Console(), expected)
		b.Close()
		cancel()
	})
	return tb
}

// checkConsole fails t for every error or exception in console that
// contains none of expected.
func checkConsole(t *testing.T, console, expected []string) {
next:
	for _, c := range console {
		if !strings.HasPrefix(c, "error") && !strings.HasPrefix(c, "exception") {
			continue
		}
		for _, e := range expected {
			if strings.Contains(c, e) {
				continue next
			}
		}
		t.Errorf("console %s", c)
	}
}

// navigate loads url and waits until it has loaded.
func (p *tab) navigate(url string) {
	p.t.Helper()
	var err error
	if p.b != nil {
		err = p.b.Navigate(p.ctx, url)
	} else {
		err = chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 760), chromedp.Navigate(url))
	}
	if err != nil {
		p.t.Fatalf("%s: %v", p.engine, err)
	}
}

// eval evaluates the JavaScript expression expr, awaits it if it is a
// promise, and stores its value, through JSON, in out (unless nil). In
// Chromium the evaluation obeys the page's Content-Security-Policy
// (underCSP), as the pages' own scripts do.
func (p *tab) eval(expr string, out any) error {
	if p.b != nil {
		return p.b.Eval(p.ctx, expr, out)
	}
	s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](
		"(async () => { const v = await ("+expr+"\n); return v === undefined ? \"null\" : JSON.stringify(v); })()",
		chromedp.EvalAwaitPromise, underCSP))
	if err != nil || out == nil {
		return err
	}
	return json.Unmarshal([]byte(s), out)
}

// must is eval that fails the test on an error.
func (p *tab) must(expr string, out any) {
	p.t.Helper()
	if err := p.eval(expr, out); err != nil {
		p.t.Fatalf("%s: %s: %v; console %q", p.engine, expr, err, p.console())
	}
}

// poll waits until expr is true, for at most timeout.
func (p *tab) poll(expr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		var ok bool
		err := p.eval("!!("+expr+")", &ok)
		switch {
		case err == nil && ok:
			return nil
		case time.Now().After(deadline):
			if err == nil {
				err = fmt.Errorf("%s is still false after %v", expr, timeout)
			}
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The page's controls, by CSS selector.
func (p *tab) click(sel string) { p.must(fmt.Sprintf(`document.querySelector(%q).click()`, sel), nil) }

func (p *tab) setValue(sel, v string) {
	p.must(fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = %q; e.dispatchEvent(new Event("input")); })()`, sel, v), nil)
}

func (p *tab) text(expr string) string {
	var s string
	p.must(expr, &s)
	return s
}

// screenshot saves the page's viewport as .cache/screenshots/name with
// the engine's name before the extension, except in Chromium
// (demo.png, demo-firefox.png, ...), and returns the file.
func (p *tab) screenshot(root, name string) string {
	p.t.Helper()
	var png []byte
	var err error
	if p.b != nil {
		png, err = p.b.Screenshot(p.ctx)
		ext := filepath.Ext(name)
		name = strings.TrimSuffix(name, ext) + "-" + p.engine + ext
	} else {
		png, err = chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	}
	if err != nil {
		p.t.Fatalf("%s: screenshot: %v", p.engine, err)
	}
	shots := filepath.Join(root, ".cache", "screenshots")
	if err := os.MkdirAll(shots, 0o755); err != nil {
		p.t.Fatal(err)
	}
	shot := filepath.Join(shots, name)
	if err := os.WriteFile(shot, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
	return shot
}
