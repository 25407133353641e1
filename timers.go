package websocket

import (
	"sync/atomic"
	"time"
)

// liveTimers counts this package's timers that are armed: made and not yet
// stopped or fired. It is 0 once every connection has ended; the leak
// tests read it (export_test.go), since a timer is no goroutine and the
// goroutine counts cannot see one left running.
var liveTimers atomic.Int64

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

// countedCancel counts a context's deadline timer (context.WithTimeout)
// in liveTimers until its cancel function is first called.
func countedCancel(cancel func()) func() {
	liveTimers.Add(1)
	var done atomic.Bool
	return func() {
		cancel()
		if done.CompareAndSwap(false, true) {
			liveTimers.Add(-1)
		}
	}
}
