//go:build js && wasm

// Package jspayload lets the JavaScript API (./shim) move message payloads
// between the page and the browser's WebSocket without copying them into
// Go memory and back out, while the root package's state machine still
// decides everything else (the events and their order, the send queue
// bound, nothing after DISCONNECTED).
//
// Received messages: the shim leaves a JavaScript message handler for a
// connection with SetSink, keyed by the *Params it passes to Connect; the
// browser backend looks it up (Sink) each time it dials and installs it as
// the socket's onmessage (wasm.Options.Sink); the shim takes it away
// (TakeSink) at DISCONNECTED. Messages then go from the socket
// straight to the page's queue of events, which holds them until Go has
// reported CONNECTED and drops them once it has reported DISCONNECTED.
//
// Sent messages: Stage returns a stand-in of the message's byte length for
// Send, and the browser transport's Write sends the staged value instead;
// a stand-in written without a staged value is an error, never zeros.
//
// Everything runs on the page's one thread; the mutex only orders the
// goroutines that take turns on it.
package jspayload

import (
	"sync"
	"syscall/js"
)

var (
	mu    sync.Mutex
	sinks = map[any]js.Value{}

	stageBuf []byte   // the stand-ins: never written, so all zero
	staged   js.Value // the value the next Write of a stand-in sends
	isStaged bool
)

// SetSink leaves sink, a JavaScript function, as the message handler of the
// connection that is dialled with key (its *Params).
func SetSink(key any, sink js.Value) {
	mu.Lock()
	sinks[key] = sink
	mu.Unlock()
}

// Sink returns the handler left for key, undefined if there is none. It
// stays for the next dial with key (Params.Reconnect dials again) until
// TakeSink.
func Sink(key any) js.Value { return sink(key, false) }

// TakeSink returns the handler left for key and forgets it; undefined if
// there is none.
func TakeSink(key any) js.Value { return sink(key, true) }

func sink(key any, take bool) js.Value {
	mu.Lock()
	defer mu.Unlock()
	v, ok := sinks[key]
	if !ok {
		return js.Undefined()
	}
	if take {
		delete(sinks, key)
	}
	return v
}

// Sinks returns how many handlers are left (0 once every connection has
// ended; tests use it to find leaks).
func Sinks() int {
	mu.Lock()
	defer mu.Unlock()
	return len(sinks)
}

// Stage makes v (a string for a text message, a Uint8Array for a binary
// one) the payload of the next Write of the stand-in it returns: n zero
// bytes, n being v's length in bytes (n > 0). Call Unstage once Send
// returned.
func Stage(v js.Value, n int) []byte {
	mu.Lock()
	defer mu.Unlock()
	if len(stageBuf) < n {
		stageBuf = make([]byte, n)
	}
	staged, isStaged = v, true
	return stageBuf[:n:n]
}

// Unstage forgets the staged value, written or not.
func Unstage() {
	mu.Lock()
	staged, isStaged = js.Undefined(), false
	mu.Unlock()
}

// Staged reports whether p is a stand-in from Stage. If so, v is the value
// to send instead, and ok tells whether one was staged (a stand-in without
// one must not be sent).
func Staged(p []byte) (standIn bool, v js.Value, ok bool) {
	mu.Lock()
	defer mu.Unlock()
	if len(p) == 0 || len(stageBuf) == 0 || &p[0] != &stageBuf[0] {
		return false, js.Undefined(), false
	}
	v, ok = staged, isStaged
	staged, isStaged = js.Undefined(), false
	return true, v, ok
}
