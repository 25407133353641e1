package websocket_test

import (
	"bytes"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// waitQueued waits until q holds at least n events.
func waitQueued(t testing.TB, q *websocket.Queue, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		if q.Len() >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d events queued, want %d", q.Len(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// With a Queue no callback runs before Dispatch; Dispatch runs them on its
// caller's goroutine, in order, and returns how many.
func TestQueueDispatch(t *testing.T) {
	q := websocket.NewQueue()
	if n := q.Dispatch(); n != 0 {
		t.Fatalf("Dispatch on an empty queue returned %d", n)
	}
	r := newRecorder(t)
	var dispatcher atomic.Int64
	r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
		if g := goid(); g != dispatcher.Load() {
			t.Errorf("%v callback on goroutine %d, Dispatch runs on %d", d.Event, g, dispatcher.Load())
		}
	}
	r.connect(wsURL("/send?n=10&type=text&then=close"), &websocket.Params{Queue: q})
	waitQueued(t, q, 12) // CONNECTED, 10 MESSAGE, DISCONNECTED
	time.Sleep(50 * time.Millisecond)
	r.mu.Lock()
	ran := len(r.events)
	r.mu.Unlock()
	if ran != 0 {
		t.Fatalf("%d callbacks ran before Dispatch", ran)
	}
	if n, _ := websocket.QueueLen(q); q.Len() != 12 || n != 12 {
		t.Errorf("Len %d with %d events waiting, want 12", q.Len(), n)
	}
	dispatcher.Store(goid())
	if n := q.Dispatch(); n != 12 {
		t.Errorf("Dispatch returned %d, want 12", n)
	}
	if n := q.Len(); n != 0 {
		t.Errorf("Len %d after Dispatch, want 0", n)
	}
	r.mu.Lock()
	evs := append([]*websocket.Data(nil), r.events...)
	r.mu.Unlock()
	checkSeq(t, evs, "CONNECTED MESSAGE MESSAGE MESSAGE MESSAGE MESSAGE MESSAGE MESSAGE MESSAGE MESSAGE MESSAGE DISCONNECTED")
	for i, d := range messages(evs) {
		if string(d.Message) != itoa(i) {
			t.Errorf("message %d is %q", i, d.Message)
		}
	}
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "done")
	// Nothing is left, and an empty Dispatch returns at once.
	start := time.Now()
	if n := q.Dispatch(); n != 0 {
		t.Errorf("second Dispatch returned %d", n)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("an empty Dispatch took %v", d)
	}
}

// Dispatch never waits for the network: with a connection that is open but
// silent, it returns 0 at once, again and again, from three goroutines at
// the same time. Each call is watched with a deadline, so a Dispatch that
// waits fails here instead of hanging until the suite's timeout.
func TestQueueDispatchNeverWaits(t *testing.T) {
	q := websocket.NewQueue()
	r := newRecorder(t)
	c := r.connect(wsURL("/silent"), &websocket.Params{Queue: q})
	waitQueued(t, q, 1)
	if n := dispatchWithin(t, q); n != 1 {
		t.Fatalf("Dispatch returned %d, want 1 (CONNECTED)", n)
	}
	var wg sync.WaitGroup
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				if n := dispatchWithin(t, q); n != 0 {
					if n > 0 {
						t.Errorf("Dispatch returned %d on a silent connection", n)
					}
					return
				}
			}
		}()
	}
	wg.Wait()
	websocket.Disconnect(c)
	if t.Failed() {
		return
	}
	waitQueued(t, q, 1)
	dispatchWithin(t, q)
	evs := r.waitDone()
	checkSeq(t, evs, "CONNECTED DISCONNECTED")
}

// dispatchWithin calls q.Dispatch and returns what it returned; if the call
// has not returned after 5s, the test fails and dispatchWithin returns -1
// (the call is left behind). Safe from any goroutine.
func dispatchWithin(t testing.TB, q *websocket.Queue) int {
	t.Helper()
	done := make(chan int, 1)
	go func() { done <- q.Dispatch() }()
	select {
	case n := <-done:
		return n
	case <-time.After(5 * time.Second):
		t.Errorf("Dispatch has not returned after 5s: it waits")
		return -1
	}
}

