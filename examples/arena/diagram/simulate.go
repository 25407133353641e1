package main

import (
	"strconv"
	"time"

	"github.com/hybridws/websocket/examples/netcode"
)

// The scenario: 60 frames a second, 20 ticks a second, the key held from
// the frame at 0.1 s to the one at 0.6 s, everything recorded until end.
const (
	frame   = time.Second / 60
	tick    = 50 * time.Millisecond
	keyDown = 6 * frame
	keyUp   = 36 * frame
	end     = 1200 * time.Millisecond
)

// message is one arrow of the diagram: sent at from, arrived at to.
type message struct {
	from, to time.Duration
	label    string
}

// point is a position at a time.
type point struct {
	t time.Duration
	x float32
}

// run is what the diagram shows.
type run struct {
	inputs    []message // your game to the server
	snapshots []message // the server to your game, labelled with the ack
	others    []message // the server to the other game
	shown     []point   // your disc as your game shows it, each frame
	server    []point   // your player at the server, each tick
	seen      []point   // your disc as the other game shows it, each frame
	start     float32   // where your disc starts
}

// simulate plays the scenario with the netcode's own Predictor, Authority
// and Interpolator, with one-way delays you and other to the server.
func simulate(you, other time.Duration) run {
	var r run
	auth := &netcode.Authority{Pos: netcode.PosOf(200, 240)}
	me := &netcode.Predictor{}
	watcher := &netcode.Interpolator{Period: tick}
	snap := func(seq uint32) netcode.Snapshot {
		ack, ackMS, pos := auth.Own()
		x, y := pos.XY()
		return netcode.Snapshot{Tick: seq, Ack: ack, AckMS: ackMS, You: pos, Players: []netcode.Player{{ID: 1, X: x, Y: y}}}
	}
	me.Reconcile(&netcode.Snapshot{You: auth.Pos})
	r.start, _ = me.Shown()

	type arrival struct {
		at  time.Duration
		do  func()
		key int // orders arrivals at the same time: ticks, then messages
	}
	var queue []arrival
	at := func(t time.Duration, key int, do func()) { queue = append(queue, arrival{t, do, key}) }
	for t := time.Duration(0); t <= end; t += tick {
		at(t, 0, func() {
			auth.Apply(int(tick / time.Millisecond))
			x, _ := auth.Pos.XY()
			r.server = append(r.server, point{t, x})
			s := snap(uint32(t / tick))
			r.snapshots = append(r.snapshots, message{t, t + you, strconv.Itoa(int(s.Ack))})
			r.others = append(r.others, message{t, t + other, ""})
			at(t+you, 1, func() { me.Reconcile(&s) })
			at(t+other, 1, func() { watcher.Add(s, time.Unix(0, 0).Add(t+other)) })
		})
	}
	nextSend := time.Duration(0)
	for f := time.Duration(0); f <= end; f += frame {
		at(f, 2, func() {
			in := netcode.Input{}
			if f >= keyDown && f < keyUp {
				in.DX = netcode.MaxAxis
			}
			me.Input(in, frame)
			if f >= nextSend {
				nextSend += tick
				if in := me.Unsent(nil); len(in.Commands) > 0 {
					me.Sent(len(in.Commands))
					r.inputs = append(r.inputs, message{f, f + you, strconv.Itoa(int(in.Seq))})
					at(f+you, 1, func() { auth.Add(in) })
				}
			}
			x, _ := me.Shown()
			r.shown = append(r.shown, point{f, x})
			watcher.Advance(time.Unix(0, 0).Add(f))
			if ps := watcher.Players(nil, 0); len(ps) == 1 {
				r.seen = append(r.seen, point{f, ps[0].X})
			}
		})
	}
	// Play the arrivals in time order; new ones join as they are made.
	for len(queue) > 0 {
		i := 0
		for j, a := range queue {
			if a.at < queue[i].at || a.at == queue[i].at && a.key < queue[i].key {
				i = j
			}
		}
		a := queue[i]
		queue = append(queue[:i], queue[i+1:]...)
		a.do()
	}
	return r
}
