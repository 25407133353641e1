package main

import (
	"math"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hybridws/websocket/examples/netcode"
)

// input turns keys, the mouse or a touch into a direction: the keys win;
// otherwise a pressed mouse button or a touch pulls the player toward it.
func (g *Game) input() netcode.Input {
	var x, y float64
	if ebiten.IsKeyPressed(ebiten.KeyArrowLeft) || ebiten.IsKeyPressed(ebiten.KeyA) {
		x--
	}
	if ebiten.IsKeyPressed(ebiten.KeyArrowRight) || ebiten.IsKeyPressed(ebiten.KeyD) {
		x++
	}
	if ebiten.IsKeyPressed(ebiten.KeyArrowUp) || ebiten.IsKeyPressed(ebiten.KeyW) {
		y--
	}
	if ebiten.IsKeyPressed(ebiten.KeyArrowDown) || ebiten.IsKeyPressed(ebiten.KeyS) {
		y++
	}
	if x == 0 && y == 0 {
		if tx, ty, ok := g.pointer(); ok {
			if me, ok := g.me(); ok {
				x, y = float64(tx)-float64(me.X), float64(ty)-float64(me.Y)
				if math.Hypot(x, y) < 4 {
					x, y = 0, 0
				}
			}
		}
	}
	l := math.Hypot(x, y)
	if l == 0 {
		return netcode.Input{}
	}
	// Round toward zero so the length never passes MaxAxis.
	return netcode.Input{DX: int8(x / l * netcode.MaxAxis), DY: int8(y / l * netcode.MaxAxis)}
}

// pointer is where in the world a pressed mouse button or the first touch
// is.
func (g *Game) pointer() (int, int, bool) {
	if ids := ebiten.AppendTouchIDs(nil); len(ids) > 0 {
		x, y := ebiten.TouchPosition(ids[0])
		return x, y - hudHeight, true
	}
	if ebiten.IsMouseButtonPressed(ebiten.MouseButtonLeft) {
		x, y := ebiten.CursorPosition()
		return x, y - hudHeight, true
	}
	return 0, 0, false
}

// me is this player as drawn this frame: where the prediction shows it.
func (g *Game) me() (netcode.Player, bool) {
	if !g.client.Welcomed() {
		return netcode.Player{}, false
	}
	for _, p := range g.players {
		if p.ID == g.client.ID {
			return p, true
		}
	}
	return netcode.Player{}, false
}
