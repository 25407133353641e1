//go:build !js

package native

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hybridws/websocket/internal/test/realproxy"
	"github.com/hybridws/websocket/internal/test/tcpserve"
	"github.com/hybridws/websocket/internal/test/testserver"
)

// echoServer starts the test server and returns its ws:// URL for /echo.
func echoServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(testserver.Handler())
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http") + "/echo"
}

// relay copies both ways between a and b until either side ends.
func relay(a io.ReadWriter, b net.Conn) {
	done := make(chan struct{})
	go func() {
		io.Copy(b, a)
		b.Close()
		close(done)
	}()
	io.Copy(a, b)
	<-done
}

// connectProxy is an HTTP proxy of our own, for what real proxies do not
// show: the exact request it gets. answer returns the status line and
// headers to refuse with, or "" to open the tunnel.
type connectProxy struct {
	*tcpserve.Server
	mu   sync.Mutex
	reqs []*http.Request
}

func startConnectProxy(t *testing.T, tlsCfg *tls.Config, answer func(*http.Request) string) *connectProxy {
	t.Helper()
	p := &connectProxy{}
	var err error
	p.Server, err = tcpserve.Listen(func(nc net.Conn) {
		if tlsCfg != nil {
			nc = tls.Server(nc, tlsCfg)
		}
		req, br, err := tcpserve.ReadRequest(nc)
		if err != nil {
			return
		}
		p.mu.Lock()
		p.reqs = append(p.reqs, req)
		p.mu.Unlock()
		if a := answer(req); a != "" {
			io.WriteString(nc, a)
			return
		}
		target, err := net.Dial("tcp", req.Host)
		if err != nil {
			io.WriteString(nc, "HTTP/1.1 502 Bad Gateway\r\n\r\n")
			return
		}
		io.WriteString(nc, "HTTP/1.1 200 Connection established\r\n\r\n")
		relay(struct {
			io.Reader
			io.Writer
		}{br, nc}, target)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

func (p *connectProxy) requests() []*http.Request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*http.Request(nil), p.reqs...)
}

// dialVia dials the echo server through proxy and checks an echo.
func dialVia(t *testing.T, wsURL, proxy string, tlsCfg *tls.Config) *Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, hs, err := Dial(ctx, Options{URL: wsURL, Proxy: proxy, TLSConfig: tlsCfg, MaxMessageSize: 1 << 20})
	if err != nil {
		t.Fatalf("Dial %s through %s: %v", wsURL, proxy, err)
	}
	if hs.Status != http.StatusSwitchingProtocols {
		t.Fatalf("Dial through %s: status %d", proxy, hs.Status)
	}
	want := []byte("through the tunnel")
	if err := c.Write(2, want); err != nil {
		t.Fatal(err)
	}
	if typ, got, err := c.Read(); err != nil || typ != 2 || !bytes.Equal(got, want) {
		t.Fatalf("echo through %s: %d %q %v", proxy, typ, got, err)
	}
	return c
}

// ws:// through an HTTP proxy is a CONNECT tunnel, never an absolute-form
// GET; the credentials of the proxy's URL, percent-decoded, go in
// Proxy-Authorization; and on the tunnelled socket the non-blocking write
// path is on wherever it is on for a direct connection.
func TestProxyConnectRequest(t *testing.T) {
	ws := echoServer(t)
	p := startConnectProxy(t, nil, func(*http.Request) string { return "" })
	c := dialVia(t, ws, "http://al%40ice:p%3As%2Fs@"+p.Addr(), nil)
	defer c.Abort()
	if got := c.canWriteNow(); got != fastWrites {
		t.Errorf("canWriteNow() = %v through an http:// proxy, want fastWrites = %v", got, fastWrites)
	}
	reqs := p.requests()
	if len(reqs) != 1 {
		t.Fatalf("the proxy got %d requests, want 1 CONNECT", len(reqs))
	}
	r := reqs[0]
	host := strings.TrimPrefix(strings.TrimSuffix(ws, "/echo"), "ws://")
	if r.Method != http.MethodConnect || r.RequestURI != host || r.Host != host {
		t.Errorf("request %s %s (Host %s), want CONNECT %s", r.Method, r.RequestURI, r.Host, host)
	}
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("al@ice:p:s/s"))
	if got := r.Header.Get("Proxy-Authorization"); got != want {
		t.Errorf("Proxy-Authorization %q, want %q", got, want)
	}
}

