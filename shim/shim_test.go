//go:build js && wasm

// These tests drive globalThis.websocket, the API the shim installs, the
// way a page does: through JavaScript calls (syscall/js) with JavaScript
// callbacks, in headless Chromium (wasmbrowsertest), against the shared
// test server whose address `make test-browser` passes in
// HYBRIDWS_TEST_SERVER.
package main

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall/js"
	"testing"
	"time"

	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/internal/jspayload"
	"github.com/hybridws/websocket/internal/live"
)

var serverAddr string

func TestMain(m *testing.M) {
	serverAddr = os.Getenv("HYBRIDWS_TEST_SERVER")
	if serverAddr == "" {
		fmt.Println("HYBRIDWS_TEST_SERVER is not set: run the browser tests with `make test-browser`")
		os.Exit(2)
	}
	install()
	os.Exit(m.Run())
}

func wsURL(path string) string { return "ws://" + serverAddr + path }

func api() js.Value { return js.Global().Get("websocket") }

// Event values as the API defines them.
const (
	evConnected    = 0
	evDisconnected = 1
	evMessage      = 2
	evError        = 3
	typeText       = 1
	typeBinary     = 2
)

var evNames = map[int]string{evConnected: "CONNECTED", evDisconnected: "DISCONNECTED", evMessage: "MESSAGE", evError: "ERROR"}

// event is one callback call, read out of the JavaScript data object.
type event struct {
	event      int
	keys       string // the data object's own keys, in order
	text       string // message, when it is a string
	bytes      []byte // message, when it is a Uint8Array
	isBytes    bool
	ownBuffer  bool // the Uint8Array is the whole of its own ArrayBuffer
	typ        int
	code       int
	reason     string
	hs         js.Value // handshake_response
	retryIn    float64  // retry_in, milliseconds
	sameHandle bool     // the callback's connection === the handle connect returned
	inConnect  bool     // it ran while connect had not returned yet
}

func (e event) String() string {
	s := evNames[e.event]
	switch e.event {
	case evMessage:
		if e.isBytes {
			s += fmt.Sprintf("(binary %q)", e.bytes)
		} else {
			s += fmt.Sprintf("(text %q)", e.text)
		}
	case evError:
		s += "(" + e.text + ")"
	case evDisconnected:
		s += fmt.Sprintf("(%d %q)", e.code, e.reason)
	}
	return s
}

// recorder is a JavaScript callback that records every event.
type recorder struct {
	t         testing.TB
	fn        js.Func
	mu        sync.Mutex
	handle    js.Value
	events    []event
	poke      chan struct{}
	inConnect bool
	onEvent   func(c js.Value, e event) // runs inside the callback, if set
}

func newRecorder(t testing.TB) *recorder {
	r := &recorder{t: t, poke: make(chan struct{}, 1)}
	r.fn = js.FuncOf(func(_ js.Value, a []js.Value) any {
		e := readEvent(a[1])
		r.mu.Lock()
		e.sameHandle = a[0].Equal(r.handle)
		e.inConnect = r.inConnect
		r.events = append(r.events, e)
		f := r.onEvent
		r.mu.Unlock()
		if f != nil {
			f(a[0], e)
		}
		select {
		case r.poke <- struct{}{}:
		default:
		}
		return nil
	})
	t.Cleanup(r.fn.Release)
	return r
}

func readEvent(d js.Value) event {
	keys := js.Global().Get("Object").Call("keys", d)
	var ks []string
	for i := 0; i < keys.Length(); i++ {
		ks = append(ks, keys.Index(i).String())
	}
	e := event{
		event:  d.Get("event").Int(),
		keys:   strings.Join(ks, ","),
		typ:    d.Get("type").Int(),
		code:   d.Get("code").Int(),
		reason: d.Get("reason").String(),
		hs:     d.Get("handshake_response"),
	}
	if v := d.Get("retry_in"); v.Type() == js.TypeNumber {
		e.retryIn = v.Float()
	} else {
		e.retryIn = -1 // missing or not a number: the checks below fail
	}
	m := d.Get("message")
	if m.Type() == js.TypeString {
		e.text = m.String()
	} else if m.InstanceOf(js.Global().Get("Uint8Array")) {
		e.isBytes = true
		e.bytes = make([]byte, m.Length())
		js.CopyBytesToGo(e.bytes, m)
		e.ownBuffer = m.Get("byteOffset").Int() == 0 && m.Get("buffer").Get("byteLength").Int() == m.Length()
	} else {
		e.text = "<message of type " + m.Type().String() + ">"
	}
	return e
}

// connect calls websocket.connect(url, params, callback) and fails the
// test if it throws.
func (r *recorder) connect(url string, params any) js.Value {
	r.t.Helper()
	r.mu.Lock()
	r.inConnect = true
	r.mu.Unlock()
	var h js.Value
	if err := catch(func() { h = api().Call("connect", url, params, r.fn) }); err != nil {
		r.t.Fatalf("connect(%q) threw %s", url, describeErr(err))
	}
	r.mu.Lock()
	r.inConnect = false
	r.handle = h
	n := len(r.events)
	r.mu.Unlock()
	if n != 0 {
		r.t.Errorf("connect(%q): %d events before it returned", url, n)
	}
	return h
}

