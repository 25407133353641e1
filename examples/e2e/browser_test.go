//go:build !js

package e2e

import (
	"math"
	"strings"
	"testing"
	"time"
)

func dist(x0, y0, x1, y1 float32) float32 {
	return float32(math.Hypot(float64(x1-x0), float64(y1-y0)))
}

func hasPlayers(n int) func(state) bool {
	return func(s state) bool { return s.Connected && len(s.Players) >= n }
}

// TestTwoPagesThreeBots: the server, two game pages and three bots; each
// page sees all five players, a key held in page 1 moves that player in
// page 2, and the mouse held in page 2 pulls that player in page 1.
func TestTwoPagesThreeBots(t *testing.T) {
	build(t)
	addr := freeAddr(t)
	startServer(t, addr)
	bctx := newBrowser(t)
	url := "http://" + addr + "/?debug"
	p1 := openPage(t, bctx, "page 1", url, true)
	p2 := openPage(t, bctx, "page 2", url, false)
	startBots(t, addr, 3)

	s1 := p1.waitFor("five players", 60*time.Second, func(s state) bool { return s.Connected && len(s.Players) == 5 })
	s2 := p2.waitFor("five players", 60*time.Second, func(s state) bool { return s.Connected && len(s.Players) == 5 })
	if s1.ID == s2.ID {
		t.Fatalf("both pages are player %d", s1.ID)
	}
	if _, _, ok := s2.player(s1.ID); !ok {
		t.Fatalf("page 2 does not show page 1's player %d: %+v", s1.ID, s2.Players)
	}
	if s1.PingMS <= 0 { // a browser has only the game's own ping: Stats().RTT is 0 there
		p1.waitFor("a ping time", 10*time.Second, func(s state) bool { return s.PingMS > 0 })
	}

	// Hold an arrow key in page 1, toward the side with more room.
	x0, y0, _ := s2.player(s1.ID)
	key, code, dir := "ArrowRight", int64(39), float32(1)
	if x0 > 320 {
		key, code, dir = "ArrowLeft", 37, -1
	}
	p1.key(true, key, code)
	moved := p2.waitFor("page 1's player to move in page 2", 20*time.Second, func(s state) bool {
		x, _, ok := s.player(s1.ID)
		return ok && (x-x0)*dir > 60
	})
	p1.key(false, key, code)
	x1, y1, _ := moved.player(s1.ID)
	if d := y1 - y0; d > 1 || d < -1 {
		t.Errorf("page 1's player moved vertically by %v on a horizontal key", d)
	}
	t.Logf("page 1's player %d in page 2: (%.0f,%.0f) -> (%.0f,%.0f) with %s held", s1.ID, x0, y0, x1, y1, key)
	t.Logf("page 1: %s", p1.waitFor("status", time.Second, hasPlayers(5)).Status)

	// Hold the mouse button in page 2 at the far side of the arena from its
	// player: page 1 sees that player head there.
	s2, _ = p2.state()
	px, py, _ := s2.player(s2.ID)
	tx, ty := float32(560), float32(400)
	if px > 320 {
		tx = 80
	}
	if py > 240 {
		ty = 80
	}
	d0 := dist(px, py, tx, ty)
	mx, my := s2.css(tx, ty, 800, 600)
	p2.mouse(true, mx, my)
	p1.waitFor("page 2's player to head for the mouse in page 1", 20*time.Second, func(s state) bool {
		x, y, ok := s.player(s2.ID)
		return ok && dist(x, y, tx, ty) < d0-60
	})
	p2.mouse(false, mx, my)
	shot := p2.screenshot("arena-browser.png")
	t.Logf("screenshot of page 2: %s", shot)
}

