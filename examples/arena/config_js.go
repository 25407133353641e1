//go:build js && wasm

package main

import (
	"syscall/js"
	"time"
)

// loadConfig reads the page's URL: the game socket is /ws on the host that
// served the page; ?room=name picks a room, ?debug publishes the game's
// state for tests, ?hidden_grace=3s shortens how long a hidden page keeps
// its connection.
func loadConfig() config {
	loc := js.Global().Get("location")
	q := js.Global().Get("URLSearchParams").New(loc.Get("search"))
	scheme := "ws://"
	if loc.Get("protocol").String() == "https:" {
		scheme = "wss://"
	}
	c := config{url: scheme + loc.Get("host").String() + "/ws", hiddenGrace: 10 * time.Second}
	if room := q.Call("get", "room"); !room.IsNull() {
		c.url += "?room=" + js.Global().Call("encodeURIComponent", room).String()
	}
	c.debug = q.Call("has", "debug").Bool()
	if g := q.Call("get", "hidden_grace"); !g.IsNull() {
		if d, err := time.ParseDuration(g.String()); err == nil {
			c.hiddenGrace = d
		}
	}
	return c
}