func (r *recorder) snapshot() []event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]event(nil), r.events...)
}

// waitFor waits until pred holds for the events so far.
func (r *recorder) waitFor(what string, pred func([]event) bool) []event {
	r.t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		evs := r.snapshot()
		if pred(evs) {
			return evs
		}
		select {
		case <-r.poke:
		case <-deadline:
			r.t.Fatalf("timed out waiting for %s; events %v", what, evs)
		}
	}
}

func (r *recorder) waitCount(ev, n int) []event {
	r.t.Helper()
	return r.waitFor(fmt.Sprintf("%d %s", n, evNames[ev]), func(evs []event) bool { return count(evs, ev) >= n })
}

func (r *recorder) waitDone() []event {
	r.t.Helper()
	evs := r.waitCount(evDisconnected, 1)
	// Nothing may follow DISCONNECTED: give stray events a moment to show.
	time.Sleep(20 * time.Millisecond)
	if after := r.snapshot(); len(after) != len(evs) {
		r.t.Errorf("events after DISCONNECTED: %v", after)
	}
	for _, e := range evs {
		if !e.sameHandle {
			r.t.Errorf("%v: the callback's connection is not the handle connect returned", e)
		}
		if e.inConnect {
			r.t.Errorf("%v ran inside connect", e)
		}
		if e.keys != "event,message,type,code,reason,handshake_response,retry_in" {
			r.t.Errorf("%v: data has keys %s", e, e.keys)
		}
	}
	return evs
}

func count(evs []event, ev int) int {
	n := 0
	for _, e := range evs {
		if e.event == ev {
			n++
		}
	}
	return n
}

func kinds(evs []event) string {
	var s []string
	for _, e := range evs {
		s = append(s, evNames[e.event])
	}
	return strings.Join(s, " ")
}

// catch runs f and returns what JavaScript threw, or nil.
func catch(f func()) (thrown *js.Value) {
	defer func() {
		if p := recover(); p != nil {
			e, ok := p.(js.Error)
			if !ok {
				panic(p)
			}
			thrown = &e.Value
		}
	}()
	f()
	return nil
}

func describeErr(v *js.Value) string {
	if v == nil {
		return "nothing"
	}
	return v.Get("name").String() + ": " + v.Get("message").String()
}

func call(v js.Value, method string, args ...any) func() {
	return func() { v.Call(method, args...) }
}

// jsEval compiles expr, a JavaScript function, and returns what it
// returns when called with args (for values Go cannot make, such as a
// function that throws).
func jsEval(expr string, args ...any) js.Value {
	return js.Global().Get("Function").New("return " + expr).Invoke().Invoke(args...)
}

func u8(b ...byte) js.Value {
	u := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u, b)
	return u
}

func TestConstantsAndShape(t *testing.T) {
	ws := api()
	want := map[string]int{
		"EVENT_CONNECTED": 0, "EVENT_DISCONNECTED": 1, "EVENT_MESSAGE": 2, "EVENT_ERROR": 3,
		"DATA_TYPE_TEXT": 1, "DATA_TYPE_BINARY": 2,
	}
	for k, v := range want {
		if got := ws.Get(k); got.Type() != js.TypeNumber || got.Int() != v {
			t.Errorf("websocket.%s = %v, want %d", k, got, v)
		}
	}
	for _, f := range []string{"connect", "send", "disconnect", "stats"} {
		if ws.Get(f).Type() != js.TypeFunction {
			t.Errorf("websocket.%s is %v", f, ws.Get(f).Type())
		}
	}
	if !js.Global().Get("Object").Call("isFrozen", ws).Bool() {
		t.Errorf("websocket is not frozen")
	}
	if !ws.Get("ready").InstanceOf(js.Global().Get("Promise")) {
		t.Errorf("websocket.ready is not a promise")
	}
}

func TestReadyEvent(t *testing.T) {
	var got []js.Value
	f := js.FuncOf(func(_ js.Value, a []js.Value) any {
		got = append(got, a[0])
		return nil
	})
	defer f.Release()
	js.Global().Call("addEventListener", "websocket-ready", f)
	defer js.Global().Call("removeEventListener", "websocket-ready", f)
	install()
	if len(got) != 1 {
		t.Fatalf("websocket-ready dispatched %d times", len(got))
	}
	if !got[0].Get("detail").Equal(api()) {
		t.Errorf("websocket-ready's detail is not globalThis.websocket")
	}
}

