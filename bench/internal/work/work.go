package work

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"
)

// Workload sizes.
const (
	RTTSize  = 32
	PipeSize = 1 << 10
	BigSize  = 1 << 20
)

type Config struct {
	URL       string
	Dur       time.Duration // rtt, pipe, big: how long to send
	Conns     int           // idle, many
	Trips     int           // many: round trips per connection
	Window    int           // pipe: messages in flight, for clients whose send does not block
	RawWindow bool          // pipe: the peer libraries keep a window too (their send does not block in a browser)

	MemProfile string // idle: heap profile while the connections are open

	Compression bool   // hybrid: Params.Compression (the clients "hybrid-deflate", "hybrid-deflate-nct")
	TestData    string // files: the directory of Autobahn's test files
}

// result is what one client process prints, as one JSON line.
type Result struct {
	Lib   string  `json:"lib"`
	Work  string  `json:"work"`
	Value float64 `json:"value"` // see Units
	N     int64   `json:"n"`     // messages checked
	Secs  float64 `json:"secs"`
	Err   string  `json:"err,omitempty"`
	// json: bytes on the wire per message, client to server and back
	Up   float64 `json:"up,omitempty"`
	Down float64 `json:"down,omitempty"`
	// idle, idle-json: where Value's KiB per connection go
	Idle *IdleCost `json:"idle,omitempty"`
	// CPU time the client process used in the run, connecting included,
	// in seconds (0 in a browser)
	CPU float64 `json:"cpu,omitempty"`
}

// IdleCost is what one idle open connection costs, after GC: Go heap and
// goroutine stacks in KiB, and goroutines.
type IdleCost struct {
	KiB        float64 `json:"kib"` // Heap + Stack
	Heap       float64 `json:"heap"`
	Stack      float64 `json:"stack"`
	Goroutines float64 `json:"goroutines"`
}

var Units = map[string]string{
	"rtt":  "round trips/s",
	"pipe": "MiB/s",
	"big":  "MiB/s",
	"idle": "KiB/conn",
	"many": "round trips/s",

	"json":       "round trips/s",
	"wire-up":    "bytes/msg",
	"wire-down":  "bytes/msg",
	"idle-json":  "KiB/conn",
	"idle-json1": "KiB/conn",
	"files":      "MiB/s",
	"files-up":   "wire/payload",
	"files-down": "wire/payload",
}

// HigherIsBetter is false for memory and bytes on the wire.
func HigherIsBetter(work string) bool {
	switch work {
	case "idle", "idle-json", "idle-json1", "wire-up", "wire-down", "files-up", "files-down":
		return false
	}
	return true
}

func heapProfile(path string) {
	if path == "" {
		return
	}
	f, err := os.Create(path)
	if err != nil {
		return
	}
	pprof.Lookup("heap").WriteTo(f, 0)
	f.Close()
}

// memUse is the process's Go heap, goroutine stacks and goroutines.
type memUse struct {
	heap, stack uint64
	goroutines  int
}

func memNow() memUse {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return memUse{m.HeapAlloc, m.StackInuse, runtime.NumGoroutine()}
}

// idleSince returns what each of n connections opened since before costs.
func idleSince(before memUse, n int) *IdleCost {
	after := memNow()
	f := float64(n)
	heap := (float64(after.heap) - float64(before.heap)) / f / 1024
	stack := (float64(after.stack) - float64(before.stack)) / f / 1024
	return &IdleCost{KiB: heap + stack, Heap: heap, Stack: stack, Goroutines: float64(after.goroutines-before.goroutines) / f}
}

// firstErr keeps the first failure of a run.
type firstErr struct {
	once sync.Once
	err  error
	done chan struct{}
}

func newFirstErr() *firstErr { return &firstErr{done: make(chan struct{})} }

func (f *firstErr) set(err error) {
	f.once.Do(func() { f.err = err; close(f.done) })
}

var errTimeout = errors.New("run timed out")

// ---- raw peers: blocking read and write ----

func RTT(dial Dial, cfg Config) (int64, time.Duration, error) {
	c, err := dial(cfg.URL)
	if err != nil {
		return 0, 0, err
	}
	defer c.Close()
	p := make([]byte, RTTSize)
	start := time.Now()
	var seq uint64
	for ; ; seq++ {
		if seq%16 == 0 && time.Since(start) >= cfg.Dur {
			break
		}
		fill(p, seq, true)
		if err := c.Write(1, p); err != nil {
			return 0, 0, err
		}
		typ, e, err := c.Read()
		if err != nil {
			return 0, 0, err
		}
		if typ != 1 {
			return 0, 0, fmt.Errorf("echo has type %d, want text", typ)
		}
		if err := check(e, seq, RTTSize, nil); err != nil {
			return 0, 0, err
		}
	}
	return int64(seq), time.Since(start), nil
}

