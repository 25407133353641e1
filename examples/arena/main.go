// Command arena is a small real-time multiplayer game on hybridws and
// Ebitengine, one source for the desktop and the browser: each player is a
// coloured disc that moves with the arrow keys (or WASD), the mouse or a
// touch. Your own disc moves on the frame you press the key (predicted,
// and reconciled with the server's snapshots); everyone else is shown
// interpolated between the server's 20 Hz snapshots. The band on top shows
// the connection as the library's Stats see it and the netcode's figures.
//
// Desktop:  go run ./arena -url ws://127.0.0.1:8090/ws
// Browser:  make game (builds arena.wasm, serves it with the server)
//
// The networking is netcode.Client: the library in Queue mode, dispatched
// from Game.Update, so every callback runs on the game's loop and nothing
// blocks a frame.
package main

import (
	"log"

	"github.com/hajimehoshi/ebiten/v2"
)

func main() {
	cfg := loadConfig()
	g := newGame(cfg)
	ebiten.SetWindowSize(screenWidth, screenHeight)
	ebiten.SetWindowTitle("hybridws arena")
	// Keep playing (and dispatching) when the window loses focus; a hidden
	// browser tab is another matter, see visibility_js.go.
	ebiten.SetRunnableOnUnfocused(true)
	watchVisibility(g)
	if cfg.debug {
		installDebug(g)
	}
	if err := ebiten.RunGame(g); err != nil {
		log.Fatal(err)
	}
}