func TestEchoEveryField(t *testing.T) {
	r := newRecorder(t)
	h := r.connect(wsURL("/echo"), map[string]any{"protocol": "chat", "timeout": 5000})
	if got := js.Global().Get("String").Invoke(h).String(); got != "[object WebSocketConnection]" {
		t.Errorf("String(handle) = %q", got)
	}
	if h.Get("url").String() != wsURL("/echo") || h.Get("id").Type() != js.TypeNumber {
		t.Errorf("handle: url %v, id %v", h.Get("url"), h.Get("id"))
	}
	evs := r.waitCount(evConnected, 1)
	c := evs[0]
	if c.event != evConnected || c.text != "" || c.isBytes || c.typ != 0 || c.code != 0 || c.reason != "" {
		t.Errorf("CONNECTED data: %+v", c)
	}
	if c.hs.Type() != js.TypeObject || c.hs.Get("status").Int() != 101 || c.hs.Get("protocol").String() != "chat" ||
		c.hs.Get("headers").Type() != js.TypeObject {
		t.Errorf("CONNECTED handshake_response: status %v protocol %v headers %v", c.hs.Get("status"), c.hs.Get("protocol"), c.hs.Get("headers"))
	}
	if n := js.Global().Get("Object").Call("keys", c.hs).Call("join", ",").String(); n != "status,headers,protocol" {
		t.Errorf("handshake_response keys %s", n)
	}

	ws := api()
	text := map[string]any{"type": typeText}
	binary := map[string]any{"type": typeBinary}
	ab := u8(9, 8, 7).Get("buffer")
	view := u8(0, 1, 2, 3, 4, 5).Call("subarray", 2, 4)
	sends := []struct {
		msg, opts any
		wantText  string
		wantBytes []byte
	}{
		{"héllo ✓", text, "héllo ✓", nil},
		{"pair 😀 ok", text, "pair 😀 ok", nil},
		{jsEval(`() => "lone \ud800 surrogate"`), text, "lone \ufffd surrogate", nil}, // the browser sends U+FFFD for it
		{"bin é 😀", nil, "", []byte("bin é 😀")},
		{"as binary", nil, "", []byte("as binary")}, // no options: binary, as in the seed
		{"as binary too", js.Null(), "", []byte("as binary too")},
		{"empty options", map[string]any{}, "", []byte("empty options")},
		{"explicit", binary, "", []byte("explicit")},
		{u8(1, 2, 0, 255), nil, "", []byte{1, 2, 0, 255}},
		{view, nil, "", []byte{2, 3}}, // only the view's bytes
		{ab, nil, "", []byte{9, 8, 7}},
		{u8('o', 'k'), text, "ok", nil},
		{"", text, "", nil},
		{"", nil, "", []byte{}},
	}
	for _, s := range sends {
		if err := catch(call(ws, "send", h, s.msg, s.opts)); err != nil {
			t.Fatalf("send(%v) threw %s", s.msg, describeErr(err))
		}
	}
	evs = r.waitCount(evMessage, len(sends))
	msgs := evs[1:]
	for i, s := range sends {
		m := msgs[i]
		if m.event != evMessage || m.code != 0 || m.reason != "" || !m.hs.IsNull() {
			t.Errorf("message %d: %+v", i, m)
		}
		if s.wantBytes != nil {
			if !m.isBytes || m.typ != typeBinary || string(m.bytes) != string(s.wantBytes) || !m.ownBuffer {
				t.Errorf("message %d: got %v type %d ownBuffer %v, want binary %q", i, m, m.typ, m.ownBuffer, s.wantBytes)
			}
		} else if m.isBytes || m.typ != typeText || m.text != s.wantText {
			t.Errorf("message %d: got %v type %d, want text %q", i, m, m.typ, s.wantText)
		}
	}

	if err := catch(call(ws, "disconnect", h)); err != nil {
		t.Fatalf("disconnect threw %s", describeErr(err))
	}
	evs = r.waitDone()
	d := evs[len(evs)-1]
	if kinds(evs) != "CONNECTED"+strings.Repeat(" MESSAGE", len(sends))+" DISCONNECTED" {
		t.Errorf("events %v", evs)
	}
	if d.code != 1000 || d.reason != "" || d.text != "" || d.isBytes || d.typ != 0 || !d.hs.IsNull() {
		t.Errorf("DISCONNECTED data: %+v", d)
	}
}

func TestServerMessages(t *testing.T) {
	for _, typ := range []string{"text", "binary"} {
		t.Run(typ, func(t *testing.T) {
			r := newRecorder(t)
			r.connect(wsURL("/send?n=3&size=6&type="+typ), nil) // params omitted
			evs := r.waitDone()
			if kinds(evs) != "CONNECTED MESSAGE MESSAGE MESSAGE DISCONNECTED" {
				t.Fatalf("events %v", evs)
			}
			for i, m := range evs[1:4] {
				want := fmt.Sprintf("%d.....", i)
				if typ == "text" && (m.isBytes || m.text != want || m.typ != typeText) {
					t.Errorf("message %d: %v", i, m)
				}
				if typ == "binary" && (!m.isBytes || string(m.bytes) != want || m.typ != typeBinary) {
					t.Errorf("message %d: %v", i, m)
				}
			}
			if d := evs[4]; d.code != 1000 || d.reason != "done" {
				t.Errorf("DISCONNECTED %v", d)
			}
		})
	}
}

