package websocket

import (
	"context"
	"time"
)

// transport is the seam between the API and a backend: one open WebSocket
// that only moves bytes. native.Conn and wasm.Conn implement it without
// importing this package (backend_native.go and backend_wasm.go check it
// at compile time). Read is called from one goroutine only; the other
// methods may be called from any goroutine, concurrently with Read.
type transport interface {
	// Read blocks until one whole message arrives and returns its opcode
	// (1 text, 2 binary) and a fresh payload. After the end it returns
	// the error that CloseStatus explains.
	Read() (typ int, p []byte, err error)
	// Write queues one message and returns at once: it never waits for
	// the network. It returns a *wire.QueueFullError, having queued
	// nothing, when the message would take what the transport holds past
	// dialConfig.sendLimit, and another error once the connection is
	// closing or has ended. The transport may keep p until it is written.
	Write(typ int, p []byte) error
	// Hold and Release bracket a callback: a backend that can write
	// without waiting for the network keeps what is written in between
	// and writes it in Release, on the callback's goroutine.
	Hold()
	Release()
	// Close queues the closing handshake with code and reason behind the
	// messages Write accepted, and returns at once; Read ends when the
	// handshake is done, or at Abort.
	Close(code int, reason string) error
	// Fail fails the connection with code and reason: the close frame goes
	// out ahead of what waits, which is dropped. It returns once the frame
	// is sent, at most after a short wait for the peer.
	Fail(code int, reason string)
	// Abort tears the connection down at once; it never blocks for long.
	// Once it returns, the transport runs no goroutine of its own.
	Abort()
	// CloseStatus explains the error that ended Read: the close code that
	// ended the connection (the peer's, or the one we sent when we failed
	// it, or 1006), its reason, and whether the peer closed cleanly.
	CloseStatus(readErr error) (code int, reason string, clean bool)
	// Buffered returns what Write accepted and the network has not taken
	// yet, as counted against the send limit.
	Buffered() int64
	// Unsent returns, once the connection has ended, the payload bytes
	// that Write accepted and that were never sent.
	Unsent() int64
	// WriteErr returns the write failure that ended the connection, nil
	// if none did.
	WriteErr() error
}

// dialConfig is what a backend needs to dial, after validation.
// Each backend file (backend_native.go, backend_wasm.go) provides
//
//	func dial(ctx context.Context, cfg *dialConfig) (transport, *HandshakeResponse, error)
//
// which dials one connection and, on a refused upgrade, returns the
// response together with the error, three functions that read the
// backend's dial errors by their types, and one for the reconnect backoff:
//
//	func dialCloseCode(err error) int         // the close code of a failed dial (DISCONNECTED's Code)
//	func isProtocolViolation(err error) bool  // the server broke the protocol during the upgrade
//	func isTLSFailure(err error) bool         // the TLS handshake failed
//	func retryFloor(url string) time.Duration // the least wait before a retry to url (the browser's own delay)
type dialConfig struct {
	*request
	params    *Params
	timeout   time.Duration // 0 in browsers: the timeout is ignored there
	sendLimit int64         // SendQueueSize, or its default
}

// dialFunc is the signature of both backends' dial.
type dialFunc = func(context.Context, *dialConfig) (transport, *HandshakeResponse, error)

var (
	_ dialFunc                   = dial
	_ func(error) int            = dialCloseCode
	_ func(error) bool           = isProtocolViolation
	_ func(error) bool           = isTLSFailure
	_ func(string) time.Duration = retryFloor
)

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