// One Queue, several connections and several goroutines calling Dispatch:
// every event runs once, each connection's in order, never overlapping.
func TestQueueConcurrentDispatch(t *testing.T) {
	const conns, n = 3, 300
	q := websocket.NewQueue()
	recs := make([]*recorder, conns)
	for i := range recs {
		recs[i] = newRecorder(t)
		recs[i].connect(wsURL("/send?n=300&size=20&then=close"), &websocket.Params{Queue: q})
	}
	var total atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				total.Add(int64(q.Dispatch()))
				select {
				case <-stop:
					return
				default:
					time.Sleep(time.Millisecond)
				}
			}
		}()
	}
	for _, r := range recs {
		evs := r.waitDone()
		ms := messages(evs)
		if len(ms) != n {
			t.Errorf("%d messages, want %d", len(ms), n)
		}
		for i, d := range ms {
			if !bytes.Equal(d.Message, payload(i, 20)) {
				t.Fatalf("message %d is %q", i, d.Message)
			}
		}
		checkDisconnected(t, evs, websocket.CloseNormalClosure, "done")
	}
	close(stop)
	wg.Wait()
	total.Add(int64(q.Dispatch()))
	if want := int64(conns * (n + 2)); total.Load() != want {
		t.Errorf("Dispatch calls returned %d in all, want %d", total.Load(), want)
	}
}

// Callbacks may Send and Disconnect from inside Dispatch without deadlock.
func TestQueueCallbacksSendAndDisconnect(t *testing.T) {
	q := websocket.NewQueue()
	r := newRecorder(t)
	r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
		switch d.Event {
		case websocket.EventConnected:
			for i := 0; i < 10; i++ {
				if err := websocket.Send(c, []byte(itoa(i)), text); err != nil {
					t.Errorf("Send: %v", err)
				}
			}
		case websocket.EventMessage:
			if string(d.Message) == "9" {
				websocket.Disconnect(c)
				websocket.Disconnect(c)
			}
		}
	}
	r.connect(wsURL("/echo"), &websocket.Params{Queue: q})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			q.Dispatch()
			r.mu.Lock()
			last := len(r.events) > 0 && r.events[len(r.events)-1].Event == websocket.EventDisconnected
			r.mu.Unlock()
			if last {
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("deadlock: DISCONNECTED never dispatched")
	}
	evs := r.waitDone()
	checkSeq(t, evs, "CONNECTED MESSAGE MESSAGE MESSAGE MESSAGE MESSAGE MESSAGE MESSAGE MESSAGE MESSAGE MESSAGE DISCONNECTED")
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "")
}

// Callbacks of one connection never overlap, whichever goroutines deliver
// them. Every callback is slow (100µs, CONNECTED 20ms), so that an
// overlap, if one can happen, does (the recorder of each connection fails
// the test on one), and the server streams 200 messages of 64 KiB the
// instant the upgrade is done. Without a Queue the goroutine that dialled
// delivers CONNECTED and the reader the messages. With a Queue shared by
// the two connections, two goroutines dispatch it at once: while one runs
// a batch, the other takes the events that came after, of the same
// connections (the reader, paused at the Queue's bound, pushes one as each
// is dispatched). Each connection's messages must come one at a time and
// in order.
func TestCallbacksNeverOverlap(t *testing.T) {
	for _, queued := range []bool{false, true} {
		name := "reader"
		if queued {
			name = "queue, two dispatchers"
		}
		t.Run(name, func(t *testing.T) {
			const conns, n, size = 2, 200, 64 << 10
			var q *websocket.Queue
			if queued {
				q = websocket.NewQueue()
				dispatchLoops(t, q, 2)
			}
			recs := make([]*recorder, conns)
			for i := range recs {
				recs[i] = newRecorder(t)
				recs[i].onEvent = func(_ *websocket.Connection, d *websocket.Data) {
					if d.Event == websocket.EventConnected {
						time.Sleep(20 * time.Millisecond)
					}
					time.Sleep(100 * time.Microsecond)
				}
				recs[i].connect(wsURL("/send?n="+itoa(n)+"&size="+itoa(size)+"&then=close"), &websocket.Params{Queue: q})
			}
			for _, r := range recs {
				evs := r.waitDone()
				checkSeq(t, evs[:1], "CONNECTED")
				ms := messages(evs)
				if len(ms) != n {
					t.Errorf("%d messages, want %d", len(ms), n)
				}
				for i, d := range ms {
					if !bytes.Equal(d.Message, payload(i, size)) {
						t.Fatalf("message %d is %.20q", i, d.Message)
					}
				}
				checkDisconnected(t, evs, websocket.CloseNormalClosure, "done")
			}
		})
	}
}

