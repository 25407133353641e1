package netcode

import (
	"slices"
	"time"
)

// Interpolator turns 20 Hz snapshots into smooth positions: it renders the
// room as it was Delay ago, between the two snapshots around that moment,
// so every player moves every frame although the server speaks 20 times a
// second. It keeps its own clock on the server's timeline (tick × period),
// which follows the snapshots' arrival without jumping at each one.
type Interpolator struct {
	Period time.Duration // time between server ticks
	Delay  time.Duration // how far behind the newest snapshot it renders

	snaps   []Snapshot // oldest first, ticks increasing
	clock   time.Duration
	last    time.Time // when Advance last ran
	newest  time.Time // when the newest snapshot arrived
	started bool
}

// snapTime is where a tick sits on the server's timeline.
func (ip *Interpolator) snapTime(tick uint32) time.Duration {
	return time.Duration(tick) * ip.Period
}

// Reset forgets every snapshot (a new connection: the server's ticks may
// have started again from zero).
func (ip *Interpolator) Reset() {
	ip.snaps = ip.snaps[:0]
	ip.started = false
}

// Add records a snapshot that arrived at now. Snapshots that are not newer
// than the newest one are ignored. s.Players must not be changed afterwards.
func (ip *Interpolator) Add(s Snapshot, now time.Time) {
	if n := len(ip.snaps); n > 0 && s.Tick <= ip.snaps[n-1].Tick {
		return
	}
	ip.snaps = append(ip.snaps, s)
	ip.newest = now
	if !ip.started {
		ip.started = true
		ip.clock = ip.target(now)
		ip.last = now
	}
	// Keep about a second of snapshots behind the render clock.
	keep := ip.clock - time.Second
	i := 0
	for i < len(ip.snaps)-2 && ip.snapTime(ip.snaps[i+1].Tick) < keep {
		i++
	}
	if i > 0 {
		ip.snaps = slices.Delete(ip.snaps, 0, i)
	}
}

// target is where the render clock should be at now.
func (ip *Interpolator) target(now time.Time) time.Duration {
	newest := ip.snapTime(ip.snaps[len(ip.snaps)-1].Tick)
	return newest + now.Sub(ip.newest) - ip.Delay
}

// Advance moves the render clock to now: at the pace of the local clock,
// nudged a tenth of the way toward the target each frame, and set to it
// when it is more than 300 ms off (a stall, a reconnect).
func (ip *Interpolator) Advance(now time.Time) {
	if !ip.started {
		return
	}
	ip.clock += now.Sub(ip.last)
	ip.last = now
	drift := ip.target(now) - ip.clock
	if drift > 300*time.Millisecond || drift < -300*time.Millisecond {
		ip.clock += drift
	} else {
		ip.clock += drift / 10
	}
}

// Tick returns the newest snapshot's tick and whether there is one.
func (ip *Interpolator) Tick() (uint32, bool) {
	if len(ip.snaps) == 0 {
		return 0, false
	}
	return ip.snaps[len(ip.snaps)-1].Tick, true
}

// Players appends the players at the render clock to dst: every player of
// the newer of the two snapshots around it, at a position between the two
// (or the newer one's, for a player that has just joined). Before the first
// snapshot and after the last one it returns that snapshot's players as
// they are: it never extrapolates.
func (ip *Interpolator) Players(dst []Player) []Player {
	if len(ip.snaps) == 0 {
		return dst
	}
	b := len(ip.snaps) - 1
	for b > 0 && ip.snapTime(ip.snaps[b-1].Tick) >= ip.clock {
		b--
	}
	next := ip.snaps[b]
	if b == 0 || ip.snapTime(next.Tick) <= ip.clock {
		return append(dst, next.Players...)
	}
	prev := ip.snaps[b-1]
	t0, t1 := ip.snapTime(prev.Tick), ip.snapTime(next.Tick)
	f := float32(ip.clock-t0) / float32(t1-t0)
	for _, p := range next.Players {
		if q, ok := find(prev.Players, p.ID); ok {
			p.X = q.X + (p.X-q.X)*f
			p.Y = q.Y + (p.Y-q.Y)*f
		}
		dst = append(dst, p)
	}
	return dst
}

// find looks id up in ps, which the server sends sorted by id.
func find(ps []Player, id uint16) (Player, bool) {
	i, ok := slices.BinarySearchFunc(ps, id, func(p Player, id uint16) int { return int(p.ID) - int(id) })
	if !ok {
		return Player{}, false
	}
	return ps[i], true
}
