//go:build !js

package native

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/netip"
	"strconv"
)

// SOCKS5 (RFC 1928) with username/password authentication (RFC 1929),
// CONNECT only: what a WebSocket needs, written here rather than taken
// from golang.org/x/net/proxy so that the library's module requires
// nothing but coder/websocket, and so that socks5:// resolves names here
// while socks5h:// leaves them to the proxy (x/net/proxy sends the name
// either way).

const (
	socksVersion      = 5
	socksNoAuth       = 0x00
	socksUserPass     = 0x02
	socksNoAcceptable = 0xff
	socksConnect      = 0x01
	socksIPv4         = 0x01
	socksDomain       = 0x03
	socksIPv6         = 0x04
)

// socksReplies are RFC 1928's reply codes, 1 to 8.
var socksReplies = [...]string{
	1: "general SOCKS server failure",
	2: "connection not allowed by ruleset",
	3: "network unreachable",
	4: "host unreachable",
	5: "connection refused",
	6: "TTL expired",
	7: "command not supported",
	8: "address type not supported",
}

// socks asks a SOCKS5 proxy, on conn, for a connection to addr.
func (p *proxy) socks(ctx context.Context, conn net.Conn, addr string) error {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil {
		return errors.New("invalid port in " + addr)
	}
	// The request's address: an IP as is; a name resolved here for
	// socks5://, sent to the proxy for socks5h://.
	req := []byte{socksVersion, socksConnect, 0}
	ip, err := netip.ParseAddr(host)
	if err != nil && p.url.Scheme == "socks5" {
		ips, rerr := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if rerr != nil {
			return rerr // the server's name, not the proxy, failed
		}
		ip, err = ips[0], nil
		for _, a := range ips {
			if a.Is4() {
				ip = a
				break
			}
		}
	}
	switch {
	case err != nil:
		if len(host) > 255 {
			return p.fail(ctx, "cannot be given a host name longer than 255 bytes", true, nil)
		}
		req = append(append(req, socksDomain, byte(len(host))), host...)
	case ip.Unmap().Is4():
		a := ip.Unmap().As4()
		req = append(append(req, socksIPv4), a[:]...)
	default:
		a := ip.As16()
		req = append(append(req, socksIPv6), a[:]...)
	}
	req = binary.BigEndian.AppendUint16(req, uint16(port))

	// Greeting: the methods we offer, and the one the proxy chooses.
	user := p.url.User
	greeting := []byte{socksVersion, 1, socksNoAuth}
	if user != nil {
		greeting = []byte{socksVersion, 1, socksUserPass}
	}
	var b [2]byte
	if err := socksRoundTrip(conn, greeting, b[:]); err != nil {
		return p.fail(ctx, "did not answer the SOCKS5 greeting", false, err)
	}
	switch {
	case b[0] != socksVersion:
		return p.fail(ctx, "answered the SOCKS5 greeting with version "+strconv.Itoa(int(b[0])), true, nil)
	case b[1] == socksNoAcceptable && user == nil:
		return p.fail(ctx, "needs a username and password: put them in the proxy's URL ("+p.url.Scheme+"://user:password@"+p.url.Host+")", true, nil)
	case b[1] == socksNoAcceptable:
		return p.fail(ctx, "does not accept a username and password (SOCKS5 method 2)", true, nil)
	case b[1] != greeting[2]:
		return p.fail(ctx, "chose SOCKS5 method "+strconv.Itoa(int(b[1]))+", which was not offered", true, nil)
	}
	if user != nil {
		// RFC 1929: version 1, then the username and the password.
		pass, _ := user.Password()
		name := user.Username()
		if len(name) > 255 || len(pass) > 255 {
			return p.fail(ctx, "cannot be given a username or password longer than 255 bytes", true, nil)
		}
		auth := append(append([]byte{1, byte(len(name))}, name...), byte(len(pass)))
		auth = append(auth, pass...)
		if err := socksRoundTrip(conn, auth, b[:]); err != nil {
			return p.fail(ctx, "did not answer the SOCKS5 authentication", false, err)
		}
		if b[1] != 0 {
			return p.fail(ctx, "rejected the username and password of user "+strconv.Quote(name)+" (SOCKS5 status "+strconv.Itoa(int(b[1]))+")", true, nil)
		}
	}

	// The request, and the reply's head: version, code, 0, address type.
	var reply [4]byte
	if err := socksRoundTrip(conn, req, reply[:]); err != nil {
		return p.fail(ctx, "did not answer the SOCKS5 request to connect to "+addr, false, err)
	}
	if reply[0] != socksVersion {
		return p.fail(ctx, "answered the SOCKS5 request with version "+strconv.Itoa(int(reply[0])), true, nil)
	}
	if code := reply[1]; code != 0 {
		what := "refused to connect to " + addr + ": SOCKS5 reply " + strconv.Itoa(int(code))
		if int(code) < len(socksReplies) {
			what += ", " + socksReplies[code]
		}
		// Its rules, or what it cannot do, will not change on a retry.
		return p.fail(ctx, what, code == 2 || code == 7 || code == 8, nil)
	}
	// The rest: the address the proxy bound, and its port. We have no use
	// for them, but they must leave the socket before the WebSocket's
	// bytes arrive.
	var n int
	switch reply[3] {
	case socksIPv4:
		n = 4
	case socksIPv6:
		n = 16
	case socksDomain:
		if _, err := io.ReadFull(conn, b[:1]); err != nil {
			return p.fail(ctx, "broke off its SOCKS5 reply", false, err)
		}
		n = int(b[0])
	default:
		return p.fail(ctx, "answered with SOCKS5 address type "+strconv.Itoa(int(reply[3])), true, nil)
	}
	if _, err := io.ReadFull(conn, make([]byte, n+2)); err != nil {
		return p.fail(ctx, "broke off its SOCKS5 reply", false, err)
	}
	return nil
}

// socksRoundTrip writes msg and reads exactly len(answer) bytes.
func socksRoundTrip(conn net.Conn, msg, answer []byte) error {
	if _, err := conn.Write(msg); err != nil {
		return err
	}
	_, err := io.ReadFull(conn, answer)
	return err
}
