//go:build js && wasm

package main

import (
	_ "embed"
	"errors"
	"math"
	"sort"
	"strings"
	"sync"
	"syscall/js"
	"time"

	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/internal/jspayload"
)

// glueSource is the JavaScript half of the shim: argument checks, the
// handles, and the microtask queue that runs the page's callbacks. The ES
// module websocket.js carries the same file as ordinary code.
//
//go:embed glue.js
var glueSource string

var (
	installOnce sync.Once
	// glue is what glue.js returned: {api, deliver, sink, live}.
	glue       js.Value
	deliver    js.Value // glue.deliver, looked up once: Invoke saves converting its name per event
	sink       js.Value // glue.sink(id): the socket's message handler for connection id
	uint8Array = js.Global().Get("Uint8Array")
	object     = js.Global().Get("Object")
	emptyText  = js.ValueOf("") // made once: every js.ValueOf of a string is a call into JavaScript

	// conns maps a connection's id to what the shim holds of it, from
	// connect until its DISCONNECTED. It is never held across a JavaScript
	// call, so a function called by the page never waits for it.
	mu    sync.Mutex
	conns = map[int]entry{}
)

// entry is a connection as the shim holds it: the Go connection, and the
// Uint8Array of glue.js that its Stats cross in (putStats).
type entry struct {
	conn  *websocket.Connection
	stats js.Value
}

// install puts the API on globalThis.websocket and dispatches the event
// "websocket-ready" on globalThis. The four bridge functions live as long
// as the program; a connection owns no js.Func of its own.
func install() {
	installOnce.Do(func() {
		bridge := object.New()
		bridge.Set("connect", js.FuncOf(bridgeConnect))
		bridge.Set("send", js.FuncOf(bridgeSend))
		bridge.Set("disconnect", js.FuncOf(bridgeDisconnect))
		bridge.Set("stats", js.FuncOf(bridgeStats))
		var states []any
		for s := websocket.StateConnecting; s <= websocket.StateClosed; s++ {
			states = append(states, s.String())
		}
		bridge.Set("states", states)
		consts := object.New()
		consts.Set("EVENT_CONNECTED", int(websocket.EventConnected))
		consts.Set("EVENT_DISCONNECTED", int(websocket.EventDisconnected))
		consts.Set("EVENT_MESSAGE", int(websocket.EventMessage))
		consts.Set("EVENT_ERROR", int(websocket.EventError))
		consts.Set("DATA_TYPE_BINARY", int(websocket.DataTypeBinary))
		consts.Set("DATA_TYPE_TEXT", int(websocket.DataTypeText))
		bridge.Set("consts", consts)

		glue = glueFactory().Invoke(bridge)
		deliver = glue.Get("deliver")
		sink = glue.Get("sink")
	})
	api := glue.Get("api")
	g := js.Global()
	g.Set("websocket", api)
	if g.Get("dispatchEvent").Type() == js.TypeFunction && g.Get("CustomEvent").Type() == js.TypeFunction {
		opts := object.New()
		opts.Set("detail", api)
		g.Call("dispatchEvent", g.Get("CustomEvent").New("websocket-ready", opts))
	}
}

// glueFactory returns glue.js's function: the ES module websocket.js
// provides it as ordinary code in globalThis.__hybridws.glue (so a page
// whose Content-Security-Policy forbids 'unsafe-eval' works); a page that
// loads websocket.wasm itself gets it compiled from the embedded source
// with the Function constructor.
func glueFactory() js.Value {
	if h := js.Global().Get("__hybridws"); h.Type() == js.TypeObject {
		if f := h.Get("glue"); f.Type() == js.TypeFunction {
			return f
		}
	}
	return js.Global().Get("Function").New("return (\n" + glueSource + "\n)").Invoke()
}

