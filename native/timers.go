//go:build !js

package native

import "github.com/hybridws/websocket/internal/timers"

// liveTimers counts this package's armed timers (the keepalive pinger's, a
// ping's pong wait, the wait for the answer to a failing close frame).
var liveTimers timers.Counter

// LiveTimers returns how many timers this package has armed right now. It
// is 0 once every connection has ended; tests use it to find a timer that
// outlives its connection, which goroutine counts cannot see.
func LiveTimers() int { return liveTimers.Live() }
