package websocket_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// After echoes, the counters say what went out and came in: one message
// and its payload bytes per Send and per MESSAGE, one Connects.
func TestStatsCounts(t *testing.T) {
	r := newRecorder(t)
	c := openConn(t, r, wsURL("/echo"), nil)
	sizes := []int{0, 1, 100, 4 << 10, 70 << 10}
	var total int64
	for i, n := range sizes {
		if err := websocket.Send(c, payload(i, n)[:n], nil); err != nil {
			t.Fatalf("Send %d: %v", i, err)
		}
		total += int64(n)
	}
	r.waitFor("the echoes", func(evs []*websocket.Data) bool { return len(messages(evs)) == len(sizes) })
	s := c.Stats()
	want := websocket.Stats{
		State: websocket.StateOpen, Connects: 1,
		MessagesIn: int64(len(sizes)), BytesIn: total,
		MessagesOut: int64(len(sizes)), BytesOut: total,
		RTT: s.RTT, // no KeepAlive: 0, checked below
	}
	if s != want {
		t.Errorf("Stats after %d echoes: %+v, want %+v", len(sizes), s, want)
	}
	if s.RTT != 0 {
		t.Errorf("RTT %v without KeepAlive, want 0", s.RTT)
	}
	// A refused Send counts nothing.
	if err := websocket.Send(c, []byte{0xff}, text); err == nil {
		t.Fatal("Send of invalid UTF-8 as text succeeded")
	}
	if got := c.Stats().MessagesOut; got != int64(len(sizes)) {
		t.Errorf("MessagesOut %d after a refused Send, want %d", got, len(sizes))
	}
	websocket.Disconnect(c)
	evs := r.waitDone()
	r.settle(evs)
	if s := c.Stats(); s.State != websocket.StateClosed || s.SendQueued != 0 || s.MessagesIn != int64(len(sizes)) {
		t.Errorf("Stats after DISCONNECTED: %+v", s)
	}
}

// Every State, seen at its moment: connecting while the server delays its
// answer, open in CONNECTED's callback, closing after Disconnect until
// DISCONNECTED, closed in DISCONNECTED's callback; with Reconnect,
// reconnecting in the ERROR that announces a retry, and connecting again
// once the attempt starts.
func TestStatsState(t *testing.T) {
	t.Run("lifecycle", func(t *testing.T) {
		r := newRecorder(t)
		seen := map[websocket.Event]websocket.State{}
		r.onEvent = func(c *websocket.Connection, d *websocket.Data) { seen[d.Event] = c.Stats().State }
		c := r.connect(wsURL("/slow?ms=500"), nil)
		if s := c.Stats().State; s != websocket.StateConnecting {
			t.Errorf("right after Connect: %v, want connecting", s)
		}
		r.waitEvent(websocket.EventConnected)
		if s := c.Stats().State; s != websocket.StateOpen {
			t.Errorf("after CONNECTED: %v, want open", s)
		}
		websocket.Disconnect(c)
		if s := c.Stats().State; s != websocket.StateClosing && s != websocket.StateClosed {
			t.Errorf("right after Disconnect: %v, want closing (or closed)", s)
		}
		evs := r.waitDone()
		r.settle(evs)
		if seen[websocket.EventConnected] != websocket.StateOpen || seen[websocket.EventDisconnected] != websocket.StateClosed {
			t.Errorf("in the callbacks: CONNECTED saw %v, DISCONNECTED %v", seen[websocket.EventConnected], seen[websocket.EventDisconnected])
		}
	})
	t.Run("closing while the close handshake waits", func(t *testing.T) {
		r := newRecorder(t)
		c := openConn(t, r, wsURL("/noread"), nil) // never answers the close frame
		websocket.Disconnect(c)
		time.Sleep(100 * time.Millisecond)
		if s := c.Stats().State; s != websocket.StateClosing {
			t.Errorf("Disconnect sent, no answer yet: %v, want closing", s)
		}
		r.waitDone()
	})
	t.Run("reconnecting", func(t *testing.T) {
		r := newRecorder(t)
		var inError []websocket.State
		var mu sync.Mutex
		r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
			if d.Event == websocket.EventError {
				mu.Lock()
				inError = append(inError, c.Stats().State)
				mu.Unlock()
			}
		}
		rc := &websocket.Reconnect{MinDelay: 400 * time.Millisecond, MaxDelay: 400 * time.Millisecond, MaxAttempts: 2}
		c := r.connect("ws://"+closedAddr(t)+"/", &websocket.Params{Reconnect: rc})
		r.waitEvent(websocket.EventError)
		if s := c.Stats().State; s != websocket.StateReconnecting {
			t.Errorf("waiting RetryIn: %v, want reconnecting", s)
		}
		evs := r.waitDone()
		checkSeq(t, evs, "ERROR ERROR DISCONNECTED")
		mu.Lock()
		defer mu.Unlock()
		if len(inError) != 2 || inError[0] != websocket.StateReconnecting || inError[1] != websocket.StateClosed {
			t.Errorf("State in the ERROR callbacks %v, want [reconnecting closed]", inError)
		}
	})
}

