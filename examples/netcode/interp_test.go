package netcode

import (
	"math"
	"testing"
	"time"
)

// TestInterpolation: snapshots 50 ms apart, a player moving 10 units a
// tick: rendered 100 ms behind, positions move smoothly between snapshots,
// a player who joins appears at once, and nothing is extrapolated.
func TestInterpolation(t *testing.T) {
	ip := Interpolator{Period: 50 * time.Millisecond, Delay: 100 * time.Millisecond}
	t0 := time.Unix(1000, 0)
	for i := range 6 {
		ip.Add(Snapshot{Tick: uint32(i), Players: []Player{{ID: 1, X: float32(10 * i)}}}, t0.Add(time.Duration(i)*50*time.Millisecond))
	}
	now := t0.Add(250 * time.Millisecond) // the last snapshot (tick 5) just arrived
	ip.Advance(now)
	// The clock started at the first snapshot's arrival, 100 ms behind; by
	// now it stands at tick 3 (150 ms).
	ps := ip.Players(nil)
	if len(ps) != 1 || math.Abs(float64(ps[0].X)-30) > 1 {
		t.Fatalf("at 250 ms: %+v, want x≈30", ps)
	}
	ip.Advance(now.Add(25 * time.Millisecond))
	if x := ip.Players(nil)[0].X; math.Abs(float64(x)-35) > 1.5 {
		t.Errorf("half a tick later: x=%v, want ≈35 (between two snapshots)", x)
	}
	// A new player in the newest snapshot only shows once the clock gets there.
	ip.Add(Snapshot{Tick: 6, Players: []Player{{ID: 1, X: 60}, {ID: 2, X: 500}}}, now.Add(50*time.Millisecond))
	ip.Advance(now.Add(50 * time.Millisecond))
	if n := len(ip.Players(nil)); n != 1 {
		t.Errorf("player 2 shown %d players before the clock reached its snapshot", n)
	}
	// No more snapshots: it stops at the newest, never beyond.
	ip.Advance(now.Add(2 * time.Second))
	ps = ip.Players(nil)
	if len(ps) != 2 || ps[0].X != 60 || ps[1].X != 500 {
		t.Errorf("long after the last snapshot: %+v, want the last snapshot as it is", ps)
	}
	// An old or repeated tick is ignored; Reset forgets everything.
	ip.Add(Snapshot{Tick: 3, Players: nil}, now.Add(2*time.Second))
	if tick, _ := ip.Tick(); tick != 6 {
		t.Errorf("newest tick %d after an old one arrived, want 6", tick)
	}
	ip.Reset()
	if _, ok := ip.Tick(); ok || len(ip.Players(nil)) != 0 {
		t.Error("Reset kept snapshots")
	}
	if len(ip.snaps) > 0 {
		t.Error("snapshots kept")
	}
}

// TestInterpolationKeepsLittle: hours of snapshots keep about a second.
func TestInterpolationKeepsLittle(t *testing.T) {
	ip := Interpolator{Period: 50 * time.Millisecond, Delay: 100 * time.Millisecond}
	t0 := time.Unix(1000, 0)
	for i := range 10000 {
		now := t0.Add(time.Duration(i) * 50 * time.Millisecond)
		ip.Add(Snapshot{Tick: uint32(i)}, now)
		ip.Advance(now)
	}
	if n := len(ip.snaps); n > 30 {
		t.Errorf("%d snapshots kept", n)
	}
}
