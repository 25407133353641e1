package websocket

import (
	"strconv"
	"time"
)

// Event says what happened on a connection.
type Event int

// The four events a Callback receives.
const (
	EventConnected    Event = 0
	EventDisconnected Event = 1
	EventMessage      Event = 2
	EventError        Event = 3
)

// String returns the event's name, such as "CONNECTED".
func (e Event) String() string {
	switch e {
	case EventConnected:
		return "CONNECTED"
	case EventDisconnected:
		return "DISCONNECTED"
	case EventMessage:
		return "MESSAGE"
	case EventError:
		return "ERROR"
	}
	return "Event(" + strconv.Itoa(int(e)) + ")"
}

// DataType is the type of a message: text or binary. The values are the
// WebSocket opcodes.
type DataType int

// The two data types.
const (
	DataTypeText   DataType = 1 // the WebSocket opcodes, on every backend
	DataTypeBinary DataType = 2 // the default for Send
)

// String returns "TEXT" or "BINARY".
func (t DataType) String() string {
	switch t {
	case DataTypeText:
		return "TEXT"
	case DataTypeBinary:
		return "BINARY"
	}
	return "DataType(" + strconv.Itoa(int(t)) + ")"
}

// Defaults used when the matching Params field is zero.
const (
	DefaultTimeout        = 3 * time.Second
	DefaultMaxMessageSize = 64 << 20
	DefaultSendQueueSize  = 64 << 20
)

