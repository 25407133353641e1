// Package faultproxy is a TCP proxy on loopback that injects faults, for
// tests: it can add latency, throttle bandwidth, stop forwarding while
// keeping connections open (a half-open link), reset every connection
// (RST), or die like a killed server process (every connection closed).
package faultproxy

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Proxy forwards every connection made to Addr to a target address.
type Proxy struct {
	ln     net.Listener
	target string

	mu        sync.Mutex
	cond      *sync.Cond // signalled when paused changes or a link closes
	paused    bool
	latency   time.Duration
	bandwidth int // bytes per second in each direction of each link; 0: unlimited
	buffer    int // SetBuffer's bound for links made from now on; 0: none
	links     map[*link]bool
	wg        sync.WaitGroup
	toServer  atomic.Int64 // bytes written to the target so far
}

// New listens on 127.0.0.1 and forwards to target (host:port).
func New(target string) (*Proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, target: target, links: map[*link]bool{}}
	p.cond = sync.NewCond(&p.mu)
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

// ToServer returns how many bytes the proxy has forwarded to the target so
// far, over every connection: a test waits on it to act mid-stream.
func (p *Proxy) ToServer() int64 { return p.toServer.Load() }

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.ln.Addr().String() }

// SetLatency delays every chunk of data by d, in both directions.
func (p *Proxy) SetLatency(d time.Duration) {
	p.mu.Lock()
	p.latency = d
	p.mu.Unlock()
}

// SetBandwidth limits each direction of each connection to bps bytes per
// second; 0 removes the limit.
func (p *Proxy) SetBandwidth(bps int) {
	p.mu.Lock()
	p.bandwidth = bps
	p.mu.Unlock()
}

// SetBuffer bounds what each connection made from now on takes from its
// sender ahead of forwarding it, in each direction, to about 5n bytes: a
// receive buffer of n (the kernel doubles it) and three reads of at most n
// in hand, instead of up to 18 reads of 16 KiB and what the system's
// receive-buffer autotuning allows (megabytes on loopback). Everything the proxy's kernel
// has taken, the sender's kernel sees acknowledged: without a bound, a
// throttled link takes a large message at once and then trickles it out,
// as a proxy on a fast network in front of a slow one does. With one, the
// sender sees its data acknowledged at about the link's speed, as on a
// slow link with nothing in between. 0 removes the bound.
func (p *Proxy) SetBuffer(n int) {
	p.mu.Lock()
	p.buffer = n
	p.mu.Unlock()
}

// Pause stops forwarding in both directions; connections stay open and
// nothing tells either side (a half-open link). Resume undoes it.
func (p *Proxy) Pause() {
	p.mu.Lock()
	p.paused = true
	p.mu.Unlock()
}

// Resume forwards again what Pause held back.
func (p *Proxy) Resume() {
	p.mu.Lock()
	p.paused = false
	p.cond.Broadcast()
	p.mu.Unlock()
}

// Reset resets every open connection: both sides get a TCP RST.
func (p *Proxy) Reset() {
	for _, l := range p.snapshot() {
		l.close(true)
	}
}

// Kill acts as a killed server process: it stops listening and closes
// every connection at once (FIN, or RST where data was left unread).
// New connections are refused.
func (p *Proxy) Kill() {
	p.ln.Close()
	for _, l := range p.snapshot() {
		l.close(false)
	}
}

// Close kills the proxy and waits for all its goroutines.
func (p *Proxy) Close() {
	p.Kill()
	p.wg.Wait()
}

func (p *Proxy) snapshot() []*link {
	p.mu.Lock()
	defer p.mu.Unlock()
	ls := make([]*link, 0, len(p.links))
	for l := range p.links {
		ls = append(ls, l)
	}
	return ls
}

func (p *Proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.DialTimeout("tcp", p.target, 5*time.Second)
		if err != nil {
			c.Close()
			continue
		}
		l := &link{p: p, client: c, server: s, done: make(chan struct{}), chunk: 16 << 10, chunks: 16}
		p.mu.Lock()
		if n := p.buffer; n > 0 {
			l.chunk, l.chunks = min(n, l.chunk), 1
			for _, conn := range []net.Conn{c, s} {
				// SO_RCVBUF also turns the kernel's autotuning off.
				conn.(*net.TCPConn).SetReadBuffer(n)
			}
		}
		l.open.Store(2)
		p.links[l] = true
		p.mu.Unlock()
		p.wg.Add(4)
		go l.pipe(c, s)
		go l.pipe(s, c)
	}
}

// link is one proxied connection.
type link struct {
	p              *Proxy
	client, server net.Conn
	once           sync.Once
	done           chan struct{}
	open           atomic.Int32 // directions still forwarding
	chunk, chunks  int          // the size of a read, and how many reads may wait
}

func (l *link) close(reset bool) {
	l.once.Do(func() {
		if reset {
			for _, c := range []net.Conn{l.client, l.server} {
				if tc, ok := c.(*net.TCPConn); ok {
					tc.SetLinger(0)
				}
			}
		}
		close(l.done)
		l.client.Close()
		l.server.Close()
		l.p.mu.Lock()
		delete(l.p.links, l)
		l.p.cond.Broadcast()
		l.p.mu.Unlock()
	})
}

type chunk struct {
	b  []byte
	at time.Time
}

// pipe forwards src to dst with two goroutines: a reader that stamps each
// chunk with its arrival time, and a writer that holds it back for the
// latency, the bandwidth limit and any pause.
func (l *link) pipe(src, dst net.Conn) {
	ch := make(chan chunk, l.chunks)
	go func() {
		defer l.p.wg.Done()
		defer close(ch)
		for {
			b := make([]byte, l.chunk)
			n, err := src.Read(b)
			if n > 0 {
				select {
				case ch <- chunk{b[:n], time.Now()}:
				case <-l.done:
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	defer l.p.wg.Done()
	defer func() {
		// src is finished: pass its FIN on, and close the link once both
		// directions are done.
		if tc, ok := dst.(*net.TCPConn); ok {
			tc.CloseWrite()
		}
		if l.open.Add(-1) == 0 {
			l.close(false)
		}
	}()
	for c := range ch {
		l.p.mu.Lock()
		for l.p.paused && !l.closed() {
			l.p.cond.Wait()
		}
		lat, bw := l.p.latency, l.p.bandwidth
		l.p.mu.Unlock()
		if l.closed() {
			return
		}
		wait := time.Until(c.at.Add(lat))
		if bw > 0 {
			wait = max(wait, 0) + time.Duration(len(c.b))*time.Second/time.Duration(bw)
		}
		if wait > 0 && !l.sleep(wait) {
			return
		}
		n, err := dst.Write(c.b)
		if dst == l.server {
			l.p.toServer.Add(int64(n))
		}
		if err != nil {
			l.close(false)
			return
		}
	}
}

func (l *link) closed() bool {
	select {
	case <-l.done:
		return true
	default:
		return false
	}
}

func (l *link) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-l.done:
		return false
	}
}