func Big(dial Dial, cfg Config) (int64, time.Duration, error) {
	c, err := dial(cfg.URL)
	if err != nil {
		return 0, 0, err
	}
	defer c.Close()
	p := newBig(BigSize)
	start := time.Now()
	var seq uint64
	for ; seq < 5 || time.Since(start) < cfg.Dur; seq++ {
		putSeq(p, seq)
		if err := c.Write(2, p); err != nil {
			return 0, 0, err
		}
		typ, e, err := c.Read()
		if err != nil {
			return 0, 0, err
		}
		if typ != 2 {
			return 0, 0, fmt.Errorf("echo has type %d, want binary", typ)
		}
		if err := check(e, seq, BigSize, p); err != nil {
			return 0, 0, err
		}
	}
	return int64(seq), time.Since(start), nil
}

func Pipe(dial Dial, cfg Config) (int64, time.Duration, error) {
	c, err := dial(cfg.URL)
	if err != nil {
		return 0, 0, err
	}
	defer c.Close()
	tmpl := newBig(PipeSize)
	var total atomic.Uint64 // set before the last message is written
	werr := make(chan error, 1)
	var free chan struct{}
	if cfg.RawWindow {
		free = make(chan struct{}, cfg.Window)
		for range cfg.Window {
			free <- struct{}{}
		}
	}
	start := time.Now()
	go func() {
		werr <- sendPipe(tmpl, start, cfg.Dur, &total, free, func(p []byte) error { return c.Write(2, p) })
	}()
	var next uint64
	for {
		typ, e, err := c.Read()
		if err != nil {
			return 0, 0, err
		}
		if typ != 2 {
			return 0, 0, fmt.Errorf("echo has type %d, want binary", typ)
		}
		if err := check(e, next, PipeSize, tmpl); err != nil {
			return 0, 0, err
		}
		next++
		if free != nil {
			free <- struct{}{}
		}
		if t := total.Load(); t != 0 && next == t {
			break
		}
	}
	el := time.Since(start)
	if err := <-werr; err != nil {
		return 0, 0, err
	}
	return int64(next), el, nil
}

// dialAll dials cfg.Conns connections, a few at a time.
func dialAll(dial Dial, cfg Config) ([]Conn, error) {
	conns := make([]Conn, cfg.Conns)
	err := dialEach(len(conns), func(i int) (err error) {
		conns[i], err = dial(cfg.URL)
		return err
	})
	return conns, err
}

