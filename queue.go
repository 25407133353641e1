package websocket

import (
	"sync"
	"time"
)

const (
	// eventOverhead is what one queued event costs besides its payload.
	eventOverhead = 64
	// maxPending is how much of one connection's events may wait in a
	// Queue before a native connection stops reading from its socket
	// (TCP then pushes back on the server).
	maxPending = 4 << 20
	// maxPendingBrowser is the same bound in a browser, where a socket
	// cannot stop reading: past it the connection fails. It is larger
	// than maxPending because failing costs more than pausing: a game
	// that stalls for a few seconds (loading a level) while a server
	// streams should not lose its connection; a hidden tab that stopped
	// dispatching for minutes should, before the page's memory runs out.
	maxPendingBrowser = 16 << 20
	// spareMax: Dispatch keeps its emptied slice for the next frame when
	// it held at most this many events (a frame's worth for many
	// connections), so a steady game loop allocates none; a larger one,
	// from a burst, is let go.
	spareMax = 1024
)

// Queue holds the events of the connections that name it in
// Params.Queue until Dispatch runs them. It lets a game run every callback
// on its own loop, at a point of its choosing. The zero Queue is ready to
// use; one Queue may serve many connections. A nil *Queue holds nothing:
// its Dispatch returns 0 and its Ready channel never receives.
//
// Events are never dropped. Natively, a connection whose undispatched
// events pass 4 MiB stops reading from its socket until Dispatch runs
// them, so a fast server cannot make the queue grow without end. In a
// browser a socket cannot stop reading: a connection whose undispatched
// events pass 16 MiB (a hidden tab whose game loop stopped, say) fails
// with an ERROR (ErrQueueFull) that says how much waited and for how long
// since the last Dispatch, then DISCONNECTED.
type Queue struct {
	mu       sync.Mutex
	events   []queued
	spare    []queued      // the slice the last Dispatch ran, emptied, for the next push
	ready    chan struct{} // cap 1; made on first use so that the zero Queue works
	last     time.Time     // when the last Dispatch ran events (kept in browsers only, for ErrQueueFull's text)
	dispatch sync.Mutex    // held while Dispatch runs callbacks
}

type queued struct {
	c    *Connection
	d    *Data
	cost int64
}

// NewQueue returns an empty Queue.
func NewQueue() *Queue { return &Queue{} }

// Ready returns a channel that holds a value whenever events wait in q, so
// that a loop without frame pacing can wait for them in a select, together
// with its own channels and tickers, instead of polling Dispatch:
//
//	for {
//		select {
//		case <-q.Ready():
//			q.Dispatch()
//		case <-ticker.C:
//			update()
//		}
//	}
//
// The channel holds one token per wake-up: a push into an empty channel
// leaves one there, and Dispatch leaves one again when events remain after
// it (ones that arrived while it ran). A receive may find nothing left to
// dispatch (Dispatch then returns 0); a loop that waits only on Ready never
// sleeps while events wait. Ready returns the same channel every time; for
// a nil Queue it returns nil, which never receives.
func (q *Queue) Ready() <-chan struct{} {
	if q == nil {
		return nil
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.readyLocked()
}

func (q *Queue) readyLocked() chan struct{} {
	if q.ready == nil {
		q.ready = make(chan struct{}, 1)
		if len(q.events) > 0 {
			q.ready <- struct{}{}
		}
	}
	return q.ready
}

// signal leaves a token in the ready channel if none is there. q.mu is held.
func (q *Queue) signal() {
	select {
	case q.readyLocked() <- struct{}{}:
	default:
	}
}

func (q *Queue) push(c *Connection, d *Data, cost int64) {
	q.mu.Lock()
	if q.events == nil && q.spare != nil {
		q.events, q.spare = q.spare, nil
	}
	q.events = append(q.events, queued{c, d, cost})
	ready := q.readyLocked()
	q.mu.Unlock()
	// The token goes in once the lock is free: the loop it wakes takes the
	// lock at once. A Dispatch in between may have run the event already;
	// the loop then finds nothing, which Ready allows.
	select {
	case ready <- struct{}{}:
	default:
	}
}

// Len returns how many events wait in q for Dispatch; 0 for a nil Queue.
// Like Stats, it is cheap enough to call every frame.
func (q *Queue) Len() int {
	if q == nil {
		return 0
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.events)
}

// count returns how many of c's events wait in q.
func (q *Queue) count(c *Connection) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, e := range q.events {
		if e.c == c {
			n++
		}
	}
	return n
}

// sinceDispatch returns how long ago Dispatch last ran events, or since
// start if it never has.
func (q *Queue) sinceDispatch(start time.Time) time.Duration {
	q.mu.Lock()
	last := q.last
	q.mu.Unlock()
	if last.Before(start) {
		last = start
	}
	return time.Since(last)
}

// Dispatch runs every callback that was pending when it was called, on the
// caller's goroutine, in the order the events happened, and returns how
// many it ran. It never blocks: not on the network, and not on another
// Dispatch. A call made while another Dispatch of the same Queue runs
// (from another goroutine, or from inside a callback that Dispatch runs)
// returns 0 at once and runs nothing; the running one, or the next call,
// runs those events. Events that arrive while it runs wait for the next
// call (Ready then holds a token). If a callback panics, the panic goes on
// up and the events after it stay queued for the next call.
func (q *Queue) Dispatch() int {
	if q == nil || !q.dispatch.TryLock() {
		return 0
	}
	q.mu.Lock()
	evs := q.events
	q.events = nil
	if len(evs) > 0 && inBrowser {
		q.last = time.Now() // for the error of a browser connection whose Queue is full
	}
	q.mu.Unlock()
	done := 0
	defer func() {
		if done < len(evs) { // a callback panicked: keep the rest for the next call
			q.mu.Lock()
			q.events = append(evs[done+1:len(evs):len(evs)], q.events...)
			q.mu.Unlock()
			evs[done].c.dispatched(evs[done].cost)
		} else {
			// Keep the emptied slice for the next push (no allocation
			// per frame), holding no reference to connections or their
			// data.
			clear(evs)
			q.mu.Lock()
			if cap(evs) <= spareMax {
				q.spare = evs[:0]
			}
			q.mu.Unlock()
		}
		// Let other calls in before the last look for events that wait: a
		// call that found this one running returned 0, having perhaps
		// taken their Ready token, so the look must come after it.
		q.dispatch.Unlock()
		q.mu.Lock()
		if len(q.events) > 0 {
			q.signal()
		}
		q.mu.Unlock()
	}()
	for ; done < len(evs); done++ {
		e := evs[done]
		e.c.invoke(e.d)
		e.c.dispatched(e.cost)
	}
	return len(evs)
}