// Connects counts each CONNECTED, across reconnects of one Connection,
// and the other counters keep adding up.
func TestStatsAcrossReconnect(t *testing.T) {
	r := newRecorder(t)
	r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
		if d.Event == websocket.EventConnected && c.Stats().Connects == 2 {
			websocket.Send(c, []byte("ping"), text)
		}
	}
	id := "stats-rc-" + itoa(int(time.Now().UnixNano()%1e9))
	c := r.connect(wsURL("/closeonce?id="+id+"&code=1012"), &websocket.Params{Reconnect: fast})
	r.waitFor("the echo after the reconnect", func(evs []*websocket.Data) bool {
		return count(evs, websocket.EventConnected) == 2 && len(messages(evs)) == 1
	})
	s := c.Stats()
	if s.Connects != 2 || s.MessagesOut != 1 || s.MessagesIn != 1 || s.State != websocket.StateOpen {
		t.Errorf("after a reconnect: %+v, want Connects 2, one message each way, open", s)
	}
	websocket.Disconnect(c)
	r.waitDone()
}

// SendQueued rises while a server does not read, and stays within
// SendQueueSize.
func TestStatsSendQueued(t *testing.T) {
	r := newRecorder(t)
	const limit = 4 << 20
	c := openConn(t, r, wsURL("/noread"), &websocket.Params{SendQueueSize: limit})
	msg := make([]byte, 64<<10)
	var accepted int64
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if err := websocket.Send(c, msg, nil); err != nil {
			break
		}
		accepted += int64(len(msg))
		if q := c.Stats().SendQueued; q > 0 && accepted > 16<<20 {
			break // a browser that never pushes back (see TestSendQueueFull)
		}
	}
	s := c.Stats()
	if s.SendQueued <= 0 {
		t.Errorf("SendQueued %d after %d bytes to a server that does not read", s.SendQueued, accepted)
	}
	if !inBrowserTest && s.SendQueued > limit {
		t.Errorf("SendQueued %d over SendQueueSize %d", s.SendQueued, limit)
	}
	if s.BytesOut != accepted {
		t.Errorf("BytesOut %d, Send accepted %d", s.BytesOut, accepted)
	}
	websocket.Disconnect(c)
	r.waitDone()
}

// A nil connection and a nil Queue read as zero.
func TestStatsNil(t *testing.T) {
	var c *websocket.Connection
	if s := c.Stats(); s != (websocket.Stats{}) {
		t.Errorf("nil Connection: %+v, want the zero Stats", s)
	}
	var q *websocket.Queue
	if n := q.Len(); n != 0 {
		t.Errorf("nil Queue: Len %d", n)
	}
	if s := websocket.State(42).String(); s != "State(42)" {
		t.Errorf("State(42).String() = %q", s)
	}
	for s, want := range map[websocket.State]string{
		websocket.StateConnecting: "connecting", websocket.StateOpen: "open", websocket.StateReconnecting: "reconnecting",
		websocket.StateClosing: "closing", websocket.StateClosed: "closed",
	} {
		if s.String() != want {
			t.Errorf("State %d: %q, want %q", int(s), s.String(), want)
		}
	}
}

// Stats may be called from any goroutine, in a loop, while messages flow
// and callbacks run (the race detector watches), and it allocates nothing.
func TestStatsDuringTraffic(t *testing.T) {
	r := newRecorder(t)
	var calls atomic.Int64
	r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
		c.Stats()
		calls.Add(1)
	}
	c := openConn(t, r, wsURL("/echo"), &websocket.Params{KeepAlive: 20 * time.Millisecond, PongTimeout: time.Minute})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var last websocket.Stats
			for {
				select {
				case <-stop:
					return
				default:
				}
				s := c.Stats()
				if s.MessagesIn < last.MessagesIn || s.BytesOut < last.BytesOut || s.Connects < last.Connects {
					t.Errorf("a counter went down: %+v after %+v", s, last)
					return
				}
				last = s
				if inBrowserTest {
					// A page has one thread: the socket's events wait
					// until every goroutine blocks.
					time.Sleep(time.Millisecond)
				}
			}
		}()
	}
	const n = 200
	for i := range n {
		if err := websocket.Send(c, payload(i, 300), nil); err != nil {
			t.Fatalf("Send %d: %v", i, err)
		}
	}
	r.waitFor("the echoes", func(evs []*websocket.Data) bool { return len(messages(evs)) == n })
	close(stop)
	wg.Wait()
	if allocs := testing.AllocsPerRun(100, func() { c.Stats() }); allocs != 0 {
		t.Errorf("Stats allocates %v times per call, want 0", allocs)
	}
	websocket.Disconnect(c)
	r.waitDone()
}

// BenchmarkStats: one op is what a HUD reads each frame, Stats and a
// Queue's Len, on an open connection with keepalive. It allocates nothing.
//
//	go test -run '^$' -bench Stats -benchmem
func BenchmarkStats(b *testing.B) {
	r := newRecorder(b)
	c := openConn(b, r, wsURL("/echo"), &websocket.Params{KeepAlive: time.Second})
	q := websocket.NewQueue()
	b.ReportAllocs()
	var s websocket.Stats
	n := 0
	for b.Loop() {
		s = c.Stats()
		n += q.Len()
	}
	if s.State != websocket.StateOpen || n != 0 {
		b.Fatalf("Stats %+v, Len %d", s, n)
	}
	websocket.Disconnect(c)
	r.waitDone()
}
