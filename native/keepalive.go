//go:build !js

package native

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// errNoPong cancels a keepalive ping that got no answer in time.
var errNoPong = errors.New("no pong")

// keepAlive pings the server every interval and kills the connection when,
// for timeout after a ping, nothing moves at all: no pong, no other byte
// from the server, no byte of ours accepted by a socket that had pushed
// back, while the connection is reading. Time while the reader is paused
// (a slow callback, a full Queue) does not count, nor does time spent
// moving a large message that the ping or its pong waits behind: bytes a
// socket that had pushed back takes, and, on Linux, the peer's
// acknowledgements of what was sent ahead of the ping (a slow link's
// kernel buffers can hold seconds of it). Bytes a socket with room takes
// at once are no sign of life: it takes them whether or not the peer is
// there.
type keepAlive struct {
	c        *Conn
	interval time.Duration
	timeout  time.Duration

	inRead atomic.Bool  // the reader is blocked in Read
	reads  atomic.Int64 // Read calls that returned
	pongs  atomic.Int64 // pings answered
	rtt    atomic.Int64 // the last answered ping's round trip, in nanoseconds

	// ctx ends with stop, and with it the ping in flight: its wait is
	// extended for as long as the reader is paused, and stop may be
	// called from the reader itself (a callback's Send that fails).
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	err    atomic.Pointer[error] // why keepalive killed the connection
}

func (c *Conn) startKeepAlive(interval, timeout time.Duration) {
	if timeout <= 0 {
		timeout = interval
	}
	k := &keepAlive{c: c, interval: interval, timeout: timeout}
	k.ctx, k.cancel = context.WithCancel(context.Background())
	c.ka = k
	// The pinger's timer is made here, so it is counted from the moment the
	// connection has keepalive, and lives (counted) as long as run.
	t := time.NewTimer(interval)
	liveTimers.Add(1)
	k.wg.Add(1)
	go k.run(t)
}

// stop ends the pinger, and a ping in flight, and waits for it. Safe on a
// nil keepAlive.
func (k *keepAlive) stop() {
	if k == nil {
		return
	}
	k.cancel()
	k.wg.Wait()
}

func (k *keepAlive) reading(on bool) {
	if k == nil {
		return
	}
	k.inRead.Store(on)
	if !on {
		k.reads.Add(1)
	}
}

// Pings returns the round trip of the last keepalive ping the server
// answered (0 before the first) and how many it has answered: zeros
// without keepalive.
func (c *Conn) Pings() (rtt time.Duration, answered int64) {
	if c.ka == nil {
		return 0, 0
	}
	return time.Duration(c.ka.rtt.Load()), c.ka.pongs.Load()
}

// failure returns the keepalive error if keepalive killed the connection.
func (k *keepAlive) failure() error {
	if k == nil {
		return nil
	}
	if p := k.err.Load(); p != nil {
		return *p
	}
	return nil
}

func (k *keepAlive) run(t *time.Timer) {
	defer k.wg.Done()
	defer func() {
		t.Stop()
		liveTimers.Add(-1)
	}()
	for {
		select {
		case <-k.ctx.Done():
			return
		case <-t.C:
		}
		start := time.Now()
		if err := k.ping(); err != nil {
			if errors.Is(err, errNoPong) {
				err = fmt.Errorf("keepalive: no answer from the server within %v of a ping: %w", k.timeout, err)
				k.err.Store(&err)
				k.c.kill()
			}
			return // otherwise the connection is closing: the reader says why
		}
		k.rtt.Store(int64(time.Since(start)))
		k.pongs.Add(1)
		t.Reset(k.interval)
	}
}

// kill closes the connection without a close frame: the server is gone.
func (c *Conn) kill() {
	if c.rd != nil {
		c.body.Close()
		return
	}
	c.ws.CloseNow()
}

// ping sends a ping and waits for its pong, or ctx's end.
func (c *Conn) ping(ctx context.Context) error {
	if c.rd != nil {
		return c.rd.ping(ctx)
	}
	return c.ws.Ping(ctx)
}

// maxPingFrame is the size of our own ping frame at most: 2 bytes of
// header, a 4-byte mask and a decimal counter.
const maxPingFrame = 26

// progress returns what came in from the server so far, what of ours the
// socket accepted, and what of that the peer acknowledged (-1 where the
// system does not say: outq_linux.go).
func (k *keepAlive) progress() (in, out, acked int64) {
	in, acked = k.reads.Load(), -1
	if b := k.c.body; b != nil {
		in += b.got.Load()
		q := -1
		if b.nb != nil {
			q = b.nb.unacked() // first: a write after it makes acked look smaller, never larger
		}
		out = b.put.Load()
		if q >= 0 {
			acked = out - int64(q)
		}
	}
	return in, out, acked
}

// ping sends one ping and waits for its pong, extending the wait for as
// long as bytes keep arriving or the reader is paused.
func (k *keepAlive) ping() error {
	ctx, cancel := context.WithCancelCause(k.ctx)
	defer cancel(nil)
	var (
		mu      sync.Mutex
		stopped bool
		tm      *time.Timer
	)
	markIn, markOut, markAcked := k.progress()
	// The ping goes into the byte stream behind what the spill holds;
	// until the peer has acknowledged that far, the pong cannot come, and
	// its acknowledgements of what goes ahead are signs of life. Past the
	// ping they are not: a server that hangs with its kernel still
	// acknowledging must not keep the ping's wait going.
	pingEnd := markOut + k.c.spilled() + maxPingFrame
	markOut += maxPingFrame // the ping itself is no sign of life
	check := func() {
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return
		}
		if in, out, acked := k.progress(); in != markIn || out > markOut && k.c.writeWaits() || acked > markAcked && acked < pingEnd || !k.inRead.Load() {
			markIn, markOut, markAcked = in, max(out, markOut), max(acked, markAcked)
			liveTimers.Reset(tm, k.timeout)
			return
		}
		cancel(errNoPong)
	}
	mu.Lock()
	tm = liveTimers.AfterFunc(k.timeout, check)
	mu.Unlock()
	err := k.c.ping(ctx)
	mu.Lock()
	stopped = true
	liveTimers.Stop(tm)
	mu.Unlock()
	if err != nil && errors.Is(context.Cause(ctx), errNoPong) {
		return errNoPong
	}
	return err
}