func TestServerCloseCode(t *testing.T) {
	r := newRecorder(t)
	r.connect(wsURL("/close?code=4001&reason=bye"), js.Null())
	evs := r.waitDone()
	if kinds(evs) != "CONNECTED DISCONNECTED" || evs[1].code != 4001 || evs[1].reason != "bye" {
		t.Fatalf("events %v", evs)
	}
}

func TestErrorEvent(t *testing.T) {
	for _, tc := range []struct {
		name, path string
		params     any
	}{
		{"refused upgrade", "/refuse", map[string]any{}},
		{"subprotocol not chosen", "/noproto", map[string]any{"protocol": "chat"}},
		{"dropped", "/drop", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRecorder(t)
			r.connect(wsURL(tc.path), tc.params)
			evs := r.waitDone()
			k := kinds(evs)
			if k != "ERROR DISCONNECTED" && k != "CONNECTED ERROR DISCONNECTED" {
				t.Fatalf("events %v", evs)
			}
			e := evs[len(evs)-2]
			if e.isBytes || !strings.HasPrefix(e.text, "websocket: ") || e.typ != 0 || e.code != 0 || e.reason != "" || !e.hs.IsNull() {
				t.Errorf("ERROR data: %+v", e)
			}
			if d := evs[len(evs)-1]; d.code != 1006 {
				t.Errorf("DISCONNECTED %v, want code 1006", d)
			}
		})
	}
}

func TestParamsForms(t *testing.T) {
	for _, p := range []any{nil, js.Undefined(), js.Null(), map[string]any{}, map[string]any{"timeout": 0, "protocol": nil, "headers": nil},
		map[string]any{"timeout": 1500.5, "headers": "X-Test: 1\r\nSec-WebSocket-Protocol: chat\r\n"}} {
		r := newRecorder(t)
		h := r.connect(wsURL("/echo"), p)
		r.waitCount(evConnected, 1)
		api().Call("disconnect", h)
		if evs := r.waitDone(); kinds(evs) != "CONNECTED DISCONNECTED" {
			t.Errorf("params %v: events %v", p, evs)
		}
	}
}

// connect(url, callback): params left out altogether.
func TestParamsLeftOut(t *testing.T) {
	r := newRecorder(t)
	r.mu.Lock()
	r.inConnect = true
	r.mu.Unlock()
	h := api().Call("connect", wsURL("/echo"), r.fn)
	r.mu.Lock()
	r.inConnect, r.handle = false, h
	r.mu.Unlock()
	r.waitCount(evConnected, 1)
	api().Call("disconnect", h)
	if evs := r.waitDone(); kinds(evs) != "CONNECTED DISCONNECTED" {
		t.Errorf("events %v", evs)
	}
}

func TestDisconnectWhileConnecting(t *testing.T) {
	r := newRecorder(t)
	h := r.connect(wsURL("/echo"), nil)
	api().Call("disconnect", h)
	api().Call("disconnect", h) // a second one is fine
	evs := r.waitDone()
	if kinds(evs) != "DISCONNECTED" || evs[0].code != 1000 {
		t.Fatalf("events %v", evs)
	}
}

func TestSendInsideCallback(t *testing.T) {
	r := newRecorder(t)
	r.onEvent = func(c js.Value, e event) {
		switch e.event {
		case evConnected:
			api().Call("send", c, "from the callback", map[string]any{"type": typeText})
		case evMessage:
			api().Call("disconnect", c)
		}
	}
	r.connect(wsURL("/echo"), nil)
	evs := r.waitDone()
	if kinds(evs) != "CONNECTED MESSAGE DISCONNECTED" || evs[1].text != "from the callback" || evs[2].code != 1000 {
		t.Fatalf("events %v", evs)
	}
}