// An https:// proxy: TLS to the proxy (verified against TLSConfig's
// RootCAs), then CONNECT. The tunnel is inside that TLS, so writes take
// the portable path.
func TestProxyHTTPS(t *testing.T) {
	ws := echoServer(t)
	srv := httptest.NewTLSServer(http.NotFoundHandler()) // for its certificate
	defer srv.Close()
	p := startConnectProxy(t, srv.TLS, func(*http.Request) string { return "" })
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	roots := &tls.Config{RootCAs: pool}
	c := dialVia(t, ws, "https://"+p.Addr(), roots)
	defer c.Abort()
	if c.canWriteNow() {
		t.Error("canWriteNow() through an https:// proxy, want the portable path (the socket carries the proxy's TLS)")
	}

	// Without those roots, the proxy's certificate is not trusted.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, hs, err := Dial(ctx, Options{URL: ws, Proxy: "https://" + p.Addr()})
	var pe *ProxyError
	if !errors.As(err, &pe) || !pe.Final || !strings.Contains(err.Error(), "failed the TLS handshake") || hs.Status != 0 {
		t.Errorf("untrusted https proxy: %v (status %d), want a final ProxyError about TLS", err, hs.Status)
	}
}

// The proxy's refusals: what each says, whether retrying can help, and
// that nothing of it passes for the server's answer.
func TestProxyRefusals(t *testing.T) {
	ws := echoServer(t)
	cases := []struct {
		answer, proxyUser string
		final             bool
		want              []string
	}{
		{"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"x\"\r\n\r\n", "", true,
			[]string{"answered 407 Proxy Authentication Required to CONNECT", "needs credentials: put them in the proxy's URL (http://user:password@"}},
		{"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Negotiate\r\nProxy-Authenticate: NTLM\r\n\r\n", "bob:hunter2@", true,
			[]string{"did not accept those of user \"bob\"", "(it asks for Negotiate, NTLM; only Basic is supported)"}},
		{"HTTP/1.1 403 Forbidden\r\n\r\n", "", true, []string{"answered 403 Forbidden to CONNECT"}},
		{"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 5\r\n\r\nnope!", "", false, []string{"answered 502 Bad Gateway to CONNECT"}},
		{"SSH-2.0-OpenSSH\r\n\r\n", "", false, []string{"answered CONNECT", "with something other than HTTP"}},
		{"HTTP/1.1 200", "", false, []string{"closed the connection without answering CONNECT"}},
	}
	for _, tc := range cases {
		p := startConnectProxy(t, nil, func(*http.Request) string { return tc.answer })
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, hs, err := Dial(ctx, Options{URL: ws, Proxy: "http://" + tc.proxyUser + p.Addr()})
		cancel()
		var pe *ProxyError
		if !errors.As(err, &pe) {
			t.Errorf("answer %q: %v, want a *ProxyError", tc.answer, err)
			continue
		}
		text := err.Error()
		for _, w := range append(tc.want, "http proxy "+p.Addr()) {
			if !strings.Contains(text, w) {
				t.Errorf("answer %q: error %q does not say %q", tc.answer, text, w)
			}
		}
		if strings.Contains(text, "hunter2") {
			t.Errorf("error %q gives the password away", text)
		}
		if pe.Final != tc.final || hs.Status != 0 {
			t.Errorf("answer %q: Final %v, Handshake status %d; want %v and 0", tc.answer, pe.Final, hs.Status, tc.final)
		}
	}
}

