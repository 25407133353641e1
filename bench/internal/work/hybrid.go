package work

import (
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	websocket "github.com/hybridws/websocket"
)

// This library, through its public API only, the way a user writes it:
// everything happens in the callback. In callback mode it runs on the
// connection's goroutine; in Queue mode the main goroutine is a loop
// without frame pacing that sleeps on Queue.Ready and calls Dispatch when
// events wait (a game loop paced by frames adds up to a frame of latency
// instead, which says nothing about the library).

type Hyb struct {
	q   *websocket.Queue // nil: callback mode
	cfg Config
	fe  *firstErr
}

func NewHyb(queue bool, cfg Config) *Hyb {
	h := &Hyb{cfg: cfg, fe: newFirstErr()}
	if queue {
		h.q = websocket.NewQueue()
	}
	return h
}

var text = &websocket.SendOptions{Type: websocket.DataTypeText}

// wait returns when done is closed or the run ended (h.fe: failed, or
// done with a nil error: then done may be nil), dispatching events in
// Queue mode meanwhile: the loop of a game, whose select has a channel or
// two of its own besides Ready.
func (h *Hyb) wait(done <-chan struct{}) error {
	timeout := time.After(2*h.cfg.Dur + 60*time.Second)
	for {
		select {
		case <-done:
			return h.fe.err
		case <-h.fe.done:
			return h.fe.err
		case <-timeout:
			return errTimeout
		case <-h.q.Ready(): // nil in callback mode: never ready
			h.q.Dispatch()
		}
	}
}

// fails the run.
func (h *Hyb) connect(onOpen func(*websocket.Connection), onMsg func(*websocket.Connection, *websocket.Data)) (*websocket.Connection, error) {
	return websocket.Connect(h.cfg.URL, &websocket.Params{Queue: h.q, Timeout: 30 * time.Second, Compression: h.cfg.Compression}, func(c *websocket.Connection, d *websocket.Data) {
		switch d.Event {
		case websocket.EventConnected:
			onOpen(c)
		case websocket.EventMessage:
			onMsg(c, d)
		case websocket.EventError:
			h.fe.set(d.Err)
		case websocket.EventDisconnected:
			h.fe.set(fmt.Errorf("disconnected: %d %s", d.Code, d.Reason))
		}
	})
}

func (h *Hyb) open1() (*websocket.Connection, func(func(*websocket.Connection, *websocket.Data)), error) {
	// The message handler is set after the connection opened.
	var handler func(*websocket.Connection, *websocket.Data)
	opened := make(chan struct{})
	c, err := h.connect(func(*websocket.Connection) { close(opened) }, func(c *websocket.Connection, d *websocket.Data) { handler(c, d) })
	if err != nil {
		return nil, nil, err
	}
	if err := h.wait(opened); err != nil {
		return nil, nil, err
	}
	return c, func(f func(*websocket.Connection, *websocket.Data)) { handler = f }, nil
}

func (h *Hyb) RTT() (int64, time.Duration, error) {
	p := make([]byte, RTTSize)
	return h.roundTrips(p, nil, text, func(p []byte, seq uint64) { fill(p, seq, true) }, 16)
}

func (h *Hyb) Big() (int64, time.Duration, error) {
	p := newBig(BigSize)
	// The echo came back whole, so Send is done with p: reuse it.
	return h.roundTrips(p, p, nil, putSeq, 5)
}

// roundTrips sends message 0 of len(p) bytes, and each time its echo comes
// back whole and checked, the next one, for h.cfg.Dur (the clock is read
// every `every` echoes). next writes message seq into p; tmpl is check's
// template for big messages, nil for small ones.
func (h *Hyb) roundTrips(p, tmpl []byte, opts *websocket.SendOptions, next func([]byte, uint64), every uint64) (int64, time.Duration, error) {
	c, setHandler, err := h.open1()
	if err != nil {
		return 0, 0, err
	}
	defer websocket.Disconnect(c)
	want := websocket.DataTypeBinary
	if opts != nil {
		want = opts.Type
	}
	var seq uint64
	var start time.Time
	var el time.Duration
	setHandler(func(c *websocket.Connection, d *websocket.Data) {
		if d.Type != want {
			h.fe.set(fmt.Errorf("echo has type %v, want %v", d.Type, want))
			return
		}
		if err := check(d.Message, seq, len(p), tmpl); err != nil {
			h.fe.set(err)
			return
		}
		seq++
		if seq%every == 0 && time.Since(start) >= h.cfg.Dur {
			el = time.Since(start)
			h.fe.set(nil) // the run is over
			return
		}
		next(p, seq)
		if err := websocket.Send(c, p, opts); err != nil {
			h.fe.set(err)
		}
	})
	start = time.Now()
	next(p, 0)
	if err := websocket.Send(c, p, opts); err != nil {
		return 0, 0, err
	}
	if err := h.wait(nil); err != nil {
		return 0, 0, err
	}
	return int64(seq), el, nil
}

