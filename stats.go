package websocket

import (
	"sync/atomic"
	"time"
)

// Stats is a snapshot of one connection, taken by Connection.Stats. The
// counters add up across the reconnects of one Connection.
type Stats struct {
	State       State         // where the connection stands now
	Connects    int           // times it opened (CONNECTED events so far; > 1 after reconnects)
	MessagesIn  int64         // messages received from the network (dispatched or not)
	BytesIn     int64         // their payload bytes
	MessagesOut int64         // messages Send accepted
	BytesOut    int64         // their payload bytes
	SendQueued  int64         // payload bytes Send accepted that the network has not taken yet
	RTT         time.Duration // natively: the last keepalive ping's round trip (Params.KeepAlive); 0 if none yet, and always 0 in browsers
}

// counters are what Stats adds up; each is written by one goroutine at a
// time (the reader, Send under the connection's lock) and read by anyone.
type counters struct {
	connects    atomic.Int64
	messagesIn  atomic.Int64
	bytesIn     atomic.Int64
	messagesOut atomic.Int64
	bytesOut    atomic.Int64
}

// Stats returns a snapshot of the connection: its State, what went in and
// out, what waits to be sent, and the round trip of the last keepalive
// ping. It is safe from any goroutine and inside callbacks, never blocks
// on the network and allocates nothing, so a game can call it every frame
// for its HUD. A nil *Connection gives the zero Stats.
//
// RTT comes from the keepalive pings (Params.KeepAlive), natively: it is 0
// until the first ping of the current connection is answered, and always
// 0 in a browser, which never lets a page see control frames. A game
// that wants a ping in a browser measures it itself: it sends a message
// with the time it was sent (a counter or performance.now), the server
// echoes it, and the game takes the difference when the echo arrives;
// the same code then works natively too.
func (c *Connection) Stats() Stats {
	if c == nil {
		return Stats{}
	}
	c.mu.Lock()
	state, t := c.state, c.t
	c.mu.Unlock()
	s := Stats{
		State:       state,
		Connects:    int(c.stats.connects.Load()),
		MessagesIn:  c.stats.messagesIn.Load(),
		BytesIn:     c.stats.bytesIn.Load(),
		MessagesOut: c.stats.messagesOut.Load(),
		BytesOut:    c.stats.bytesOut.Load(),
	}
	if t != nil {
		s.SendQueued = t.Queued()
		if p, ok := t.(pinger); ok {
			s.RTT, _ = p.Pings()
		}
	}
	return s
}
