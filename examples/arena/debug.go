package main

import (
	"encoding/json"
	"math"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/hybridws/websocket/examples/internal/feel"
	"github.com/hybridws/websocket/examples/netcode"
)

// debug is what the game measures and publishes with cfg.debug, for tests
// and the benchmark (a global in a browser, a stdout line natively; see
// publish_*.go). It belongs to the loop, but for the atomics that a
// page's test hooks and the hidden-page timer use.
type debug struct {
	meter netcode.Meter
	reset atomic.Bool                // restart the meter at the next frame
	watch atomic.Int32               // the player to trace from the next frame on; 0 for none
	dump  atomic.Bool                // publish the trace at the next frame
	last  atomic.Pointer[debugState] // the loop's last published state

	// This player's latest move, for the input delay and the settling.
	moving     bool
	inputFrame int64         // the frame its input was first applied
	moveFrame  int64         // the first frame its disc moved after that; -1 until then
	shown      [2]float32    // where the disc was shown last frame
	stopAt     time.Time     // when its input last stopped
	viewSettle time.Duration // from then until the disc was last 1 px or more from the newest snapshot's position

	traceID int32
	traceT0 time.Time
	trace   []feel.Sample
	heap    uint64
}

// debugState is what the game publishes: no more than what the screen
// shows, plus what a test needs to see that the loop runs and how the
// netcode feels.
type debugState struct {
	Status        string       `json:"status"`
	State         string       `json:"state"` // the library's State
	Connected     bool         `json:"connected"`
	ID            uint16       `json:"id"`
	Players       []debugPoint `json:"players"`
	RTTMS         float64      `json:"rtt_ms"`  // the library's, natively
	PingMS        float64      `json:"ping_ms"` // the game's own
	Connects      int          `json:"connects"`
	MessagesIn    int64        `json:"messages_in"`
	Tick          uint32       `json:"tick"`
	Frames        int64        `json:"frames"`
	Hidden        bool         `json:"hidden"`
	HiddenChecks  int64        `json:"hidden_checks"`
	Queued        int          `json:"queued"`
	DispatchP50NS int64        `json:"dispatch_p50_ns"`
	DispatchP99NS int64        `json:"dispatch_p99_ns"`
	DispatchN     int64        `json:"dispatch_n"` // frames since the last reset
	BusyP50NS     int64        `json:"busy_p50_ns"`
	BusyP99NS     int64        `json:"busy_p99_ns"`
	BusyN         int64        `json:"busy_n"`
	BytesIn       int64        `json:"bytes_in"` // since the last reset
	Corrections   int64        `json:"corrections"`
	CorrectionsN  int64        `json:"corrections_since_reset"`
	InterpMS      float64      `json:"interp_ms"`
	JitterMS      float64      `json:"jitter_ms"`
	InputFrame    int64        `json:"input_frame"`
	MoveFrame     int64        `json:"move_frame"`
	StopUnixMS    int64        `json:"stop_unix_ms"`
	ViewSettleMS  float64      `json:"view_settle_ms"`
	HeapBytes     uint64       `json:"heap_bytes"`
	LastError     string       `json:"last_error"`
	Screen        [3]int       `json:"screen"` // width, height, HUD height
}

