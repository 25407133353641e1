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

// speed is how far a player at full input moves in a second, in world units.
const speed = 160

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
	tick    uint32
	players []netcode.Player // reused by every tick
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
	c.x = netcode.PlayerRadius + rand.Float32()*(netcode.WorldWidth-2*netcode.PlayerRadius)
	c.y = netcode.PlayerRadius + rand.Float32()*(netcode.WorldHeight-2*netcode.PlayerRadius)
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

// setInput records c's latest input; the next tick applies it.
func (rm *room) setInput(c *client, in netcode.Input) {
	rm.mu.Lock()
	c.dx, c.dy = in.DX, in.DY
	rm.mu.Unlock()
}

func (rm *room) run() {
	t := time.NewTicker(time.Second / time.Duration(rm.s.cfg.TickRate))
	defer t.Stop()
	for {
		select {
		case <-rm.stop:
			return
		case <-t.C:
			rm.step()
		}
	}
}

// step moves every player by its input, then sends everyone the same
// snapshot without waiting: a client whose writer is SendBuffer messages
// behind is dropped, so one slow client never slows the room.
func (rm *room) step() {
	start := time.Now()
	dt := float32(1) / float32(rm.s.cfg.TickRate)
	var slow []*client
	rm.mu.Lock()
	rm.tick++
	rm.players = rm.players[:0]
	for _, c := range rm.order {
		c.x = clamp(c.x+float32(c.dx)/netcode.MaxAxis*speed*dt, netcode.PlayerRadius, netcode.WorldWidth-netcode.PlayerRadius)
		c.y = clamp(c.y+float32(c.dy)/netcode.MaxAxis*speed*dt, netcode.PlayerRadius, netcode.WorldHeight-netcode.PlayerRadius)
		rm.players = append(rm.players, netcode.Player{ID: c.id, X: c.x, Y: c.y, Color: c.color})
	}
	msg := netcode.AppendSnapshot(make([]byte, 0, 7+7*len(rm.players)), netcode.Snapshot{Tick: rm.tick, Players: rm.players})
	for _, c := range rm.order {
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

func clamp(v, lo, hi float32) float32 { return min(max(v, lo), hi) }
