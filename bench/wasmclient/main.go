//go:build js && wasm

// Command wasmclient runs the browser benchmark's Go clients inside the
// page: this library's Go API ("hybrid-wasm", callback mode) and
// coder/websocket's own browser build ("coder-wasm"), with the same
// workloads and checks as the native clients. The page calls
// benchGo(lib, work, url, durMs, window, done); done gets the result as
// JSON.
package main

import (
	"encoding/json"
	"syscall/js"
	"time"

	"github.com/hybridws/websocket/bench/internal/work"
)

func main() {
	js.Global().Set("benchGo", js.FuncOf(func(this js.Value, args []js.Value) any {
		lib, w, url := args[0].String(), args[1].String(), args[2].String()
		cfg := work.Config{
			URL:       url,
			Dur:       time.Duration(args[3].Float() * float64(time.Millisecond)),
			Window:    args[4].Int(),
			RawWindow: true,
		}
		done := args[5]
		go func() {
			var dial work.Dial
			if lib == "coder-wasm" {
				dial = work.DialCoder
			}
			r := work.Run(lib, w, dial, cfg)
			b, _ := json.Marshal(r)
			done.Invoke(string(b))
		}()
		return nil
	}))
	select {}
}
