//go:build !js

package websocket

import (
	"context"
	"errors"
	"time"

	"github.com/hybridws/websocket/native"
)

// inBrowser is false natively: Timeout, Headers and TLSConfig apply.
const inBrowser = false

func dial(ctx context.Context, cfg *dialConfig) (transport, *HandshakeResponse, error) {
	limit := cfg.params.MaxMessageSize
	if limit == 0 {
		limit = DefaultMaxMessageSize
	}
	c, hs, err := native.Dial(ctx, native.Options{
		URL:            cfg.url,
		Header:         cfg.header,
		Host:           cfg.host,
		Subprotocols:   cfg.subprotocols,
		TLSConfig:      cfg.params.TLSConfig,
		MaxMessageSize: limit,
		KeepAlive:      cfg.params.KeepAlive,
		PongTimeout:    cfg.params.PongTimeout,
		Compression:    cfg.params.Compression,
		Proxy:          cfg.params.Proxy,
		SendLimit:      cfg.sendLimit,
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

// A native connection is a transport that can write a callback's messages
// when it returns (holder) and pings (pinger).
var (
	_ transport = (*native.Conn)(nil)
	_ holder    = (*native.Conn)(nil)
	_ pinger    = (*native.Conn)(nil)
)

// dialCloseCode: a native dial that failed never had a close frame.
func dialCloseCode(error) int { return CloseAbnormalClosure }

// isProtocolViolation: the server answered 101 and broke the handshake.
func isProtocolViolation(err error) bool {
	var he *native.HandshakeError
	return errors.As(err, &he)
}

// isTLSFailure: native.Dial saw the failure between the TCP connection
// and a verified TLS handshake.
func isTLSFailure(err error) bool {
	var te *native.TLSError
	return errors.As(err, &te)
}

// retryFloor is 0: nothing but the backoff delays a native retry.
func retryFloor(string) time.Duration { return 0 }
