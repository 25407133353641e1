//go:build !js

package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/internal/live"
	"github.com/hybridws/websocket/internal/test/faultproxy"
	"github.com/hybridws/websocket/soak/client"
)

// nativeOpts sizes the native soak.
type nativeOpts struct {
	dur     time.Duration // the whole run, settling included
	conns   int
	proxies int
	every   time.Duration // mean time between the messages a client sends by itself
}

// sample is one reading of the soak process, every sampleEvery.
type sample struct {
	T          float64 // seconds since the start
	Heap       uint64  // live heap (HeapAlloc after a collection)
	RSS        uint64
	Goroutines int
	Timers     int     // the library's armed timers (live.Timers)
	Load       float64 // the machine's 1-minute load average
}

// checkpoint is the process once every client is open and idle, the
// faults stopped (at minute 2 and at the end).
type checkpoint struct {
	At         time.Duration // since the start
	Settle     time.Duration // how long the clients took to settle
	Goroutines int
	Timers     int
	Heap       uint64
	Unsettled  []string // clients that did not settle, and why
}

type nativeResult struct {
	Opts       nativeOpts
	Elapsed    time.Duration
	Totals     client.Snapshot
	Faults     map[string]int64
	Samples    []sample
	A, B       checkpoint
	TimersLeft int // armed after every connection ended
	// The half-open links: connections open as one began, how many of
	// them ended (keepalive noticed, or another fault came first) before
	// it came back, and which stayed open through it.
	HalfOpen, HalfOpenCaught, HalfOpenMissed int
	HalfOpenMissedIDs                        []int // the first clients missed
}

const sampleEvery = 5 * time.Second

// The native clients' keepalive.
const nativeKeepAlive, nativePongTimeout = 2 * time.Second, 4 * time.Second

// queueLoop dispatches one Queue: on Ready, or at 60 frames a second like
// a game's loop, and now and then not at all for a while (a level loads).
type queueLoop struct {
	q          *websocket.Queue
	inDispatch atomic.Bool
	frames     bool
	stall      chan time.Duration
}

func (l *queueLoop) run(stop <-chan struct{}) {
	var tick <-chan time.Time
	var ready <-chan struct{}
	if l.frames {
		t := time.NewTicker(16 * time.Millisecond)
		defer t.Stop()
		tick = t.C
	} else {
		ready = l.q.Ready()
	}
	for {
		select {
		case <-ready:
		case <-tick:
		case d := <-l.stall:
			time.Sleep(d)
		case <-stop:
			// What waits still runs: nothing is dropped.
			l.dispatch()
			return
		}
		l.dispatch()
	}
}

func (l *queueLoop) dispatch() {
	l.inDispatch.Store(true)
	l.q.Dispatch()
	l.inDispatch.Store(false)
}

