package drive

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// firefoxPrefs go into the fresh profile's user.js: WebDriver BiDi only,
// and no first-run pages or background services (there is no outside
// network to reach). Nothing here changes how the page's WebSockets
// behave: the tests meet Firefox's defaults.
const firefoxPrefs = `user_pref("remote.active-protocols", 1);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.startup.page", 0);
user_pref("browser.aboutwelcome.enabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);
user_pref("app.normandy.enabled", false);
user_pref("app.update.auto", false);
user_pref("extensions.update.enabled", false);
user_pref("browser.safebrowsing.update.enabled", false);
user_pref("browser.region.update.enabled", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("network.dns.disablePrefetch", true);
user_pref("network.prefetch-next", false);
user_pref("messaging-system.rsexperimentloader.enabled", false);
`

// bidi is a Firefox driven over WebDriver BiDi.
type bidi struct {
	proc    *process
	xvfb    *process // with Options.Headed
	profile string
	ws      *websocket.Conn
	page    string // the browsing context of the one page

	mu       sync.Mutex
	nextID   int
	waiting  map[int]chan bidiReply
	readErr  error
	console  func(level, text string)
	readDone chan struct{}
}

type bidiReply struct {
	Type    string          `json:"type"`
	ID      *int            `json:"id"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
	Result  json.RawMessage `json:"result"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
}

var bidiListening = regexp.MustCompile(`WebDriver BiDi listening on (ws://\S+)`)

func startFirefox(ctx context.Context, o Options, console func(level, text string)) (_ session, err error) {
	bin, err := lookPath("Firefox", os.Getenv("FIREFOX"), "firefox-esr", "firefox")
	if err != nil {
		return nil, err
	}
	profile, err := os.MkdirTemp("", "wasmrun-firefox-")
	if err != nil {
		return nil, err
	}
	f := &bidi{profile: profile, waiting: map[int]chan bidiReply{}, console: console, readDone: make(chan struct{})}
	defer func() {
		if err != nil {
			f.close()
		}
	}()
	if err := os.WriteFile(filepath.Join(profile, "user.js"), []byte(firefoxPrefs), 0o644); err != nil {
		return nil, err
	}
	args := []string{"--no-remote", "--new-instance", "--profile", profile, "--remote-debugging-port=0",
		"--width", fmt.Sprint(o.Width), "--height", fmt.Sprint(o.Height)}
	env := append(os.Environ(), "MOZ_CRASHREPORTER_DISABLE=1")
	if o.Headed {
		var display string
		if f.xvfb, display, err = startXvfb(o); err != nil {
			return nil, err
		}
		env = append(env, "DISPLAY="+display)
	} else {
		args = append(args, "--headless")
		env = append(env, "MOZ_HEADLESS=1")
	}
	cmd := exec.Command(bin, append(args, "about:blank")...)
	cmd.Env = env
	cmd.Stdout = o.Log
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if f.proc, err = startProcess(cmd); err != nil {
		return nil, err
	}
	// The remote agent says where it listens on stderr; the rest of
	// stderr goes to the log.
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if m := bidiListening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
			fmt.Fprintln(o.Log, sc.Text())
		}
		io.Copy(io.Discard, stderr)
	}()
	var u string
	select {
	case u = <-addr:
	case <-f.proc.done:
		return nil, f.proc.exited()
	case <-time.After(60 * time.Second):
		return nil, errors.New("Firefox did not say where WebDriver BiDi listens within 60s")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	f.ws, _, err = websocket.Dial(ctx, u+"/session", nil)
	if err != nil {
		return nil, fmt.Errorf("connecting to WebDriver BiDi at %s: %w", u, err)
	}
	f.ws.SetReadLimit(-1)
	go f.read()

	if err := f.call(ctx, "session.new", map[string]any{"capabilities": map[string]any{}}, nil); err != nil {
		return nil, err
	}
	var tree struct {
		Contexts []struct {
			Context string `json:"context"`
		} `json:"contexts"`
	}
	if err := f.call(ctx, "browsingContext.getTree", map[string]any{}, &tree); err != nil {
		return nil, err
	}
	if len(tree.Contexts) == 0 {
		return nil, errors.New("Firefox has no page")
	}
	f.page = tree.Contexts[0].Context
	if err := f.call(ctx, "session.subscribe", map[string]any{"events": []string{"log.entryAdded"}}, nil); err != nil {
		return nil, err
	}
	if err := f.call(ctx, "browsingContext.setViewport", map[string]any{
		"context": f.page, "viewport": map[string]int{"width": o.Width, "height": o.Height},
	}, nil); err != nil {
		return nil, err
	}
	return f, nil
}

