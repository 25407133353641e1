//go:build !js

package native

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// Options says what to dial.
type Options struct {
	URL            string
	Header         http.Header
	Host           string
	Subprotocols   []string
	TLSConfig      *tls.Config
	MaxMessageSize int64 // negative: no limit
	// KeepAlive, when positive, pings the server at this interval; a ping
	// that gets no answer within PongTimeout (0: KeepAlive) while the
	// connection is reading kills the connection, and Read returns why.
	KeepAlive   time.Duration
	PongTimeout time.Duration
	// Compression offers permessage-deflate (RFC 7692, extension.go).
	Compression bool
	// Proxy is what to dial through (proxy.go): "" the environment's proxy
	// as net/http reads it, "direct" none, or an http://, https://,
	// socks5:// or socks5h:// URL. An https proxy's certificate is
	// verified against TLSConfig's RootCAs, or the system's.
	Proxy string
	// SendLimit bounds what waits to be written: payload bytes plus
	// wire.MsgOverhead per message. 0: no bound.
	SendLimit int64
}

// refusedBodyMax: how much of a refused upgrade's body Handshake keeps,
// enough for a server's error message.
const refusedBodyMax = 1024

// Handshake is what the server answered to the upgrade request. Status is 0
// when no answer came.
type Handshake struct {
	Status   int
	Header   http.Header
	Body     []byte // at most the first refusedBodyMax bytes, on a refused upgrade
	Protocol string
}

// Dial connects and performs the upgrade. ctx bounds the whole sequence.
// On a refused upgrade the Handshake is filled together with the error.
func Dial(ctx context.Context, o Options) (*Conn, Handshake, error) {
	opts := &websocket.DialOptions{
		HTTPHeader:   o.Header,
		Host:         o.Host,
		Subprotocols: o.Subprotocols,
	}
	if o.Compression {
		offerDeflate(opts)
	}
	// A transport of our own, whose idle connections we close: with the
	// shared http.DefaultTransport, the connection of a refused upgrade
	// would stay in its idle pool, two goroutines outliving the Connection.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // Dial opens a proxy's tunnel itself (proxy.go)
	if o.TLSConfig != nil {
		tr.TLSClientConfig = o.TLSConfig
	}
	defer tr.CloseIdleConnections()
	secure := strings.HasPrefix(o.URL, "wss:") || strings.HasPrefix(o.URL, "https:")
	connect, tunnel, err := dialProxy(ctx, o, secure, tr.DialContext)
	if err != nil {
		return nil, Handshake{}, err
	}
	defer func() {
		if c := tunnel.take(""); c != nil {
			c.Close() // the transport never asked for it
		}
	}()
	// Keep the TCP connection of a plain ws:// dial: writes go to it without
	// blocking (nbwrite.go). For wss://, note when TCP is up and when the
	// TLS handshake has verified the server: a failure in between is a TLS
	// failure, whatever crypto/tls or net/http called it.
	var (
		dialed       []net.Conn
		dialedMu     sync.Mutex
		tcpUp, tlsUp atomic.Bool
	)
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := connect(ctx, network, addr)
		if err == nil {
			tcpUp.Store(true)
			if !secure {
				dialedMu.Lock()
				dialed = append(dialed, conn)
				dialedMu.Unlock()
			}
		}
		return conn, err
	}
	if secure {
		cfg := &tls.Config{}
		if tr.TLSClientConfig != nil {
			cfg = tr.TLSClientConfig.Clone()
		}
		verify := cfg.VerifyConnection
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if verify != nil {
				if err := verify(cs); err != nil {
					return err
				}
			}
			tlsUp.Store(true)
			return nil
		}
		tr.TLSClientConfig = cfg
	}
	ut := &upgradeTransport{base: tr, deflate: o.Compression}
	opts.HTTPClient = &http.Client{Transport: ut}
	ws, resp, err := websocket.Dial(ctx, o.URL, opts)
	var hs Handshake
	if resp != nil {
		err = ut.restoreAnswer(resp.Header, err)
		hs.Status = resp.StatusCode
		hs.Header = resp.Header
		hs.Protocol = resp.Header.Get("Sec-WebSocket-Protocol")
		if err != nil && resp.Body != nil {
			hs.Body, _ = io.ReadAll(io.LimitReader(resp.Body, refusedBodyMax))
			resp.Body.Close()
		}
	}
	if err != nil {
		switch {
		case hs.Status == http.StatusSwitchingProtocols:
			err = &HandshakeError{err}
		case secure && hs.Status == 0 && tcpUp.Load() && !tlsUp.Load() && ctx.Err() == nil:
			err = &TLSError{err}
		}
		return nil, hs, err
	}
	c := &Conn{ws: ws, body: ut.body, deflate: ut.deflater(), readLimit: o.MaxMessageSize}
	// Where permessage-deflate was negotiated coder/websocket frames our
	// compressed messages and inflates the server's: the frames are ours
	// only without it.
	c.frames = c.body != nil && c.deflate == nil
	var conn net.Conn // the TCP connection, where we keep it
	if ut.body != nil {
		dialedMu.Lock()
		if len(dialed) == 1 {
			conn = dialed[0]
			ut.body.nb = newNBWriter(conn)
		}
		dialedMu.Unlock()
		if c.frames && ut.body.nb != nil {
			c.rd = newFrameReader(c, conn, ut.body.nb.raw, o.MaxMessageSize)
		}
		ut.body.arm()
	}
	ws.SetReadLimit(o.MaxMessageSize)
	if c.rd != nil {
		// We speak the protocol from here (control.go).
		c.rd.start(conn)
		c.letGo()
	}
	c.send.limit = o.SendLimit
	if o.KeepAlive > 0 {
		c.startKeepAlive(o.KeepAlive, o.PongTimeout)
	}
	return c, hs, nil
}

// HandshakeError is a Dial failure after the server answered 101: it
// broke the handshake (a bad Sec-WebSocket-Accept, a subprotocol we did
// not offer, ...).
type HandshakeError struct{ Err error }

func (e *HandshakeError) Error() string { return e.Err.Error() }
func (e *HandshakeError) Unwrap() error { return e.Err }

// TLSError is a Dial failure after the TCP connection was made and before
// the TLS handshake verified the server (an untrusted or mismatched
// certificate, a server that does not speak TLS, a failed negotiation),
// whatever crypto/tls or net/http called it.
type TLSError struct{ Err error }

func (e *TLSError) Error() string { return e.Err.Error() }
func (e *TLSError) Unwrap() error { return e.Err }
