package websocket

import (
	"strconv"
	"strings"
)

// request is a validated Connect call: what the backends need to dial.
type request struct {
	url          string // normalised to ws:// or wss://
	header       Header // extra request headers, without Host and Sec-WebSocket-Protocol
	host         string // a Host line from Params.Headers, native only
	subprotocols []string
}

// handshakeOwned lists the request headers the WebSocket handshake sets itself.
var handshakeOwned = map[string]bool{
	"Sec-Websocket-Key":        true,
	"Sec-Websocket-Version":    true,
	"Sec-Websocket-Extensions": true,
	"Upgrade":                  true,
	"Connection":               true,
}

// parseHeaders parses Params.Headers: "Name: value" lines separated by
// "\r\n", an optional trailing "\r\n". It returns the headers, a Host line's
// value, and the subprotocols of any Sec-WebSocket-Protocol lines.
func parseHeaders(s string) (Header, string, []string, error) {
	bad := func(line int, msg string) error {
		return newError("connect", "", ErrInvalidHeaders, "Headers line "+strconv.Itoa(line)+": "+msg, nil)
	}
	h := Header{}
	var host string
	var protos []string
	if s == "" {
		return h, "", nil, nil
	}
	s = strings.TrimSuffix(s, "\r\n")
	for i, line := range strings.Split(s, "\r\n") {
		n := i + 1
		if line == "" {
			return nil, "", nil, bad(n, "empty line; lines are separated by \\r\\n and only one trailing \\r\\n is allowed")
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, "", nil, bad(n, strconv.Quote(line)+" has no ':' between name and value")
		}
		if !isToken(name) {
			return nil, "", nil, bad(n, "invalid header name "+strconv.Quote(name))
		}
		for _, c := range []byte(value) {
			if c == '\r' || c == '\n' {
				return nil, "", nil, bad(n, "the value of "+name+" contains a bare CR or LF; separate lines with \\r\\n")
			}
			if (c < 0x20 && c != '\t') || c == 0x7f {
				return nil, "", nil, bad(n, "the value of "+name+" contains control character "+strconv.QuoteRune(rune(c)))
			}
		}
		value = strings.Trim(value, " \t")
		key := canonicalKey(name)
		switch {
		case handshakeOwned[key]:
			return nil, "", nil, bad(n, name+" is set by the WebSocket handshake itself and cannot be given")
		case key == "Sec-Websocket-Protocol":
			p, err := parseProtocol(value)
			if err != nil {
				return nil, "", nil, bad(n, "Sec-WebSocket-Protocol: "+err.(*Error).Msg)
			}
			protos = append(protos, p...)
		case key == "Host":
			if host != "" {
				return nil, "", nil, bad(n, "a second Host line")
			}
			if value == "" {
				return nil, "", nil, bad(n, "empty Host")
			}
			host = value
		default:
			h[key] = append(h[key], value)
		}
	}
	return h, host, protos, nil
}

// parseProtocol splits a comma-separated subprotocol list. Spaces around
// commas are allowed; empty elements, duplicates and non-token characters
// are not.
func parseProtocol(s string) ([]string, error) {
	bad := func(msg string) error {
		return newError("connect", "", ErrInvalidProtocol, msg, nil)
	}
	if s == "" {
		return nil, nil
	}
	var out []string
	seen := map[string]bool{}
	for _, p := range strings.Split(s, ",") {
		p = strings.Trim(p, " \t")
		if p == "" {
			return nil, bad("empty subprotocol in " + strconv.Quote(s))
		}
		if !isToken(p) {
			return nil, bad("subprotocol " + strconv.Quote(p) + " is not a valid token")
		}
		if seen[p] {
			return nil, bad("subprotocol " + strconv.Quote(p) + " is listed twice")
		}
		seen[p] = true
		out = append(out, p)
	}
	return out, nil
}

// canonicalKey returns a header name as net/http's CanonicalHeaderKey
// does ("sec-websocket-key" becomes "Sec-Websocket-Key"): the first letter
// and each letter after a '-' in upper case, the others in lower case; a
// name that is not a token comes back unchanged.
func canonicalKey(s string) string {
	if !isToken(s) {
		return s
	}
	b := []byte(s)
	upper := true
	for i, c := range b {
		switch {
		case upper && 'a' <= c && c <= 'z':
			b[i] = c - ('a' - 'A')
		case !upper && 'A' <= c && c <= 'Z':
			b[i] = c + ('a' - 'A')
		}
		upper = c == '-'
	}
	return string(b)
}

