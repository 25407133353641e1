//go:build js && wasm

// Package wasm is the browser transport of hybridws: one page WebSocket
// object driven through syscall/js. It only moves bytes: it knows nothing
// of events or callbacks. Use the root package instead.
//
// The browser calls four handlers (open, message, error, close). Each one
// only records what happened under a short mutex and pokes a channel
// without waiting, so no handler ever blocks the page; Dial and Read wait
// for those pokes on their own goroutines.
package wasm

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall/js"
	"unicode/utf8"

	"github.com/hybridws/websocket/internal/jspayload"
	"github.com/hybridws/websocket/internal/wire"
)

var (
	webSocket  = js.Global().Get("WebSocket")
	uint8Array = js.Global().Get("Uint8Array")
)

// liveFuncs counts the js.Funcs made and not yet released, by every Conn.
var liveFuncs atomic.Int64

// LiveFuncs returns how many js.Funcs this package holds right now. It is
// 0 once every connection has ended; tests use it to find leaks.
func LiveFuncs() int { return int(liveFuncs.Load()) }

// Conn is one browser WebSocket. Read must be called from one goroutine;
// Write, Close and Abort may be called from others.
type Conn struct {
	ws     js.Value
	url    string
	sink   js.Value // the onmessage handler DialSink was given, or undefined
	funcs  []js.Func
	notify chan struct{} // cap 1: "something changed", sent without waiting

	mu       sync.Mutex // guards the fields below; never held across a wait or a JS call
	opened   bool
	msgs     []message // received, not yet read, in order
	closed   bool      // the close event came, or Abort stood in for it
	code     int
	reason   string
	clean    bool
	sentCode int // the code Close sent, 0 if none
	released bool

	sendArr js.Value // Write's reusable Uint8Array, sendLen bytes long; Writes are serialized by the caller
	sendLen int
	writes  int // Writes so far: every 16th yields
}

type message struct {
	typ int
	p   []byte
}

// CloseError ends Read once the connection has closed: the close event's
// code, reason and wasClean.
type CloseError struct {
	Code   int
	Reason string
	Clean  bool
}

func (e *CloseError) Error() string {
	s := "connection closed with code " + strconv.Itoa(e.Code)
	if e.Reason != "" {
		s += " (" + strconv.Quote(e.Reason) + ")"
	}
	switch {
	case e.Code == wire.CloseAbnormalClosure:
		s += ": no close frame came, or the browser failed the connection itself (it gives no reason)"
	case !e.Clean:
		s += ", not cleanly"
	}
	return s
}

// DialError is a connection the browser failed before it opened. Browsers
// say nothing about why (refused, DNS, TLS, refused upgrade, origin or
// subprotocol mismatch all look alike to a page); Code is the close
// event's code, usually 1006.
type DialError struct {
	URL       string
	Protocols []string // the subprotocols requested
	Code      int
	Reason    string
	Detail    string // an exception the WebSocket constructor threw, if any
}

func (e *DialError) Error() string {
	if e.Detail != "" {
		return "the browser refused to open a WebSocket to " + e.URL + ": " + e.Detail
	}
	s := "the browser refused or failed the connection to " + e.URL +
		" and gives no reason (close code " + strconv.Itoa(e.Code) + "; the browser console may say more)"
	if len(e.Protocols) > 0 {
		s += "; it also fails this way when the server chooses none of the requested subprotocols " + fmt.Sprintf("%q", e.Protocols)
	}
	return s
}

// CloseCode returns the close event's code.
func (e *DialError) CloseCode() int { return e.Code }

// Dial opens a WebSocket to url, asking for protocols, and waits until it
// opens or fails, or ctx ends (then it closes the socket and returns
// ctx.Err()). On success it returns the subprotocol the server chose.
func Dial(ctx context.Context, url string, protocols []string) (c *Conn, protocol string, err error) {
	return DialSink(ctx, url, protocols, js.Undefined())
}

