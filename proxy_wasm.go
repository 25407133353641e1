//go:build js && wasm

package websocket

// proxyFailure finds none: a browser dials through its own proxy settings
// and never says why a dial failed.
func proxyFailure(error) (error, bool) { return nil, false }
