package netcode

import (
	"testing"
)

// TestMove: a command moves at Speed in its direction, stops at the
// walls, and moving in parts ends where moving at once does.
func TestMove(t *testing.T) {
	start := PosOf(320, 240)
	if p := Move(start, Input{DX: MaxAxis}, 1000); p != PosOf(320+Speed, 240) {
		x, y := p.XY()
		t.Errorf("a second to the right from (320,240): (%v,%v), want (%v,240)", x, y, 320+Speed)
	}
	if p := Move(start, Input{DX: -60, DY: 80}, 500); p != PosOf(320-0.6*Speed/2, 240+0.8*Speed/2) {
		x, y := p.XY()
		t.Errorf("half a second at (-60,80): (%v,%v)", x, y)
	}
	if p := Move(start, Input{DX: -MaxAxis, DY: MaxAxis}, 10000); p != PosOf(PlayerRadius, WorldHeight-PlayerRadius) {
		x, y := p.XY()
		t.Errorf("ten seconds down and left: (%v,%v), want the corner", x, y)
	}
	if p := Move(start, Input{}, 255); p != start {
		t.Errorf("standing still moved to %v", p)
	}
	// Parts: every split of 255 ms of every direction, from near a wall.
	for _, from := range []Pos{start, PosOf(PlayerRadius+1, WorldHeight-PlayerRadius-1)} {
		for dx := -MaxAxis; dx <= MaxAxis; dx += 7 {
			for dy := -MaxAxis; dy <= MaxAxis; dy += 7 {
				if dx*dx+dy*dy > MaxAxis*MaxAxis {
					continue
				}
				in := Input{int8(dx), int8(dy)}
				whole := Move(from, in, 255)
				for a := 0; a <= 255; a += 17 {
					if parts := Move(Move(from, in, a), in, 255-a); parts != whole {
						t.Fatalf("from %v, %v: %d then %d ms ends at %v, 255 at once at %v", from, in, a, 255-a, parts, whole)
					}
				}
			}
		}
	}
}
