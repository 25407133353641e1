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
//	           (so any compression state exists), at Conns/4 connections

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
	c, err := dial(cfg.URL)
	if err != nil {
		return 0, 0, Wire{}, err
	}
	defer c.Close()
	start := time.Now()
	var seq int64
	for ; seq%16 != 0 || time.Since(start) < cfg.Dur; seq++ {
		if err := c.Write(1, jsonState(seq)); err != nil {
			return 0, 0, Wire{}, err
		}
		typ, e, err := c.Read()
		if err != nil {
			return 0, 0, Wire{}, err
		}
		if err := checkState(typ, e, seq); err != nil {
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

// IdleJSON runs the idle-json workload on a blocking peer library.
func IdleJSON(dial Dial, cfg Config) (*IdleCost, error) {
	cfg.Conns = max(1, cfg.Conns/4)
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
		if err := checkState(int(d.Type), d.Message, seq); err != nil {
			h.fe.set(err)
			return
		}
		seq++
		next := jsonState(seq)
		if seq%16 == 0 && time.Since(start) >= h.cfg.Dur {
			el, n = time.Since(start), seq
			next = []byte(WireQuery)
		}
		if err := websocket.Send(c, next, text); err != nil {
			h.fe.set(err)
		}
	})
	start = time.Now()
	if err := websocket.Send(c, jsonState(0), text); err != nil {
		return 0, 0, Wire{}, err
	}
	if err := h.wait(done); err != nil {
		return 0, 0, Wire{}, err
	}
	return n, el, w, nil
}

// IdleJSON runs the idle-json workload on this library.
func (h *Hyb) IdleJSON() (*IdleCost, error) {
	h.cfg.Conns = max(1, h.cfg.Conns/4)
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
