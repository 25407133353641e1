//go:build js && wasm

package websocket_test

import "testing"

// connectingURL returns a URL whose connection is still connecting when
// the test's next statement runs: in a browser the socket cannot open
// before the test goroutine blocks and yields to the event loop.
func connectingURL(t testing.TB) string { return wsURL("/echo") }

// closedAddr returns a 127.0.0.1 address where nothing listens (port 1,
// tcpmux, is never served on the test machines).
func closedAddr(t testing.TB) string { return "127.0.0.1:1" }
