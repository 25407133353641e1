//go:build !js

package websocket_test

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hybridws/websocket"
	"github.com/hybridws/websocket/internal/test/rawserver"
	"github.com/hybridws/websocket/internal/test/realproxy"
	"github.com/hybridws/websocket/internal/test/testserver"
)

// The proxy suite runs real proxies (squid, tinyproxy, microsocks) as
// child processes: make test-proxy installs them and sets HYBRIDWS_PROXY.

// proxyName is a name only the proxies' own hosts files resolve: a dial
// that reaches the server by it went through a proxy.
const proxyName = "echo.proxy.test"

// The test's passwords, which no error may show. Tinyproxy's config
// takes only [-a-z0-9._] in one; the others', percent-encoded in the
// proxy URL, check the decoding.
const (
	proxyUser     = "alice"
	proxyPassword = "s3cr3t:p@ss"
	tinyPassword  = "s3cr3t-tiny"
	wrongPassword = "hunter2"
)

func needRealProxies(t *testing.T) {
	t.Helper()
	if os.Getenv("HYBRIDWS_PROXY") == "" {
		t.Skip("the suite against real proxies runs with HYBRIDWS_PROXY=1: make test-proxy (it installs squid, tinyproxy and microsocks)")
	}
}

// proxyRig is what the suite dials: the servers and the proxies.
type proxyRig struct {
	cert       *realproxy.Cert
	wsPort     string // the shared test server's port
	wssAddr    string // a wss:// test server, certified for 127.0.0.1 and proxyName
	squid      *realproxy.Proxy
	squidAuth  *realproxy.Proxy
	tiny       *realproxy.Proxy // BasicAuth proxyUser/tinyPassword
	tinyBroken *realproxy.Proxy // its upstream is gone: 502
	socks      *realproxy.Proxy
	socksAuth  *realproxy.Proxy
}

func startProxyRig(t *testing.T) *proxyRig {
	t.Helper()
	r := &proxyRig{}
	var err error
	if r.cert, err = realproxy.NewCert(proxyName); err != nil {
		t.Fatal(err)
	}
	_, r.wsPort, _ = net.SplitHostPort(testServerAddr)
	wss := httptest.NewUnstartedServer(testserver.Handler())
	wss.TLS = &tls.Config{Certificates: []tls.Certificate{r.cert.TLS}}
	wss.StartTLS()
	t.Cleanup(wss.Close)
	r.wssAddr = wss.Listener.Addr().String()
	// Squid matches its rule's name against 127.0.0.1's too, through its
	// hosts file: so forbidden.proxy.test must not be in it.
	hosts := map[string]string{proxyName: "127.0.0.1"}
	r.squid = realproxy.StartSquid(t, realproxy.Squid{Hosts: hosts, TLS: r.cert, Deny: []string{"forbidden.proxy.test"}})
	r.squidAuth = realproxy.StartSquid(t, realproxy.Squid{Hosts: hosts, Users: map[string]string{proxyUser: proxyPassword}})
	r.tiny = realproxy.StartTinyproxy(t, realproxy.Tinyproxy{User: proxyUser, Password: tinyPassword})
	r.tinyBroken = realproxy.StartTinyproxy(t, realproxy.Tinyproxy{Upstream: closedAddr(t)})
	r.socks = realproxy.StartMicrosocks(t, "", "")
	r.socksAuth = realproxy.StartMicrosocks(t, proxyUser, proxyPassword)
	return r
}

// auth is the userinfo of a proxy URL with the test's credentials.
func auth(password string) string {
	return proxyUser + ":" + strings.NewReplacer("@", "%40", ":", "%3A").Replace(password) + "@"
}

