//go:build js && wasm

// Command page is the browser side of the soak: the soak's clients
// (../client, the same code as natively) compiled to js/wasm, run in a
// headless Chromium page that the soak's driver (browser.go) hides for
// minutes at a time. The page's URL names the echo server (?ws=) and how
// many connections to keep (?conns=). A third of them are in callback
// mode; a third in a Queue dispatched once per requestAnimationFrame (so
// not at all while the page is hidden, as a game on rAF); a third in a
// Queue dispatched per frame and, while hidden, from a 1 s timer (README's
// advice to games). The driver reads the page through the functions it
// installs: soakSample(), soakTotals(), soakStop(), soakEnded(), and the
// array soakLogs, where each Connection's event log lands once it has
// ended (client.CheckLog checks them outside the page).
package main

import (
	"encoding/json"
	"math/rand/v2"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"syscall/js"

	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/internal/live"
	"github.com/hybridws/websocket/soak/client"
)

// pageSample is what soakSample returns.
type pageSample struct {
	Heap       uint64 // HeapAlloc after a collection
	Sys        uint64
	Funcs      int64 // the library's js.Funcs not released (live.Funcs)
	Goroutines int
	Ticks      int64 // the driver's 50 ms ticks so far (slower while hidden)
	Frames     int64 // requestAnimationFrame callbacks so far
	Hidden     bool
	Pending    int // events waiting in the two Queues
}

type queueLoop struct {
	q          *websocket.Queue
	inDispatch atomic.Bool
}

func (l *queueLoop) dispatch() {
	l.inDispatch.Store(true)
	l.q.Dispatch()
	l.inDispatch.Store(false)
}

func main() {
	g := js.Global()
	q := g.Get("URLSearchParams").New(g.Get("location").Get("search"))
	url := q.Call("get", "ws").String()
	n, _ := strconv.Atoi(q.Call("get", "conns").String())
	doc := g.Get("document")
	logs := g.Get("Array").New()
	g.Set("soakLogs", logs)

	totals := &client.Totals{}
	raf, timer := &queueLoop{q: websocket.NewQueue()}, &queueLoop{q: websocket.NewQueue()}
	clients := make([]*client.Client, n)
	for i := range clients {
		o := client.Options{
			ID: i, URL: url, Reply: 0.3, Every: 2 * time.Second, Totals: totals,
			Params: websocket.Params{
				Reconnect:     &websocket.Reconnect{MinDelay: 100 * time.Millisecond, MaxDelay: 3 * time.Second},
				SendQueueSize: 256 << 10,
			},
			Log: func(s string) { logs.Call("push", s) },
		}
		switch i % 3 {
		case 1:
			o.Params.Queue, o.InDispatch = raf.q, &raf.inDispatch
		case 2:
			o.Params.Queue, o.InDispatch = timer.q, &timer.inDispatch
		}
		clients[i] = client.New(o)
	}

	var frames, ticks atomic.Int64
	var frame js.Func
	frame = js.FuncOf(func(js.Value, []js.Value) any {
		frames.Add(1)
		raf.dispatch()
		timer.dispatch()
		g.Call("requestAnimationFrame", frame)
		return nil
	})
	g.Call("requestAnimationFrame", frame)
	g.Call("setInterval", js.FuncOf(func(js.Value, []js.Value) any {
		if doc.Get("hidden").Bool() {
			timer.dispatch()
		}
		return nil
	}), 1000)

	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for now := range t.C {
			ticks.Add(1)
			for _, c := range clients {
				c.Tick(now)
			}
		}
	}()
	every := func(mean time.Duration, do func()) {
		go func() {
			for {
				select {
				case <-time.After(time.Duration(rand.ExpFloat64() * float64(mean))):
					do()
				case <-stop:
					return
				}
			}
		}()
	}
	every(15*time.Second, func() { clients[rand.IntN(n)].Kick() })
	every(10*time.Second, func() { clients[rand.IntN(n)].Burst(100, 16<<10) })

	g.Set("soakSample", js.FuncOf(func(js.Value, []js.Value) any {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		b, _ := json.Marshal(pageSample{
			Heap: m.HeapAlloc, Sys: m.Sys, Funcs: live.Funcs.Load(), Goroutines: runtime.NumGoroutine(),
			Ticks: ticks.Load(), Frames: frames.Load(), Hidden: doc.Get("hidden").Bool(),
			Pending: raf.q.Len() + timer.q.Len(),
		})
		return string(b)
	}))
	g.Set("soakTotals", js.FuncOf(func(js.Value, []js.Value) any {
		b, _ := json.Marshal(totals.Snapshot())
		return string(b)
	}))
	g.Set("soakStop", js.FuncOf(func(js.Value, []js.Value) any {
		close(stop)
		for _, c := range clients {
			c.Stop()
		}
		return nil
	}))
	g.Set("soakEnded", js.FuncOf(func(js.Value, []js.Value) any {
		for _, c := range clients {
			if !c.Ended() {
				return false
			}
		}
		return true
	}))
	g.Set("soakReady", true)
	select {}
}
