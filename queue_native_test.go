//go:build !js

package websocket_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// The Queue's bound counts each event's overhead, not only its bytes: a
// flood of tiny messages (their number, a few bytes each) that nobody
// dispatches still pauses the reader (70,000 events of 64 bytes' overhead
// pass the 4 MiB bound), and every message arrives, in order, once
// dispatched.
func TestQueueBoundTinyMessages(t *testing.T) {
	t.Parallel()
	const n = 70000
	q := websocket.NewQueue()
	r := newRecorder(t)
	c := r.connect(wsURL("/send?n="+strconv.Itoa(n)+"&size=0&then=wait"), &websocket.Params{Queue: q})
	queued, _ := waitQueuePast(t, q, websocket.MaxPending)
	time.Sleep(100 * time.Millisecond)
	if again, _ := websocket.QueueLen(q); again != queued || queued >= n+1 {
		t.Fatalf("%d events queued, then %d, of %d: the reader did not pause at the bound", queued, again, n+1)
	}
	got := 0
	r.onEvent = nil
	for deadline := time.Now().Add(30 * time.Second); got < n; {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d messages after dispatching", got, n)
		}
		if q.Dispatch() == 0 {
			time.Sleep(time.Millisecond)
		}
		r.mu.Lock()
		got = len(r.events) - 1
		r.mu.Unlock()
	}
	evs := r.waitFor("", func([]*websocket.Data) bool { return true })
	for i, d := range messages(evs) {
		if string(d.Message) != string(payload(i, 0)) {
			t.Fatalf("message %d is %q", i, d.Message)
		}
	}
	websocket.Disconnect(c)
	r.waitFor("DISCONNECTED", func(evs []*websocket.Data) bool {
		q.Dispatch()
		return find(evs, websocket.EventDisconnected) != nil
	})
}

// waitQueuePast waits until the events waiting in q cost more than
// bound, and returns how many there are and their cost.
func waitQueuePast(t *testing.T, q *websocket.Queue, bound int64) (int, int64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		n, cost := websocket.QueueLen(q)
		if cost > bound {
			return n, cost
		}
		if time.Now().After(deadline) {
			t.Fatalf("the Queue never passed %d bytes: %d events, %d bytes", bound, n, cost)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