// TestProxy is the suite: echoes through each kind of proxy, every way a
// proxy fails, the guarantees that must hold through one, the
// environment, and a proxy that restarts. Every connection is checked for
// goroutines and timers that outlive it.
func TestProxy(t *testing.T) {
	needRealProxies(t)
	start := time.Now()
	r := startProxyRig(t)
	t.Logf("proxies up in %v", time.Since(start).Round(time.Millisecond))
	t.Run("echo", func(t *testing.T) { testProxyEcho(t, r) })
	t.Run("failures", func(t *testing.T) { testProxyFailures(t, r) })
	t.Run("the server's failures behind a proxy", func(t *testing.T) { testProxyServerFailures(t, r) })
	t.Run("Disconnect while the proxy answers", func(t *testing.T) { testProxyDisconnect(t) })
	t.Run("keepalive", func(t *testing.T) { testProxyKeepAlive(t, r) })
	t.Run("Send never blocks", func(t *testing.T) { testProxySendNeverBlocks(t, r) })
	t.Run("environment", func(t *testing.T) { testProxyEnvironment(t, r) })
	t.Run("reconnect through a proxy that restarts", testProxyRestart)
}

// Each kind of proxy, ws:// and wss://: a text, a binary and a 4 MiB
// message echo, the proxy's log shows the tunnel, and nothing outlives
// the connection.
func testProxyEcho(t *testing.T, r *proxyRig) {
	ws := "ws://127.0.0.1:" + r.wsPort + "/echo"
	wss := "wss://" + r.wssAddr + "/echo"
	_, wssPort, _ := net.SplitHostPort(r.wssAddr)
	trust := &tls.Config{RootCAs: r.cert.Pool}
	cases := []struct {
		name, proxy string
		px          *realproxy.Proxy
		logs        func(port string) string // what the proxy logs for the tunnel
	}{
		{"squid http", "http://" + r.squid.Addr, r.squid, func(p string) string { return "CONNECT 127.0.0.1:" + p }},
		{"squid https", "https://" + r.squid.TLSAddr, r.squid, func(p string) string { return "CONNECT 127.0.0.1:" + p }},
		{"squid with credentials", "http://" + auth(proxyPassword) + r.squidAuth.Addr, r.squidAuth, func(p string) string { return "CONNECT 127.0.0.1:" + p + " " + proxyUser + " " }},
		{"tinyproxy with credentials", "http://" + auth(tinyPassword) + r.tiny.Addr, r.tiny, func(p string) string { return "CONNECT 127.0.0.1:" + p }},
		{"microsocks socks5", "socks5://" + r.socks.Addr, r.socks, func(p string) string { return "connected to 127.0.0.1:" + p }},
		{"microsocks socks5 with credentials", "socks5://" + auth(proxyPassword) + r.socksAuth.Addr, r.socksAuth, func(p string) string { return "connected to 127.0.0.1:" + p }},
	}
	for i, tc := range cases {
		for _, u := range []string{ws, wss} {
			name := tc.name + " " + u[:strings.Index(u, ":")]
			t.Run(name, func(t *testing.T) {
				mark := tc.px.Mark()
				proxyEcho(t, fmt.Sprint("echo", i, u[:3]), u, &websocket.Params{Proxy: tc.proxy, TLSConfig: trust})
				port := r.wsPort
				if u == wss {
					port = wssPort
				}
				if want := tc.logs(port); !tc.px.WaitFor(mark, want) {
					t.Errorf("%s's log does not show the tunnel (%q):\n%s", tc.px.Name, want, tc.px.Log())
				}
			})
		}
	}
	// socks5h: the proxy resolves the name.
	t.Run("microsocks socks5h", func(t *testing.T) {
		mark := r.socks.Mark()
		proxyEcho(t, "echo-socks5h", "ws://localhost:"+r.wsPort+"/echo", &websocket.Params{Proxy: "socks5h://" + r.socks.Addr})
		if want := "connected to localhost:" + r.wsPort; !r.socks.WaitFor(mark, want) {
			t.Errorf("microsocks's log does not show it resolved the name (%q):\n%s", want, r.socks.Log())
		}
	})
}

