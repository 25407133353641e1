package drive

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// webDriver is a WebKitGTK MiniBrowser driven over WebDriver by
// WebKitWebDriver, on a private Xvfb display (the GTK MiniBrowser has no
// headless mode).
type webDriver struct {
	xvfb, driver *process
	base         string // http://127.0.0.1:port/session/id
	client       *http.Client
	console      func(level, text string)
}

// consoleHook makes the page keep what it logs, for drainConsole: in
// automation mode MiniBrowser writes no console messages anywhere, and
// WebDriver has no way to read them. So only the page's own console calls
// and uncaught exceptions after it loaded are seen, not the browser's own
// messages (a refused WebSocket, a Content-Security-Policy violation).
const consoleHook = `if (!window.__driveConsole) {
	const log = window.__driveConsole = [];
	for (const level of ["debug", "log", "info", "warn", "error"]) {
		const orig = console[level].bind(console);
		console[level] = (...a) => {
			log.push([level, a.map(String).join(" ")]);
			orig(...a);
		};
	}
	addEventListener("error", (e) => log.push(["error", String(e.error ?? e.message)]));
	addEventListener("unhandledrejection", (e) => log.push(["error", "unhandled rejection: " + e.reason]));
}
return null;`

func startWebKit(ctx context.Context, o Options, console func(level, text string)) (_ session, err error) {
	driverBin, err := lookPath("WebKitWebDriver (Debian: webkit2gtk-driver)", os.Getenv("WEBKIT_WEBDRIVER"), "WebKitWebDriver")
	if err != nil {
		return nil, err
	}
	mini, err := miniBrowser()
	if err != nil {
		return nil, err
	}
	w := &webDriver{client: &http.Client{}, console: console}
	defer func() {
		if err != nil {
			w.close()
		}
	}()
	var display string
	if w.xvfb, display, err = startXvfb(o); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(driverBin, "--port="+strconv.Itoa(port), "--host=local")
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	cmd.Stdout, cmd.Stderr = o.Log, o.Log
	if w.driver, err = startProcess(cmd); err != nil {
		return nil, err
	}
	root := "http://127.0.0.1:" + strconv.Itoa(port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var status struct {
			Ready bool `json:"ready"`
		}
		if err := w.do(ctx, "GET", root+"/status", nil, &status); err == nil && status.Ready {
			break
		}
		if err := w.driver.exited(); err != nil {
			return nil, err
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("WebKitWebDriver did not answer on %s within 30s", root)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var s struct {
		SessionID string `json:"sessionId"`
	}
	if err := w.do(ctx, "POST", root+"/session", map[string]any{"capabilities": map[string]any{
		"alwaysMatch": map[string]any{"webkitgtk:browserOptions": map[string]any{
			"binary": mini,
			// args replaces MiniBrowser's default: --automation stays.
			"args": []string{"--automation"},
		}},
	}}, &s); err != nil {
		return nil, err
	}
	w.base = root + "/session/" + s.SessionID
	if err := w.do(ctx, "POST", w.base+"/timeouts", map[string]int{"script": int((30 * time.Minute).Milliseconds())}, nil); err != nil {
		return nil, err
	}
	if err := w.do(ctx, "POST", w.base+"/window/rect", map[string]int{"width": o.Width, "height": o.Height}, nil); err != nil {
		return nil, err
	}
	return w, nil
}

// miniBrowser finds WebKitGTK's MiniBrowser, which webkit2gtk-driver
// starts for automation.
func miniBrowser() (string, error) {
	if p := os.Getenv("WEBKIT_MINIBROWSER"); p != "" {
		return p, nil
	}
	for _, v := range []string{"webkit2gtk-4.1", "webkit2gtk-4.0", "webkitgtk-6.0"} {
		if m, _ := filepath.Glob("/usr/lib/*/" + v + "/MiniBrowser"); len(m) > 0 {
			return m[0], nil
		}
	}
	return "", errors.New("WebKitGTK's MiniBrowser not found in /usr/lib/*/webkit2gtk-4.1 (Debian: webkit2gtk-driver)")
}

// freePort returns a loopback port that nothing listened on a moment ago.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// do sends one WebDriver command and stores its value in result unless
// that is nil.
func (w *webDriver) do(ctx context.Context, method, url string, body, result any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var r struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("%s %s: HTTP %d, %.200q", method, url, resp.StatusCode, b)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error   string `json:"error"`
			Message string `json:"message"`
		}
		json.Unmarshal(r.Value, &e)
		return fmt.Errorf("%s: %s", e.Error, e.Message)
	}
	if result != nil {
		return json.Unmarshal(r.Value, result)
	}
	return nil
}

func (w *webDriver) navigate(ctx context.Context, url string) error {
	w.drainConsole(ctx) // what the page before logged
	if err := w.do(ctx, "POST", w.base+"/url", map[string]string{"url": url}, nil); err != nil {
		return err
	}
	return w.do(ctx, "POST", w.base+"/execute/sync", map[string]any{"script": consoleHook, "args": []any{}}, nil)
}

// drainConsole moves what the page logged since the last call to
// w.console.
func (w *webDriver) drainConsole(ctx context.Context) {
	var entries [][2]string
	w.do(ctx, "POST", w.base+"/execute/sync", map[string]any{
		"script": "return window.__driveConsole ? window.__driveConsole.splice(0) : []", "args": []any{},
	}, &entries)
	for _, e := range entries {
		w.console(e[0], e[1])
	}
}

func (w *webDriver) evaluate(ctx context.Context, script string) (string, error) {
	var s string
	err := w.do(ctx, "POST", w.base+"/execute/sync", map[string]any{"script": "return " + script, "args": []any{}}, &s)
	return s, err
}

func (w *webDriver) screenshot(ctx context.Context) ([]byte, error) {
	var s string
	if err := w.do(ctx, "GET", w.base+"/screenshot", nil, &s); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(s)
}

func (w *webDriver) close() error {
	if w.base != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		w.do(ctx, "DELETE", w.base, nil, nil)
		cancel()
	}
	if w.driver != nil {
		w.driver.stop(2 * time.Second)
	}
	if w.xvfb != nil {
		w.xvfb.stop(0)
	}
	return nil
}
