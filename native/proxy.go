//go:build !js

package native

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Proxies (Options.Proxy). The http.Transport under coder/websocket never
// sees a proxy (its Proxy is nil): Dial opens the tunnel itself, then hands
// the transport a connection that already reaches the server. So a ws://
// upgrade goes through a CONNECT tunnel like a wss:// one, never as an
// absolute-form request (which forward proxies such as squid refuse with
// 426), and once the proxy's handshake is done the WebSocket's bytes go
// straight to the TCP socket: through an http:// or socks5:// proxy a
// ws:// connection keeps the non-blocking write path (nbwrite.go).

// proxy is the proxy one Dial goes through.
type proxy struct {
	url   *url.URL       // scheme http, https, socks5 or socks5h; host:port with the port filled in
	name  string         // how errors name it: scheme, host:port, never the password
	roots *x509.CertPool // an https proxy's certificate is verified against these; nil: the system's
}

// ProxyError is a Dial failure at the proxy: it could not be reached, did
// not answer, or refused the tunnel.
type ProxyError struct {
	Proxy string // "http proxy 127.0.0.1:3128": which proxy, never with its password
	What  string // what happened, such as "answered 403 Forbidden to CONNECT example.com:443"
	Final bool   // retrying cannot help: the proxy refused us (credentials, its rules) or cannot be used
	Err   error  // the cause, if any
}

func (e *ProxyError) Error() string {
	s := e.Proxy + " " + e.What
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *ProxyError) Unwrap() error { return e.Err }

// dialFunc is how a connection is dialled: http.Transport's DialContext.
type dialFunc = func(ctx context.Context, network, addr string) (net.Conn, error)

// tunnel holds the connection Dial opened through a proxy until the
// transport asks for it.
type tunnel struct {
	mu   sync.Mutex
	addr string
	conn net.Conn
}

// take returns the connection if it is for addr ("": any) and not yet
// taken.
func (t *tunnel) take(addr string) net.Conn {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	c := t.conn
	if c == nil || (addr != "" && addr != t.addr) {
		return nil
	}
	t.conn = nil
	return c
}

// dialProxy opens the tunnel to o.URL's server when Options.Proxy (or the
// environment) names a proxy for it, and returns how the transport's dials
// are to be made: with base when there is no proxy; else the tunnel first,
// and a new tunnel for any other address (a redirect). The tunnel is
// opened here, before the transport runs, because the transport detaches
// its dials from the request's context: so ctx's deadline and cancellation
// bound the proxy's handshake, and its failure comes back as it is.
func dialProxy(ctx context.Context, o Options, secure bool, base dialFunc) (dialFunc, *tunnel, error) {
	u, err := url.Parse(o.URL)
	if err != nil {
		return nil, nil, err
	}
	var roots *x509.CertPool
	if o.TLSConfig != nil {
		roots = o.TLSConfig.RootCAs
	}
	p, err := proxyFor(o.Proxy, u.Host, secure, roots)
	if err != nil || p == nil {
		return base, nil, err
	}
	port := "80"
	if secure {
		port = "443"
	}
	addr := net.JoinHostPort(u.Hostname(), cmp.Or(u.Port(), port))
	conn, err := p.dial(ctx, base, addr)
	if err != nil {
		return nil, nil, err
	}
	t := &tunnel{addr: addr, conn: conn}
	return func(_ context.Context, _, addr string) (net.Conn, error) {
		if c := t.take(addr); c != nil {
			return c, nil
		}
		return p.dial(ctx, base, addr)
	}, t, nil
}

// proxyFor returns the proxy a dial of host (a ws:// URL's, or a wss://
// one's when secure) goes through under setting (Options.Proxy), or nil
// for none.
func proxyFor(setting, host string, secure bool, roots *x509.CertPool) (*proxy, error) {
	var pu *url.URL
	from := "" // where the proxy was named, for errors
	switch setting {
	case "direct":
		return nil, nil
	case "":
		// What net/http does: HTTPS_PROXY for wss://, HTTP_PROXY for ws://,
		// NO_PROXY, their lower-case forms, read once per process; never
		// for a loopback address.
		scheme, env := "http", "HTTP_PROXY"
		if secure {
			scheme, env = "https", "HTTPS_PROXY"
		}
		from = " (from " + env + ")"
		var err error
		pu, err = http.ProxyFromEnvironment(&http.Request{URL: &url.URL{Scheme: scheme, Host: host}})
		if err != nil {
			// It ignores a setting it cannot parse, as we do; its one
			// error refuses HTTP_PROXY in a CGI program.
			return nil, &ProxyError{Proxy: "the proxy" + from, What: "cannot be used", Final: true, Err: err}
		}
		if pu == nil {
			return nil, nil
		}
	default:
		var err error
		if pu, err = url.Parse(setting); err != nil {
			return nil, &ProxyError{Proxy: "Options.Proxy", What: "is not a valid URL", Final: true}
		}
	}
	port := pu.Port()
	switch pu.Scheme = strings.ToLower(pu.Scheme); pu.Scheme {
	case "http":
		port = cmp.Or(port, "80")
	case "https":
		port = cmp.Or(port, "443")
	case "socks5", "socks5h":
		port = cmp.Or(port, "1080")
	default:
		return nil, &ProxyError{Proxy: "proxy " + pu.Redacted() + from, What: "has an unsupported scheme: want http, https, socks5 or socks5h", Final: true}
	}
	pu.Host = net.JoinHostPort(pu.Hostname(), port)
	return &proxy{url: pu, name: pu.Scheme + " proxy " + pu.Host + from, roots: roots}, nil
}

