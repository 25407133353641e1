package work

import (
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

func memNow() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc + m.StackInuse
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
		p := make([]byte, PipeSize)
		copy(p, tmpl)
		for seq := uint64(0); ; seq++ {
			if free != nil {
				<-free
			}
			last := time.Since(start) >= cfg.Dur
			if last {
				total.Store(seq + 1)
			}
			putSeq(p, seq)
			if err := c.Write(2, p); err != nil {
				werr <- err
				return
			}
			if last {
				werr <- nil
				return
			}
		}
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

// dialAll dials n connections, a few at a time.
func dialAll(dial Dial, cfg Config) ([]Conn, error) {
	conns := make([]Conn, cfg.Conns)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	next := atomic.Int64{}
	for w := 0; w < 32; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(conns) {
					return
				}
				c, err := dial(cfg.URL)
				if err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
					return
				}
				conns[i] = c
			}
		}()
	}
	wg.Wait()
	return conns, first
}

func Idle(dial Dial, cfg Config) (float64, error) {
	before := memNow()
	conns, err := dialAll(dial, cfg)
	if err != nil {
		return 0, err
	}
	return idleCost(conns, before, cfg), nil
}

// idleCost leaves one goroutine blocked in a read on each connection, as a
// peer library's users do, and returns the KiB each costs since before.
func idleCost(conns []Conn, before uint64, cfg Config) float64 {
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
	after := memNow()
	heapProfile(cfg.MemProfile)
	runtime.KeepAlive(conns)
	return float64(after-before) / float64(len(conns)) / 1024
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

// Run runs one workload: with dial for a blocking peer library, or with
// this library (lib "hybrid" or "hybrid-queue") when dial is nil.
func Run(lib, work string, dial Dial, cfg Config) Result {
	r := Result{Lib: lib, Work: work}
	var n int64
	var el time.Duration
	var kib float64
	var err error
	if cfg.Window == 0 {
		cfg.Window = 4096
	}
	if dial != nil {
		switch work {
		case "rtt":
			n, el, err = RTT(dial, cfg)
		case "pipe":
			n, el, err = Pipe(dial, cfg)
		case "big":
			n, el, err = Big(dial, cfg)
		case "idle":
			kib, err = Idle(dial, cfg)
		case "many":
			n, el, err = Many(dial, cfg)
		case "json":
			var w Wire
			n, el, w, err = JSON(dial, cfg)
			r.Up, r.Down = perMessage(w, n)
		case "idle-json", "idle-json1":
			kib, err = IdleJSON(dial, cfg, jsonConns(work, cfg))
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
		case "rtt":
			n, el, err = h.RTT()
		case "pipe":
			n, el, err = h.Pipe()
		case "big":
			n, el, err = h.Big()
		case "idle":
			kib, err = h.Idle()
		case "many":
			n, el, err = h.Many()
		case "json":
			var w Wire
			n, el, w, err = h.JSON()
			r.Up, r.Down = perMessage(w, n)
		case "idle-json", "idle-json1":
			kib, err = h.IdleJSON(jsonConns(work, h.cfg))
		case "files":
			var w Wire
			n, el, w, err = h.Files()
			r.Up, r.Down = wireRatio(w, n*FileMsgSize)
		default:
			err = fmt.Errorf("unknown workload %q", work)
		}
	} else {
		err = fmt.Errorf("unknown client %q", lib)
	}
	if err != nil {
		r.Err = err.Error()
		return r
	}
	r.N, r.Secs = n, el.Seconds()
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
