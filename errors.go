package websocket

import (
	"errors"
)

// Errors returned by Connect, Send and Disconnect, and carried by
// Data.Err on EventError. Test them with errors.Is; the error texts add
// what was wrong.
var (
	// ErrInvalidArgument is wrapped by every bad-input error from Connect
	// and Send, together with one of the more precise errors below.
	ErrInvalidArgument = errors.New("invalid argument")
	// ErrNilCallback: Connect was given a nil callback.
	ErrNilCallback = errors.New("nil callback")
	// ErrInvalidURL: the URL is not ws://, wss://, http:// or https:// with a host and a valid port.
	ErrInvalidURL = errors.New("invalid URL")
	// ErrInvalidHeaders: Params.Headers is malformed or sets a header the handshake owns.
	ErrInvalidHeaders = errors.New("invalid headers")
	// ErrInvalidProtocol: Params.Protocol is not a comma-separated list of tokens.
	ErrInvalidProtocol = errors.New("invalid subprotocol")
	// ErrInvalidOptions: SendOptions.Type is neither DataTypeText nor
	// DataTypeBinary, or a Params field is out of range.
	ErrInvalidOptions = errors.New("invalid options")
	// ErrInvalidUTF8: a text message is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("text message is not valid UTF-8")
	// ErrNilConnection: Send or Disconnect was given a nil connection.
	ErrNilConnection = errors.New("nil connection")

	// ErrNotConnected: Send before EventConnected.
	ErrNotConnected = errors.New("not connected yet")
	// ErrClosed: Send after Disconnect, or after the connection closed.
	ErrClosed = errors.New("connection is closing or closed")
	// ErrSendQueueFull: Send would pass Params.SendQueueSize.
	ErrSendQueueFull = errors.New("send queue full")
	// ErrQueueFull: in a browser, a connection's events waiting in its
	// Queue passed the bound (16 MiB) because nothing called Dispatch; the
	// connection failed rather than let the page's memory grow without
	// end. Natively the connection stops reading instead.
	ErrQueueFull = errors.New("event queue full")

	// ErrDial: a dial failure that is none of the more precise kinds below:
	// refused, unreachable, DNS, or the browser's unexplained failure.
	ErrDial = errors.New("failed to connect")
	// ErrTimeout: the connection sequence took longer than Params.Timeout.
	ErrTimeout = errors.New("timed out")
	// ErrUpgradeRefused: the server answered the upgrade with a status other than 101.
	ErrUpgradeRefused = errors.New("upgrade refused")
	// ErrSubprotocol: the server chose none of the requested subprotocols.
	ErrSubprotocol = errors.New("subprotocol not accepted")
	// ErrTLS: the TLS handshake or certificate verification failed.
	ErrTLS = errors.New("TLS failure")
	// ErrProxy: natively, a proxy refused or failed the tunnel: it could
	// not be reached, did not answer in time, or refused (407 without or
	// with wrong credentials, 403, a gateway error, a SOCKS5 reply code).
	// The error says which proxy (never its password) and what it
	// answered.
	ErrProxy = errors.New("proxy failure")
	// ErrMessageTooBig: a received message was larger than Params.MaxMessageSize.
	ErrMessageTooBig = errors.New("message too big")
	// ErrProtocol: the server broke the WebSocket protocol.
	ErrProtocol = errors.New("protocol error")
	// ErrConnectionLost: the connection failed or ended without a close frame.
	ErrConnectionLost = errors.New("connection lost")
)

// Error is the type of every error this package returns. Op says what was
// being done ("connect", "send", ...), URL what was dialled, Kind is one of
// the sentinel errors above and Err the underlying cause, if any.
type Error struct {
	Op   string
	URL  string
	Kind error
	Msg  string // what went wrong, for a person
	Err  error
}

// Error returns "websocket: <op> <url>: <msg>: <cause>".
func (e *Error) Error() string {
	s := "websocket: " + e.Op
	if e.URL != "" {
		s += " " + e.URL
	}
	s += ": " + e.Msg
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the kind and the cause, so errors.Is matches both.
func (e *Error) Unwrap() []error {
	errs := []error{e.Kind}
	if isArgKind(e.Kind) {
		errs = append(errs, ErrInvalidArgument)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

func isArgKind(k error) bool {
	switch k {
	case ErrNilCallback, ErrInvalidURL, ErrInvalidHeaders, ErrInvalidProtocol,
		ErrInvalidOptions, ErrInvalidUTF8, ErrNilConnection:
		return true
	}
	return false
}

func newError(op, url string, kind error, msg string, cause error) *Error {
	return &Error{Op: op, URL: url, Kind: kind, Msg: msg, Err: cause}
}
