package websocket

import "time"

// MaxPendingBrowser is the cost of undispatched events past which a
// browser connection fails with ErrQueueFull.
const MaxPendingBrowser = maxPendingBrowser

// QueueFullReason is the close reason sent with ErrQueueFull.
const QueueFullReason = queueFullReason

// QueueLast returns the event last pushed into q, and false if q is empty.
func QueueLast(q *Queue) (Event, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.events) == 0 {
		return 0, false
	}
	return q.events[len(q.events)-1].d.Event, true
}

// SetReconnectStable sets how long a connection must stay open to reset
// Reconnect's count, and returns a func that restores it.
func SetReconnectStable(d time.Duration) func() {
	old := reconnectStable
	reconnectStable = d
	return func() { reconnectStable = old }
}
