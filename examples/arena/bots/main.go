// Command bots runs headless arena players: -n clients on the game's own
// netcode, each in a frame loop of its own that wanders (a new direction
// every second or two) and calls Client.Update like the game does. For load,
// and for tests on machines without a display.
//
//	go run ./arena/bots -url ws://127.0.0.1:8090/ws -n 200
//
// With -duration it stops by itself and prints a JSON summary (Dispatch
// time per frame, bytes received, corrections) on stdout, measured by a
// netcode.Meter around each bot's frames. With -control it reads commands
// on stdin instead: "reset" starts the measured time afresh, "stop" (or the
// end of stdin) stops and prints the summary of the time since the last
// reset: a benchmark measures the bots over its own window, however long
// the rest takes to start.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hybridws/websocket/examples/netcode"
)

// Summary is what bots prints at the end.
type Summary struct {
	Bots          int     `json:"bots"`
	Connected     int     `json:"connected"` // bots that received snapshots
	Frames        int64   `json:"frames"`
	DispatchP50NS int64   `json:"dispatch_p50_ns"`
	DispatchP99NS int64   `json:"dispatch_p99_ns"`
	BusyFrames    int64   `json:"busy_frames"` // frames whose Dispatch ran a callback
	BusyP50NS     int64   `json:"busy_p50_ns"`
	BusyP99NS     int64   `json:"busy_p99_ns"`
	BytesIn       int64   `json:"bytes_in"`
	BytesOut      int64   `json:"bytes_out"`
	Corrections   int64   `json:"corrections"` // of the bots' own predictions
	Seconds       float64 `json:"seconds"`
	MinPlayers    int     `json:"min_players"` // fewest players a connected bot saw at the end
}

func main() {
	url := flag.String("url", "ws://127.0.0.1:8090/ws", "the server's game socket")
	n := flag.Int("n", 3, "how many bots")
	fps := flag.Int("fps", 60, "frames per second of each bot's loop")
	duration := flag.Duration("duration", 0, "stop after this long and print a summary; 0 runs until interrupted")
	control := flag.Bool("control", false, `read "reset" and "stop" on stdin, and print a summary of the time between them`)
	quiet := flag.Bool("quiet", false, "no log line per connection event")
	flag.Parse()

	logf := log.Printf
	if *quiet {
		logf = func(string, ...any) {}
	}
	var (
		wg        sync.WaitGroup
		connected atomic.Int64
		mu        sync.Mutex
		results   []bot
		epoch     atomic.Int64 // each reset adds one; a bot resets its Meter when it sees a new one
		start     = time.Now()
	)
	stop := make(chan struct{})
	go func() {
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt)
		select {
		case <-sig:
		case <-after(*duration):
		case <-commands(*control, func() { start = time.Now(); epoch.Add(1) }):
		}
		close(stop)
	}()
	go report(stop, &connected, *n)
	for i := range *n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Spread the first connections over a second, as real players do.
			time.Sleep(time.Duration(i) * time.Second / time.Duration(max(*n, 1)))
			b := run(*url, *fps, stop, &epoch, &connected, logf)
			mu.Lock()
			results = append(results, b)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if *duration > 0 || *control {
		json.NewEncoder(os.Stdout).Encode(summarize(results, *n, time.Since(start)))
	}
}

// commands reads stdin when on is true: it calls reset for each "reset"
// line, and the channel it returns is closed at "stop" or the end of stdin.
// Off, the channel is never closed.
func commands(on bool, reset func()) <-chan struct{} {
	done := make(chan struct{})
	if !on {
		return done
	}
	go func() {
		defer close(done)
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			switch strings.TrimSpace(sc.Text()) {
			case "reset":
				reset()
			case "stop":
				return
			}
		}
	}()
	return done
}

func after(d time.Duration) <-chan time.Time {
	if d <= 0 {
		return nil
	}
	return time.After(d)
}

// bot is one bot's client and what was measured around it.
type bot struct {
	c *netcode.Client
	m *netcode.Meter
	// What the Meter counted up to the end, and how many players the bot
	// saw then (0: not connected), read before Close.
	bytesIn, bytesOut, corrections int64
	seen                           int
}

// run is one bot's frame loop, until stop.
func run(url string, fps int, stop chan struct{}, epoch, connected *atomic.Int64, logf func(string, ...any)) bot {
	b := bot{c: netcode.NewClient(netcode.ClientConfig{URL: url, Logf: logf}), m: &netcode.Meter{}}
	frame := time.NewTicker(time.Second / time.Duration(fps))
	defer frame.Stop()
	var in netcode.Input
	var turn time.Time
	was, seen := false, int64(0)
	for {
		select {
		case <-stop:
			b.bytesIn, b.bytesOut, b.corrections = b.m.Since(b.c)
			b.seen = len(b.c.Others.Players(nil, 0))
			b.c.Close()
			if was {
				connected.Add(-1)
			}
			return b
		case now := <-frame.C:
			if !now.Before(turn) {
				in = wander()
				turn = now.Add(time.Second + rand.N(time.Second))
			}
			if e := epoch.Load(); e != seen {
				seen = e
				b.m.Reset(b.c)
			}
			b.m.Update(b.c, now, in)
			if is := b.c.Welcomed(); is != was {
				was = is
				connected.Add(map[bool]int64{true: 1, false: -1}[is])
			}
		}
	}
}

// wander is a random direction at full speed, or standing still.
func wander() netcode.Input {
	if rand.N(5) == 0 {
		return netcode.Input{}
	}
	a := rand.Float64() * 2 * math.Pi
	return netcode.Input{DX: int8(math.Cos(a) * netcode.MaxAxis), DY: int8(math.Sin(a) * netcode.MaxAxis)}
}

func report(stop chan struct{}, connected *atomic.Int64, n int) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	last := int64(-1)
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			if c := connected.Load(); c != last {
				last = c
				fmt.Fprintf(os.Stderr, "bots: %d of %d connected\n", c, n)
			}
		}
	}
}

func summarize(bs []bot, n int, window time.Duration) Summary {
	s := Summary{Bots: n, Seconds: window.Seconds(), MinPlayers: math.MaxInt}
	var all, busy []time.Duration
	for _, b := range bs {
		all = append(all, b.m.Dispatch.Values()...)
		busy = append(busy, b.m.Busy.Values()...)
		s.Frames += b.m.Dispatch.Count()
		s.BusyFrames += b.m.Busy.Count()
		s.BytesIn += b.bytesIn
		s.BytesOut += b.bytesOut
		s.Corrections += b.corrections
		if b.seen > 0 {
			s.Connected++
			s.MinPlayers = min(s.MinPlayers, b.seen)
		}
	}
	if s.MinPlayers == math.MaxInt {
		s.MinPlayers = 0
	}
	s.DispatchP50NS = int64(netcode.Percentile(all, 50))
	s.DispatchP99NS = int64(netcode.Percentile(all, 99))
	s.BusyP50NS = int64(netcode.Percentile(busy, 50))
	s.BusyP99NS = int64(netcode.Percentile(busy, 99))
	return s
}
