//go:build !js

package native

import (
	"sync/atomic"
	"time"
)

// liveTimers counts this package's timers that are armed: made and not yet
// stopped or fired (the keepalive pinger's, a ping's pong wait, the wait
// for the answer to a failing close frame).
var liveTimers atomic.Int64

// LiveTimers returns how many timers this package has armed right now. It
// is 0 once every connection has ended; tests use it to find a timer that
// outlives its connection, which goroutine counts cannot see.
func LiveTimers() int { return int(liveTimers.Load()) }

// afterFunc is time.AfterFunc, counted in liveTimers until it fires or
// stopTimer stops it.
func afterFunc(d time.Duration, f func()) *time.Timer {
	liveTimers.Add(1)
	return time.AfterFunc(d, func() {
		liveTimers.Add(-1)
		f()
	})
}

// stopTimer stops a timer made by afterFunc and reports whether it was armed.
func stopTimer(t *time.Timer) bool {
	if t.Stop() {
		liveTimers.Add(-1)
		return true
	}
	return false
}

// resetTimer re-arms a timer made by afterFunc.
func resetTimer(t *time.Timer, d time.Duration) {
	if !t.Reset(d) {
		liveTimers.Add(1) // it had fired or was stopped: armed again
	}
}
