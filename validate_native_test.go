//go:build !js

package websocket

import (
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Fuzz targets for the input validation of Connect and Send. Seed corpora
// live in testdata/fuzz/<target>; `make fuzz` runs each target for a
// bounded time. As plain tests they run the seeds only.

// checkArgError checks that err is an *Error of kind, wrapping ErrInvalidArgument.
func checkArgError(t *testing.T, err, kind error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, kind) || !errors.Is(err, ErrInvalidArgument) {
		t.Fatalf("error %v (%T) is not an *Error of kind %v wrapping ErrInvalidArgument", err, err, kind)
	}
	if e.Msg == "" {
		t.Fatalf("error %v has no message", err)
	}
}

func FuzzParseHeaders(f *testing.F) {
	for _, s := range []string{
		"", "X-A: 1", "X-A: 1\r\n", "X-A: 1\r\nX-B: 2", "Host: example.com\r\nX-A: b",
		"Sec-WebSocket-Protocol: chat, superchat", "Upgrade: x", "connection: x",
		"X-A: 1\r\n\r\nX-B: 2", "X-A 1", "X-A: a\nb", "X-A: a\rb", "X A: 1", ": v",
		"X-A:\t tab \t", "Host: a\r\nHost: b", "X-A: \x7f",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, host, protos, err := parseHeaders(s)
		lines := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
		if err != nil {
			checkArgError(t, err, ErrInvalidHeaders)
			return
		}
		if s == "" {
			if len(h) != 0 || host != "" || protos != nil {
				t.Fatalf("empty input gave %v %q %v", h, host, protos)
			}
			return
		}
		// A line naming a header the handshake owns is never accepted.
		for _, l := range lines {
			name, _, _ := strings.Cut(l, ":")
			if handshakeOwned[http.CanonicalHeaderKey(name)] {
				t.Fatalf("accepted %q, which sets %s", s, name)
			}
		}
		n := 0
		for k, vs := range h {
			if !isToken(k) || k != http.CanonicalHeaderKey(k) {
				t.Fatalf("header name %q", k)
			}
			if handshakeOwned[k] || k == "Host" || k == "Sec-Websocket-Protocol" {
				t.Fatalf("%s left in the extra headers", k)
			}
			for _, v := range vs {
				n++
				checkValue(t, v)
			}
		}
		checkValue(t, host)
		for _, p := range protos {
			if !isToken(p) {
				t.Fatalf("subprotocol %q is not a token", p)
			}
			n++
		}
		if host != "" {
			n++
		}
		if len(protos) == 0 && n > len(lines) {
			t.Fatalf("%d values from %d lines", n, len(lines))
		}
		// Round trip: writing the result out again parses to the same.
		h2, host2, protos2, err := parseHeaders(formatHeaders(h, host, protos))
		if err != nil {
			t.Fatalf("re-parsing %q: %v", formatHeaders(h, host, protos), err)
		}
		if formatHeaders(h2, host2, protos2) != formatHeaders(h, host, protos) {
			t.Fatalf("round trip changed %q to %q", formatHeaders(h, host, protos), formatHeaders(h2, host2, protos2))
		}
	})
}

// checkValue: an accepted header value has no CR, LF or other control
// character but tab, and no surrounding space.
func checkValue(t *testing.T, v string) {
	t.Helper()
	for _, c := range []byte(v) {
		if c == '\r' || c == '\n' || (c < 0x20 && c != '\t') || c == 0x7f {
			t.Fatalf("accepted value %q holds control byte %#x", v, c)
		}
	}
	if strings.Trim(v, " \t") != v {
		t.Fatalf("accepted value %q is not trimmed", v)
	}
}

// formatHeaders writes parsed headers back as a Params.Headers string, in
// a stable order.
func formatHeaders(h http.Header, host string, protos []string) string {
	var lines []string
	if host != "" {
		lines = append(lines, "Host: "+host)
	}
	if len(protos) > 0 {
		lines = append(lines, "Sec-WebSocket-Protocol: "+strings.Join(protos, ", "))
	}
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			lines = append(lines, k+": "+v)
		}
	}
	return strings.Join(lines, "\r\n")
}

// canonicalKey is net/http's CanonicalHeaderKey.
func FuzzCanonicalKey(f *testing.F) {
	for _, s := range []string{"", "a", "sec-websocket-key", "SEC-WEBSOCKET-KEY", "x-A-b", "-a", "a--b", "a b", "ä", "x_y", "X-A:"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := canonicalKey(s), http.CanonicalHeaderKey(s); got != want {
			t.Fatalf("canonicalKey(%q) = %q, want %q", s, got, want)
		}
	})
}

func FuzzParseURL(f *testing.F) {
	for _, s := range []string{
		"ws://127.0.0.1:8080/echo", "wss://example.com/", "http://h/p?q=1", "HTTPS://H:443",
		"ws://h:0", "ws://h:65536", "ws://h:notaport", "ws://h:", "ws://[::1]:80/x", "ws://:80",
		"ftp://h", "h:80", "ws:h", "ws://h/#frag", "ws://u:p@h/", "", "ws://h:+80", "ws://%zz",
		"ws://[fe80::1%25en0]:80/", "ws://[::ffff:1.2.3.4]/", "ws://[1::]/", "ws://ä.example/", "ws://%C3%A4/",
		"ws://a_b.c-d~e/p%20q?x=%zz", "ws://h:00080", "ws://a\"b", "ws://h/\x00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		checkAgainstNetURL(t, raw)
		out, err := parseURL(raw)
		if err != nil {
			checkArgError(t, err, ErrInvalidURL)
			return
		}
		u, err := url.Parse(out)
		if err != nil {
			t.Fatalf("accepted %q as %q, which does not parse: %v", raw, out, err)
		}
		if u.Scheme != "ws" && u.Scheme != "wss" {
			t.Fatalf("accepted %q as %q: scheme %q", raw, out, u.Scheme)
		}
		if u.Hostname() == "" || u.Opaque != "" || u.Fragment != "" {
			t.Fatalf("accepted %q as %q: host %q opaque %q fragment %q", raw, out, u.Hostname(), u.Opaque, u.Fragment)
		}
		if p := u.Port(); p != "" {
			if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
				t.Fatalf("accepted %q as %q: port %q", raw, out, p)
			}
		}
		in, _ := url.Parse(raw)
		if want := map[string]string{"http": "ws", "https": "wss"}[strings.ToLower(in.Scheme)]; want != "" && u.Scheme != want {
			t.Fatalf("%q became %q", raw, out)
		}
		// Idempotent: the normalised URL is accepted as it is.
		if again, err := parseURL(out); err != nil || again != out {
			t.Fatalf("parseURL(%q) = %q, %v; want it unchanged", out, again, err)
		}
	})
}