// Backpressure: a connection whose events are not dispatched stops reading
// once they pass the bound (TCP pushes back on the server); after
// dispatching, everything arrives, in order, nothing lost.
func TestQueueBackpressure(t *testing.T) {
	skipInBrowser(t, "a browser socket cannot stop reading")
	const n, size = 1000, 16 << 10 // 16 MiB from the server, 4 times the bound
	q := websocket.NewQueue()
	r := newRecorder(t)
	c := r.connect(wsURL("/send?n=1000&size=16384&then=wait"), &websocket.Params{Queue: q})
	// Wait until the queue stops growing.
	bound := int64(websocket.MaxPending) + size + websocket.EventOverhead
	var last int64 = -1
	for stable := 0; stable < 30; {
		time.Sleep(10 * time.Millisecond)
		_, cost := websocket.QueueLen(q)
		if cost > bound {
			t.Fatalf("undispatched events cost %d, bound %d", cost, bound)
		}
		if cost == last {
			stable++
		} else {
			stable, last = 0, cost
		}
	}
	queued, cost := websocket.QueueLen(q)
	if queued >= n || cost < websocket.MaxPending/2 {
		t.Fatalf("%d events (%d bytes) queued: the connection did not stop near the bound", queued, cost)
	}
	r.mu.Lock()
	ran := len(r.events)
	r.mu.Unlock()
	if ran != 0 {
		t.Fatalf("%d callbacks ran without Dispatch", ran)
	}
	// Now drain: everything arrives in order.
	deadline := time.Now().Add(30 * time.Second)
	got := 0
	for got < n {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d messages after dispatching", got, n)
		}
		if q.Dispatch() == 0 {
			time.Sleep(time.Millisecond)
		}
		if _, cost := websocket.QueueLen(q); cost > bound {
			t.Fatalf("undispatched events cost %d, bound %d", cost, bound)
		}
		r.mu.Lock()
		got = len(messages(r.events))
		r.mu.Unlock()
	}
	websocket.Disconnect(c)
	evs := r.waitFor("DISCONNECTED", func(evs []*websocket.Data) bool {
		q.Dispatch()
		return find(evs, websocket.EventDisconnected) != nil
	})
	ms := messages(evs)
	if len(ms) != n {
		t.Fatalf("%d messages, want %d", len(ms), n)
	}
	for i, d := range ms {
		if !bytes.Equal(d.Message, payload(i, size)) {
			t.Fatalf("message %d is %.20q", i, d.Message)
		}
	}
	checkSeq(t, evs[:1], "CONNECTED")
	checkDisconnected(t, evs, websocket.CloseNormalClosure, "")
}

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

// No lost wake-up with two loops on one Queue, each waiting on Ready: loop
// A runs a callback (of one connection) that blocks, meanwhile an event
// (of another) arrives, and loop B takes its token; B's Dispatch returns 0
// (A's runs). So when A's callback returns, A's Dispatch must leave a
// token for the event that waits, or both loops sleep with an event in the
// Queue.
func TestQueueReadyTwoLoops(t *testing.T) {
	q := websocket.NewQueue()
	dispatchLoops(t, q, 2)
	blocked, release := make(chan struct{}), make(chan struct{})
	var releaseOnce sync.Once
	unblock := func() { releaseOnce.Do(func() { close(release) }) }
	defer unblock() // before the loops stop
	other := newRecorder(t)
	oc := openConn(t, other, wsURL("/echo"), &websocket.Params{Queue: q})
	r := newRecorder(t)
	r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
		if d.Event == websocket.EventMessage {
			close(blocked)
			<-release
		}
	}
	c := openConn(t, r, wsURL("/echo"), &websocket.Params{Queue: q})
	if err := websocket.Send(c, []byte("a"), text); err != nil {
		t.Fatal(err)
	}
	select {
	case <-blocked:
	case <-time.After(20 * time.Second):
		t.Fatal("the echo never reached its callback")
	}
	if err := websocket.Send(oc, []byte("b"), text); err != nil {
		t.Fatal(err)
	}
	// Wait until the other connection's echo waits and loop B has taken
	// its token: a lost wake-up needs exactly this.
	for deadline := time.Now().Add(20 * time.Second); queueLen(q) == 0 || len(q.Ready()) != 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after 20s: %d events wait, %d tokens", queueLen(q), len(q.Ready()))
		}
	}
	unblock()
	other.waitFor("the echo dispatched", func(evs []*websocket.Data) bool { return len(messages(evs)) == 1 })
	websocket.Disconnect(oc)
	websocket.Disconnect(c)
	checkSeq(t, other.waitDone(), "CONNECTED MESSAGE DISCONNECTED")
	checkSeq(t, r.waitDone(), "CONNECTED MESSAGE DISCONNECTED")
}

