//go:build js && wasm

package main

import (
	"syscall/js"
	"time"

	"github.com/hybridws/websocket/examples/netcode"
)

// watchVisibility keeps the Queue small while the page is hidden. A hidden
// tab gets no requestAnimationFrame, so Ebitengine's Update stops, nobody
// calls Dispatch, and a browser socket cannot stop reading: events pile up.
// The library bounds that (the connection fails past its bound), but only
// after many minutes of this game's traffic, holding a place in the room
// all the while. So while hidden the game dispatches from a timer (browsers
// still run those about once a second), after cfg.hiddenGrace it
// disconnects, and it connects again as soon as the page shows. The timer
// takes g.mu, as Update does, so Dispatch never runs twice at once.
func watchVisibility(g *Game) {
	doc := js.Global().Get("document")
	// The page lives as long as the game: this js.Func is never released.
	onChange := js.FuncOf(func(js.Value, []js.Value) any {
		go g.visibilityChanged(doc) // a js.Func must not block: the lock waits in a goroutine
		return nil
	})
	doc.Call("addEventListener", "visibilitychange", onChange)
}

// visibilityChanged reads document.hidden under the lock, so that quick
// changes handled out of order still end in the page's real state.
func (g *Game) visibilityChanged(doc js.Value) {
	g.mu.Lock()
	defer g.mu.Unlock()
	hidden := doc.Get("hidden").Bool()
	if hidden == g.hidden {
		return
	}
	g.hidden = hidden
	if hidden {
		g.hiddenAt = time.Now()
		go g.whileHidden(g.hiddenAt)
		return
	}
	g.client.Resume()
	if g.cfg.debug {
		publish(g.debugState(time.Now()))
	}
}

// whileHidden dispatches once a second until the page shows again or the
// grace time is over, then pauses the connection.
func (g *Game) whileHidden(since time.Time) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for range t.C {
		g.mu.Lock()
		if !g.hidden || !g.hiddenAt.Equal(since) {
			g.mu.Unlock()
			return
		}
		now := time.Now()
		g.client.Update(now, netcode.Input{})
		g.hiddenN++
		paused := now.Sub(since) >= g.cfg.hiddenGrace
		if paused {
			g.client.Pause()
		}
		g.players = g.client.Interp.Players(g.players[:0])
		if g.cfg.debug {
			publish(g.debugState(now))
		}
		g.mu.Unlock()
		if paused {
			return
		}
	}
}