// proxyEcho connects, echoes a text, a binary and a 4 MiB message,
// disconnects, and checks that nothing of the connection is left.
func proxyEcho(t *testing.T, label, url string, params *websocket.Params) {
	t.Helper()
	type msg struct {
		typ websocket.DataType
		p   []byte
	}
	bin := make([]byte, 256)
	for i := range bin {
		bin[i] = byte(i)
	}
	msgs := []msg{{websocket.DataTypeText, []byte("hello through the proxy")}, {websocket.DataTypeBinary, bin}, {websocket.DataTypeBinary, payload(7, 4<<20)}}
	var got int
	var failure string
	checkLeaks(t, label, url, params, func(c *websocket.Connection, d *websocket.Data) {
		switch d.Event {
		case websocket.EventConnected:
			if hs := d.HandshakeResponse; hs == nil || hs.Status != 101 {
				failure = fmt.Sprintf("CONNECTED with HandshakeResponse %+v", hs)
			}
			for _, m := range msgs {
				if err := websocket.Send(c, m.p, &websocket.SendOptions{Type: m.typ}); err != nil {
					failure = "Send: " + err.Error()
				}
			}
		case websocket.EventMessage:
			if got < len(msgs) && (d.Type != msgs[got].typ || !bytes.Equal(d.Message, msgs[got].p)) {
				failure = fmt.Sprintf("echo %d: %v, %d bytes; want %v, %d bytes", got, d.Type, len(d.Message), msgs[got].typ, len(msgs[got].p))
			}
			if got++; got == len(msgs) {
				websocket.Disconnect(c)
			}
		case websocket.EventError:
			failure = "ERROR " + string(d.Message)
		}
	}, nil)
	if failure != "" || got != len(msgs) {
		t.Errorf("%d of %d echoes; %s", got, len(msgs), failure)
	}
}

// proxyFailureCase is one way a proxy fails.
type proxyFailureCase struct {
	name   string
	url    string
	params websocket.Params
	addr   string   // the proxy's host:port, which the error names
	want   []string // what else it says
	final  bool     // not retried
}

