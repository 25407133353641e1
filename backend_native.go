//go:build !js

package websocket

import (
	"context"

	"github.com/hybridws/websocket/native"
)

// inBrowser is false natively: Timeout, Headers and TLSConfig apply.
const inBrowser = false

func dial(ctx context.Context, cfg *dialConfig) (transport, *HandshakeResponse, error) {
	max := cfg.params.MaxMessageSize
	if max == 0 {
		max = DefaultMaxMessageSize
	}
	c, hs, err := native.Dial(ctx, native.Options{
		URL:            cfg.url,
		Header:         cfg.header,
		Host:           cfg.host,
		Subprotocols:   cfg.subprotocols,
		TLSConfig:      cfg.params.TLSConfig,
		MaxMessageSize: max,
		KeepAlive:      cfg.params.KeepAlive,
		PongTimeout:    cfg.params.PongTimeout,
		Compression:    cfg.params.Compression,
	})
	var resp *HandshakeResponse
	if hs.Status != 0 {
		resp = &HandshakeResponse{Status: hs.Status, Headers: hs.Header, Response: hs.Body, Protocol: hs.Protocol}
	}
	if err != nil {
		return nil, resp, err
	}
	return c, resp, nil
}