type debugPoint struct {
	ID uint16  `json:"id"`
	X  float32 `json:"x"`
	Y  float32 `json:"y"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// frame runs at the end of every Update.
func (d *debug) frame(g *Game, now time.Time, in netcode.Input) {
	c := g.client
	if d.reset.Swap(false) {
		d.meter.Reset(c)
	}
	me, ok := g.me()
	moving := in != (netcode.Input{})
	switch {
	case moving && !d.moving:
		d.inputFrame, d.moveFrame = g.frames, -1
	case !moving && d.moving:
		d.stopAt, d.viewSettle = now, 0
	}
	if ok && moving && d.moveFrame < 0 && (me.X != d.shown[0] || me.Y != d.shown[1]) {
		d.moveFrame = g.frames
	}
	if ok && !moving && !d.stopAt.IsZero() {
		sx, sy := c.Me.Server().XY()
		if math.Hypot(float64(me.X-sx), float64(me.Y-sy)) >= 1 {
			d.viewSettle = now.Sub(d.stopAt)
		}
	}
	d.moving, d.shown = moving, [2]float32{me.X, me.Y}
	d.record(g, now)
	if g.frames%6 == 0 {
		publish(d.state(g, now))
	}
}

// record adds the watched player's shown position to the trace, at most
// once a millisecond (Ebitengine may run Update twice in a frame).
func (d *debug) record(g *Game, now time.Time) {
	if id := d.watch.Load(); id != d.traceID {
		d.traceID, d.traceT0, d.trace = id, now, d.trace[:0]
	}
	if d.traceID != 0 && len(d.trace) < 10000 {
		t := now.Sub(d.traceT0)
		for _, p := range g.players {
			if int32(p.ID) == d.traceID && (len(d.trace) == 0 || t-d.trace[len(d.trace)-1].T >= time.Millisecond) {
				d.trace = append(d.trace, feel.Sample{T: t, X: p.X, Y: p.Y})
			}
		}
	}
	if d.dump.Swap(false) {
		b, _ := json.Marshal(d.trace)
		publishTrace(string(b))
	}
}

func (d *debug) state(g *Game, now time.Time) string {
	c := g.client
	st := c.Stats()
	tick, _ := c.Others.Tick()
	in, _, corr := d.meter.Since(c)
	s := &debugState{
		Status: c.Status(now), State: st.State.String(), Connected: c.Welcomed(), ID: c.ID,
		RTTMS: ms(st.RTT), PingMS: ms(c.Ping), Connects: st.Connects, MessagesIn: st.MessagesIn, Tick: tick,
		Frames: g.frames, Hidden: g.vis.hidden(), HiddenChecks: g.vis.checks.Load(), Queued: c.Queued(),
		DispatchN: d.meter.Dispatch.Count(), BusyN: d.meter.Busy.Count(), BytesIn: in,
		Corrections: c.Me.Corrections, CorrectionsN: corr, InterpMS: ms(c.Others.Delay()), JitterMS: ms(c.Others.Jitter()),
		InputFrame: d.inputFrame, MoveFrame: d.moveFrame, ViewSettleMS: ms(d.viewSettle), LastError: c.LastError,
		Screen: [3]int{screenWidth, screenHeight, hudHeight},
	}
	if !d.stopAt.IsZero() {
		s.StopUnixMS = d.stopAt.UnixMilli()
	}
	v := d.meter.Dispatch.Values()
	s.DispatchP50NS = int64(netcode.Percentile(v, 50))
	s.DispatchP99NS = int64(netcode.Percentile(v, 99))
	v = d.meter.Busy.Values()
	s.BusyP50NS = int64(netcode.Percentile(v, 50))
	s.BusyP99NS = int64(netcode.Percentile(v, 99))
	for _, p := range g.players {
		s.Players = append(s.Players, debugPoint{ID: p.ID, X: p.X, Y: p.Y})
	}
	if d.heap == 0 || g.frames%60 == 0 {
		d.heap = heapBytes()
	}
	s.HeapBytes = d.heap
	d.last.Store(s)
	return s.json()
}

// publishHidden publishes, from the hidden-page timer, the loop's last
// state with what that timer may read: the visibility, the Queue, the
// connection's Stats, the heap.
func (d *debug) publishHidden(g *Game) {
	last := d.last.Load()
	if last == nil {
		return
	}
	s := *last
	st := g.client.Stats()
	s.Hidden, s.HiddenChecks, s.Queued = g.vis.hidden(), g.vis.checks.Load(), g.client.Queued()
	s.State, s.MessagesIn, s.Connects = st.State.String(), st.MessagesIn, st.Connects
	if g.client.Suspended() {
		s.Status, s.Connected = "paused (page hidden)", false
	}
	s.HeapBytes = heapBytes()
	publish(s.json())
}

func (s *debugState) json() string {
	b, _ := json.Marshal(s)
	return string(b)
}

func heapBytes() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
