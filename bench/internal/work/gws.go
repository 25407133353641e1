//go:build !js

package work

import (
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/lxzan/gws"
)

// github.com/lxzan/gws, event-driven like this library: each connection's
// ReadLoop goroutine calls OnMessage, and everything happens there, as in
// the hybrid client (WriteMessage writes at once, under the connection's
// lock; the message's buffer goes back to gws's pool with Close).

// Gws runs the workloads on gws clients with its default options.
type Gws struct {
	cfg Config
	fe  *firstErr
}

func NewGws(cfg Config) *Gws { return &Gws{cfg: cfg, fe: newFirstErr()} }

func init() { runners["gws"] = func(cfg Config) Runner { return NewGws(cfg) } }

// gwsHandler is one connection's gws.Event.
type gwsHandler struct {
	gws.BuiltinEventHandler
	fe    *firstErr
	onMsg func(c *gws.Conn, typ gws.Opcode, p []byte)
}

func (h *gwsHandler) OnMessage(c *gws.Conn, m *gws.Message) {
	h.onMsg(c, m.Opcode, m.Bytes())
	m.Close()
}

func (h *gwsHandler) OnClose(c *gws.Conn, err error) {
	h.fe.set(fmt.Errorf("gws: connection closed: %v", err))
}

// dial opens one connection and starts its ReadLoop; onMsg may be set
// until the first message is sent.
func (g *Gws) dial() (*gws.Conn, *gwsHandler, error) {
	h := &gwsHandler{fe: g.fe}
	c, _, err := gws.NewClient(h, &gws.ClientOption{Addr: g.cfg.URL, HandshakeTimeout: 30 * time.Second, ReadMaxPayloadSize: 64 << 20})
	if err != nil {
		return nil, nil, err
	}
	return c, h, nil
}

// closeAll closes conns without reporting their end as a failure.
func (g *Gws) closeAll(conns ...*gws.Conn) {
	g.fe.set(nil) // the run is over: OnClose reports nothing from here
	for _, c := range conns {
		if c != nil {
			c.NetConn().Close()
		}
	}
}

func (g *Gws) wait(done <-chan struct{}) error {
	select {
	case <-done:
		return nil
	case <-g.fe.done:
		return g.fe.err
	case <-time.After(2*g.cfg.Dur + 60*time.Second):
		return errTimeout
	}
}

func (g *Gws) RTT() (int64, time.Duration, error) {
	p := make([]byte, RTTSize)
	return g.roundTrips(p, nil, gws.OpcodeText, func(p []byte, seq uint64) { fill(p, seq, true) }, 16)
}

func (g *Gws) Big() (int64, time.Duration, error) {
	p := newBig(BigSize)
	return g.roundTrips(p, p, gws.OpcodeBinary, putSeq, 5)
}

// roundTrips is Hyb.roundTrips on gws.
func (g *Gws) roundTrips(p, tmpl []byte, op gws.Opcode, next func([]byte, uint64), every uint64) (int64, time.Duration, error) {
	c, h, err := g.dial()
	if err != nil {
		return 0, 0, err
	}
	done := make(chan struct{})
	var seq uint64
	var start time.Time
	var el time.Duration
	h.onMsg = func(c *gws.Conn, typ gws.Opcode, e []byte) {
		if typ != op {
			g.fe.set(fmt.Errorf("echo has opcode %d, want %d", typ, op))
			return
		}
		if err := check(e, seq, len(p), tmpl); err != nil {
			g.fe.set(err)
			return
		}
		seq++
		if seq%every == 0 && time.Since(start) >= g.cfg.Dur {
			el = time.Since(start)
			close(done)
			return
		}
		next(p, seq)
		if err := c.WriteMessage(op, p); err != nil {
			g.fe.set(err)
		}
	}
	go c.ReadLoop()
	start = time.Now()
	next(p, 0)
	if err := c.WriteMessage(op, p); err != nil {
		return 0, 0, err
	}
	err = g.wait(done)
	g.closeAll(c)
	if err != nil {
		return 0, 0, err
	}
	return int64(seq), el, nil
}

