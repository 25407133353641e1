package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/hybridws/websocket/examples/netcode"
)

// paletteSize is how many colours the game draws players in.
const paletteSize = 12

// room is one arena: its players and its tick.
type room struct {
	s    *Server
	name string
	stop chan struct{}
	once sync.Once

	mu      sync.Mutex
	order   []*client // sorted by id
	nextID  uint16
	started time.Time        // tick n is due at started + n periods
	tick    uint32           // the last tick run
	players []netcode.Player // reused by every tick
	shared  []byte           // the tick's snapshot, before each client's part
}

func newRoom(s *Server, name string) *room {
	return &room{s: s, name: name, stop: make(chan struct{}), nextID: 1}
}

// add gives c an id, a colour and a place, and queues its welcome. It
// reports false when the room is full.
func (rm *room) add(c *client) bool {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if len(rm.order) >= rm.s.cfg.RoomSize {
		return false
	}
	for rm.taken(rm.nextID) {
		rm.nextID++
	}
	c.id = rm.nextID
	rm.nextID++
	if rm.nextID == 0 {
		rm.nextID = 1
	}
	c.room = rm.name
	c.color = uint8(c.id % paletteSize)
	c.auth.Pos = netcode.PosOf(
		netcode.PlayerRadius+rand.Float64()*(netcode.WorldWidth-2*netcode.PlayerRadius),
		netcode.PlayerRadius+rand.Float64()*(netcode.WorldHeight-2*netcode.PlayerRadius))
	i, _ := slices.BinarySearchFunc(rm.order, c.id, byID)
	rm.order = slices.Insert(rm.order, i, c)
	c.out <- netcode.AppendWelcome(nil, netcode.Welcome{
		ID: c.id, TickRate: uint8(rm.s.cfg.TickRate), W: netcode.WorldWidth, H: netcode.WorldHeight,
	})
	return true
}

func byID(c *client, id uint16) int { return int(c.id) - int(id) }

func (rm *room) taken(id uint16) bool {
	if id == 0 {
		return true
	}
	_, ok := slices.BinarySearchFunc(rm.order, id, byID)
	return ok
}

// remove takes c out and returns how many players are left.
func (rm *room) remove(c *client) int {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	if i, ok := slices.BinarySearchFunc(rm.order, c.id, byID); ok && rm.order[i] == c {
		rm.order = slices.Delete(rm.order, i, i+1)
	}
	return len(rm.order)
}

func (rm *room) count() int {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	return len(rm.order)
}

func (rm *room) clients() []*client {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	return slices.Clone(rm.order)
}

func (rm *room) close() { rm.once.Do(func() { close(rm.stop) }) }

// addInputs queues c's commands for the ticks to apply.
func (rm *room) addInputs(c *client, in netcode.Inputs) error {
	rm.mu.Lock()
	defer rm.mu.Unlock()
	return c.auth.Add(in)
}

func (rm *room) run() {
	period := time.Second / time.Duration(rm.s.cfg.TickRate)
	t := time.NewTicker(period)
	defer t.Stop()
	rm.started = time.Now()
	for {
		select {
		case <-rm.stop:
			return
		case now := <-t.C:
			rm.step(now, period)
		}
	}
}

// step runs the ticks due by now: it moves every player through that much
// time of its commands, then sends everyone the snapshot without waiting.
// A client whose writer is SendBuffer messages behind is dropped, so one
// slow client never slows the room.
//
// Each tick gives every player a tick's time of its commands
// (netcode.Authority). A tick that comes late (the ticker drops the ticks
// a busy server misses) is numbered as the one due then and moves everyone
// as far as all the ticks it stands for: each snapshot shows where players
// were at its tick's time, and the players' commands, which their games
// have shown already, do not pile up. A client whose commands wait more than
// two ticks' worth gets an eighth more time a tick until it is back under,
// so its wait does not stay long after a burst.
func (rm *room) step(now time.Time, period time.Duration) {
	start := time.Now()
	var slow []*client
	rm.mu.Lock()
	due := uint32(now.Sub(rm.started) / period)
	n := max(int(due)-int(rm.tick), 1)
	rm.tick += uint32(n)
	ms := n * int(period/time.Millisecond)
	rm.players = rm.players[:0]
	for _, c := range rm.order {
		give := ms
		if c.auth.Queued() > 2*period {
			give += ms / 8
		}
		c.auth.Apply(give)
		x, y := c.auth.Pos.XY()
		rm.players = append(rm.players, netcode.Player{ID: c.id, X: x, Y: y, Color: c.color})
	}
	rm.shared = netcode.AppendSnapshot(rm.shared[:0], netcode.Snapshot{Tick: rm.tick, Players: rm.players})
	for _, c := range rm.order {
		msg := append(make([]byte, 0, len(rm.shared)), rm.shared...)
		ack, ackMS, you := c.auth.Own()
		netcode.SetSnapshotOwn(msg, ack, ackMS, you)
		if !c.enqueue(msg) {
			slow = append(slow, c)
		}
	}
	rm.mu.Unlock()
	for _, c := range slow {
		c.kick(websocket.StatusTryAgainLater, fmt.Sprintf("too slow: %d messages waiting", cap(c.out)))
	}
	rm.s.recordTick(time.Since(start))
}
