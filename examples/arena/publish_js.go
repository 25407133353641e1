//go:build js && wasm

package main

import "syscall/js"

// publish sets globalThis.arenaDebug to the debug state's JSON text.
func publish(state string) {
	js.Global().Set("arenaDebug", state)
}

// publishTrace sets globalThis.arenaTrace to the trace's JSON text.
func publishTrace(trace string) {
	js.Global().Set("arenaTrace", trace)
}

// installDebug adds the page's test hooks: arenaDebugReset() starts the
// Dispatch timings, byte and correction counts afresh (the benchmark's
// window); arenaDebugWatch(id) starts a trace of where player id is shown
// each frame; arenaDebugTrace() publishes it. Each only sets an atomic
// that the loop reads at its next frame. The page lives as long as the
// game: the js.Funcs are never released.
func installDebug(g *Game) {
	d := g.debug
	js.Global().Set("arenaDebugReset", js.FuncOf(func(js.Value, []js.Value) any {
		d.reset.Store(true)
		return nil
	}))
	js.Global().Set("arenaDebugWatch", js.FuncOf(func(_ js.Value, args []js.Value) any {
		d.watch.Store(int32(args[0].Int()))
		return nil
	}))
	js.Global().Set("arenaDebugTrace", js.FuncOf(func(js.Value, []js.Value) any {
		d.dump.Store(true)
		return nil
	}))
}
