package websocket_test

import (
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hybridws/websocket"
)

// Guarantee 1: bad input is an error from Connect at once, naming what was
// wrong, and no event ever follows.
func TestConnectBadInput(t *testing.T) {
	echo := wsURL("/echo")
	host := testServerAddr
	hdr := func(h string) *websocket.Params { return &websocket.Params{Headers: h} }
	proto := func(p string) *websocket.Params { return &websocket.Params{Protocol: p} }
	prox := func(p string) *websocket.Params { return &websocket.Params{Proxy: p} }
	cases := []struct {
		name   string
		url    string
		params *websocket.Params
		nilCB  bool
		kind   error
		want   []string // substrings of the error text
	}{
		// URLs
		{"empty URL", "", nil, false, websocket.ErrInvalidURL, []string{"empty URL"}},
		{"no scheme", "example.com/echo", nil, false, websocket.ErrInvalidURL, []string{"missing scheme", "example.com/echo"}},
		{"host:port without scheme", host, nil, false, websocket.ErrInvalidURL, []string{"scheme"}},
		{"ftp scheme", "ftp://" + host + "/echo", nil, false, websocket.ErrInvalidURL, []string{`"ftp"`}},
		{"no host", "ws:///echo", nil, false, websocket.ErrInvalidURL, []string{"missing host"}},
		{"no host, port only", "ws://:8080/echo", nil, false, websocket.ErrInvalidURL, []string{"missing host"}},
		{"port 0", "ws://127.0.0.1:0/echo", nil, false, websocket.ErrInvalidURL, []string{`port "0"`, "1-65535"}},
		{"port 65536", "ws://127.0.0.1:65536/echo", nil, false, websocket.ErrInvalidURL, []string{`port "65536"`}},
		{"port notaport", "ws://127.0.0.1:notaport/echo", nil, false, websocket.ErrInvalidURL, []string{"notaport"}},
		{"empty port", "ws://127.0.0.1:/echo", nil, false, websocket.ErrInvalidURL, []string{"port"}},
		{"fragment", echo + "#frag", nil, false, websocket.ErrInvalidURL, []string{"fragment"}},
		{"ws:/x", "ws:/x", nil, false, websocket.ErrInvalidURL, []string{"host"}},
		{"ws:x", "ws:x", nil, false, websocket.ErrInvalidURL, []string{"//"}},

		// Headers
		{"header without colon", echo, hdr("X-Foo bar"), false, websocket.ErrInvalidHeaders, []string{"line 1", "no ':'"}},
		{"invalid header name", echo, hdr("X Foo: bar"), false, websocket.ErrInvalidHeaders, []string{"invalid header name", `"X Foo"`}},
		{"empty header name", echo, hdr(": bar"), false, websocket.ErrInvalidHeaders, []string{"invalid header name"}},
		{"bare CR", echo, hdr("X-Foo: a\rb"), false, websocket.ErrInvalidHeaders, []string{"X-Foo", "bare CR"}},
		{"bare LF", echo, hdr("X-Foo: a\nX-Bar: b"), false, websocket.ErrInvalidHeaders, []string{"X-Foo", "LF"}},
		{"control character", echo, hdr("X-Foo: a\x01b"), false, websocket.ErrInvalidHeaders, []string{"X-Foo", "control character"}},
		{"empty line in the middle", echo, hdr("X-A: 1\r\n\r\nX-B: 2"), false, websocket.ErrInvalidHeaders, []string{"line 2", "empty line"}},
		{"leading empty line", echo, hdr("\r\nX-A: 1"), false, websocket.ErrInvalidHeaders, []string{"line 1", "empty line"}},
		{"two trailing CRLF", echo, hdr("X-A: 1\r\n\r\n"), false, websocket.ErrInvalidHeaders, []string{"empty line"}},
		{"Sec-WebSocket-Key", echo, hdr("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="), false, websocket.ErrInvalidHeaders, []string{"Sec-WebSocket-Key", "handshake"}},
		{"Sec-WebSocket-Version", echo, hdr("X-A: 1\r\nSec-WebSocket-Version: 13"), false, websocket.ErrInvalidHeaders, []string{"line 2", "Sec-WebSocket-Version"}},
		{"Sec-WebSocket-Extensions", echo, hdr("sec-websocket-extensions: permessage-deflate"), false, websocket.ErrInvalidHeaders, []string{"sec-websocket-extensions"}},
		{"Upgrade", echo, hdr("Upgrade: websocket"), false, websocket.ErrInvalidHeaders, []string{"Upgrade"}},
		{"Connection", echo, hdr("Connection: Upgrade"), false, websocket.ErrInvalidHeaders, []string{"Connection"}},
		{"Protocol and Sec-WebSocket-Protocol line", echo, &websocket.Params{Protocol: "chat", Headers: "Sec-WebSocket-Protocol: chat"}, false, websocket.ErrInvalidHeaders, []string{"Sec-WebSocket-Protocol", "Protocol"}},
		{"bad Sec-WebSocket-Protocol line", echo, hdr("Sec-WebSocket-Protocol: a,,b"), false, websocket.ErrInvalidHeaders, []string{"Sec-WebSocket-Protocol", "empty subprotocol"}},
		{"two Host lines", echo, hdr("Host: a\r\nHost: b"), false, websocket.ErrInvalidHeaders, []string{"Host"}},

		// Protocol
		{"empty protocol element", echo, proto("a,,b"), false, websocket.ErrInvalidProtocol, []string{"empty subprotocol", `"a,,b"`}},
		{"protocol with space", echo, proto("a b"), false, websocket.ErrInvalidProtocol, []string{`"a b"`, "token"}},
		{"trailing comma", echo, proto("chat,"), false, websocket.ErrInvalidProtocol, []string{"empty subprotocol"}},
		{"leading comma", echo, proto(",chat"), false, websocket.ErrInvalidProtocol, []string{"empty subprotocol"}},
		{"protocol with slash", echo, proto("chat/1"), false, websocket.ErrInvalidProtocol, []string{`"chat/1"`}},
		{"duplicate protocol", echo, proto("chat, chat"), false, websocket.ErrInvalidProtocol, []string{`"chat"`, "twice"}},

		// Callback and other Params
		{"nil callback", echo, nil, true, websocket.ErrNilCallback, []string{"callback"}},
		{"negative Timeout", echo, &websocket.Params{Timeout: -time.Second}, false, websocket.ErrInvalidOptions, []string{"Timeout"}},
		{"negative SendQueueSize", echo, &websocket.Params{SendQueueSize: -1}, false, websocket.ErrInvalidOptions, []string{"SendQueueSize"}},

		// Proxy (validated everywhere; the error never shows a password)
		{"Proxy without scheme", echo, prox("127.0.0.1:3128"), false, websocket.ErrInvalidOptions, []string{"Params.Proxy", "no scheme"}},
		{"Proxy ftp", echo, prox("ftp://u:hunter2@127.0.0.1:21"), false, websocket.ErrInvalidOptions, []string{"Params.Proxy", `"ftp://u:xxxxx@127.0.0.1:21"`, "unsupported scheme"}},
		{"Proxy socks4", echo, prox("socks4://127.0.0.1:1080"), false, websocket.ErrInvalidOptions, []string{"Params.Proxy", "unsupported scheme"}},
		{"Proxy without host", echo, prox("http://:3128"), false, websocket.ErrInvalidOptions, []string{"Params.Proxy", "no host"}},
		{"Proxy port 0", echo, prox("socks5://127.0.0.1:0"), false, websocket.ErrInvalidOptions, []string{"Params.Proxy", "port not in 1-65535"}},
		{"Proxy port notaport", echo, prox("http://127.0.0.1:notaport"), false, websocket.ErrInvalidOptions, []string{"Params.Proxy", "notaport"}},
		{"Proxy with a bad escape in the password", echo, prox("http://u:hunter2%zz@127.0.0.1:3128"), false, websocket.ErrInvalidOptions, []string{"Params.Proxy", "cannot be parsed"}},
		{"Proxy with a path", echo, prox("http://127.0.0.1:3128/proxy"), false, websocket.ErrInvalidOptions, []string{"Params.Proxy", "path"}},
		{"Proxy DIRECT", echo, prox("DIRECT"), false, websocket.ErrInvalidOptions, []string{"Params.Proxy", `"direct"`}},
		{"SOCKS5 password too long", echo, prox("socks5://u:" + strings.Repeat("p", 256) + "@127.0.0.1:1080"), false, websocket.ErrInvalidOptions, []string{"Params.Proxy", "255 bytes"}},
	}

	var events atomic.Int32
	cb := func(c *websocket.Connection, d *websocket.Data) { events.Add(1) }
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := websocket.Callback(cb)
			if tc.nilCB {
				f = nil
			}
			c, err := websocket.Connect(tc.url, tc.params, f)
			if err == nil {
				websocket.Disconnect(c)
				t.Fatalf("Connect(%q, %+v) succeeded", tc.url, tc.params)
			}
			if c != nil {
				t.Errorf("Connect returned a non-nil *Connection with error %v", err)
			}
			if !errors.Is(err, websocket.ErrInvalidArgument) {
				t.Errorf("%v: errors.Is(err, ErrInvalidArgument) is false", err)
			}
			if !errors.Is(err, tc.kind) {
				t.Errorf("%v: errors.Is(err, %q) is false", err, tc.kind)
			}
			var we *websocket.Error
			if !errors.As(err, &we) || we.Kind != tc.kind || we.Op != "connect" {
				t.Errorf("%v: want a *websocket.Error with Op connect and Kind %q, got %#v", err, tc.kind, we)
			}
			for _, s := range tc.want {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q gives a password away", err)
			}
			if tc.url != "" && !strings.Contains(err.Error(), tc.url) {
				t.Errorf("error %q does not name the URL %q", err, tc.url)
			}
		})
	}
	if len(cases) < 25 {
		t.Errorf("only %d cases", len(cases))
	}
	// No event, ever, for any of them.
	time.Sleep(300 * time.Millisecond)
	if n := events.Load(); n != 0 {
		t.Errorf("%d events arrived after failed Connect calls", n)
	}
}