// runNative runs the native soak against the echo server srv, whose
// restarts the caller runs under gate (held here while the clients
// settle).
func runNative(o nativeOpts, srv *serverProc, gate *sync.Mutex, logf func(string, ...any)) (*nativeResult, error) {
	start := time.Now()
	res := &nativeResult{Opts: o}
	totals := &client.Totals{}
	var f client.Counts

	proxies := make([]*faultproxy.Proxy, o.proxies)
	for i := range proxies {
		p, err := faultproxy.New(srv.addr)
		if err != nil {
			return nil, err
		}
		defer p.Close()
		proxies[i] = p
	}
	stopLoops := make(chan struct{})
	var loops sync.WaitGroup
	queues := make([]*queueLoop, 4)
	for i := range queues {
		queues[i] = &queueLoop{q: websocket.NewQueue(), frames: i%2 == 1, stall: make(chan time.Duration, 1)}
		loops.Add(1)
		go func() { defer loops.Done(); queues[i].run(stopLoops) }()
	}
	clients := make([]*client.Client, o.conns)
	for i := range clients {
		p := websocket.Params{
			Timeout:       5 * time.Second,
			KeepAlive:     nativeKeepAlive,
			PongTimeout:   nativePongTimeout,
			Reconnect:     &websocket.Reconnect{MinDelay: 100 * time.Millisecond, MaxDelay: 3 * time.Second},
			SendQueueSize: 512 << 10,
		}
		co := client.Options{
			ID: i, URL: "ws://" + proxies[i%len(proxies)].Addr() + "/echo", Params: p,
			UnsentHeader: client.FrameMax, Reply: 0.3, Every: o.every, Totals: totals,
		}
		// Half in Queue mode; a quarter of each mode with permessage-deflate.
		co.Params.Compression = i%8 < 2
		if i%2 == 1 {
			l := queues[(i/2)%len(queues)]
			co.Params.Queue, co.InDispatch = l.q, &l.inDispatch
		}
		clients[i] = client.New(co)
	}
	// The drivers: each ticks its share of the clients every 50 ms.
	for w := range 4 {
		loops.Add(1)
		go func() {
			defer loops.Done()
			t := time.NewTicker(50 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case now := <-t.C:
					for i := w; i < len(clients); i += 4 {
						clients[i].Tick(now)
					}
				case <-stopLoops:
					return
				}
			}
		}()
	}
	// The sampler; res.Samples is read once it has ended.
	loops.Add(1)
	go func() {
		defer loops.Done()
		t := time.NewTicker(sampleEvery)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				res.Samples = append(res.Samples, takeSample(start))
			case <-stopLoops:
				return
			}
		}
	}()

	// watch(i) notes, as proxy i's link goes half-open, the connections
	// behind it that are open; once it has lasted long enough, each must
	// have ended (its Connects changed, or it is no longer open), else it
	// is a zombie keepalive missed.
	var hmu sync.Mutex
	watch := func(i int) func() func() {
		return func() func() {
			type mark struct{ id, gen, connects int }
			var open []mark
			for id := i; id < len(clients); id += len(proxies) {
				if gen, n, ok := clients[id].Life(); ok {
					open = append(open, mark{id, gen, n})
				}
			}
			return func() {
				hmu.Lock()
				defer hmu.Unlock()
				res.HalfOpen += len(open)
				for _, m := range open {
					if gen, n, ok := clients[m.id].Life(); ok && gen == m.gen && n == m.connects {
						res.HalfOpenMissed++
						if len(res.HalfOpenMissedIDs) < 20 {
							res.HalfOpenMissedIDs = append(res.HalfOpenMissedIDs, m.id)
						}
					} else {
						res.HalfOpenCaught++
					}
				}
			}
		}
	}
	// chaos runs the faults until the returned stop is called, which
	// undoes them and returns once they are.
	chaos := func() (stop func()) {
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		for i, p := range proxies {
			wg.Add(1)
			go func() { defer wg.Done(); proxyFaults{halfOpen: watch(i)}.run(ctx, p, 15*time.Second, &f) }()
		}
		every := func(mean time.Duration, do func()) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for sleep(ctx, expDur(mean)) {
					do()
				}
			}()
		}
		every(time.Second, func() { clients[rand.IntN(len(clients))].Kick() })
		every(2*time.Second, func() { clients[rand.IntN(len(clients))].Burst(200, 16<<10) })
		every(20*time.Second, func() {
			f.Add("queue stall")
			select {
			case queues[rand.IntN(len(queues))].stall <- between(500*time.Millisecond, 3*time.Second):
			default:
			}
		})
		return func() {
			cancel()
			wg.Wait()
		}
	}
	// settle stops the faults and the traffic and waits until every
	// client is open with nothing in flight, then reads the process.
	settle := func(stopChaos func(), name string) checkpoint {
		logf("native: settling (%s)", name)
		gate.Lock()
		defer gate.Unlock()
		stopChaos()
		for _, c := range clients {
			c.SetSending(false)
		}
		t0 := time.Now()
		cp := checkpoint{At: time.Since(start)}
		for {
			var why []string
			for i, c := range clients {
				if ok, w := c.Settled(); !ok {
					why = append(why, fmt.Sprintf("client %d: %s", i, w))
				}
			}
			if len(why) == 0 {
				break
			}
			if time.Since(t0) > 2*time.Minute {
				cp.Unsettled = why[:min(len(why), 10)]
				if len(why) > 10 {
					cp.Unsettled = append(cp.Unsettled, fmt.Sprintf("and %d more", len(why)-10))
				}
				break
			}
			time.Sleep(250 * time.Millisecond)
		}
		cp.Settle = time.Since(t0)
		time.Sleep(3 * time.Second) // writers and drainers end, keepalive goes idle
		// The fewest of a few readings: a keepalive ping in flight arms a
		// timer for its pong, briefly; what leaked stays in every reading.
		cp.Goroutines, cp.Timers = math.MaxInt, math.MaxInt
		for range 10 {
			s := takeSample(start)
			cp.Goroutines, cp.Timers, cp.Heap = min(cp.Goroutines, s.Goroutines), min(cp.Timers, s.Timers), s.Heap
			time.Sleep(200 * time.Millisecond)
		}
		for _, c := range clients {
			c.SetSending(true)
		}
		logf("native: settled in %v: %d goroutines, %d timers, heap %.1f MiB, %d unsettled",
			cp.Settle.Round(time.Millisecond), cp.Goroutines, cp.Timers, float64(cp.Heap)/(1<<20), len(cp.Unsettled))
		return cp
	}

	warm := min(2*time.Minute, o.dur/5)
	stopChaos := chaos()
	time.Sleep(warm)
	res.A = settle(stopChaos, "minute "+strconv.FormatFloat(warm.Minutes(), 'f', 1, 64))
	stopChaos = chaos()
	for next := time.Since(start).Truncate(time.Minute) + time.Minute; time.Since(start) < o.dur-30*time.Second; time.Sleep(time.Second) {
		if time.Since(start) >= next {
			next += time.Minute
			logf("native: %v: %d reconnects, %d echoed, %d violations", time.Since(start).Round(time.Second),
				totals.Reconnects.Load(), totals.Echoed.Load(), totals.Violations.Load())
		}
	}
	res.B = settle(stopChaos, "the end")

	// The end: every client disconnects, and everything goes.
	for _, c := range clients {
		c.Stop()
	}
	deadline := time.Now().Add(time.Minute)
	for {
		n := 0
		for _, c := range clients {
			if !c.Ended() {
				n++
			}
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			totals.Violation(fmt.Sprintf("%d connections still not DISCONNECTED a minute after Disconnect", n))
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	close(stopLoops)
	loops.Wait()
	for i := 0; i < 100 && live.Timers.Live() > 0; i++ {
		time.Sleep(100 * time.Millisecond)
	}
	res.TimersLeft = live.Timers.Live()
	for _, l := range queues {
		if n := l.q.Len(); n > 0 {
			totals.Violation(fmt.Sprintf("a Queue still holds %d events after every connection ended and it was dispatched", n))
		}
	}
	for _, p := range proxies {
		p.Close()
	}
	res.Elapsed = time.Since(start)
	res.Totals = totals.Snapshot()
	res.Faults = f.Map()
	return res, nil
}

// takeSample reads the process: a collection first, so that Heap is what
// is live.
func takeSample(start time.Time) sample {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return sample{
		T: time.Since(start).Seconds(), Heap: m.HeapAlloc, RSS: rss(),
		Goroutines: runtime.NumGoroutine(), Timers: live.Timers.Live(), Load: loadAvg(),
	}
}

// rss returns the resident set size of this process (Linux), 0 elsewhere.
func rss() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseUint(f[1], 10, 64)
	return pages * uint64(os.Getpagesize())
}

// loadAvg returns the 1-minute load average (Linux), 0 elsewhere.
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}