// Every way a proxy fails is an ERROR with ErrProxy that names the proxy
// (never its password) and says what it answered, without a
// HandshakeResponse (that is the server's); with Reconnect, a refusal
// that a retry cannot help is not retried, the others are.
func testProxyFailures(t *testing.T, r *proxyRig) {
	ws := "ws://127.0.0.1:" + r.wsPort + "/echo"
	closed := closedAddr(t)
	hanging := strings.TrimSuffix(strings.TrimPrefix(hangingURL(t), "ws://"), "/hang")
	short := 300 * time.Millisecond
	cases := []proxyFailureCase{
		{"tinyproxy 407, no credentials", ws, websocket.Params{Proxy: "http://" + r.tiny.Addr}, r.tiny.Addr,
			[]string{"answered 407 Proxy Authentication Required to CONNECT 127.0.0.1:" + r.wsPort, "it needs credentials: put them in the proxy's URL (http://user:password@" + r.tiny.Addr + ")"}, true},
		{"tinyproxy 401, wrong password", ws, websocket.Params{Proxy: "http://" + auth(wrongPassword) + r.tiny.Addr}, r.tiny.Addr,
			[]string{"answered 401 Unauthorized", `it needs credentials and did not accept those of user "alice"`}, true},
		{"squid 407, no credentials", ws, websocket.Params{Proxy: "http://" + r.squidAuth.Addr}, r.squidAuth.Addr,
			[]string{"answered 407 Proxy Authentication Required", "it needs credentials: put them"}, true},
		{"squid 407, wrong password", ws, websocket.Params{Proxy: "http://" + auth(wrongPassword) + r.squidAuth.Addr}, r.squidAuth.Addr,
			[]string{"answered 407 Proxy Authentication Required", `did not accept those of user "alice"`}, true},
		{"squid 403, its rules", "ws://forbidden.proxy.test:" + r.wsPort + "/echo", websocket.Params{Proxy: "http://" + r.squid.Addr}, r.squid.Addr,
			[]string{"answered 403 Forbidden to CONNECT forbidden.proxy.test:" + r.wsPort}, true},
		{"squid 503, server down", "ws://" + closed + "/", websocket.Params{Proxy: "http://" + r.squid.Addr}, r.squid.Addr,
			[]string{"answered 503 Service Unavailable to CONNECT " + closed}, false},
		{"tinyproxy 502, upstream down", ws, websocket.Params{Proxy: "http://" + r.tinyBroken.Addr}, r.tinyBroken.Addr,
			[]string{"answered 502 Unable to connect to upstream proxy"}, false},
		{"squid https, untrusted certificate", ws, websocket.Params{Proxy: "https://" + r.squid.TLSAddr}, r.squid.TLSAddr,
			[]string{"https proxy", "failed the TLS handshake", "certificate"}, true},
		{"microsocks, server down", "ws://" + closed + "/", websocket.Params{Proxy: "socks5://" + r.socks.Addr}, r.socks.Addr,
			[]string{"refused to connect to " + closed + ": SOCKS5 reply 5, connection refused"}, false},
		{"microsocks, no credentials", ws, websocket.Params{Proxy: "socks5://" + r.socksAuth.Addr}, r.socksAuth.Addr,
			[]string{"needs a username and password: put them in the proxy's URL (socks5://user:password@" + r.socksAuth.Addr + ")"}, true},
		{"microsocks, wrong password", ws, websocket.Params{Proxy: "socks5://" + auth(wrongPassword) + r.socksAuth.Addr}, r.socksAuth.Addr,
			[]string{`rejected the username and password of user "alice" (SOCKS5 status `}, true},
		{"nothing listening", ws, websocket.Params{Proxy: "http://" + closed}, closed,
			[]string{"http proxy " + closed + " cannot be reached", "connection refused"}, false},
		{"http proxy hangs", ws, websocket.Params{Proxy: "http://" + hanging, Timeout: short}, hanging,
			[]string{"timed out after 300ms", "did not answer CONNECT 127.0.0.1:" + r.wsPort}, false},
		{"socks5 proxy hangs", ws, websocket.Params{Proxy: "socks5://" + hanging, Timeout: short}, hanging,
			[]string{"timed out after 300ms", "did not answer the SOCKS5 greeting"}, false},
		{"https proxy hangs", ws, websocket.Params{Proxy: "https://" + hanging, Timeout: short}, hanging,
			[]string{"timed out after 300ms", "failed the TLS handshake"}, false},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.params
			p.Reconnect = &websocket.Reconnect{MinDelay: 10 * time.Millisecond, MaxDelay: 20 * time.Millisecond, MaxAttempts: 2}
			var evs []*websocket.Data
			start := time.Now()
			var first time.Duration
			checkLeaks(t, fmt.Sprint("fail", i), tc.url, &p, func(_ *websocket.Connection, d *websocket.Data) {
				if d.Event == websocket.EventError && first == 0 {
					first = time.Since(start)
				}
				evs = append(evs, d)
			}, nil)
			want := "ERROR ERROR DISCONNECTED"
			if tc.final {
				want = "ERROR DISCONNECTED"
			}
			checkSeq(t, evs, want)
			d := evs[0]
			text := string(d.Message)
			if !errors.Is(d.Err, websocket.ErrProxy) {
				t.Errorf("ERROR %q: errors.Is(err, ErrProxy) is false", text)
			}
			for _, w := range append(tc.want, tc.addr) {
				if !strings.Contains(text, w) {
					t.Errorf("ERROR %q does not say %q", text, w)
				}
			}
			if strings.Contains(text, wrongPassword) || strings.Contains(text, "s3cr3t") {
				t.Errorf("ERROR %q gives a password away", text)
			}
			if d.HandshakeResponse != nil {
				t.Errorf("ERROR with HandshakeResponse %+v: the proxy's answer is not the server's", d.HandshakeResponse)
			}
			if (d.RetryIn > 0) == tc.final {
				t.Errorf("RetryIn %v, final %v: a refusal a retry cannot help is not retried, the others are", d.RetryIn, tc.final)
			}
			if last := evs[len(evs)-1]; last.Code != websocket.CloseAbnormalClosure {
				t.Errorf("DISCONNECTED code %d, want 1006", last.Code)
			}
			if tc.params.Timeout != 0 && (first < tc.params.Timeout || first > tc.params.Timeout+3*time.Second) {
				t.Errorf("ERROR after %v, want it at Timeout %v", first, tc.params.Timeout)
			}
			t.Logf("%s", text)
		})
	}
}

