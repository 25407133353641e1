//go:build js && wasm

package wasm

import (
	"context"
	"sync"
	"syscall/js"
	"time"

	"github.com/hybridws/websocket/internal/live"
	"github.com/hybridws/websocket/internal/wire"
)

var (
	webSocket  = js.Global().Get("WebSocket")
	uint8Array = js.Global().Get("Uint8Array")
)

// Conn is one browser WebSocket. Read must be called from one goroutine;
// Write, Close and Abort may be called from others.
type Conn struct {
	ws     js.Value
	url    string
	sink   js.Value // Options.Sink, or undefined
	box    *inbox   // where the onmessage handler writes messages; nil: it appends them to msgs
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

	// Write's state; Writes are serialized by the caller.
	sendArr js.Value // a reusable Uint8Array, sendLen bytes long
	sendLen int
	writes  int   // Writes so far: every yieldEvery-th yields
	limit   int64 // Options.SendLimit
	est     int64 // an upper bound of what waits to be sent (see Write)
}

// Options says how to dial. The zero value dials with no subprotocol,
// no bound on the send queue, and Go reading the messages.
type Options struct {
	Protocols []string // the subprotocols to ask for
	// SendLimit bounds what waits to be sent: the socket's bufferedAmount
	// plus wire.MsgOverhead per message Write added. 0: no bound.
	SendLimit int64
	// Sink, a JavaScript function, becomes the socket's onmessage handler
	// unless it is undefined: every message event then goes to it and none
	// to Go, so Read only ever reports the close. The JavaScript API uses
	// it (see internal/jspayload): its messages need not cross into Go at
	// all. The handler is detached, as the others, when the connection
	// ends.
	Sink js.Value
}

// Dial opens a WebSocket to url and waits until it opens or fails, or ctx
// ends (then it closes the socket and returns ctx.Err()). On success it
// returns the subprotocol the server chose.
func Dial(ctx context.Context, url string, o Options) (c *Conn, protocol string, err error) {
	protocols, sink := o.Protocols, o.Sink
	if err := ctx.Err(); err != nil {
		return nil, "", err // Disconnect came first: no socket at all
	}
	if d := DialDelay(url); d > 0 {
		// Firefox would hold the socket this long (faildelay.go): wait
		// here instead, holding up no other socket.
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, "", ctx.Err()
		}
	}
	c = &Conn{url: url, notify: make(chan struct{}, 1), sink: sink, limit: o.SendLimit}
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
			dialFailed(url)
			c.drop()
			return nil, "", &DialError{URL: url, Protocols: protocols, Code: code, Reason: reason}
		}
		select {
		case <-c.notify:
		case <-ctx.Done():
			dialFailed(url) // Firefox counts a socket closed while connecting
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
		dialOpened(c.url)
		c.mu.Lock()
		c.opened = true
		c.mu.Unlock()
	})
	// onmessage is a small JavaScript function that writes the messages
	// straight into Go memory, and calls Go only when Read waits (inbox.go);
	// where the memory cannot be reached, one that hands Go the data ready
	// to copy: a string, or a Uint8Array and its length (one call
	// into Go and one copy, instead of reading event.data, its type, a
	// view and its length from Go, a call into JavaScript each). A page
	// whose Content-Security-Policy forbids making functions gets the
	// plain handler.
	wrap := messageWrapper()
	if c.sink.Type() == js.TypeFunction {
		c.ws.Set("onmessage", c.sink)
	} else if c.box = c.openInbox(); c.box != nil {
		// Installed: messages go straight into Go memory (inbox.go).
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
	c.handle("onerror", func(js.Value) {
		// Once open, a close event follows an error and says more. Before
		// open the error alone fails the dial (the close event's code
		// would be 1006): WebKitGTK sends no close event after it for a
		// port it blocks (1, 9, 6000, ...), and leaves readyState at
		// CONNECTING.
		c.mu.Lock()
		if !c.opened && !c.closed {
			c.closed, c.code = true, wire.CloseAbnormalClosure
		}
		c.mu.Unlock()
	})
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

// handle installs fn as the socket's handler prop. The handler records and
// pokes notify; it never waits.
func (c *Conn) handle(prop string, fn func(ev js.Value)) {
	f := js.FuncOf(func(this js.Value, args []js.Value) any {
		fn(args[0])
		c.wake()
		return nil
	})
	live.Funcs.Add(1)
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
	if c.box != nil {
		c.box.close.Invoke() // no wake is left waiting
	}
	for _, f := range c.funcs {
		f.Release()
		live.Funcs.Add(-1)
	}
	c.funcs = nil
}

// drop ends a dial that failed: it closes the socket unless the browser
// has (so that an engine which stopped at the error event lets it go),
// and releases the handlers.
func (c *Conn) drop() {
	func() {
		defer catch(new(error))
		if c.ws.Get("readyState").Int() != 3 { // CLOSED
			c.ws.Call("close")
		}
	}()
	c.release()
}

// Close starts the closing handshake with code and reason, checked with
// checkClose first, and returns without waiting: the close event ends
// Read. A server that never answers keeps the socket closing until the
// browser gives up; the caller bounds that with Abort. Closing a closed
// socket does nothing.
func (c *Conn) Close(code int, reason string) (err error) {
	if err := checkClose(code, reason); err != nil {
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

// Fail fails the connection and returns at once: the close frame goes out
// with code and reason where a page may send them (checkClose), and
// without a code otherwise. Nothing is dropped here: what send took, the
// browser holds and sends first, and a page cannot take it back. The close
// status then says code unless the server's close frame comes first.
func (c *Conn) Fail(code int, reason string) {
	if checkClose(code, reason) == nil {
		c.Close(code, reason)
		return
	}
	c.mu.Lock()
	if c.closed || c.sentCode != 0 {
		c.mu.Unlock()
		return
	}
	c.sentCode = code
	c.mu.Unlock()
	defer catch(new(error))
	c.ws.Call("close") // a close frame without a code
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

// End explains the end of the connection, once Abort has run: the close
// event's code, reason and wasClean (the code Close or Fail sent, or 1006,
// and not clean, if Abort came first), and what send took and never sent
// (bufferedAmount then). A browser reports no write failure: a send that
// cannot go out fails the connection, and the close event tells.
func (c *Conn) End(error) wire.End {
	c.mu.Lock()
	e := wire.End{Code: wire.CloseAbnormalClosure}
	if c.closed {
		e.Code, e.Reason, e.Clean = c.code, c.reason, c.clean
	}
	c.mu.Unlock()
	e.Unsent = c.Queued()
	return e
}