func TestTypeErrors(t *testing.T) {
	ws := api()
	r := newRecorder(t)
	h := r.connect(wsURL("/echo"), nil)
	r.waitCount(evConnected, 1)

	never := newRecorder(t) // the callback of every connect below: it must never run
	cb := never.fn
	blob := js.Global().Get("Blob").New(js.ValueOf([]any{"x"}))
	cases := []struct {
		name string
		f    func()
		want string // in the message: the argument's name
	}{
		{"connect: url a number", call(ws, "connect", 5, nil, cb), "url"},
		{"connect: url undefined", call(ws, "connect", js.Undefined(), nil, cb), "url"},
		{"connect: url an object", call(ws, "connect", map[string]any{}, nil, cb), "url"},
		{"connect: no arguments", call(ws, "connect"), "url"},
		{"connect: params a string", call(ws, "connect", wsURL("/echo"), "chat", cb), "params"},
		{"connect: params a number", call(ws, "connect", wsURL("/echo"), 3000, cb), "params"},
		{"connect: params an array", call(ws, "connect", wsURL("/echo"), []any{}, cb), "params"},
		{"connect: params a function", call(ws, "connect", wsURL("/echo"), cb, cb), "params"},
		{"connect: timeout a string", call(ws, "connect", wsURL("/echo"), map[string]any{"timeout": "3000"}, cb), "params.timeout"},
		{"connect: timeout negative", call(ws, "connect", wsURL("/echo"), map[string]any{"timeout": -1}, cb), "params.timeout"},
		{"connect: timeout NaN", call(ws, "connect", wsURL("/echo"), map[string]any{"timeout": js.Global().Get("NaN")}, cb), "params.timeout"},
		{"connect: timeout Infinity", call(ws, "connect", wsURL("/echo"), map[string]any{"timeout": js.Global().Get("Infinity")}, cb), "params.timeout"},
		{"connect: protocol a number", call(ws, "connect", wsURL("/echo"), map[string]any{"protocol": 5}, cb), "params.protocol"},
		{"connect: protocol an array", call(ws, "connect", wsURL("/echo"), map[string]any{"protocol": []any{"chat"}}, cb), "params.protocol"},
		{"connect: headers an object", call(ws, "connect", wsURL("/echo"), map[string]any{"headers": map[string]any{"X": "y"}}, cb), "params.headers"},
		{"connect: callback missing", call(ws, "connect", wsURL("/echo"), nil), "callback"},
		{"connect: callback missing, params given", call(ws, "connect", wsURL("/echo"), map[string]any{}), "callback"},
		{"connect: callback a string", call(ws, "connect", wsURL("/echo"), nil, "cb"), "callback"},
		{"connect: callback an object", call(ws, "connect", wsURL("/echo"), nil, map[string]any{}), "callback"},
		{"connect: url without scheme", call(ws, "connect", serverAddr+"/echo", nil, cb), "url"},
		{"connect: url ftp", call(ws, "connect", "ftp://"+serverAddr+"/echo", nil, cb), "url"},
		{"connect: url empty", call(ws, "connect", "", nil, cb), "url"},
		{"connect: url bad port", call(ws, "connect", "ws://127.0.0.1:99999/", nil, cb), "url"},
		{"connect: bad subprotocol", call(ws, "connect", wsURL("/echo"), map[string]any{"protocol": "a b"}, cb), "params.protocol"},
		{"connect: empty subprotocol", call(ws, "connect", wsURL("/echo"), map[string]any{"protocol": "chat,"}, cb), "params.protocol"},
		{"connect: header without colon", call(ws, "connect", wsURL("/echo"), map[string]any{"headers": "nocolon"}, cb), "params.headers"},
		{"connect: handshake header", call(ws, "connect", wsURL("/echo"), map[string]any{"headers": "Upgrade: no"}, cb), "params.headers"},
		{"connect: protocol twice", call(ws, "connect", wsURL("/echo"), map[string]any{"protocol": "chat", "headers": "Sec-WebSocket-Protocol: chat"}, cb), "params.headers"},
		{"connect: reconnect a boolean", call(ws, "connect", wsURL("/echo"), map[string]any{"reconnect": true}, cb), "params.reconnect"},
		{"connect: reconnect an array", call(ws, "connect", wsURL("/echo"), map[string]any{"reconnect": []any{}}, cb), "params.reconnect"},
		{"connect: min_delay negative", call(ws, "connect", wsURL("/echo"), map[string]any{"reconnect": map[string]any{"min_delay": -1}}, cb), "params.reconnect.min_delay"},
		{"connect: max_delay a string", call(ws, "connect", wsURL("/echo"), map[string]any{"reconnect": map[string]any{"max_delay": "1s"}}, cb), "params.reconnect.max_delay"},
		{"connect: max_delay NaN", call(ws, "connect", wsURL("/echo"), map[string]any{"reconnect": map[string]any{"max_delay": js.Global().Get("NaN")}}, cb), "params.reconnect.max_delay"},
		{"connect: max_attempts 1.5", call(ws, "connect", wsURL("/echo"), map[string]any{"reconnect": map[string]any{"max_attempts": 1.5}}, cb), "params.reconnect.max_attempts"},
		{"connect: min_delay over max_delay", call(ws, "connect", wsURL("/echo"), map[string]any{"reconnect": map[string]any{"min_delay": 500, "max_delay": 100}}, cb), "params.reconnect.min_delay"},

		{"send: no arguments", call(ws, "send"), "connection"},
		{"send: connection undefined", call(ws, "send", js.Undefined(), "x"), "connection"},
		{"send: connection null", call(ws, "send", js.Null(), "x"), "connection"},
		{"send: connection a plain object", call(ws, "send", map[string]any{"id": h.Get("id")}, "x"), "connection"},
		{"send: connection a number", call(ws, "send", h.Get("id"), "x"), "connection"},
		{"send: connection a copy", call(ws, "send", js.Global().Get("Object").Call("assign", map[string]any{}, h), "x"), "connection"},
		{"send: message missing", call(ws, "send", h), "message"},
		{"send: message a number", call(ws, "send", h, 42), "message"},
		{"send: message null", call(ws, "send", h, js.Null()), "message"},
		{"send: message an array", call(ws, "send", h, []any{1, 2}), "message"},
		{"send: message a Blob", call(ws, "send", h, blob), "message"},
		{"send: message a Uint16Array", call(ws, "send", h, js.Global().Get("Uint16Array").New(2)), "message"},
		{"send: message a DataView", call(ws, "send", h, js.Global().Get("DataView").New(u8(1).Get("buffer"))), "message"},
		{"send: message an object", call(ws, "send", h, map[string]any{}), "message"},
		{"send: options a number", call(ws, "send", h, "x", 1), "options"},
		{"send: options a string", call(ws, "send", h, "x", "text"), "options"},
		{"send: options.type 3", call(ws, "send", h, "x", map[string]any{"type": 3}), "options.type"},
		{"send: options.type 0", call(ws, "send", h, "x", map[string]any{"type": 0}), "options.type"},
		{"send: options.type a string", call(ws, "send", h, "x", map[string]any{"type": "1"}), "options.type"},
		{"send: text not UTF-8", call(ws, "send", h, u8('o', 0xff), map[string]any{"type": typeText}), "message"},

		{"disconnect: no arguments", call(ws, "disconnect"), "connection"},
		{"disconnect: a number", call(ws, "disconnect", 1), "connection"},
		{"disconnect: a plain object", call(ws, "disconnect", map[string]any{}), "connection"},
		{"disconnect: a string", call(ws, "disconnect", "conn"), "connection"},
	}
	typeError := js.Global().Get("TypeError")
	for _, tc := range cases {
		err := catch(tc.f)
		switch {
		case err == nil:
			t.Errorf("%s: nothing thrown", tc.name)
		case !err.InstanceOf(typeError):
			t.Errorf("%s: threw %s, want a TypeError", tc.name, describeErr(err))
		case !strings.Contains(err.Get("message").String(), " "+tc.want+" "):
			t.Errorf("%s: %q does not name %s", tc.name, err.Get("message").String(), tc.want)
		default:
			t.Logf("%s: %s", tc.name, err.Get("message").String())
		}
	}
	// The connection is unharmed by all that: it still echoes.
	api().Call("send", h, "still here", map[string]any{"type": typeText})
	evs := r.waitCount(evMessage, 1)
	if evs[1].text != "still here" {
		t.Errorf("events %v", evs)
	}
	api().Call("disconnect", h)
	r.waitDone()
	time.Sleep(50 * time.Millisecond)
	if evs := never.snapshot(); len(evs) != 0 {
		t.Errorf("a connect that threw still reported %v", evs)
	}
}