// Once the tunnel is up, what fails is the server's, not the proxy's: a
// refused upgrade keeps its HandshakeResponse, an untrusted certificate is
// ErrTLS.
func testProxyServerFailures(t *testing.T, r *proxyRig) {
	proxy := "http://" + r.squid.Addr
	var evs []*websocket.Data
	onEvent := func(_ *websocket.Connection, d *websocket.Data) { evs = append(evs, d) }
	checkLeaks(t, "server-refuses", "ws://127.0.0.1:"+r.wsPort+"/refuse", &websocket.Params{Proxy: proxy}, onEvent, nil)
	checkSeq(t, evs, "ERROR DISCONNECTED")
	if d := evs[0]; !errors.Is(d.Err, websocket.ErrUpgradeRefused) || errors.Is(d.Err, websocket.ErrProxy) ||
		d.HandshakeResponse == nil || d.HandshakeResponse.Status < 400 {
		t.Errorf("the server refused the upgrade: ERROR %q with HandshakeResponse %+v, want ErrUpgradeRefused with the server's answer", d.Message, d.HandshakeResponse)
	}
	evs = nil
	checkLeaks(t, "server-untrusted", "wss://"+r.wssAddr+"/echo", &websocket.Params{Proxy: proxy}, onEvent, nil)
	checkSeq(t, evs, "ERROR DISCONNECTED")
	if d := evs[0]; !errors.Is(d.Err, websocket.ErrTLS) || errors.Is(d.Err, websocket.ErrProxy) {
		t.Errorf("the server's certificate is not trusted: ERROR %q, want ErrTLS", d.Message)
	}
}

// A Disconnect while the proxy is still answering (it never will) ends
// the attempt at once, for each kind, with no ERROR.
func testProxyDisconnect(t *testing.T) {
	hanging := strings.TrimSuffix(strings.TrimPrefix(hangingURL(t), "ws://"), "/hang")
	for i, scheme := range []string{"http", "https", "socks5"} {
		t.Run(scheme, func(t *testing.T) {
			var evs []*websocket.Data
			var asked, ended time.Time
			checkLeaks(t, fmt.Sprint("disconnect", i), wsURL("/echo"), &websocket.Params{Proxy: scheme + "://" + hanging, Timeout: time.Minute},
				func(_ *websocket.Connection, d *websocket.Data) {
					evs = append(evs, d)
					ended = time.Now()
				},
				func(c *websocket.Connection) {
					time.Sleep(100 * time.Millisecond)
					asked = time.Now()
					websocket.Disconnect(c)
				})
			checkSeq(t, evs, "DISCONNECTED")
			if took := ended.Sub(asked); took > 2*time.Second {
				t.Errorf("DISCONNECTED %v after Disconnect", took)
			}
		})
	}
}

