package work

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	websocket "github.com/hybridws/websocket"
)

// The compression workloads (issue 14) send a game state: a JSON text
// message of about 1 KiB, each much like the one before (positions move a
// little, a state flips now and then), as a game server sends many times a
// second. They run against the bench server's /deflate endpoint, which
// accepts permessage-deflate when a client offers it and counts the bytes
// that cross its socket.
//
//	json       sequential round trips of a game state (text), for Dur;
//	           the run also reports the bytes on the wire per message
//	           each way (the rows wire-up and wire-down)
//	idle-json  memory per idle connection after one game-state round trip
//	           (so any compression state exists), at Conns/2 connections
//	idle-json1 the same with one connection

// JSONStates is how many distinct game states the workloads cycle through.
const JSONStates = 600

// WireQuery, sent as a text message to /deflate, is answered with the
// bytes the server's socket read and wrote since the upgrade, as JSON
// Wire.
const WireQuery = "#wire"

// Wire is /deflate's answer to WireQuery. In: client to server.
type Wire struct {
	In  int64 `json:"in"`
	Out int64 `json:"out"`
}

var states = func() [][]byte {
	s := make([][]byte, JSONStates)
	for i := range s {
		s[i] = GameState(i)
	}
	return s
}()

// GameState returns the game state of tick t: ten players with a position,
// a velocity, health, a score and a state, about 1 KiB of JSON.
func GameState(t int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `{"type":"state","tick":%d,"players":[`, t)
	for i := range 10 {
		if i > 0 {
			b.WriteByte(',')
		}
		f := float64(t)/30 + float64(i)
		fmt.Fprintf(&b, `{"id":%d,"name":"player%d","x":%.1f,"y":%.1f,"vx":%.2f,"vy":%.2f,"hp":%d,"score":%d,"state":"%s"}`,
			i+1, i+1, 400+300*math.Sin(f), 300+200*math.Cos(f), 3*math.Cos(f), -2*math.Sin(f),
			100-(t/7+i*3)%100, t/5+i*17, []string{"run", "idle", "jump", "shoot"}[(t/20+i)%4])
	}
	b.WriteString(`]}`)
	return []byte(b.String())
}

func jsonState(seq int64) []byte { return states[seq%JSONStates] }

func checkState(typ int, echo []byte, seq int64) error {
	if typ != 1 {
		return fmt.Errorf("echo of state %d has type %d, want text", seq, typ)
	}
	if !bytes.Equal(echo, jsonState(seq)) {
		return fmt.Errorf("echo of state %d differs (%d bytes, want %d)", seq, len(echo), len(jsonState(seq)))
	}
	return nil
}

// perMessage turns the server's byte counts into bytes per message each
// way (frame headers included; the WireQuery message itself is noise).
func perMessage(w Wire, n int64) (up, down float64) {
	return float64(w.In) / float64(n), float64(w.Out) / float64(n)
}

func parseWire(p []byte) (Wire, error) {
	var w Wire
	if err := json.Unmarshal(p, &w); err != nil {
		return w, fmt.Errorf("answer to %s: %q: %v", WireQuery, p, err)
	}
	return w, nil
}

// JSON runs the json workload on a blocking peer library.
func JSON(dial Dial, cfg Config) (int64, time.Duration, Wire, error) {
	return wireTrips(dial, cfg, func(seq int64) (int, []byte) { return 1, jsonState(seq) }, 16)
}

// wireTrips runs sequential round trips of the messages msg returns, each
// echo checked, for cfg.Dur (the clock read every `every` echoes), then
// asks /deflate for the bytes that crossed its socket.
func wireTrips(dial Dial, cfg Config, msg func(seq int64) (int, []byte), every int64) (int64, time.Duration, Wire, error) {
	c, err := dial(cfg.URL)
	if err != nil {
		return 0, 0, Wire{}, err
	}
	defer c.Close()
	start := time.Now()
	var seq int64
	for ; seq%every != 0 || time.Since(start) < cfg.Dur; seq++ {
		typ, p := msg(seq)
		if err := c.Write(typ, p); err != nil {
			return 0, 0, Wire{}, err
		}
		etyp, e, err := c.Read()
		if err != nil {
			return 0, 0, Wire{}, err
		}
		if err := checkEcho(typ, p, etyp, e, seq); err != nil {
			return 0, 0, Wire{}, err
		}
	}
	el := time.Since(start)
	if err := c.Write(1, []byte(WireQuery)); err != nil {
		return 0, 0, Wire{}, err
	}
	_, p, err := c.Read()
	if err != nil {
		return 0, 0, Wire{}, err
	}
	w, err := parseWire(p)
	return seq, el, w, err
}

