package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/hybridws/websocket/examples/netcode"
)

// client is one player's connection. Its auth belongs to its room's lock;
// out is what its writer sends, in order.
type client struct {
	s    *Server
	conn *websocket.Conn
	addr string
	out  chan []byte
	done chan struct{}

	room  string
	id    uint16
	color uint8
	auth  netcode.Authority // its position and the commands waiting

	kickOnce sync.Once
	kicked   atomic.Bool
}

// enqueue hands msg to the writer without waiting; false when the writer
// is a whole buffer behind.
func (c *client) enqueue(msg []byte) bool {
	select {
	case c.out <- msg:
		return true
	default:
		return false
	}
}

// kick closes the client with code and reason and logs it, once. The close
// handshake runs on its own goroutine: the caller may be a room's tick.
func (c *client) kick(code websocket.StatusCode, reason string) {
	c.kickOnce.Do(func() {
		c.kicked.Store(true)
		c.s.kicked(code)
		if len(reason) > 123 { // the most a close frame carries
			reason = reason[:120] + "..."
		}
		c.s.log.Printf("arena: %s (player %d, room %q): closing with %d (%v): %s", c.addr, c.id, c.room, int(code), code, reason)
		go c.conn.Close(code, reason)
	})
}

// serve reads the client's messages until the connection ends, then takes
// it out of the room.
func (c *client) serve(rm *room) {
	go c.write()
	defer func() {
		c.s.leave(rm, c)
		close(c.done)
		c.conn.CloseNow()
	}()
	ctx := context.Background()
	window, count := time.Now(), 0
	var cmds []netcode.Command
	for {
		typ, b, err := c.conn.Read(ctx)
		if err != nil {
			c.ended(err)
			return
		}
		c.s.bytesIn.Add(int64(len(b)))
		if c.kicked.Load() {
			continue // closing: read on until the close handshake is done
		}
		if now := time.Now(); now.Sub(window) >= time.Second {
			window, count = now, 0
		}
		if count++; count > c.s.cfg.MaxRate {
			c.kick(websocket.StatusPolicyViolation, fmt.Sprintf("more than %d messages in a second", c.s.cfg.MaxRate))
			continue
		}
		if typ != websocket.MessageBinary {
			c.kick(websocket.StatusUnsupportedData, "text message: the arena protocol is binary")
			continue
		}
		m, err := netcode.ParseClient(b, cmds)
		if err != nil {
			c.kick(websocket.StatusPolicyViolation, err.Error())
			continue
		}
		switch m.Kind {
		case netcode.KindInput:
			cmds = m.Inputs.Commands
			if err := rm.addInputs(c, m.Inputs); err != nil {
				c.kick(websocket.StatusPolicyViolation, err.Error())
			}
		case netcode.KindPing:
			if !c.enqueue(netcode.AppendPong(nil, b)) {
				c.kick(websocket.StatusTryAgainLater, fmt.Sprintf("too slow: %d messages waiting", cap(c.out)))
			}
		}
	}
}

// ended logs why a connection ended, unless the server closed it itself
// (kick logged that).
func (c *client) ended(err error) {
	if c.kicked.Load() {
		return
	}
	switch websocket.CloseStatus(err) {
	case websocket.StatusNormalClosure, websocket.StatusGoingAway:
		c.s.log.Printf("arena: %s (player %d, room %q) left", c.addr, c.id, c.room)
		return
	}
	var ce websocket.CloseError
	if !errors.As(err, &ce) && errors.Is(err, context.Canceled) {
		return
	}
	c.s.log.Printf("arena: %s (player %d, room %q) closed: %v", c.addr, c.id, c.room, err)
}

// write sends what the room and the reader queue, in order, until the
// connection ends. A write that takes more than 5 s ends the connection.
func (c *client) write() {
	for {
		select {
		case <-c.done:
			return
		case msg := <-c.out:
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err := c.conn.Write(ctx, websocket.MessageBinary, msg)
			cancel()
			if err != nil {
				return
			}
			c.s.bytesOut.Add(int64(len(msg)))
		}
	}
}

// drain is for a client that never joined a room: it reads until the
// close handshake that kick started is done.
func (c *client) drain() {
	for {
		if _, _, err := c.conn.Read(context.Background()); err != nil {
			c.conn.CloseNow()
			return
		}
	}
}