// pipe: Send does not block and does not copy, so the sender keeps a ring
// of h.cfg.Window buffers and reuses one only after its echo came back.
func (h *Hyb) Pipe() (int64, time.Duration, error) {
	c, setHandler, err := h.open1()
	if err != nil {
		return 0, 0, err
	}
	defer websocket.Disconnect(c)
	tmpl := newBig(PipeSize)
	ring := make([][]byte, h.cfg.Window)
	for i := range ring {
		ring[i] = append([]byte(nil), tmpl...)
	}
	free := make(chan struct{}, h.cfg.Window)
	for range h.cfg.Window {
		free <- struct{}{}
	}
	var total atomic.Uint64
	var next uint64
	var start time.Time
	var el time.Duration
	setHandler(func(c *websocket.Connection, d *websocket.Data) {
		if d.Type != websocket.DataTypeBinary {
			h.fe.set(fmt.Errorf("echo has type %v, want binary", d.Type))
			return
		}
		if err := check(d.Message, next, PipeSize, tmpl); err != nil {
			h.fe.set(err)
			return
		}
		next++
		free <- struct{}{}
		if t := total.Load(); t != 0 && next == t {
			el = time.Since(start)
			h.fe.set(nil) // the run is over
		}
	})
	start = time.Now()
	go func() {
		for seq := uint64(0); ; seq++ {
			select {
			case <-free:
			case <-h.fe.done:
				return
			}
			last := time.Since(start) >= h.cfg.Dur
			if last {
				total.Store(seq + 1)
			}
			p := ring[seq%uint64(h.cfg.Window)]
			putSeq(p, seq)
			if err := websocket.Send(c, p, nil); err != nil {
				h.fe.set(err)
				return
			}
			if last {
				return
			}
		}
	}()
	if err := h.wait(nil); err != nil {
		return 0, 0, err
	}
	return int64(next), el, nil
}

// openAll opens cfg.Conns connections, at most 32 dialling at once.
func (h *Hyb) openAll(onMsg func(i int, c *websocket.Connection, d *websocket.Data)) ([]*websocket.Connection, error) {
	conns := make([]*websocket.Connection, h.cfg.Conns)
	slots := make(chan struct{}, 32)
	var opened atomic.Int64
	all := make(chan struct{})
	for i := range conns {
		// Wait for a dial slot, dispatching meanwhile in Queue mode.
		for placed := false; !placed; {
			select {
			case slots <- struct{}{}:
				placed = true
			case <-h.fe.done:
				return nil, h.fe.err
			case <-h.q.Ready():
				h.q.Dispatch()
			}
		}
		c, err := h.connect(func(*websocket.Connection) {
			<-slots
			if opened.Add(1) == int64(len(conns)) {
				close(all)
			}
		}, func(c *websocket.Connection, d *websocket.Data) { onMsg(i, c, d) })
		if err != nil {
			return nil, err
		}
		conns[i] = c
	}
	if err := h.wait(all); err != nil {
		return nil, err
	}
	return conns, nil
}

func (h *Hyb) Idle() (*IdleCost, error) {
	before := memNow()
	conns, err := h.openAll(func(int, *websocket.Connection, *websocket.Data) {
		h.fe.set(errors.New("unexpected message"))
	})
	if err != nil {
		return nil, err
	}
	if h.q != nil {
		h.q.Dispatch()
	}
	time.Sleep(200 * time.Millisecond)
	cost := idleSince(before, len(conns))
	heapProfile(h.cfg.MemProfile)
	runtime.KeepAlive(conns)
	return cost, nil
}

func (h *Hyb) Many() (int64, time.Duration, error) {
	seqs := make([]uint64, h.cfg.Conns)
	bufs := make([][]byte, h.cfg.Conns)
	var left atomic.Int64
	left.Store(int64(h.cfg.Conns))
	trips := uint64(h.cfg.Trips)
	conns, err := h.openAll(func(i int, c *websocket.Connection, d *websocket.Data) {
		if err := check(d.Message, seqs[i], RTTSize, nil); err != nil {
			h.fe.set(err)
			return
		}
		seqs[i]++
		if seqs[i] == trips {
			if left.Add(-1) == 0 {
				h.fe.set(nil) // the run is over
			}
			return
		}
		fill(bufs[i], seqs[i], true)
		if err := websocket.Send(c, bufs[i], text); err != nil {
			h.fe.set(err)
		}
	})
	if err != nil {
		return 0, 0, err
	}
	defer func() {
		for _, c := range conns {
			websocket.Disconnect(c)
		}
	}()
	start := time.Now()
	for i, c := range conns {
		bufs[i] = make([]byte, RTTSize)
		fill(bufs[i], 0, true)
		if err := websocket.Send(c, bufs[i], text); err != nil {
			return 0, 0, err
		}
	}
	if err := h.wait(nil); err != nil {
		return 0, 0, err
	}
	return int64(len(conns)) * int64(trips), time.Since(start), nil
}
