package websocket_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// A nil Queue holds nothing; the zero Queue is ready to use, and Ready
// returns the same channel every time.
func TestQueueZeroAndNil(t *testing.T) {
	var nilQ *websocket.Queue
	if nilQ.Ready() != nil {
		t.Error("nil Queue: Ready() is not nil")
	}
	if n := nilQ.Dispatch(); n != 0 {
		t.Errorf("nil Queue: Dispatch() = %d", n)
	}
	var q websocket.Queue
	ready := q.Ready()
	if ready == nil || q.Ready() != ready {
		t.Fatal("zero Queue: Ready() is nil or not the same channel each time")
	}
	select {
	case <-ready:
		t.Fatal("an empty Queue is ready")
	default:
	}
	r := newRecorder(t)
	r.connect(wsURL("/send?n=3&then=close"), &websocket.Params{Queue: &q})
	// Wait only on Ready, as a loop without frame pacing does.
	deadline := time.After(20 * time.Second)
	for done := false; !done; {
		select {
		case <-ready:
			q.Dispatch()
		case <-deadline:
			t.Fatalf("Ready never said events wait; %d queued", queueLen(&q))
		}
		r.mu.Lock()
		done = find(r.events, websocket.EventDisconnected) != nil
		r.mu.Unlock()
	}
	checkSeq(t, r.waitDone(), "CONNECTED MESSAGE MESSAGE MESSAGE DISCONNECTED")
}

func queueLen(q *websocket.Queue) int { n, _ := websocket.QueueLen(q); return n }

// No lost wake-up: many connections stream into one Queue while the only
// loop waits on Ready and nothing else. Whenever the loop finds no token,
// no event may be waiting (the check is exact: this loop is the only one
// that takes tokens and dispatches, so events that wait while no token
// does would be a lost wake-up). The timeout only decides when to look.
func TestQueueReadyNeverLosesWakeUp(t *testing.T) {
	const conns, n = 20, 200
	q := websocket.NewQueue()
	recs := make([]*recorder, conns)
	for i := range recs {
		recs[i] = newRecorder(t)
		recs[i].connect(wsURL("/send?n=200&size=100&then=close"), &websocket.Params{Queue: q})
	}
	ended := func() int {
		k := 0
		for _, r := range recs {
			r.mu.Lock()
			if find(r.events, websocket.EventDisconnected) != nil {
				k++
			}
			r.mu.Unlock()
		}
		return k
	}
	deadline := time.Now().Add(60 * time.Second)
	looks, dispatched := 0, 0
	for ended() < conns {
		if time.Now().After(deadline) {
			t.Fatalf("after 60s only %d of %d connections ended", ended(), conns)
		}
		select {
		case <-q.Ready():
			dispatched += q.Dispatch()
		case <-time.After(time.Millisecond):
			looks++
			if queueLen(q) > 0 {
				select {
				case <-q.Ready():
					dispatched += q.Dispatch()
				default:
					t.Fatalf("%d events wait and Ready holds no token", queueLen(q))
				}
			}
		}
	}
	if want := conns * (n + 2); dispatched != want {
		t.Errorf("dispatched %d events, want %d", dispatched, want)
	}
	for _, r := range recs {
		if ms := messages(r.waitDone()); len(ms) != n {
			t.Errorf("%d messages, want %d", len(ms), n)
		}
	}
	t.Logf("%d events dispatched; %d looks without a token", dispatched, looks)
}

// Dispatch called from inside a callback it runs returns 0 at once (it
// used to deadlock), and the outer Dispatch goes on.
func TestDispatchInsideCallback(t *testing.T) {
	q := websocket.NewQueue()
	r := newRecorder(t)
	var inner []int
	r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
		inner = append(inner, q.Dispatch())
	}
	r.connect(wsURL("/send?n=2&then=close"), &websocket.Params{Queue: q})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			<-q.Ready()
			q.Dispatch()
			r.mu.Lock()
			end := find(r.events, websocket.EventDisconnected) != nil
			r.mu.Unlock()
			if end {
				return
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("deadlock: a Dispatch inside a callback never returned")
	}
	checkSeq(t, r.waitDone(), "CONNECTED MESSAGE MESSAGE DISCONNECTED")
	for i, n := range inner {
		if n != 0 {
			t.Errorf("Dispatch inside callback %d returned %d, want 0", i, n)
		}
	}
}

// A Dispatch from another goroutine while one runs (its callback is
// blocked) returns 0 at once instead of waiting; the running one, or a
// later call, runs everything, once.
func TestDispatchWhileAnotherRuns(t *testing.T) {
	q := websocket.NewQueue()
	r := newRecorder(t)
	inCallback, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
		once.Do(func() {
			close(inCallback)
			<-release
		})
	}
	r.connect(wsURL("/send?n=5&then=close"), &websocket.Params{Queue: q})
	var total atomic.Int64
	first := make(chan struct{})
	go func() {
		defer close(first)
		<-q.Ready()
		total.Add(int64(q.Dispatch()))
	}()
	<-inCallback
	second := make(chan int)
	go func() { second <- q.Dispatch() }()
	select {
	case n := <-second:
		if n != 0 {
			t.Errorf("a concurrent Dispatch returned %d, want 0", n)
		}
	case <-time.After(10 * time.Second):
		close(release)
		t.Fatal("a Dispatch waited for the one that runs")
	}
	close(release)
	<-first
	r.waitFor("every event", func(evs []*websocket.Data) bool {
		select {
		case <-q.Ready():
			total.Add(int64(q.Dispatch()))
		case <-time.After(5 * time.Millisecond):
		}
		return find(evs, websocket.EventDisconnected) != nil
	})
	checkSeq(t, r.waitDone(), "CONNECTED MESSAGE MESSAGE MESSAGE MESSAGE MESSAGE DISCONNECTED")
	if total.Load() != 7 {
		t.Errorf("Dispatch calls ran %d events in all, want 7", total.Load())
	}
}

// After a callback panics, the events after it wait for the next call and
// Ready holds a token for them.
func TestDispatchPanicRearmsReady(t *testing.T) {
	q := websocket.NewQueue()
	var got []websocket.Event // only Dispatch, on this goroutine, appends
	cb := func(c *websocket.Connection, d *websocket.Data) {
		got = append(got, d.Event)
		if len(got) == 1 {
			panic("boom")
		}
	}
	if _, err := websocket.Connect(wsURL("/send?n=1&then=close"), &websocket.Params{Queue: q}, cb); err != nil {
		t.Fatal(err)
	}
	waitQueued(t, q, 3) // CONNECTED, MESSAGE, DISCONNECTED
	<-q.Ready()
	func() {
		defer func() {
			if p := recover(); p != "boom" {
				t.Errorf("recovered %v, want the callback's panic", p)
			}
		}()
		q.Dispatch()
	}()
	select {
	case <-q.Ready():
	default:
		t.Fatalf("after the panic %d events wait and Ready holds no token", queueLen(q))
	}
	if n := q.Dispatch(); n != 2 {
		t.Errorf("Dispatch after the panic ran %d events, want 2", n)
	}
	want := []websocket.Event{websocket.EventConnected, websocket.EventMessage, websocket.EventDisconnected}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("events %v, want %v", got, want)
	}
}
