//go:build js && wasm

// Command looppage is a game loop in a page, for the hidden-tab test
// (hidden_test.go): one connection in Queue mode to the URL in the page's
// ?ws= parameter, dispatched once per requestAnimationFrame, the way
// Ebitengine and most web games run their update. With ?fallback=1 it also
// dispatches from a timer while the page is hidden (browsers stop
// requestAnimationFrame in hidden pages but keep timers, throttled), which
// is what README tells a game to do to stay connected. The test reads
// what happened with loopStats(), a JSON string.
package main

import (
	"encoding/json"
	"runtime"
	"strconv"
	"syscall/js"

	"github.com/hybridws/websocket"
)

type stats struct {
	Frames    int    `json:"frames"`    // requestAnimationFrame callbacks so far
	Timer     int    `json:"timer"`     // fallback timer dispatches so far
	Messages  int    `json:"messages"`  // MESSAGE events dispatched
	OutOfSeq  int    `json:"outOfSeq"`  // messages whose number was not the next one
	Connected bool   `json:"connected"` // CONNECTED came
	Error     string `json:"error"`     // the ERROR text, if any
	Code      int    `json:"code"`      // the DISCONNECTED code, -1 before it
	Heap      uint64 `json:"heap"`      // runtime.MemStats.HeapAlloc when asked
}

func main() {
	global := js.Global()
	params := global.Get("URLSearchParams").New(global.Get("location").Get("search"))
	url := params.Call("get", "ws").String()
	fallback := params.Call("get", "fallback").String() == "1"

	s := stats{Code: -1}
	q := websocket.NewQueue()
	var conn *websocket.Connection
	conn, err := websocket.Connect(url, &websocket.Params{Queue: q}, func(c *websocket.Connection, d *websocket.Data) {
		switch d.Event {
		case websocket.EventConnected:
			s.Connected = true
		case websocket.EventMessage:
			if n, _ := strconv.Atoi(string(d.Message[:8])); n != s.Messages {
				s.OutOfSeq++
			}
			s.Messages++
		case websocket.EventError:
			s.Error = string(d.Message)
		case websocket.EventDisconnected:
			s.Code = d.Code
		}
	})
	if err != nil {
		s.Error = err.Error()
	}

	var frame js.Func
	frame = js.FuncOf(func(js.Value, []js.Value) any {
		s.Frames++
		q.Dispatch()
		global.Call("requestAnimationFrame", frame)
		return nil
	})
	global.Call("requestAnimationFrame", frame)

	if fallback {
		doc := global.Get("document")
		timer := js.Null()
		tick := js.FuncOf(func(js.Value, []js.Value) any {
			s.Timer++
			q.Dispatch()
			return nil
		})
		global.Get("document").Call("addEventListener", "visibilitychange", js.FuncOf(func(js.Value, []js.Value) any {
			if doc.Get("hidden").Bool() && timer.IsNull() {
				timer = global.Call("setInterval", tick, 100)
			} else if !doc.Get("hidden").Bool() && !timer.IsNull() {
				global.Call("clearInterval", timer)
				timer = js.Null()
			}
			return nil
		}))
	}

	global.Set("loopStats", js.FuncOf(func(js.Value, []js.Value) any {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		s.Heap = m.HeapAlloc
		b, _ := json.Marshal(s)
		return string(b)
	}))
	global.Set("loopDisconnect", js.FuncOf(func(js.Value, []js.Value) any {
		websocket.Disconnect(conn)
		return nil
	}))
	select {}
}
