package main

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
	rttSize  = 32
	pipeSize = 1 << 10
	bigSize  = 1 << 20
	window   = 4096 // pipe: messages in flight for clients whose send does not block
)

type config struct {
	url   string
	dur   time.Duration // rtt, pipe, big: how long to send
	conns int           // idle, many
	trips int           // many: round trips per connection

	memprofile string // idle: heap profile while the connections are open
}

// result is what one client process prints, as one JSON line.
type result struct {
	Lib   string  `json:"lib"`
	Work  string  `json:"work"`
	Value float64 `json:"value"` // see units
	N     int64   `json:"n"`     // messages checked
	Secs  float64 `json:"secs"`
	Err   string  `json:"err,omitempty"`
}

var units = map[string]string{
	"rtt":  "round trips/s",
	"pipe": "MiB/s",
	"big":  "MiB/s",
	"idle": "KiB/conn",
	"many": "round trips/s",
}

// higherIsBetter is false for idle (memory).
func higherIsBetter(work string) bool { return work != "idle" }

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

func rawRTT(dial rawDial, cfg config) (int64, time.Duration, error) {
	c, err := dial(cfg.url)
	if err != nil {
		return 0, 0, err
	}
	defer c.close()
	p := make([]byte, rttSize)
	start := time.Now()
	var seq uint64
	for ; ; seq++ {
		if seq%16 == 0 && time.Since(start) >= cfg.dur {
			break
		}
		fill(p, seq, true)
		if err := c.write(1, p); err != nil {
			return 0, 0, err
		}
		typ, e, err := c.read()
		if err != nil {
			return 0, 0, err
		}
		if typ != 1 {
			return 0, 0, fmt.Errorf("echo has type %d, want text", typ)
		}
		if err := check(e, seq, rttSize, nil); err != nil {
			return 0, 0, err
		}
	}
	return int64(seq), time.Since(start), nil
}

func rawBig(dial rawDial, cfg config) (int64, time.Duration, error) {
	c, err := dial(cfg.url)
	if err != nil {
		return 0, 0, err
	}
	defer c.close()
	p := newBig(bigSize)
	start := time.Now()
	var seq uint64
	for ; seq < 5 || time.Since(start) < cfg.dur; seq++ {
		putSeq(p, seq)
		if err := c.write(2, p); err != nil {
			return 0, 0, err
		}
		typ, e, err := c.read()
		if err != nil {
			return 0, 0, err
		}
		if typ != 2 {
			return 0, 0, fmt.Errorf("echo has type %d, want binary", typ)
		}
		if err := check(e, seq, bigSize, p); err != nil {
			return 0, 0, err
		}
	}
	return int64(seq), time.Since(start), nil
}

func rawPipe(dial rawDial, cfg config) (int64, time.Duration, error) {
	c, err := dial(cfg.url)
	if err != nil {
		return 0, 0, err
	}
	defer c.close()
	tmpl := newBig(pipeSize)
	var total atomic.Uint64 // set before the last message is written
	werr := make(chan error, 1)
	start := time.Now()
	go func() {
		p := make([]byte, pipeSize)
		copy(p, tmpl)
		for seq := uint64(0); ; seq++ {
			last := time.Since(start) >= cfg.dur
			if last {
				total.Store(seq + 1)
			}
			putSeq(p, seq)
			if err := c.write(2, p); err != nil {
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
		typ, e, err := c.read()
		if err != nil {
			return 0, 0, err
		}
		if typ != 2 {
			return 0, 0, fmt.Errorf("echo has type %d, want binary", typ)
		}
		if err := check(e, next, pipeSize, tmpl); err != nil {
			return 0, 0, err
		}
		next++
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
func dialAll(dial rawDial, cfg config) ([]rawConn, error) {
	conns := make([]rawConn, cfg.conns)
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
				c, err := dial(cfg.url)
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

func rawIdle(dial rawDial, cfg config) (float64, error) {
	before := memNow()
	conns, err := dialAll(dial, cfg)
	if err != nil {
		return 0, err
	}
	for _, c := range conns {
		go func() {
			for {
				if _, _, err := c.read(); err != nil {
					return
				}
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	after := memNow()
	heapProfile(cfg.memprofile)
	runtime.KeepAlive(conns)
	return float64(after-before) / float64(len(conns)) / 1024, nil
}

func rawMany(dial rawDial, cfg config) (int64, time.Duration, error) {
	conns, err := dialAll(dial, cfg)
	if err != nil {
		return 0, 0, err
	}
	defer func() {
		for _, c := range conns {
			c.close()
		}
	}()
	fe := newFirstErr()
	startc := make(chan struct{})
	var wg sync.WaitGroup
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := make([]byte, rttSize)
			<-startc
			for seq := uint64(0); seq < uint64(cfg.trips); seq++ {
				fill(p, seq, true)
				if err := c.write(1, p); err != nil {
					fe.set(err)
					return
				}
				_, e, err := c.read()
				if err != nil {
					fe.set(err)
					return
				}
				if err := check(e, seq, rttSize, nil); err != nil {
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
	return int64(len(conns) * cfg.trips), el, nil
}
