//go:build js && wasm

// Command wasmclient runs the browser benchmark's Go clients inside the
// page: this library's Go API ("hybrid-wasm", callback mode),
// coder/websocket's own browser build ("coder-wasm") and the floor of any
// Go client, syscall/js alone ("raw-wasm", raw.go), with the same
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
			if lib == "raw-wasm" {
				r := work.Result{Lib: lib, Work: w}
				n, secs, err := rawRun(w, url, cfg.Dur, cfg.Window)
				if err != nil {
					r.Err = err.Error()
				} else {
					r.N, r.Secs, r.Value = n, secs, work.Value(w, n, secs, 0)
				}
				b, _ := json.Marshal(r)
				done.Invoke(string(b))
				return
			}
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
