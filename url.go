package websocket

import (
	"strconv"
	"strings"
)

// The URL parser of Connect, written here rather than taken from net/url:
// net/url brings fmt, reflect and net/netip into every js/wasm build, a
// large part of the JavaScript API's download, and a WebSocket URL needs
// only a small part of it. It accepts the URLs of RFC 6455 section 3
// (scheme "://" [userinfo "@"] host [":" port] [path] ["?" query]), each
// part as RFC 3986 writes it, and nothing that net/url would not parse to
// the same host, port, path and query (a native fuzz test checks that
// against net/url).

// wsURL is a Connect URL that parseURL accepted.
type wsURL struct {
	url  string // the URL with its scheme mapped to ws or wss, the rest as written
	host string // the host as written; an IPv6 address keeps its brackets
	port string // the port as written; "" when the URL gives none
}

// parseURL checks a Connect URL and maps http(s) to ws(s). It returns the
// URL with its scheme in lower case and mapped, the rest as written.
func parseURL(raw string) (string, error) {
	u, err := splitURL(raw)
	return u.url, err
}

// splitURL checks a Connect URL and splits off what error texts name.
func splitURL(raw string) (wsURL, error) {
	bad := func(msg string) (wsURL, error) {
		return wsURL{}, newError("connect", raw, ErrInvalidURL, msg, nil)
	}
	if raw == "" {
		return bad("empty URL")
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c < 0x20 || c == 0x7f {
			return bad("control character " + strconv.QuoteRune(rune(c)) + " at byte " + strconv.Itoa(i))
		}
	}
	scheme, rest := cutScheme(raw)
	var ws string
	switch strings.ToLower(scheme) {
	case "ws", "http":
		ws = "ws"
	case "wss", "https":
		ws = "wss"
	default:
		if scheme == "" || !strings.HasPrefix(rest, "//") {
			// Such as "127.0.0.1:8080/echo" or "localhost:8080".
			return bad("missing scheme: want ws://, wss://, http:// or https://")
		}
		return bad("unsupported scheme " + strconv.Quote(scheme) + ": want ws://, wss://, http:// or https://")
	}
	if strings.Contains(rest, "#") {
		return bad("a WebSocket URL cannot have a #fragment")
	}
	if !strings.HasPrefix(rest, "/") {
		return bad("missing // after the scheme")
	}
	if !strings.HasPrefix(rest, "//") {
		return bad("missing host")
	}
	authority, pathQuery := rest[2:], ""
	if i := strings.IndexAny(authority, "/?"); i >= 0 {
		authority, pathQuery = authority[:i], authority[i:]
	}
	a, msg := splitAuthority(authority)
	if msg != "" {
		return bad(msg)
	}
	path, _, _ := strings.Cut(pathQuery, "?")
	if msg := checkEscapes(path); msg != "" {
		return bad("path: " + msg)
	}
	return wsURL{url: ws + raw[len(scheme):], host: a.host, port: a.port}, nil
}

// authority is the "[userinfo@]host[:port]" part of a URL, split.
type authority struct {
	userinfo   string // "" when there is none
	host, port string // an IPv6 host keeps its brackets; port "" when none is given
}

// splitAuthority checks and splits the authority part of a URL; msg says
// what is wrong, "" if nothing.
func splitAuthority(s string) (a authority, msg string) {
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		if msg := checkUserinfo(s[:i]); msg != "" {
			return a, msg
		}
		a.userinfo, s = s[:i], s[i+1:]
	}
	var hasPort bool
	if strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return a, "missing ']' after the IPv6 address"
		}
		if msg := checkIPv6(s[1:end]); msg != "" {
			return a, msg
		}
		a.host = s[:end+1]
		if after := s[end+1:]; after != "" {
			if after[0] != ':' {
				return a, strconv.Quote(after) + " after the IPv6 address: want :port"
			}
			a.port, hasPort = after[1:], true
		}
	} else {
		a.host, a.port, hasPort = strings.Cut(s, ":")
		if a.host == "" {
			return a, "missing host"
		}
		if msg := checkRegName(a.host); msg != "" {
			return a, msg
		}
	}
	if hasPort {
		if a.port == "" {
			return a, "empty port after ':'"
		}
		if !isPort(a.port) {
			return a, "port " + strconv.Quote(a.port) + " is not in 1-65535"
		}
	}
	return a, ""
}

// cutScheme splits "scheme:rest" at the first colon when what comes before
// it is an RFC 3986 scheme (a letter, then letters, digits, "+", "-" or
// "."); else it returns "" and raw.
func cutScheme(raw string) (scheme, rest string) {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return raw[:i], raw[i+1:]
		default:
			return "", raw
		}
	}
	return "", raw
}

