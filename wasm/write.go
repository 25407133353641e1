//go:build js && wasm

package wasm

import (
	"errors"
	"runtime"
	"strconv"
	"syscall/js"

	"github.com/hybridws/websocket/internal/jspayload"
	"github.com/hybridws/websocket/internal/wire"
)

// yieldEvery: every yieldEvery-th Write yields to the other goroutines
// first. The page has one thread and no preemption, so a loop of Writes
// would otherwise starve them all (timers included) until the send buffer
// fills; not every Write, as a goroutine switch costs more than the rest
// of a Write (BENCHMARKS.md's browser notes).
const yieldEvery = 16

// Write queues one message in the browser (ws.send); it never blocks.
// wire.OpText sends p as text, anything else as binary. A stand-in from
// jspayload.Stage sends the staged JavaScript value instead of its bytes.
// It returns a *wire.QueueFullError, sending nothing, when the message
// would take what waits past Options.SendLimit.
//
// Every yieldEvery-th Write yields to the other goroutines first.
func (c *Conn) Write(typ int, p []byte) error {
	// c.est is what bufferedAmount was when last read plus what Write
	// added since: never less than the truth, as the browser only ever
	// sends bytes off. Reading bufferedAmount again (a call into
	// JavaScript) is needed only when the estimate says the message would
	// not fit.
	cost := int64(len(p)) + wire.MsgOverhead
	if c.limit > 0 && c.est+cost > c.limit {
		c.est = c.Queued()
		if c.est+cost > c.limit {
			return &wire.QueueFullError{Queued: c.est, Limit: c.limit}
		}
	}
	if c.writes++; c.writes%yieldEvery == 0 {
		runtime.Gosched()
	}
	if err := c.send(typ, p); err != nil {
		return err
	}
	c.est += cost
	return nil
}

// send hands one message to the socket in as few calls as it can.
func (c *Conn) send(typ int, p []byte) (err error) {
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
	} else if rs, ok := sendMem(c.ws, typ == wire.OpText, p); ok {
		// Sent straight from Go memory, in one call (mem.go).
		return notOpen(rs)
	} else if typ == wire.OpText {
		data = string(p)
	} else {
		data = c.binary(p)
	}
	if !sendIfOpen.IsUndefined() {
		// One call: check readyState and send.
		return notOpen(sendIfOpen.Invoke(c.ws, data).Int())
	}
	if err := notOpen(c.ws.Get("readyState").Int()); err != nil {
		return err
	}
	c.ws.Call("send", data)
	return nil
}

// notOpen returns the error for a socket in readyState rs, nil when it is
// open (1).
func notOpen(rs int) error {
	if rs == 1 {
		return nil
	}
	return errors.New("the WebSocket is not open (readyState " + strconv.Itoa(rs) + ")")
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

// Queued returns the socket's bufferedAmount: bytes passed to send and
// not yet on the network.
func (c *Conn) Queued() int64 {
	return int64(c.ws.Get("bufferedAmount").Float())
}
