// Package feel measures, for the arena's tests, how the game's netcode
// feels from what it shows frame by frame: a mover that circles the middle
// of the arena (Steer) is seen by another player, whose shown path should
// always go forward around the circle (Circling).
package feel

import (
	"fmt"
	"math"
	"time"

	"github.com/hybridws/websocket/examples/netcode"
)

// The circle a mover follows: around the middle of the arena.
const (
	CX, CY = netcode.WorldWidth / 2, netcode.WorldHeight / 2
	Radius = 120
)

// Steer returns the input that takes a player at (x, y) around the circle
// (clockwise on screen) and back onto it when off it: always some way
// around, so the angle it is at only ever grows.
func Steer(x, y float32) netcode.Input {
	dx, dy := float64(x-CX), float64(y-CY)
	r := math.Hypot(dx, dy)
	if r < 1 {
		return netcode.Input{DX: netcode.MaxAxis - 1}
	}
	ux, uy := dx/r, dy/r
	k := min(max((Radius-r)/40, -1), 1) // toward the circle
	vx, vy := -uy+k*ux, ux+k*uy
	l := math.Hypot(vx, vy)
	// Round toward zero so the length never passes MaxAxis.
	return netcode.Input{DX: int8(vx / l * netcode.MaxAxis), DY: int8(vy / l * netcode.MaxAxis)}
}

// Sample is where a player was shown on one frame, and when.
type Sample struct {
	T    time.Duration
	X, Y float32
}

// Motion sums up a shown path.
type Motion struct {
	Frames   int
	Backward int     // frames that went back around the circle (by more than 0.001 rad)
	Still    int     // frames that did not move
	Fastest  float64 // the fastest frame's speed, px/s
	Mean     float64 // the path's length over its time, px/s
}

func (m Motion) String() string {
	return fmt.Sprintf("%d frames: %d backward, %d still (%.1f%%), fastest %.0f px/s, mean %.0f px/s (a player moves %d)",
		m.Frames, m.Backward, m.Still, 100*float64(m.Still)/float64(max(m.Frames, 1)), m.Fastest, m.Mean, netcode.Speed)
}

// Circling sums up the path of a player that Steer drives, as another
// player showed it.
func Circling(s []Sample) Motion {
	m := Motion{Frames: len(s)}
	var length float64
	for i := 1; i < len(s); i++ {
		a, b := s[i-1], s[i]
		d := math.Hypot(float64(b.X-a.X), float64(b.Y-a.Y))
		length += d
		turn := math.Remainder(angle(b)-angle(a), 2*math.Pi)
		switch {
		case turn < -1e-3:
			m.Backward++
		case d < 1e-3:
			m.Still++
		}
		if dt := b.T - a.T; dt > 0 {
			m.Fastest = max(m.Fastest, d/dt.Seconds())
		}
	}
	if len(s) > 1 {
		m.Mean = length / (s[len(s)-1].T - s[0].T).Seconds()
	}
	return m
}

func angle(s Sample) float64 { return math.Atan2(float64(s.Y-CY), float64(s.X-CX)) }
