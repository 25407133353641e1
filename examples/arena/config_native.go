//go:build !js

package main

import (
	"flag"
	"time"
)

func loadConfig() config {
	var c config
	flag.StringVar(&c.url, "url", "ws://127.0.0.1:8090/ws", "the server's game socket (add ?room=name for another room)")
	flag.BoolVar(&c.debug, "debug", false, "print the game's state as a JSON line on stdout twice a second (for tests)")
	flag.Parse()
	c.hiddenGrace = 10 * time.Second
	return c
}
