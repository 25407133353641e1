package main

import (
	"encoding/json"
	"runtime"
	"time"

	"github.com/hybridws/websocket/examples/netcode"
)

// debugState is what the game publishes for tests with debug on (a global
// in a browser, a stdout line natively): no more than what the screen
// shows, plus the counters a test needs to see that the loop runs.
type debugState struct {
	Status        string       `json:"status"`
	Connected     bool         `json:"connected"`
	ID            uint16       `json:"id"`
	Players       []debugPoint `json:"players"`
	RTTMS         float64      `json:"rtt_ms"`
	Connects      int64        `json:"connects"`
	Snapshots     int64        `json:"snapshots"`
	Tick          uint32       `json:"tick"`
	Frames        int64        `json:"frames"`
	Hidden        bool         `json:"hidden"`
	HiddenN       int64        `json:"hidden_dispatches"`
	DispatchP50NS int64        `json:"dispatch_p50_ns"`
	DispatchP99NS int64        `json:"dispatch_p99_ns"`
	DispatchN     int64        `json:"dispatch_n"`
	BusyP50NS     int64        `json:"busy_p50_ns"` // frames whose Dispatch ran a callback
	BusyP99NS     int64        `json:"busy_p99_ns"`
	BusyN         int64        `json:"busy_n"`
	BytesIn       int64        `json:"bytes_in"`
	HeapBytes     uint64       `json:"heap_bytes"`
	LastError     string       `json:"last_error"`
}

type debugPoint struct {
	ID uint16  `json:"id"`
	X  float32 `json:"x"`
	Y  float32 `json:"y"`
}

func (g *Game) debugState(now time.Time) string {
	c := g.client
	tick, _ := c.Interp.Tick()
	d := debugState{
		Status: g.statusLine(now), Connected: c.Welcomed(), ID: c.ID,
		RTTMS: float64(c.RTT.Microseconds()) / 1000, Connects: c.Connects, Snapshots: c.Snapshots, Tick: tick,
		Frames: g.frames, Hidden: g.hidden, HiddenN: g.hiddenN, BytesIn: c.BytesIn, LastError: c.LastError,
		DispatchN: c.DispatchTime.Count(),
	}
	v := c.DispatchTime.Values()
	d.DispatchP50NS = int64(netcode.Percentile(v, 50))
	d.DispatchP99NS = int64(netcode.Percentile(v, 99))
	v = c.DispatchBusy.Values()
	d.BusyP50NS = int64(netcode.Percentile(v, 50))
	d.BusyP99NS = int64(netcode.Percentile(v, 99))
	d.BusyN = c.DispatchBusy.Count()
	for _, p := range g.players {
		d.Players = append(d.Players, debugPoint{ID: p.ID, X: p.X, Y: p.Y})
	}
	if g.heap == 0 || g.frames%60 == 0 || g.hidden {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		g.heap = ms.HeapAlloc
	}
	d.HeapBytes = g.heap
	b, _ := json.Marshal(d)
	return string(b)
}
