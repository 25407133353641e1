// Command server is the arena's game server: rooms of players that move
// where their inputs say, a snapshot of each room 20 times a second, input
// validation, and slow clients dropped. It can also serve the game page
// (-static), so one process is all `make game` runs.
//
//	go run ./arena/server -addr 127.0.0.1:8090 -static ../.cache/arena
//
// The game socket is /ws (?room=name picks a room, default "lobby"); /stats
// reports the server's counters as JSON for the benchmark.
package main

import (
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "listen address (loopback)")
	static := flag.String("static", "", "folder with the game page (index.html, arena.wasm, wasm_exec.js) to serve at /")
	roomSize := flag.Int("room-size", 0, "players per room; 0 means the most a snapshot holds")
	tickRate := flag.Int("tick-rate", 20, "snapshots per second")
	flag.Parse()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("arena server: %v", err)
	}
	s := NewServer(Config{RoomSize: *roomSize, TickRate: *tickRate, Static: *static})
	hs := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	host := ln.Addr().String()
	if *static != "" {
		fmt.Printf("arena: game page http://%s/\n", host)
	}
	fmt.Printf("arena: game socket ws://%s/ws\n", host)

	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
		<-sig
		s.Shutdown()
		hs.Close()
	}()
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("arena server: %v", err)
	}
}
