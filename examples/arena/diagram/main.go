// Command diagram draws README's picture of the arena's netcode
// (docs/netcode.png) from a run of the netcode itself: one player holds a
// key for half a second 100 ms away from the server, another player 30 ms
// away watches. The top half shows the messages (numbered inputs to the
// server, snapshots back with the last input the server applied); the
// bottom half where each of them shows the first player's disc.
//
//	go run ./arena/diagram -o ../docs/netcode.png    (or: make game-diagram)
package main

import (
	"flag"
	"log"
	"os"
	"time"
)

func main() {
	out := flag.String("o", "netcode.png", "the PNG file to write")
	flag.Parse()
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	if err := render(f, simulate(100*time.Millisecond, 30*time.Millisecond)); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
