package websocket

import (
	"context"
	"time"

	"github.com/hybridws/websocket/internal/wire"
)

// transport is the seam between the API and a backend: one open WebSocket
// that only moves bytes. native.Conn and wasm.Conn implement it without
// importing this package (backend_native.go and backend_wasm.go check it
// at compile time). Read is called from one goroutine only; the other
// methods may be called from any goroutine, concurrently with Read.
type transport interface {
	// Read blocks until one whole message arrives and returns its opcode
	// (wire.OpText or wire.OpBinary) and a fresh payload. Once the
	// connection has ended it returns an error, which End explains.
	Read() (typ int, p []byte, err error)
	// Write queues one message and returns at once: it never waits for
	// the network. It returns a *wire.QueueFullError, having queued
	// nothing, when the message would take what the transport holds past
	// dialConfig.sendLimit, and another error once the connection is
	// closing or has ended. It keeps no reference to p once it returns:
	// a message that has to wait is copied.
	Write(typ int, p []byte) error
	// Close queues the closing handshake with code and reason behind the
	// messages Write accepted, and returns at once; Read ends when the
	// handshake is done, or at Abort. Write fails from then on.
	Close(code int, reason string) error
	// Fail fails the connection: what waits to be sent is dropped where
	// the transport still holds it, and the close frame goes out with
	// code and reason (without a code where the backend may not send that
	// one: a browser sends only 1000 and 3000-4999). Read then ends. It
	// may wait a short time for the peer's answer (at most about a
	// second), never longer.
	Fail(code int, reason string)
	// Abort tears the connection down at once and never blocks for long;
	// a Read that waits returns. Once it returns the transport runs no
	// goroutine, timer or callback of its own. Safe to call more than
	// once.
	Abort()
	// Queued returns the payload bytes Write accepted that the network
	// has not taken yet (Stats.SendQueued).
	Queued() int64
	// End explains the error that ended Read, once Abort has run.
	End(readErr error) wire.End
}

// holder is what a transport adds that can write without waiting for the
// network (native, on Unix): Hold and Release bracket a callback; what the
// callback writes in between waits for Release, which writes it on the
// callback's goroutine, so a request/response exchange costs no goroutine
// switch and a burst goes out together.
type holder interface {
	Hold()
	Release()
}

// pinger is what a transport adds that sends keepalive pings (native):
// the last ping's round trip (0 before the first answer) and how many
// pings were answered.
type pinger interface {
	Pings() (rtt time.Duration, answered int64)
}

// dialConfig is what a backend needs to dial, after validation, and what
// the Connection keeps of its Params (a copy: changing Params after
// Connect changes nothing).
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
	rawURL    string // the URL as Connect got it, for error texts
	params    *Params
	queue     *Queue
	reconnect *Reconnect    // a copy of Params.Reconnect, nil without
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
