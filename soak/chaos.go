//go:build !js

package main

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/hybridws/websocket/internal/test/faultproxy"
	"github.com/hybridws/websocket/soak/client"
)

// proxyFaults are the faults a proxy injects: latency with jitter, a
// bandwidth limit, a stall shorter than the keepalive's PongTimeout (the
// connections live through it), a reset, and, natively, a half-open link:
// a stall long enough that keepalive must notice it.
type proxyFaults struct {
	// halfOpen, if set, adds half-open links. It is called as one begins,
	// and what it returns is called once the link has stayed half-open
	// for at least halfOpenMin, just before it comes back.
	halfOpen func() (end func())
}

// How long a half-open link lasts: longer than KeepAlive and PongTimeout
// together (nativeKeepAlive, nativePongTimeout), with room for a loaded
// machine.
const halfOpenMin, halfOpenMax = 12 * time.Second, 20 * time.Second

// run injects faults into p, one at a time, until ctx ends; every fault
// is undone before run returns.
func (pf proxyFaults) run(ctx context.Context, p *faultproxy.Proxy, mean time.Duration, f *client.Counts) {
	kinds := []string{"latency+jitter", "bandwidth", "stall", "reset"}
	if pf.halfOpen != nil {
		kinds = append(kinds, "half-open")
	}
	for sleep(ctx, expDur(mean)) {
		kind := kinds[rand.IntN(len(kinds))]
		f.Add("proxy " + kind)
		switch kind {
		case "latency+jitter":
			base := between(20*time.Millisecond, 300*time.Millisecond)
			end := time.Now().Add(between(10*time.Second, 40*time.Second))
			for time.Now().Before(end) {
				p.SetLatency(base/2 + time.Duration(rand.Int64N(int64(base))))
				if !sleep(ctx, 200*time.Millisecond) {
					break
				}
			}
			p.SetLatency(0)
		case "bandwidth":
			p.SetBandwidth(16<<10 + rand.IntN(112<<10))
			sleep(ctx, between(10*time.Second, 30*time.Second))
			p.SetBandwidth(0)
		case "stall":
			p.Pause()
			sleep(ctx, between(500*time.Millisecond, 3*time.Second))
			p.Resume()
		case "half-open":
			p.Pause()
			end := pf.halfOpen()
			if sleep(ctx, between(halfOpenMin, halfOpenMax)) {
				end()
			}
			p.Resume()
		case "reset":
			p.Reset()
		}
	}
}

// sleep waits d or until ctx ends; it reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// expDur draws an exponentially distributed duration of mean m.
func expDur(m time.Duration) time.Duration { return time.Duration(rand.ExpFloat64() * float64(m)) }

// between draws a duration in [lo, hi).
func between(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(rand.Int64N(int64(hi-lo)))
}