// read dispatches what the remote agent sends: replies to their callers,
// console entries to the console.
func (f *bidi) read() {
	defer close(f.readDone)
	for {
		_, p, err := f.ws.Read(context.Background())
		if err != nil {
			f.mu.Lock()
			f.readErr = err
			for id, ch := range f.waiting {
				close(ch)
				delete(f.waiting, id)
			}
			f.mu.Unlock()
			return
		}
		var r bidiReply
		if json.Unmarshal(p, &r) != nil {
			continue
		}
		if r.ID == nil {
			if r.Method == "log.entryAdded" {
				var e struct {
					Level string `json:"level"`
					Text  string `json:"text"`
				}
				if json.Unmarshal(r.Params, &e) == nil {
					f.console(e.Level, e.Text)
				}
			}
			continue
		}
		f.mu.Lock()
		ch := f.waiting[*r.ID]
		delete(f.waiting, *r.ID)
		f.mu.Unlock()
		if ch != nil {
			ch <- r
		}
	}
}

// call sends one command and waits for its reply, whose result it
// stores in result unless that is nil.
func (f *bidi) call(ctx context.Context, method string, params any, result any) error {
	f.mu.Lock()
	if f.readErr != nil {
		err := f.readErr
		f.mu.Unlock()
		return fmt.Errorf("%s: the connection to Firefox is gone: %w", method, err)
	}
	f.nextID++
	id := f.nextID
	ch := make(chan bidiReply, 1)
	f.waiting[id] = ch
	f.mu.Unlock()
	msg, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		return err
	}
	if err := f.ws.Write(ctx, websocket.MessageText, msg); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case r, ok := <-ch:
		switch {
		case !ok:
			return fmt.Errorf("%s: the connection to Firefox closed", method)
		case r.Error != "":
			return fmt.Errorf("%s: %s: %s", method, r.Error, r.Message)
		case result != nil:
			return json.Unmarshal(r.Result, result)
		}
		return nil
	case <-ctx.Done():
		f.mu.Lock()
		delete(f.waiting, id)
		f.mu.Unlock()
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

func (f *bidi) navigate(ctx context.Context, url string) error {
	return f.call(ctx, "browsingContext.navigate", map[string]any{"context": f.page, "url": url, "wait": "complete"}, nil)
}

func (f *bidi) evaluate(ctx context.Context, script string) (string, error) {
	var r struct {
		Type   string `json:"type"`
		Result struct {
			Type  string          `json:"type"`
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	err := f.call(ctx, "script.evaluate", map[string]any{
		"expression": script, "target": map[string]string{"context": f.page}, "awaitPromise": true,
	}, &r)
	switch {
	case err != nil:
		return "", err
	case r.Type == "exception":
		return "", errors.New(r.ExceptionDetails.Text)
	case r.Result.Type != "string":
		return "", fmt.Errorf("the script gave a %s, not JSON text", r.Result.Type)
	}
	var s string
	err = json.Unmarshal(r.Result.Value, &s)
	return s, err
}

func (f *bidi) screenshot(ctx context.Context) ([]byte, error) {
	var r struct {
		Data string `json:"data"`
	}
	if err := f.call(ctx, "browsingContext.captureScreenshot", map[string]any{"context": f.page}, &r); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(r.Data)
}

func (f *bidi) close() error {
	if f.ws != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		f.call(ctx, "browser.close", map[string]any{}, nil)
		cancel()
		f.ws.CloseNow()
		<-f.readDone
	}
	if f.proc != nil {
		f.proc.stop(10 * time.Second)
	}
	if f.xvfb != nil {
		f.xvfb.stop(0)
	}
	return os.RemoveAll(f.profile)
}