// No lost wake-up with two loops on one Queue, the way events come in a
// game: three connections play ping-pong with the echo server (each
// echo's callback sends the next message) through one Queue that two loops
// dispatch, each waiting only on Ready. An event that arrives just as one
// loop's Dispatch ends, while the other loop takes its token and returns 0
// (the first still runs), must still get a token: without one both loops
// sleep with the events queued, and the ping-pong stops. 10,000 round
// trips, each connection's echoes in order (1,000 in a browser, whose one
// thread switches goroutines only where they block, never inside that
// window).
func TestQueueTwoLoopsPingPong(t *testing.T) {
	const conns = 3
	trips := int64(10000)
	if inBrowserTest {
		trips = 1000
	}
	q := websocket.NewQueue()
	dispatchLoops(t, q, 2)
	var total atomic.Int64
	ended := make(chan struct{}, conns)
	cs := make([]*websocket.Connection, conns)
	for i := range cs {
		next := 0 // the echo this connection waits for; its callbacks never overlap
		c, err := websocket.Connect(wsURL("/echo"), &websocket.Params{Queue: q}, func(c *websocket.Connection, d *websocket.Data) {
			switch d.Event {
			case websocket.EventMessage:
				if string(d.Message) != itoa(next) {
					t.Errorf("echo %q, want %d", d.Message, next)
				}
				next++
				if total.Add(1) >= trips {
					return
				}
			case websocket.EventDisconnected:
				ended <- struct{}{}
				return
			case websocket.EventError:
				t.Errorf("ERROR %s", d.Message)
				return
			}
			if err := websocket.Send(c, []byte(itoa(next)), text); err != nil {
				t.Errorf("Send: %v", err)
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		cs[i] = c
	}
	last, since := int64(-1), time.Now()
	for total.Load() < trips {
		if n := total.Load(); n != last {
			last, since = n, time.Now()
		} else if time.Since(since) > 10*time.Second {
			t.Fatalf("no progress for 10s after %d round trips: %d events wait, %d tokens in Ready (a lost wake-up)", n, queueLen(q), len(q.Ready()))
		}
		time.Sleep(10 * time.Millisecond)
	}
	for _, c := range cs {
		websocket.Disconnect(c)
	}
	for range cs {
		select {
		case <-ended:
		case <-time.After(20 * time.Second):
			t.Fatalf("DISCONNECTED not dispatched within 20s: %d events wait, %d tokens in Ready", queueLen(q), len(q.Ready()))
		}
	}
}

// A steady loop costs the Queue no allocation: Dispatch keeps the slice
// it emptied for the next frame's events.
func TestQueueFrameAllocatesNothing(t *testing.T) {
	for _, n := range []int{1, 100, 500} {
		if a := websocket.QueueFrameAllocs(n); a != 0 {
			t.Errorf("a frame of %d events costs the Queue %.1f allocations, want 0", n, a)
		}
	}
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

// A callback that panics inside Dispatch must not drop the events queued
// after it: the panic reaches Dispatch's caller, and the next Dispatch
// runs the rest.
func TestDispatchKeepsEventsAfterPanic(t *testing.T) {
	q := websocket.NewQueue()
	var got []websocket.Event
	panicked := false
	cb := func(c *websocket.Connection, d *websocket.Data) {
		got = append(got, d.Event)
		if d.Event == websocket.EventConnected && !panicked {
			panicked = true
			panic("boom")
		}
	}
	if _, err := websocket.Connect(wsURL("/close?code=4001&reason=bye"), &websocket.Params{Queue: q}, cb); err != nil {
		t.Fatal(err)
	}
	waitQueued(t, q, 2) // CONNECTED and DISCONNECTED both wait in q
	var recovered any
	func() {
		defer func() { recovered = recover() }()
		q.Dispatch()
		t.Fatal("Dispatch returned normally: the callback's panic was swallowed")
	}()
	if recovered != "boom" {
		t.Fatalf("Dispatch panicked with %v, want the callback's panic \"boom\"", recovered)
	}
	if n, _ := websocket.QueueLen(q); n != 1 {
		t.Fatalf("%d events left in the Queue after the panic, want 1 (DISCONNECTED)", n)
	}
	deadline := time.Now().Add(20 * time.Second)
	for (len(got) == 0 || got[len(got)-1] != websocket.EventDisconnected) && time.Now().Before(deadline) {
		q.Dispatch()
		time.Sleep(5 * time.Millisecond)
	}
	if len(got) != 2 || got[0] != websocket.EventConnected || got[1] != websocket.EventDisconnected {
		t.Fatalf("events after a panicking callback: %v, want [CONNECTED DISCONNECTED]", got)
	}
}
