package main

import (
	"fmt"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/ebitenutil"
	"github.com/hybridws/websocket/examples/netcode"
)

// hud is the band above the world: the connection as the library's Stats
// see it (state, round trip, bytes per second) and the netcode's own
// figures (the interpolation delay, corrections).
type hud struct {
	lines [2]string
	// The traffic rates, over the last whole second.
	since           time.Time
	in0, out0       int64
	inRate, outRate float64
}

func (h *hud) update(now time.Time, c *netcode.Client, players int) {
	st := c.Stats()
	if d := now.Sub(h.since); d >= time.Second || st.BytesIn < h.in0 {
		if !h.since.IsZero() && st.BytesIn >= h.in0 {
			h.inRate = float64(st.BytesIn-h.in0) / d.Seconds()
			h.outRate = float64(st.BytesOut-h.out0) / d.Seconds()
		}
		h.since, h.in0, h.out0 = now, st.BytesIn, st.BytesOut
	}
	rtt, others := "rtt -", "others -"
	if c.Welcomed() {
		switch {
		case st.RTT > 0: // natively: the library's keepalive pings
			rtt = fmt.Sprintf("rtt %.1f ms", float64(st.RTT.Microseconds())/1000)
		case c.Ping > 0: // a browser: the game's own ping
			rtt = fmt.Sprintf("ping %d ms", c.Ping.Milliseconds())
		}
		others = fmt.Sprintf("others %d ms behind (jitter %d)", c.Others.Delay().Milliseconds(), c.Others.Jitter().Milliseconds())
	}
	h.lines[0] = fmt.Sprintf("%s | %s | in %.1f KiB/s  out %.2f KiB/s | players %d",
		c.Status(now), rtt, h.inRate/1024, h.outRate/1024, players)
	h.lines[1] = fmt.Sprintf("%s | corrections %d | move: arrows/WASD, mouse, touch", others, c.Me.Corrections)
}

func (h *hud) draw(screen *ebiten.Image) {
	ebitenutil.DebugPrintAt(screen, h.lines[0], 4, 1)
	ebitenutil.DebugPrintAt(screen, h.lines[1], 4, 17)
}
