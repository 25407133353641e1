package websocket

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hybridws/websocket/internal/neterr"
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
	cause := neterr.Classify(err)
	switch {
	case errors.Is(ctxErr, context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded):
		return newError("connect", rawURL, ErrTimeout, "timed out after "+timeout.String(), context.DeadlineExceeded)
	case cause == neterr.TimedOut || isTimeout(err):
		// The operating system or the HTTP client gave up before our
		// Timeout did.
		return newError("connect", rawURL, ErrTimeout, "timed out connecting to "+hostPort(rawURL), err)
	case isProtocolViolation(err):
		return newError("connect", rawURL, ErrProtocol, "the server's upgrade response broke the WebSocket protocol", err)
	case hs != nil && hs.Status != 0 && hs.Status != http.StatusSwitchingProtocols:
		msg := "upgrade refused with status " + strconv.Itoa(hs.Status)
		if t := http.StatusText(hs.Status); t != "" {
			msg += " " + t
		}
		return newError("connect", rawURL, ErrUpgradeRefused, msg, nil)
	case isTLS(err):
		return newError("connect", rawURL, ErrTLS, "TLS handshake failed", err)
	case cause == neterr.Refused:
		return newError("connect", rawURL, ErrDial, "connection refused by "+hostPort(rawURL), err)
	case cause == neterr.Unreachable:
		return newError("connect", rawURL, ErrDial, "no route to "+hostPort(rawURL), err)
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return newError("connect", rawURL, ErrDial, "cannot resolve host "+strconv.Quote(dnsErr.Name), err)
	}
	return newError("connect", rawURL, ErrDial, "failed to connect to "+hostPort(rawURL), err)
}

// describeReadError explains why an open connection failed. code is the
// close code the transport reported for it.
func describeReadError(rawURL string, code int, writeErr, readErr error) *Error {
	switch {
	case writeErr != nil:
		return newError("send", rawURL, ErrConnectionLost, "failed to send", writeErr)
	case code == CloseMessageTooBig:
		return newError("read", rawURL, ErrMessageTooBig, "the server sent a message larger than MaxMessageSize", readErr)
	case code == CloseProtocolError:
		return newError("read", rawURL, ErrProtocol, "the server broke the WebSocket protocol", readErr)
	case code == CloseInvalidFramePayloadData:
		return newError("read", rawURL, ErrInvalidUTF8, "the server sent invalid data", readErr)
	}
	if neterr.Classify(readErr) == neterr.Reset {
		return newError("read", rawURL, ErrConnectionLost, "the connection was reset without a close frame", readErr)
	}
	return newError("read", rawURL, ErrConnectionLost, "connection lost without a close frame", readErr)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// isTLS reports a TLS failure by the error's type: the certificate
// verification error, or the backend's mark for a failure during its TLS
// handshake (isTLSFailure). Never by text: crypto/tls words its errors
// differently across versions and builds most of them with fmt.Errorf.
func isTLS(err error) bool {
	var cv *tls.CertificateVerificationError
	return errors.As(err, &cv) || isTLSFailure(err)
}

// hostPort returns the address a URL dials, with the default port filled in.
func hostPort(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	if u.Port() != "" {
		return u.Host
	}
	port := "80"
	if u.Scheme == "wss" || u.Scheme == "https" {
		port = "443"
	}
	return net.JoinHostPort(u.Hostname(), port)
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