func TestStateErrors(t *testing.T) {
	ws := api()
	r := newRecorder(t)
	h := r.connect(wsURL("/echo"), nil)
	typeError := js.Global().Get("TypeError")
	plain := func(what, want string, f func()) {
		t.Helper()
		err := catch(f)
		switch {
		case err == nil:
			t.Errorf("%s: nothing thrown", what)
		case err.InstanceOf(typeError) || err.Get("name").String() != "Error":
			t.Errorf("%s: threw %s, want a plain Error", what, describeErr(err))
		case !strings.HasPrefix(err.Get("message").String(), "websocket: send "+wsURL("/echo")+": ") ||
			!strings.Contains(err.Get("message").String(), want):
			t.Errorf("%s: message %q, want the Go error text with %q", what, err.Get("message").String(), want)
		}
	}
	plain("send before CONNECTED", "not open yet", call(ws, "send", h, "early"))
	r.waitCount(evConnected, 1)
	ws.Call("disconnect", h)
	plain("send while closing", "closing or closed", call(ws, "send", h, "late"))
	r.waitDone()
	plain("send after DISCONNECTED", "closing or closed", call(ws, "send", h, "later", map[string]any{"type": typeText}))
	if err := catch(call(ws, "disconnect", h)); err != nil {
		t.Errorf("disconnect after DISCONNECTED threw %s", describeErr(err))
	}
	// A bad argument is still a TypeError on a closed connection.
	if err := catch(call(ws, "send", h, 5)); err == nil || !err.InstanceOf(typeError) {
		t.Errorf("send(closed, 5) threw %s, want a TypeError", describeErr(err))
	}
}

