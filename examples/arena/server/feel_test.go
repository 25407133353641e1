package main

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/hybridws/websocket/examples/internal/feel"
	"github.com/hybridws/websocket/examples/internal/lagproxy"
	"github.com/hybridws/websocket/examples/netcode"
)

// authority runs f on the server's own record of player id, under the
// room's lock.
func authority(t *testing.T, s *Server, id uint16, f func(c *client)) {
	t.Helper()
	s.mu.Lock()
	rm := s.rooms["lobby"]
	s.mu.Unlock()
	if rm == nil {
		t.Fatal("no lobby")
	}
	rm.mu.Lock()
	defer rm.mu.Unlock()
	for _, c := range rm.order {
		if c.id == id {
			f(c)
			return
		}
	}
	t.Fatalf("player %d is not in the lobby", id)
}

// players are two netcode clients driven frame by frame by the test's own
// goroutine, as a game loop drives one: A through the lag proxy, B direct.
type players struct {
	t     *testing.T
	a, b  *netcode.Client
	frame int
}

// run steps both clients 60 times a second for d (or until until returns
// true), with the inputs that in returns for each frame, and calls each
// after every frame.
func (p *players) run(d time.Duration, in func(now time.Time) (a, b netcode.Input), each func(now time.Time) bool) {
	tk := time.NewTicker(time.Second / 60)
	defer tk.Stop()
	end := time.Now().Add(d)
	for now := range tk.C {
		if now.After(end) {
			p.t.Fatalf("waited %v: A %q, B %q", d, p.a.Status(now), p.b.Status(now))
		}
		ia, ib := in(now)
		p.a.Update(now, ia)
		p.b.Update(now, ib)
		p.frame++
		if each(now) {
			return
		}
	}
}

func still(time.Time) (a, b netcode.Input) { return netcode.Input{}, netcode.Input{} }

// shown is where A shows player id this frame.
func (p *players) shown(id uint16) (feel.Sample, bool) {
	for _, q := range p.a.Players(nil) {
		if q.ID == id {
			return feel.Sample{X: q.X, Y: q.Y}, true
		}
	}
	return feel.Sample{}, false
}

// TestFeel measures the netcode natively, on loopback and with 100 ms of
// latency and ±20 ms of jitter each way between player A and the server:
// A's own disc moves on the frame its input is applied (0 frames of input
// delay); after A stops, its distance to the server's authoritative
// position settles under 1 px within 500 ms; the server never corrects A;
// B, circling, is shown by A always going forward, also with 5% of the
// snapshots to A 150 ms late; a shove by the server is smoothed, a big one
// taken at once.
func TestFeel(t *testing.T) {
	for _, tc := range []struct {
		name string
		lag  lagproxy.Delay
	}{
		{"loopback", lagproxy.Delay{}},
		{"100ms±20ms", lagproxy.Delay{Latency: 100 * time.Millisecond, Jitter: 20 * time.Millisecond}},
	} {
		t.Run(tc.name, func(t *testing.T) { testFeel(t, tc.lag) })
	}
}

