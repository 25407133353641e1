//go:build js && wasm

package wasm

import (
	"errors"
	"runtime"
	"strconv"
	"syscall/js"

	"github.com/hybridws/websocket/internal/jspayload"
)

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
	} else if rs, ok := sendMem(c.ws, typ == 1, p); ok {
		// Sent straight from Go memory, in one call (mem.go).
		if rs != 1 {
			return errors.New("the WebSocket is not open (readyState " + strconv.Itoa(rs) + ")")
		}
		return nil
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
