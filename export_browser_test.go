//go:build js && wasm

package websocket

// BrowserBuffered returns the bufferedAmount of c's browser WebSocket, or
// -1 while c has no open socket.
func BrowserBuffered(c *Connection) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.t == nil {
		return -1
	}
	return c.t.Buffered()
}

// KeepAlivePongs returns -1: a page cannot ping (the browser answers the
// server's pings itself and sends none).
func KeepAlivePongs(*Connection) int64 { return -1 }