func testFeel(t *testing.T, lag lagproxy.Delay) {
	s, url, _ := newTestServer(t, Config{})
	proxy, err := lagproxy.New(strings.TrimSuffix(strings.TrimPrefix(url, "ws://"), "/ws"))
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	proxy.Set(lag, lag)
	p := &players{t: t,
		a: netcode.NewClient(netcode.ClientConfig{URL: "ws://" + proxy.Addr() + "/ws", Logf: t.Logf}),
		b: netcode.NewClient(netcode.ClientConfig{URL: url, Logf: t.Logf}),
	}
	defer p.a.Close()
	defer p.b.Close()
	p.run(20*time.Second, still, func(time.Time) bool {
		_, seen := p.shown(p.b.ID)
		return p.a.Me.Ready() && p.b.Me.Ready() && seen
	})

	// A moves for 600 ms toward the side with more room, then stops.
	ax, _ := p.a.Me.Shown()
	dir := netcode.Input{DX: netcode.MaxAxis}
	if ax > netcode.WorldWidth/2 {
		dir.DX = -netcode.MaxAxis
	}
	start, pressed, moved := time.Now(), -1, -1
	last, _ := p.shown(p.a.ID)
	p.run(5*time.Second, func(now time.Time) (a, b netcode.Input) {
		if now.Sub(start) < 600*time.Millisecond {
			if pressed < 0 {
				pressed = p.frame
			}
			return dir, netcode.Input{}
		}
		return netcode.Input{}, netcode.Input{}
	}, func(now time.Time) bool {
		me, _ := p.shown(p.a.ID)
		if moved < 0 && me != last {
			moved = p.frame - 1
		}
		return now.Sub(start) >= 600*time.Millisecond
	})
	stop := time.Now()
	var settled, viewSettled time.Duration
	var farthest float64
	p.run(5*time.Second, still, func(now time.Time) bool {
		me, _ := p.shown(p.a.ID)
		var server netcode.Pos
		authority(t, s, p.a.ID, func(c *client) { server = c.auth.Pos })
		sx, sy := server.XY()
		d := math.Hypot(float64(me.X-sx), float64(me.Y-sy))
		farthest = max(farthest, d)
		if d >= 1 {
			settled = now.Sub(stop)
		}
		if vx, vy := p.a.Me.Server().XY(); math.Hypot(float64(me.X-vx), float64(me.Y-vy)) >= 1 {
			viewSettled = now.Sub(stop)
		}
		return now.Sub(stop) > time.Second
	})
	t.Logf("input delay: %d frames; after the stop, %.1f px from the server at most, under 1 px after %v (as A's snapshots show it: %v); %d corrections",
		moved-pressed, farthest, settled, viewSettled, p.a.Me.Corrections)
	if moved != pressed {
		t.Errorf("A's disc moved on frame %d, the input was applied on frame %d: want the same frame", moved, pressed)
	}
	if settled > 500*time.Millisecond {
		t.Errorf("A's disc took %v after the stop to be within 1 px of the server, want under 500 ms", settled)
	}
	if p.a.Me.Corrections != 0 {
		t.Errorf("%d corrections (last %v px), want none: the server applies exactly what A predicted", p.a.Me.Corrections, p.a.Me.LastCorrection)
	}

	// B circles; A shows it going forward, without and with late snapshots.
	circle := func(d time.Duration) feel.Motion {
		var trace []feel.Sample
		t0 := time.Now()
		p.run(d+5*time.Second, func(time.Time) (a, b netcode.Input) {
			return netcode.Input{}, feel.Steer(p.b.Me.Shown())
		}, func(now time.Time) bool {
			if q, ok := p.shown(p.b.ID); ok && now.Sub(t0) > time.Second { // B on its way and A's view of it
				q.T = now.Sub(t0)
				trace = append(trace, q)
			}
			return now.Sub(t0) > d
		})
		return feel.Circling(trace)
	}
	m := circle(4 * time.Second)
	t.Logf("B circling, as A shows it: %v; A's interpolation delay %v (jitter %v)", m, p.a.Others.Delay(), p.a.Others.Jitter())
	if m.Backward != 0 || m.Fastest > 2*netcode.Speed {
		t.Errorf("B as A shows it: %v; want no step backward and no jump", m)
	}
	late := lag
	late.SpikeRate, late.Spike = 0.05, 150*time.Millisecond
	proxy.Set(lag, late)
	spikes := proxy.Spikes()
	m = circle(8 * time.Second)
	t.Logf("with 5%% of chunks to A 150 ms late (%d): %v; A's interpolation delay %v (jitter %v)", proxy.Spikes()-spikes, m, p.a.Others.Delay(), p.a.Others.Jitter())
	if m.Backward != 0 || m.Fastest > 2*netcode.Speed {
		t.Errorf("B as A shows it, with late snapshots: %v; want no step backward and no jump", m)
	}
	proxy.Set(lag, lag)

	// The server shoves A by 6 px toward the middle: A's disc glides
	// there; by 100 px: it is there at once.
	toward := 1
	if ax, _ := p.a.Me.Shown(); ax > netcode.WorldWidth/2 {
		toward = -1
	}
	shove := func(dx int) (steps []float64) {
		dx *= toward
		before := p.a.Me.Corrections
		authority(t, s, p.a.ID, func(c *client) { c.auth.Pos.X += int32(dx * netcode.Sub) })
		last, _ := p.shown(p.a.ID)
		p.run(5*time.Second, still, func(time.Time) bool {
			me, _ := p.shown(p.a.ID)
			if p.a.Me.Corrections > before {
				steps = append(steps, math.Hypot(float64(me.X-last.X), float64(me.Y-last.Y)))
			}
			last = me
			return len(steps) >= 15
		})
		return steps
	}
	small := shove(6)
	t.Logf("a 6 px shove, A's disc frame by frame (px): %.2f", small)
	if p.a.Me.Corrections != 1 || math.Abs(float64(p.a.Me.LastCorrection)-6) > 0.01 || small[0] > 2.5 || sum(small) < 5.9 {
		t.Errorf("a 6 px shove: %d corrections of %v px; steps %.2f: want one, taken over a few frames", p.a.Me.Corrections, p.a.Me.LastCorrection, small)
	}
	big := shove(100)
	if big[0] < 99 {
		t.Errorf("a 100 px shove: steps %.2f, want it taken at once", big)
	}
}

func sum(xs []float64) (s float64) {
	for _, x := range xs {
		s += x
	}
	return s
}