// isPort reports whether s is a decimal number in 1-65535 (leading zeros
// allowed, as net/url and browsers allow them).
func isPort(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		if n = n*10 + int(s[i]-'0'); n > 65535 {
			return false
		}
	}
	return n >= 1
}

// RFC 3986's character classes.
const (
	unreserved = "-._~"
	subDelims  = "!$&'()*+,;="
)

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// checkEscapes returns what is wrong with the first '%' of s that two hex
// digits do not follow, "" if none.
func checkEscapes(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && (i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2])) {
			return "invalid escape " + strconv.Quote(s[i:min(i+3, len(s))]) + ": '%' must be followed by two hex digits"
		}
	}
	return ""
}

// checkUserinfo checks the "user:password" before a host's '@': RFC 3986's
// characters, and '@' itself, as net/url allows it there.
func checkUserinfo(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isAlnum(c) && strings.IndexByte(unreserved+subDelims+":%@", c) < 0 {
			return "invalid character " + strconv.QuoteRune(rune(c)) + " in the user information"
		}
	}
	if msg := checkEscapes(s); msg != "" {
		return "user information: " + msg
	}
	return ""
}

// checkRegName checks a host name: RFC 3986's characters, or bytes of
// UTF-8 (an internationalised name), raw or escaped.
func checkRegName(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isAlnum(c) || c >= 0x80 || strings.IndexByte(unreserved+subDelims, c) >= 0:
		case c == '%' && i+2 < len(s) && s[i+1] >= '8' && isHex(s[i+1]) && isHex(s[i+2]):
			i += 2 // an escaped byte of UTF-8; RFC 3986 allows no other escape in a host
		case c == '%':
			return "invalid escape " + strconv.Quote(s[i:min(i+3, len(s))]) + " in host: only bytes of UTF-8 (%80-%FF) may be escaped there"
		default:
			return "invalid character " + strconv.QuoteRune(rune(c)) + " in host " + strconv.Quote(s)
		}
	}
	return ""
}

// checkIPv6 checks what stands between the brackets of an IP literal: an
// IPv6 address (RFC 4291 2.2: eight groups of hex digits, "::" for a run
// of zero groups, the last two groups as dotted IPv4 if wanted), then
// optionally a zone as RFC 6874 writes it ("%25" and a name, here of
// unescaped characters only).
func checkIPv6(s string) string {
	addr, zone, hasZone := strings.Cut(s, "%25")
	if hasZone {
		if zone == "" {
			return "empty zone after the IPv6 address " + strconv.Quote(addr)
		}
		for i := 0; i < len(zone); i++ {
			if !isAlnum(zone[i]) && strings.IndexByte(unreserved+subDelims, zone[i]) < 0 {
				return "invalid character " + strconv.QuoteRune(rune(zone[i])) + " in the zone of IPv6 address " + strconv.Quote(addr)
			}
		}
	}
	if !isIPv6(addr) {
		return "invalid IPv6 address " + strconv.Quote(addr)
	}
	return ""
}

func isIPv6(s string) bool {
	groups, ellipsis := 0, false
	if strings.HasPrefix(s, "::") {
		ellipsis, s = true, s[2:]
	}
	for s != "" {
		i := 0
		for i < len(s) && i < 5 && isHex(s[i]) {
			i++
		}
		switch {
		case i < len(s) && s[i] == '.':
			// The embedded IPv4 address ends the address and counts for two groups.
			if !isIPv4(s) {
				return false
			}
			groups, s = groups+2, ""
			continue
		case i == 0 || i > 4:
			return false
		}
		groups, s = groups+1, s[i:]
		switch {
		case s == "":
		case strings.HasPrefix(s, "::") && !ellipsis:
			ellipsis, s = true, s[2:]
		case s[0] == ':' && len(s) > 1:
			s = s[1:]
		default:
			return false
		}
	}
	if ellipsis {
		return groups <= 7
	}
	return groups == 8
}

// isIPv4 reports whether s is a dotted-decimal IPv4 address, without
// leading zeros (which some parsers read as octal).
func isIPv4(s string) bool {
	for part := 0; part < 4; part++ {
		if part > 0 {
			if s == "" || s[0] != '.' {
				return false
			}
			s = s[1:]
		}
		i, n := 0, 0
		for i < len(s) && i < 4 && '0' <= s[i] && s[i] <= '9' {
			n = n*10 + int(s[i]-'0')
			i++
		}
		if i == 0 || i > 3 || n > 255 || (i > 1 && s[0] == '0') {
			return false
		}
		s = s[i:]
	}
	return s == ""
}
