//go:build js && wasm

package websocket

import (
	"context"
	"net/http"

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
	c, protocol, err := wasm.DialSink(ctx, cfg.url, cfg.subprotocols, jspayload.Sink(cfg.params))
	if err != nil {
		return nil, nil, err
	}
	return c, &HandshakeResponse{Status: 101, Headers: http.Header{}, Protocol: protocol}, nil
}
