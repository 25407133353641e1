package websocket

import (
	"context"
	"time"
)

// transport is the seam between the API and a backend: one open WebSocket
// that only moves bytes. native.Conn and wasm.Conn satisfy it without
// importing this package. Read is called from one goroutine only; Write,
// Close and Abort may be called from another, concurrently with Read.
type transport interface {
	// Read blocks until one whole message arrives and returns its opcode
	// (1 text, 2 binary) and a fresh payload.
	Read() (typ int, p []byte, err error)
	// Write sends one message. It may block on the network.
	Write(typ int, p []byte) error
	// Close starts the closing handshake with code and reason.
	Close(code int, reason string) error
	// Abort tears the connection down at once; it never blocks for long.
	Abort()
	// CloseStatus explains the error that ended Read: the close code that
	// ended the connection (the peer's, or the one we sent when we failed
	// it, or 1006), its reason, and whether the peer closed cleanly.
	CloseStatus(readErr error) (code int, reason string, clean bool)
	// Buffered returns the bytes accepted by Write but not yet sent, for
	// backends whose Write never blocks (the browser's bufferedAmount).
	// Backends whose Write blocks return -1.
	Buffered() int64
}

// dialConfig is what a backend needs to dial, after validation.
// Each backend file (backend_native.go, backend_wasm.go) provides
//
//	func dial(ctx context.Context, cfg *dialConfig) (transport, *HandshakeResponse, error)
//
// which dials one connection and, on a refused upgrade, returns the
// response together with the error.
type dialConfig struct {
	*request
	params  *Params
	timeout time.Duration // 0 in browsers: the timeout is ignored there
}

// dialFunc is the signature of both backends' dial.
type dialFunc = func(context.Context, *dialConfig) (transport, *HandshakeResponse, error)

var _ dialFunc = dial

// dialOverride is nil except in this package's tests (export_test.go),
// which use it to put a transport of their own (a socket whose writes
// never complete, ...) under a Connection for the URLs they choose.
var dialOverride func(url string) dialFunc

// dialTransport dials cfg with the backend, or with the tests' override.
func dialTransport(ctx context.Context, cfg *dialConfig) (transport, *HandshakeResponse, error) {
	if dialOverride != nil {
		if d := dialOverride(cfg.url); d != nil {
			return d(ctx, cfg)
		}
	}
	return dial(ctx, cfg)
}
