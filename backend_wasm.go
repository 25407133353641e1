//go:build js && wasm

package websocket

import (
	"context"
	"net/http"

	"github.com/hybridws/websocket/wasm"
)

// inBrowser is true in a browser: Timeout, Headers and TLSConfig are
// validated and then ignored, as the page's WebSocket offers no control
// over them.
const inBrowser = true

func dial(ctx context.Context, cfg *dialConfig) (transport, *HandshakeResponse, error) {
	c, protocol, err := wasm.Dial(ctx, cfg.url, cfg.subprotocols)
	if err != nil {
		return nil, nil, err
	}
	return c, &HandshakeResponse{Status: 101, Headers: http.Header{}, Protocol: protocol}, nil
}
