package netcode

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// TestInterpolation: snapshots 50 ms apart arriving like clockwork, a
// player moving 10 px a tick: the delay is one period, positions move
// between snapshots, a player who joins appears once the clock gets to
// its snapshot, and nothing is extrapolated.
func TestInterpolation(t *testing.T) {
	ip := Interpolator{Period: 50 * time.Millisecond}
	t0 := time.Unix(1000, 0)
	for i := range 6 {
		ip.Add(Snapshot{Tick: uint32(i), Players: []Player{{ID: 1, X: float32(10 * i)}}}, t0.Add(time.Duration(i)*50*time.Millisecond))
	}
	if d := ip.Delay(); d != 50*time.Millisecond {
		t.Errorf("delay %v with no jitter, want one period", d)
	}
	now := t0.Add(250 * time.Millisecond) // the last snapshot (tick 5) just arrived
	ip.Advance(now)
	// The clock started 50 ms behind the first snapshot and ran at the
	// local pace: it stands at tick 4 (200 ms) now.
	ps := ip.Players(nil, 0)
	if len(ps) != 1 || math.Abs(float64(ps[0].X)-40) > 1 {
		t.Fatalf("at 250 ms: %+v, want x≈40", ps)
	}
	ip.Advance(now.Add(25 * time.Millisecond))
	if x := ip.Players(nil, 0)[0].X; math.Abs(float64(x)-45) > 1 {
		t.Errorf("half a tick later: x=%v, want ≈45 (between two snapshots)", x)
	}
	if n := len(ip.Players(nil, 1)); n != 0 {
		t.Errorf("Players skipping player 1 returned %d players", n)
	}
	// A new player in the newest snapshot only shows once the clock gets there.
	ip.Add(Snapshot{Tick: 6, Players: []Player{{ID: 1, X: 60}, {ID: 2, X: 500}}}, now.Add(50*time.Millisecond))
	ip.Advance(now.Add(50 * time.Millisecond))
	if n := len(ip.Players(nil, 0)); n != 1 {
		t.Errorf("player 2 shown %d players before the clock reached its snapshot", n)
	}
	// No more snapshots: it stops at the newest, never beyond.
	ip.Advance(now.Add(2 * time.Second))
	ps = ip.Players(nil, 0)
	if len(ps) != 2 || ps[0].X != 60 || ps[1].X != 500 {
		t.Errorf("long after the last snapshot: %+v, want the last snapshot as it is", ps)
	}
	// An old or repeated tick is ignored; Reset forgets everything.
	ip.Add(Snapshot{Tick: 3, Players: nil}, now.Add(2*time.Second))
	if tick, _ := ip.Tick(); tick != 6 {
		t.Errorf("newest tick %d after an old one arrived, want 6", tick)
	}
	ip.Reset()
	if _, ok := ip.Tick(); ok || len(ip.Players(nil, 0)) != 0 || ip.Jitter() != 0 {
		t.Error("Reset kept snapshots or measurements")
	}
}

// stream is a player moving at a steady 200 px/s, sent in 20 Hz
// snapshots that arrive after latency plus what delay(tick) returns, in
// order (as over TCP, a late one holds back those behind it). It is shown
// at 60 frames a second; it returns the shown positions from the third
// second on (the delay measured by then) and the delay at the end.
func stream(delay func(tick int) time.Duration) ([]float32, time.Duration) {
	const (
		period  = 50 * time.Millisecond
		latency = 100 * time.Millisecond
		frame   = time.Second / 60
		ticks   = 200
	)
	ip := Interpolator{Period: period}
	t0 := time.Unix(1000, 0)
	arrive := make([]time.Time, ticks)
	for i := range arrive {
		arrive[i] = t0.Add(time.Duration(i)*period + latency + delay(i))
		if i > 0 && arrive[i].Before(arrive[i-1]) {
			arrive[i] = arrive[i-1]
		}
	}
	var xs []float32
	next := 0
	for now := t0; now.Before(arrive[ticks-1]); now = now.Add(frame) {
		for next < ticks && !arrive[next].After(now) {
			ip.Add(Snapshot{Tick: uint32(next), Players: []Player{{ID: 1, X: float32(10 * next)}}}, now)
			next++
		}
		ip.Advance(now)
		if ps := ip.Players(nil, 0); len(ps) == 1 && now.Sub(t0) >= 3*time.Second {
			xs = append(xs, ps[0].X)
		}
	}
	return xs, ip.Delay()
}

// motion sums up shown positions 1/60 s apart: steps backward, frames
// that did not move, and the fastest frame's speed in px/s.
func motion(xs []float32) (backward, still int, fastest float64) {
	for i := 1; i < len(xs); i++ {
		d := float64(xs[i] - xs[i-1])
		switch {
		case d < -1e-3:
			backward++
		case d < 1e-3:
			still++
		}
		fastest = max(fastest, d*60)
	}
	return backward, still, fastest
}

// TestInterpolationJitter: with ±20 ms of jitter the delay grows to cover
// it (one period plus about 36 ms), and the player moves forward every
// frame at close to its speed: no step backward, no frame standing still
// for want of a snapshot.
func TestInterpolationJitter(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	xs, delay := stream(func(int) time.Duration {
		return time.Duration(r.Int64N(int64(40*time.Millisecond))) - 20*time.Millisecond
	})
	if delay < 80*time.Millisecond || delay > 92*time.Millisecond {
		t.Errorf("delay %v with ±20 ms of jitter, want 50 ms plus about 36", delay)
	}
	back, still, fastest := motion(xs)
	t.Logf("±20 ms jitter: delay %v; over %d frames %d backward, %d still, fastest %.0f px/s (moving 200)", delay, len(xs), back, still, fastest)
	if back != 0 || still > len(xs)/50 || fastest > 200*1.5 {
		t.Errorf("%d steps backward, %d frames still of %d, fastest %.0f px/s: want none, under 2%%, at most 50%% over 200 (the catch-up)", back, still, len(xs), fastest)
	}
}

// TestInterpolationLateSnapshots: with 5% of the snapshots 150 ms late
// (past the buffer; the ones behind each wait for it), the player waits
// where it is, then catches up at most 50% faster than it moves: never a
// step backward, never a jump.
func TestInterpolationLateSnapshots(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	late := 0
	xs, delay := stream(func(int) time.Duration {
		if r.Float64() < 0.05 {
			late++
			return 150 * time.Millisecond
		}
		return 0
	})
	back, still, fastest := motion(xs)
	t.Logf("%d late snapshots of 200: delay %v; over %d frames %d backward, %d still, fastest %.0f px/s (moving 200)", late, delay, len(xs), back, still, fastest)
	if late < 4 {
		t.Fatalf("only %d late snapshots: the test needs some", late)
	}
	if back != 0 || still == 0 || fastest > 200*1.5 {
		t.Errorf("%d steps backward, %d frames still, fastest %.0f px/s: want none backward, some waiting, at most 50%% over 200", back, still, fastest)
	}
}

// TestInterpolationKeepsLittle: hours of snapshots keep about a second.
func TestInterpolationKeepsLittle(t *testing.T) {
	ip := Interpolator{Period: 50 * time.Millisecond}
	t0 := time.Unix(1000, 0)
	for i := range 10000 {
		now := t0.Add(time.Duration(i) * 50 * time.Millisecond)
		ip.Add(Snapshot{Tick: uint32(i)}, now)
		ip.Advance(now)
	}
	if n := len(ip.snaps); n > 30 {
		t.Errorf("%d snapshots kept", n)
	}
	if n := len(ip.offsets); n > jitterWindow {
		t.Errorf("%d offsets kept", n)
	}
}
