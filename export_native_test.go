//go:build !js

package websocket

import "github.com/hybridws/websocket/native"

// KeepAlivePongs returns how many keepalive pings of c the server has
// answered, or -1 when c is not open.
func KeepAlivePongs(c *Connection) int64 {
	c.mu.Lock()
	t := c.t
	c.mu.Unlock()
	if nc, ok := t.(*native.Conn); ok {
		_, n := nc.Pings()
		return n
	}
	return -1
}
