//go:build js && wasm

package websocket

import (
	"context"
	"errors"
	"time"

	"github.com/hybridws/websocket/internal/jspayload"
	"github.com/hybridws/websocket/wasm"
)

// inBrowser is true in a browser: Timeout, Headers and TLSConfig are
// validated and then ignored, as the page's WebSocket offers no control
// over them.
const inBrowser = true

func dial(ctx context.Context, cfg *dialConfig) (transport, *HandshakeResponse, error) {
	// The JavaScript API may have left a message handler for this
	// connection, keyed by its Params (internal/jspayload).
	c, protocol, err := wasm.Dial(ctx, cfg.url, wasm.Options{
		Protocols: cfg.subprotocols,
		SendLimit: cfg.sendLimit,
		Sink:      jspayload.Sink(cfg.params),
	})
	if err != nil {
		return nil, nil, err
	}
	return c, &HandshakeResponse{Status: 101, Headers: Header{}, Protocol: protocol}, nil
}

var _ transport = (*wasm.Conn)(nil)

// dialCloseCode returns the close event's code of a dial the browser
// failed (usually 1006).
func dialCloseCode(err error) int {
	var de *wasm.DialError
	if errors.As(err, &de) {
		return de.Code
	}
	return CloseAbnormalClosure
}

// isProtocolViolation is false: a browser does not say why a dial failed.
func isProtocolViolation(error) bool { return false }

// isTLSFailure is false: a browser does not say why a dial failed.
func isTLSFailure(error) bool { return false }

// retryFloor returns how long the browser itself would hold an attempt to
// url made now: Firefox delays one to a host and path whose last attempt
// failed, holding up every other socket to that host meanwhile
// (wasm.DialDelay). A retry waits at least that long, so that RetryIn is
// when the attempt really starts.
func retryFloor(url string) time.Duration { return wasm.DialDelay(url) }
