//go:build !js

package websocket

import (
	"math/rand/v2"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// The URL parser (url.go) against net/url, which Connect used before and
// which the native transport parses the URL with again: FuzzParseURL
// (validate_native_test.go) calls checkAgainstNetURL for every input.

// netURLAccepts is Connect's URL check as it was written on net/url.
func netURLAccepts(raw string) bool {
	u, err := url.Parse(raw)
	if raw == "" || err != nil || u.Opaque != "" || u.Hostname() == "" || u.Fragment != "" || strings.Contains(raw, "#") {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "ws", "http", "wss", "https":
	default:
		return false
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		return err == nil && n >= 1 && n <= 65535
	}
	return !strings.HasSuffix(u.Host, ":")
}

// checkAgainstNetURL: what parseURL accepts, net/url parses to the same
// user, host, port, path and query, and hostPort names that host and port;
// what it rejects and net/url accepts is one of the few hosts RFC 3986
// does not allow, where it is stricter on purpose.
func checkAgainstNetURL(t *testing.T, raw string) {
	t.Helper()
	u, err := splitURL(raw)
	if err != nil {
		if netURLAccepts(raw) && !stricterHost(raw) {
			t.Fatalf("rejected %q, which net/url accepts: %v", raw, err)
		}
		return
	}
	in, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("accepted %q, which net/url rejects: %v", raw, err)
	}
	out, err := url.Parse(u.url)
	if err != nil {
		t.Fatalf("accepted %q as %q, which net/url rejects: %v", raw, u.url, err)
	}
	if in.User.String() != out.User.String() || in.Host != out.Host || in.Path != out.Path || in.RawPath != out.RawPath || in.RawQuery != out.RawQuery {
		t.Fatalf("%q became %q: net/url reads %#v, then %#v", raw, u.url, in, out)
	}
	if u.port != in.Port() {
		t.Fatalf("%q: port %q, net/url reads %q", raw, u.port, in.Port())
	}
	if !strings.Contains(u.host, "%") { // net/url's Hostname is unescaped
		port := in.Port()
		if port == "" {
			port = map[string]string{"ws": "80", "wss": "443"}[out.Scheme]
		}
		if want := net.JoinHostPort(in.Hostname(), port); hostPort(raw) != want {
			t.Fatalf("hostPort(%q) = %q, want %q", raw, hostPort(raw), want)
		}
	}
}

// stricterHost reports a host that net/url takes and RFC 3986 does not
// allow: a name with '"', '<', '>', '[', ']', ':' or an escaped '%' in it,
// or an IPv6 zone with an escape, a ']' or other characters than RFC
// 3986's unreserved and sub-delims.
func stricterHost(raw string) bool {
	_, h, _ := strings.Cut(raw, "://")
	if i := strings.IndexAny(h, "/?"); i >= 0 {
		h = h[:i]
	}
	h = h[strings.LastIndexByte(h, '@')+1:]
	if strings.HasPrefix(h, "[") {
		_, zone, ok := strings.Cut(h, "%25")
		zone, _, _ = strings.Cut(zone, "]")
		return strings.Count(h, "]") > 1 || ok && strings.IndexFunc(zone, func(r rune) bool {
			return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune(unreserved+subDelims, r))
		}) >= 0
	}
	if i := strings.LastIndexByte(h, ':'); i >= 0 {
		h = h[:i]
	}
	return strings.ContainsAny(h, `"<>[]:`) || strings.Contains(h, "%25")
}

// isIPv6 agrees with net/netip on addresses put together from pieces that
// are valid and invalid in every position.
func TestIsIPv6(t *testing.T) {
	pieces := []string{"", ":", "::", "0", "1", "ff", "FFFF", "12345", "g", "1.2.3.4", "01.2.3.4",
		"255.255.255.255", "256.1.1.1", "1.2.3", ".", "::ffff:", "a:b", "0000", "00000"}
	r := rand.New(rand.NewPCG(1, 2))
	valid := 0
	for range 200000 {
		var b strings.Builder
		for k := r.IntN(12); k >= 0; k-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		a, err := netip.ParseAddr(s)
		want := err == nil && a.Is6() && a.Zone() == ""
		if got := isIPv6(s); got != want {
			t.Fatalf("isIPv6(%q) = %v; net/netip: %v, %v", s, got, a, err)
		}
		if want {
			valid++
		}
	}
	if valid < 1000 {
		t.Fatalf("only %d valid addresses among the generated ones: the test checks too little", valid)
	}
}