// bridgeConnect(id, url, timeoutMs, protocol, headers, minDelayMs,
// maxDelayMs, maxAttempts, statsBytes): glue.js has checked the types
// already; a negative minDelayMs means no reconnect.
func bridgeConnect(_ js.Value, a []js.Value) any {
	id := a[0].Int()
	p := &websocket.Params{
		Timeout:  millis(a[2].Float()),
		Protocol: a[3].String(),
		Headers:  a[4].String(),
	}
	if minDelay := a[5].Float(); minDelay >= 0 {
		p.Reconnect = &websocket.Reconnect{
			MinDelay:    millis(minDelay),
			MaxDelay:    millis(a[6].Float()),
			MaxAttempts: int(min2(a[7].Float(), math.MaxInt32)),
		}
	}
	// Messages go from the socket to glue.js without crossing into Go
	// (jspayload): the browser backend installs this handler each time it
	// dials with p, until DISCONNECTED (emit) takes it away.
	jspayload.SetSink(p, sink.Invoke(id))
	conn, err := websocket.Connect(a[1].String(), p, func(c *websocket.Connection, d *websocket.Data) {
		if d.Event == websocket.EventDisconnected {
			jspayload.TakeSink(p)
		}
		emit(id, c, d)
	})
	if err != nil {
		jspayload.TakeSink(p) // no dial follows
		return result("connect", err)
	}
	// The connection's goroutine cannot run before this function returns
	// (wasm has one thread and nothing here waits), so this map entry is
	// there before its DISCONNECTED removes it.
	mu.Lock()
	conns[id] = entry{conn, a[8]}
	mu.Unlock()
	return nil
}

func min2(a, b float64) float64 {
	if a < b {
		return a
	}
	return b
}

// millis converts a duration in milliseconds; 0 means the default.
func millis(ms float64) time.Duration {
	switch d := ms * float64(time.Millisecond); {
	case ms <= 0:
		return 0
	case d >= math.MaxInt64:
		return math.MaxInt64
	case d < 1:
		return 1
	default:
		return time.Duration(d)
	}
}

func lookup(id int) entry {
	mu.Lock()
	defer mu.Unlock()
	return conns[id]
}

// maxStaged bounds the messages handed to the socket without a copy: their
// stand-in (see bridgeSend) stays allocated for the program's life.
const maxStaged = 4 << 20

// bridgeSend(id, message, isText, length, asIs): message is a string (text)
// or a Uint8Array, length bytes long in UTF-8. With asIs, the socket may
// send message itself: Send gets a stand-in of the same length, which the
// browser transport swaps for message (jspayload.Stage), so the bytes are
// neither copied into Go nor back out. Without asIs (a Uint8Array sent as
// text) Go copies the bytes, to check that they are UTF-8.
func bridgeSend(_ js.Value, a []js.Value) any {
	conn := lookup(a[0].Int()).conn
	if conn == nil { // cannot happen: glue.js knows of DISCONNECTED as soon as Go does
		return []any{"Error", "websocket: send: the connection is closed"}
	}
	opts := &websocket.SendOptions{Type: websocket.DataTypeBinary}
	if a[2].Bool() {
		opts.Type = websocket.DataTypeText
	}
	var p []byte
	switch n := a[3].Int(); {
	case n == 0: // glue.js passes an empty array for a detached buffer, whose bytes cannot be read
	case a[4].Bool() && n <= maxStaged:
		p = jspayload.Stage(a[1], n)
		defer jspayload.Unstage()
	case a[1].Type() == js.TypeString:
		p = []byte(a[1].String())
	default:
		p = make([]byte, n)
		js.CopyBytesToGo(p, a[1])
	}
	return result("send", websocket.Send(conn, p, opts))
}

// bridgeDisconnect(id, code, reason): glue.js has checked code and reason
// already.
func bridgeDisconnect(_ js.Value, a []js.Value) any {
	conn := lookup(a[0].Int()).conn
	if conn == nil {
		return nil
	}
	return result("disconnect", websocket.DisconnectWith(conn, a[1].Int(), a[2].String()))
}

// bridgeStats(id) writes connection id's Stats for glue.js to read. A
// connection that has had its DISCONNECTED is not asked: glue.js reads
// what emit wrote just before it.
func bridgeStats(_ js.Value, a []js.Value) any {
	if e := lookup(a[0].Int()); e.conn != nil {
		putStats(e.stats, e.conn.Stats())
	}
	return nil
}

