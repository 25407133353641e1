//go:build js && wasm

package main

import "syscall/js"

// publish sets globalThis.arenaDebug to the debug state's JSON text.
func publish(state string) {
	js.Global().Set("arenaDebug", state)
}

// installDebug adds globalThis.arenaDebugReset(), which starts the
// Dispatch-time samples and byte count afresh (for the benchmark's window).
// The page lives as long as the game: the js.Func is never released.
func installDebug(g *Game) {
	js.Global().Set("arenaDebugReset", js.FuncOf(func(js.Value, []js.Value) any {
		go func() { // a js.Func must not block: the lock waits in a goroutine
			g.mu.Lock()
			g.client.DispatchTime.Reset()
			g.client.DispatchBusy.Reset()
			g.client.BytesIn = 0
			g.frames = 0
			g.mu.Unlock()
		}()
		return nil
	}))
}
