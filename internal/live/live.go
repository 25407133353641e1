// Package live counts what the library holds that must not outlive a
// connection and that goroutine counts cannot see: armed timers (made and
// not yet stopped or fired) and, in a browser, js.Funcs. Every count is 0
// once every connection has ended; the leak tests read them.
package live

import (
	"sync/atomic"
	"time"
)

// Timers counts the library's armed timers: the root package's (the close
// timer, a dial's deadline, a reconnect wait) and native/'s (the keepalive
// pinger's, a ping's pong wait, the wait for the answer to a failing close
// frame).
var Timers Counter

// Funcs counts the js.Funcs wasm/ made and has not released yet.
var Funcs atomic.Int64

// Counter counts armed timers. The zero Counter is ready to use.
type Counter struct{ n atomic.Int64 }

// Live returns how many timers are armed right now.
func (c *Counter) Live() int { return int(c.n.Load()) }

// Add counts a timer armed (+1) or disarmed (-1) by hand, for a
// time.Timer whose channel the caller reads.
func (c *Counter) Add(delta int64) { c.n.Add(delta) }

// AfterFunc is time.AfterFunc, counted until it fires or Stop stops it.
func (c *Counter) AfterFunc(d time.Duration, f func()) *time.Timer {
	c.n.Add(1)
	return time.AfterFunc(d, func() {
		c.n.Add(-1)
		f()
	})
}

// Stop stops a timer made by AfterFunc and reports whether it was armed.
func (c *Counter) Stop(t *time.Timer) bool {
	if t.Stop() {
		c.n.Add(-1)
		return true
	}
	return false
}

// Reset re-arms a timer made by AfterFunc.
func (c *Counter) Reset(t *time.Timer, d time.Duration) {
	if !t.Reset(d) {
		c.n.Add(1) // it had fired or was stopped: armed again
	}
}

// Cancel counts a context's deadline timer (context.WithTimeout) until
// the returned cancel function is first called.
func (c *Counter) Cancel(cancel func()) func() {
	c.n.Add(1)
	var done atomic.Bool
	return func() {
		cancel()
		if done.CompareAndSwap(false, true) {
			c.n.Add(-1)
		}
	}
}