// DialSink is Dial with sink, a JavaScript function, as the socket's
// onmessage handler, unless it is undefined: every message event then goes
// to it and none to Go, so Read only ever reports the close. The
// JavaScript API uses it (see internal/jspayload): its messages need not
// cross into Go at all. The handler is detached, as the others, when the
// connection ends.
func DialSink(ctx context.Context, url string, protocols []string, sink js.Value) (c *Conn, protocol string, err error) {
	if err := ctx.Err(); err != nil {
		return nil, "", err // Disconnect came first: no socket at all
	}
	c = &Conn{url: url, notify: make(chan struct{}, 1), sink: sink}
	if err := c.open(protocols); err != nil {
		return nil, "", err
	}
	for {
		c.mu.Lock()
		opened, closed, code, reason := c.opened, c.closed, c.code, c.reason
		c.mu.Unlock()
		switch {
		case opened:
			return c, c.ws.Get("protocol").String(), nil
		case closed:
			c.release()
			return nil, "", &DialError{URL: url, Protocols: protocols, Code: code, Reason: reason}
		}
		select {
		case <-c.notify:
		case <-ctx.Done():
			c.Abort()
			return nil, "", ctx.Err()
		}
	}
}

// open creates the WebSocket and installs the handlers.
func (c *Conn) open(protocols []string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &DialError{URL: c.url, Protocols: protocols, Code: wire.CloseAbnormalClosure, Detail: jsText(r)}
			if len(c.funcs) > 0 {
				c.release()
			}
		}
	}()
	ps := make([]any, len(protocols))
	for i, p := range protocols {
		ps[i] = p
	}
	c.ws = webSocket.New(c.url, ps)
	c.ws.Set("binaryType", "arraybuffer")
	c.handle("onopen", func(js.Value) {
		c.mu.Lock()
		c.opened = true
		c.mu.Unlock()
	})
	// onmessage is a small JavaScript function that hands Go the data
	// ready to copy: a string, or a Uint8Array and its length (one call
	// into Go and one copy, instead of reading event.data, its type, a
	// view and its length from Go, a call into JavaScript each). A page
	// whose Content-Security-Policy forbids making functions gets the
	// plain handler.
	wrap := messageWrapper()
	if c.sink.Type() == js.TypeFunction {
		c.ws.Set("onmessage", c.sink)
	} else if wrap.IsUndefined() {
		c.handle("onmessage", func(ev js.Value) {
			m := decode(ev.Get("data"))
			c.mu.Lock()
			c.msgs = append(c.msgs, m)
			c.mu.Unlock()
		})
	} else {
		c.handleData(wrap)
	}
	c.handle("onerror", func(js.Value) {}) // a close event always follows; it says more
	c.handle("onclose", func(ev js.Value) {
		code, reason, clean := ev.Get("code").Int(), ev.Get("reason").String(), ev.Get("wasClean").Bool()
		// A code other than 1006 is the one the server's close frame
		// carried (1005: it carried none): the server did close, as the
		// native side sees it, even when the TCP teardown after it was
		// not clean (a reset once the server had its answer).
		clean = clean || code != wire.CloseAbnormalClosure
		c.mu.Lock()
		if !c.closed {
			c.closed, c.code, c.reason, c.clean = true, code, reason, clean
		}
		c.mu.Unlock()
	})
	return nil
}

// Two small JavaScript functions save calls across the Go–JavaScript
// boundary (helpers.js says which). The ES module websocket.js provides
// them as ordinary code in globalThis.__hybridws.wasm, read once when the
// program starts (the module removes it right after); without it they are
// compiled with the Function constructor, and where the page's
// Content-Security-Policy refuses that too, both stay undefined and the
// plain way is used.
var (
	helpersOnce sync.Once
	wrapper     js.Value // wraps onmessage handlers (see open)
	sendIfOpen  js.Value // (ws, data): sends data if ws is open; returns ws.readyState

	//go:embed helpers.js
	helpersSource string
	// provided is the module's copy of helpers.js, looked up at start.
	provided = providedHelpers()
)

func providedHelpers() (v js.Value) {
	defer func() {
		if recover() != nil {
			v = js.Undefined()
		}
	}()
	if h := js.Global().Get("__hybridws"); h.Type() == js.TypeObject {
		if w := h.Get("wasm"); w.Type() == js.TypeObject {
			return w
		}
	}
	return js.Undefined()
}