// isToken reports whether s is a non-empty RFC 7230 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// validate checks every argument of Connect and returns what the backend needs.
func validate(rawURL string, p *Params, cb Callback) (*request, error) {
	if cb == nil {
		return nil, newError("connect", rawURL, ErrNilCallback, "callback is nil", nil)
	}
	if p.Timeout < 0 {
		return nil, newError("connect", rawURL, ErrInvalidOptions, "Params.Timeout is negative", nil)
	}
	if p.SendQueueSize < 0 {
		return nil, newError("connect", rawURL, ErrInvalidOptions, "Params.SendQueueSize is negative", nil)
	}
	if p.KeepAlive < 0 || p.PongTimeout < 0 {
		return nil, newError("connect", rawURL, ErrInvalidOptions, "Params.KeepAlive or Params.PongTimeout is negative", nil)
	}
	if err := validateReconnect(rawURL, p.Reconnect); err != nil {
		return nil, err
	}
	if msg := checkProxy(p.Proxy); msg != "" {
		return nil, newError("connect", rawURL, ErrInvalidOptions, "Params.Proxy "+msg, nil)
	}
	u, err := parseURL(rawURL)
	if err != nil {
		return nil, err
	}
	withURL := func(err error) error {
		err.(*Error).URL = rawURL
		return err
	}
	protos, err := parseProtocol(p.Protocol)
	if err != nil {
		return nil, withURL(err)
	}
	h, host, hp, err := parseHeaders(p.Headers)
	if err != nil {
		return nil, withURL(err)
	}
	if len(hp) > 0 && len(protos) > 0 {
		return nil, withURL(newError("connect", "", ErrInvalidHeaders, "Sec-WebSocket-Protocol in Headers and Protocol together: give the subprotocols in Protocol only", nil))
	}
	if len(hp) > 0 && !inBrowser {
		protos = hp // natively the seed's Headers line is the subprotocol request
	}
	return &request{url: u, header: h, host: host, subprotocols: protos}, nil
}

// checkProxy says what is wrong with Params.Proxy, "" if nothing. What it
// says never includes a password. It parses with this package's own URL
// code (url.go), as Connect's URL: Proxy is validated in browsers too, and
// net/url is not linked there.
func checkProxy(s string) string {
	if s == "" || s == "direct" {
		return ""
	}
	scheme, rest := cutScheme(s)
	if scheme == "" || !strings.HasPrefix(rest, "//") {
		return "has no scheme: want \"\", \"direct\" or scheme://[user:pass@]host:port with scheme http, https, socks5 or socks5h"
	}
	auth, pathEtc := rest[2:], ""
	if i := strings.IndexAny(auth, "/?#"); i >= 0 {
		auth, pathEtc = auth[:i], auth[i:]
	}
	if i := strings.LastIndexByte(auth, '@'); i >= 0 && checkUserinfo(auth[:i]) != "" {
		// Not quoted: it holds the password.
		return "cannot be parsed: its user:password part is not valid URL syntax (escape reserved characters, such as %40 for @)"
	}
	a, msg := splitAuthority(auth)
	user, pass, hasPass := strings.Cut(a.userinfo, ":")
	shown := s // as the error quotes it: the password replaced
	if hasPass {
		shown = scheme + "://" + user + ":xxxxx@" + auth[len(a.userinfo)+1:] + pathEtc
	}
	var why string
	switch scheme = strings.ToLower(scheme); {
	case msg == "missing host":
		why = "has no host"
	case msg == "empty port after ':'" || strings.HasPrefix(msg, "port "):
		why = "has a port not in 1-65535 (" + msg + ")"
	case msg != "":
		why = "cannot be parsed: " + msg
	case scheme != "http" && scheme != "https" && scheme != "socks5" && scheme != "socks5h":
		why = "has an unsupported scheme: want http, https, socks5 or socks5h"
	case pathEtc != "" && pathEtc != "/":
		why = "has a path, query or fragment: a proxy is scheme://[user:pass@]host:port"
	case strings.HasPrefix(scheme, "socks5") && (unescapedLen(user) > 255 || unescapedLen(pass) > 255):
		why = "has a SOCKS5 username or password longer than 255 bytes"
	default:
		return ""
	}
	return strconv.Quote(shown) + " " + why
}

// unescapedLen is the length of s once its %XX escapes, already checked,
// are decoded.
func unescapedLen(s string) int { return len(s) - 2*strings.Count(s, "%") }