// TestServerRestart: the server goes away under two pages and comes back on
// the same address; both pages reconnect by themselves and see each other.
func TestServerRestart(t *testing.T) {
	build(t)
	addr := freeAddr(t)
	srv := startServer(t, addr)
	bctx := newBrowser(t)
	url := "http://" + addr + "/?debug"
	p1 := openPage(t, bctx, "page 1", url, true)
	p2 := openPage(t, bctx, "page 2", url, false)
	p1.waitFor("two players", 60*time.Second, hasPlayers(2))
	p2.waitFor("two players", 60*time.Second, hasPlayers(2))

	srv.stop()
	for _, p := range []*page{p1, p2} {
		s := p.waitFor("reconnecting", 20*time.Second, func(s state) bool {
			return !s.Connected && s.Connects == 1 && strings.Contains(s.Status, "reconnecting in ")
		})
		t.Logf("%s while the server is down: %s", p.name, s.Status)
	}
	t.Logf("screenshot of page 1 while the server is down: %s", p1.screenshot("arena-reconnecting.png"))
	startServer(t, addr)
	var ids [2]uint16
	for i, p := range []*page{p1, p2} {
		s := p.waitFor("back, with both players", 60*time.Second, func(s state) bool {
			return s.Connected && s.Connects >= 2 && len(s.Players) == 2
		})
		ids[i] = s.ID
		t.Logf("%s: %d connects; %s", p.name, s.Connects, s.Status)
	}
	s2, _ := p2.state()
	if _, _, ok := s2.player(ids[0]); !ok {
		t.Errorf("page 2 does not show page 1's player %d after the restart", ids[0])
	}
}

// TestHiddenPage: a hidden page (its window minimized: no animation
// frames, so Ebitengine's Update stops) lets events wait undispatched while
// its timer watches, suspends its connection after the grace time, holds
// its memory steady while hidden, and comes back when shown: the loop
// dispatches what waited and connects again.
func TestHiddenPage(t *testing.T) {
	build(t)
	addr := freeAddr(t)
	startServer(t, addr)
	startBots(t, addr, 3)
	bctx := newBrowser(t)
	p := openPage(t, bctx, "page", "http://"+addr+"/?debug&hidden_grace=4s", true)
	before := p.waitFor("four players", 60*time.Second, hasPlayers(4))

	p.setMinimized(true)
	hidden := p.waitFor("the hidden-page timer to check twice", 20*time.Second, func(s state) bool { return s.Hidden && s.HiddenChecks >= 2 })
	if hidden.Queued == 0 || hidden.MessagesIn <= before.MessagesIn {
		t.Errorf("hidden: %d events waiting, %d messages in (%d before): want messages arriving and waiting for the loop", hidden.Queued, hidden.MessagesIn, before.MessagesIn)
	}
	paused := p.waitFor("the connection suspended", 20*time.Second, func(s state) bool { return s.Hidden && !s.Connected && s.State == "closed" })
	t.Logf("hidden: %s, %s (after %d timer checks, %d events waiting)", paused.Status, paused.State, paused.HiddenChecks, paused.Queued)
	// The loop really stopped: no frame ran while hidden.
	if paused.Frames != hidden.Frames {
		t.Errorf("%d frames ran while hidden", paused.Frames-hidden.Frames)
	}
	// Suspended, nothing arrives.
	time.Sleep(3 * time.Second)
	later, _ := p.state()
	if later.MessagesIn != paused.MessagesIn {
		t.Errorf("messages went on arriving while suspended: %d then %d", paused.MessagesIn, later.MessagesIn)
	}
	if later.HeapBytes > before.HeapBytes+16<<20 {
		t.Errorf("heap grew from %d to %d bytes while hidden", before.HeapBytes, later.HeapBytes)
	}

	p.setMinimized(false)
	back := p.waitFor("back with four players", 30*time.Second, func(s state) bool {
		return !s.Hidden && s.Connected && s.Queued == 0 && len(s.Players) == 4 && s.Frames > later.Frames
	})
	t.Logf("shown again: %s; heap %d KiB before hiding, %d KiB while suspended", back.Status, before.HeapBytes>>10, later.HeapBytes>>10)
}