func makeHelpers() {
	helpersOnce.Do(func() {
		defer func() { recover() }()
		h := provided
		if h.IsUndefined() {
			h = js.Global().Get("Function").New("return (\n" + helpersSource + "\n)").Invoke()
		}
		wrapper, sendIfOpen = h.Get("wrap"), h.Get("sendIfOpen")
	})
}

// messageWrapper returns the JavaScript function that wraps onmessage
// handlers (see open), or undefined.
func messageWrapper() js.Value {
	makeHelpers()
	return wrapper
}

// handleData installs the onmessage handler through wrap: Go gets a
// string and -1, or a Uint8Array and its length.
func (c *Conn) handleData(wrap js.Value) {
	f := js.FuncOf(func(this js.Value, args []js.Value) any {
		var m message
		if n := args[1].Int(); n < 0 {
			m = message{1, []byte(args[0].String())}
		} else {
			m = message{2, make([]byte, n)}
			js.CopyBytesToGo(m.p, args[0])
		}
		c.mu.Lock()
		c.msgs = append(c.msgs, m)
		c.mu.Unlock()
		c.wake()
		return nil
	})
	liveFuncs.Add(1)
	c.funcs = append(c.funcs, f)
	c.ws.Set("onmessage", wrap.Invoke(f))
}

// decode copies a message event's data into Go: a string is a text
// message, an ArrayBuffer a binary one.
func decode(data js.Value) message {
	if data.Type() == js.TypeString {
		return message{1, []byte(data.String())}
	}
	arr := uint8Array.New(data)
	p := make([]byte, arr.Length())
	js.CopyBytesToGo(p, arr)
	return message{2, p}
}

// handle installs fn as the socket's handler prop. The handler records and
// pokes notify; it never waits.
func (c *Conn) handle(prop string, fn func(ev js.Value)) {
	f := js.FuncOf(func(this js.Value, args []js.Value) any {
		fn(args[0])
		c.wake()
		return nil
	})
	liveFuncs.Add(1)
	c.funcs = append(c.funcs, f)
	c.ws.Set(prop, f)
}

