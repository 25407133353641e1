//go:build !js

package native

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hybridws/websocket/internal/test/tcpserve"
)

// socksServer is a SOCKS5 server of our own, for what microsocks does not
// show: the bytes it gets, and the replies it never sends.
type socksServer struct {
	method byte   // the method it chooses: 0, 2 or 0xff
	auth   byte   // the status it answers the username/password with
	reply  byte   // its reply code
	bound  []byte // the address part of its reply: type, address, port
	got    chan socksRequest
}

// socksRequest is what a client sent.
type socksRequest struct {
	methods    []byte
	user, pass string
	atyp       byte
	host       string
	port       int
}

func (s *socksServer) start(t *testing.T) string {
	t.Helper()
	s.got = make(chan socksRequest, 1)
	srv, err := tcpserve.Listen(func(nc net.Conn) {
		var r socksRequest
		defer func() { s.got <- r }()
		nc.SetDeadline(time.Now().Add(10 * time.Second))
		b := make([]byte, 2)
		if _, err := io.ReadFull(nc, b); err != nil {
			return
		}
		r.methods = make([]byte, b[1])
		io.ReadFull(nc, r.methods)
		nc.Write([]byte{5, s.method})
		if s.method == 2 {
			io.ReadFull(nc, b)
			user := make([]byte, b[1])
			io.ReadFull(nc, user)
			io.ReadFull(nc, b[:1])
			pass := make([]byte, b[0])
			io.ReadFull(nc, pass)
			r.user, r.pass = string(user), string(pass)
			nc.Write([]byte{1, s.auth})
			if s.auth != 0 {
				return
			}
		} else if s.method != 0 {
			return
		}
		head := make([]byte, 4)
		if _, err := io.ReadFull(nc, head); err != nil {
			return
		}
		r.atyp = head[3]
		switch r.atyp {
		case socksIPv4, socksIPv6:
			a := make([]byte, map[byte]int{socksIPv4: 4, socksIPv6: 16}[r.atyp])
			io.ReadFull(nc, a)
			r.host = net.IP(a).String()
		case socksDomain:
			io.ReadFull(nc, b[:1])
			a := make([]byte, b[0])
			io.ReadFull(nc, a)
			r.host = string(a)
		}
		io.ReadFull(nc, b)
		r.port = int(binary.BigEndian.Uint16(b))
		nc.Write(append([]byte{5, s.reply, 0}, s.bound...))
		if s.reply != 0 {
			return
		}
		target, err := net.Dial("tcp", net.JoinHostPort(r.host, strconv.Itoa(r.port)))
		if err != nil {
			return
		}
		nc.SetDeadline(time.Time{})
		relay(nc, target)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv.Addr()
}

var (
	boundIPv4   = []byte{socksIPv4, 127, 0, 0, 1, 0x1f, 0x90}
	boundIPv6   = append(append([]byte{socksIPv6}, net.IPv6loopback...), 0x1f, 0x90)
	boundDomain = append(append([]byte{socksDomain, 9}, "localhost"...), 0x1f, 0x90)
)

// socks5:// resolves the server's name here and sends its IP; socks5h://
// sends the name. Every kind of bound address in the reply is read whole
// (else the WebSocket handshake would read its leftovers), the username
// and password go as RFC 1929 says, and the tunnelled socket keeps the
// non-blocking write path.
func TestSocksRequest(t *testing.T) {
	ws := echoServer(t)
	_, port, _ := net.SplitHostPort(strings.TrimSuffix(strings.TrimPrefix(ws, "ws://"), "/echo"))
	local := "ws://localhost:" + port + "/echo"
	cases := []struct {
		url, scheme, userinfo string
		bound                 []byte
		atyp                  byte
		host                  string
	}{
		{local, "socks5", "", boundIPv4, socksIPv4, "127.0.0.1"},
		{local, "socks5h", "", boundIPv6, socksDomain, "localhost"},
		{ws, "socks5h", "", boundDomain, socksIPv4, "127.0.0.1"},
		{local, "socks5", "u%3Ase:p%40ss@", boundDomain, socksIPv4, "127.0.0.1"},
	}
	for _, tc := range cases {
		s := &socksServer{bound: tc.bound}
		if tc.userinfo != "" {
			s.method = 2
		}
		addr := s.start(t)
		c := dialVia(t, tc.url, tc.scheme+"://"+tc.userinfo+addr, nil)
		if got := c.canWriteNow(); got != fastWrites {
			t.Errorf("canWriteNow() = %v through a SOCKS5 proxy, want fastWrites = %v", got, fastWrites)
		}
		c.Abort()
		r := <-s.got
		if r.atyp != tc.atyp || r.host != tc.host || strconv.Itoa(r.port) != port {
			t.Errorf("%s %s: asked for type %d %s:%d, want type %d %s:%s", tc.scheme, tc.url, r.atyp, r.host, r.port, tc.atyp, tc.host, port)
		}
		wantMethod := []byte{socksNoAuth}
		if tc.userinfo != "" {
			wantMethod = []byte{socksUserPass}
			if r.user != "u:se" || r.pass != "p@ss" {
				t.Errorf("username %q, password %q; want the URL's, decoded", r.user, r.pass)
			}
		}
		if string(r.methods) != string(wantMethod) {
			t.Errorf("offered methods %v, want %v", r.methods, wantMethod)
		}
	}
}

// The proxy's refusals: each reply code, a method we did not offer or
// none, rejected credentials; which ones a retry cannot help.
func TestSocksRefusals(t *testing.T) {
	ws := echoServer(t)
	type tc struct {
		s        socksServer
		userinfo string
		final    bool
		want     string
	}
	cases := []tc{
		{socksServer{method: 0xff}, "", true, "needs a username and password: put them in the proxy's URL (socks5://user:password@"},
		{socksServer{method: 0xff}, "bob:pw@", true, "does not accept a username and password (SOCKS5 method 2)"},
		{socksServer{method: 2}, "", true, "chose SOCKS5 method 2, which was not offered"},
		{socksServer{method: 2, auth: 1}, "bob:hunter2@", true, `rejected the username and password of user "bob" (SOCKS5 status 1)`},
		{socksServer{reply: 9, bound: boundIPv4}, "", false, "SOCKS5 reply 9"},
	}
	for code := byte(1); code <= 8; code++ {
		cases = append(cases, tc{socksServer{reply: code, bound: boundIPv4}, "", code == 2 || code == 7 || code == 8,
			"refused to connect to 127.0.0.1:"})
	}
	for _, c := range cases {
		addr := c.s.start(t)
		_, hs, err := Dial(context.Background(), Options{URL: ws, Proxy: "socks5://" + c.userinfo + addr})
		var pe *ProxyError
		if !errors.As(err, &pe) {
			t.Errorf("%+v: %v, want a *ProxyError", c.s, err)
			continue
		}
		text := err.Error()
		if !strings.Contains(text, "socks5 proxy "+addr+" ") || !strings.Contains(text, c.want) || strings.Contains(text, "hunter2") {
			t.Errorf("%+v: %q, want it to name the proxy and say %q (and no password)", c.s, text, c.want)
		}
		if c.s.reply >= 1 && int(c.s.reply) < len(socksReplies) && !strings.Contains(text, socksReplies[c.s.reply]) {
			t.Errorf("reply %d: %q does not say %q", c.s.reply, text, socksReplies[c.s.reply])
		}
		if pe.Final != c.final || hs.Status != 0 {
			t.Errorf("%+v: Final %v, status %d; want %v, 0", c.s, pe.Final, hs.Status, c.final)
		}
	}
}
