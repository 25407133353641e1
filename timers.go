package websocket

import "github.com/hybridws/websocket/internal/live"

// liveTimers counts the armed timers (the close timer, a dial's deadline,
// a reconnect wait), so that the leak tests can see one that outlives its
// connection.
var liveTimers = &live.Timers