// Inputs at the edge of validity are accepted and connect.
func TestConnectAcceptedInput(t *testing.T) {
	cases := []struct {
		name   string
		url    string
		params *websocket.Params
		proto  string // natively negotiated subprotocol
	}{
		{"nil params", wsURL("/echo"), nil, ""},
		{"zero params", wsURL("/echo"), &websocket.Params{}, ""},
		{"trailing CRLF", wsURL("/echo"), &websocket.Params{Headers: "X-A: 1\r\nX-B: 2\r\n"}, ""},
		{"header value with spaces and tabs", wsURL("/echo"), &websocket.Params{Headers: "X-A:  \tvalue with spaces\t "}, ""},
		{"spaces around commas", wsURL("/echo"), &websocket.Params{Protocol: " foo ,  chat "}, "chat"},
		{"Host line", wsURL("/echo"), &websocket.Params{Headers: "Host: " + testServerAddr}, ""},
		{"http:// mapped to ws://", "http://" + testServerAddr + "/echo", nil, ""},
		{"upper-case scheme", "WS://" + testServerAddr + "/echo", nil, ""},
		{"query string", wsURL("/echo?a=1&b=2"), nil, ""},
		{"Timeout set", wsURL("/echo"), &websocket.Params{Timeout: 10 * time.Second}, ""},
		{"MaxMessageSize negative (no limit)", wsURL("/echo"), &websocket.Params{MaxMessageSize: -1}, ""},
		{`Proxy "direct"`, wsURL("/echo"), &websocket.Params{Proxy: "direct"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRecorder(t)
			r.onEvent = func(c *websocket.Connection, d *websocket.Data) {
				switch d.Event {
				case websocket.EventConnected:
					if err := websocket.Send(c, []byte("hi"), text); err != nil {
						t.Errorf("Send: %v", err)
					}
				case websocket.EventMessage:
					websocket.Disconnect(c)
				}
			}
			r.connect(tc.url, tc.params)
			evs := r.waitDone()
			checkSeq(t, evs, "CONNECTED MESSAGE DISCONNECTED")
			if string(evs[1].Message) != "hi" {
				t.Errorf("echo %q", evs[1].Message)
			}
			checkDisconnected(t, evs, websocket.CloseNormalClosure, "*")
			if hs := evs[0].HandshakeResponse; !inBrowserTest && (hs == nil || hs.Protocol != tc.proto) {
				t.Errorf("HandshakeResponse %+v, want protocol %q", hs, tc.proto)
			}
		})
	}
}

// Negative keepalive settings are bad input.
func TestKeepAliveBadInput(t *testing.T) {
	for _, p := range []*websocket.Params{{KeepAlive: -1}, {KeepAlive: time.Second, PongTimeout: -1}} {
		_, err := websocket.Connect(wsURL("/echo"), p, func(*websocket.Connection, *websocket.Data) {
			t.Error("event after bad input")
		})
		if !errors.Is(err, websocket.ErrInvalidOptions) || !errors.Is(err, websocket.ErrInvalidArgument) {
			t.Errorf("Connect with %+v: %v, want ErrInvalidOptions", *p, err)
		}
	}
}
