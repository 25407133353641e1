//go:build !js

package websocket

import (
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"strconv"

	"github.com/hybridws/websocket/internal/neterr"
)

// The native half of describe.go: what the operating system, TLS and DNS
// say about a failure. In a browser none of it can happen (the page is
// told nothing), so none of it is linked into js/wasm builds.

// explainNetError returns the kind and the text of a dial failure that the
// operating system, TLS or DNS explains, a nil kind for any other. addr is
// the address dialled.
func explainNetError(err error, addr string) (kind error, msg string) {
	cause := neterr.Classify(err)
	switch {
	case cause == neterr.TimedOut || isTimeout(err):
		// The operating system or the HTTP client gave up before our
		// Timeout did.
		return ErrTimeout, "timed out connecting to " + addr
	case isTLS(err):
		return ErrTLS, "TLS handshake failed"
	case cause == neterr.Refused:
		return ErrDial, "connection refused by " + addr
	case cause == neterr.Unreachable:
		return ErrDial, "no route to " + addr
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return ErrDial, "cannot resolve host " + strconv.Quote(dnsErr.Name)
	}
	return nil, ""
}

// isReset reports an open connection that the peer reset or aborted.
func isReset(err error) bool { return neterr.Classify(err) == neterr.Reset }

// statusText returns the name of an HTTP status, such as "Forbidden".
func statusText(status int) string { return http.StatusText(status) }

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