func (c *Conn) wake() {
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

// release detaches the handlers, so the browser never calls them again,
// and then releases them. Safe at any time, and more than once.
func (c *Conn) release() {
	c.mu.Lock()
	done := c.released
	c.released = true
	c.mu.Unlock()
	if done {
		return
	}
	for _, prop := range []string{"onopen", "onmessage", "onerror", "onclose"} {
		c.ws.Set(prop, js.Null())
	}
	for _, f := range c.funcs {
		f.Release()
		liveFuncs.Add(-1)
	}
	c.funcs = nil
}

// Read waits for the next message and returns its opcode (1 text, 2
// binary) and payload. Every message received before the close event comes
// first; then Read returns a *CloseError, every time.
func (c *Conn) Read() (int, []byte, error) {
	for {
		c.mu.Lock()
		if len(c.msgs) > 0 {
			m := c.msgs[0]
			c.msgs[0] = message{}
			c.msgs = c.msgs[1:]
			c.mu.Unlock()
			return m.typ, m.p, nil
		}
		closed, err := c.closed, &CloseError{c.code, c.reason, c.clean}
		c.mu.Unlock()
		if closed {
			c.release()
			return 0, nil, err
		}
		<-c.notify
	}
}

// yieldEvery: every yieldEvery-th Write yields to the other goroutines
// first. The page has one thread and no preemption, so a loop of Writes
// would otherwise starve them all (timers included) until the send buffer
// fills; not every Write, as a goroutine switch costs more than the rest
// of a Write (BENCHMARKS.md's browser notes).
const yieldEvery = 16

// Write queues one message in the browser (ws.send); it never blocks.
// typ 1 sends p as text, anything else as binary. A stand-in from
// jspayload.Stage sends the staged JavaScript value instead of its bytes.
//
// Every yieldEvery-th Write yields to the other goroutines first.
func (c *Conn) Write(typ int, p []byte) (err error) {
	if c.writes++; c.writes%yieldEvery == 0 {
		runtime.Gosched()
	}
	defer catch(&err)
	makeHelpers()
	// The payload: a JavaScript value the JavaScript API staged (no copy
	// at all), or p copied out.
	var data any
	if standIn, v, ok := jspayload.Staged(p); standIn {
		if !ok {
			return errors.New("internal error: a staged payload is missing")
		}
		data = v
	} else if typ == 1 {
		data = string(p)
	} else {
		data = c.binary(p)
	}
	if !sendIfOpen.IsUndefined() {
		// One call: check readyState and send.
		if rs := sendIfOpen.Invoke(c.ws, data).Int(); rs != 1 {
			return errors.New("the WebSocket is not open (readyState " + strconv.Itoa(rs) + ")")
		}
		return nil
	}
	if rs := c.ws.Get("readyState").Int(); rs != 1 {
		return errors.New("the WebSocket is not open (readyState " + strconv.Itoa(rs) + ")")
	}
	c.ws.Call("send", data)
	return nil
}

// binary copies p into a Uint8Array for send. send copies the bytes at
// once, so one Uint8Array serves every message of the same length (a new
// one per message is a JavaScript object, and a finalizer, each).
func (c *Conn) binary(p []byte) js.Value {
	if c.sendLen != len(p) || c.sendArr.IsUndefined() {
		c.sendArr, c.sendLen = uint8Array.New(len(p)), len(p)
	}
	js.CopyBytesToJS(c.sendArr, p)
	return c.sendArr
}

// CheckClose reports whether a browser accepts code and reason in
// WebSocket.close: code 1000 or 3000-4999, a UTF-8 reason of at most 123
// bytes.
func CheckClose(code int, reason string) error {
	if code != wire.CloseNormalClosure && (code < wire.CloseAppMin || code > wire.CloseAppMax) {
		return fmt.Errorf("close code %d is not allowed in a browser: use 1000 or 3000-4999", code)
	}
	if !utf8.ValidString(reason) {
		return errors.New("close reason is not valid UTF-8")
	}
	if len(reason) > 123 {
		return fmt.Errorf("close reason is %d bytes long: at most 123 are allowed", len(reason))
	}
	return nil
}

// Close starts the closing handshake with code and reason, checked with
// CheckClose first, and returns without waiting: the close event ends
// Read. A server that never answers keeps the socket closing until the
// browser gives up; the caller bounds that with Abort. Closing a closed
// socket does nothing.
func (c *Conn) Close(code int, reason string) (err error) {
	if err := CheckClose(code, reason); err != nil {
		return err
	}
	c.mu.Lock()
	if c.closed || c.sentCode != 0 {
		c.mu.Unlock()
		return nil
	}
	c.sentCode = code
	c.mu.Unlock()
	defer catch(&err)
	c.ws.Call("close", code, reason)
	return nil
}

// Abort closes the socket without waiting and releases the handlers. A
// Read that waits returns at once. Unless the close event came first, the
// close status is then the code Close sent, or 1006, and not clean.
func (c *Conn) Abort() {
	c.mu.Lock()
	wasClosed := c.closed
	if !c.closed {
		c.closed, c.code = true, wire.CloseAbnormalClosure
		if c.sentCode != 0 {
			c.code = c.sentCode
		}
	}
	c.mu.Unlock()
	if !wasClosed {
		func() {
			defer catch(new(error))
			c.ws.Call("close")
		}()
	}
	c.release()
	c.wake()
}

// Buffered returns the socket's bufferedAmount: bytes passed to send and
// not yet on the network.
func (c *Conn) Buffered() int64 {
	return int64(c.ws.Get("bufferedAmount").Float())
}

// CloseStatus returns the close event's code, reason and wasClean (1006
// and not clean if Abort came first).
func (c *Conn) CloseStatus(error) (code int, reason string, clean bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		return wire.CloseAbnormalClosure, "", false
	}
	return c.code, c.reason, c.clean
}

// catch turns a JS exception thrown by a call into *err.
func catch(err *error) {
	if r := recover(); r != nil {
		*err = errors.New("the browser threw: " + jsText(r))
	}
}

func jsText(r any) string {
	switch v := r.(type) {
	case js.Error:
		return v.Error()
	case error:
		return v.Error()
	}
	return fmt.Sprint(r)
}
