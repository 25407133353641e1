//go:build js && wasm

package websocket

import "github.com/hybridws/websocket/internal/live"

// LiveFuncs returns how many js.Funcs the backend holds: 0 once every
// connection has ended.
func LiveFuncs() int { return int(live.Funcs.Load()) }

// BrowserBuffered returns the bufferedAmount of c's browser WebSocket, or
// -1 while c has no open socket.
func BrowserBuffered(c *Connection) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.t == nil {
		return -1
	}
	return c.t.Queued()
}

// KeepAlivePongs returns -1: a page cannot ping (the browser answers the
// server's pings itself and sends none).
func KeepAlivePongs(*Connection) int64 { return -1 }
