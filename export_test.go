package websocket

// Internals that the tests in package websocket_test check.

// MaxPending is the cost of undispatched events past which a connection stops reading.
const MaxPending = maxPending

// EventOverhead is what one queued event costs besides its payload.
const EventOverhead = eventOverhead

// QueueLen returns how many events wait in q and their total cost.
func QueueLen(q *Queue) (n int, cost int64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, e := range q.events {
		cost += e.cost
	}
	return len(q.events), cost
}

// SendQueued returns the bytes (with overhead) waiting in c's send queue.
func SendQueued(c *Connection) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.outBytes
}

// LiveTimers returns how many of this package's timers are armed right now.
func LiveTimers() int { return int(liveTimers.Load()) }
