package websocket

import "github.com/hybridws/websocket/internal/timers"

// liveTimers counts this package's armed timers (the close timer, a dial's
// deadline, a reconnect wait); it is 0 once every connection has ended,
// and the leak tests read it (export_test.go).
var liveTimers timers.Counter
