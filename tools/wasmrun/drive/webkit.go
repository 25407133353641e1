package drive

import (
	"bufio"
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
	"regexp"
	"strconv"
	"strings"
	"time"
)

// webDriver is a WebKitGTK MiniBrowser driven over WebDriver by
// WebKitWebDriver, on a private Xvfb display (the GTK MiniBrowser has no
// headless mode).
type webDriver struct {
	xvfb, driver *process
	base         string // http://127.0.0.1:port/session/id
	client       *http.Client
}

// webKitConsole matches what MiniBrowser prints for a console message with
// --enable-write-console-messages-to-stdout: "CONSOLE JS ERROR text".
var webKitConsole = regexp.MustCompile(`^CONSOLE (\S+) (\S+) (.*)$`)

func startWebKit(ctx context.Context, o Options, console func(level, text string)) (_ session, err error) {
	driverBin, err := lookPath("WebKitWebDriver (Debian: webkit2gtk-driver)", os.Getenv("WEBKIT_WEBDRIVER"), "WebKitWebDriver")
	if err != nil {
		return nil, err
	}
	mini, err := miniBrowser()
	if err != nil {
		return nil, err
	}
	w := &webDriver{client: &http.Client{}}
	defer func() {
		if err != nil {
			w.close()
		}
	}()
	display, err := w.startXvfb(o)
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(driverBin, "--port="+strconv.Itoa(port), "--host=local")
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	// MiniBrowser, started by the driver, writes the page's console to
	// this stdout.
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = o.Log
	if w.driver, err = startProcess(cmd); err != nil {
		return nil, err
	}
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if m := webKitConsole.FindStringSubmatch(sc.Text()); m != nil {
				console(strings.ToLower(m[2]), m[3])
				continue
			}
			fmt.Fprintln(o.Log, sc.Text())
		}
		io.Copy(io.Discard, out)
	}()
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
			"args": []string{"--automation", "--enable-write-console-messages-to-stdout=true"},
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

// startXvfb starts a private X display and returns its name (":N").
func (w *webDriver) startXvfb(o Options) (string, error) {
	bin, err := lookPath("Xvfb (Debian: xvfb)", "Xvfb")
	if err != nil {
		return "", err
	}
	r, wr, err := os.Pipe()
	if err != nil {
		return "", err
	}
	defer r.Close()
	cmd := exec.Command(bin, "-displayfd", "3", "-nolisten", "tcp",
		"-screen", "0", fmt.Sprintf("%dx%dx24", o.Width+64, o.Height+128))
	cmd.ExtraFiles = []*os.File{wr}
	cmd.Stdout, cmd.Stderr = o.Log, o.Log
	w.xvfb, err = startProcess(cmd)
	wr.Close()
	if err != nil {
		return "", err
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
			return "", fmt.Errorf("Xvfb did not start (it said %q); %v", n, w.xvfb.exited())
		}
		return ":" + n, nil
	case <-time.After(30 * time.Second):
		return "", errors.New("Xvfb gave no display within 30s")
	}
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
	return w.do(ctx, "POST", w.base+"/url", map[string]string{"url": url}, nil)
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
