//go:build js && wasm

package main

import (
	"syscall/js"
	"time"
)

// maxHiddenQueue is the most events a hidden page lets wait for it.
const maxHiddenQueue = 1000

// watchVisibility deals with a hidden page. A hidden tab gets no
// requestAnimationFrame, so Ebitengine's Update stops and nobody calls
// Dispatch, while the browser's socket cannot stop reading: events wait in
// the Queue. The library bounds that (the connection fails past its
// bound), but only after many minutes of this game's traffic, holding a
// place in the room all the while. So a timer (browsers still run those,
// about once a second) watches the hidden page and, after
// cfg.hiddenGrace or once maxHiddenQueue events wait, suspends the
// connection; when the page shows, the loop takes over again, dispatches
// what waited and connects again.
//
// The timer never dispatches and never touches the game: it only calls
// what netcode.Client allows from any goroutine (Queued, Suspend, Resume,
// Stats), so the loop needs no lock.
func watchVisibility(g *Game) {
	doc := js.Global().Get("document")
	// The page lives as long as the game: this js.Func is never released.
	onChange := js.FuncOf(func(js.Value, []js.Value) any {
		g.visibilityChanged(doc.Get("hidden").Bool())
		return nil
	})
	doc.Call("addEventListener", "visibilitychange", onChange)
}

// visibilityChanged runs in the page's callback: it must not block.
func (g *Game) visibilityChanged(hidden bool) {
	if !hidden {
		g.vis.since.Store(0)
		g.client.Resume()
		return
	}
	if g.vis.hidden() {
		return
	}
	since := time.Now().UnixNano()
	g.vis.since.Store(since)
	go g.whileHidden(since)
}

// whileHidden checks the hidden page once a second until it shows again.
func (g *Game) whileHidden(since int64) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for range t.C {
		if g.vis.since.Load() != since {
			return // shown again
		}
		g.vis.checks.Add(1)
		if !g.client.Suspended() && (time.Since(time.Unix(0, since)) >= g.cfg.hiddenGrace || g.client.Queued() > maxHiddenQueue) {
			g.client.Suspend()
			if g.vis.since.Load() != since {
				// Shown while suspending: the page's Resume may have
				// come first.
				g.client.Resume()
				return
			}
		}
		if g.debug != nil {
			g.debug.publishHidden(g)
		}
	}
}
