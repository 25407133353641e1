package websocket

import "sync"

const (
	// eventOverhead is what one queued event costs besides its payload.
	eventOverhead = 64
	// maxPending is how much of one connection's events may wait in a
	// Queue before the connection stops reading from the socket.
	maxPending = 4 << 20
)

// Queue holds the events of the connections that name it in
// Params.Queue until Dispatch runs them. It lets a game run every callback
// on its own loop, at a point of its choosing. The zero Queue is ready to
// use; one Queue may serve many connections.
//
// Events are never dropped. Natively, a connection whose undispatched
// events pass 4 MiB stops reading from its socket until Dispatch runs
// them, so a fast server cannot make the queue grow without end.
type Queue struct {
	mu       sync.Mutex
	events   []queued
	dispatch sync.Mutex // serializes Dispatch
}

type queued struct {
	c    *Connection
	d    *Data
	cost int64
}

// NewQueue returns an empty Queue.
func NewQueue() *Queue { return &Queue{} }

func (q *Queue) push(c *Connection, d *Data, cost int64) {
	q.mu.Lock()
	q.events = append(q.events, queued{c, d, cost})
	q.mu.Unlock()
}

// Dispatch runs every callback that was pending when it was called, on the
// caller's goroutine, in the order the events happened, and returns how
// many it ran. It never waits for the network. Events that arrive while it
// runs wait for the next call. Dispatch is safe to call from several
// goroutines; the calls are serialized, so a callback must not call
// Dispatch itself (it would wait for its own call to end). If a callback
// panics, the panic goes on up and the events after it stay queued for the
// next call.
func (q *Queue) Dispatch() int {
	q.dispatch.Lock()
	defer q.dispatch.Unlock()
	q.mu.Lock()
	evs := q.events
	q.events = nil
	q.mu.Unlock()
	done := 0
	defer func() {
		if done < len(evs) { // a callback panicked: keep the rest for the next call
			q.mu.Lock()
			q.events = append(evs[done+1:len(evs):len(evs)], q.events...)
			q.mu.Unlock()
			evs[done].c.dispatched(evs[done].cost)
		}
	}()
	for ; done < len(evs); done++ {
		e := evs[done]
		e.c.invoke(e.d)
		e.c.dispatched(e.cost)
	}
	return len(evs)
}