func checkEcho(typ int, p []byte, etyp int, e []byte, seq int64) error {
	if etyp != typ || !bytes.Equal(e, p) {
		return fmt.Errorf("echo of message %d differs (type %d, %d bytes; want type %d, %d bytes)", seq, etyp, len(e), typ, len(p))
	}
	return nil
}

// jsonConns is how many connections idle-json and idle-json1 open.
func jsonConns(work string, cfg Config) int {
	if work == "idle-json1" {
		return 1
	}
	return max(1, cfg.Conns/2)
}

// IdleJSON runs the idle-json workloads on a blocking peer library.
func IdleJSON(dial Dial, cfg Config, n int) (*IdleCost, error) {
	cfg.Conns = n
	before := memNow()
	conns, err := dialAll(dial, cfg)
	if err != nil {
		return nil, err
	}
	for i, c := range conns {
		if err := c.Write(1, jsonState(int64(i))); err != nil {
			return nil, err
		}
		typ, e, err := c.Read()
		if err != nil {
			return nil, err
		}
		if err := checkState(typ, e, int64(i)); err != nil {
			return nil, err
		}
	}
	return idleCost(conns, before, cfg), nil
}

// JSON runs the json workload on this library: everything in the callback.
func (h *Hyb) JSON() (int64, time.Duration, Wire, error) {
	return h.wireTrips(func(seq int64) (int, []byte) { return 1, jsonState(seq) }, 16)
}

// wireTrips is the blocking peers' wireTrips on this library: everything
// in the callback.
func (h *Hyb) wireTrips(msg func(seq int64) (int, []byte), every int64) (int64, time.Duration, Wire, error) {
	c, setHandler, err := h.open1()
	if err != nil {
		return 0, 0, Wire{}, err
	}
	defer websocket.Disconnect(c)
	done := make(chan struct{})
	var seq, n int64
	var start time.Time
	var el time.Duration
	var w Wire
	send := func(typ int, p []byte) {
		if err := websocket.Send(c, p, &websocket.SendOptions{Type: websocket.DataType(typ)}); err != nil {
			h.fe.set(err)
		}
	}
	setHandler(func(c *websocket.Connection, d *websocket.Data) {
		if n > 0 { // the answer to WireQuery
			var err error
			if w, err = parseWire(d.Message); err != nil {
				h.fe.set(err)
				return
			}
			close(done)
			return
		}
		typ, p := msg(seq)
		if err := checkEcho(typ, p, int(d.Type), d.Message, seq); err != nil {
			h.fe.set(err)
			return
		}
		seq++
		if seq%every == 0 && time.Since(start) >= h.cfg.Dur {
			el, n = time.Since(start), seq
			send(1, []byte(WireQuery))
			return
		}
		send(msg(seq))
	})
	start = time.Now()
	send(msg(0))
	if err := h.wait(done); err != nil {
		return 0, 0, Wire{}, err
	}
	return n, el, w, nil
}

// IdleJSON runs the idle-json workloads on this library.
func (h *Hyb) IdleJSON(n int) (*IdleCost, error) {
	h.cfg.Conns = n
	before := memNow()
	var echoed atomic.Int64
	all := make(chan struct{})
	conns, err := h.openAll(func(i int, c *websocket.Connection, d *websocket.Data) {
		if err := checkState(int(d.Type), d.Message, int64(i)); err != nil {
			h.fe.set(err)
			return
		}
		if echoed.Add(1) == int64(h.cfg.Conns) {
			close(all)
		}
	})
	if err != nil {
		return nil, err
	}
	for i, c := range conns {
		if err := websocket.Send(c, jsonState(int64(i)), text); err != nil {
			return nil, err
		}
	}
	if err := h.wait(all); err != nil {
		return nil, err
	}
	time.Sleep(200 * time.Millisecond)
	cost := idleSince(before, len(conns))
	heapProfile(h.cfg.MemProfile)
	runtime.KeepAlive(conns)
	return cost, nil
}