func TestThrowingCallback(t *testing.T) {
	console := js.Global().Get("console")
	orig := console.Get("error")
	var reports []string
	spy := js.FuncOf(func(_ js.Value, a []js.Value) any {
		var s []string
		for _, v := range a {
			s = append(s, js.Global().Get("String").Invoke(v).String())
		}
		reports = append(reports, strings.Join(s, " "))
		return nil
	})
	console.Set("error", spy)
	defer func() {
		console.Set("error", orig)
		spy.Release()
	}()

	// a's callback records the event, then throws.
	a := newRecorder(t)
	thrower := jsEval(`(rec) => (c, d) => { rec(c, d); throw new Error("boom on " + d.event); }`, a.fn)
	a.mu.Lock()
	a.inConnect = true
	a.mu.Unlock()
	ha := api().Call("connect", wsURL("/echo"), nil, thrower)
	a.mu.Lock()
	a.inConnect, a.handle = false, ha
	a.mu.Unlock()
	// b runs alongside and must not notice.
	b := newRecorder(t)
	hb := b.connect(wsURL("/echo"), nil)

	a.waitCount(evConnected, 1)
	b.waitCount(evConnected, 1)
	api().Call("send", ha, "a1", map[string]any{"type": typeText})
	api().Call("send", hb, "b1", map[string]any{"type": typeText})
	api().Call("send", ha, "a2", map[string]any{"type": typeText})
	a.waitCount(evMessage, 2)
	b.waitCount(evMessage, 1)
	api().Call("disconnect", ha)
	api().Call("disconnect", hb)
	evsA, evsB := a.waitDone(), b.waitDone()
	if kinds(evsA) != "CONNECTED MESSAGE MESSAGE DISCONNECTED" || evsA[3].code != 1000 {
		t.Errorf("throwing connection: events %v", evsA)
	}
	if kinds(evsB) != "CONNECTED MESSAGE DISCONNECTED" || evsB[1].text != "b1" {
		t.Errorf("other connection: events %v", evsB)
	}
	if len(reports) != 4 {
		t.Fatalf("console.error called %d times, want 4 (once per throw): %q", len(reports), reports)
	}
	for _, r := range reports {
		if !strings.Contains(r, "boom on") || !strings.Contains(r, "threw") {
			t.Errorf("console.error report %q", r)
		}
	}
	t.Logf("console.error: %s", reports[0])
}

func TestConnectDisconnectCycles(t *testing.T) {
	const cycles = 100
	runtime.GC()
	goroutines := ourGoroutines()
	r := newRecorder(t)
	for i := 0; i < cycles; i++ {
		r.mu.Lock()
		r.events = nil
		r.mu.Unlock()
		h := r.connect(wsURL("/echo"), nil)
		if i%4 == 3 { // now and then, before it opens
			api().Call("disconnect", h)
			if evs := r.waitDone(); kinds(evs) != "DISCONNECTED" {
				t.Fatalf("cycle %d: events %v", i, evs)
			}
			continue
		}
		r.waitCount(evConnected, 1)
		api().Call("send", h, "x")
		r.waitCount(evMessage, 1)
		api().Call("disconnect", h)
		if evs := r.waitDone(); kinds(evs) != "CONNECTED MESSAGE DISCONNECTED" || evs[2].code != 1000 {
			t.Fatalf("cycle %d: events %v", i, evs)
		}
	}
	mu.Lock()
	n := len(conns)
	mu.Unlock()
	if n != 0 {
		t.Errorf("the shim still holds %d connections", n)
	}
	if n := glue.Call("live").Int(); n != 0 {
		t.Errorf("glue.js still holds %d connections", n)
	}
	if n := jspayload.Sinks(); n != 0 {
		t.Errorf("%d message handlers were never taken by a dial", n)
	}
	if n := live.Funcs.Load(); n != 0 {
		t.Errorf("%d js.Funcs are still alive after %d cycles", n, cycles)
	}
	// Goroutines may take a moment to return after DISCONNECTED.
	deadline := time.Now().Add(2 * time.Second)
	for ourGoroutines() > goroutines && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if g := ourGoroutines(); g > goroutines {
		t.Errorf("%d goroutines after %d cycles, %d before", g, cycles, goroutines)
	}
}

// Even a console.error that throws as well does not stall the events.
func TestThrowingCallbackAndConsole(t *testing.T) {
	console := js.Global().Get("console")
	orig := console.Get("error")
	console.Set("error", jsEval(`() => () => { throw new Error("console.error is broken too"); }`))
	defer console.Set("error", orig)

	r := newRecorder(t)
	thrower := jsEval(`(rec) => (c, d) => { rec(c, d); throw new Error("boom"); }`, r.fn)
	r.mu.Lock()
	r.inConnect = true
	r.mu.Unlock()
	h := api().Call("connect", wsURL("/echo"), nil, thrower)
	r.mu.Lock()
	r.inConnect, r.handle = false, h
	r.mu.Unlock()
	r.waitCount(evConnected, 1)
	api().Call("send", h, "x")
	r.waitCount(evMessage, 1)
	api().Call("disconnect", h)
	if evs := r.waitDone(); kinds(evs) != "CONNECTED MESSAGE DISCONNECTED" {
		t.Errorf("events %v", evs)
	}
}

// Messages reach glue.js from the socket's own handler (glue.sink), not
// through Go: one that comes before Go reported CONNECTED waits for it,
// and one after DISCONNECTED is dropped, so the event grammar holds
// whichever of the socket and Go speaks first.
func TestSinkKeepsTheGrammar(t *testing.T) {
	r := newRecorder(t)
	h := r.connect(wsURL("/slow?ms=500"), nil)
	handler := glue.Call("sink", h.Get("id"))
	handler.Invoke(map[string]any{"data": "early"}) // the upgrade is 500 ms away: Go has reported nothing yet
	if n := len(r.snapshot()); n != 0 {
		t.Fatalf("%d events right after connect", n)
	}
	evs := r.waitCount(evMessage, 1)
	if kinds(evs) != "CONNECTED MESSAGE" || evs[1].text != "early" || evs[1].typ != typeText {
		t.Fatalf("events %v, want CONNECTED then the early message", evs)
	}
	api().Call("send", h, u8(1, 2), nil)
	evs = r.waitCount(evMessage, 2)
	if !evs[2].isBytes || string(evs[2].bytes) != "\x01\x02" || !evs[2].ownBuffer {
		t.Errorf("echo %v", evs[2])
	}
	api().Call("disconnect", h)
	n := len(r.waitDone())
	handler.Invoke(map[string]any{"data": "late"})
	time.Sleep(20 * time.Millisecond)
	if evs := r.snapshot(); len(evs) != n {
		t.Errorf("events after DISCONNECTED: %v", evs[n:])
	}
}

