package websocket

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// describeDialError turns a backend's dial failure into an error a person
// can act on: what was dialled and what went wrong.
func describeDialError(rawURL string, timeout time.Duration, hs *HandshakeResponse, err, ctxErr error) error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	switch {
	case errors.Is(ctxErr, context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return newError("connect", rawURL, ErrTimeout, "timed out after "+timeout.String(), context.DeadlineExceeded)
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
	case errors.Is(err, syscall.ECONNREFUSED):
		return newError("connect", rawURL, ErrDial, "connection refused by "+hostPort(rawURL), err)
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return newError("connect", rawURL, ErrDial, "cannot resolve host "+strconv.Quote(dnsErr.Name), err)
	}
	return newError("connect", rawURL, ErrDial, "failed to connect to "+hostPort(rawURL), err)
}

// describeReadError explains why an open connection failed. code is the
// close code the transport reported for it.
func describeReadError(rawURL string, code int, writeErr, readErr error) error {
	switch {
	case writeErr != nil:
		return newError("send", rawURL, ErrConnectionLost, "failed to send", writeErr)
	case code == 1009:
		return newError("read", rawURL, ErrMessageTooBig, "the server sent a message larger than MaxMessageSize", readErr)
	case code == 1002:
		return newError("read", rawURL, ErrProtocol, "the server broke the WebSocket protocol", readErr)
	case code == 1007:
		return newError("read", rawURL, ErrInvalidUTF8, "the server sent invalid data", readErr)
	}
	return newError("read", rawURL, ErrConnectionLost, "connection lost without a close frame", readErr)
}

// isProtocolViolation reports a backend error that says the server broke
// the protocol (natively: a 101 answer with a bad handshake).
func isProtocolViolation(err error) bool {
	var pe interface{ ProtocolError() bool }
	return errors.As(err, &pe) && pe.ProtocolError()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func isTLS(err error) bool {
	var (
		cv  *tls.CertificateVerificationError
		rh  tls.RecordHeaderError
		ua  x509.UnknownAuthorityError
		hn  x509.HostnameError
		ci  x509.CertificateInvalidError
		alt tls.AlertError
	)
	return errors.As(err, &cv) || errors.As(err, &rh) || errors.As(err, &ua) ||
		errors.As(err, &hn) || errors.As(err, &ci) || errors.As(err, &alt) ||
		strings.Contains(fmtErr(err), "tls: ") ||
		// net/http's answer when a wss:// URL reaches a plain-TCP server
		strings.Contains(fmtErr(err), "server gave HTTP response to HTTPS client")
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
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
