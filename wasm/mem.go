//go:build js && wasm

package wasm

import (
	"runtime"
	"syscall/js"
	"unsafe"
)

// JavaScript reads and writes the wasm memory directly (helpers.js), so
// that a payload crosses between Go and the page without a call per copy:
// received messages are written straight into a Go buffer (inbox.go), sent
// ones are read by ws.send straight from the Go slice. It gets the memory
// from Go through js.CopyBytesToJS (syscall/js offers no other way), and
// gets it again whenever the memory grew, which detaches the old view.
// The variables below need no lock: the page has one thread, and no
// goroutine is switched out in the middle of these functions but at a
// call into JavaScript, which touches none of them.

// memPages returns the wasm memory's size in 64 KiB pages (memory.size).
func memPages() int32

var (
	memOK       bool  // helpers.js holds a view of the memory: the direct paths are on
	grabbedAt   int32 // memPages when the memory was last handed over
	grabs       int   // how many times it was handed over
	grabSrc     = make([]byte, 1)
	grabber     js.Value // helpers.js's receiver of the memory
	sendMemFunc js.Value // (ws, text, ptr, n): sends n bytes of memory at ptr
	memReady    js.Value // (): whether helpers.js holds a current view
	inboxFunc   js.Value // (ws, wake, at, size): installs ws's onmessage handler (inbox.go)
)

// setupMem hands the memory over once and checks that helpers.js got it
// (a wasm_exec.js that copies some other way leaves memOK false, and the
// plain paths are used). Called by makeHelpers.
func setupMem(h js.Value) {
	grabber, sendMemFunc, memReady, inboxFunc = h.Get("grabber"), h.Get("sendMem"), h.Get("memReady"), h.Get("inbox")
	if grabber.IsUndefined() || sendMemFunc.IsUndefined() || memReady.IsUndefined() || inboxFunc.IsUndefined() {
		return
	}
	grabMem()
	memOK = memReady.Invoke().Bool()
}

// freshMem hands the memory over again if it grew since the last time.
func freshMem() {
	if memPages() != grabbedAt {
		grabMem()
	}
}

func grabMem() {
	grabbedAt = memPages()
	grabs++
	js.CopyBytesToJS(grabber, grabSrc)
}

// addr returns the address of p's bytes in the wasm memory.
func addr(p []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(p))) }

// sendMem sends p on ws straight from the wasm memory, as text if text is
// set, when the socket is open, and returns its readyState; ok is false
// when the direct path is off and nothing was sent.
func sendMem(ws js.Value, text bool, p []byte) (readyState int, ok bool) {
	if !memOK {
		return 0, false
	}
	// A second try if the memory grew between freshMem and the call (the
	// call's own stack growth can grow it).
	for range 2 {
		freshMem()
		rs := sendMemFunc.Invoke(ws, text, addr(p), len(p)).Int()
		runtime.KeepAlive(p)
		if rs >= 0 {
			return rs, true
		}
	}
	return 0, false
}