// Keepalive works through a proxy: pongs come back, and a server that
// stops answering is found out (half-open).
func testProxyKeepAlive(t *testing.T, r *proxyRig) {
	for _, proxy := range []string{"http://" + r.squid.Addr, "socks5://" + r.socks.Addr} {
		rec := newRecorder(t)
		c := openConn(t, rec, "ws://127.0.0.1:"+r.wsPort+"/echo", &websocket.Params{Proxy: proxy, KeepAlive: 20 * time.Millisecond})
		waitPongs(t, rec, c, 3)
		websocket.Disconnect(c)
		checkDisconnected(t, rec.waitDone(), websocket.CloseNormalClosure, "")

		deaf := rawserver.Start(rawserver.Upgrade{}, func(c *rawserver.Conn) { io.Copy(io.Discard, c) })
		var evs []*websocket.Data
		checkLeaks(t, "keepalive-"+proxy[:4], deaf.URL(), &websocket.Params{Proxy: proxy, KeepAlive: 20 * time.Millisecond, PongTimeout: 200 * time.Millisecond},
			func(_ *websocket.Connection, d *websocket.Data) { evs = append(evs, d) }, nil)
		deaf.Close()
		checkSeq(t, evs, "CONNECTED ERROR DISCONNECTED")
		if !errors.Is(evs[1].Err, websocket.ErrConnectionLost) {
			t.Errorf("through %s, a server that stopped answering: ERROR %q, want ErrConnectionLost", proxy, evs[1].Message)
		}
	}
}

// Send never waits for the network through a proxy: with a server that
// reads nothing, Sends return until the queue is full.
func testProxySendNeverBlocks(t *testing.T, r *proxyRig) {
	stop := make(chan struct{})
	stalled := rawserver.Start(rawserver.Upgrade{}, func(c *rawserver.Conn) { <-stop })
	defer stalled.Close()
	defer close(stop)
	for _, proxy := range []string{"http://" + r.squid.Addr, "https://" + r.squid.TLSAddr, "socks5://" + r.socks.Addr} {
		rec := newRecorder(t)
		c := openConn(t, rec, stalled.URL(), &websocket.Params{Proxy: proxy, TLSConfig: &tls.Config{RootCAs: r.cert.Pool}, SendQueueSize: 1 << 20})
		done := make(chan error, 1)
		go func() {
			msg := make([]byte, 64<<10)
			for i := 0; ; i++ {
				if err := websocket.Send(c, msg, nil); err != nil {
					done <- err
					return
				}
			}
		}()
		select {
		case err := <-done:
			if !errors.Is(err, websocket.ErrSendQueueFull) {
				t.Errorf("through %s: Send: %v, want ErrSendQueueFull once the queue is full", proxy, err)
			}
		case <-time.After(20 * time.Second):
			t.Errorf("through %s: Send blocked with the server not reading", proxy)
		}
		websocket.Disconnect(c)
		rec.waitDone()
	}
}