// fail is the ProxyError of a failed step. When ctx ended, the cause is
// that and not the I/O error its end provoked.
func (p *proxy) fail(ctx context.Context, what string, final bool, err error) *ProxyError {
	if ctx.Err() != nil {
		err, final = ctx.Err(), false
	}
	return &ProxyError{Proxy: p.name, What: what, Final: final, Err: err}
}

// aLongTimeAgo is a deadline in the past: setting it makes blocked reads
// and writes return at once.
var aLongTimeAgo = time.Unix(1, 0)

// dial opens a connection to addr (host:port) through the proxy. ctx
// bounds and aborts the whole of it, the proxy's handshake included.
func (p *proxy) dial(ctx context.Context, dial dialFunc, addr string) (net.Conn, error) {
	raw, err := dial(ctx, "tcp", p.url.Host)
	if err != nil {
		return nil, p.fail(ctx, "cannot be reached", false, err)
	}
	stop := context.AfterFunc(ctx, func() { raw.SetDeadline(aLongTimeAgo) })
	conn, err := p.handshake(ctx, raw, addr)
	if !stop() && err == nil {
		err = p.fail(ctx, "answered as the dial was given up", false, nil) // ctx ended as it finished
	}
	if err != nil {
		raw.Close()
		return nil, err
	}
	return conn, nil
}

// handshake sets up the tunnel to addr on conn, a new connection to the
// proxy, and returns what to speak WebSocket on.
func (p *proxy) handshake(ctx context.Context, conn net.Conn, addr string) (net.Conn, error) {
	switch p.url.Scheme {
	case "socks5", "socks5h":
		return conn, p.socks(ctx, conn, addr)
	case "https":
		tc := tls.Client(conn, &tls.Config{
			ServerName: p.url.Hostname(),
			RootCAs:    p.roots,
			NextProtos: []string{"http/1.1"},
		})
		if err := tc.Handshake(); err != nil {
			// An untrusted certificate stays untrusted; a broken handshake
			// may be the network's.
			var cv *tls.CertificateVerificationError
			return nil, p.fail(ctx, "failed the TLS handshake", errors.As(err, &cv), err)
		}
		conn = tc
	}
	return conn, p.connect(ctx, conn, addr)
}

// proxyAnswerMax bounds the head of a proxy's answer to CONNECT.
const proxyAnswerMax = 16 << 10

// connect asks an HTTP proxy for a tunnel to addr.
func (p *proxy) connect(ctx context.Context, conn net.Conn, addr string) error {
	req := "CONNECT " + addr + " HTTP/1.1\r\nHost: " + addr + "\r\n"
	user := p.url.User
	if user != nil {
		pass, _ := user.Password()
		req += "Proxy-Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(user.Username()+":"+pass)) + "\r\n"
	}
	req += "\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		return p.fail(ctx, "cannot be written to", false, err)
	}
	head, err := readHead(conn)
	if err != nil {
		what := "did not answer CONNECT " + addr
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			what = "closed the connection without answering CONNECT " + addr
		}
		return p.fail(ctx, what, false, err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(head)), &http.Request{Method: http.MethodConnect})
	if err != nil {
		return p.fail(ctx, "answered CONNECT "+addr+" with something other than HTTP", false, err)
	}
	if resp.StatusCode/100 == 2 {
		return nil
	}
	what := "answered " + resp.Status + " to CONNECT " + addr
	final := false
	switch resp.StatusCode {
	case http.StatusProxyAuthRequired, http.StatusUnauthorized:
		final = true
		if user == nil {
			what += ": it needs credentials: put them in the proxy's URL (" + p.url.Scheme + "://user:password@" + p.url.Host + ")"
		} else {
			what += ": it needs credentials and did not accept those of user " + strconv.Quote(user.Username())
		}
		if ask := resp.Header.Values("Proxy-Authenticate"); len(ask) > 0 && !asksBasic(ask) {
			what += " (it asks for " + strings.Join(ask, ", ") + "; only Basic is supported)"
		}
	case http.StatusForbidden:
		final = true
	}
	return &ProxyError{Proxy: p.name, What: what, Final: final}
}

// asksBasic reports whether one of a 407's Proxy-Authenticate challenges
// is Basic, the scheme we answer with.
func asksBasic(challenges []string) bool {
	for _, c := range challenges {
		if scheme, _, _ := strings.Cut(strings.TrimSpace(c), " "); strings.EqualFold(scheme, "Basic") {
			return true
		}
	}
	return false
}

// readHead reads an HTTP response head, up to its empty line, one byte at
// a time: nothing past it is taken from the connection, so the tunnel's
// first bytes stay in the socket for the WebSocket handshake (and the
// bare TCP connection is what the transport gets, not a buffered
// wrapper). It is a few dozen system calls, once per dial.
func readHead(conn net.Conn) ([]byte, error) {
	head := make([]byte, 0, 128)
	var b [1]byte
	for len(head) < proxyAnswerMax {
		if _, err := io.ReadFull(conn, b[:]); err != nil {
			if err == io.EOF && len(head) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		head = append(head, b[0])
		if bytes.HasSuffix(head, []byte("\r\n\r\n")) || bytes.HasSuffix(head, []byte("\n\n")) {
			return head, nil
		}
	}
	return nil, errors.New("the answer's head is longer than " + strconv.Itoa(proxyAnswerMax) + " bytes")
}