func FuzzParseProtocol(f *testing.F) {
	for _, s := range []string{"", "chat", "chat, superchat", "a,b", "a,,b", "a, a", " a ", "a b", "x\x00", ",", "v1.chat.example"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ps, err := parseProtocol(s)
		if err != nil {
			checkArgError(t, err, ErrInvalidProtocol)
			return
		}
		seen := map[string]bool{}
		for _, p := range ps {
			if !isToken(p) || seen[p] {
				t.Fatalf("%q gave %q", s, ps)
			}
			seen[p] = true
		}
		if s != "" && len(ps) != strings.Count(s, ",")+1 {
			t.Fatalf("%q gave %d subprotocols", s, len(ps))
		}
		again, err := parseProtocol(strings.Join(ps, ","))
		if err != nil || strings.Join(again, ",") != strings.Join(ps, ",") {
			t.Fatalf("round trip of %q: %q, %v", ps, again, err)
		}
	})
}

func FuzzValidate(f *testing.F) {
	f.Add("ws://127.0.0.1:1/", "chat", "X-A: 1", int64(0), int64(0), int64(0), int64(0), int64(0))
	f.Add("http://h/", "", "Sec-WebSocket-Protocol: a, b", int64(time.Second), int64(-1), int64(1<<20), int64(time.Second), int64(0))
	f.Add("ws://h/", "a", "Sec-WebSocket-Protocol: b", int64(-1), int64(0), int64(-5), int64(-1), int64(-1))
	f.Fuzz(func(t *testing.T, rawURL, protocol, headers string, timeout, maxMsg, sendQueue, keepAlive, pongTimeout int64) {
		p := &Params{
			Timeout: time.Duration(timeout), Protocol: protocol, Headers: headers,
			MaxMessageSize: maxMsg, SendQueueSize: sendQueue,
			KeepAlive: time.Duration(keepAlive), PongTimeout: time.Duration(pongTimeout),
		}
		req, err := validate(rawURL, p, func(*Connection, *Data) {})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || !errors.Is(err, ErrInvalidArgument) || e.URL != rawURL {
				t.Fatalf("error %v: want an *Error wrapping ErrInvalidArgument with URL %q", err, rawURL)
			}
			return
		}
		if timeout < 0 || sendQueue < 0 || keepAlive < 0 || pongTimeout < 0 {
			t.Fatalf("accepted a negative duration or size: %+v", p)
		}
		if _, err := parseURL(rawURL); err != nil {
			t.Fatalf("accepted URL %q that parseURL rejects", rawURL)
		}
		hp, _ := parseProtocol(protocol)
		_, _, hh, _ := parseHeaders(headers)
		if len(hp) > 0 && len(hh) > 0 {
			t.Fatalf("accepted Protocol and a Sec-WebSocket-Protocol header together")
		}
		want := hp
		if len(hh) > 0 && !inBrowser {
			want = hh
		}
		if strings.Join(req.subprotocols, ",") != strings.Join(want, ",") {
			t.Fatalf("subprotocols %q, want %q", req.subprotocols, want)
		}
		if _, err := validate(rawURL, p, nil); !errors.Is(err, ErrNilCallback) {
			t.Fatalf("nil callback: %v", err)
		}
	})
}

func FuzzSendOptions(f *testing.F) {
	f.Add(0, []byte("hi"), false)
	f.Add(1, []byte("h\xffi"), false)
	f.Add(2, []byte{0, 1, 2}, false)
	f.Add(3, []byte("x"), false)
	f.Add(-1, []byte{}, true)
	f.Fuzz(func(t *testing.T, typ int, msg []byte, nilOptions bool) {
		s := &StuckSocket{done: make(chan struct{})}
		c := &Connection{cfg: &dialConfig{rawURL: "ws://h/"}, t: s} // still connecting
		var opts *SendOptions
		if !nilOptions {
			opts = &SendOptions{Type: DataType(typ)}
		}
		err := Send(c, msg, opts)
		eff := DataType(typ)
		if nilOptions || typ == 0 {
			eff = DataTypeBinary
		}
		switch {
		case eff != DataTypeText && eff != DataTypeBinary:
			checkArgError(t, err, ErrInvalidOptions)
		case eff == DataTypeText && !utf8.Valid(msg):
			checkArgError(t, err, ErrInvalidUTF8)
		default:
			if !errors.Is(err, ErrNotConnected) || errors.Is(err, ErrInvalidArgument) {
				t.Fatalf("Send(%d, %q) before CONNECTED: %v, want ErrNotConnected", typ, msg, err)
			}
		}
		if written, _ := s.Written(); len(written) != 0 || s.Queued() != 0 {
			t.Fatalf("a refused Send queued something")
		}
	})
}
