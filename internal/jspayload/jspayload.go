//go:build js && wasm

// Package jspayload lets the JavaScript API (./shim) hand message payloads
// between the page and the browser's WebSocket without copying them into
// Go memory and back out. The payload stays a JavaScript value; what goes
// through the root package's state machine, which keeps every guarantee
// (order, the send queue bound, nothing after DISCONNECTED), is a stand-in
// slice the browser transport (../../wasm) recognizes.
//
// Received messages: with Enable, the transport keeps each message's
// JavaScript value (a string, or a Uint8Array over the event's own fresh
// ArrayBuffer) and gives the root package a short token instead of the
// bytes; the shim trades the token for the value with Take. Only the
// shim's program calls Enable: there every connection is the shim's.
//
// Sent messages: Stage returns a stand-in of the message's byte length for
// Send, and the transport's Write sends the staged value instead; a
// stand-in written without a staged value is an error, never zeros.
//
// Everything runs on the page's one thread; the mutex only orders the
// goroutines that take turns on it.
package jspayload

import (
	"strconv"
	"sync"
	"syscall/js"
)

var (
	mu      sync.Mutex
	enabled bool
	kept    = map[string]js.Value{}
	next    uint64

	stageBuf []byte   // the stand-ins: never written, so all zero
	staged   js.Value // the value the next Write of a stand-in sends
	isStaged bool
)

// Enable makes the browser transport keep received payloads as JavaScript
// values (see Keep). Call it before the first connection.
func Enable() {
	mu.Lock()
	enabled = true
	mu.Unlock()
}

// Enabled reports whether Enable was called.
func Enabled() bool {
	mu.Lock()
	defer mu.Unlock()
	return enabled
}

// Keep stores v and returns a fresh token for it: a few ASCII digits, so a
// text message's token is valid UTF-8.
func Keep(v js.Value) []byte {
	mu.Lock()
	defer mu.Unlock()
	next++
	tok := strconv.AppendUint(make([]byte, 0, 8), next, 10)
	kept[string(tok)] = v
	return tok
}

// Take returns the value stored for token by Keep and forgets it; ok is
// false if there is none.
func Take(token []byte) (v js.Value, ok bool) {
	mu.Lock()
	defer mu.Unlock()
	v, ok = kept[string(token)]
	if ok {
		delete(kept, string(token))
	}
	return v, ok
}

// Kept returns how many received payloads wait to be taken (0 once every
// connection has ended; tests use it to find leaks).
func Kept() int {
	mu.Lock()
	defer mu.Unlock()
	return len(kept)
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