// The environment, as net/http reads it, in child processes (net/http
// reads it once per process). A dial of proxyName only works through the
// proxy, which alone resolves it.
func testProxyEnvironment(t *testing.T, r *proxyRig) {
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, r.cert.PEM, 0o644); err != nil {
		t.Fatal(err)
	}
	_, wssPort, _ := net.SplitHostPort(r.wssAddr)
	byName := "ws://" + proxyName + ":" + r.wsPort + "/echo"
	squid := "http://" + r.squid.Addr
	unresolved := `cannot resolve host "` + proxyName + `"`
	cases := []struct {
		name, url, proxy string
		env              []string
		want             string // "connected", or what the ERROR says
		viaSquid         bool   // squid's log shows the tunnel
	}{
		{"HTTP_PROXY", byName, "", []string{"HTTP_PROXY=" + squid}, "connected", true},
		{"http_proxy", byName, "", []string{"http_proxy=" + squid}, "connected", true},
		{"HTTP_PROXY without scheme", byName, "", []string{"HTTP_PROXY=" + r.squid.Addr}, "connected", true},
		{"HTTPS_PROXY for wss://", "wss://" + proxyName + ":" + wssPort + "/echo", "", []string{"HTTPS_PROXY=" + squid}, "connected", true},
		{"HTTPS_PROXY is not for ws://", byName, "", []string{"HTTPS_PROXY=" + squid}, unresolved, false},
		{"NO_PROXY", byName, "", []string{"HTTP_PROXY=" + squid, "NO_PROXY=" + proxyName}, unresolved, false},
		{"no_proxy with a domain", byName, "", []string{"HTTP_PROXY=" + squid, "no_proxy=.proxy.test"}, unresolved, false},
		{"loopback is never proxied", "ws://127.0.0.1:" + r.wsPort + "/echo", "", []string{"HTTP_PROXY=" + squid}, "connected", false},
		{`"direct" ignores HTTP_PROXY`, byName, "direct", []string{"HTTP_PROXY=" + squid}, unresolved, false},
		{"Params.Proxy over HTTP_PROXY", byName, squid, []string{"HTTP_PROXY=http://" + closedAddr(t)}, "connected", true},
		{"credentials in HTTP_PROXY", byName, "", []string{"HTTP_PROXY=http://" + auth(proxyPassword) + r.squidAuth.Addr}, "connected", false},
		{"wrong credentials in HTTP_PROXY", byName, "", []string{"HTTP_PROXY=http://" + auth(wrongPassword) + r.squidAuth.Addr},
			"ErrProxy: websocket: connect " + byName + ": proxy failed: http proxy " + r.squidAuth.Addr + " (from HTTP_PROXY) answered 407", false},
		{"HTTP_PROXY not a URL is ignored, as net/http does", byName, "", []string{"HTTP_PROXY=http://u:" + wrongPassword + "%zz@x:1"}, unresolved, false},
		{"HTTP_PROXY in a CGI program", byName, "", []string{"HTTP_PROXY=" + squid, "REQUEST_METHOD=GET"},
			"proxy failed: the proxy (from HTTP_PROXY) cannot be used: refusing to use HTTP_PROXY value in CGI environment", false},
		{"HTTP_PROXY with another scheme", byName, "", []string{"HTTP_PROXY=ftp://u:" + wrongPassword + "@127.0.0.1:21"},
			`proxy failed: proxy ftp://u:xxxxx@127.0.0.1:21 (from HTTP_PROXY) has an unsupported scheme`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mark := r.squid.Mark()
			cmd := exec.Command(os.Args[0], "-test.run=^TestProxyEnvChild$", "-test.count=1", "-test.v")
			// GORACE: a race-enabled child would wait a second at exit.
			cmd.Env = append(withoutProxyEnv(os.Environ()), "GORACE=atexit_sleep_ms=0", "HYBRIDWS_PROXY_CHILD=1",
				"CHILD_URL="+tc.url, "CHILD_PROXY="+tc.proxy, "CHILD_CA="+ca)
			cmd.Env = append(cmd.Env, tc.env...)
			out, err := cmd.CombinedOutput()
			result := ""
			for _, line := range strings.Split(string(out), "\n") {
				if s, ok := strings.CutPrefix(strings.TrimSpace(line), "RESULT: "); ok {
					result = s
				}
			}
			if err != nil || result == "" {
				t.Fatalf("child: %v\n%s", err, out)
			}
			if !strings.Contains(result, tc.want) {
				t.Errorf("with %v: %s; want %q", tc.env, result, tc.want)
			}
			if strings.Contains(result, wrongPassword) || strings.Contains(result, "s3cr3t") {
				t.Errorf("%q gives a password away", result)
			}
			// Where a tunnel is wanted, its line is waited for, so that a
			// late one never shows in the next case.
			var tunnel bool
			if tc.viaSquid {
				tunnel = r.squid.WaitFor(mark, "CONNECT ")
			} else {
				tunnel = strings.Contains(r.squid.Since(mark), "CONNECT ")
			}
			if tunnel != tc.viaSquid {
				t.Errorf("with %v: through squid %v, want %v; squid's log:\n%s", tc.env, tunnel, tc.viaSquid, r.squid.Log())
			}
		})
	}
}

func withoutProxyEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		switch name, _, _ := strings.Cut(kv, "="); strings.ToUpper(name) {
		case "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "REQUEST_METHOD", "HYBRIDWS_PROXY", "GORACE":
			continue
		}
		out = append(out, kv)
	}
	return out
}

