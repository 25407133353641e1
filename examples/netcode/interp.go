package netcode

import (
	"slices"
	"time"
)

// The render clock's limits: to close a gap with its target it runs
// faster than real time by the gap over catchUp, at most maxAhead (50%),
// or slower by at most maxBehind (10%); it jumps only when it is more than
// maxDrift behind (a long stall, a reconnect).
const (
	maxAhead     = 0.5
	maxBehind    = 0.1
	catchUp      = time.Second
	maxDrift     = time.Second
	jitterWindow = 40 // snapshots the jitter is measured over (2 s at 20 Hz)
	// jitterQuantile is the share of snapshots the delay waits for; the
	// rest arrive after the render clock needs them, and the clock waits.
	jitterQuantile = 0.9
)

// Interpolator shows the other players between the server's snapshots:
// it renders the room as it was Delay ago, between the two snapshots
// around that moment, so they move every frame although the server speaks
// 20 times a second.
//
// Delay is measured, not set. Each snapshot's arrival, minus its tick's
// place on the server's timeline (tick × Period), is its offset; the
// smallest offset of the last jitterWindow snapshots is the fastest path,
// and how much later than that the others come is the jitter. Delay is one
// Period (the next snapshot must be there to interpolate toward) plus the
// jitter that 90% of snapshots stay under.
//
// The render clock runs on the server's timeline at the pace of the local
// clock, faster or slower to follow its target (which moves when the
// measured jitter does); it never runs backward, and it never passes the
// newest snapshot: when one is late the players wait where they are, then
// catch up without a jump.
type Interpolator struct {
	// Period is the time between server ticks.
	Period time.Duration

	snaps   []Snapshot // oldest first, ticks increasing
	epoch   time.Time  // the first snapshot's arrival: offsets count from it
	offsets []time.Duration
	next    int           // where the next offset goes in offsets
	base    time.Duration // the smallest offset in the window
	jitter  time.Duration
	clock   time.Duration // the render time on the server's timeline
	last    time.Time     // when Advance last ran
	started bool
}

// snapTime is where a tick sits on the server's timeline.
func (ip *Interpolator) snapTime(tick uint32) time.Duration {
	return time.Duration(tick) * ip.Period
}

// Reset forgets every snapshot and measurement (a new connection: the
// server's ticks may have started again from zero).
func (ip *Interpolator) Reset() {
	ip.snaps = ip.snaps[:0]
	ip.offsets = ip.offsets[:0]
	ip.next = 0
	ip.jitter = 0
	ip.started = false
}

// Add records a snapshot that arrived at now. Snapshots that are not newer
// than the newest one are ignored. s.Players must not be changed afterwards.
func (ip *Interpolator) Add(s Snapshot, now time.Time) {
	if n := len(ip.snaps); n > 0 && s.Tick <= ip.snaps[n-1].Tick {
		return
	}
	ip.snaps = append(ip.snaps, s)
	if !ip.started {
		ip.started = true
		ip.epoch = now
		ip.last = now
	}
	ip.measure(now.Sub(ip.epoch) - ip.snapTime(s.Tick))
	if len(ip.snaps) == 1 {
		ip.clock = ip.target(now)
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

// measure adds one arrival offset to the window and updates base and
// jitter.
func (ip *Interpolator) measure(off time.Duration) {
	if len(ip.offsets) < jitterWindow {
		ip.offsets = append(ip.offsets, off)
	} else {
		ip.offsets[ip.next] = off
	}
	ip.next = (ip.next + 1) % jitterWindow
	ip.base = slices.Min(ip.offsets)
	var spread [jitterWindow]time.Duration
	for i, o := range ip.offsets {
		spread[i] = o - ip.base
	}
	s := spread[:len(ip.offsets)]
	slices.Sort(s)
	ip.jitter = s[int(float64(len(s)-1)*jitterQuantile)]
}

// Delay is how far behind the server's newest state the room is shown:
// one Period plus the measured jitter.
func (ip *Interpolator) Delay() time.Duration { return ip.Period + ip.jitter }

// Jitter is how much later than the fastest one 90% of the recent
// snapshots arrived.
func (ip *Interpolator) Jitter() time.Duration { return ip.jitter }

// target is where the render clock should be at now.
func (ip *Interpolator) target(now time.Time) time.Duration {
	return now.Sub(ip.epoch) - ip.base - ip.Delay()
}

// Advance moves the render clock to now.
func (ip *Interpolator) Advance(now time.Time) {
	if !ip.started {
		return
	}
	dt := max(now.Sub(ip.last), 0)
	ip.last = now
	ip.clock += dt
	if drift := ip.target(now) - ip.clock; drift > maxDrift {
		ip.clock += drift
	} else {
		ip.clock += time.Duration(float64(dt) * min(max(float64(drift)/float64(catchUp), -maxBehind), maxAhead))
	}
	ip.clock = min(ip.clock, ip.snapTime(ip.snaps[len(ip.snaps)-1].Tick))
}

// Tick returns the newest snapshot's tick and whether there is one.
func (ip *Interpolator) Tick() (uint32, bool) {
	if len(ip.snaps) == 0 {
		return 0, false
	}
	return ip.snaps[len(ip.snaps)-1].Tick, true
}

// Players appends the players at the render clock to dst, but for the one
// with ID skip: every player of the newer of the two snapshots around it,
// at a position between the two (or the newer one's, for a player that has
// just joined). Before the first snapshot it returns that snapshot's
// players as they are.
func (ip *Interpolator) Players(dst []Player, skip uint16) []Player {
	if len(ip.snaps) == 0 {
		return dst
	}
	b := len(ip.snaps) - 1
	for b > 0 && ip.snapTime(ip.snaps[b-1].Tick) >= ip.clock {
		b--
	}
	next := ip.snaps[b]
	if b == 0 || ip.snapTime(next.Tick) <= ip.clock {
		for _, p := range next.Players {
			if p.ID != skip {
				dst = append(dst, p)
			}
		}
		return dst
	}
	prev := ip.snaps[b-1]
	t0, t1 := ip.snapTime(prev.Tick), ip.snapTime(next.Tick)
	f := float32(ip.clock-t0) / float32(t1-t0)
	for _, p := range next.Players {
		if p.ID == skip {
			continue
		}
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
