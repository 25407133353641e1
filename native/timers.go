//go:build !js

package native

import "github.com/hybridws/websocket/internal/live"

// liveTimers counts the armed timers (the keepalive pinger's, a ping's
// pong wait, the wait for the answer to a failing close frame), so that
// the leak tests can see one that outlives its connection.
var liveTimers = &live.Timers
