//go:build js && wasm

package wasm

import (
	_ "embed"
	"sync"
	"syscall/js"
)

// Small JavaScript functions save calls across the Go–JavaScript
// boundary (helpers.js says which; mem.go has those that use the wasm
// memory directly). The ES module websocket.js provides
// them as ordinary code in globalThis.__hybridws.wasm, read once when the
// program starts (the module removes it right after); without it they are
// compiled with the Function constructor, and where the page's
// Content-Security-Policy refuses that too, they all stay undefined and
// the plain way is used.
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
		if d := h.Get("direct"); d.Type() == js.TypeFunction {
			setupMem(d.Invoke())
		}
	})
}

// messageWrapper returns the JavaScript function that wraps onmessage
// handlers (see open), or undefined.
func messageWrapper() js.Value {
	makeHelpers()
	return wrapper
}
