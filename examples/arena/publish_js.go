//go:build js && wasm

package main

import "syscall/js"

// publish sets globalThis.arenaDebug to the debug state's JSON text.
func publish(state string) {
	js.Global().Set("arenaDebug", state)
}
