// Package lagproxy is a TCP proxy on loopback, for tests, that delays what
// passes through it the way a long and uneven path does: a latency, a
// jitter around it, and now and then a spike, set for each direction on
// its own. Like TCP it keeps each direction in order, so a chunk that is
// late holds back the ones behind it.
package lagproxy

import (
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Delay is how one direction is delayed. Each chunk read waits Latency
// plus a uniform random part of ±Jitter, and with probability SpikeRate
// Spike more; it never overtakes the chunk before it.
type Delay struct {
	Latency   time.Duration
	Jitter    time.Duration
	SpikeRate float64 // 0 to 1
	Spike     time.Duration
}

// Proxy forwards every connection made to Addr to a target address.
type Proxy struct {
	ln     net.Listener
	target string

	mu       sync.Mutex
	toServer Delay
	toClient Delay
	rng      *rand.Rand
	conns    map[net.Conn]bool
	closed   bool
	wg       sync.WaitGroup
	spikes   atomic.Int64
}

// New listens on 127.0.0.1 and forwards to target (host:port).
func New(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, target: target, rng: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())), conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// Set sets the delays of what goes to the server and what comes back, for
// the chunks read from now on.
func (p *Proxy) Set(toServer, toClient Delay) {
	p.mu.Lock()
	p.toServer, p.toClient = toServer, toClient
	p.mu.Unlock()
}

// Spikes returns how many chunks have had a spike so far.
func (p *Proxy) Spikes() int64 { return p.spikes.Load() }

// Close stops listening, closes every connection and waits for the
// proxy's goroutines.
func (p *Proxy) Close() error {
	err := p.ln.Close()
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return err
}

// delay draws the wait of one chunk.
func (p *Proxy) delay(toServer bool) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	d := p.toClient
	if toServer {
		d = p.toServer
	}
	wait := d.Latency
	if d.Jitter > 0 {
		wait += time.Duration(p.rng.Int64N(int64(2*d.Jitter)+1)) - d.Jitter
	}
	if d.SpikeRate > 0 && p.rng.Float64() < d.SpikeRate {
		wait += d.Spike
		p.spikes.Add(1)
	}
	return max(wait, 0)
}

// track records c so that Close closes it; false once closed.
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		c.Close()
		return false
	}
	p.conns[c] = true
	return true
}

func (p *Proxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go p.link(client)
	}
}

// link forwards one connection both ways until both directions end.
func (p *Proxy) link(client net.Conn) {
	defer p.wg.Done()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		client.Close()
		return
	}
	if !p.track(client) || !p.track(server) {
		client.Close()
		server.Close()
		return
	}
	defer p.untrack(client)
	defer p.untrack(server)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); p.pipe(client, server, true) }()
	go func() { defer wg.Done(); p.pipe(server, client, false) }()
	wg.Wait()
}

// chunk is data read at one time, due for writing at due.
type chunk struct {
	b   []byte
	due time.Time
}

// pipe copies src to dst, each chunk at its due time, in order. At the end
// of src it ends dst's writing side; on a write error it closes both.
func (p *Proxy) pipe(src, dst net.Conn, toServer bool) {
	q := make(chan chunk, 1024)
	go func() {
		defer close(q)
		var last time.Time
		for {
			b := make([]byte, 32<<10)
			n, err := src.Read(b)
			if n > 0 {
				due := time.Now().Add(p.delay(toServer))
				if due.Before(last) {
					due = last
				}
				last = due
				q <- chunk{b[:n], due}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range q {
		time.Sleep(time.Until(c.due))
		if _, err := dst.Write(c.b); err != nil {
			src.Close()
			dst.Close()
			for range q { // the reader stops once src is closed
			}
			return
		}
	}
	if tc, ok := dst.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
}
