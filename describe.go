package websocket

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"
)

// describeDialError turns a backend's dial failure into an error a person
// can act on: what was dialled and what went wrong.
func describeDialError(rawURL string, timeout time.Duration, hs *HandshakeResponse, err, ctxErr error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	if pe, _ := proxyFailure(err); pe != nil {
		msg := "proxy failed"
		if errors.Is(ctxErr, context.DeadlineExceeded) {
			msg = "timed out after " + timeout.String()
		}
		return newError("connect", rawURL, ErrProxy, msg, pe)
	}
	switch {
	case errors.Is(ctxErr, context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded):
		return newError("connect", rawURL, ErrTimeout, "timed out after "+timeout.String(), context.DeadlineExceeded)
	case isProtocolViolation(err):
		return newError("connect", rawURL, ErrProtocol, "the server's upgrade response broke the WebSocket protocol", err)
	case hs != nil && hs.Status != 0 && hs.Status != 101: // 101 Switching Protocols
		msg := "upgrade refused with status " + strconv.Itoa(hs.Status)
		if t := statusText(hs.Status); t != "" {
			msg += " " + t
		}
		return newError("connect", rawURL, ErrUpgradeRefused, msg, nil)
	}
	addr := hostPort(rawURL)
	if kind, msg := explainNetError(err, addr); kind != nil {
		return newError("connect", rawURL, kind, msg, err)
	}
	return newError("connect", rawURL, ErrDial, "failed to connect to "+addr, err)
}

// describeReadError explains why an open connection failed. code is the
// close code the transport reported for it.
//
// A close code that says why (1009, 1002, 1007: the read side failed the
// connection) wins over a write error: a Send in flight when the
// connection was failed then fails too, and is not the cause.
func describeReadError(rawURL string, code int, writeErr, readErr error) *Error {
	switch {
	case code == CloseMessageTooBig:
		return newError("read", rawURL, ErrMessageTooBig, "the server sent a message larger than MaxMessageSize", readErr)
	case code == CloseProtocolError:
		return newError("read", rawURL, ErrProtocol, "the server broke the WebSocket protocol", readErr)
	case code == CloseInvalidFramePayloadData:
		return newError("read", rawURL, ErrInvalidUTF8, "the server sent invalid data", readErr)
	case writeErr != nil:
		return newError("send", rawURL, ErrConnectionLost, "failed to send", writeErr)
	}
	if isReset(readErr) {
		return newError("read", rawURL, ErrConnectionLost, "the connection was reset without a close frame", readErr)
	}
	return newError("read", rawURL, ErrConnectionLost, "connection lost without a close frame", readErr)
}

// hostPort returns the address a URL dials, with the default port filled in.
func hostPort(rawURL string) string {
	u, err := splitURL(rawURL)
	if err != nil {
		return rawURL
	}
	if u.port == "" {
		u.port = "80"
		if strings.HasPrefix(u.url, "wss:") {
			u.port = "443"
		}
	}
	return u.host + ":" + u.port
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