// putStats copies s into dst, a Uint8Array of glue.js, in one call: eight
// little-endian float64s in the order of glue.js's readStats.
func putStats(dst js.Value, s websocket.Stats) {
	var b [64]byte
	for i, v := range [8]float64{
		float64(s.State), float64(s.Connects), float64(s.MessagesIn), float64(s.BytesIn),
		float64(s.MessagesOut), float64(s.BytesOut), float64(s.SendQueued),
		float64(s.RTT) / float64(time.Millisecond),
	} {
		u := math.Float64bits(v)
		for j := range 8 {
			b[8*i+j] = byte(u >> (8 * j))
		}
	}
	js.CopyBytesToJS(dst, b[:])
}

// result turns an error of the Go API into what glue.js throws: a
// TypeError naming the argument for bad input, else a plain Error with
// the Go error's text.
func result(fn string, err error) any {
	if err == nil {
		return nil
	}
	if !errors.Is(err, websocket.ErrInvalidArgument) {
		return []any{"Error", err.Error()}
	}
	if fn == "disconnect" && errors.Is(err, websocket.ErrInvalidOptions) {
		// glue.js refuses a bad code or reason itself, with the same rules.
		return []any{"RangeError", "websocket.disconnect: code or reason is not allowed: " + err.Error()}
	}
	arg := "an argument"
	switch {
	case errors.Is(err, websocket.ErrInvalidURL):
		arg = "url"
	case errors.Is(err, websocket.ErrInvalidHeaders):
		arg = "params.headers"
	case errors.Is(err, websocket.ErrInvalidProtocol):
		arg = "params.protocol"
	case errors.Is(err, websocket.ErrInvalidUTF8):
		arg = "message"
	case errors.Is(err, websocket.ErrInvalidOptions) && fn == "connect":
		arg = "params"
	case errors.Is(err, websocket.ErrInvalidOptions):
		arg = "options"
	case errors.Is(err, websocket.ErrNilCallback):
		arg = "callback"
	case errors.Is(err, websocket.ErrNilConnection):
		arg = "connection"
	}
	return []any{"TypeError", "websocket." + fn + ": " + arg + " is invalid: " + err.Error()}
}

// emit hands one event to glue.js, which runs the page's callback from a
// microtask. It runs on the connection's goroutine and never waits.
func emit(id int, c *websocket.Connection, d *websocket.Data) {
	message, reason := emptyText, emptyText
	typ, code := 0, 0
	var hs any // null
	closed := js.Undefined()
	switch d.Event {
	case websocket.EventConnected:
		if r := d.HandshakeResponse; r != nil {
			h := object.New()
			h.Set("status", r.Status)
			h.Set("headers", headerObject(r.Headers))
			h.Set("protocol", r.Protocol)
			hs = h
		}
	case websocket.EventMessage:
		// Only if the socket had no glue.sink handler (see bridgeConnect),
		// which delivers messages to the page itself.
		typ = int(d.Type)
		if d.Type == websocket.DataTypeText {
			message = js.ValueOf(string(d.Message))
		} else {
			u := uint8Array.New(len(d.Message))
			js.CopyBytesToJS(u, d.Message)
			message = u
		}
	case websocket.EventError:
		message = js.ValueOf(string(d.Message))
	case websocket.EventDisconnected:
		code = d.Code
		if d.Reason != "" {
			reason = js.ValueOf(d.Reason)
		}
		mu.Lock()
		e := conns[id]
		delete(conns, id)
		mu.Unlock()
		// What a later send on this handle throws: the Go API's own text.
		text := "websocket: send: the connection is closed"
		if err := websocket.Send(c, nil, nil); err != nil {
			text = err.Error()
		}
		closed = js.ValueOf(text)
		// The handle's last stats: glue.js answers with them from now on,
		// without asking Go.
		putStats(e.stats, c.Stats())
	}
	// One call: glue.js builds the data object (a Set per field would be
	// a call into JavaScript each).
	deliver.Invoke(id, int(d.Event), message, typ, code, reason, hs, closed, float64(d.RetryIn)/float64(time.Millisecond))
}

// headerObject turns response headers into {name: "value, value"}, names
// in lower case as fetch's Headers has them. Browsers expose none: {}.
func headerObject(h map[string][]string) js.Value {
	o := object.New()
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		o.Set(strings.ToLower(k), strings.Join(h[k], ", "))
	}
	return o
}