// hangingProxy accepts connections and never answers.
func hangingProxy(t *testing.T) string {
	t.Helper()
	s, err := tcpserve.Listen(func(nc net.Conn) { io.Copy(io.Discard, nc) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s.Addr()
}

// A proxy that never answers: the context's deadline ends the handshake,
// and cancelling it (Disconnect) ends it at once, for each kind.
func TestProxyHangs(t *testing.T) {
	ws := echoServer(t)
	addr := hangingProxy(t)
	for _, scheme := range []string{"http", "socks5"} {
		for _, cause := range []error{context.DeadlineExceeded, context.Canceled} {
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			if cause == context.Canceled {
				ctx, cancel = context.WithCancel(context.Background())
				time.AfterFunc(100*time.Millisecond, cancel)
			}
			start := time.Now()
			_, _, err := Dial(ctx, Options{URL: ws, Proxy: scheme + "://" + addr})
			took := time.Since(start)
			cancel()
			var pe *ProxyError
			if !errors.As(err, &pe) || !errors.Is(err, cause) || pe.Final {
				t.Errorf("%s proxy, %v: %v, want a *ProxyError for %v that may be retried", scheme, cause, err, cause)
			}
			if took > 2*time.Second {
				t.Errorf("%s proxy, %v: Dial returned after %v", scheme, cause, took)
			}
		}
	}
}

// A proxy where nothing listens.
func TestProxyUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, _, err = Dial(context.Background(), Options{URL: echoServer(t), Proxy: "http://" + addr})
	var pe *ProxyError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "http proxy "+addr+" cannot be reached") {
		t.Errorf("%v, want a *ProxyError saying the proxy cannot be reached", err)
	}
}

// proxyFor: "direct", default ports, names without the password, schemes.
func TestProxyFor(t *testing.T) {
	cases := []struct{ setting, name, host string }{
		{"direct", "", ""},
		{"http://u:secret@proxy.example", "http proxy proxy.example:80", "proxy.example:80"},
		{"HTTPS://proxy.example", "https proxy proxy.example:443", "proxy.example:443"},
		{"socks5://[::1]", "socks5 proxy [::1]:1080", "[::1]:1080"},
		{"socks5h://proxy.example:9050", "socks5h proxy proxy.example:9050", "proxy.example:9050"},
	}
	for _, tc := range cases {
		p, err := proxyFor(tc.setting, "example.com", false, nil)
		if err != nil {
			t.Errorf("%q: %v", tc.setting, err)
			continue
		}
		if tc.name == "" {
			if p != nil {
				t.Errorf("%q: proxy %s, want none", tc.setting, p.name)
			}
			continue
		}
		if p == nil || p.name != tc.name || p.url.Host != tc.host {
			t.Errorf("%q: %+v, want name %q, host %q", tc.setting, p, tc.name, tc.host)
		}
	}
	_, err := proxyFor("ftp://u:secret@proxy.example", "example.com", false, nil)
	var pe *ProxyError
	if !errors.As(err, &pe) || !pe.Final || strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "unsupported scheme") {
		t.Errorf("ftp proxy: %v", err)
	}
}

// Through real proxies (make test-proxy): the write path a ws://
// connection takes. An http:// CONNECT tunnel and a SOCKS5 one leave the
// bare TCP socket, so the non-blocking path is on wherever it is on for a
// direct connection; through an https:// proxy the socket carries the
// proxy's TLS, so writes take the portable path.
func TestProxyWritePath(t *testing.T) {
	if os.Getenv("HYBRIDWS_PROXY") == "" {
		t.Skip("runs with HYBRIDWS_PROXY=1: make test-proxy")
	}
	ws := echoServer(t)
	cert, err := realproxy.NewCert()
	if err != nil {
		t.Fatal(err)
	}
	sq := realproxy.StartSquid(t, realproxy.Squid{TLS: cert})
	ms := realproxy.StartMicrosocks(t, "", "")
	for _, tc := range []struct {
		proxy string
		fast  bool
	}{
		{"http://" + sq.Addr, fastWrites},
		{"socks5://" + ms.Addr, fastWrites},
		{"https://" + sq.TLSAddr, false},
	} {
		c := dialVia(t, ws, tc.proxy, &tls.Config{RootCAs: cert.Pool})
		if got := c.canWriteNow(); got != tc.fast {
			t.Errorf("through %s: canWriteNow() = %v, want %v", tc.proxy, got, tc.fast)
		}
		c.Abort()
	}
}