func (g *Gws) Pipe() (int64, time.Duration, error) {
	c, h, err := g.dial()
	if err != nil {
		return 0, 0, err
	}
	tmpl := newBig(PipeSize)
	var total atomic.Uint64
	done := make(chan struct{})
	var next uint64
	var start time.Time
	var el time.Duration
	h.onMsg = func(c *gws.Conn, typ gws.Opcode, e []byte) {
		if typ != gws.OpcodeBinary {
			g.fe.set(fmt.Errorf("echo has opcode %d, want binary", typ))
			return
		}
		if err := check(e, next, PipeSize, tmpl); err != nil {
			g.fe.set(err)
			return
		}
		next++
		if t := total.Load(); t != 0 && next == t {
			el = time.Since(start)
			close(done)
		}
	}
	go c.ReadLoop()
	start = time.Now()
	go func() {
		if err := sendPipe(tmpl, start, g.cfg.Dur, &total, nil, func(p []byte) error { return c.WriteMessage(gws.OpcodeBinary, p) }); err != nil {
			g.fe.set(err)
		}
	}()
	err = g.wait(done)
	g.closeAll(c)
	if err != nil {
		return 0, 0, err
	}
	return int64(next), el, nil
}

// dialAll opens cfg.Conns connections, 32 dialling at once, with onMsg(i,
// ...) for connection i, and starts their ReadLoops.
func (g *Gws) dialAll(onMsg func(i int, c *gws.Conn, typ gws.Opcode, p []byte)) ([]*gws.Conn, error) {
	conns := make([]*gws.Conn, g.cfg.Conns)
	err := dialEach(len(conns), func(i int) error {
		c, h, err := g.dial()
		if err != nil {
			return err
		}
		h.onMsg = func(c *gws.Conn, typ gws.Opcode, p []byte) { onMsg(i, c, typ, p) }
		conns[i] = c
		return nil
	})
	if err != nil {
		g.closeAll(conns...)
		return nil, err
	}
	for _, c := range conns {
		go c.ReadLoop()
	}
	return conns, nil
}

func (g *Gws) Idle() (*IdleCost, error) {
	before := memNow()
	conns, err := g.dialAll(func(int, *gws.Conn, gws.Opcode, []byte) {
		g.fe.set(errors.New("unexpected message"))
	})
	if err != nil {
		return nil, err
	}
	time.Sleep(200 * time.Millisecond)
	cost := idleSince(before, len(conns))
	heapProfile(g.cfg.MemProfile)
	runtime.KeepAlive(conns)
	g.closeAll(conns...)
	return cost, nil
}

func (g *Gws) Many() (int64, time.Duration, error) {
	seqs := make([]uint64, g.cfg.Conns)
	bufs := make([][]byte, g.cfg.Conns)
	var left atomic.Int64
	left.Store(int64(g.cfg.Conns))
	done := make(chan struct{})
	trips := uint64(g.cfg.Trips)
	conns, err := g.dialAll(func(i int, c *gws.Conn, _ gws.Opcode, p []byte) {
		if err := check(p, seqs[i], RTTSize, nil); err != nil {
			g.fe.set(err)
			return
		}
		seqs[i]++
		if seqs[i] == trips {
			if left.Add(-1) == 0 {
				close(done)
			}
			return
		}
		fill(bufs[i], seqs[i], true)
		if err := c.WriteMessage(gws.OpcodeText, bufs[i]); err != nil {
			g.fe.set(err)
		}
	})
	if err != nil {
		return 0, 0, err
	}
	start := time.Now()
	for i, c := range conns {
		bufs[i] = make([]byte, RTTSize)
		fill(bufs[i], 0, true)
		if err := c.WriteMessage(gws.OpcodeText, bufs[i]); err != nil {
			g.closeAll(conns...)
			return 0, 0, err
		}
	}
	err = g.wait(done)
	el := time.Since(start)
	g.closeAll(conns...)
	if err != nil {
		return 0, 0, err
	}
	return int64(len(conns)) * int64(trips), el, nil
}