// control asks the shared test server's /phoenix endpoint for op through
// the Go API (the Phoenix is a server the tests can restart on the same
// address) and returns its one message. The shim's Phoenix is its own
// ("shim"): the root package's tests, run at the same time against the
// same test server, restart theirs.
func control(t *testing.T, query string) string {
	t.Helper()
	return ask(t, "/phoenix?name=shim&"+query)
}

// ask connects to path on the shared test server through the Go API and
// returns the one message it sends ("" if none).
func ask(t *testing.T, path string) string {
	t.Helper()
	got := make(chan string, 2)
	_, err := websocket.Connect(wsURL(path), nil, func(c *websocket.Connection, d *websocket.Data) {
		switch d.Event {
		case websocket.EventMessage:
			got <- string(d.Message)
		case websocket.EventDisconnected:
			got <- ""
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-got:
		return s
	case <-time.After(20 * time.Second):
		t.Fatalf("%s: no answer", path)
		return ""
	}
}

// params.reconnect: the server restarts under the page; the page gets
// ERROR with retry_in > 0 (and 0 in every other event), then CONNECTED
// again on the same handle, and messages flow again (through the message
// handler the shim leaves for each dial); nothing is left behind. stats
// says "reconnecting" in each ERROR, and its counts add up across the
// reconnect.
func TestReconnect(t *testing.T) {
	addr := control(t, "op=addr")
	r := newRecorder(t)
	n := 0
	var inError []string
	r.onEvent = func(c js.Value, e event) {
		switch e.event {
		case evConnected:
			n++
			api().Call("send", c, fmt.Sprintf("hello %d", n), map[string]any{"type": typeText})
		case evError:
			inError = append(inError, api().Call("stats", c).Get("state").String())
		}
	}
	h := r.connect("ws://"+addr+"/echo", map[string]any{"reconnect": map[string]any{"min_delay": 50, "max_delay": 200}})
	r.waitCount(evMessage, 1)
	if got := control(t, "op=restart&down=200"); got != "ok" {
		t.Fatalf("restart: %q", got)
	}
	r.waitCount(evMessage, 2)
	api().Call("disconnect", h)
	evs := r.waitDone()
	var seq []string
	for _, e := range evs {
		seq = append(seq, evNames[e.event])
		if e.event == evError {
			if e.retryIn <= 0 {
				t.Errorf("%v: retry_in %v, want > 0", e, e.retryIn)
			}
		} else if e.retryIn != 0 {
			t.Errorf("%v: retry_in %v, want 0", e, e.retryIn)
		}
	}
	got := strings.Join(seq, " ")
	if !strings.HasPrefix(got, "CONNECTED MESSAGE ERROR") || !strings.HasSuffix(got, "ERROR CONNECTED MESSAGE DISCONNECTED") {
		t.Errorf("events %s", got)
	}
	ms := 0
	for _, e := range evs {
		if e.event == evMessage {
			ms++
			if e.text != fmt.Sprintf("hello %d", ms) {
				t.Errorf("message %d: %q", ms, e.text)
			}
		}
	}
	if d := evs[len(evs)-1]; d.code != 1000 {
		t.Errorf("DISCONNECTED %v", d)
	}
	if len(inError) != count(evs, evError) || slices.ContainsFunc(inError, func(s string) bool { return s != "reconnecting" }) {
		t.Errorf("stats().state in the ERROR callbacks: %q, want reconnecting in each", inError)
	}
	s := readStats(t, h)
	if s.Connects != n || s.MessagesIn != ms || s.MessagesOut != n || s.State != "closed" {
		t.Errorf("stats after %d CONNECTED and %d echoes: %+v", n, ms, s)
	}
	if n := jspayload.Sinks(); n != 0 {
		t.Errorf("%d message handlers left after DISCONNECTED", n)
	}
	if n := glue.Call("live").Int(); n != 0 {
		t.Errorf("glue.js still holds %d connections", n)
	}
}

// ourGoroutines counts the goroutines but the one the wasm runtime runs
// while JavaScript calls into Go (runtime.handleEvent): it comes and goes
// with the page's events (a timer, a message) and is nobody's leak.
func ourGoroutines() int {
	buf := make([]byte, 1<<20)
	n := 0
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		if strings.TrimSpace(g) != "" && !strings.Contains(g, "runtime.handleEvent") {
			n++
		}
	}
	return n
}