// TestProxyEnvChild is the child of the environment cases: it connects to
// CHILD_URL with Params.Proxy CHILD_PROXY, echoes once, and prints the
// RESULT line its parent reads.
func TestProxyEnvChild(t *testing.T) {
	if os.Getenv("HYBRIDWS_PROXY_CHILD") == "" {
		t.Skip("run by TestProxy's environment cases")
	}
	pool := x509.NewCertPool()
	pem, err := os.ReadFile(os.Getenv("CHILD_CA"))
	if err != nil || !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("CHILD_CA: %v", err)
	}
	var mu sync.Mutex
	result := ""
	rec := newRecorder(t)
	rec.onEvent = func(c *websocket.Connection, d *websocket.Data) {
		mu.Lock()
		defer mu.Unlock()
		switch d.Event {
		case websocket.EventConnected:
			websocket.Send(c, []byte("hello"), text)
		case websocket.EventMessage:
			if string(d.Message) == "hello" {
				result = "connected"
			}
			websocket.Disconnect(c)
		case websocket.EventError:
			kind := "ErrDial"
			if errors.Is(d.Err, websocket.ErrProxy) {
				kind = "ErrProxy"
			}
			result = kind + ": " + string(d.Message)
		}
	}
	rec.connect(os.Getenv("CHILD_URL"), &websocket.Params{Proxy: os.Getenv("CHILD_PROXY"), TLSConfig: &tls.Config{RootCAs: pool}, Timeout: 10 * time.Second})
	rec.waitDone()
	mu.Lock()
	fmt.Println("RESULT: " + result)
	mu.Unlock()
}

// A proxy that dies (killed) loses the connection; while it is down the
// retries fail with ErrProxy; once it is back, the connection reopens
// through it.
func testProxyRestart(t *testing.T) {
	sq := realproxy.StartSquid(t, realproxy.Squid{})
	var evs []*websocket.Data
	var mu sync.Mutex
	opened := make(chan struct{}, 2)
	failed := make(chan struct{}, 100)
	// Stopped and restarted from here, not from a callback: the
	// proxy's own goroutines are no part of the connection's.
	go func() {
		<-opened
		sq.Stop()
		// The loss, then two attempts that fail while it is down.
		for i := 0; i < 3; i++ {
			<-failed
		}
		sq.Restart()
	}()
	checkLeaks(t, "restart", wsURL("/echo"), &websocket.Params{Proxy: "http://" + sq.Addr,
		Reconnect: &websocket.Reconnect{MinDelay: 50 * time.Millisecond, MaxDelay: 100 * time.Millisecond}},
		func(c *websocket.Connection, d *websocket.Data) {
			mu.Lock()
			evs = append(evs, d)
			n := count(evs, websocket.EventConnected)
			mu.Unlock()
			switch d.Event {
			case websocket.EventConnected:
				opened <- struct{}{}
				if n == 2 {
					websocket.Send(c, []byte("back"), text)
				}
			case websocket.EventMessage:
				websocket.Disconnect(c)
			case websocket.EventError:
				failed <- struct{}{}
			}
		}, nil)
	mu.Lock()
	defer mu.Unlock()
	if n := count(evs, websocket.EventConnected); n != 2 {
		t.Fatalf("opened %d times, want 2: %s", n, describe(evs))
	}
	var proxyDown int
	for _, d := range evs {
		if d.Event == websocket.EventError && errors.Is(d.Err, websocket.ErrProxy) && strings.Contains(string(d.Message), "cannot be reached") {
			if d.RetryIn <= 0 {
				t.Errorf("ERROR %q with RetryIn %v: a proxy that is down is retried", d.Message, d.RetryIn)
			}
			proxyDown++
		}
	}
	if proxyDown < 2 {
		t.Errorf("%d ERRORs saying the proxy cannot be reached, want at least 2: %s", proxyDown, describe(evs))
	}
	if m := find(evs, websocket.EventMessage); m == nil || string(m.Message) != "back" {
		t.Errorf("no echo after the proxy came back: %s", describe(evs))
	}
}
