//go:build js && wasm

package wasm

import (
	"syscall/js"

	"github.com/hybridws/websocket/internal/live"
	"github.com/hybridws/websocket/internal/wire"
)

type message struct {
	typ int
	p   []byte
}

// handleData installs the onmessage handler through wrap: Go gets a
// string and -1, or a Uint8Array and its length.
func (c *Conn) handleData(wrap js.Value) {
	f := js.FuncOf(func(this js.Value, args []js.Value) any {
		var m message
		if n := args[1].Int(); n < 0 {
			m = message{wire.OpText, []byte(args[0].String())}
		} else {
			m = message{wire.OpBinary, make([]byte, n)}
			js.CopyBytesToGo(m.p, args[0])
		}
		c.mu.Lock()
		c.msgs = append(c.msgs, m)
		c.mu.Unlock()
		c.wake()
		return nil
	})
	live.Funcs.Add(1)
	c.funcs = append(c.funcs, f)
	c.ws.Set("onmessage", wrap.Invoke(f))
}

// decode copies a message event's data into Go: a string is a text
// message, an ArrayBuffer a binary one.
func decode(data js.Value) message {
	if data.Type() == js.TypeString {
		return message{wire.OpText, []byte(data.String())}
	}
	arr := uint8Array.New(data)
	p := make([]byte, arr.Length())
	js.CopyBytesToGo(p, arr)
	return message{wire.OpBinary, p}
}

// Read waits for the next message and returns its opcode (wire.OpText or
// wire.OpBinary) and payload. Every message received before the close event comes
// first; then Read returns a *closeError, every time.
func (c *Conn) Read() (int, []byte, error) {
	for {
		if c.box != nil {
			if typ, p, ok := c.box.read(); ok {
				return typ, p, nil
			}
		}
		c.mu.Lock()
		if len(c.msgs) > 0 {
			m := c.msgs[0]
			c.msgs[0] = message{}
			c.msgs = c.msgs[1:]
			c.mu.Unlock()
			return m.typ, m.p, nil
		}
		closed, err := c.closed, &closeError{c.code, c.reason, c.clean}
		c.mu.Unlock()
		if closed {
			c.release()
			return 0, nil, err
		}
		if c.box != nil {
			// Say that a message should wake us, then look once more: one
			// may have come in between.
			c.box.setIdle(true)
			if typ, p, ok := c.box.read(); ok {
				c.box.setIdle(false)
				return typ, p, nil
			}
		}
		<-c.notify
		if c.box != nil {
			c.box.setIdle(false)
		}
	}
}

// openInbox installs the onmessage handler that writes messages into an
// inbox; nil if the wasm memory cannot be reached.
func (c *Conn) openInbox() *inbox {
	makeHelpers()
	if !memOK {
		return nil
	}
	f := js.FuncOf(func(js.Value, []js.Value) any {
		c.wake()
		return nil
	})
	live.Funcs.Add(1)
	c.funcs = append(c.funcs, f)
	return newInbox(c.ws, f, c.wake)
}
