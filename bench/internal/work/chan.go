package work

import (
	"cmp"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"
)

// Chan is a blocking peer library used the way a game loop must use one:
// a reader goroutine per connection hands each message to the loop (the
// run's main goroutine) over a channel, and the loop checks it and sends
// the next message itself. It is the floor of Queue mode, which moves
// every event from the connection's goroutine to the loop's in the same
// way.
type Chan struct {
	dial Dial
	cfg  Config
}

// chanBuf is the channel's buffer: room for a burst, as a game loop
// would give it.
const chanBuf = 256

type inMsg struct {
	i   int // the connection's index
	typ int
	p   []byte
	err error
}

func NewChan(dial Dial, cfg Config) *Chan { return &Chan{dial: dial, cfg: cfg} }

// recv waits for the next message, as a game loop's select would, with a
// channel of its own (timeout) besides the messages'; a message that
// carries a read error returns it.
func recv(ch <-chan inMsg, timeout <-chan time.Time) (inMsg, error) {
	select {
	case m := <-ch:
		return m, m.err
	case <-timeout:
		return inMsg{}, errTimeout
	}
}

// readInto reads c until it fails, handing each message to ch as
// connection i's.
func readInto(ch chan<- inMsg, i int, c Conn) {
	for {
		typ, p, err := c.Read()
		ch <- inMsg{i, typ, p, err}
		if err != nil {
			return
		}
	}
}

func (l *Chan) RTT() (int64, time.Duration, error) {
	p := make([]byte, RTTSize)
	return l.roundTrips(p, nil, 1, func(p []byte, seq uint64) { fill(p, seq, true) }, 16)
}

func (l *Chan) Big() (int64, time.Duration, error) {
	p := newBig(BigSize)
	return l.roundTrips(p, p, 2, putSeq, 5)
}

func (l *Chan) roundTrips(p, tmpl []byte, typ int, next func([]byte, uint64), every uint64) (int64, time.Duration, error) {
	c, err := l.dial(l.cfg.URL)
	if err != nil {
		return 0, 0, err
	}
	defer c.Close()
	ch := make(chan inMsg, chanBuf)
	go readInto(ch, 0, c)
	start := time.Now()
	var seq uint64
	next(p, seq)
	if err := c.Write(typ, p); err != nil {
		return 0, 0, err
	}
	timeout := time.After(2*l.cfg.Dur + 60*time.Second)
	for {
		m, err := recv(ch, timeout)
		if err != nil {
			return 0, 0, err
		}
		if m.typ != typ {
			return 0, 0, fmt.Errorf("echo has type %d, want %d", m.typ, typ)
		}
		if err := check(m.p, seq, len(p), tmpl); err != nil {
			return 0, 0, err
		}
		seq++
		if seq%every == 0 && time.Since(start) >= l.cfg.Dur {
			break
		}
		next(p, seq)
		if err := c.Write(typ, p); err != nil {
			return 0, 0, err
		}
	}
	return int64(seq), time.Since(start), nil
}

func (l *Chan) Pipe() (int64, time.Duration, error) {
	c, err := l.dial(l.cfg.URL)
	if err != nil {
		return 0, 0, err
	}
	defer c.Close()
	tmpl := newBig(PipeSize)
	var total atomic.Uint64
	werr := make(chan error, 1)
	ch := make(chan inMsg, chanBuf)
	go readInto(ch, 0, c)
	start := time.Now()
	go func() {
		werr <- sendPipe(tmpl, start, l.cfg.Dur, &total, nil, func(p []byte) error { return c.Write(2, p) })
	}()
	var seq uint64
	timeout := time.After(2*l.cfg.Dur + 60*time.Second)
	for {
		m, err := recv(ch, timeout)
		if err != nil {
			return 0, 0, err
		}
		if m.typ != 2 {
			return 0, 0, fmt.Errorf("echo has type %d, want binary", m.typ)
		}
		if err := check(m.p, seq, PipeSize, tmpl); err != nil {
			return 0, 0, err
		}
		seq++
		if t := total.Load(); t != 0 && seq == t {
			break
		}
	}
	el := time.Since(start)
	if err := <-werr; err != nil {
		return 0, 0, err
	}
	return int64(seq), el, nil
}

func (l *Chan) Idle() (*IdleCost, error) {
	before := memNow()
	conns, err := dialAll(l.dial, l.cfg)
	if err != nil {
		return nil, err
	}
	ch := make(chan inMsg, chanBuf)
	for i, c := range conns {
		go readInto(ch, i, c)
	}
	time.Sleep(200 * time.Millisecond)
	cost := idleSince(before, len(conns))
	heapProfile(l.cfg.MemProfile)
	select {
	case m := <-ch:
		return nil, cmp.Or(m.err, errors.New("unexpected message"))
	default:
	}
	runtime.KeepAlive(conns)
	return cost, nil
}

func (l *Chan) Many() (int64, time.Duration, error) {
	conns, err := dialAll(l.dial, l.cfg)
	if err != nil {
		return 0, 0, err
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	ch := make(chan inMsg, chanBuf)
	for i, c := range conns {
		go readInto(ch, i, c)
	}
	seqs := make([]uint64, len(conns))
	bufs := make([][]byte, len(conns))
	trips := uint64(l.cfg.Trips)
	start := time.Now()
	for i, c := range conns {
		bufs[i] = make([]byte, RTTSize)
		fill(bufs[i], 0, true)
		if err := c.Write(1, bufs[i]); err != nil {
			return 0, 0, err
		}
	}
	timeout := time.After(2*l.cfg.Dur + 60*time.Second)
	for left := len(conns); left > 0; {
		m, err := recv(ch, timeout)
		if err != nil {
			return 0, 0, err
		}
		if err := check(m.p, seqs[m.i], RTTSize, nil); err != nil {
			return 0, 0, err
		}
		seqs[m.i]++
		if seqs[m.i] == trips {
			left--
			continue
		}
		fill(bufs[m.i], seqs[m.i], true)
		if err := conns[m.i].Write(1, bufs[m.i]); err != nil {
			return 0, 0, err
		}
	}
	return int64(len(conns)) * int64(trips), time.Since(start), nil
}