// Params holds the optional parameters of Connect. A nil *Params and the
// zero Params both mean every default.
type Params struct {
	// Timeout bounds the whole connection sequence (DNS, TCP, TLS and the
	// upgrade). 0 means DefaultTimeout (3s). Ignored in browsers.
	Timeout time.Duration

	// Protocol is the requested subprotocol, or a comma-separated list of
	// them. "" sends no Sec-WebSocket-Protocol header. When it is set, a
	// server that chooses none of them fails the connection.
	Protocol string

	// Headers holds extra request headers as "Name: value" lines separated
	// by "\r\n". A Sec-WebSocket-Protocol line is treated as Protocol.
	// Validated everywhere, ignored in browsers.
	Headers string

	// Queue, when set, holds this connection's events until Queue.Dispatch
	// runs them. When nil, callbacks run on the connection's own goroutine.
	Queue *Queue

	// MaxMessageSize is the largest message accepted, inclusive. 0 means
	// DefaultMaxMessageSize (64 MiB); negative means no limit. A larger
	// message fails the connection with close code 1009. Browsers enforce
	// their own limit.
	MaxMessageSize int64

	// SendQueueSize bounds the bytes that Send may have waiting to go out
	// (each message counts its length plus 16). 0 means
	// DefaultSendQueueSize (64 MiB). Past it, Send returns ErrSendQueueFull.
	// In a browser the bound applies to the socket's bufferedAmount.
	SendQueueSize int64

	// TLSConfig configures wss:// connections. nil uses the system
	// defaults. Ignored in browsers. It is a *tls.Config (see TLSConfig),
	// except in a js/wasm build with the hybridws_lean tag.
	TLSConfig *TLSConfig

	// KeepAlive, when positive, sends a ping every KeepAlive while the
	// connection is open. A server that then sends nothing at all for
	// PongTimeout (no pong, no other byte) while the connection is
	// reading is taken for dead: EventError (ErrConnectionLost), then
	// EventDisconnected with code 1006. It is the only way to notice a
	// peer that vanished without closing TCP (a half-open connection).
	// 0 means off. Ignored in browsers, which answer the server's pings
	// themselves but cannot send their own.
	KeepAlive time.Duration

	// PongTimeout is how long to wait for an answer to a keepalive ping;
	// 0 means KeepAlive. A dead server is reported within about
	// KeepAlive+PongTimeout. Time spent receiving a large message, or
	// with reading paused (a slow callback, a full Queue), does not
	// count, nor does time in which a slow link moves the messages the
	// ping waits behind: on Linux up to the ping itself, elsewhere until
	// the socket has taken them, so that there PongTimeout must cover
	// what the socket's buffers hold at the link's speed. What a proxy on
	// a fast network in front of a slow one has taken and still holds
	// ahead of the ping cannot be seen from here on any system:
	// PongTimeout must cover that too. Ignored in browsers.
	PongTimeout time.Duration

	// Compression, natively, offers the permessage-deflate extension
	// (RFC 7692) in the handshake, and takes whatever the server answers:
	// context takeover or not either way, any window from 8 to 15 bits (an
	// answer it must refuse, an extension not offered or a parameter
	// unknown, repeated or invalid, fails the connection: ErrProtocol,
	// 1006). When the server accepts it, each side compresses the
	// messages it sends (ours of 128 bytes and more) and the other
	// inflates them; a server that does not accept it gets uncompressed
	// messages, as with Compression off. Both sides may compress with
	// context takeover (each message against the ones before it: much
	// smaller repetitive messages): to inflate the server's, a connection
	// keeps a 32 KiB window; to compress ours, the last window of what it
	// sent (32 KiB unless the server asks for less), while the compressor
	// itself is shared by all connections. A server that answers
	// client_no_context_takeover gets each of our messages compressed on
	// its own (those of 512 bytes and more), and no history is kept. It
	// costs CPU per message: turn it on for a server that requires it or
	// for a slow link. MaxMessageSize bounds the inflated size: a message
	// that would inflate past it fails the connection with 1009, with at
	// most MaxMessageSize inflated. Validated and ignored in browsers,
	// which always offer the extension themselves.
	Compression bool

	// Proxy, natively: "" uses the environment as net/http reads it
	// (HTTP_PROXY for ws://, HTTPS_PROXY for wss://, NO_PROXY, and their
	// lower-case forms), which never proxies loopback addresses; "direct"
	// uses no proxy; or a proxy URL, used for every address:
	// http://[user:pass@]host:port (a CONNECT tunnel, for ws:// too),
	// https://... (TLS to the proxy, then CONNECT),
	// socks5://[user:pass@]host:port (names resolved locally) or
	// socks5h://... (names resolved by the proxy). An https:// proxy's
	// certificate is verified against TLSConfig's RootCAs when set, else
	// the system's. Anything else is ErrInvalidOptions. A proxy that
	// refuses or fails is an EventError with ErrProxy. Validated and
	// ignored in browsers (the browser uses its own proxy settings).
	Proxy string

	// Reconnect, when set, makes a lost connection, or an attempt that
	// failed, come back by itself after a randomized backoff, on the same
	// *Connection, with a new EventConnected (see Reconnect). nil: a lost
	// connection ends with EventDisconnected.
	Reconnect *Reconnect
}

// SendOptions holds the options of one Send. nil or a zero Type means
// DataTypeBinary.
type SendOptions struct {
	Type DataType
}

// HandshakeResponse describes the server's answer to the upgrade request.
type HandshakeResponse struct {
	Status   int    // HTTP status of the upgrade response (101 on success)
	Headers  Header // response headers (native); browsers expose none. An http.Header: see Header
	Response []byte // body bytes that came with a failed upgrade response, at most 1 KiB
	Protocol string // the subprotocol the server chose, "" if none
}

// Data is the payload of one event. It belongs to the callback: the library
// never reuses or changes it afterwards.
type Data struct {
	Event             Event
	Message           []byte             // EventMessage: the payload; EventError: the error text
	Type              DataType           // EventMessage: the type of the received message
	HandshakeResponse *HandshakeResponse // EventConnected; EventError after a refused upgrade
	Code              int                // EventDisconnected: close code (1005 none sent, 1006 no close frame)
	Reason            string             // EventDisconnected: close reason
	Err               error              // EventError: the error value, for errors.Is / errors.As
	RetryIn           time.Duration      // EventError with Params.Reconnect: > 0 means the next attempt starts after it
}

// Callback receives every event of a connection. conn is the pointer that
// Connect returned. Callbacks of one connection never run concurrently.
type Callback func(conn *Connection, data *Data)