// dialEach runs dial(i) for each i below n, 32 at a time, and returns the
// first error; after one, no more are started.
func dialEach(n int, dial func(i int) error) error {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	var next atomic.Int64
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := dial(i); err != nil {
					mu.Lock()
					first = cmp.Or(first, err)
					mu.Unlock()
					next.Store(int64(n)) // start no more
					return
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// sendPipe is pipe's sender: it writes 1 KiB messages built from tmpl,
// numbered from 0, with write for cfg.Dur from start, storing how many in
// total before the last one; with free set, each waits for a token from
// it (a window of messages in flight).
func sendPipe(tmpl []byte, start time.Time, dur time.Duration, total *atomic.Uint64, free <-chan struct{}, write func([]byte) error) error {
	p := append([]byte(nil), tmpl...)
	for seq := uint64(0); ; seq++ {
		if free != nil {
			<-free
		}
		last := time.Since(start) >= dur
		if last {
			total.Store(seq + 1)
		}
		putSeq(p, seq)
		if err := write(p); err != nil {
			return err
		}
		if last {
			return nil
		}
	}
}

func Idle(dial Dial, cfg Config) (*IdleCost, error) {
	before := memNow()
	conns, err := dialAll(dial, cfg)
	if err != nil {
		return nil, err
	}
	return idleCost(conns, before, cfg), nil
}

// idleCost leaves one goroutine blocked in a read on each connection, as a
// peer library's users do, and returns what each costs since before.
func idleCost(conns []Conn, before memUse, cfg Config) *IdleCost {
	for _, c := range conns {
		go func() {
			for {
				if _, _, err := c.Read(); err != nil {
					return
				}
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	cost := idleSince(before, len(conns))
	heapProfile(cfg.MemProfile)
	runtime.KeepAlive(conns)
	return cost
}

func Many(dial Dial, cfg Config) (int64, time.Duration, error) {
	conns, err := dialAll(dial, cfg)
	if err != nil {
		return 0, 0, err
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	fe := newFirstErr()
	startc := make(chan struct{})
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := make([]byte, RTTSize)
			<-startc
			for seq := uint64(0); seq < uint64(cfg.Trips); seq++ {
				fill(p, seq, true)
				if err := c.Write(1, p); err != nil {
					fe.set(err)
					return
				}
				_, e, err := c.Read()
				if err != nil {
					fe.set(err)
					return
				}
				if err := check(e, seq, RTTSize, nil); err != nil {
					fe.set(err)
					return
				}
			}
		}()
	}
	start := time.Now()
	close(startc)
	wg.Wait()
	el := time.Since(start)
	if fe.err != nil {
		return 0, 0, fe.err
	}
	return int64(len(conns) * cfg.Trips), el, nil
}

// Runner runs the workloads of a client that is not a blocking Conn: this
// library, or a peer driven through callbacks or a loop.
type Runner interface {
	RTT() (int64, time.Duration, error)
	Pipe() (int64, time.Duration, error)
	Big() (int64, time.Duration, error)
	Idle() (*IdleCost, error)
	Many() (int64, time.Duration, error)
}

// runners makes the Runner of each client named here.
var runners = map[string]func(Config) Runner{
	"coder-chan": func(cfg Config) Runner { return NewChan(DialCoder, cfg) },
}

// Run runs one workload: with dial for a blocking peer library, or else
// with this library (lib "hybrid", "hybrid-queue", ...) or a Runner.
func Run(lib, work string, dial Dial, cfg Config) Result {
	r := Result{Lib: lib, Work: work}
	var n int64
	var el time.Duration
	var idle *IdleCost
	var err error
	if cfg.Window == 0 {
		cfg.Window = 4096
	}
	cpu0 := cpuTime()
	var run Runner
	if dial != nil {
		switch work {
		case "rtt":
			n, el, err = RTT(dial, cfg)
		case "pipe":
			n, el, err = Pipe(dial, cfg)
		case "big":
			n, el, err = Big(dial, cfg)
		case "idle":
			idle, err = Idle(dial, cfg)
		case "many":
			n, el, err = Many(dial, cfg)
		case "json":
			var w Wire
			n, el, w, err = JSON(dial, cfg)
			r.Up, r.Down = perMessage(w, n)
		case "idle-json", "idle-json1":
			idle, err = IdleJSON(dial, cfg, jsonConns(work, cfg))
		case "files":
			var w Wire
			n, el, w, err = Files(dial, cfg)
			r.Up, r.Down = wireRatio(w, n*FileMsgSize)
		default:
			err = fmt.Errorf("unknown workload %q", work)
		}
	} else if lib == "hybrid" || lib == "hybrid-queue" || lib == "hybrid-wasm" || lib == "hybrid-deflate" || lib == "hybrid-deflate-nct" {
		cfg.Compression = lib == "hybrid-deflate" || lib == "hybrid-deflate-nct"
		h := NewHyb(lib == "hybrid-queue", cfg)
		switch work {
		case "json":
			var w Wire
			n, el, w, err = h.JSON()
			r.Up, r.Down = perMessage(w, n)
		case "idle-json", "idle-json1":
			idle, err = h.IdleJSON(jsonConns(work, h.cfg))
		case "files":
			var w Wire
			n, el, w, err = h.Files()
			r.Up, r.Down = wireRatio(w, n*FileMsgSize)
		default:
			run = h
		}
	} else if mk := runners[lib]; mk != nil {
		run = mk(cfg)
	} else {
		err = fmt.Errorf("unknown client %q", lib)
	}
	if run != nil {
		switch work {
		case "rtt":
			n, el, err = run.RTT()
		case "pipe":
			n, el, err = run.Pipe()
		case "big":
			n, el, err = run.Big()
		case "idle":
			idle, err = run.Idle()
		case "many":
			n, el, err = run.Many()
		default:
			err = fmt.Errorf("unknown workload %q for %s", work, lib)
		}
	}
	if err != nil {
		r.Err = err.Error()
		return r
	}
	r.N, r.Secs, r.CPU = n, el.Seconds(), (cpuTime() - cpu0).Seconds()
	var kib float64
	if idle != nil {
		r.Idle, kib = idle, idle.KiB
	}
	r.Value = Value(work, n, el.Seconds(), kib)
	return r
}

// Value turns a count of checked messages and the time they took into the
// figure reported for work.
func Value(work string, n int64, secs, kib float64) float64 {
	switch work {
	case "rtt", "many", "json":
		return float64(n) / secs
	case "pipe":
		return float64(n) * PipeSize / (1 << 20) / secs
	case "big":
		return float64(n) * BigSize / (1 << 20) / secs
	case "idle", "idle-json", "idle-json1":
		return kib
	case "files":
		return float64(n) * FileMsgSize / (1 << 20) / secs
	}
	return 0
}
